"""Calendar: the participant's private feed (create, replace, turn off), what the feed
shows and never shows, and one session as an .ics file for the pair."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse
from icalendar import Calendar

from mentoring.models import CalendarFeed, Goal, MentoringSession, Pairing
from mentoring.services import calendars
from mentoring.services.relationship import SessionInput, session_log
from mentoring.tests.factories import PairingFactory
from programmes.tests.factories import PersonFactory, SkillFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 9, 15)
SECRET = "the reorganisation shook me"


def on(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=LONDON), tick=False)


def held(pairing: Pairing, day: datetime.date, *, minutes: int = 60, status: str = "confirmed") -> MentoringSession:
    return MentoringSession.objects.create(
        pairing=pairing, logged_by=pairing.mentor, held_on=day, duration_minutes=minutes, status=status
    )


def feed_url(person) -> str:
    return reverse("mentoring:calendar_feed", kwargs={"token": calendars.calendar_feed_create(person=person).token})


def events(body: bytes) -> dict[str, dict]:
    """The feed's events by UID: summary, start, description, status."""
    cal = Calendar.from_ical(body)
    return {
        str(e["uid"]): {
            "summary": str(e["summary"]),
            "start": e.decoded("dtstart"),
            "end": e.decoded("dtend"),
            "description": str(e.get("description", "")),
            "status": str(e.get("status", "")),
            "dtstamp": e.get("dtstamp"),
        }
        for e in cal.walk("VEVENT")
    }


# --- The page: create, replace, turn off -----------------------------------------------------------------------


def test_a_participant_creates_a_feed_and_sees_its_full_address(client, cast):
    client.force_login(cast["mentee"])
    page = client.get(reverse("mentoring:calendar")).content.decode()
    assert "You have no calendar address yet" in page
    response = client.post(reverse("mentoring:calendar_create"), follow=True)
    feed = CalendarFeed.objects.get(person=cast["mentee"])
    content = response.content.decode()
    assert f"http://testserver/mentoring/calendar/{feed.token}.ics" in content
    assert f"webcal://testserver/mentoring/calendar/{feed.token}.ics" in content
    assert "Your calendar address is ready" in content
    for app in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert app in content
    assert len(feed.token) >= 43


def test_creating_again_keeps_the_same_address(cast):
    first = calendars.calendar_feed_create(person=cast["mentor"])
    again = calendars.calendar_feed_create(person=cast["mentor"])
    assert first.token == again.token and CalendarFeed.objects.filter(person=cast["mentor"]).count() == 1


def test_replacing_the_address_makes_the_old_one_a_404(client, cast):
    old = feed_url(cast["mentee"])
    assert client.get(old).status_code == 200
    client.force_login(cast["mentee"])
    response = client.post(reverse("mentoring:calendar_replace"), follow=True)
    assert "the old one no longer works" in response.content.decode()
    client.logout()
    assert client.get(old).status_code == 404
    new = reverse("mentoring:calendar_feed", kwargs={"token": CalendarFeed.objects.get(person=cast["mentee"]).token})
    assert new != old and client.get(new).status_code == 200


def test_replacing_without_a_feed_says_so(client, cast):
    client.force_login(cast["mentee"])
    response = client.post(reverse("mentoring:calendar_replace"), follow=True)
    assert "You have no calendar address to replace" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_turning_the_feed_off_asks_first_then_the_address_is_a_404(client, cast):
    url = feed_url(cast["mentor"])
    client.force_login(cast["mentor"])
    confirm = client.get(reverse("mentoring:calendar_delete"))
    assert "Turn your calendar off?" in confirm.content.decode()
    assert CalendarFeed.objects.filter(person=cast["mentor"]).exists()  # asking deleted nothing
    response = client.post(reverse("mentoring:calendar_delete"), follow=True)
    assert "Your calendar feed is off" in response.content.decode()
    assert "You have no calendar address yet" in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 404


def test_the_page_changes_nothing_on_get(client, cast):
    client.force_login(cast["mentee"])
    assert client.get(reverse("mentoring:calendar_create")).status_code == 405
    assert client.get(reverse("mentoring:calendar_replace")).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_my_mentoring_links_to_the_calendar(client, cast):
    client.force_login(cast["mentor"])
    assert reverse("mentoring:calendar") in client.get(reverse("mentoring:home")).content.decode()


@pytest.mark.parametrize("with_feed", [False, True])
def test_calendar_page_query_budget(client, cast, django_assert_num_queries, with_feed):
    if with_feed:
        calendars.calendar_feed_create(person=cast["mentee"])
    client.force_login(cast["mentee"])
    # session, user, areas (shared by the page check and the navigation), the person's feed, their meeting reminders
    with django_assert_num_queries(5):
        assert client.get(reverse("mentoring:calendar")).status_code == 200


