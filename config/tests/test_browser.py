"""Journeys a person takes in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from config.tests.browser import check_axe
from programmes.tests.factories import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def outside_requests(page: Page, live_server) -> list[str]:
    """Every request the page makes to another host: Tandem must work on a closed intranet."""
    seen: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) or r.url.startswith("data:") else seen.append(r.url),
    )
    return seen


def log_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title("Log in · Tandem")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_coordinator_logs_in_opens_the_programme_list_and_logs_out(page: Page, live_server, cast, outside_requests):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "coordinator@example.org")

    expect(page.get_by_role("heading", name="My programmes")).to_be_visible()
    page.get_by_role("link", name="My programmes").click()
    expect(page.get_by_role("link", name="Growing Together")).to_be_visible()
    # Bootstrap's CSS really loaded from our own static files: the navigation bar has its colour.
    nav_colour = page.locator("nav.navbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert nav_colour == "rgb(31, 78, 95)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "coordinator-programme-list.png"), full_page=True)
    check_axe(page, "coordinator-programme-list")

    page.get_by_role("button", name="Cora Coordinator").click()  # the account menu (Bootstrap's JS works)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_title("Log in · Tandem")
    page.goto(f"{live_server.url}/programmes/")
    expect(page).to_have_title("Log in · Tandem")  # logged out for real
    assert outside_requests == []
    assert errors == []


def test_mentee_on_a_phone_opens_the_menu_and_sees_their_mentor(page: Page, live_server, cast, outside_requests):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "mentee@example.org")
    expect(page.get_by_text("Mentored by Max Mentor")).to_be_visible()
    page.wait_for_load_state("load")  # Bootstrap's script, loaded last, has run (no eval: the CSP forbids it)
    page.get_by_role("button", name="Show navigation").click()
    expect(page.get_by_role("link", name="My mentoring")).to_be_visible()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))  # the opening animation is over
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "mentee-phone.png"), full_page=True)
    check_axe(page, "mentee-phone")
    assert outside_requests == []
