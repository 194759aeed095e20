"""Planned sessions tried as users and attackers would (issue 17): forms submitted as the pages render them, CSRF
checks on; bad input gives a clear message and saves nothing, never a 500; double submits, stale tabs and
tampered values change nothing; outsiders and coordinators get nowhere; the invitation is one Outlook reads."""

from __future__ import annotations

import datetime
import email

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from config.tests.html_forms import form_of
from mentoring.models import PlannedSession
from mentoring.services import planning

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Monday 7 December 2026, 11:00 in Helsinki


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pair(pairing, mentor, mentee):
    mentor.time_zone = "Europe/Helsinki"
    mentor.save(update_fields=["time_zone"])
    return pairing


def browser(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    return client


def submit(client: Client, url: str, *, action: str = "", **changes: str):
    """Load the page, fill the form as rendered (its CSRF and once tokens included), change some fields, post."""
    form = form_of(client.get(url).content.decode(), action=action)
    data = dict(form.submission())
    data.update(changes)
    return client.post(form.action_url(url), data)


GOOD = {"time_1": "2026-12-10T10:00", "duration_minutes": "60", "mode": "video"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_1": "2026-12-01T10:00"}, "Choose times that are still ahead."),
        ({"time_1": "2027-03-28T03:30"}, "couldn’t be interpreted in time zone Europe/Helsinki"),  # clocks skip it
        ({"time_1": "not a time"}, "Enter a valid date/time."),
        ({"duration_minutes": "0"}, "greater than or equal to 15"),
        ({"duration_minutes": "600"}, "less than or equal to 480"),
        ({"duration_minutes": "1e9"}, "Enter a whole number."),
        ({"video_link": "javascript:alert(1)"}, "starting with https://"),
        ({"video_link": "http://meet.example.org/x"}, "starting with https://"),
        ({"video_link": 'https://meet.example.org/x"onmouseover="alert(1)'}, "starting with https://"),
        ({"video_link": "https://meet.example.org/<script>alert(1)</script>"}, "starting with https://"),
        ({"video_link": "https://<b>bold</b>"}, "starting with https://"),
        ({"mode": "hologram"}, "Select a valid choice."),
    ],
)
def test_bad_proposals_get_a_clear_message_and_save_nothing(pair, mentor, changes, message):
    client = browser(mentor)
    response = submit(client, reverse("mentoring:planned_create", args=[pair.pk]), **{**GOOD, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PlannedSession.objects.exists()


def test_a_fifth_time_slipped_into_the_form_is_not_taken(pair, mentor):
    client = browser(mentor)
    times = {f"time_{n}": f"2026-12-{10 + n}T10:00" for n in range(1, 6)}
    response = submit(client, reverse("mentoring:planned_create", args=[pair.pk]), **{**GOOD, **times})
    assert response.status_code == 302
    assert PlannedSession.objects.get().times.count() == 4  # the four fields the page has; time_5 is not one


def proposed(pair, mentor) -> PlannedSession:
    return planning.planned_propose(
        pairing=pair,
        by=mentor,
        times=[datetime.datetime(2026, 12, 10, 8, tzinfo=UTC), datetime.datetime(2026, 12, 11, 8, tzinfo=UTC)],
        duration_minutes=60,
        mode="video",
        video_link="https://meet.example.org/abc",
    )


def accept_form(client: Client, planned: PlannedSession) -> tuple[str, dict]:
    action = reverse("mentoring:planned_accept", args=[planned.pairing_id, planned.pk])
    form = form_of(client.get(planned.get_absolute_url()).content.decode(), action=action)
    return action, dict(form.pairs(starts_at=form.controls[1].attrs["value"]))


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_accepting_twice_from_two_tabs_plans_it_once_and_says_it_is_planned(pair, mentor, mentee):
    planned = proposed(pair, mentor)
    first, second = browser(mentee), browser(mentee)
    (action, data), (_, again) = accept_form(first, planned), accept_form(second, planned)
    mail.outbox.clear()
    assert first.post(action, data).status_code == 302
    response = second.post(action, again, follow=True)
    assert response.status_code == 200
    assert "This session is planned: it cannot be accepted." in messages_of(response)
    planned.refresh_from_db()
    assert planned.state == PlannedSession.State.ACCEPTED and planned.sequence == 0
    assert sorted(m.to[0] for m in mail.outbox if m.attachments) == sorted([mentor.email, mentee.email])


def test_accepting_after_the_proposer_cancelled_changes_nothing(pair, mentor, mentee):
    planned = proposed(pair, mentor)
    tab = browser(mentee)
    action, data = accept_form(tab, planned)
    planning.planned_cancel(planned=planned, by=mentor, reason="Something came up")
    response = tab.post(action, data, follow=True)
    assert "This session is cancelled: it cannot be accepted." in messages_of(response)
    assert PlannedSession.objects.get().state == PlannedSession.State.CANCELLED


@pytest.mark.parametrize(
    "value", ["2026-12-12T08:00:00+00:00", "2026-12-10T08:00:00", "yesterday", "", "9" * 400, "2026-12-10T08:00:00Z"]
)
def test_accepting_a_time_that_was_not_proposed_is_refused(pair, mentor, mentee, value):
    planned = proposed(pair, mentor)
    client = browser(mentee)
    action, data = accept_form(client, planned)
    response = client.post(action, {**data, "starts_at": value}, follow=True)
    assert response.status_code == 200
    assert "Choose one of the proposed times." in messages_of(response)
    assert PlannedSession.objects.get().state == PlannedSession.State.PROPOSED


ACTIONS = [
    "planned_detail",
    "planned_accept",
    "planned_counter",
    "planned_decline",
    "planned_move",
    "planned_cancel",
    "planned_record",
]


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("coordinator", 403), ("line_manager", 404)])
def test_no_one_else_gets_anywhere_by_posting_to_a_planned_session(request, pair, mentor, who, status):
    planned = proposed(pair, mentor)
    client = Client()
    client.force_login(request.getfixturevalue(who))
    data = {"starts_at": "2026-12-10T08:00:00+00:00", "reason": "x", "time_1": "2026-12-12T10:00", "outcome": "held"}
    for name in ACTIONS:
        response = client.post(reverse(f"mentoring:{name}", args=[pair.pk, planned.pk]), data)
        assert response.status_code in (status, 405), name
    response = client.post(reverse("mentoring:planned_create", args=[pair.pk]), GOOD)
    assert response.status_code == status
    assert list(PlannedSession.objects.values_list("state", flat=True)) == [PlannedSession.State.PROPOSED]


