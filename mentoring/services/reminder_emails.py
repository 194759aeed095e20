"""Check-in reminders, step 2: the outbox. Digests due now are claimed in chunks, each person's reminders still
true go in one email (mentoring.services.reminders records them, step 1), sent over one mail connection per chunk
and each marked sent the moment the mail server took it, so a worker killed mid-chunk repeats at most the one
email in flight.

A claim carries a token and the time it was made, renewed while the sender works: a sender that died leaves its
claims to age past the lease (``TANDEM_REMINDER_LEASE_SECONDS``) and the next sweep takes them back, while one
that is merely slow (``send_reminders`` with a large outbox) is never overtaken. A failed send is retried with
back-off; after ``MAX_ATTEMPTS`` the digest is "failed" (administrators see it, /healthz says "trouble") and
tried again every ``FAILED_RETRY_AFTER`` until its reminders are too old to matter, so a mail outage of hours
loses nothing: once the server answers, every reminder still due goes, once. When several sends in a row fail,
the server is down: the run stops there instead of knocking on it for every email waiting.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.i18n import in_language_of
from mentoring.models import Pairing, ReminderDigest, ReminderRecipient
from mentoring.selectors.reminders import (
    PERSON_FIELDS,
    Kind,
    Pair,
    ReminderCounts,
    Someone,
    Status,
    due_digests,
    link,
    pair_fields,
    pair_from_row,
    pairing_paths,
    reminder_text,
)

logger = logging.getLogger(__name__)

SEND_CHUNK = 100  # digests claimed (and sent over one mail connection) at a time
MAX_ATTEMPTS = 6
RETRY_AFTER = datetime.timedelta(minutes=5)  # doubled after each failed attempt: 5, 10, 20, 40, 80 minutes
# After the last attempt a digest waits this long between tries (the server is down for hours, or refuses one
# address), until what it carries is too old to matter.
FAILED_RETRY_AFTER = datetime.timedelta(hours=1)
BREAKER = 3  # this many failed sends in a row: the mail server is down, the rest waits for the next sweep
MAX_LINES = 25  # an email lists this many reminders, then says how many more are waiting in Tandem
NOT_EMAILED = "Not emailed: nothing in it still applied, or emails are off."


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.TANDEM_REMINDER_LEASE_SECONDS)


def _claim(now: datetime.datetime, person_ids: range | None) -> tuple[uuid.UUID, list[tuple]]:
    """Take the next due digests (with their person) under a new claim token, dated now (the clock's, not the
    sweep's start): a sweep at the same moment skips them, a later one leaves them alone while the claim lives."""
    token = uuid.uuid4()
    with transaction.atomic():
        claimed = list(
            due_digests(now, person_ids)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at")  # the index's own order: no sort of every due row
            .values_list("pk", "attempts", *(f"person__{f}" for f in PERSON_FIELDS))[:SEND_CHUNK]
        )
        if claimed:
            ReminderDigest.objects.filter(pk__in=[row[0] for row in claimed]).update(
                status=Status.SENDING, claimed_at=timezone.now(), claim=token, attempts=F("attempts") + 1
            )
    return token, [(pk, attempts + 1, *person) for pk, attempts, *person in claimed]


def _renew(token: uuid.UUID, pks: list[int]) -> set[int]:
    """Re-date this sender's claims on the digests it has still to send; returns those still its own (after a
    stall longer than the lease another sweep may have taken some back: they are no longer this sender's)."""
    renewed = ReminderDigest.objects.filter(pk__in=pks, claim=token, status=Status.SENDING).update(
        claimed_at=timezone.now()
    )
    if renewed == len(pks):
        return set(pks)
    return set(
        ReminderDigest.objects.filter(pk__in=pks, claim=token, status=Status.SENDING).values_list("pk", flat=True)
    )


def _release_abandoned(now: datetime.datetime, person_ids: range | None) -> None:
    """Digests claimed by a sender that died (claim not renewed within the lease, by the clock) go back to the
    outbox, or wait as failed once every attempt ended that way. A claim counts as an attempt, so this cannot
    loop quickly. Failed digests whose wait is over go back to the outbox for one more try."""
    abandoned = ReminderDigest.objects.filter(status=Status.SENDING, claimed_at__lt=timezone.now() - _lease())
    parked = ReminderDigest.objects.filter(status=Status.FAILED, next_attempt_at__lte=now)
    if person_ids is not None:
        abandoned = abandoned.filter(person_id__gte=person_ids.start, person_id__lt=person_ids.stop)
        parked = parked.filter(person_id__gte=person_ids.start, person_id__lt=person_ids.stop)
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        next_attempt_at=now + FAILED_RETRY_AFTER,
        last_error="The worker stopped while sending it, on every attempt.",
    )
    abandoned.filter(attempts__lt=MAX_ATTEMPTS).update(status=Status.PENDING, next_attempt_at=now)
    parked.update(status=Status.PENDING)


