"""Planned sessions (issue 17, points 1 and 3): propose, answer, move, cancel, record; invitations in calendars."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from mentoring.forms.planning import ProposeForm
from mentoring.models import MentoringSession, Pairing, PlannedSession
from mentoring.services import planning, relationship

UTC = datetime.UTC
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Monday 7 December 2026


def at(day: int, hour: int, minute: int = 0, *, month: int = 12, zone=UTC) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=zone)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def pair(pairing, mentor, mentee):
    """Mentor in Helsinki, mentee in London."""
    mentor.time_zone = "Europe/Helsinki"
    mentor.save(update_fields=["time_zone"])
    mentee.time_zone = "Europe/London"
    mentee.save(update_fields=["time_zone"])
    return pairing


def propose(pairing, by, times=None, **extra) -> PlannedSession:
    values = {"duration_minutes": 60, "mode": "video", "video_link": "https://meet.example.org/abc", **extra}
    return planning.planned_propose(pairing=pairing, by=by, times=times or [at(10, 8), at(11, 8), at(14, 13)], **values)


def invites(person) -> list[Calendar]:
    """The calendar files emailed to the person, parsed by the icalendar library."""
    found = []
    for message in mail.outbox:
        if message.to != [person.email]:
            continue
        for name, content, mimetype in message.attachments:
            if name == "invite.ics":
                assert mimetype.startswith("text/calendar")
                found.append(Calendar.from_ical(content))
    return found


def event_of(cal: Calendar):
    [event] = cal.walk("VEVENT")
    return event


# --- The flow --------------------------------------------------------------------------------------------------


def test_the_partner_accepts_one_of_three_times_and_both_get_one_invitation(pair, mentor, mentee):
    planned = propose(pair, mentor)
    assert planned.state == PlannedSession.State.PROPOSED and planned.times.count() == 3
    mail.outbox.clear()
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(11, 8))
    planned.refresh_from_db()
    assert planned.state == PlannedSession.State.ACCEPTED and planned.starts_at == at(11, 8)
    for person in (mentor, mentee):
        [cal] = invites(person)
        event = event_of(cal)
        assert cal["METHOD"] == "REQUEST"
        assert str(event["UID"]) == f"planned-{planned.uid}@tandem"
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == at(11, 8)
        assert event.decoded("DTEND") == at(11, 9)
        assert str(event["LOCATION"]) == "https://meet.example.org/abc"
        assert str(event["URL"]) == "https://meet.example.org/abc"
        attendees = sorted(str(a) for a in event["ATTENDEE"])
        assert attendees == sorted([f"mailto:{mentor.email}", f"mailto:{mentee.email}"])


def test_the_proposer_cannot_accept_their_own_times(pair, mentor):
    planned = propose(pair, mentor)
    with pytest.raises(ValidationError, match="chooses among the times you proposed"):
        planning.planned_accept(planned=planned, by=mentor, starts_at=at(11, 8))


def test_only_a_proposed_time_can_be_accepted(pair, mentor, mentee):
    planned = propose(pair, mentor)
    with pytest.raises(ValidationError):
        planning.planned_accept(planned=planned, by=mentee, starts_at=at(12, 8))
    assert PlannedSession.objects.get().state == PlannedSession.State.PROPOSED


def test_a_counter_proposal_turns_who_chooses_around(pair, mentor, mentee):
    planned = propose(pair, mentor)
    planning.planned_counter(planned=planned, by=mentee, times=[at(15, 10)], reason="Busy that week")
    planned.refresh_from_db()
    assert list(planned.times.values_list("starts_at", flat=True)) == [at(15, 10)]
    with pytest.raises(ValidationError):
        planning.planned_accept(planned=planned, by=mentee, starts_at=at(15, 10))
    planning.planned_accept(planned=planned, by=mentor, starts_at=at(15, 10))
    assert PlannedSession.objects.get().starts_at == at(15, 10)


def test_declining_needs_a_reason_the_partner_sees(client, pair, mentor, mentee):
    planned = propose(pair, mentor)
    with pytest.raises(ValidationError):
        planning.planned_decline(planned=planned, by=mentee, reason="  ")
    planning.planned_decline(planned=planned, by=mentee, reason="Away on leave")
    client.force_login(mentor)
    page = client.get(planned.get_absolute_url()).content.decode()
    assert "Declined" in page and "Away on leave" in page


def test_times_in_the_past_more_than_four_or_a_plain_http_link_are_refused(pair, mentor):
    with pytest.raises(ValidationError, match="still ahead"):
        propose(pair, mentor, times=[at(6, 8)])
    with pytest.raises(ValidationError, match="at most three alternatives"):
        propose(pair, mentor, times=[at(10 + n, 8) for n in range(5)])
    for link in ("http://meet.example.org/x", "javascript:alert(1)", "https://", "https://a b"):
        with pytest.raises(ValidationError, match="https://"):
            propose(pair, mentor, video_link=link)
    assert not PlannedSession.objects.exists()


def test_moving_sends_the_same_event_with_a_higher_sequence_and_cancelling_cancels_it(pair, mentor, mentee):
    planned = propose(pair, mentor)
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    mail.outbox.clear()
    planning.planned_move(planned=planned, by=mentor, starts_at=at(12, 9), reason="Clash with a workshop")
    [moved] = invites(mentee)
    assert moved["METHOD"] == "REQUEST"
    assert int(event_of(moved)["SEQUENCE"]) == 1
    assert event_of(moved).decoded("DTSTART") == at(12, 9)
    assert str(event_of(moved)["UID"]) == f"planned-{planned.uid}@tandem"
    mail.outbox.clear()
    planning.planned_cancel(planned=PlannedSession.objects.get(), by=mentee, reason="Ill")
    [cancelled] = invites(mentor)
    assert cancelled["METHOD"] == "CANCEL"
    assert str(event_of(cancelled)["STATUS"]) == "CANCELLED"
    assert int(event_of(cancelled)["SEQUENCE"]) == 2
    assert str(event_of(cancelled)["UID"]) == f"planned-{planned.uid}@tandem"


def test_an_invitation_carries_no_reason_summary_or_note(pair, mentor, mentee):
    planned = propose(pair, mentor, place="Room Secretplace")
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    planning.planned_move(planned=planned, by=mentor, starts_at=at(12, 9), reason="Reasonmarker")
    for message in mail.outbox:
        text = message.body + message.subject + "".join(str(c) for _, c, _ in message.attachments)
        assert "Reasonmarker" not in text


# --- Recording after the time ------------------------------------------------------------------------------------


def test_after_its_time_the_organiser_records_it_held_and_the_partner_confirms_it(pair, mentor, mentee, now):
    planned = propose(pair, mentor)
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    with pytest.raises(ValidationError, match="after it happens"):
        planning.planned_record_held(planned=planned, by=mentor, summary="Talked")
    now.move_to(at(10, 10))
    session = planning.planned_record_held(planned=planned, by=mentor, summary="Talked about goals")
    assert session.status == MentoringSession.Status.AWAITING
    assert session.held_on == datetime.date(2026, 12, 10) and session.duration_minutes == 60
    assert PlannedSession.objects.get().state == PlannedSession.State.HELD
    relationship.session_confirm(session=session, by=mentee)
    pairing = Pairing.objects.get(pk=pair.pk)
    assert pairing.last_session_on == datetime.date(2026, 12, 10)


def test_a_meeting_that_did_not_happen_logs_nothing(pair, mentor, mentee, now):
    planned = propose(pair, mentor)
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    now.move_to(at(10, 10))
    with pytest.raises(ValidationError):
        planning.planned_record_not_held(planned=planned, by=mentor, reason="")
    planning.planned_record_not_held(planned=planned, by=mentor, reason="Mentee was ill")
    assert PlannedSession.objects.get().state == PlannedSession.State.NOT_HELD
    assert not MentoringSession.objects.exists()


# --- Time zones --------------------------------------------------------------------------------------------------


def test_a_pair_in_helsinki_and_london_see_the_same_meeting_at_10_and_8(client, pair, mentor, mentee):
    planned = propose(pair, mentor, times=[at(10, 8)])
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    client.force_login(mentor)
    assert "Thu 10 December 2026, 10:00" in client.get(planned.get_absolute_url()).content.decode()
    client.force_login(mentee)
    page = client.get(planned.get_absolute_url()).content.decode()
    assert '<span id="planned-when">Thu 10 December 2026, 08:00</span>' in page
    assert "For Max Mentor: Thu 10 December 2026, 10:00 (Europe/Helsinki)" in page


def _typed(person, value: str):
    form = ProposeForm(
        {"time_1": value, "duration_minutes": "60", "mode": "video", "place": "", "video_link": ""}, person=person
    )
    return form


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        # Helsinki is UTC+3 in summer time until 25 October 2026 (04:00 local), UTC+2 after.
        ("2026-10-24T10:00", datetime.datetime(2026, 10, 24, 7, 0, tzinfo=UTC)),
        ("2026-10-26T10:00", datetime.datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
        ("2027-03-29T10:00", datetime.datetime(2027, 3, 29, 7, 0, tzinfo=UTC)),
    ],
)
def test_a_time_typed_in_helsinki_is_read_in_helsinki_across_clock_changes(pair, mentor, typed, utc):
    with time_machine.travel(datetime.datetime(2026, 10, 1, tzinfo=UTC), tick=False):
        form = _typed(mentor, typed)
        assert form.is_valid(), form.errors
        assert form.times == [utc]


def test_a_time_the_clocks_skip_is_refused_with_a_message(pair, mentor):
    # On 28 March 2027 Helsinki's clocks go from 03:00 to 04:00: 03:30 never happens there.
    with time_machine.travel(datetime.datetime(2027, 3, 1, tzinfo=UTC), tick=False):
        form = _typed(mentor, "2027-03-28T03:30")
        assert not form.is_valid()
        assert "time_1" in form.errors


def test_across_the_clock_change_the_london_side_still_sees_two_hours_less(client, pair, mentor, mentee, now):
    now.move_to(datetime.datetime(2026, 10, 20, tzinfo=UTC))
    before = datetime.datetime(2026, 10, 24, 10, 0, tzinfo=HELSINKI)
    after = datetime.datetime(2026, 10, 26, 10, 0, tzinfo=HELSINKI)
    planned = propose(pair, mentor, times=[before, after])
    client.force_login(mentee)
    page = client.get(planned.get_absolute_url()).content.decode()
    assert "Sat 24 October 2026, 08:00" in page and "Mon 26 October 2026, 08:00" in page


# --- Who sees what ---------------------------------------------------------------------------------------------------


def test_a_coordinator_gets_403_on_a_planned_session_and_sees_only_its_date(client, pair, mentor, mentee, coordinator):
    planned = propose(pair, mentor, times=[at(12, 8)], place="Cafe Secretplace")
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(12, 8))
    client.force_login(coordinator)
    assert client.get(planned.get_absolute_url()).status_code == 403
    page = client.get(pair.get_absolute_url()).content.decode()
    assert "planned for 12 Dec 2026" in page
    assert "Secretplace" not in page and "meet.example.org" not in page


def test_an_outsider_gets_404_and_anonymous_goes_to_login(client, pair, mentor, outsider):
    planned = propose(pair, mentor)
    assert client.get(planned.get_absolute_url()).status_code == 302
    client.force_login(outsider)
    assert client.get(planned.get_absolute_url()).status_code == 404


def test_the_pages_walk_from_propose_to_accept(client, pair, mentor, mentee):
    client.force_login(mentor)
    url = reverse("mentoring:planned_create", args=[pair.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "time_1": "2026-12-10T10:00",
            "time_2": "2026-12-11T10:00",
            "time_3": "2026-12-14T15:00",
            "duration_minutes": "45",
            "mode": "video",
            "video_link": "https://meet.example.org/x",
        },
    )
    planned = PlannedSession.objects.get()
    assert response.status_code == 302 and response.url == planned.get_absolute_url()
    assert sorted(planned.times.values_list("starts_at", flat=True))[0] == at(10, 8)
    client.force_login(mentee)
    page = client.get(planned.get_absolute_url()).content.decode()
    assert "Thu 10 December 2026, 08:00" in page
    accept = reverse("mentoring:planned_accept", args=[pair.pk, planned.pk])
    response = client.post(accept, {"starts_at": at(11, 8).isoformat()})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.state == "accepted" and planned.starts_at == at(11, 8)


# --- The subscribed feed -----------------------------------------------------------------------------------------


def test_the_feed_shows_a_planned_meeting_without_its_place_link_or_reason(client, pair, mentor, mentee):
    from mentoring.services.calendars import calendar_feed_create

    planned = propose(pair, mentor, times=[at(10, 8)], place="Cafe Secretplace")
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    planning.planned_move(planned=planned, by=mentor, starts_at=at(11, 8), reason="Reasonmarker")
    feed = calendar_feed_create(person=mentee)
    body = client.get(reverse("mentoring:calendar_feed", kwargs={"token": feed.token})).content
    [event] = [e for e in Calendar.from_ical(body).walk("VEVENT") if str(e["UID"]).startswith("planned-")]
    assert event.decoded("DTSTART") == at(11, 8)
    assert str(event["SUMMARY"]) == "Mentoring session with Max Mentor"
    assert int(event["SEQUENCE"]) == 1
    text = body.decode()
    for secret in ("Secretplace", "meet.example.org", "Reasonmarker"):
        assert secret not in text
    planning.planned_cancel(planned=PlannedSession.objects.get(), by=mentee, reason="Ill")
    body = client.get(reverse("mentoring:calendar_feed", kwargs={"token": feed.token})).content
    assert b"planned-" not in body


# --- Video links (point 4) -----------------------------------------------------------------------------------------


def test_the_join_button_shows_from_15_minutes_before_until_the_end(client, pair, mentor, mentee, now):
    planned = propose(pair, mentor, times=[at(10, 8)])
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    client.force_login(mentee)
    for moment, shown in ((at(10, 7, 44), False), (at(10, 7, 45), True), (at(10, 8, 59), True), (at(10, 9), False)):
        now.move_to(moment)
        client.force_login(mentee)  # a fresh login at each moment: the clock jumps past the idle timeout
        page = client.get(planned.get_absolute_url()).content.decode()
        assert ('id="join"' in page) is shown, moment
        if shown:
            assert 'href="https://meet.example.org/abc"' in page


def test_a_programme_default_link_fills_a_video_session_without_one(client, pair, mentor, coordinator):
    url = reverse("mentoring:planning_settings", args=[pair.programme_id])
    client.force_login(coordinator)
    response = client.post(url, {"link_pattern": "http://meet.example.org/{pairing}"})
    assert response.status_code == 200
    assert "Use a secure meeting link starting with https://." in response.content.decode()
    response = client.post(url, {"link_pattern": "https://meet.example.org/{pairing}/{secret}"})
    assert "Use only {pairing} and {meeting}" in response.content.decode()
    response = client.post(url, {"link_pattern": "https://meet.example.org/tandem-{pairing}-{meeting}"})
    assert response.status_code == 302
    planned = propose(pair, mentor, video_link="")
    assert planned.video_link.startswith(f"https://meet.example.org/tandem-{pair.pk}-")
    own = propose(pair, mentor, video_link="https://own.example.org/room")
    assert own.video_link == "https://own.example.org/room"
    in_person = propose(pair, mentor, video_link="", mode="in_person", place="Room 4")
    assert in_person.video_link == ""
    client.force_login(mentor)
    assert client.get(url).status_code == 403


# --- Availability (point 2) ------------------------------------------------------------------------------------------


def test_suggestions_are_times_both_are_free_each_in_their_own_zone(pair, mentor, mentee):
    from mentoring.selectors.planning import suggested_times
    from programmes.tests.factories import ApplicationFactory

    # The mentor (Helsinki) is free on Thursday afternoons (13:00-17:00 there, 11:00-15:00 in London); the mentee
    # (London) on Thursday mornings (09:00-12:00) and afternoons (13:00-17:00). The first hour both are free is
    # 11:00 London, 13:00 Helsinki; one suggestion a day, so the next is a week later.
    programme = pair.programme
    ApplicationFactory(programme=programme, person=mentor, role="mentor", status="approved", availability=["thu-pm"])
    ApplicationFactory(
        programme=pair.programme, person=mentee, role="mentee", status="approved", availability=["thu-am", "thu-pm"]
    )
    found = suggested_times(pairing=pair, person=mentor)
    assert found[0] == at(10, 11)  # Thursday 10 December, 13:00 in Helsinki, 11:00 in London
    assert [t.date() for t in found] == [datetime.date(2026, 12, 10), datetime.date(2026, 12, 17)]


# --- The coordinators' check-in states (point 7) ------------------------------------------------------------------


def test_the_check_in_states_count_a_planned_meeting(client, pair, mentor, mentee, coordinator, now):
    from mentoring.models import Pairing as PairingModel

    PairingModel.objects.filter(pk=pair.pk).update(checkin_due_on=datetime.date(2026, 12, 20))
    planned = propose(pair, mentor, times=[at(12, 8)], place="Cafe Secretplace")
    planning.planned_accept(planned=planned, by=mentee, starts_at=at(12, 8))
    client.force_login(coordinator)
    page = client.get(reverse("mentoring:relationships", args=[pair.programme_id])).content.decode()
    assert "On track, planned for 12 Dec" in page
    assert "Secretplace" not in page and "meet.example.org" not in page
    now.move_to(at(12, 10))  # once its time has passed, it is no longer "planned"
    client.force_login(coordinator)
    page = client.get(reverse("mentoring:relationships", args=[pair.programme_id])).content.decode()
    assert "planned for" not in page


def test_a_person_sets_their_time_zone_and_reminders_on_the_calendar_page(client, mentee):
    from mentoring.models import MeetingReminderChoice

    client.force_login(mentee)
    assert "Your time zone" in client.get(reverse("mentoring:calendar")).content.decode()
    url = reverse("mentoring:meeting_preferences")
    client.post(url, {"time_zone": "Mars/Olympus", "day_before": "on"})
    mentee.refresh_from_db()
    assert mentee.time_zone == "" and not MeetingReminderChoice.objects.exists()
    client.post(url, {"time_zone": "Europe/Helsinki", "hour_before": "on"})
    mentee.refresh_from_db()
    choice = MeetingReminderChoice.objects.get(person=mentee)
    assert mentee.time_zone == "Europe/Helsinki" and (choice.day_before, choice.hour_before) == (False, True)
