"""Calendars: a participant's private iCalendar feed, and one session as an .ics file for the pair.

A feed is read without logging in (calendar apps cannot log in): whoever holds its address reads it, and
addresses leak (a shared screen, a forwarded calendar, a proxy's log). So a feed carries dates, durations and
the partner's name only: never a summary, next steps, goals, topics, arrangements or private notes. The
queries below do not even load those columns. A person replaces the address (the old one stops working at
once) or turns the feed off whenever they like.

Sessions have a date and a duration but no time of day, so they are all-day events marked free
(``TRANSP:TRANSPARENT``), with the duration in the description; they do not block anyone's day.
"""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from mentoring.models import CalendarFeed, MentoringSession, Pairing, PlannedSession
from programmes.models import Person

UID_DOMAIN = "tandem"
CALENDAR_NAME = "Tandem mentoring"
# Calendar apps refresh subscriptions on their own schedule; this asks for about every six hours.
REFRESH = datetime.timedelta(hours=6)

SESSION_STATUS = {
    MentoringSession.Status.CONFIRMED: "CONFIRMED",
    MentoringSession.Status.AWAITING: "TENTATIVE",
    MentoringSession.Status.DISPUTED: "CANCELLED",
}


# --- The feed's address ------------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


@transaction.atomic
def calendar_feed_create(*, person: Person) -> CalendarFeed:
    """The person's feed, made with a fresh secret address unless they have one already."""
    feed, _created = CalendarFeed.objects.get_or_create(person=person, defaults={"token": _new_token()})
    return feed


@transaction.atomic
def calendar_feed_replace(*, person: Person) -> CalendarFeed:
    """A new secret address; the old one answers "not found" from now on."""
    feed = CalendarFeed.objects.select_for_update().filter(person=person).first()
    if feed is None:
        raise ValidationError(_("You have no calendar address to replace. Create one first."))
    feed.token = _new_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def calendar_feed_delete(*, person: Person) -> bool:
    """Turn the feed off: its address stops working. False when there was none."""
    deleted, _by_model = CalendarFeed.objects.filter(person=person).delete()
    return bool(deleted)


# --- What a calendar shows -----------------------------------------------------------------------------------

# Only what an event needs: dates, duration, status, and the two people's names. Summary, next steps and the
# rest are never read from the database here.
_PEOPLE_FIELDS = ("mentor__display_name", "mentee__display_name")
_SESSION_FIELDS = (
    "pairing_id",
    "held_on",
    "duration_minutes",
    "status",
    "pairing__mentor_id",
    "pairing__mentee_id",
    *(f"pairing__{field}" for field in _PEOPLE_FIELDS),
)


def _partner_name(pairing: Pairing, person: Person) -> str:
    partner = pairing.mentee if pairing.mentor_id == person.pk else pairing.mentor
    return partner.display_name or (_("your mentee") if pairing.mentor_id == person.pk else _("your mentor"))


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Tandem//Mentoring calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    return cal