# --- The feed -------------------------------------------------------------------------------------------------


def test_the_feed_needs_no_login_and_is_never_cached(client, cast):
    response = client.get(feed_url(cast["mentee"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    cal = Calendar.from_ical(response.content)
    assert str(cal["X-WR-CALNAME"]) == "Tandem mentoring" and str(cal["VERSION"]) == "2.0"


@pytest.mark.parametrize(
    "wrong",
    [
        lambda real: "x" * 43,
        lambda real: "not-a-token-at-all-but-long-enough",
        lambda real: real[:-1] + ("B" if real.endswith("A") else "A"),
    ],
    ids=["unknown", "unknown2", "one-character-off"],
)
def test_a_wrong_token_is_a_404(client, cast, wrong):
    real = calendars.calendar_feed_create(person=cast["mentee"]).token
    # A feed address (the resolver takes it): the view's own lookup finds no feed.
    assert client.get(reverse("mentoring:calendar_feed", kwargs={"token": wrong(real)})).status_code == 404
    assert client.get(reverse("mentoring:calendar_feed", kwargs={"token": real})).status_code == 200


def test_a_token_too_short_to_be_one_is_no_feed_address():
    with pytest.raises(NoReverseMatch):
        reverse("mentoring:calendar_feed", kwargs={"token": "short"})


def test_the_feed_of_someone_who_left_is_a_404(client, cast):
    url = feed_url(cast["mentee"])
    cast["mentee"].is_active = False
    cast["mentee"].save()
    assert client.get(url).status_code == 404


def test_the_feed_lists_the_next_checkin_and_sessions_with_the_partners_name(client, cast):
    pairing = cast["pairing"]
    Pairing.objects.filter(pk=pairing.pk).update(checkin_due_on=TODAY + datetime.timedelta(days=5))
    confirmed = held(pairing, TODAY - datetime.timedelta(days=9), minutes=90)
    awaiting = held(pairing, TODAY - datetime.timedelta(days=2), minutes=45, status="awaiting")
    with on(TODAY):
        mentee_view = events(client.get(feed_url(cast["mentee"])).content)
        mentor_view = events(client.get(feed_url(cast["mentor"])).content)
    checkin = mentee_view[f"checkin-{pairing.pk}@tandem"]
    assert checkin["summary"] == "Mentoring check-in with Max Mentor"
    assert checkin["start"] == TODAY + datetime.timedelta(days=5)  # an all-day event on the due date
    assert checkin["end"] == TODAY + datetime.timedelta(days=6)
    session = mentee_view[f"session-{confirmed.pk}@tandem"]
    assert session["summary"] == "Mentoring session with Max Mentor"
    assert session["start"] == confirmed.held_on and "1 h 30 min" in session["description"]
    assert session["status"] == "CONFIRMED"
    assert mentee_view[f"session-{awaiting.pk}@tandem"]["status"] == "TENTATIVE"
    assert all(event["dtstamp"] is not None for event in mentee_view.values())
    # The mentor's feed names the mentee, with the same UIDs.
    assert mentor_view[f"session-{confirmed.pk}@tandem"]["summary"] == "Mentoring session with Mina Mentee"
    assert mentor_view.keys() == mentee_view.keys()


def test_the_feed_never_carries_what_the_pair_wrote(client, cast):
    pairing = cast["pairing"]
    goal = Goal.objects.create(pairing=pairing, title=f"GOAL-TITLE {SECRET}", success=f"GOAL-SUCCESS {SECRET}")
    with on(TODAY):
        session_log(
            pairing=pairing,
            by=cast["mentee"],
            data=SessionInput(
                held_on=TODAY - datetime.timedelta(days=1),
                duration_minutes=60,
                mode="video",
                topics=[SkillFactory(name="TOPIC-SKILL")],
                goals=[goal],
                summary=f"SUMMARY-TEXT {SECRET}",
                next_steps=f"NEXT-STEPS {SECRET}",
                private_note=f"PRIVATE-NOTE {SECRET}",
                share_note=True,
            ),
        )
        bodies = [client.get(feed_url(person)).content.decode() for person in (cast["mentee"], cast["mentor"])]
    for body in bodies:
        assert "Mentoring session with" in body
        for marker in ("reorganisation", "GOAL-", "TOPIC-SKILL", "SUMMARY-TEXT", "NEXT-STEPS", "PRIVATE-NOTE"):
            assert marker not in body
        assert "video" not in body.lower()  # not even how they met


def test_the_feed_keeps_to_its_window_and_its_person(client, cast):
    pairing = cast["pairing"]
    recent = held(pairing, datetime.date(2025, 9, 15))  # a year ago to the day: still in
    old = held(pairing, datetime.date(2025, 9, 14))  # a year and a day: out
    disputed = held(pairing, datetime.date(2026, 9, 1), status="disputed")
    paused = PairingFactory(programme=pairing.programme, mentor=cast["mentor"], status="paused", checkin_due_on=TODAY)
    closed = PairingFactory(
        programme=pairing.programme,
        mentee=cast["mentee"],
        mentor=PersonFactory(display_name="Earlier Mentor"),
        status="completed",
        ended_on=datetime.date(2026, 5, 1),
    )
    earlier = held(closed, datetime.date(2026, 4, 1))
    stranger = held(PairingFactory(programme=pairing.programme), datetime.date(2026, 9, 10))
    with on(TODAY):
        uids = set(events(client.get(feed_url(cast["mentee"])).content))
        mentor_uids = set(events(client.get(feed_url(cast["mentor"])).content))
    assert f"session-{recent.pk}@tandem" in uids
    assert f"session-{earlier.pk}@tandem" in uids  # a closed pairing's sessions stay in the history
    for missing in (old, disputed, stranger):
        assert f"session-{missing.pk}@tandem" not in uids
    assert f"checkin-{paused.pk}@tandem" not in mentor_uids  # a paused pairing has no check-in
    assert f"checkin-{pairing.pk}@tandem" in uids  # the cast pairing is active: its next check-in shows


@pytest.mark.parametrize("count", [3, 40])
def test_the_feed_takes_four_queries_whatever_the_number_of_sessions(client, cast, django_assert_num_queries, count):
    from mentoring.models import PlannedSession

    pairing = cast["pairing"]
    Pairing.objects.filter(pk=pairing.pk).update(checkin_due_on=TODAY)
    other = PairingFactory(programme=pairing.programme, mentor=cast["mentor"], checkin_due_on=TODAY)
    for n in range(count):
        held(pairing if n % 2 else other, TODAY - datetime.timedelta(days=n + 1))
        PlannedSession.objects.create(
            pairing=pairing if n % 2 else other,
            organiser=cast["mentor"],
            proposed_by=cast["mentor"],
            duration_minutes=60,
            state=PlannedSession.State.ACCEPTED,
            starts_at=datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC) + datetime.timedelta(days=n),
        )
    url = feed_url(cast["mentor"])
    # The feed with its person; planned meetings; check-ins; sessions.
    with on(TODAY), django_assert_num_queries(4):
        response = client.get(url)
    assert len(events(response.content)) == 2 * count + 2


# --- One session as a file, for the pair ---------------------------------------------------------------------


def test_the_pair_download_one_session_with_the_feeds_uid(client, cast):
    session = held(cast["pairing"], datetime.date(2026, 4, 1), minutes=30)
    url = reverse("mentoring:session_ics", args=[cast["pairing"].pk, session.pk])
    for person, partner in ((cast["mentor"], "Mina Mentee"), (cast["mentee"], "Max Mentor")):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="mentoring-session-2026-04-01.ics"'
        (event,) = events(response.content).items()
        assert event[0] == f"session-{session.pk}@tandem"
        assert event[1]["summary"] == f"Mentoring session with {partner}" and "30 min" in event[1]["description"]


def test_a_coordinator_cannot_download_a_pairs_session(client, cast):
    session = held(cast["pairing"], datetime.date(2026, 4, 1))
    client.force_login(cast["coordinator"])
    assert client.get(reverse("mentoring:session_ics", args=[cast["pairing"].pk, session.pk])).status_code == 403


def test_a_session_of_another_pairing_is_a_404(client, cast):
    stranger = held(PairingFactory(programme=cast["pairing"].programme), datetime.date(2026, 4, 1))
    client.force_login(cast["mentor"])
    # Under the mentor's own pairing's address, and under its own.
    assert client.get(reverse("mentoring:session_ics", args=[cast["pairing"].pk, stranger.pk])).status_code == 404
    assert client.get(reverse("mentoring:session_ics", args=[stranger.pairing_id, stranger.pk])).status_code == 404


def test_the_session_link_partial_renders_for_the_workspace(cast):
    from django.template.loader import render_to_string

    session = held(cast["pairing"], datetime.date(2026, 4, 1))
    html = render_to_string("mentoring/_session_ics_link.html", {"session": session})
    assert reverse("mentoring:session_ics", args=[cast["pairing"].pk, session.pk]) in html
    assert "Add to calendar" in html
