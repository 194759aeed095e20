"""Evaluation's pages in a programme's navigation (programmes.hooks.PROGRAMME_TABS and PROGRAMME_PAGES).

Registered in EvaluationConfig.ready(); config.navigation puts every app's together. A new GET programme page
gets a line in PAGES here (config/tests/test_programme_navigation.py checks it).
"""

from __future__ import annotations

# (group, entry key, label, URL name taking the programme's pk), in order within each group.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("relationships", "alerts", "Alerts", "evaluation:alerts"),
    ("relationships", "interventions", "Interventions", "evaluation:intervention_list"),
    ("oversight", "dashboard", "Dashboard", "evaluation:dashboard"),
    ("oversight", "surveys", "Surveys", "evaluation:survey_list"),
    ("oversight", "reports", "Reports", "evaluation:report_list_programme"),
)

# URL name -> (the entry it belongs to, its own name in the breadcrumb).
PAGES: dict[str, tuple[str, str]] = {
    # Relationships
    "evaluation:alerts": ("alerts", "Alerts"),
    "evaluation:intervention_list": ("interventions", "Interventions"),
    "evaluation:intervention_create": ("interventions", "New intervention"),
    "evaluation:intervention_detail": ("interventions", "Intervention"),
    "evaluation:intervention_close": ("interventions", "Intervention"),
    # Oversight
    "evaluation:dashboard": ("dashboard", "Dashboard"),
    "evaluation:survey_list": ("surveys", "Surveys"),
    "evaluation:survey_create": ("surveys", "New survey"),
    "evaluation:survey_edit": ("surveys", "Survey"),
    "evaluation:question_add": ("surveys", "New question"),
    "evaluation:question_edit": ("surveys", "Edit a question"),
    "evaluation:question_delete": ("surveys", "Delete a question"),
    "evaluation:round_create": ("surveys", "Send a round"),
    "evaluation:round_results": ("surveys", "Round results"),
    "evaluation:report_list_programme": ("reports", "Reports"),
    "evaluation:report_create": ("reports", "New report"),
    "evaluation:report_detail": ("reports", "Report"),
    "evaluation:report_edit": ("reports", "Edit a report"),
}
