"""Programmes' pages in a programme's navigation (programmes.hooks.PROGRAMME_TABS and PROGRAMME_PAGES).

Registered in ProgrammesConfig.ready(); config.navigation puts every app's together. A new GET programme page
gets a line in PAGES here (config/tests/test_programme_navigation.py checks it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (group, entry key, label, URL name taking the programme's pk), in order within each group.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "overview", _("Overview"), "programmes:detail"),
    ("setup", "settings", _("Settings"), "programmes:settings"),
    ("setup", "requirements", _("Training requirements"), "programmes:training_requirements"),
    ("setup", "budget", _("Budget"), "programmes:budget"),
    ("people", "members", _("Members"), "programmes:members"),
    ("people", "applications", _("Applications"), "programmes:applications"),
    ("people", "training", _("Training"), "programmes:training_matrix"),
    ("people", "time", _("Protected time"), "programmes:time"),
)

# URL name -> (the entry it belongs to, its own name in the breadcrumb).
PAGES: dict[str, tuple[str, str]] = {
    "programmes:detail": ("overview", _("Overview")),
    # Set-up
    "programmes:settings": ("settings", _("Settings")),
    "programmes:training_requirements": ("requirements", _("Training requirements")),
    "programmes:training_requirement_remove": ("requirements", _("Remove a requirement")),
    "programmes:budget": ("budget", _("Budget")),
    "programmes:budget_line_create": ("budget", _("New budget line")),
    "programmes:budget_line_edit": ("budget", _("Edit a budget line")),
    "programmes:budget_line_delete": ("budget", _("Delete a budget line")),
    "programmes:spend_list": ("budget", _("Spends")),
    "programmes:spend_create": ("budget", _("Record a spend")),
    "programmes:spend_delete": ("budget", _("Delete a spend")),
    # People
    "programmes:members": ("members", _("Members")),
    "programmes:applications": ("applications", _("Applications")),
    "programmes:application_detail": ("applications", _("Application")),
    "programmes:training_matrix": ("training", _("Training")),
    "programmes:training_person": ("training", _("A person's training")),
    "programmes:training_record_create": ("training", _("New training record")),
    "programmes:training_record_edit": ("training", _("Edit a training record")),
    "programmes:readiness_override": ("training", _("Readiness override")),
    "programmes:readiness_override_withdraw": ("training", _("Withdraw an override")),
    "programmes:time": ("time", _("Protected time")),
}
