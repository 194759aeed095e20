"""The report's pairings: their check-in states at the period's end and those that ended early."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import DateField, Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_noop

from mentoring.models import AgreementCadence, MentoringSession, Pairing, PairingPause, SessionState
from mentoring.services.checkins import DUE_SOON_DAYS, CheckinState, checkin_due
from programmes.models import Programme

from .helpers import _end_of, _line, _running_at
from .periods import Period


def _pairings(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    states = list(CheckinState.ORDER)
    reasons = list(Pairing.EndReason)
    # A draft of a period still running reads the states of today: the period's end is still to come, and every
    # pairing would read "escalated" on a day no session can have been logged yet. A report can only be
    # submitted once its period has ended, so what the committee reads is always the period's end.
    today = timezone.localdate()
    cur_day = min(period.end, today)
    pairings = _pairing_rows(programme, period, prev, cur_day)
    row = {}
    for suffix, p, day in (("cur", period, cur_day), ("prev", prev, prev.end)):
        found = _checkin_states(programme, pairings, day, suffix)
        row |= {f"{suffix}_{state}": found[state] for state in states}
        ended = Counter(
            pairing["end_reason"]
            for pairing in pairings
            if pairing["status"] == Pairing.Status.ENDED_EARLY and p.start <= pairing["ended_on"] <= p.end
        )
        row |= {f"{suffix}_{reason}": ended[reason] for reason in reasons}
    state_labels = [str(CheckinState.LABELS[s][0]) for s in states]
    # A pairing count describes that many mentees (one current pairing each).
    state_counts = {
        suffix: {str(CheckinState.LABELS[s][0]): row[f"{suffix}_{s}"] for s in states} for suffix in ("cur", "prev")
    }
    reason_counts = {suffix: {str(r.label): row[f"{suffix}_{r.value}"] for r in reasons} for suffix in ("cur", "prev")}
    return {
        "states": _line(
            "checkin_states",
            gettext_noop("Check-in states at the period's end")
            if cur_day == period.end
            else gettext_noop("Check-in states today (the period has not ended)"),
            gettext_noop("Pairings"),
            state_labels,
            state_counts,
            state_counts,
            row_total_label=gettext_noop("Active pairings with a check-in schedule"),
        ),
        "ended_early": _line(
            "ended_early",
            gettext_noop("Pairings ended early, by reason"),
            "Pairings",
            [str(r.label) for r in reasons],
            reason_counts,
            reason_counts,
            row_total_label=gettext_noop("Ended early"),
        ),
    }


def _pairing_rows(programme: Programme, period: Period, prev: Period, cur_day: datetime.date) -> list[dict]:
    """The pairings to count, with their sessions, pauses and cadence as they stood at each period's end."""
    # Query 3: the pairings running at either period's end or ended early in either period, each with its last
    # confirmed session by each period's end: check-in states are worked out as they stood at the period's end
    # (not from today's schedule, which a session logged since would change), and early endings counted by reason.
    # The pauses, cadence changes and sessions without a history are few: read in three small queries (3a to 3c)
    # and looked up here, not once per pairing in the database.
    ended_early = Q(status=Pairing.Status.ENDED_EARLY, ended_on__gte=prev.start, ended_on__lte=period.end)
    days = {"cur": cur_day, "prev": prev.end}
    rows = (
        Pairing.objects.filter(programme=programme)
        .filter(_running_at(period.end) | _running_at(prev.end) | ended_early)
        .annotate(**{f"last_{s}": _last_recorded(day) for s, day in days.items()})
        .order_by()  # only counted: not sorted
        .values_list(
            "pk",
            "status",
            "started_on",
            "ended_on",
            "resumed_on",
            "end_reason",
            "agreement__cadence_days",
            "last_cur",
            "last_prev",
        )
    )
    unrecorded = _last_unrecorded(programme, days)  # query 3a
    pauses: dict[int, list[tuple[datetime.date, datetime.date | None]]] = {}
    for pairing, paused_on, resumed_on in PairingPause.objects.filter(pairing__programme=programme).values_list(
        "pairing", "paused_on", "resumed_on"
    ):  # query 3b
        pauses.setdefault(pairing, []).append((paused_on, resumed_on))
    cadences: dict[int, list[tuple[datetime.datetime, int, int]]] = {}
    for pairing, since, pk, cadence in (
        AgreementCadence.objects.filter(pairing__programme=programme)
        .order_by("pairing", "since", "pk")
        .values_list("pairing", "since", "pk", "cadence_days")
    ):  # query 3c
        cadences.setdefault(pairing, []).append((since, pk, cadence))
    default = programme.checkin_cadence_days
    keys = {s: (f"last_{s}", f"paused_{s}", f"resumed_{s}", f"cadence_{s}") for s in days}
    pairings = []
    for pk, status, started_on, ended_on, resumed_on, end_reason, agreed, last_cur, last_prev in rows:
        pairing = {
            "status": status,
            "started_on": started_on,
            "ended_on": ended_on,
            "resumed_on": resumed_on,
            "end_reason": end_reason,
            "last_cur": last_cur,
            "last_prev": last_prev,
        }
        last, paused, history = unrecorded.get(pk), pauses.get(pk), cadences.get(pk)
        for s, day in days.items():
            last_key, paused_key, resumed_key, cadence_key = keys[s]
            if last:
                pairing[last_key] = _later(pairing[last_key], last[s])
            if paused is None:
                pairing[paused_key], pairing[resumed_key] = False, None
            else:
                pairing[paused_key] = any(
                    paused_on <= day and (resumed_on is None or resumed_on > day) for paused_on, resumed_on in paused
                )
                pairing[resumed_key] = max(
                    (resumed_on for _, resumed_on in paused if resumed_on is not None and resumed_on <= day),
                    default=None,
                )
            pairing[cadence_key] = _cadence_at(history, day) if history else default if agreed is None else agreed
        pairings.append(pairing)
    return pairings


