"""Reads for planned sessions: the pairing page's planned meetings, the Join button's window, and times both
people are free by the availability slots on their profiles (nothing else of anyone's calendar is read)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from mentoring.models import Pairing, PlannedSession
from programmes.models import Application, Person

JOIN_EARLY = datetime.timedelta(minutes=15)  # the Join button shows from 15 minutes before the start
# A slot is a part of a working day in the person's own zone: "mon-am" is Monday 09:00-12:00 there.
PART_HOURS = {"am": range(9, 12), "pm": range(13, 17)}
DAY_CODES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LOOK_AHEAD_DAYS = 14
SUGGESTIONS = 3


def join_open(planned: PlannedSession, *, now: datetime.datetime | None = None) -> bool:
    """A planned video meeting's link is a Join button from 15 minutes before its start until its end."""
    if planned.state != PlannedSession.State.ACCEPTED or not planned.video_link or planned.starts_at is None:
        return False
    now = now or timezone.now()
    return planned.starts_at - JOIN_EARLY <= now < planned.ends_at


def _slot(moment: datetime.datetime, person: Person) -> str | None:
    local = timezone.localtime(moment, person.zone)
    for part, hours in PART_HOURS.items():
        if local.hour in hours and local.minute == 0:
            return f"{DAY_CODES[local.weekday()]}-{part}"
    return None


def free_times(
    *, slots: dict[int, set[str]], people: list[Person], now: datetime.datetime, duration_minutes: int = 60
) -> list[datetime.datetime]:
    """Up to three starts on the hour, each on a different day in the next two weeks, at which the whole meeting
    falls inside a slot both people marked as available, each in their own time zone."""
    found: list[datetime.datetime] = []
    days: set[datetime.date] = set()
    start = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    for hour in range(LOOK_AHEAD_DAYS * 24):
        moment = start + datetime.timedelta(hours=hour)
        end = moment + datetime.timedelta(minutes=duration_minutes - 1)
        fits = all(
            (code := _slot(moment, p)) in slots.get(p.pk, set()) and _slot(end.replace(minute=0), p) == code
            for p in people
        )
        day = timezone.localtime(moment, people[0].zone).date()
        if fits and day not in days:
            found.append(moment)
            days.add(day)
            if len(found) == SUGGESTIONS:
                break
    return found


def suggested_times(*, pairing: Pairing, person: Person) -> list[datetime.datetime]:
    """Times both are free, by the slots of their approved applications to the pairing's programme. One query."""
    people = [person, pairing.mentee if person.pk == pairing.mentor_id else pairing.mentor]
    slots: dict[int, set[str]] = {}
    for person_id, availability in Application.objects.filter(
        programme_id=pairing.programme_id,
        person__in=[p.pk for p in people],
        status=Application.Status.APPROVED,
    ).values_list("person_id", "availability"):
        slots[person_id] = set(availability or ())
    if len(slots) < 2:
        return []
    return free_times(slots=slots, people=people, now=timezone.now())


def planned_for_pairing(pairing: Pairing) -> list[PlannedSession]:
    """The pairing's open planned sessions (proposed, or planned and not yet recorded), soonest first. One query."""
    return list(
        PlannedSession.objects.open()
        .filter(pairing=pairing)
        .select_related("organiser", "proposed_by")
        .order_by("starts_at", "pk")
    )


def next_planned_on(pairing_ids: list[int]) -> dict[int, datetime.datetime]:
    """For each pairing, the start of its next accepted meeting still ahead (what a coordinator may see). One query."""
    found: dict[int, datetime.datetime] = {}
    rows = (
        PlannedSession.objects.upcoming()
        .filter(pairing_id__in=pairing_ids, starts_at__gt=timezone.now())
        .order_by("pairing_id", "starts_at")
        .values_list("pairing_id", "starts_at")
    )
    for pairing_id, starts_at in rows:
        found.setdefault(pairing_id, starts_at)
    return found
