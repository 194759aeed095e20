"""Check-in reminders, step 1: the sweep that records what is due (``reminder_emails`` emails it, step 2).

Beat starts ``mentoring.tasks.send_due_checkin_reminders`` every few minutes; it calls ``reminders_sweep``, which
works in two steps.

1. Record (``reminders_record``). Active pairings whose check-in needs a reminder not yet recorded are read in
   batches of ``BATCH_SIZE``, by primary key, with a fixed number of queries per batch whatever its size. A
   reminder is a row unique per (pairing, kind, due date), inserted while ignoring conflicts, and only the rows
   this sweep inserted come back (``RETURNING`` on PostgreSQL, read back by the sweep's uuid elsewhere), so of
   two sweeps at once only the one whose insert won tells anybody. In the same transaction everybody told gets
   an in-app notification in their language; an escalation raises an alert; and each person who wants
   reminder emails gets the reminder in their digest, the outbox row of their one email of the day. On
   PostgreSQL each kind of row is one set-based statement per batch (``mentoring.services.reminder_rows``).
2. Send (``reminder_digests_send``, in ``reminder_emails``), once every batch has committed: beat's task queues it
   for workers (``mentoring.tasks.send_reminder_emails``, ``TANDEM_REMINDER_SENDERS`` side by side);
   ``send_reminders`` sends in its own process. Digests due now are claimed in chunks with row locks that skip
   locked rows (two senders never claim the same one) and a token dated when claimed and renewed while sending,
   emailed one per person over one mail connection per chunk straight through ``TANDEM_EMAIL_BACKEND`` (not
   the Celery email backend: the outbox row is the record, so a task delivered twice cannot send twice), and
   each marked sent as the mail server takes it, so a killed worker repeats at most the email in flight. A
   failed send is retried with back-off, then hourly while its reminders still matter; administrators see it
   and can send it again. A digest claimed by a worker that died is claimed again once its lease has run out.

Kinds: "upcoming" from ``TANDEM_REMINDER_DAYS_BEFORE`` days before the due date (to the pair), "overdue" from
the day after it (to the pair), "escalation" after the programme's grace days (to its coordinators, with an
alert). A late sweep (the workers were down) records what is true now and nothing stale: an overdue check-in
gets no "upcoming", an escalated one gets "overdue" (unless it had it) and "escalation"; a reminder waiting in
the outbox that is no longer true when its email goes (a session was confirmed, the pairing paused, the due
date passed) is left out of the email. Paused, proposed and closed pairings have no schedule and get nothing.

Privacy: reminders carry dates, names and the link to the pairing's page, never anything the pair wrote.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation

from core.dates import start_of_day
from core.i18n import language_of
from mentoring.models import Alert, Reminder, ReminderDigest, ReminderRecipient
from mentoring.selectors.reminders import (
    PERSON_FIELDS,
    Kind,
    Pair,
    ReminderCounts,
    Someone,
    Status,
    due_batch,
    due_digests,
    due_pairings,
    escalation_reason,
    pairing_paths,
    reminder_text,
    without_jit,
    words_forget,
)
from mentoring.services.meeting_reminders import meeting_reminders_sweep
from mentoring.services.reminder_emails import reminder_digests_send
from mentoring.services.reminder_rows import digests_insert, notifications_insert, recipients_insert, reminders_insert
from programmes.models import Membership, Role

# After recording this many reminders at once (a first sweep, a catch-up), PostgreSQL's statistics are
# refreshed before sending, so that its planner does not read the fresh outbox as the empty table it was.
ANALYZE_AFTER = 1000


# --- Recording -----------------------------------------------------------------------------------------------


def _digests_for(person_ids: set[int], *, today: datetime.date, now: datetime.datetime) -> dict[int, int]:
    """The digest (outbox row) each person's new reminders go in, locked until the batch commits.

    At most one reminder email per person a day: a digest still waiting to be sent takes them; when today's
    email has gone (or is going), they wait for tomorrow's. Three queries whatever the number of people. The
    row lock makes a sender that tries to claim the digest meanwhile skip it until these reminders are in.
    """
    if not person_ids:
        return {}
    tomorrow = today + datetime.timedelta(days=1)
    chosen: dict[int, int] = {}
    waiting_tomorrow: dict[int, int] = {}
    emailed_today: set[int] = set()
    known = (
        ReminderDigest.objects.select_for_update()
        .filter(person_id__in=person_ids)
        .filter(
            Q(status__in=[Status.PENDING, Status.SENDING]) | Q(day__gte=today) | Q(sent_at__gte=start_of_day(today))
        )
        .order_by("pk")
        .values_list("pk", "person_id", "day", "status")
    )
    for pk, person_id, day, status in known:
        if status == Status.PENDING and day <= today:
            chosen.setdefault(person_id, pk)
        elif status == Status.PENDING and day == tomorrow:
            waiting_tomorrow[person_id] = pk
        else:
            emailed_today.add(person_id)
    wanted: dict[int, datetime.date] = {}
    for person_id in person_ids - chosen.keys():
        if person_id in waiting_tomorrow:
            chosen[person_id] = waiting_tomorrow[person_id]
        else:
            wanted[person_id] = tomorrow if person_id in emailed_today else today
    chosen.update(_digests_make(wanted, today=today, now=now))
    return chosen


def _digests_make(wanted: dict[int, datetime.date], *, today: datetime.date, now: datetime.datetime) -> dict[int, int]:
    """New digests for these people on these days (or found, made by a sweep at the same moment), locked."""
    chosen: dict[int, int] = {}
    # A digest made by a sweep at the same moment may have been claimed by a sender before this sweep locks it;
    # those people's reminders then go into the next day's digest, which nobody sends before that day.
    for _round in range(2):
        if not wanted:
            break
        next_attempt = {day: now if day <= today else start_of_day(day) for day in set(wanted.values())}
        # On PostgreSQL the digests this insert made come back from it; only the others are read (and locked).
        inserted = digests_insert(wanted, now=now, next_attempt=next_attempt)
        chosen.update(inserted)
        wanted = {person_id: day for person_id, day in wanted.items() if person_id not in inserted}
        if not wanted:
            break
        made = (
            ReminderDigest.objects.select_for_update()
            .filter(person_id__in=wanted, day__in=set(wanted.values()))
            .order_by("pk")
            .values_list("pk", "person_id", "day", "status")
        )
        again = {}
        for pk, person_id, day, status in made:
            if wanted.get(person_id) != day:
                continue
            if status == Status.PENDING:
                chosen[person_id] = pk
            else:
                again[person_id] = day + datetime.timedelta(days=1)
        wanted = again
    return chosen


def _coordinators(programme_ids: set[int]) -> dict[int, list[Someone]]:
    found: dict[int, list[Someone]] = defaultdict(list)
    if programme_ids:
        rows = (
            Membership.objects.filter(programme_id__in=programme_ids, role=Role.COORDINATOR, person__is_active=True)
            .order_by("pk")
            .values_list("programme_id", *(f"person__{f}" for f in PERSON_FIELDS))
        )
        for programme_id, *person in rows:
            found[programme_id].append(Someone(*person))
    return found


def _who_is_told(
    mine: list[tuple[int, int, str]], pairs: dict[int, Pair], *, today: datetime.date, now: datetime.datetime
) -> tuple[list[tuple[int, str, Pair, Someone]], list[Alert]]:
    """Who each recorded reminder tells (the pair, or for an escalation the programme's coordinators, each
    active person once), and the alert each escalation raises (not saved yet). One query: the coordinators."""
    coordinators = _coordinators({pairs[p].programme_id for _, p, kind in mine if kind == Kind.ESCALATION})
    told: list[tuple[int, str, Pair, Someone]] = []
    alerts = []
    for reminder_id, pairing_id, kind in mine:
        pair = pairs[pairing_id]
        if kind == Kind.ESCALATION:
            people = coordinators.get(pair.programme_id, [])
            alerts.append(
                Alert(
                    programme_id=pair.programme_id,
                    pairing_id=pair.pk,
                    kind=Alert.Kind.ESCALATION,
                    severity=Alert.Severity.HIGH,
                    reason=escalation_reason(pair, today=today)[:300],
                    created_at=now,
                )
            )
        else:
            people = [pair.mentor, pair.mentee]
        seen = set()
        for person in people:
            if person.is_active and person.pk not in seen:
                seen.add(person.pk)
                told.append((reminder_id, kind, pair, person))
    return told, alerts


def _notes(told: list[tuple[int, str, Pair, Someone]], *, today: datetime.date) -> list[tuple[int, str, str]]:
    """Each person's in-app notice in their own language: (person, text, link). The language is switched once
    per language, not once per person (tens of thousands in a first sweep)."""
    by_language: dict[str, list[tuple[str, Pair, Someone]]] = defaultdict(list)
    for _reminder, kind, pair, person in told:
        by_language[language_of(person)].append((kind, pair, person))
    notes = []
    for language, items in by_language.items():
        with translation.override(language):
            for kind, pair, person in items:
                notes.append((person.pk, reminder_text(kind, pair, person.pk, today=today)[:300], pair.url))
    return notes


def _record_batch(
    batch: list[tuple[Pair, list[str]]], *, sweep: uuid.UUID, today: datetime.date, now: datetime.datetime
) -> int:
    """Record one batch inside its transaction: reminders, who is told (in the app, in their digest), alerts.
    A fixed number of statements whatever the batch's size (mentoring.services.reminder_rows writes them)."""
    pairs = {pair.pk: pair for pair, _ in batch}
    # Only the rows this sweep inserted come back: a sweep at the same moment that lost the insert tells nobody.
    mine = reminders_insert(
        [(pair.pk, kind, pair.due_on) for pair, kinds in batch for kind in sorted(kinds)], sweep=sweep, now=now
    )
    if not mine:
        return 0
    told, alerts = _who_is_told(mine, pairs, today=today, now=now)
    digests = _digests_for({p.pk for *_, p in told if p.email_reminders}, today=today, now=now)
    recipients_insert([(reminder_id, person.pk, digests.get(person.pk)) for reminder_id, _, _, person in told])
    notifications_insert(_notes(told, today=today), now=now)
    Alert.objects.bulk_create(alerts)
    return len(mine)