def _too_old(recorded_on: datetime.date, grace_days: int, today: datetime.date) -> bool:
    """A reminder whose email would go more than the programme's grace days after the reminder was recorded (the
    day it was due to go: the mail server or the workers were down since) is dropped, not sent late; an overdue
    reminder recorded on time is then past its due date by more than the grace days. A grace of 0 still gives
    a day. (A reminder recorded late, after the workers were down, is news when it is recorded: it goes.)"""
    return (today - recorded_on).days > max(grace_days, 1)


def _still_true(kind: str, due_on: datetime.date, pair: Pair, today: datetime.date) -> bool:
    """A reminder waiting in the outbox that stopped being true (a session moved the due date, the pairing
    paused or closed, an upcoming check-in became overdue) is left out of the email."""
    if pair.status != Pairing.Status.ACTIVE or pair.due_on != due_on:
        return False
    return kind != Kind.UPCOMING or today <= due_on


def digest_message(person: Someone, reminders: list[tuple[str, Pair]], *, today: datetime.date) -> EmailMessage:
    """One person's email of the day: every reminder in it, each with the link to the pairing's page. Written in
    the person's language (a digest is one person's, so the language is theirs throughout)."""
    with in_language_of(person):
        lines = [
            f"- {reminder_text(kind, pair, person.pk, today=today)}\n  {link(pair.url)}"
            for kind, pair in reminders[:MAX_LINES]
        ]
        if len(reminders) > MAX_LINES:
            more = len(reminders) - MAX_LINES
            lines.append(
                "- "
                + ngettext(
                    "And %(count)s more: they are all in Tandem, with your notifications.",
                    "And %(count)s more: they are all in Tandem, with your notifications.",
                    more,
                )
                % {"count": more}
            )
        if len(reminders) == 1:
            subject = {
                Kind.UPCOMING: _("Your mentoring check-in is coming up"),
                Kind.OVERDUE: _("Your mentoring check-in is overdue"),
                Kind.ESCALATION: _("A mentoring check-in is overdue beyond the grace period"),
            }[reminders[0][0]]
        else:
            subject = ngettext(
                "%(count)s mentoring check-in reminder", "%(count)s mentoring check-in reminders", len(reminders)
            ) % {"count": len(reminders)}
        hello = _("Hello %(name)s,") % {"name": person.short_name}
        footer = _("You get at most one reminder email a day.")
        body = f"{hello}\n\n" + "\n\n".join(lines) + f"\n\n{footer}\n"
    return EmailMessage(subject, body + "\nTandem\n", None, [person.email])


@dataclass
class _Chunk:
    """One claimed chunk: what each digest carries, and what became of it."""

    token: uuid.UUID
    attempts: dict[int, int]
    contents: dict[int, list[tuple[str, Pair]]] = field(default_factory=lambda: defaultdict(list))
    dropped: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    untried: list[int] = field(default_factory=list)  # not attempted (the server is down, out of time)
    lost: int = 0  # sent, but the claim had been taken over meanwhile (a stall longer than the lease)
    server_down: bool = False


def _read_contents(chunk: _Chunk, today: datetime.date) -> None:
    paths = pairing_paths()
    pairs: dict[int, Pair] = {}
    rows = (
        ReminderRecipient.objects.filter(digest_id__in=list(chunk.attempts))
        .order_by("reminder__due_on", "reminder_id")
        .values_list(
            "digest_id",
            "reminder__kind",
            "reminder__due_on",
            "reminder__created_at",
            "reminder__pairing__programme__escalation_grace_days",
            *pair_fields("reminder__pairing__"),
        )
    )
    for digest_id, kind, due_on, recorded_at, grace_days, *pair_row in rows:
        pair = pairs.get(pair_row[0]) or pairs.setdefault(pair_row[0], pair_from_row(pair_row, paths))
        if not _still_true(kind, due_on, pair, today):
            continue
        if _too_old(timezone.localdate(recorded_at), grace_days, today):
            chunk.dropped[digest_id] += 1
        else:
            chunk.contents[digest_id].append((kind, pair))


def _mark_sent(chunk: _Chunk, pk: int) -> bool:
    """Mark one digest sent, if the claim is still this sender's: one UPDATE by primary key and claim token,
    written as SQL (it runs once per email, on the sending loop's critical path: the ORM's compiling doubled
    its cost)."""
    meta, quote = ReminderDigest._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} SET status = %s, sent_at = %s, last_error = '', dropped = %s "
            f"WHERE {quote(meta.pk.column)} = %s AND claim = %s AND status = %s",
            [
                Status.SENT,
                meta.get_field("sent_at").get_db_prep_value(timezone.now(), connection),
                chunk.dropped.get(pk, 0),
                pk,
                meta.get_field("claim").get_db_prep_value(chunk.token, connection),
                Status.SENDING,
            ],
        )
        return cursor.rowcount == 1


