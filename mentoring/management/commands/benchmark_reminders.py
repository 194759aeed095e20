"""Time the check-in reminder sweep over made-up active pairings that are rolled back afterwards."""

from __future__ import annotations

import datetime
import random
import secrets
import time
import uuid
from collections.abc import Callable, Sequence

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from mentoring.models import Pairing, Reminder, ReminderDigest, ReminderRecipient
from mentoring.selectors.reminders import BATCH_SIZE, kinds_due
from mentoring.services.reminder_emails import reminder_digests_send
from mentoring.services.reminders import reminders_record, start_of_day
from programmes.models import Membership, Person, Programme, Role

LIMIT_SECONDS = 30.0
PAIRINGS_PER_PROGRAMME = 10_000
GRACE_DAYS = [5, 7, 7, 10, 14]


class Rollback(Exception):
    """Raised inside the transaction so that nothing the benchmark made is kept."""


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


class Command(BaseCommand):
    help = (
        "Time the check-in reminder sweep (recording what is due, then building every email and handing it to a "
        "backend that discards it) over made-up active pairings, inside a transaction that is rolled back, so "
        "the database is left as it was and nobody is emailed. By default the sweep timed is the first of a "
        "day, after yesterday's reminders; --cold times the very first sweep, with nothing recorded before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairings", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=5, help="The same seed builds the same pairings.")
        parser.add_argument(
            "--cold",
            action="store_true",
            help="No reminders recorded before: every pairing due at once (a first run or a long outage).",
        )
        parser.add_argument(
            "--check", action="store_true", help=f"Fail when the sweep takes longer than {LIMIT_SECONDS:g} seconds."
        )

    def handle(self, *args, **options) -> None:
        pairings = options["pairings"]
        if pairings < 1:
            raise CommandError("The benchmark needs at least one pairing.")
        backend = f"{DiscardingEmailBackend.__module__}.{DiscardingEmailBackend.__name__}"
        history = 0
        try:
            with transaction.atomic():
                build_started = time.perf_counter()
                now = timezone.now()
                programmes, people = build_pairings(pairings=pairings, rng=random.Random(options["seed"]))
                if not options["cold"]:
                    history = build_history(programmes=programmes, today=timezone.localdate(now))
                built = time.perf_counter() - build_started
                if connection.vendor == "postgresql":
                    # Fresh statistics, as autovacuum keeps them for real tables, so the planner sees the sizes.
                    with connection.cursor() as cursor:
                        for model in (
                            Programme,
                            Person,
                            Membership,
                            Pairing,
                            Reminder,
                            ReminderDigest,
                            ReminderRecipient,
                        ):
                            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
                # The sweep as beat's task runs it (reminders_sweep, limited to the made-up pairings and people):
                # record, one transaction a batch, then send the outbox.
                recorded, record_seconds, record_queries = timed(
                    lambda: reminders_record(now=now, programmes=programmes)
                )
                sent, send_seconds, send_queries = timed(
                    lambda: reminder_digests_send(now=now, email_backend=backend, person_ids=people)
                )
                # The next tick, with nothing new: what most sweeps cost.
                again, again_seconds, _ = timed(
                    lambda: (
                        reminders_record(now=now, programmes=programmes).recorded
                        + reminder_digests_send(now=now, email_backend=backend, person_ids=people).sent
                    )
                )
                raise Rollback
        except Rollback:
            pass
        seconds = record_seconds + send_seconds
        batches = max(1, recorded.batches)
        scenario = (
            "the very first sweep (nothing recorded before)"
            if options["cold"]
            else f"the first sweep of a day ({history} reminders recorded up to yesterday)"
        )
        self.stdout.write(
            f"Database: {connection.vendor}. Built {pairings} active pairings in {built:.1f} s; timing {scenario}.\n"
            f"Recording: {recorded.recorded} reminders for {recorded.due} pairings due, in {recorded.batches} "
            f"batches of up to {BATCH_SIZE} pairings, {record_queries} queries "
            f"({record_queries / batches:.1f} a batch): {record_seconds:.3f} s.\n"
            f"Sending: {sent.sent} emails built and handed over, {sent.skipped} skipped, {sent.failed} failed, "
            f"{send_queries} queries: {send_seconds:.3f} s.\n"
            f"Whole sweep: {seconds:.3f} s. The next sweep (nothing new, {again} sent or recorded): "
            f"{again_seconds:.3f} s.\n"
            "Nothing was kept: the pairings, reminders and emails were rolled back; nobody was emailed."
        )
        if options["check"] and seconds > LIMIT_SECONDS:
            raise CommandError(f"The sweep took {seconds:.3f} s, more than the {LIMIT_SECONDS:g} s allowed.")
