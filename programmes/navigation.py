"""Programmes' pages in a programme's navigation (programmes.hooks.PROGRAMME_TABS and PROGRAMME_PAGES).

Registered in ProgrammesConfig.ready(); config.navigation puts every app's together. A new GET programme page
gets a line in PAGES here (config/tests/test_programme_navigation.py checks it).
"""

from __future__ import annotations

# (group, entry key, label, URL name taking the programme's pk), in order within each group.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "overview", "Overview", "programmes:detail"),
    ("setup", "settings", "Settings", "programmes:settings"),
    ("setup", "requirements", "Training requirements", "programmes:training_requirements"),
    ("setup", "budget", "Budget", "programmes:budget"),
    ("people", "members", "Members", "programmes:members"),
    ("people", "applications", "Applications", "programmes:applications"),
    ("people", "training", "Training", "programmes:training_matrix"),
    ("people", "time", "Protected time", "programmes:time"),
)

# URL name -> (the entry it belongs to, its own name in the breadcrumb).
PAGES: dict[str, tuple[str, str]] = {
    "programmes:detail": ("overview", "Overview"),
    # Set-up
    "programmes:settings": ("settings", "Settings"),
    "programmes:training_requirements": ("requirements", "Training requirements"),
    "programmes:training_requirement_remove": ("requirements", "Remove a requirement"),
    "programmes:budget": ("budget", "Budget"),
    "programmes:budget_line_create": ("budget", "New budget line"),
    "programmes:budget_line_edit": ("budget", "Edit a budget line"),
    "programmes:budget_line_delete": ("budget", "Delete a budget line"),
    "programmes:spend_list": ("budget", "Spends"),
    "programmes:spend_create": ("budget", "Record a spend"),
    "programmes:spend_delete": ("budget", "Delete a spend"),
    # People
    "programmes:members": ("members", "Members"),
    "programmes:applications": ("applications", "Applications"),
    "programmes:application_detail": ("applications", "Application"),
    "programmes:training_matrix": ("training", "Training"),
    "programmes:training_person": ("training", "A person's training"),
    "programmes:training_record_create": ("training", "New training record"),
    "programmes:training_record_edit": ("training", "Edit a training record"),
    "programmes:readiness_override": ("training", "Readiness override"),
    "programmes:readiness_override_withdraw": ("training", "Withdraw an override"),
    "programmes:time": ("time", "Protected time"),
}
