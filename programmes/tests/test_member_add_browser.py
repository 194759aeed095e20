"""Adding a member in a real browser: a double click adds one coordinator; a participant made coordinator is
warned about what they would see and needs the box ticked (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, screenshot
from programmes.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_making_a_mentee_coordinator_is_confirmed_after_a_warning(page: Page, live_server, cast, width):
    page.set_viewport_size({"width": width, "height": 900})
    programme = cast["pairing"].programme
    log_in(page, live_server, "coordinator@example.org")
    page.goto(f"{live_server.url}/programmes/{programme.pk}/settings/")
    page.get_by_label("Their email address").fill("mentee@example.org")
    page.get_by_role("combobox", name="Role").select_option(label="Coordinator")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page.get_by_role("heading", name="Make Mina Mentee a coordinator?")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("see every other pair's metadata")
    screenshot(page, f"member-add-confirm-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Make them a coordinator").click()  # unticked: the browser holds it back
    assert not Membership.objects.filter(person=cast["mentee"], role=Role.COORDINATOR).exists()

    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Make them a coordinator").dblclick()
    expect(page.get_by_text("Mina Mentee added.").or_(page.get_by_text("already sent"))).to_be_visible()
    assert Membership.objects.filter(person=cast["mentee"], role=Role.COORDINATOR).count() == 1