def _refresh_statistics() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Reminder, ReminderRecipient, ReminderDigest):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def reminders_record(
    *, now: datetime.datetime, programmes: Iterable[int] | None = None, dry_run: bool = False
) -> ReminderCounts:
    """Record every reminder due up to ``now`` that is not recorded yet; one transaction per batch.

    Safe to run again at any moment and alongside another sweep: the unique row per pairing, kind and due date
    is the idempotency key. ``programmes`` limits the sweep to some programmes (all by default); ``dry_run``
    counts what is due and writes nothing.
    """
    programmes = None if programmes is None else list(programmes)
    today = timezone.localdate(now)
    query = due_pairings(today=today, programmes=programmes)
    paths = pairing_paths()
    sweep = uuid.uuid4()
    words_forget()
    counts = ReminderCounts()
    last = 0
    while True:
        with transaction.atomic():
            without_jit()
            batch = due_batch(query, after=last, today=today, paths=paths)
            if not batch:
                break
            last = batch[-1][0].pk
            counts.batches += 1
            counts.due += len(batch)
            if not dry_run:
                counts.recorded += _record_batch(batch, sweep=sweep, today=today, now=now)
    if counts.recorded >= ANALYZE_AFTER:
        _refresh_statistics()
    return counts


def reminders_sweep(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    budget_seconds: float | None = None,
    send: bool = True,
) -> ReminderCounts:
    """Record what is due up to now, then send the outbox: what ``send_reminders`` runs. Beat's task records
    only (``send=False``) and hands the sending to the workers (``mentoring.tasks.send_reminder_emails``), so
    that a first sweep with everything due at once commits its reminders in seconds, however slow the mail.

    Call it outside a transaction: each batch of reminders commits before any email goes. ``dry_run`` records
    and sends nothing, and counts the reminders due and the emails waiting.
    """
    now = now or timezone.now()
    counts = reminders_record(now=now, dry_run=dry_run)
    if dry_run:
        counts.waiting = due_digests(now, None).count()
        return counts
    if send:
        counts = counts + reminder_digests_send(now=now, budget_seconds=budget_seconds)
    # Reminders before planned meetings: their own rows, the same outbox discipline (see meeting_reminders).
    counts.meetings = meeting_reminders_sweep(now=now)["sent"]
    return counts
