"""Check-in reminders: the sweep that records what is due, and the outbox that emails it.

Beat starts ``mentoring.tasks.send_due_checkin_reminders`` every few minutes; it calls ``reminders_sweep``, which
works in two steps.

1. Record (``reminders_record``). Active pairings whose check-in needs a reminder not yet recorded are read in
   batches of ``BATCH_SIZE``, by primary key, with a fixed number of queries per batch whatever its size. A
   reminder is a row unique per (pairing, kind, due date), inserted while ignoring conflicts and read back by
   this sweep's uuid, so of two sweeps at once only the one whose insert won tells anybody. In the same
   transaction everybody told gets an in-app notification; an escalation raises an alert; and each person who
   wants reminder emails gets the reminder in their digest, the outbox row of their one email of the day.
2. Send (``reminder_digests_send``), once every batch has committed. Digests due now are claimed in chunks with
   row locks that skip locked rows (two sweeps never claim the same one), emailed one per person straight
   through ``TANDEM_EMAIL_BACKEND`` (not the Celery email backend: the outbox row is the record, so a task
   delivered twice cannot send twice) and marked sent. A failed send is retried with exponential back-off and
   given up after ``MAX_ATTEMPTS``, with the error kept for administrators. A digest claimed by a worker that
   died is claimed again once the lease (``TANDEM_REMINDER_LEASE_SECONDS``) has run out.

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
import logging
import operator
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from functools import reduce

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Alert, Pairing, Reminder, ReminderDigest, ReminderRecipient
from programmes.models import Membership, Notification, Programme, Role

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000  # pairings recorded per transaction
SEND_CHUNK = 100  # digests claimed at a time: at most this many are sent twice if a worker dies mid-chunk
MAX_ATTEMPTS = 6
RETRY_AFTER = datetime.timedelta(minutes=5)  # doubled after each failed attempt: 5, 10, 20, 40, 80 minutes
MAX_LINES = 25  # an email lists this many reminders, then says how many more are waiting in Tandem
# After recording this many reminders at once (a first sweep, a catch-up), PostgreSQL's statistics are
# refreshed before sending, so that its planner does not read the fresh outbox as the empty table it was.
ANALYZE_AFTER = 1000

Kind = Reminder.Kind
Status = ReminderDigest.Status


@dataclass
class ReminderCounts:
    due: int = 0  # pairings found needing a reminder they had not had
    recorded: int = 0  # reminders (pairing, kind, due date) this sweep recorded (of two sweeps at once, the winner)
    sent: int = 0  # emails sent
    skipped: int = 0  # emails not sent: nothing in them still applied, or the person turned reminder emails off
    failed: int = 0  # emails whose sending failed this time (retried later, or given up after the last attempt)
    batches: int = 0  # batches of pairings recorded
    waiting: int = 0  # emails due and not sent: in a dry run, or when sending stopped at its time budget

    def __add__(self, other: ReminderCounts) -> ReminderCounts:
        return ReminderCounts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


# --- What a reminder needs of people and pairings: plain rows, not model instances (tens of thousands a sweep)


@dataclass(slots=True)
class Someone:
    pk: int
    name: str
    email: str
    is_active: bool = True
    email_reminders: bool = True

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


@dataclass(slots=True)
class Pair:
    pk: int
    status: str
    due_on: datetime.date | None
    last_session_on: datetime.date | None
    programme_id: int
    programme_name: str
    mentor: Someone
    mentee: Someone
    url: str = ""
    grace_days: int = 0

    def partner_of(self, person_id: int) -> Someone:
        return self.mentee if person_id == self.mentor.pk else self.mentor


PERSON_FIELDS = ("id", "display_name", "email", "is_active", "email_reminders")


def _pair_fields(prefix: str = "") -> list[str]:
    return [
        f"{prefix}{name}"
        for name in (
            "id",
            "status",
            "checkin_due_on",
            "last_session_on",
            "programme_id",
            "programme__name",
            *(f"{side}__{f}" for side in ("mentor", "mentee") for f in PERSON_FIELDS),
        )
    ]


def pairing_paths() -> Callable[[int], str]:
    """``pairing.get_absolute_url()`` for many pairings at the cost of one ``reverse`` (which takes ~0.1 ms)."""
    placeholder = "9" * 18
    before, after = reverse("mentoring:pairing_detail", args=[placeholder]).split(placeholder)
    return lambda pk: f"{before}{pk}{after}"


def _pair(row: tuple, paths: Callable[[int], str]) -> Pair:
    pk, status, due_on, last_session_on, programme_id, programme_name = row[:6]
    mentor, mentee = Someone(*row[6:11]), Someone(*row[11:16])
    return Pair(pk, status, due_on, last_session_on, programme_id, programme_name, mentor, mentee, paths(pk))


# --- What is due ---------------------------------------------------------------------------------------------


def kinds_due(*, due_on: datetime.date, today: datetime.date, grace_days: int) -> list[str]:
    """The reminders a check-in due on ``due_on`` calls for today: only what is true now, never a stale kind."""
    if today < due_on - datetime.timedelta(days=settings.TANDEM_REMINDER_DAYS_BEFORE):
        return []
    if today <= due_on:
        return [Kind.UPCOMING]
    if (today - due_on).days > grace_days:
        return [Kind.OVERDUE, Kind.ESCALATION]
    return [Kind.OVERDUE]


def _recorded(kind: str) -> Exists:
    return Exists(Reminder.objects.filter(pairing=OuterRef("pk"), kind=kind, due_on=OuterRef("checkin_due_on")))


def _due_pairings(*, today: datetime.date, programmes: list[int] | None) -> QuerySet[Pairing]:
    """Active pairings that need a reminder they have not had yet, read in primary key order; the reminders they
    had are three index probes a row.

    The probes are in the filter only (``alias``): repeated in the selected columns, PostgreSQL would compute
    each of them for the whole reminder table. A pairing escalated with its "overdue" already recorded gets
    both inserted again; the unique constraint ignores the one it has.
    """
    # The grace days differ per programme; each of their few distinct values gives a plain date comparison (no
    # date arithmetic in SQL, which SQLite and PostgreSQL spell differently).
    graces = Programme.objects.order_by().values_list("escalation_grace_days", flat=True).distinct()
    if programmes is not None:
        graces = graces.filter(pk__in=programmes)
    escalated = reduce(
        operator.or_,
        (Q(programme__escalation_grace_days=g, checkin_due_on__lt=today - datetime.timedelta(days=g)) for g in graces),
        Q(pk__in=[]),
    )
    pairings = Pairing.objects.filter(
        status=Pairing.Status.ACTIVE,
        checkin_due_on__lte=today + datetime.timedelta(days=settings.TANDEM_REMINDER_DAYS_BEFORE),
    )
    if programmes is not None:
        pairings = pairings.filter(programme__in=programmes)
    return (
        pairings.alias(
            had_upcoming=_recorded(Kind.UPCOMING),
            had_overdue=_recorded(Kind.OVERDUE),
            had_escalation=_recorded(Kind.ESCALATION),
        )
        .filter(
            Q(checkin_due_on__gte=today, had_upcoming=False)
            | Q(checkin_due_on__lt=today, had_overdue=False)
            | (escalated & Q(had_escalation=False))
        )
        .order_by("pk")
        .values_list(*_pair_fields(), "programme__escalation_grace_days")
    )


def _batch(query: QuerySet[Pairing], *, after: int, today: datetime.date, paths) -> list[tuple[Pair, list[str]]]:
    """The next due pairings after pairing ``after`` with the kinds each needs (keyset pagination)."""
    batch = []
    for row in query.filter(pk__gt=after)[:BATCH_SIZE]:
        pair = _pair(row, paths)
        pair.grace_days = row[-1]
        batch.append((pair, kinds_due(due_on=pair.due_on, today=today, grace_days=pair.grace_days)))
    return batch


def _without_jit() -> None:
    # PostgreSQL compiles the batch query (a keyset scan it cannot tell will stop early) to machine code, which
    # costs it more than running it: a tenth of a second a batch.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


# --- Words ---------------------------------------------------------------------------------------------------


def _date(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def link(path: str) -> str:
    """A whole address when the site's address is configured (TANDEM_SITE_URL), else the path."""
    return f"{settings.TANDEM_SITE_URL}{path}" if settings.TANDEM_SITE_URL else path


