"""Single sign-on in a real browser (Debian's Chromium) against a real OpenID provider in its own process
(config/tests/oidc_provider.py): Tandem's login page, the SSO button, the provider's login and consent pages, back
to Tandem as the right person with the right roles; logging out offers the provider's logout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from config.tests.browser import screenshot
from config.tests.sso import CLIENT_ID, CLIENT_SECRET, PASSWORD
from programmes.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_sso(oidc_provider, settings, live_server):
    """Single sign-on on, the provider knowing Tandem's live server as its client."""
    from config import sso as sso_module

    settings.TANDEM_OIDC_ISSUER = oidc_provider.issuer
    settings.TANDEM_OIDC_CLIENT_ID = CLIENT_ID
    settings.TANDEM_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.TANDEM_OIDC_PROVIDER_NAME = "Test ID"
    settings.TANDEM_OIDC_HELP_CONTACT = "the people team (people@example.org)"
    sso_module._metadata.clear()
    oidc_provider.post("/_test/reset", {})
    oidc_provider.client(f"{live_server.url}/accounts/sso/callback/")
    return oidc_provider


def through_the_provider(page: Page, username: str) -> None:
    expect(page).to_have_title("Test identity provider: log in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Test identity provider: allow access")
    expect(page.get_by_text(f"{CLIENT_ID} asks to know your name and email address")).to_be_visible()
    page.get_by_role("button", name="Allow").click()


def test_a_coordinator_logs_in_through_the_identity_provider_and_out_again(
    page: Page, live_server, browser_sso, coordinator, pairing
):
    browser_sso.user("cora.c", sub="idp-cora", email=coordinator.email, name="Cora C.")
    page.goto(f"{live_server.url}/programmes/")
    expect(page).to_have_title("Log in · Tandem")
    screenshot(page, "sso-login-page")
    page.get_by_role("link", name="Log in with Test ID").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(browser_sso.issuer)}/authorize\?"))
    through_the_provider(page, "cora.c")

    # Back in Tandem, where the person was going, as the coordinator, who sees their programme.
    expect(page).to_have_url(f"{live_server.url}/programmes/")
    expect(page.get_by_role("link", name=pairing.programme.name)).to_be_visible()
    expect(page.get_by_role("button", name="Cora Coordinator")).to_be_visible()
    assert AuditEvent.objects.filter(action="login.sso", subject=coordinator).count() == 1

    page.get_by_role("button", name="Cora Coordinator").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="You are logged out of Tandem")).to_be_visible()
    screenshot(page, "sso-logged-out")
    page.get_by_role("link", name="Log out of Test ID too").click()
    expect(page).to_have_title("Test identity provider: logged out")
    page.get_by_role("link", name=f"Back to {CLIENT_ID}").click()
    expect(page).to_have_title("Log in · Tandem")
    # Logged out at the provider too: the next SSO login asks for the password again.
    page.get_by_role("link", name="Log in with Test ID").click()
    expect(page).to_have_title("Test identity provider: log in")


def test_an_unknown_person_ends_on_a_page_saying_whom_to_ask_on_a_phone(page: Page, live_server, browser_sso):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sso.user("stranger", sub="idp-stranger", email="stranger@example.org")
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "sso-login-page-phone")
    page.get_by_role("link", name="Log in with Test ID").click()
    through_the_provider(page, "stranger")
    expect(page.get_by_role("heading", name="You could not be logged in")).to_be_visible()
    expect(page.get_by_text("has no Tandem account yet")).to_be_visible()
    expect(page.locator("#sso-message")).to_contain_text("Please ask the people team (people@example.org) to add you")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "sso-refused-phone")
