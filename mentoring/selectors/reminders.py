"""Reads of check-in reminders: what is due (the pairings whose check-in needs a reminder not yet recorded,
read in batches as plain rows, not model instances: tens of thousands a sweep), and reminders in words.

The sweep that records them is mentoring.services.reminders; the outbox that emails them is
mentoring.services.reminder_emails. Privacy: reminders carry dates, names and the link to the pairing's page,
never anything the pair wrote.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import reduce

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.dates import long_date
from mentoring.models import Pairing, PlannedSession, Reminder, ReminderDigest
from programmes.models import Programme

# Pairings recorded per transaction. Each batch's keyset read costs about a tenth of a second whatever its size
# (it probes the reminders each pairing had): a cold sweep over 100,000 pairings took 35 s in batches of 1,000,
# 23 s in batches of 2,000 (PostgreSQL, this shared 2-core machine).
BATCH_SIZE = 2000

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
    meetings: int = 0  # reminder emails before planned meetings sent (mentoring.services.meeting_reminders)
    dropped: int = 0  # reminders left out of emails: too old to matter when they went (a long outage)
    held: int = 0  # emails not tried: the mail server failed several in a row, the next sweep tries again

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
    # What they read Tandem in (core.i18n.language_of): reminders are written to them in it.
    language: str = ""
    browser_language: str = ""

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


PERSON_FIELDS = ("id", "display_name", "email", "is_active", "email_reminders", "language", "browser_language")


def pair_fields(prefix: str = "") -> list[str]:
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


def pair_from_row(row: tuple, paths: Callable[[int], str]) -> Pair:
    pk, status, due_on, last_session_on, programme_id, programme_name = row[:6]
    size = len(PERSON_FIELDS)
    mentor, mentee = Someone(*row[6 : 6 + size]), Someone(*row[6 + size : 6 + 2 * size])
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


def due_pairings(*, today: datetime.date, programmes: list[int] | None) -> QuerySet[Pairing]:
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
            # A meeting planned (accepted) from today up to the due date: no "coming up" reminder is needed.
            planned_before_due=Exists(
                PlannedSession.objects.filter(
                    pairing=OuterRef("pk"),
                    state=PlannedSession.State.ACCEPTED,
                    starts_on__gte=today,
                    starts_on__lte=OuterRef("checkin_due_on"),
                )
            ),
        )
        .filter(
            Q(checkin_due_on__gte=today, had_upcoming=False, planned_before_due=False)
            | Q(checkin_due_on__lt=today, had_overdue=False)
            | (escalated & Q(had_escalation=False))
        )
        .order_by("pk")
        .values_list(*pair_fields(), "programme__escalation_grace_days")
    )


def due_batch(query: QuerySet[Pairing], *, after: int, today: datetime.date, paths) -> list[tuple[Pair, list[str]]]:
    """The next due pairings after pairing ``after`` with the kinds each needs (keyset pagination)."""
    batch = []
    for row in query.filter(pk__gt=after)[:BATCH_SIZE]:
        pair = pair_from_row(row, paths)
        pair.grace_days = row[-1]
        batch.append((pair, kinds_due(due_on=pair.due_on, today=today, grace_days=pair.grace_days)))
    return batch


def without_jit() -> None:
    # PostgreSQL compiles the batch query (a keyset scan it cannot tell will stop early) to machine code, which
    # costs it more than running it: a tenth of a second a batch.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


# --- Words ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2048)
def _long_date_in(language: str | None, day: datetime.date) -> str:
    return long_date(day)  # computed with ``language`` active (see ``day_in_words``)


@functools.lru_cache(maxsize=2048)
def _sentence_in(language: str | None, key: str, n: int) -> str:
    """The translated sentence ``key`` for the number ``n``, computed with ``language`` active (the calls stay
    literal, so that the catalogues find the strings)."""
    if key == "overdue_since":
        return ngettext(
            "Check-in overdue by %(days)s day (due %(due)s); last confirmed session %(last)s",
            "Check-in overdue by %(days)s days (due %(due)s); last confirmed session %(last)s",
            n,
        )
    if key == "overdue_never":
        return ngettext(
            "Check-in overdue by %(days)s day (due %(due)s); no confirmed session yet",
            "Check-in overdue by %(days)s days (due %(due)s); no confirmed session yet",
            n,
        )
    if key == "upcoming_today":
        return _("Your check-in with %(partner)s is due on %(due)s (today).")
    if key == "upcoming":
        return ngettext(
            "Your check-in with %(partner)s is due on %(due)s (in %(days)s day).",
            "Your check-in with %(partner)s is due on %(due)s (in %(days)s days).",
            n,
        )
    if key == "overdue":
        return _(
            "Your check-in with %(partner)s was due on %(due)s. Meet, or log the session you had so that your "
            "partner can confirm it."
        )
    return _("%(mentor)s and %(mentee)s (%(programme)s): %(reason)s.")  # "escalation"


def day_in_words(day: datetime.date) -> str:
    """``long_date`` in the active language, remembered per language and day: a first sweep writes the same few
    dozen dates into hundreds of thousands of reminders, and formatting one takes longer than the rest of the
    text. The sweep forgets them at its start (``words_forget``)."""
    return _long_date_in(get_language(), day)


def _sentence(key: str, n: int = 0) -> str:
    """A sentence of a reminder in the active language, remembered per language and number (as ``day_in_words``:
    looking a translation up costs more than the rest of the text)."""
    return _sentence_in(get_language(), key, n)


def words_forget() -> None:
    """Forget the dates and sentences remembered (a catalogue may have changed since the last sweep)."""
    _long_date_in.cache_clear()
    _sentence_in.cache_clear()


def link(path: str) -> str:
    """A whole address when the site's address is configured (TANDEM_SITE_URL), else the path."""
    return f"{settings.TANDEM_SITE_URL}{path}" if settings.TANDEM_SITE_URL else path