def escalation_reason(pair: Pair, *, today: datetime.date) -> str:
    """E.g. "Check-in overdue by 12 days (due 3 March 2026); last confirmed session 2 February 2026"."""
    last = (
        f"last confirmed session {_date(pair.last_session_on)}" if pair.last_session_on else "no confirmed session yet"
    )
    return f"Check-in overdue by {_days((today - pair.due_on).days)} (due {_date(pair.due_on)}); {last}"


def reminder_text(kind: str, pair: Pair, person_id: int, *, today: datetime.date) -> str:
    """One reminder in words, as the person told reads it: dates and names, never what the pair wrote."""
    if kind == Kind.UPCOMING:
        days_left = (pair.due_on - today).days
        when = "today" if days_left <= 0 else f"in {_days(days_left)}"
        return f"Your check-in with {pair.partner_of(person_id)} is due on {_date(pair.due_on)} ({when})."
    if kind == Kind.OVERDUE:
        return (
            f"Your check-in with {pair.partner_of(person_id)} was due on {_date(pair.due_on)}. "
            "Meet, or log the session you had so that your partner can confirm it."
        )
    return f"{pair.mentor} and {pair.mentee} ({pair.programme_name}): {escalation_reason(pair, today=today)}."


# --- Recording -----------------------------------------------------------------------------------------------


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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
    # A digest made by a sweep at the same moment may have been claimed by a sender before this sweep locks it;
    # those people's reminders then go into the next day's digest, which nobody sends before that day.
    for _round in range(2):
        if not wanted:
            break
        ReminderDigest.objects.bulk_create(
            [
                ReminderDigest(
                    person_id=person_id,
                    day=day,
                    next_attempt_at=now if day <= today else start_of_day(day),
                    created_at=now,
                )
                for person_id, day in wanted.items()
            ],
            ignore_conflicts=True,
        )
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


