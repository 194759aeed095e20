"""The matching pages on a 390 px phone (issue 19), in a real browser: the long cells (a proposal's reasons, a
mentee's best mentors, a mentor's three wishes) are on the screen, not behind a table's sideways scroll; removing a
proposal from a draft and resetting the settings ask first."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from config.tests.browser import log_in, screenshot
from mentoring.models import MatchProposal, MatchSettings, Objective
from mentoring.selectors.cohort import match_settings_get
from mentoring.services.matching import round_run
from mentoring.tests.factories import approved_profile
from programmes.models import Person, Programme, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def on_screen(locator: Locator) -> None:
    """Seen by scrolling down only: its left and right edges inside the phone's width as the page loaded (a cell
    behind a table's sideways scroll is further right), and shown."""
    expect(locator).to_be_visible()
    left, right = locator.evaluate("el => [el.getBoundingClientRect().left, el.getBoundingClientRect().right]")
    assert left >= 0 and right <= PHONE["width"], (left, right)


@pytest.fixture
def matching_cohort(spring):
    programme, negotiation, service, technology = spring
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.MATCHING)
    for name in ("Mina Lee", "Nico Park", "Zoe Zimmermann-Schwarzenberger"):
        approved_profile(programme=programme, display_name=name, skills=[(negotiation, 2)], grade=2, org_unit=service)
    for name, email in (("Ann Ames", "ann@example.org"), ("Carla Castellanos-Villanueva", "carla@example.org")):
        approved_profile(
            programme=programme,
            role=Role.MENTOR,
            display_name=name,
            email=email,
            skills=[(negotiation, 3)],
            capacity=1,
            grade=5,
            org_unit=technology,
        )
    return programme


def test_the_coordinator_reads_proposals_and_suggestions_on_a_phone_and_confirms_a_removal(
    page: Page, live_server, matching_cohort
):
    programme = matching_cohort
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "cora@example.org")
    page.goto(live_server.url + reverse("mentoring:matching", args=[programme.pk]))
    on_screen(page.get_by_role("button", name="Propose this pairing (Ann Ames for Zoe Zimmermann-Schwarzenberger)"))

    cora = Person.objects.get(email="cora@example.org")
    match_round = round_run(programme=programme, by=cora, objective=Objective.BEST_TOTAL)
    page.goto(live_server.url + reverse("mentoring:matching_round", args=[programme.pk, match_round.pk]))
    screenshot(page, "matching-phone-round")
    on_screen(page.get_by_text("+40 skills: Negotiation").first)
    on_screen(page.get_by_role("button", name="Run with this objective (Stable)"))
    remove = page.get_by_role("button", name="Remove the proposal for", exact=False).first
    on_screen(remove)

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    remove.click()
    assert asked and "from this draft? They are then listed as unmatched." in asked[0]
    assert MatchProposal.objects.filter(round=match_round).count() == 2  # dismissed: nothing removed


def test_the_mentor_marks_wishes_on_a_phone(page: Page, live_server, matching_cohort):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "ann@example.org")
    page.goto(live_server.url + reverse("mentoring:mentor_stances", args=[matching_cohort.pk]))
    screenshot(page, "matching-phone-stances")
    row = page.get_by_role("group", name="Your preference for Zoe Zimmermann-Schwarzenberger")
    for choice in ("Prefer", "No preference", "Prefer not"):
        on_screen(row.get_by_label(choice, exact=True))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_resetting_the_matching_settings_asks_first(page: Page, live_server, matching_cohort):
    settings = match_settings_get(programme=matching_cohort)
    settings.min_score = 50
    settings.save()
    log_in(page, live_server, "cora@example.org")
    page.goto(live_server.url + reverse("mentoring:matching_settings", args=[matching_cohort.pk]))
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Reset every setting to its default").click()
    assert asked and "What you chose on this page is lost" in asked[0]
    assert MatchSettings.objects.get(programme=matching_cohort).min_score == 50  # dismissed: nothing reset