def invitation_parts(person) -> list[email.message.Message]:
    """The text/calendar parts of the emails sent to the person, as a mail client parses them."""
    parts = []
    for message in mail.outbox:
        if message.to == [person.email]:
            parsed = email.message_from_bytes(message.message().as_bytes())
            parts += [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    return parts


def test_the_invitation_is_one_outlook_reads_and_a_cancel_after_a_move_outranks_the_move(pair, mentor, mentee):
    planned = proposed(pair, mentor)
    mail.outbox.clear()
    planning.planned_accept(planned=planned, by=mentee, starts_at=datetime.datetime(2026, 12, 10, 8, tzinfo=UTC))
    planning.planned_move(
        planned=planned, by=mentor, starts_at=datetime.datetime(2026, 12, 10, 9, tzinfo=UTC), reason="Dentist"
    )
    planning.planned_cancel(planned=planned, by=mentee, reason="Ill with flu")
    sequences = []
    for part in invitation_parts(mentee):
        cal = Calendar.from_ical(part.get_payload(decode=True))
        # Outlook: METHOD in the Content-Type parameter and in the calendar, the same.
        assert part.get_param("method") == str(cal["METHOD"])
        [event] = cal.walk("VEVENT")
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert sorted(str(a) for a in event["ATTENDEE"]) == sorted([f"mailto:{mentor.email}", f"mailto:{mentee.email}"])
        assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
        assert event["DTSTART"].to_ical().endswith(b"Z")
        assert str(event["SUMMARY"]) == f"Mentoring session: {mentor} and {mentee}"
        ics = part.get_payload(decode=True).decode()
        for secret in ("Dentist", "Ill with flu"):
            assert secret not in ics
        sequences.append((str(cal["METHOD"]), int(event["SEQUENCE"]), part.get_content_disposition() or "inline"))
    # Each email carries its invitation as an alternative Outlook acts on, and as an invite.ics attachment.
    assert sorted(sequences) == [
        ("CANCEL", 2, "attachment"),
        ("CANCEL", 2, "inline"),
        ("REQUEST", 0, "attachment"),
        ("REQUEST", 0, "inline"),
        ("REQUEST", 1, "attachment"),
        ("REQUEST", 1, "inline"),
    ]


def test_ending_the_pairing_cancels_its_meetings_in_both_calendars_and_no_reminder_follows(pair, mentor, mentee):
    from mentoring.models import MeetingReminder, Pairing
    from mentoring.services.lifecycle import pairing_end_early
    from mentoring.services.meeting_reminders import meeting_reminders_sweep

    accepted = proposed(pair, mentor)
    planning.planned_accept(planned=accepted, by=mentee, starts_at=datetime.datetime(2026, 12, 10, 8, tzinfo=UTC))
    open_proposal = proposed(pair, mentee)
    mail.outbox.clear()
    pairing_end_early(pairing=pair, by=mentor, reason_code=Pairing.EndReason.WORKLOAD, rematch=False)
    states = dict(PlannedSession.objects.values_list("pk", "state"))
    assert states == {accepted.pk: "cancelled", open_proposal.pk: "cancelled"}
    for person in (mentor, mentee):
        [part] = [p for p in invitation_parts(person) if p.get_content_disposition() != "attachment"]
        cal = Calendar.from_ical(part.get_payload(decode=True))
        [event] = cal.walk("VEVENT")
        assert (str(cal["METHOD"]), int(event["SEQUENCE"])) == ("CANCEL", 1)
    mail.outbox.clear()
    meeting_reminders_sweep(now=datetime.datetime(2026, 12, 10, 7, 30, tzinfo=UTC))
    assert mail.outbox == [] and not MeetingReminder.objects.exists()


def test_a_paused_pairing_gets_no_meeting_reminder(pair, mentor, mentee):
    from mentoring.models import MeetingReminder, Pairing
    from mentoring.services.meeting_reminders import meeting_reminders_sweep

    planned = proposed(pair, mentor)
    planning.planned_accept(planned=planned, by=mentee, starts_at=datetime.datetime(2026, 12, 10, 8, tzinfo=UTC))
    Pairing.objects.filter(pk=pair.pk).update(status=Pairing.Status.PAUSED)
    mail.outbox.clear()
    meeting_reminders_sweep(now=datetime.datetime(2026, 12, 10, 7, 30, tzinfo=UTC))
    assert mail.outbox == [] and not MeetingReminder.objects.exists()


def test_pausing_cancels_the_meetings_inside_the_pause_and_keeps_those_after_it(pair, mentor, mentee):
    from mentoring.services.lifecycle import pairing_pause

    inside = proposed(pair, mentor)
    planning.planned_accept(planned=inside, by=mentee, starts_at=datetime.datetime(2026, 12, 10, 8, tzinfo=UTC))
    after = proposed(pair, mentee)
    planning.planned_accept(planned=after, by=mentor, starts_at=datetime.datetime(2026, 12, 11, 8, tzinfo=UTC))
    mail.outbox.clear()

    pairing_pause(pairing=pair, by=mentor, reason="Busy quarter", resume_on=datetime.date(2026, 12, 11))

    inside.refresh_from_db()
    after.refresh_from_db()
    assert (inside.state, after.state) == ("cancelled", "accepted")
    assert inside.reason == "The pairing is paused until 11 December 2026."  # the partner sees why, not the reason
    for person in (mentor, mentee):
        [part] = [p for p in invitation_parts(person) if p.get_content_disposition() != "attachment"]
        assert str(Calendar.from_ical(part.get_payload(decode=True))["METHOD"]) == "CANCEL"


def test_a_partner_who_leaves_takes_every_meeting_to_come_out_of_both_calendars(pair, mentor, mentee):
    from programmes.services.leavers import people_leave

    planned = proposed(pair, mentor)
    planning.planned_accept(planned=planned, by=mentee, starts_at=datetime.datetime(2026, 12, 11, 8, tzinfo=UTC))
    waiting = proposed(pair, mentee)
    mail.outbox.clear()

    people_leave(person_ids=[mentee.pk], by=None, source="hr_file", why="the HR file says they have left")

    assert set(PlannedSession.objects.values_list("state", flat=True)) == {"cancelled"}
    planned.refresh_from_db()
    assert planned.reason == f"{mentee} has left the organisation." and waiting.pk
    [part] = [p for p in invitation_parts(mentor) if p.get_content_disposition() != "attachment"]
    assert str(Calendar.from_ical(part.get_payload(decode=True))["METHOD"]) == "CANCEL"