def _record_batch(
    batch: list[tuple[Pair, list[str]]], *, sweep: uuid.UUID, today: datetime.date, now: datetime.datetime
) -> int:
    """Record one batch inside its transaction: reminders, who is told (in the app, in their digest), alerts."""
    pairs = {pair.pk: pair for pair, _ in batch}
    # Sorted, so that two sweeps inserting the same keys take their locks in the same order (no deadlock).
    Reminder.objects.bulk_create(
        [
            Reminder(pairing_id=pair.pk, kind=kind, due_on=pair.due_on, sweep=sweep, created_at=now)
            for pair, kinds in batch
            for kind in sorted(kinds)
        ],
        ignore_conflicts=True,
    )
    # Only the rows this sweep inserted: a sweep at the same moment that lost the insert tells nobody. The
    # batch is a range of pairing ids, so its rows are found without a list of ids.
    mine = list(
        Reminder.objects.filter(sweep=sweep, pairing_id__gte=batch[0][0].pk, pairing_id__lte=batch[-1][0].pk)
        .order_by("pk")
        .values_list("pk", "pairing_id", "kind")
    )
    if not mine:
        return 0
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
    digests = _digests_for({p.pk for *_, p in told if p.email_reminders}, today=today, now=now)
    ReminderRecipient.objects.bulk_create(
        [
            ReminderRecipient(reminder_id=reminder_id, person_id=person.pk, digest_id=digests.get(person.pk))
            for reminder_id, _, _, person in told
        ]
    )
    Notification.objects.bulk_create(
        [
            Notification(
                person_id=person.pk,
                text=reminder_text(kind, pair, person.pk, today=today)[:300],
                url=pair.url,
                created_at=now,
            )
            for _, kind, pair, person in told
        ]
    )
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
    query = _due_pairings(today=today, programmes=programmes)
    paths = pairing_paths()
    sweep = uuid.uuid4()
    counts = ReminderCounts()
    last = 0
    while True:
        with transaction.atomic():
            _without_jit()
            batch = _batch(query, after=last, today=today, paths=paths)
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


# --- Sending -------------------------------------------------------------------------------------------------


def _due_digests(now: datetime.datetime, person_ids: range | None) -> QuerySet[ReminderDigest]:
    # Served by the (status, next_attempt_at) index in order, so each claim reads about SEND_CHUNK rows.
    digests = ReminderDigest.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    if person_ids is not None:
        digests = digests.filter(person_id__gte=person_ids.start, person_id__lt=person_ids.stop)
    return digests


