"""Made-up active pairings and their reminder history for ``manage.py benchmark_reminders`` and
``manage.py bench``, built inside the caller's transaction, which rolls them back; and the helpers that time
the sweep."""

from __future__ import annotations

import datetime
import random
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from core.dates import start_of_day
from mentoring.models import Pairing, Reminder, ReminderDigest, ReminderRecipient
from mentoring.selectors.reminders import kinds_due
from mentoring.services.reminder_emails import reminder_digests_send
from mentoring.services.reminders import reminders_record
from programmes.models import Membership, Person, Programme, Role

PAIRINGS_PER_PROGRAMME = 10_000
GRACE_DAYS = [5, 7, 7, 10, 14]


class DiscardingEmailBackend(BaseEmailBackend):
    """Takes every email and drops it: nobody is emailed. Encoding and transmitting a message is the real
    backend's work (a mail server's pace, which the sweep's time budget and follow-up task absorb)."""

    def send_messages(self, email_messages: Sequence) -> int:
        return len(email_messages)


def build_pairings(*, pairings: int, rng: random.Random) -> tuple[list[int], range]:
    """Running programmes (10,000 pairings each, two coordinators, varied grace days) with active pairings
    whose check-ins fall due from three weeks ago to two weeks ahead: some on track, some coming up, some
    overdue, some escalated. Mentors have two mentees each; one person in ten wants reminders in the app
    only. Returns the programmes' ids and the range of the people's ids."""
    tag = secrets.token_hex(4)
    today = timezone.localdate()
    count = max(1, -(-pairings // PAIRINGS_PER_PROGRAMME))
    programmes = Programme.objects.bulk_create(
        Programme(
            name=f"Benchmark {tag} programme {p}",
            status=Programme.Status.RUNNING,
            escalation_grace_days=rng.choice(GRACE_DAYS),
        )
        for p in range(count)
    )
    mentors = -(-pairings // 2)
    people = Person.objects.bulk_create(
        (
            Person(
                email=f"benchmark-{tag}-{i}@example.org",
                display_name=f"Person {i:06d}",
                email_reminders=rng.random() >= 0.1,
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            )
            for i in range(mentors + pairings + 2 * count)
        ),
        batch_size=5000,
    )
    mentor_people, mentee_people, coordinators = people[:mentors], people[mentors : -2 * count], people[-2 * count :]
    made = Pairing.objects.bulk_create(
        (
            Pairing(
                programme=programmes[(i // 2) % count],
                mentor=mentor_people[i // 2],
                mentee=mentee,
                status=Pairing.Status.ACTIVE,
                source=Pairing.Source.MANUAL,
                started_on=today - datetime.timedelta(days=90),
                last_session_on=due - datetime.timedelta(days=14),
                checkin_due_on=due,
            )
            for i, mentee in enumerate(mentee_people)
            for due in [today + datetime.timedelta(days=rng.randint(-21, 13))]
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(programme=programmes[p], person=c, role=Role.COORDINATOR)
            for p in range(count)
            for c in coordinators[2 * p : 2 * p + 2]
        ]
        + [Membership(programme_id=m.programme_id, person_id=m.mentor_id, role=Role.MENTOR) for m in made[::2]]
        + [Membership(programme_id=m.programme_id, person_id=m.mentee_id, role=Role.MENTEE) for m in made],
        batch_size=5000,
        ignore_conflicts=True,
    )
    return [p.pk for p in programmes], range(people[0].pk, people[-1].pk + 1)


def build_history(*, programmes: list[int], today: datetime.date) -> int:
    """What yesterday's sweeps recorded for these pairings (reminders, who was told, yesterday's sent emails),
    so that the sweep timed is the first of a normal day rather than the very first one, on tables of a
    realistic size. Returns the reminders made."""
    yesterday = today - datetime.timedelta(days=1)
    then = start_of_day(yesterday) + datetime.timedelta(hours=9)
    sweep = uuid.uuid4()
    coordinators: dict[int, list[int]] = {}
    for programme_id, person_id in Membership.objects.filter(
        programme__in=programmes, role=Role.COORDINATOR
    ).values_list("programme_id", "person_id"):
        coordinators.setdefault(programme_id, []).append(person_id)
    reminders, told = [], []
    rows = Pairing.objects.filter(programme__in=programmes).values_list(
        "pk", "checkin_due_on", "programme_id", "mentor_id", "mentee_id", "programme__escalation_grace_days"
    )
    for pk, due_on, programme_id, mentor_id, mentee_id, grace_days in rows:
        for kind in kinds_due(due_on=due_on, today=yesterday, grace_days=grace_days):
            reminders.append(Reminder(pairing_id=pk, kind=kind, due_on=due_on, sweep=sweep, created_at=then))
            told.append(coordinators[programme_id] if kind == Reminder.Kind.ESCALATION else [mentor_id, mentee_id])
    reminders = Reminder.objects.bulk_create(reminders, batch_size=5000)
    digests = ReminderDigest.objects.bulk_create(
        (
            ReminderDigest(
                person_id=person_id,
                day=yesterday,
                status=ReminderDigest.Status.SENT,
                attempts=1,
                next_attempt_at=then,
                claimed_at=then,
                sent_at=then,
                created_at=then,
            )
            for person_id in {p for people in told for p in people}
        ),
        batch_size=5000,
    )
    digest_of = {d.person_id: d.pk for d in digests}
    ReminderRecipient.objects.bulk_create(
        (
            ReminderRecipient(reminder_id=reminder.pk, person_id=person_id, digest_id=digest_of[person_id])
            for reminder, people in zip(reminders, told, strict=True)
            for person_id in people
        ),
        batch_size=5000,
    )
    return len(reminders)


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable, sql: str, params, many: bool, context) -> object:
        self.count += 1
        return execute(sql, params, many, context)


def timed(call: Callable[[], object]) -> tuple[object, float, int]:
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
    return result, seconds, counter.count


class _Rollback(Exception):
    """Raised to undo the cold sweep, so that the normal day is measured on the same pairings."""


def _sweep_figures(*, now: datetime.datetime, programmes: list[int], people: range) -> dict[str, Any]:
    """One sweep as beat's task runs it: recording what is due (the sweep itself: the task then hands the
    outbox to the workers), then sending, timed apart (the workers' part, here in this process, every email
    built and handed to a backend that discards it); then the next tick, which finds nothing new."""
    backend = f"{DiscardingEmailBackend.__module__}.{DiscardingEmailBackend.__name__}"
    recorded, seconds, queries = timed(lambda: reminders_record(now=now, programmes=programmes))
    sent, send_seconds, send_queries = timed(
        lambda: reminder_digests_send(now=now, email_backend=backend, person_ids=people)
    )
    _, next_tick, _ = timed(
        lambda: (
            reminders_record(now=now, programmes=programmes),
            reminder_digests_send(now=now, email_backend=backend, person_ids=people),
        )
    )
    return {
        "seconds": round(seconds, 2),
        "queries": queries,
        "reminders": recorded.recorded,
        "due": recorded.due,
        "batches": recorded.batches,
        "queries_per_batch": round(queries / max(1, recorded.batches), 1),
        "send_seconds": round(send_seconds, 2),
        "send_queries": send_queries,
        "emails": sent.sent,
        "next_tick_ms": round(next_tick * 1000, 1),
    }


def sweeps_measure(*, pairings: int, analyze: Callable[[], None]) -> dict[str, dict[str, Any]]:
    """The cold sweep (every pairing's reminders due at once, nothing recorded before: a first run or a long
    outage), undone, then the first sweep of a normal day on the same pairings (yesterday's reminders recorded),
    keyed "cold" and "day". ``analyze`` refreshes the planner's statistics after the bulk loads."""
    now = timezone.now()
    programmes, people = build_pairings(pairings=pairings, rng=random.Random(5))
    analyze()
    found: dict[str, dict[str, Any]] = {}
    try:
        with transaction.atomic():
            found["cold"] = _sweep_figures(now=now, programmes=programmes, people=people)
            raise _Rollback
    except _Rollback:
        pass
    history = build_history(programmes=programmes, today=timezone.localdate(now))
    analyze()
    found["day"] = {**_sweep_figures(now=now, programmes=programmes, people=people), "history_reminders": history}
    for figures in found.values():
        figures["pairings"] = pairings
    return found
