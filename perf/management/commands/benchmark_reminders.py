"""Time the check-in reminder sweep over made-up active pairings that are rolled back afterwards."""

from __future__ import annotations

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from mentoring.models import Pairing, Reminder, ReminderDigest, ReminderRecipient
from mentoring.selectors.reminders import BATCH_SIZE
from mentoring.services.reminder_emails import reminder_digests_send
from mentoring.services.reminders import reminders_record
from perf.reminders import DiscardingEmailBackend, build_history, build_pairings, timed
from programmes.models import Membership, Person, Programme

LIMIT_SECONDS = 30.0


class Rollback(Exception):
    """Raised inside the transaction so that nothing the benchmark made is kept."""


def _analyze() -> None:
    """Fresh statistics, as autovacuum keeps them for real tables, so the planner sees the sizes."""
    with connection.cursor() as cursor:
        for model in (Programme, Person, Membership, Pairing, Reminder, ReminderDigest, ReminderRecipient):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _sweep_timed(
    *, now: datetime.datetime, programmes: list[int], people: range, backend: str
) -> tuple[tuple, tuple, tuple]:
    """The sweep as beat's task runs it (reminders_sweep, limited to the made-up pairings and people): record,
    one transaction a batch, then send the outbox; then the next tick, with nothing new (what most sweeps cost).
    Each step's result, seconds and queries (the next tick's without its queries)."""
    record = timed(lambda: reminders_record(now=now, programmes=programmes))
    send = timed(lambda: reminder_digests_send(now=now, email_backend=backend, person_ids=people))
    again, again_seconds, _ = timed(
        lambda: (
            reminders_record(now=now, programmes=programmes).recorded
            + reminder_digests_send(now=now, email_backend=backend, person_ids=people).sent
        )
    )
    return record, send, (again, again_seconds)


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
            "--check",
            action="store_true",
            help=f"Fail when the sweep (recording, without the sending) takes longer than {LIMIT_SECONDS:g} seconds.",
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
                    _analyze()
                (
                    (recorded, record_seconds, record_queries),
                    (sent, send_seconds, send_queries),
                    (again, again_seconds),
                ) = _sweep_timed(now=now, programmes=programmes, people=people, backend=backend)
                raise Rollback
        except Rollback:
            pass
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
            f"The sweep (recording: beat's task then hands the sending to the workers): {record_seconds:.3f} s; "
            f"with the sending in this process too: {record_seconds + send_seconds:.3f} s. The next sweep (nothing "
            f"new, {again} sent or recorded): {again_seconds:.3f} s.\n"
            "Nothing was kept: the pairings, reminders and emails were rolled back; nobody was emailed."
        )
        if options["check"] and record_seconds > LIMIT_SECONDS:
            raise CommandError(f"The sweep took {record_seconds:.3f} s, more than the {LIMIT_SECONDS:g} s allowed.")
