"""German words are long: the site's frame (the navigation, the account menu, the footer's switcher) and the error
pages still fit a 390 px phone in German, without scrolling sideways."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from config.tests.browser import open_user_menu, screenshot
from programmes.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def fits(page: Page, name: str) -> None:
    screenshot(page, name)
    assert page.evaluate(SIDEWAYS) <= 0, f"{name}: the page scrolls sideways at 390 px"


def test_the_frame_and_the_error_pages_fit_a_phone_in_german(page: Page, live_server, cast):
    page.set_viewport_size(PHONE)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", name="Bei Tandem anmelden")).to_be_visible()
    fits(page, "de-login-phone")

    # A coordinator who administers Tandem too: the longest navigation there is.
    person = cast["coordinator"]
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    page.get_by_label("E-Mail-Adresse").fill(person.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    # Bootstrap's script is loaded last: on a busy machine a click before it ran opens nothing (as for a person
    # on a slow phone, who taps again); wait for it as the person would.
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Navigation anzeigen").click()
    page.wait_for_selector("#mainnav.show:not(.collapsing)")  # opened, not still sliding open
    expect(page.get_by_role("link", name="Administration")).to_be_visible()
    fits(page, "de-navigation-phone")
    open_user_menu(page)
    expect(page.get_by_role("link", name="Sprache und E-Mail")).to_be_visible()
    fits(page, "de-account-menu-phone")

    response = page.goto(f"{live_server.url}/no/such/page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Diese Seite haben wir nicht gefunden")).to_be_visible()
    fits(page, "de-404-phone")