def escalation_reason(pair: Pair, *, today: datetime.date) -> str:
    """E.g. "Check-in overdue by 12 days (due 3 March 2026); last confirmed session 2 February 2026"."""
    days = (today - pair.due_on).days
    values = {"days": days, "due": day_in_words(pair.due_on)}
    if pair.last_session_on:
        values["last"] = day_in_words(pair.last_session_on)
        return _sentence("overdue_since", days) % values
    return _sentence("overdue_never", days) % values


def reminder_text(kind: str, pair: Pair, person_id: int, *, today: datetime.date) -> str:
    """One reminder in words, as the person told reads it: dates and names, never what the pair wrote. In the
    active language: build it inside ``in_language_of(person)``."""
    if kind == Kind.UPCOMING:
        days_left = (pair.due_on - today).days
        values = {"partner": pair.partner_of(person_id), "due": day_in_words(pair.due_on), "days": days_left}
        if days_left <= 0:
            return _sentence("upcoming_today") % values
        return _sentence("upcoming", days_left) % values
    if kind == Kind.OVERDUE:
        return _sentence("overdue") % {"partner": pair.partner_of(person_id), "due": day_in_words(pair.due_on)}
    return _sentence("escalation") % {
        "mentor": pair.mentor,
        "mentee": pair.mentee,
        "programme": pair.programme_name,
        "reason": escalation_reason(pair, today=today),
    }


def due_digests(now: datetime.datetime, person_ids: range | None) -> QuerySet[ReminderDigest]:
    """The outbox rows due now, of some people (by id) or all: lazy, for a claim or a count."""
    # Served by the (status, next_attempt_at) index in order, so each claim reads about SEND_CHUNK rows.
    digests = ReminderDigest.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    if person_ids is not None:
        digests = digests.filter(person_id__gte=person_ids.start, person_id__lt=person_ids.stop)
    return digests
