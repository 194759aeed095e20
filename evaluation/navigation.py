"""Evaluation's pages in a programme's navigation (programmes.hooks.PROGRAMME_TABS and PROGRAMME_PAGES).

Registered in EvaluationConfig.ready(); config.navigation puts every app's together. A new GET programme page
gets a line in PAGES here (config/tests/test_programme_navigation.py checks it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (group, entry key, label, URL name taking the programme's pk), in order within each group.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("relationships", "alerts", _("Alerts"), "evaluation:alerts"),
    ("relationships", "interventions", _("Interventions"), "evaluation:intervention_list"),
    ("oversight", "dashboard", _("Dashboard"), "evaluation:dashboard"),
    ("oversight", "surveys", _("Surveys"), "evaluation:survey_list"),
    ("oversight", "reports", _("Reports"), "evaluation:report_list_programme"),
)

# URL name -> (the entry it belongs to, its own name in the breadcrumb).
PAGES: dict[str, tuple[str, str]] = {
    # Relationships
    "evaluation:alerts": ("alerts", _("Alerts")),
    "evaluation:intervention_list": ("interventions", _("Interventions")),
    "evaluation:intervention_create": ("interventions", _("New intervention")),
    "evaluation:intervention_detail": ("interventions", _("Intervention")),
    "evaluation:intervention_close": ("interventions", _("Intervention")),
    # Oversight
    "evaluation:dashboard": ("dashboard", _("Dashboard")),
    "evaluation:survey_list": ("surveys", _("Surveys")),
    "evaluation:survey_create": ("surveys", _("New survey")),
    "evaluation:survey_edit": ("surveys", _("Survey")),
    "evaluation:question_add": ("surveys", _("New question")),
    "evaluation:question_edit": ("surveys", _("Edit a question")),
    "evaluation:question_delete": ("surveys", _("Delete a question")),
    "evaluation:round_create": ("surveys", _("Send a round")),
    "evaluation:round_results": ("surveys", _("Round results")),
    "evaluation:audit_overview": ("surveys", _("Teams' results and plans")),
    "evaluation:report_list_programme": ("reports", _("Reports")),
    "evaluation:report_create": ("reports", _("New report")),
    "evaluation:report_detail": ("reports", _("Report")),
    "evaluation:report_edit": ("reports", _("Edit a report")),
}
