"""Programmes' pages in a programme's navigation (programmes.hooks.PROGRAMME_TABS and PROGRAMME_PAGES).

Registered in ProgrammesConfig.ready(); config.navigation puts every app's together. A new GET programme page
gets a line in PAGES here (config/tests/test_programme_navigation.py checks it).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

# (group, entry key, label, URL name taking the programme's pk), in order within each group.
TABS: tuple[tuple[str, str, Any, str], ...] = (
    ("overview", "overview", gettext_lazy("Overview"), "programmes:detail"),
    ("setup", "settings", gettext_lazy("Settings"), "programmes:settings"),
    ("setup", "requirements", gettext_lazy("Training requirements"), "programmes:training_requirements"),
    ("setup", "budget", gettext_lazy("Budget"), "programmes:budget"),
    ("people", "members", gettext_lazy("Members"), "programmes:members"),
    ("people", "applications", gettext_lazy("Applications"), "programmes:applications"),
    ("people", "training", gettext_lazy("Training"), "programmes:training_matrix"),
    ("people", "time", gettext_lazy("Protected time"), "programmes:time"),
)

# URL name -> (the entry it belongs to, its own name in the breadcrumb).
PAGES: dict[str, tuple[str, Any]] = {
    "programmes:detail": ("overview", gettext_lazy("Overview")),
    # Set-up
    "programmes:settings": ("settings", gettext_lazy("Settings")),
    "programmes:training_requirements": ("requirements", gettext_lazy("Training requirements")),
    "programmes:training_requirement_remove": ("requirements", gettext_lazy("Remove a requirement")),
    "programmes:budget": ("budget", gettext_lazy("Budget")),
    "programmes:budget_line_create": ("budget", gettext_lazy("New budget line")),
    "programmes:budget_line_edit": ("budget", gettext_lazy("Edit a budget line")),
    "programmes:budget_line_delete": ("budget", gettext_lazy("Delete a budget line")),
    "programmes:spend_list": ("budget", gettext_lazy("Spends")),
    "programmes:spend_create": ("budget", gettext_lazy("Record a spend")),
    "programmes:spend_delete": ("budget", gettext_lazy("Delete a spend")),
    # People
    "programmes:members": ("members", gettext_lazy("Members")),
    "programmes:applications": ("applications", gettext_lazy("Applications")),
    "programmes:application_detail": ("applications", gettext_lazy("Application")),
    "programmes:training_matrix": ("training", gettext_lazy("Training")),
    "programmes:training_person": ("training", gettext_lazy("A person's training")),
    "programmes:briefings": ("training", gettext_lazy("Line managers' briefing")),
    "programmes:training_record_create": ("training", gettext_lazy("New training record")),
    "programmes:training_record_edit": ("training", gettext_lazy("Edit a training record")),
    "programmes:readiness_override": ("training", gettext_lazy("Readiness override")),
    "programmes:readiness_override_withdraw": ("training", gettext_lazy("Withdraw an override")),
    "programmes:time": ("time", gettext_lazy("Protected time")),
}
