"""The programme navigation in Chromium: at 1280 and 390 px the six entries and the second
level fit without the page scrolling sideways, and "Start a programme" (point 6) leads to a working form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("overview", "programmes:detail"),
    ("settings", "programmes:settings"),
    ("members", "programmes:members"),
    ("relationships", "mentoring:relationships"),
    ("matching", "mentoring:matching"),
    ("budget-line-new", "programmes:budget_line_create"),  # a page below a second-level entry
]


@pytest.mark.parametrize("width", [1280, 390])
def test_programme_pages_navigation_fits_the_screen(page: Page, live_server, cast, width):
    programme = cast["pairing"].programme
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, cast["coordinator"].email)
    for name, url_name in PAGES:
        page.goto(live_server.url + reverse(url_name, args=[programme.pk]))
        sections = page.get_by_role("navigation", name="Programme sections")
        expect(sections.get_by_role("link")).to_have_count(6)
        expect(sections.locator("[aria-current]")).to_have_count(1)
        expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("My programmes")
        expect(page.locator(".programme-status")).to_contain_text(programme.get_status_display())
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"
        box = sections.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
        screenshot(page, f"programme-nav-{name}-{width}")


def test_start_a_programme_from_my_programmes(page: Page, live_server, cast):
    page.set_viewport_size({"width": 390, "height": 900})
    log_in(page, live_server, cast["coordinator"].email)
    page.goto(live_server.url + reverse("programmes:list"))
    page.get_by_role("link", name="Start a programme").click()
    page.get_by_label("Name").fill("Leaders of Tomorrow")
    page.get_by_label("Description").fill("Mentoring for new team leads.")
    page.get_by_label("Starts on").fill("2027-03-01")
    screenshot(page, "programme-start-390")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_text("Leaders of Tomorrow is ready as a draft")).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Set-up")
    expect(page.locator(".programme-status")).to_contain_text("Draft")
    screenshot(page, "programme-started-settings-390")
