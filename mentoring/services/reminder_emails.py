"""Check-in reminders, step 2: the outbox. Digests due now are claimed in chunks, each person's reminders still
true go in one email (mentoring.services.reminders records them, step 1), sent and marked sent; a failed send
is retried with back-off, and a digest a dead worker held is claimed again once its lease has run out.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
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

SEND_CHUNK = 100  # digests claimed at a time: at most this many are sent twice if a worker dies mid-chunk
MAX_ATTEMPTS = 6
RETRY_AFTER = datetime.timedelta(minutes=5)  # doubled after each failed attempt: 5, 10, 20, 40, 80 minutes
MAX_LINES = 25  # an email lists this many reminders, then says how many more are waiting in Tandem


def _claim(now: datetime.datetime, person_ids: range | None) -> list[tuple]:
    """Take the next due digests (with their person) for this sweep; a sweep at the same moment skips them."""
    with transaction.atomic():
        claimed = list(
            due_digests(now, person_ids)
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


def _send_chunk(claimed: list[tuple], *, now: datetime.datetime, mail_connection) -> ReminderCounts:
    today = timezone.localdate(now)
    ids = [row[0] for row in claimed]
    contents: dict[int, list[tuple[str, Pair]]] = defaultdict(list)
    pairs: dict[int, Pair] = {}
    paths = pairing_paths()
    rows = (
        ReminderRecipient.objects.filter(digest_id__in=ids)
        .order_by("reminder__due_on", "reminder_id")
        .values_list("digest_id", "reminder__kind", "reminder__due_on", *pair_fields("reminder__pairing__"))
    )
    for digest_id, kind, due_on, *pair_row in rows:
        pair = pairs.get(pair_row[0]) or pairs.setdefault(pair_row[0], pair_from_row(pair_row, paths))
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
                counts.waiting = due_digests(now, person_ids).count()
                break
    finally:
        mail_connection.close()
    return counts
