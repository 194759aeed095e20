"""Helpers the browser journeys share: log in and out as a person would, keep screenshots to look at, and check
every page a journey shows with axe-core (no serious or critical accessibility violation)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from playwright.sync_api import Page, expect

from programmes.tests.factories import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def log_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def open_user_menu(page: Page) -> None:
    """Open the menu under the person's name. It opens only once Bootstrap's script has run: on a busy machine a
    click can come before that (the page's text is already there), and then nothing opens."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => typeof window.bootstrap !== 'undefined'")
    page.locator("nav .dropdown-toggle").click()


def log_out(page: Page) -> None:
    open_user_menu(page)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_title("Log in · Tandem")


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of the page, and check it with axe-core: every journey's pages pass through here."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    check_axe(page, name)


# Accessibility
# axe-core comes from the axe-playwright-python package (requirements-dev.txt), which ships a pinned axe.min.js;
# no network and no npm needed.
FAILING_IMPACTS = ("serious", "critical")


@cache
def axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the page as it stands (WCAG 2.1 A and AA rules plus axe's best practices)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def check_axe(page: Page, name: str = "") -> None:
    """Fail on any serious or critical violation, listing each rule, its help text and the elements."""
    serious = [v for v in axe_violations(page) if v.get("impact") in FAILING_IMPACTS]
    if not serious:
        return
    lines = [f"axe-core found {len(serious)} serious or critical violation(s) on {name or page.url}:"]
    for v in serious:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({targets})")
    raise AssertionError("\n".join(lines))