def _claim(now: datetime.datetime, person_ids: range | None) -> list[tuple]:
    """Take the next due digests (with their person) for this sweep; a sweep at the same moment skips them."""
    with transaction.atomic():
        claimed = list(
            _due_digests(now, person_ids)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_attempt_at")  # the index's own order: no sort of every due row
            .values_list("pk", "attempts", *(f"person__{f}" for f in PERSON_FIELDS))[:SEND_CHUNK]
        )
        if claimed:
            ReminderDigest.objects.filter(pk__in=[row[0] for row in claimed]).update(
                status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return [(pk, attempts + 1, *person) for pk, attempts, *person in claimed]


def _release_abandoned(now: datetime.datetime, person_ids: range | None) -> None:
    """Digests claimed by a worker that died (still "sending" after the lease) go back to the outbox, or are
    given up once every attempt ended that way. A claim counts as an attempt, so this cannot loop forever."""
    lease = datetime.timedelta(seconds=settings.TANDEM_REMINDER_LEASE_SECONDS)
    abandoned = ReminderDigest.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease)
    if person_ids is not None:
        abandoned = abandoned.filter(person_id__gte=person_ids.start, person_id__lt=person_ids.stop)
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error="The worker stopped while sending it, on every attempt."
    )
    abandoned.filter(attempts__lt=MAX_ATTEMPTS).update(status=Status.PENDING, next_attempt_at=now)


def _still_true(kind: str, due_on: datetime.date, pair: Pair, today: datetime.date) -> bool:
    """A reminder waiting in the outbox that stopped being true (a session moved the due date, the pairing
    paused or closed, an upcoming check-in became overdue) is left out of the email."""
    if pair.status != Pairing.Status.ACTIVE or pair.due_on != due_on:
        return False
    return kind != Kind.UPCOMING or today <= due_on


def digest_message(person: Someone, reminders: list[tuple[str, Pair]], *, today: datetime.date) -> EmailMessage:
    """One person's email of the day: every reminder in it, each with the link to the pairing's page."""
    lines = [
        f"- {reminder_text(kind, pair, person.pk, today=today)}\n  {link(pair.url)}"
        for kind, pair in reminders[:MAX_LINES]
    ]
    if len(reminders) > MAX_LINES:
        lines.append(f"- And {len(reminders) - MAX_LINES} more: they are all in Tandem, with your notifications.")
    if len(reminders) == 1:
        subject = {
            Kind.UPCOMING: "Your mentoring check-in is coming up",
            Kind.OVERDUE: "Your mentoring check-in is overdue",
            Kind.ESCALATION: "A mentoring check-in is overdue beyond the grace period",
        }[reminders[0][0]]
    else:
        subject = f"{len(reminders)} mentoring check-in reminders"
    body = f"Hello {person.short_name},\n\n" + "\n\n".join(lines) + "\n\nYou get at most one reminder email a day.\n"
    return EmailMessage(subject, body + "\nTandem\n", None, [person.email])


def _send_chunk(claimed: list[tuple], *, now: datetime.datetime, mail_connection) -> ReminderCounts:
    today = timezone.localdate(now)
    ids = [row[0] for row in claimed]
    contents: dict[int, list[tuple[str, Pair]]] = defaultdict(list)
    pairs: dict[int, Pair] = {}
    paths = pairing_paths()
    rows = (
        ReminderRecipient.objects.filter(digest_id__in=ids)
        .order_by("reminder__due_on", "reminder_id")
        .values_list("digest_id", "reminder__kind", "reminder__due_on", *_pair_fields("reminder__pairing__"))
    )
    for digest_id, kind, due_on, *pair_row in rows:
        pair = pairs.get(pair_row[0]) or pairs.setdefault(pair_row[0], _pair(pair_row, paths))
        if _still_true(kind, due_on, pair, today):
            contents[digest_id].append((kind, pair))
    sent: list[int] = []
    skipped: list[int] = []
    errors: dict[int, str] = {}
    attempts = {pk: attempt for pk, attempt, *_ in claimed}
    try:
        for pk, attempt, *person_row in claimed:
            person = Someone(*person_row)
            if not contents[pk] or not (person.is_active and person.email_reminders and person.email):
                skipped.append(pk)
                continue
            try:
                mail_connection.send_messages([digest_message(person, contents[pk], today=today)])
            except SoftTimeLimitExceeded:
                raise
            except Exception as exc:  # noqa: BLE001 (any failure of the mail server is retried, then reported)
                errors[pk] = f"{type(exc).__name__}: {exc}"[:500]
                logger.warning("Reminder email %s could not be sent (attempt %s): %s", pk, attempt, exc)
                mail_connection.close()  # the next message starts on a fresh connection
            else:
                sent.append(pk)
    except SoftTimeLimitExceeded:
        # Out of time: what went is marked; the rest of the chunk is claimed again once the lease runs out.
        _settle(now=now, sent=sent, skipped=skipped, errors=errors, attempts=attempts)
        raise
    _settle(now=now, sent=sent, skipped=skipped, errors=errors, attempts=attempts)
    return ReminderCounts(sent=len(sent), skipped=len(skipped), failed=len(errors))