def _last_recorded(day: datetime.date) -> Subquery:
    """The last session held and confirmed by the end of ``day`` among those with a history (the session
    history, not today's status): the latest date up to ``day`` of the sessions confirmed by then, as they stood
    then (``held.Held``'s rule): the pairing's history read backwards by date on its (pairing, date) index,
    stopping at the first confirmed row that stood then."""
    end = _end_of(day)
    stood = SessionState.objects.filter(
        Q(until__isnull=True) | Q(until__gte=end),
        pairing=OuterRef("pk"),
        status=MentoringSession.Status.CONFIRMED,
        held_on__lte=day,
        since__lt=end,
    )
    return Subquery(stood.order_by("-held_on").values("held_on")[:1], output_field=DateField())


def _last_unrecorded(programme: Programme, days: dict[str, datetime.date]) -> dict[int, dict[str, datetime.date]]:
    """Each pairing's last session confirmed by the end of each of ``days`` among those without a history (made
    outside the session services: ``recorded`` unset), by their own row; found on the small index of those."""
    last = {
        s: Max(
            "held_on",
            filter=(Q(answered_at__isnull=True) | Q(answered_at__lt=_end_of(day))) & Q(held_on__lte=day),
        )
        for s, day in days.items()
    }
    rows = (
        MentoringSession.objects.filter(
            ~Exists(SessionState.objects.filter(session=OuterRef("pk"))),
            pairing__programme=programme,
            recorded=False,
            status=MentoringSession.Status.CONFIRMED,
        )
        .order_by()
        .values("pairing")
        .annotate(**last)
    )
    return {row.pop("pairing"): row for row in rows}


def _later(*days: datetime.date | None) -> datetime.date | None:
    return max((d for d in days if d is not None), default=None)


def _cadence_at(history: list[tuple[datetime.datetime, int, int]], day: datetime.date) -> int:
    """The cadence agreed by the end of ``day`` by the history of a pair that changed it (by since and id;
    ``_latest_by``'s rule): the row that stood then, or its oldest (the cadence before the first change) for a day
    before the history starts. A pair without one has the agreement's cadence, else the programme's."""
    end = _end_of(day)
    stood = [row for row in history if row[0] < end]
    return (stood[-1] if stood else history[0])[2]


def _checkin_states(programme: Programme, pairings: list[dict], day: datetime.date, suffix: str) -> Counter:
    """The pairings' check-in states at the end of ``day`` (``mentoring.checkins.state_filter``'s rules), counted,
    from the sessions confirmed and the pause history by then (the ``_<suffix>`` values); ``None`` for those with
    no schedule (not running then, or paused then, whatever their status today)."""
    paused, resumed_then, last, cadence = (f"{name}_{suffix}" for name in ("paused", "resumed", "last", "cadence"))
    due_soon = day + datetime.timedelta(days=DUE_SOON_DAYS)
    escalated = day - datetime.timedelta(days=programme.escalation_grace_days)
    found: Counter = Counter()
    for pairing in pairings:
        started_on, ended_on = pairing["started_on"], pairing["ended_on"]
        if pairing["status"] == Pairing.Status.PROPOSED or started_on is None or pairing[paused]:
            found[None] += 1
            continue
        if started_on > day or (ended_on is not None and ended_on <= day):
            found[None] += 1
            continue
        # The last resume by then: from the history, or the pairing's own date (a resume from before the history).
        resumed = None
        for d in (pairing[resumed_then], pairing["resumed_on"]):
            if d and d <= day and (resumed is None or d > resumed):
                resumed = d
        due = checkin_due(
            started_on=started_on,
            resumed_on=resumed,
            last_session_on=pairing[last],
            cadence_days=pairing[cadence],
            intensive_days=programme.intensive_days,
            intensive_checkins=programme.intensive_checkins,
        )
        if due is None:
            found[None] += 1
        elif due > due_soon:
            found[CheckinState.ON_TRACK] += 1
        elif due >= day:
            found[CheckinState.DUE_SOON] += 1
        elif due >= escalated:
            found[CheckinState.OVERDUE] += 1
        else:
            found[CheckinState.ESCALATED] += 1
    return found
