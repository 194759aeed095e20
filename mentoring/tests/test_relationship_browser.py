"""The session log in a real browser: the mentor logs a session with a private note, the mentee confirms it,
and the coordinator's view shows the session's date and duration but no note text and no summary."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, log_out, screenshot
from core.dates import short_date
from mentoring.models import MentoringSession

NOTE = "She is worried about the reorganisation; follow up gently."
SUMMARY = "Planned her first presentation to the leadership team."

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Page, name: str) -> None:
    screenshot(page, f"relationship-{name}")


def test_mentor_logs_a_session_mentee_confirms_coordinator_sees_metadata_only(page: Page, live_server, cast):
    pairing = cast["pairing"]
    today = timezone.localdate()

    # The mentor logs the session from the pairing's workspace, with a private note.
    log_in(page, live_server, cast["mentor"].email)
    page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Next check-in")).to_be_visible()
    shot(page, "mentor-workspace-before")
    page.get_by_role("link", name="Log a session").first.click()
    page.get_by_label("Duration (minutes)").fill("75")
    page.get_by_label("Mode").select_option("video")
    page.get_by_label("Shared summary").fill(SUMMARY)
    page.get_by_label("Private note", exact=True).fill(NOTE)
    shot(page, "log-form")
    page.get_by_role("button", name="Log the session").click()
    expect(page.get_by_role("status")).to_contain_text("Session logged. Mina Mentee is asked to confirm it.")
    expect(page.get_by_text(NOTE)).to_be_visible()  # the author reads their own note
    shot(page, "session-mentor")
    log_out(page)

    # The mentee sees it waiting, without the mentor's private note, and confirms.
    log_in(page, live_server, cast["mentee"].email)
    page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Sessions for you to confirm")).to_be_visible()
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    assert NOTE not in page.content()
    shot(page, "mentee-to-confirm")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("You confirmed the session")
    assert MentoringSession.objects.get().status == MentoringSession.Status.CONFIRMED
    log_out(page)

    # The coordinator sees when and how long, never what was said.
    log_in(page, live_server, cast["coordinator"].email)
    page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
    expect(page.get_by_role("cell", name=short_date(today))).to_be_visible()
    expect(page.get_by_role("cell", name="75 min")).to_be_visible()
    expect(page.get_by_text("1 confirmed (1.2 hours)")).to_be_visible()
    content = page.content()
    assert NOTE not in content and SUMMARY not in content
    shot(page, "coordinator-pairing")
    page.goto(f"{live_server.url}/mentoring/programmes/{pairing.programme_id}/relationships/")
    expect(page.get_by_role("heading", name=pairing.programme.name)).to_be_visible()
    assert NOTE not in page.content()
    shot(page, "coordinator-relationships")
