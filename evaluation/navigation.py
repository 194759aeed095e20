"""Evaluation's pages in a programme's navigation (programmes.hooks.PROGRAMME_TABS and PROGRAMME_PAGES).

Registered in EvaluationConfig.ready(); config.navigation puts every app's together. A new GET programme page
gets a line in PAGES here (config/tests/test_programme_navigation.py checks it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# (group, entry key, label, URL name taking the programme's pk), in order within each group.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("relationships", "alerts", gettext_lazy("Alerts"), "evaluation:alerts"),
    ("relationships", "interventions", gettext_lazy("Interventions"), "evaluation:intervention_list"),
    ("oversight", "dashboard", gettext_lazy("Dashboard"), "evaluation:dashboard"),
    ("oversight", "surveys", gettext_lazy("Surveys"), "evaluation:survey_list"),
    ("oversight", "reports", gettext_lazy("Reports"), "evaluation:report_list_programme"),
)

# URL name -> (the entry it belongs to, its own name in the breadcrumb).
PAGES: dict[str, tuple[str, str]] = {
    # Relationships
    "evaluation:alerts": ("alerts", gettext_lazy("Alerts")),
    "evaluation:intervention_list": ("interventions", gettext_lazy("Interventions")),
    "evaluation:intervention_create": ("interventions", gettext_lazy("New intervention")),
    "evaluation:intervention_detail": ("interventions", gettext_lazy("Intervention")),
    "evaluation:intervention_close": ("interventions", gettext_lazy("Intervention")),
    # Oversight
    "evaluation:dashboard": ("dashboard", gettext_lazy("Dashboard")),
    "evaluation:survey_list": ("surveys", gettext_lazy("Surveys")),
    "evaluation:survey_create": ("surveys", gettext_lazy("New survey")),
    "evaluation:survey_edit": ("surveys", gettext_lazy("Survey")),
    "evaluation:question_add": ("surveys", gettext_lazy("New question")),
    "evaluation:question_edit": ("surveys", gettext_lazy("Edit a question")),
    "evaluation:question_delete": ("surveys", gettext_lazy("Delete a question")),
    "evaluation:round_create": ("surveys", gettext_lazy("Send a round")),
    "evaluation:round_results": ("surveys", gettext_lazy("Round results")),
    "evaluation:report_list_programme": ("reports", gettext_lazy("Reports")),
    "evaluation:report_create": ("reports", gettext_lazy("New report")),
    "evaluation:report_detail": ("reports", gettext_lazy("Report")),
    "evaluation:report_edit": ("reports", gettext_lazy("Edit a report")),
}