def _all_day(
    *, uid: str, day: datetime.date, title: str, description: str, url: str, stamp: datetime.datetime
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", title)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    if url:
        event.add("url", url)
    return event


def checkin_event(pairing: Pairing, *, person: Person, url: str, stamp: datetime.datetime) -> Event:
    return _all_day(
        uid=f"checkin-{pairing.pk}",
        day=pairing.checkin_due_on,
        title=_("Mentoring check-in with %(partner)s") % {"partner": _partner_name(pairing, person)},
        description=_("Your next mentoring check-in is due. Log your session in Tandem once you have met."),
        url=url,
        stamp=stamp,
    )


def session_event(session: MentoringSession, *, person: Person, url: str, stamp: datetime.datetime) -> Event:
    event = _all_day(
        uid=f"session-{session.pk}",
        day=session.held_on,
        title=_("Mentoring session with %(partner)s") % {"partner": _partner_name(session.pairing, person)},
        description=_("Mentoring session, %(duration)s.") % {"duration": _duration(session.duration_minutes)},
        url=url,
        stamp=stamp,
    )
    event.add("status", SESSION_STATUS.get(session.status, "CONFIRMED"))
    return event


def _a_year_before(day: datetime.date) -> datetime.date:
    """How far back a feed lists sessions: the same day a year earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _pairing_url(base_url: str, pairing_id: int) -> str:
    return base_url.rstrip("/") + reverse("mentoring:pairing_detail", args=[pairing_id]) if base_url else ""


# A planned meeting in the feed: its time and the partner's name; not its place or video link (a feed's address
# can leak, and a link lets anyone into the meeting). Its UID differs from the invitation's, so a calendar that
# holds both never has two sources updating one event.
_PLANNED_FIELDS = (
    "pairing_id",
    "starts_at",
    "duration_minutes",
    "state",
    "uid",
    "sequence",
    "pairing__mentor_id",
    "pairing__mentee_id",
    *(f"pairing__{field}" for field in _PEOPLE_FIELDS),
)


def feed_planned_event(planned: PlannedSession, *, person: Person, base_url: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"planned-feed-{planned.uid}@{UID_DOMAIN}")
    event.add("sequence", planned.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", planned.starts_at.astimezone(datetime.UTC))
    event.add("dtend", planned.ends_at.astimezone(datetime.UTC))
    event.add("summary", _("Mentoring session with %(partner)s") % {"partner": _partner_name(planned.pairing, person)})
    event.add(
        "description", _("Planned mentoring session, %(duration)s.") % {"duration": _duration(planned.duration_minutes)}
    )
    event.add("status", "CONFIRMED")
    if url := _pairing_url(base_url, planned.pairing_id):
        event.add("url", url)
    return event


def feed_ics(*, person: Person, base_url: str = "", today: datetime.date | None = None) -> bytes:
    """The person's feed: each active pairing's next check-in, its planned meetings, and the sessions of all their
    pairings held in the last 12 months (disputed ones left out). Three queries, whatever the number of sessions."""
    today = today or timezone.localdate()
    stamp = timezone.now()
    mine = Pairing.objects.involving(person)
    checkins = (
        mine.filter(status=Pairing.Status.ACTIVE, checkin_due_on__isnull=False)
        .select_related("mentor", "mentee")
        .only("mentor_id", "mentee_id", "checkin_due_on", *_PEOPLE_FIELDS)
        .order_by("checkin_due_on", "pk")
    )
    sessions = (
        MentoringSession.objects.filter(pairing__in=mine.values("pk"), held_on__gte=_a_year_before(today))
        .exclude(status=MentoringSession.Status.DISPUTED)
        .select_related("pairing__mentor", "pairing__mentee")
        .only(*_SESSION_FIELDS)
        .order_by("held_on", "pk")
    )
    planned = (
        PlannedSession.objects.upcoming()
        .filter(pairing__in=mine.values("pk"), starts_at__date__gte=_a_year_before(today))
        .select_related("pairing__mentor", "pairing__mentee")
        .only(*_PLANNED_FIELDS)
        .order_by("starts_at", "pk")
    )
    cal = _calendar(CALENDAR_NAME)
    for meeting in planned:
        cal.add_component(feed_planned_event(meeting, person=person, base_url=base_url, stamp=stamp))
    for pairing in checkins:
        cal.add_component(checkin_event(pairing, person=person, url=_pairing_url(base_url, pairing.pk), stamp=stamp))
    for session in sessions:
        url = _pairing_url(base_url, session.pairing_id)
        cal.add_component(session_event(session, person=person, url=url, stamp=stamp))
    return cal.to_ical()


def session_ics(*, session: MentoringSession, person: Person, base_url: str = "") -> bytes:
    """One session as a calendar file, for its mentor or mentee: the same event (and UID) as in the feed."""
    cal = _calendar(CALENDAR_NAME)
    url = _pairing_url(base_url, session.pairing_id)
    cal.add_component(session_event(session, person=person, url=url, stamp=timezone.now()))
    return cal.to_ical()
