"""Issue 18's journey in a real browser: a mentee who chose German reads Tandem in German, logs a session in
German and gets the check-in reminder in German, while the coordinator, who chose nothing and whose browser
asks for English, sees the same pairing in English. Each German text is taken from the German catalogue (and
must differ from the English), so the test fails if the translation is missing, not if its wording changes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, open_user_menu, screenshot
from mentoring.models import MentoringSession, Pairing
from mentoring.services.reminders import reminders_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def german(english: str) -> str:
    with translation.override("de"):
        text = gettext(english)
    assert text != english, f"no German for {english!r}"
    return text


def test_a_german_mentee_logs_a_session_and_is_reminded_in_german_the_coordinator_reads_english(
    page: Page, live_server, cast
):
    pairing, mentee, mentor = cast["pairing"], cast["mentee"], cast["mentor"]
    mentee.language = "de"  # chosen on their Language and email page
    mentee.save(update_fields=["language"])

    # The browser asks for English; the mentee's own choice wins once they are logged in.
    log_in(page, live_server, mentee.email)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
    expect(page.get_by_role("heading", name=german("Next check-in"))).to_be_visible()
    screenshot(page, "languages-mentee-workspace-de")
    page.get_by_role("link", name=german("Log a session")).first.click()
    page.get_by_label(german("Duration (minutes)")).fill("45")
    page.get_by_label(german("Mode")).select_option("video")
    screenshot(page, "languages-log-form-de")
    page.get_by_role("button", name=german("Log the session")).click()
    expect(page.get_by_role("status")).to_be_visible()
    assert MentoringSession.objects.filter(pairing=pairing, duration_minutes=45).exists()
    screenshot(page, "languages-session-logged-de")
    open_user_menu(page)
    page.get_by_role("button", name=german("Log out")).click()
    expect(page.locator("input[type=password]")).to_be_visible()

    # The coordinator chose no language and their browser asks for English: the same pairing, in English.
    log_in(page, live_server, cast["coordinator"].email)
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
    expect(page.get_by_text("45 min")).to_be_visible()
    expect(page.get_by_role("heading", name="Check-ins")).to_be_visible()
    screenshot(page, "languages-coordinator-pairing-en")

    # Weeks later the check-in is overdue: each side is reminded in their own language, in the same sweep.
    Pairing.objects.filter(pk=pairing.pk).update(checkin_due_on=timezone.localdate() - datetime.timedelta(days=2))
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        reminders_sweep()
    to_mentee = [m for m in mail.outbox if m.to == [mentee.email]]
    to_mentor = [m for m in mail.outbox if m.to == [mentor.email]]
    assert to_mentee and to_mentor
    assert to_mentee[0].subject == german("Your mentoring check-in is overdue")
    assert to_mentor[0].subject == "Your mentoring check-in is overdue"
    assert german("You get at most one reminder email a day.") in to_mentee[0].body
    assert "You get at most one reminder email a day." in to_mentor[0].body
