"""The workplace as a place to learn, end to end in a real browser (issue 20): a line manager publishes a shadowing
opportunity; the mentee's mentor suggests it in the pair's workspace; the mentee asks for it; the line manager
approves the time on the team page; the host confirms it happened; the mentee's protected-time use and learning
record show it.

Each step is its own function taking the page and the people, so that the journey can grow: the audit's team page
and action plan, and the committee's decision followed through, come after ``step_learning_record``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, log_out, open_user_menu, screenshot
from programmes.models import ApplicationSkill, Opportunity, OpportunityRequest
from programmes.tests.factories import ApplicationFactory, PersonFactory, SkillFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Shadow the service desk lead"


# The stacked tables whose scroller is wider than it shows: their cells would hide behind a sideways scroll.
STACKED_SCROLL = """() => [...document.querySelectorAll('table.table-stack')]
    .map(t => t.closest('.table-responsive') || t.parentElement)
    .filter(box => box.scrollWidth > box.clientWidth + 1).map(box => box.getAttribute('aria-label'))"""


def shot(page: Page, name: str, widths=(1280, 390)) -> None:
    """A screenshot (and axe's check) at each width; nothing but a table's own scroller wider than the screen."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"opportunities-{name}-{width}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        if width < 768:  # a stacked table (requests, decisions, hosted) reads down the phone, nothing hidden sideways
            assert page.evaluate(STACKED_SCROLL) == [], name
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def world(cast):
    """The cast, the mentee wanting to develop negotiation (their approved mentee profile), and a host."""
    pairing = cast["pairing"]
    negotiation = SkillFactory(name="Negotiation")
    application = ApplicationFactory(programme=pairing.programme, person=cast["mentee"], status="approved")
    ApplicationSkill.objects.create(application=application, skill=negotiation, level=1)
    host = PersonFactory(email="hana@example.org", display_name="Hana Host")
    return {**cast, "host": host, "skill": negotiation}


def step_publish(page: Page, live_server, world) -> None:
    log_in(page, live_server, world["line_manager"].email)
    page.get_by_role("link", name="Learning opportunities").first.click()
    expect(page.get_by_role("heading", name="Learning opportunities", level=1)).to_be_visible()
    shot(page, "0-browse-empty")
    page.get_by_role("link", name="Publish an opportunity").click()
    page.get_by_label("Kind").select_option(label="Shadowing")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Host").select_option(label="Hana Host")
    page.get_by_label("Places").fill("2")
    page.get_by_label("Hours of protected time it takes").fill("3")
    page.get_by_label("What it helps to learn").select_option(label="Negotiation")
    shot(page, "1-publish")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{TITLE}” is published.")
    shot(page, "2-detail")
    log_out(page)


def step_suggest(page: Page, live_server, world) -> None:
    pairing = world["pairing"]
    log_in(page, live_server, world["mentor"].email)
    page.goto(f"{live_server.url}{reverse('mentoring:pairing_detail', args=[pairing.pk])}")
    panel = page.locator("#opportunities")
    expect(panel.get_by_role("heading", name="Opportunities for your goals")).to_be_visible()
    shot(page, "3-workspace-mentor")
    panel.get_by_role("button", name=f"Suggest to {world['mentee'].get_short_name()}").click()
    expect(page.get_by_role("status")).to_contain_text(f"You suggested “{TITLE}”")
    log_out(page)


def step_ask(page: Page, live_server, world) -> None:
    pairing = world["pairing"]
    log_in(page, live_server, world["mentee"].email)
    page.goto(f"{live_server.url}{reverse('mentoring:pairing_detail', args=[pairing.pk])}")
    panel = page.locator("#opportunities")
    expect(panel.get_by_role("heading", name="Your mentor suggests")).to_be_visible()
    shot(page, "4-workspace-mentee")
    panel.get_by_role("link", name="Ask for it").first.click()
    expect(page.get_by_text("Suggested by your mentor")).to_be_visible()
    shot(page, "5-ask")
    page.get_by_role("button", name="Ask for this").click()
    expect(page.get_by_role("status")).to_contain_text(f"You asked for “{TITLE}”")
    shot(page, "6-my-requests")
    request = OpportunityRequest.objects.get(person=world["mentee"])
    assert (request.status, request.suggested_by_mentor, request.pairing_id) == ("requested", True, pairing.pk)
    log_out(page)


def step_approve(page: Page, live_server, world) -> None:
    log_in(page, live_server, world["line_manager"].email)
    page.get_by_role("link", name="My team").first.click()
    section = page.locator("section").filter(
        has=page.get_by_role("heading", name="Learning opportunities waiting for your approval")
    )
    expect(section).to_contain_text(TITLE)
    expect(section).to_contain_text("suggested by their mentor")
    shot(page, "7-team")
    section.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision")
    assert OpportunityRequest.objects.get(person=world["mentee"]).status == "approved"
    log_out(page)


def step_confirm(page: Page, live_server, world) -> None:
    log_in(page, live_server, world["host"].email)
    page.get_by_role("link", name="Learning opportunities").first.click()
    page.get_by_role("link", name="Opportunities you host").click()
    page.get_by_label("Date it happened").fill(timezone.localdate().isoformat())
    shot(page, "8-hosted")
    page.get_by_role("button", name="It happened").click()
    expect(page.get_by_role("status")).to_contain_text("record is updated")
    assert OpportunityRequest.objects.get(person=world["mentee"]).status == "taken_up"
    log_out(page)


def step_learning_record(page: Page, live_server, world) -> None:
    # The mentee's learning record shows the opportunity taken up.
    log_in(page, live_server, world["mentee"].email)
    open_user_menu(page)
    page.get_by_role("link", name="My learning record").click()
    record = page.get_by_role("region", name="Learning opportunities taken up").first
    expect(record).to_contain_text(TITLE)
    expect(record).to_contain_text("Hana Host")
    shot(page, "9-learning-record")
    log_out(page)
    # Their protected time this month counts the 3 hours, shown as their own part, on the coordinator's time page.
    log_in(page, live_server, world["coordinator"].email)
    page.goto(f"{live_server.url}{reverse('programmes:time', args=[world['pairing'].programme_id])}")
    row = page.get_by_role("row").filter(has_text=world["mentee"].display_name)
    expect(row).to_contain_text("Learning opportunities 3.0 h")
    shot(page, "10-time")
    log_out(page)


def test_a_shadowing_opportunity_from_publishing_to_the_learning_record(page: Page, live_server, world):
    step_publish(page, live_server, world)
    assert Opportunity.objects.get(title=TITLE).hours == Decimal("3.0")
    step_suggest(page, live_server, world)
    step_ask(page, live_server, world)
    step_approve(page, live_server, world)
    step_confirm(page, live_server, world)
    step_learning_record(page, live_server, world)
