"""Mentoring's pages in a programme's navigation (programmes.hooks.PROGRAMME_TABS and PROGRAMME_PAGES).

Registered in MentoringConfig.ready(); config.navigation puts every app's together. A new GET programme page
gets a line in PAGES here (config/tests/test_programme_navigation.py checks it).
"""

from __future__ import annotations

# (group, entry key, label, URL name taking the programme's pk), in order within each group.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("matching", "cohort", "Cohort", "mentoring:matching"),
    ("matching", "rounds", "Rounds", "mentoring:matching_history"),
    ("matching", "rules", "Matching settings", "mentoring:matching_settings"),
    ("relationships", "pairings", "Pairings", "mentoring:relationships"),
    ("relationships", "meeting_links", "Meeting links", "mentoring:planning_settings"),
    ("relationships", "webhooks", "Slack and Teams", "mentoring:webhooks"),
)

# URL name -> (the entry it belongs to, its own name in the breadcrumb).
PAGES: dict[str, tuple[str, str]] = {
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
    "mentoring:planning_settings": ("meeting_links", "Meeting links"),
    "mentoring:webhooks": ("webhooks", "Slack and Teams"),
    # A pairing's pages as its coordinators see them (the pair has its own breadcrumb, from My mentoring).
    "mentoring:pairing_detail": ("pairings", "Pairing"),
    "mentoring:pairing_pause": ("pairings", "Pause"),
    "mentoring:pairing_complete": ("pairings", "Complete"),
    "mentoring:pairing_end_early": ("pairings", "End early"),
    "mentoring:session_list": ("pairings", "Sessions"),
}
