"""Mentoring's pages in a programme's navigation (programmes.hooks.PROGRAMME_TABS and PROGRAMME_PAGES).

Registered in MentoringConfig.ready(); config.navigation puts every app's together. A new GET programme page
gets a line in PAGES here (config/tests/test_programme_navigation.py checks it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (group, entry key, label, URL name taking the programme's pk), in order within each group.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("matching", "cohort", _("Cohort"), "mentoring:matching"),
    ("matching", "rounds", _("Rounds"), "mentoring:matching_history"),
    ("matching", "rules", _("Matching settings"), "mentoring:matching_settings"),
    ("relationships", "pairings", _("Pairings"), "mentoring:relationships"),
    ("relationships", "meeting_links", _("Meeting links"), "mentoring:planning_settings"),
    ("relationships", "webhooks", _("Slack and Teams"), "mentoring:webhooks"),
)

# URL name -> (the entry it belongs to, its own name in the breadcrumb).
PAGES: dict[str, tuple[str, str]] = {
    # Matching
    "mentoring:matching": ("cohort", _("Cohort")),
    "mentoring:matching_history": ("rounds", _("Rounds")),
    "mentoring:matching_round": ("rounds", _("Round")),
    "mentoring:matching_publish": ("rounds", _("Publish a round")),
    "mentoring:matching_swap": ("rounds", _("Swap a mentor")),
    "mentoring:matching_override": ("cohort", _("Allow a pair again")),
    "mentoring:matching_late_joiners": ("cohort", _("Match late joiners")),
    "mentoring:matching_settings": ("rules", _("Matching settings")),
    # Relationships
    "mentoring:relationships": ("pairings", _("Pairings")),
    "mentoring:planning_settings": ("meeting_links", _("Meeting links")),
    "mentoring:webhooks": ("webhooks", _("Slack and Teams")),
    # A pairing's pages as its coordinators see them (the pair has its own breadcrumb, from My mentoring).
    "mentoring:pairing_detail": ("pairings", _("Pairing")),
    "mentoring:pairing_pause": ("pairings", _("Pause")),
    "mentoring:pairing_complete": ("pairings", _("Complete")),
    "mentoring:pairing_end_early": ("pairings", _("End early")),
    "mentoring:session_list": ("pairings", _("Sessions")),
}
