"""Planning a session in a real browser (issue 17's acceptance journey): the mentor (Helsinki) proposes three
times, the mentee (London) accepts one, both get an invitation whose .ics parses with the right UID, SEQUENCE and
METHOD; the mentor moves it (SEQUENCE rises); after its time the mentor records it as held and the mentee
confirms it; the coordinator sees only "planned for" and a 403 on the planned session's page."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, log_out, screenshot
from mentoring.models import MentoringSession, PlannedSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UTC = datetime.UTC


def invitation(person) -> Calendar:
    """The latest invitation emailed to the person, parsed."""
    for message in reversed(mail.outbox):
        if message.to == [person.email]:
            for name, content, _ in message.attachments:
                if name == "invite.ics":
                    return Calendar.from_ical(content)
    raise AssertionError(f"no invitation to {person.email}")


def event(cal: Calendar):
    [found] = cal.walk("VEVENT")
    return found


def test_plan_accept_move_record_and_confirm_a_session(page: Page, live_server, cast):
    pairing, mentor, mentee = cast["pairing"], cast["mentor"], cast["mentee"]
    mentor.time_zone, mentee.time_zone = "Europe/Helsinki", "Europe/London"
    mentor.save(update_fields=["time_zone"])
    mentee.save(update_fields=["time_zone"])
    with time_machine.travel(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=UTC), tick=True) as clock:
        # The mentor proposes three times, typed in Helsinki time.
        log_in(page, live_server, mentor.email)
        page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
        page.get_by_role("link", name="Plan a session").click()
        page.get_by_label("Date and time").fill("2026-12-10T10:00")
        page.get_by_label("Alternative 1").fill("2026-12-11T10:00")
        page.get_by_label("Alternative 2").fill("2026-12-14T15:00")
        page.get_by_label("Video link").fill("https://meet.example.org/tandem-1")
        screenshot(page, "planning-propose")
        page.get_by_role("button", name="Propose").click()
        expect(page.get_by_role("status")).to_contain_text("Times proposed. Mina Mentee is asked to choose one.")
        log_out(page)

        # The mentee sees them in London time and accepts the second.
        log_in(page, live_server, mentee.email)
        page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
        page.get_by_role("link", name="Choose a time").click()
        page.get_by_label("Fri 11 December 2026, 08:00", exact=False).check()
        screenshot(page, "planning-choose")
        page.get_by_role("button", name="Accept this time").click()
        expect(page.get_by_role("status")).to_contain_text("Session planned")
        expect(page.locator("#planned-when")).to_have_text("Fri 11 December 2026, 08:00")
        planned = PlannedSession.objects.get()
        for person in (mentor, mentee):
            cal = invitation(person)
            assert cal["METHOD"] == "REQUEST"
            assert str(event(cal)["UID"]) == f"planned-{planned.uid}@tandem"
            assert int(event(cal)["SEQUENCE"]) == 0
            assert event(cal).decoded("DTSTART") == datetime.datetime(2026, 12, 11, 8, 0, tzinfo=UTC)
        log_out(page)

        # The mentor sees 10:00 and moves it an hour later, with a reason.
        log_in(page, live_server, mentor.email)
        page.goto(f"{live_server.url}{planned.get_absolute_url()}")
        expect(page.locator("#planned-when")).to_have_text("Fri 11 December 2026, 10:00")
        page.get_by_role("link", name="Move").click()
        page.get_by_label("New date and time").fill("2026-12-11T11:00")
        page.get_by_label("Why it moves").fill("A workshop overran")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("status")).to_contain_text("Session moved")
        cal = invitation(mentee)
        assert (cal["METHOD"], int(event(cal)["SEQUENCE"])) == ("REQUEST", 1)
        assert str(event(cal)["UID"]) == f"planned-{planned.uid}@tandem"
        assert event(cal).decoded("DTSTART") == datetime.datetime(2026, 12, 11, 9, 0, tzinfo=UTC)
        log_out(page)

        # The coordinator: the date only, and 403 on the planned session's page.
        log_in(page, live_server, cast["coordinator"].email)
        page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
        expect(page.get_by_text("Next session: planned for 11 Dec 2026")).to_be_visible()
        assert "meet.example.org" not in page.content() and "workshop" not in page.content()
        assert page.goto(f"{live_server.url}{planned.get_absolute_url()}").status == 403
        log_out(page)

        # After its time, the mentor records it as held; the mentee confirms it.
        clock.move_to(datetime.datetime(2026, 12, 11, 10, 30, tzinfo=UTC))
        log_in(page, live_server, mentor.email)
        page.goto(f"{live_server.url}{planned.get_absolute_url()}")
        page.get_by_role("link", name="Record the session").click()
        page.get_by_label("Shared summary").fill("Went through the first month.")
        page.get_by_role("button", name="Record").click()
        expect(page.get_by_role("status")).to_contain_text("Session logged. Mina Mentee is asked to confirm it.")
        log_out(page)
        log_in(page, live_server, mentee.email)
        page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
        page.get_by_role("button", name="Confirm", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("You confirmed the session")
        session = MentoringSession.objects.get()
        assert session.status == MentoringSession.Status.CONFIRMED and session.duration_minutes == 60
        assert PlannedSession.objects.get().state == PlannedSession.State.HELD