def _settle(
    *, now: datetime.datetime, sent: list[int], skipped: list[int], errors: dict[int, str], attempts: dict[int, int]
) -> None:
    """Write each claimed digest's outcome: sent, skipped, retried later with back-off, or failed for good.

    Only while the claim is still this sweep's (``claimed_at`` is its token): after a lease ran out and another
    sweep took a digest over, that sweep's outcome stands.
    """
    mine = ReminderDigest.objects.filter(status=Status.SENDING, claimed_at=now)
    if sent:
        mine.filter(pk__in=sent).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    if skipped:
        mine.filter(pk__in=skipped).update(
            status=Status.SENT, sent_at=None, last_error="Not emailed: nothing in it still applied, or emails are off."
        )
    outcomes: dict[tuple[str, datetime.datetime | None, str], list[int]] = defaultdict(list)
    for pk, error in errors.items():
        if attempts[pk] >= MAX_ATTEMPTS:
            outcomes[(Status.FAILED, None, error)].append(pk)
        else:
            outcomes[(Status.PENDING, now + RETRY_AFTER * 2 ** (attempts[pk] - 1), error)].append(pk)
    for (status, later, error), pks in outcomes.items():
        changes = {"status": status, "last_error": error}
        if later is not None:
            changes["next_attempt_at"] = later
        mine.filter(pk__in=pks).update(**changes)


def reminder_digests_send(
    *,
    now: datetime.datetime,
    budget_seconds: float | None = None,
    email_backend: str | None = None,
    person_ids: range | None = None,
) -> ReminderCounts:
    """Email every digest due by ``now``, a chunk at a time; returns what was sent, skipped and failed.

    Never inside a transaction that also records reminders: what is sent must be committed first. After
    ``budget_seconds`` it claims no further chunk and counts what is left in ``waiting`` (the task then
    queues another run, so that a slow mail server never pushes a sweep past its time limit).
    ``email_backend`` replaces TANDEM_EMAIL_BACKEND and ``person_ids`` limits the outbox to those people (for
    the benchmark, which must email nobody and leave everybody else's reminders alone).
    """
    _release_abandoned(now, person_ids)
    counts = ReminderCounts()
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    mail_connection = get_connection(email_backend or settings.TANDEM_EMAIL_BACKEND)
    try:
        while claimed := _claim(now, person_ids):
            counts += _send_chunk(claimed, now=now, mail_connection=mail_connection)
            if deadline is not None and time.monotonic() > deadline:
                counts.waiting = _due_digests(now, person_ids).count()
                break
    finally:
        mail_connection.close()
    return counts


def reminders_sweep(
    *, now: datetime.datetime | None = None, dry_run: bool = False, budget_seconds: float | None = None
) -> ReminderCounts:
    """Record what is due up to now, then send the outbox: what beat's task and ``send_reminders`` run.

    Call it outside a transaction: each batch of reminders commits before any email goes. ``dry_run`` records
    and sends nothing, and counts the reminders due and the emails waiting.
    """
    now = now or timezone.now()
    counts = reminders_record(now=now, dry_run=dry_run)
    if dry_run:
        counts.waiting = _due_digests(now, None).count()
        return counts
    return counts + reminder_digests_send(now=now, budget_seconds=budget_seconds)
