"""Demo pairings in the running programme: mentors from another department, a few mentees still waiting."""

from __future__ import annotations

import datetime

from django.db import transaction

from programmes.models import Person, Programme

from .models import Pairing


def _department(person: Person) -> int | None:
    unit = person.org_unit
    return unit.parent_id or unit.pk if unit else None


@transaction.atomic
def seed_pairings(*, programme: Programme, mentors: list[Person], mentees: list[Person]) -> list[Pairing]:
    """Pair ``mentors[i]`` with the first waiting mentee from another department; leave five mentees waiting.

    The first mentor and mentee (the demo logins) are always paired with each other.
    """
    waiting = list(mentees)
    pairings = []
    started = programme.starts_on or datetime.date(2026, 3, 1)
    for i, mentor in enumerate(mentors[:11]):
        candidates = [m for m in waiting if _department(m) != _department(mentor)] if i else waiting[:1]
        if not candidates:
            continue
        mentee = candidates[0]
        waiting.remove(mentee)
        pairing, _ = Pairing.objects.get_or_create(
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            defaults={
                "status": Pairing.Status.PAUSED if i == 10 else Pairing.Status.ACTIVE,
                "started_on": started + datetime.timedelta(days=7 * (i % 4)),
            },
        )
        pairings.append(pairing)
    return pairings
