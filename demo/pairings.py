"""Demo matching and pairings in the running programme.

A published matching round whose proposals became the pairings (each with its score explained), one paused
pairing, one pairing that ended early and was re-matched, a few mentees still waiting, and one of them with
an open request to a mentor who has a free place. What happens inside the pairings (agreements, goals, sessions,
notes, the check-in schedule) is seeded by demo.relationships.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from mentoring.models import MatchProposal, MatchRound, MentorRequest, Pairing, PairingPause
from mentoring.selectors.cohort import cohort_load
from mentoring.selectors.scoring import score_parts
from programmes.models import OrgUnit, Person, Programme


def demo_start(programme: Programme) -> datetime.date:
    """When the round was published and the first pairings started: about seven months before today (never
    before the programme), so that the demo always shows about six months of sessions up to today."""
    months_ago = timezone.localdate() - datetime.timedelta(weeks=28)
    return max(programme.starts_on, months_ago) if programme.starts_on else months_ago


@transaction.atomic
def seed_pairings(*, programme: Programme, mentors: list[Person], mentees: list[Person]) -> list[Pairing]:
    """Pair ``mentors[i]`` with the first waiting mentee from another department; leave a few mentees waiting.

    The first mentor and mentee (the demo logins) are always paired with each other.
    """
    plan, waiting = _pair_plan(mentors, mentees)
    cohort = cohort_load(programme=programme)
    coordinator = Person.objects.filter(memberships__programme=programme, memberships__role="coordinator").first()
    started = demo_start(programme)
    round_, created = MatchRound.objects.get_or_create(
        programme=programme,
        status=MatchRound.Status.PUBLISHED,
        defaults={
            "run_by": coordinator,
            "published_by": coordinator,
            "published_at": timezone.make_aware(datetime.datetime.combine(started, datetime.time(9))),
            "weights": cohort.weights.snapshot(),
        },
    )
    pairings = []
    for i, (mentor, mentee) in enumerate(plan):
        score, parts = score_parts(cohort.mentors[mentor.pk], cohort.mentees[mentee.pk], cohort.weights)
        start = started + datetime.timedelta(days=7 * (i % 4))
        pairing = _seed_pairing(programme, mentor, mentee, score, parts, start, paused=i == 10, by=coordinator)
        if created:
            MatchProposal.objects.create(
                round=round_, mentor=mentor, mentee=mentee, score=score, parts=parts, pairing=pairing
            )
        pairings.append(pairing)
    if created:
        round_.total_score = sum(p.score or 0 for p in pairings)
        round_.save(update_fields=["total_score"])

    spare = mentors[11] if len(mentors) > 11 else None
    if spare and len(plan) > 1:
        _ended_early_then_rematched(programme, spare, plan[1][1], started, coordinator)
    if waiting:
        _open_request(programme, cohort, waiting[0], mentors[0])  # the demo mentor has a request to answer
    return pairings


def _pair_plan(mentors: list[Person], mentees: list[Person]) -> tuple[list[tuple[Person, Person]], list[Person]]:
    """(mentor, mentee) pairs, each mentee from another department than the mentor's, and the mentees left."""
    departments = OrgUnit.objects.departments()

    def _department(person: Person) -> int | None:
        return departments[person.org_unit_id][0] if person.org_unit_id in departments else None

    waiting = list(mentees)
    plan: list[tuple[Person, Person]] = []
    for i, mentor in enumerate(mentors[:11]):
        candidates = [m for m in waiting if _department(m) != _department(mentor)] if i else waiting[:1]
        if candidates:
            waiting.remove(candidates[0])
            plan.append((mentor, candidates[0]))
    return plan, waiting


def _seed_pairing(
    programme: Programme,
    mentor: Person,
    mentee: Person,
    score: int,
    parts: list[dict],
    start: datetime.date,
    *,
    paused: bool,
    by: Person | None,
) -> Pairing:
    """One pairing from the round, accepted on its start; a paused one with its pause history."""
    accepted = timezone.make_aware(datetime.datetime.combine(start, datetime.time(10)))
    pairing, _ = Pairing.objects.get_or_create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        defaults={
            "status": Pairing.Status.PAUSED if paused else Pairing.Status.ACTIVE,
            "started_on": start,
            "source": Pairing.Source.ROUND,
            "score": score,
            "explanation": parts,
            "created_by": by,
            "mentor_accepted_at": accepted,
            "mentee_accepted_at": accepted,
            "paused_reason": "Parental leave" if paused else "",
            "resume_on": timezone.localdate() + datetime.timedelta(days=30) if paused else None,
        },
    )
    if pairing.status == Pairing.Status.PAUSED:  # its pause history: paused a fortnight ago, or on its start
        since = max(pairing.started_on or start, timezone.localdate() - datetime.timedelta(days=14))
        PairingPause.objects.get_or_create(pairing=pairing, resumed_on=None, defaults={"paused_on": since})
    return pairing


def _ended_early_then_rematched(
    programme: Programme, first_mentor: Person, mentee: Person, started: datetime.date, coordinator: Person | None
) -> None:
    """The mentee's first pairing ended early (workload); their current pairing is the re-match."""
    Pairing.objects.get_or_create(
        programme=programme,
        mentor=first_mentor,
        mentee=mentee,
        status=Pairing.Status.ENDED_EARLY,
        defaults={
            "started_on": started - datetime.timedelta(days=60),
            "ended_on": started - datetime.timedelta(days=10),
            "end_reason": Pairing.EndReason.WORKLOAD,
            "ended_by": first_mentor,
            "source": Pairing.Source.ROUND,
            "created_by": coordinator,
        },
    )


def _open_request(programme: Programme, cohort, mentee: Person, mentor: Person) -> None:
    """A waiting mentee has asked a mentor with a free place; the mentor has not answered yet."""
    if mentee.pk not in cohort.mentees or mentor.pk not in cohort.mentors:
        return
    score, parts = score_parts(cohort.mentors[mentor.pk], cohort.mentees[mentee.pk], cohort.weights)
    MentorRequest.objects.get_or_create(
        programme=programme,
        mentee=mentee,
        status=MentorRequest.Status.OPEN,
        defaults={
            "mentor": mentor,
            "message": "I would love to learn how you plan budgets across teams.",
            "score": score,
            "explanation": parts,
            "expires_at": timezone.now() + datetime.timedelta(days=5),
        },
    )
