"""A pairing's life in a real browser: both accept, the mentee ends it early asking for a new mentor, writes a
private closing reflection, and the coordinator sees the ending and the re-match request but not the words."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, log_out, screenshot
from mentoring.models import ClosingReflection, Pairing
from mentoring.tests.factories import ProposedPairingFactory
from programmes.models import Role
from programmes.tests.factories import ApplicationFactory, MembershipFactory, PersonFactory

REFLECTION = "I learned to ask for help before the deadline, not after it."

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Page, name: str) -> None:
    screenshot(page, f"lifecycle-{name}")


def test_both_accept_the_mentee_ends_early_with_a_rematch_and_keeps_the_reflection_private(
    page: Page, live_server, cast
):
    programme = cast["pairing"].programme
    mentor = cast["mentor"]
    newcomer = PersonFactory(email="nia@example.org", display_name="Nia Newcomer", line_manager=cast["line_manager"])
    MembershipFactory(programme=programme, person=newcomer, role=Role.MENTEE)
    ApplicationFactory(programme=programme, person=mentor, role=Role.MENTOR, status="approved")
    ApplicationFactory(programme=programme, person=newcomer, role=Role.MENTEE, status="approved")
    proposal = ProposedPairingFactory(
        programme=programme,
        mentor=mentor,
        mentee=newcomer,
        score=68,
        explanation=[{"text": "+30 skills: Negotiation"}, {"text": "+15 different department"}],
    )

    # The mentor accepts from My mentoring.
    log_in(page, live_server, mentor.email)
    expect(page.get_by_text("Mentor Nia Newcomer?")).to_be_visible()
    shot(page, "mentor-proposal")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text("The pairing starts as soon as Nia Newcomer accepts too.")
    log_out(page)

    # The mentee reads why they were proposed, and accepts.
    log_in(page, live_server, newcomer.email)
    page.get_by_role("link", name="Details and why you were matched").click()
    expect(page.get_by_text("+30 skills: Negotiation")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status")).to_contain_text("You have both accepted: your mentoring with Max Mentor starts")
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    shot(page, "active")

    # Weeks later it is not working out: the mentee ends it early and asks for a new mentor.
    page.get_by_role("link", name="End early…").click()
    page.get_by_label("Not a good match").check()
    page.get_by_label("I would like a new mentor").check()
    shot(page, "end-early")
    page.get_by_role("button", name="End the pairing now").click()
    expect(page.get_by_role("status")).to_contain_text("The coordinators are asked to find a new mentor.")

    # The reflection page: private, and pointing to the end-of-relationship survey.
    expect(page.get_by_text("Private: only you will ever read this.")).to_be_visible()
    expect(page.get_by_role("link", name="My surveys").last).to_have_attribute("href", "/reports/surveys/")
    page.get_by_label("Your closing reflection").fill(REFLECTION)
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.get_by_role("status")).to_contain_text("Your closing reflection is saved. Only you can read it.")
    shot(page, "reflection-saved")
    log_out(page)

    # The coordinator is told of the early ending and the wish for a new mentor, and sees metadata only.
    log_in(page, live_server, cast["coordinator"].email)
    page.goto(f"{live_server.url}/programmes/notifications/")
    note = page.get_by_role("button", name="Nia Newcomer wants a new mentor")
    expect(note).to_be_visible()
    note.click()
    expect(page.get_by_text("Max Mentor mentoring Nia Newcomer")).to_be_visible()
    expect(page.get_by_text("Not a good match")).to_be_visible()
    expect(page.get_by_text("Their closing reflections stay private to each of them.")).to_be_visible()
    expect(page.get_by_text(REFLECTION)).to_have_count(0)
    shot(page, "coordinator-view")
    page.goto(f"{live_server.url}/mentoring/pairings/{proposal.pk}/reflection/")
    expect(page.get_by_text(REFLECTION)).to_have_count(0)

    proposal.refresh_from_db()
    assert proposal.status == Pairing.Status.ENDED_EARLY and proposal.end_reason == "mismatch"
    assert ClosingReflection.objects.get(pairing=proposal, author=newcomer).text == REFLECTION
