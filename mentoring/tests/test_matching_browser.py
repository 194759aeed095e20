"""Matching in a real browser: the coordinator runs a round, swaps a proposal and publishes; the mentor sees why."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, log_out, screenshot
from mentoring.models import Pairing
from mentoring.tests.factories import approved_profile
from programmes.models import Role
from programmes.tests.factories import SkillFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Page, name: str) -> None:
    screenshot(page, f"matching-{name}")


def test_the_coordinator_runs_swaps_and_publishes_then_the_mentor_sees_why(page: Page, live_server, spring):
    programme, negotiation, service, technology = spring
    budgeting = SkillFactory(name="Budgeting")

    def mentee(name: str, skill) -> None:
        approved_profile(programme=programme, display_name=name, skills=[(skill, 2)], grade=2, org_unit=service)

    def mentor(name: str, email: str, skills) -> None:
        approved_profile(
            programme=programme,
            role=Role.MENTOR,
            display_name=name,
            email=email,
            skills=skills,
            capacity=1,
            grade=5,
            org_unit=technology,
            availability=["mon-am", "wed-pm", "thu-am"],
        )

    mentee("Mina Lee", negotiation)
    mentee("Nico Park", budgeting)
    mentor("Ann Ames", "ann@example.org", [(negotiation, 3)])
    mentor("Ben Berg", "ben@example.org", [(budgeting, 3)])
    mentor("Cal Cruz", "cal@example.org", [(negotiation, 1)])  # a weaker fit for Mina, free to swap in

    # The coordinator runs a round from the Matching tab.
    log_in(page, live_server, "cora@example.org")
    page.get_by_role("link", name="Spring Mentoring").click()
    page.get_by_role("link", name="Matching", exact=True).click()
    expect(page.get_by_text("+40 skills: Negotiation").first).to_be_visible()
    shot(page, "0-cohort")
    page.get_by_role("button", name="Run a round").click()
    expect(page.get_by_text("The round proposes 2 pairings")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Mina Lee")).to_contain_text("Ann Ames")
    shot(page, "1-draft")

    # She swaps Mina's mentor: the page lists every mentor with a score for Mina.
    page.get_by_role("link", name="Swap the mentor of Mina Lee").click()
    expect(page.get_by_role("heading", name="Another mentor for Mina Lee")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Ben Berg")).to_contain_text("Ben Berg has no free place")
    shot(page, "2-swap")
    page.get_by_role("button", name="Propose Cal Cruz").click()
    expect(page.get_by_text("Cal Cruz is now proposed for Mina Lee.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Mina Lee")).to_contain_text("Cal Cruz")

    # Publishing asks first, then tells the pairs.
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish 2 proposals?")).to_be_visible()
    page.get_by_role("button", name="Publish and tell the pairs").click()
    expect(page.get_by_text("2 pairings are proposed.")).to_be_visible()
    shot(page, "3-published")
    log_out(page)

    # The mentor sees the new pairing and why it was proposed.
    log_in(page, live_server, "cal@example.org")
    page.get_by_role("link", name="Details and why you were matched").click()
    expect(page.get_by_role("heading", name="Why you were matched")).to_be_visible()
    expect(page.get_by_text("+20 skills: Negotiation (partly)")).to_be_visible()
    expect(page.get_by_text("+15 different department")).to_be_visible()
    shot(page, "4-mentor")

    pairing = Pairing.objects.get(mentee__display_name="Mina Lee")
    assert (pairing.mentor.display_name, pairing.status, pairing.source) == ("Cal Cruz", "proposed", "round")
