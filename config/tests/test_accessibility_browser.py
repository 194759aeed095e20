"""Accessibility in a real browser: a real form filled and sent with the keyboard alone, with
the focus visible on the way. (Every page the other journeys visit is checked with axe-core by their
screenshot helper, config/tests/browser.py.)"""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from config.tests.browser import check_axe, log_in
from mentoring.models import MentoringSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "Talked through the first presentation, by keyboard."
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    // Chromium moves the focus through a date field's day, month and year parts and highlights the part
    // itself; while it does, the field is the active element without matching :focus.
    datePart: el.type === 'date' && !el.matches(':focus'),
    name: el.getAttribute('name') || '', tag: el.tagName, text: (el.innerText || '').trim(),
    visible: el.matches(':focus-visible')
      && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none'),
  };
}"""


def test_a_mentor_logs_a_session_with_the_keyboard_alone(page: Page, live_server, cast):
    page.emulate_media(reduced_motion="reduce")  # Bootstrap then draws the focus ring at once, without a fade
    log_in(page, live_server, cast["mentor"].email)
    page.goto(f"{live_server.url}/mentoring/pairings/{cast['pairing'].pk}/sessions/new/")
    expect(page.get_by_role("heading", name="Log a session")).to_be_visible()
    page.locator("body").focus()  # nothing focused: the walk starts at the top of the page, like a keyboard user

    typed, unfocused, seen = set(), [], set()
    for _ in range(80):
        page.keyboard.press("Tab")
        with contextlib.suppress(PlaywrightTimeout):  # the ring, once drawn; a date part never matches
            page.wait_for_function("() => document.activeElement.matches(':focus-visible')", timeout=1000)
        focused = page.evaluate(FOCUSED)
        seen.add((focused["name"], focused["visible"]))
        if not focused["visible"] and not focused["datePart"]:
            unfocused.append(f"{focused['tag']} {focused['name'] or focused['text'][:30]}")
        if focused["name"] == "duration_minutes" and "duration" not in typed:
            page.keyboard.press("Control+A")
            page.keyboard.type("45")
            typed.add("duration")
        elif focused["name"] == "mode" and "mode" not in typed:
            page.keyboard.press("ArrowDown")  # the next mode after "in person"
            typed.add("mode")
        elif focused["name"] == "summary" and "summary" not in typed:
            page.keyboard.type(SUMMARY)
            typed.add("summary")
        elif focused["tag"] == "BUTTON" and focused["text"] == "Log the session":
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail("Tab never reached the Log the session button")

    expect(page.get_by_role("status")).to_contain_text("Session logged")
    check_axe(page, "keyboard-session-logged")  # the form itself is checked in the relationship journey
    assert typed == {"duration", "mode", "summary"}
    assert unfocused == [], f"focus not visible on: {unfocused}"
    assert ("held_on", True) in seen  # the date field, too, shows the focus ring when it is reached
    session = MentoringSession.objects.get()
    assert (session.duration_minutes, session.summary) == (45, SUMMARY)
    assert session.mode != "in_person"