@contextmanager
def _marks_without_waiting_for_disk() -> Iterator[None]:
    """While a chunk is sent, PostgreSQL confirms its commits before flushing them to disk
    (``synchronous_commit`` off for this connection, set back after the chunk): each "sent" mark costs a
    round trip, not a disk flush. The trade-off, accepted: if PostgreSQL itself crashes (not a worker: the
    database server), the last few marks (a fraction of a second's) may be forgotten, and those few emails go a
    second time. The database is never left inconsistent, and claims are rebuilt by the lease as after any
    crash. Nothing else changes: a worker killed mid-chunk still repeats at most the one email in flight."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:  # an aborted transaction (a test's), or a connection gone: it resets with it
            pass


def _send_one(chunk: _Chunk, pk: int, message: EmailMessage, mail_connection) -> bool:
    """Hand one email to the mail server over the chunk's connection (opened again after a failure), and mark
    its digest sent at once: a worker killed after this repeats nothing."""
    try:
        mail_connection.open()  # no-op while open: the chunk's emails share one connection
        mail_connection.send_messages([message])
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001 (any failure of the mail server is retried, then reported)
        chunk.errors[pk] = f"{type(exc).__name__}: {exc}"[:500]
        logger.warning("Reminder email %s could not be sent (attempt %s): %s", pk, chunk.attempts[pk], exc)
        mail_connection.close()  # a broken connection must not fail the next message: it starts afresh
        return False
    if _mark_sent(chunk, pk):
        chunk.sent.append(pk)
    else:
        chunk.lost += 1
        logger.error("Reminder email %s was sent after another sweep had taken its claim back.", pk)
    return True


def _send_chunk(token: uuid.UUID, claimed: list[tuple], *, now: datetime.datetime, mail_connection) -> _Chunk:
    today = timezone.localdate(now)
    chunk = _Chunk(token=token, attempts={pk: attempt for pk, attempt, *_ in claimed})
    _read_contents(chunk, today)
    renew_every = settings.TANDEM_REMINDER_LEASE_SECONDS / 3
    renewed = time.monotonic()
    mine = set(chunk.attempts)
    failures_in_a_row = 0
    # Every email of the chunk is written first (translations, links, encoding), so that the connection
    # to the mail server only carries finished messages, one after another.
    messages: dict[int, EmailMessage] = {}
    for pk, _attempt, *person_row in claimed:
        person = Someone(*person_row)
        if not chunk.contents[pk] or not (person.is_active and person.email_reminders and person.email):
            chunk.skipped.append(pk)
        else:
            messages[pk] = digest_message(person, chunk.contents[pk], today=today)
    try:
        with _marks_without_waiting_for_disk():
            for i, (pk, *_row) in enumerate(claimed):
                if time.monotonic() - renewed > renew_every:
                    mine = _renew(token, [row[0] for row in claimed[i:]])
                    renewed = time.monotonic()
                if pk not in mine or pk not in messages:
                    continue
                if failures_in_a_row >= BREAKER:
                    chunk.server_down = True
                    chunk.untried.append(pk)
                    continue
                if _send_one(chunk, pk, messages[pk], mail_connection):
                    failures_in_a_row = 0
                else:
                    failures_in_a_row += 1
    except SoftTimeLimitExceeded:
        # Out of time: what went is marked; the rest of the chunk goes back to the outbox for the next run.
        done = {*chunk.sent, *chunk.skipped, *chunk.errors, *chunk.untried}
        chunk.untried += [pk for pk in mine if pk not in done]
        _settle(chunk, now=now, untried_at=now)
        raise
    finally:
        mail_connection.close()
    _settle(chunk, now=now, untried_at=now + RETRY_AFTER)
    return chunk


def _settle(chunk: _Chunk, *, now: datetime.datetime, untried_at: datetime.datetime) -> None:
    """Write the outcome of what was not sent: skipped, retried later with back-off, waiting as failed, or back
    in the outbox untried (the claim's attempt not counted).

    Only while the claim is still this sender's (``claim`` is its token): after a lease ran out and another
    sweep took a digest over, that sweep's outcome stands.
    """
    mine = ReminderDigest.objects.filter(status=Status.SENDING, claim=chunk.token)
    by_dropped: dict[int, list[int]] = defaultdict(list)
    for pk in chunk.skipped:
        by_dropped[chunk.dropped.get(pk, 0)].append(pk)
    for dropped, pks in by_dropped.items():
        mine.filter(pk__in=pks).update(
            status=Status.SENT,
            sent_at=None,
            dropped=dropped,
            last_error=f"Not emailed: {dropped} reminder(s) in it were too old to matter." if dropped else NOT_EMAILED,
        )
    outcomes: dict[tuple[str, datetime.datetime], list[int]] = defaultdict(list)
    for pk in chunk.errors:
        if chunk.attempts[pk] >= MAX_ATTEMPTS:
            outcomes[(Status.FAILED, now + FAILED_RETRY_AFTER)].append(pk)
        else:
            outcomes[(Status.PENDING, now + RETRY_AFTER * 2 ** (chunk.attempts[pk] - 1))].append(pk)
    for (status, later), pks in outcomes.items():
        for pk in pks:  # each its own error; failures are few
            mine.filter(pk=pk).update(status=status, next_attempt_at=later, last_error=chunk.errors[pk])
    if chunk.untried:
        mine.filter(pk__in=chunk.untried).update(
            status=Status.PENDING, next_attempt_at=untried_at, attempts=F("attempts") - 1
        )


def reminder_digests_send(
    *,
    now: datetime.datetime,
    budget_seconds: float | None = None,
    email_backend: str | None = None,
    person_ids: range | None = None,
) -> ReminderCounts:
    """Email every digest due by ``now``, a chunk at a time; returns what was sent, skipped, failed and dropped.

    Never inside a transaction that also records reminders: what is sent must be committed first. After
    ``budget_seconds`` it claims no further chunk and counts what is left in ``waiting`` (the task then
    queues another run, so that a slow mail server never pushes a sweep past its time limit); without a budget
    (``send_reminders``) it sends everything, its claims renewed as it goes. When the mail server is down
    (``BREAKER`` failures in a row) it stops and counts what is left in ``held``.
    ``email_backend`` replaces TANDEM_EMAIL_BACKEND and ``person_ids`` limits the outbox to those people (for
    the benchmark, which must email nobody and leave everybody else's reminders alone).
    """
    _release_abandoned(now, person_ids)
    counts = ReminderCounts()
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    mail_connection = get_connection(email_backend or settings.TANDEM_EMAIL_BACKEND)
    while True:
        token, claimed = _claim(now, person_ids)
        if not claimed:
            break
        chunk = _send_chunk(token, claimed, now=now, mail_connection=mail_connection)
        counts += ReminderCounts(
            sent=len(chunk.sent) + chunk.lost,
            skipped=len(chunk.skipped),
            failed=len(chunk.errors),
            dropped=sum(chunk.dropped.values()),
        )
        if chunk.server_down:
            # Not "waiting": no follow-up task must knock again at once; beat's next sweep tries a few.
            counts.held = due_digests(now, person_ids).count() + len(chunk.untried)
            break
        if deadline is not None and time.monotonic() > deadline:
            counts.waiting = due_digests(now, person_ids).count()
            break
    return counts


def reminder_digests_retry(*, digests: QuerySet[ReminderDigest] | None = None, now: datetime.datetime) -> int:
    """Put failed digests (all, or those of ``digests``) back in the outbox, due now, with every attempt
    anew; returns how many. What they carry is read again when they go: reminders that stopped being true or
    grew too old are left out."""
    failed = (digests if digests is not None else ReminderDigest.objects.all()).filter(status=Status.FAILED)
    return failed.update(status=Status.PENDING, next_attempt_at=now, attempts=0)


# --- /healthz --------------------------------------------------------------------------------------------------

HEALTH_FAILED_WITHIN = datetime.timedelta(days=1)


def reminder_mail_health(*, now: datetime.datetime | None = None) -> str:
    """ "ok", or "trouble" when reminder emails are not getting through. One query on the outbox's indexes:

    - a digest failed on every attempt and was last tried within a day (it waits, or an address is refused);
    - a digest waits for its third attempt or later (sending it failed twice in a row: 5 minutes of trouble);
    - a digest has been due for longer than ``TANDEM_MAIL_LATE_MINUTES`` (nobody is sending: workers or beat).
    """
    now = now or timezone.now()
    late = now - datetime.timedelta(minutes=settings.TANDEM_MAIL_LATE_MINUTES)
    trouble = ReminderDigest.objects.filter(
        Q(status=Status.FAILED, next_attempt_at__gte=now - HEALTH_FAILED_WITHIN + FAILED_RETRY_AFTER)
        | Q(status=Status.PENDING, attempts__gte=2)
        | Q(status=Status.PENDING, next_attempt_at__lt=late)
    ).exists()
    return "trouble" if trouble else "ok"
