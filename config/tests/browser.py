"""Helpers the browser journeys share: log in and out as a person would, and keep screenshots to look at."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from programmes.tests.factories import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def log_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.locator("nav .dropdown-toggle").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_title("Log in · Tandem")


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
