"""A programme's navigation: its pages grouped by the coordinator's job, and the breadcrumb of each page.

It lives in ``config`` because it names pages of all three apps (as ``config/urls.py`` does): ``programmes``
may not know the URL names of ``mentoring`` or ``evaluation``. The context processor only reads the resolved
URL name of the request (no query); ``templates/programmes/_programme_crumbs.html`` and ``_programme_tabs.html``
draw it with the ``programme`` of the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from programmes.terms import TERMS


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    url_name: str  # takes the programme's pk only


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    entries: tuple[Entry, ...]

    @property
    def url_name(self) -> str:
        return self.entries[0].url_name


# At most six top-level entries: Overview and one per job. Each group's pages are its second-level entries.
GROUPS: tuple[Group, ...] = (
    Group("overview", "Overview", (Entry("overview", "Overview", "programmes:detail"),)),
    Group(
        "setup",
        "Set-up",
        (
            Entry("settings", "Settings", "programmes:settings"),
            Entry("requirements", "Training requirements", "programmes:training_requirements"),
            Entry("budget", "Budget", "programmes:budget"),
        ),
    ),
    Group(
        "people",
        "People",
        (
            Entry("members", "Members", "programmes:members"),
            Entry("applications", "Applications", "programmes:applications"),
            Entry("training", "Training", "programmes:training_matrix"),
            Entry("time", "Protected time", "programmes:time"),
        ),
    ),
    Group(
        "matching",
        "Matching",
        (
            Entry("cohort", "Cohort", "mentoring:matching"),
            Entry("rounds", "Rounds", "mentoring:matching_history"),
            Entry("rules", "Matching settings", "mentoring:matching_settings"),
        ),
    ),
    Group(
        "relationships",
        "Relationships",
        (
            Entry("pairings", "Pairings", "mentoring:relationships"),
            Entry("alerts", "Alerts", "evaluation:alerts"),
            Entry("interventions", "Interventions", "evaluation:intervention_list"),
        ),
    ),
    Group(
        "oversight",
        "Oversight",
        (
            Entry("dashboard", "Dashboard", "evaluation:dashboard"),
            Entry("surveys", "Surveys", "evaluation:survey_list"),
            Entry("reports", "Reports", "evaluation:report_list_programme"),
        ),
    ),
)
_ENTRIES = {entry.key: (group, entry) for group in GROUPS for entry in group.entries}

# Every programme page: URL name -> (the second-level entry it belongs to, its own name in the breadcrumb).
# A page named like its entry is the entry's own page; the others are reached from it.
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
    # Matching
    "mentoring:matching": ("cohort", "Cohort"),
    "mentoring:matching_history": ("rounds", "Rounds"),
    "mentoring:matching_round": ("rounds", "Round"),
    "mentoring:matching_publish": ("rounds", "Publish a round"),
    "mentoring:matching_swap": ("rounds", "Swap a mentor"),
    "mentoring:matching_override": ("cohort", "Allow a pair again"),
    "mentoring:matching_settings": ("rules", "Matching settings"),
    # Relationships
    "mentoring:relationships": ("pairings", "Pairings"),
    # A pairing's pages as its coordinators see them (the pair has its own breadcrumb, from My mentoring).
    "mentoring:pairing_detail": ("pairings", "Pairing"),
    "mentoring:pairing_pause": ("pairings", "Pause"),
    "mentoring:pairing_complete": ("pairings", "Complete"),
    "mentoring:pairing_end_early": ("pairings", "End early"),
    "mentoring:session_list": ("pairings", "Sessions"),
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


@dataclass(frozen=True)
class Here:
    """Where a programme page sits: its group, its second-level entry and its own name."""

    groups: tuple[Group, ...]
    group: Group
    entry: Entry
    page: str

    @property
    def is_entry_page(self) -> bool:
        """The page is its entry's own page (so the entry is the page, not a link above it)."""
        return self.page == self.entry.label

    @property
    def group_is_page(self) -> bool:
        """The page is its group's own page (the group's first entry), so the breadcrumb ends at the group."""
        return self.is_entry_page and self.entry == self.group.entries[0]


def here_for(view_name: str | None) -> Here | None:
    if view_name not in PAGES:
        return None
    entry_key, page = PAGES[view_name]
    group, entry = _ENTRIES[entry_key]
    return Here(groups=GROUPS, group=group, entry=entry, page=page)


def programme_navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    return {"programme_here": here_for(match.view_name if match else None), "terms": TERMS}
