"""The report's pairings: their check-in states at the period's end and those that ended early."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import DateField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop

from mentoring.models import AgreementCadence, MentoringSession, Pairing, PairingPause, SessionState
from mentoring.services.checkins import DUE_SOON_DAYS, CheckinState, checkin_due
from programmes.models import Programme

from .helpers import _end_of, _latest_by, _line, _running_at
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
        found = [_checkin_state_at(programme, pairing, day, suffix) for pairing in pairings]
        row |= {f"{suffix}_{state}": found.count(state) for state in states}
        for reason in reasons:
            row[f"{suffix}_{reason}"] = sum(
                1
                for pairing in pairings
                if pairing["status"] == Pairing.Status.ENDED_EARLY
                and pairing["end_reason"] == reason
                and p.start <= pairing["ended_on"] <= p.end
            )
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
    ended_early = Q(status=Pairing.Status.ENDED_EARLY, ended_on__gte=prev.start, ended_on__lte=period.end)
    pairings = list(
        Pairing.objects.filter(programme=programme)
        .filter(_running_at(period.end) | _running_at(prev.end) | ended_early)
        .annotate(
            **{
                f"last_{s}_{part}": last
                for s, day in (("cur", cur_day), ("prev", prev.end))
                for part, last in zip(("recorded", "unrecorded"), _last_session(day), strict=True)
            },
            paused_cur=_paused_at(cur_day),
            paused_prev=_paused_at(prev.end),
            resumed_cur=_last_resumed(cur_day),
            resumed_prev=_last_resumed(prev.end),
            cadence_cur=_cadence(programme, cur_day),
            cadence_prev=_cadence(programme, prev.end),
        )
        .values(
            "status",
            "started_on",
            "ended_on",
            "resumed_on",
            "end_reason",
            *(f"last_{s}_{part}" for s in ("cur", "prev") for part in ("recorded", "unrecorded")),
            *(f"{f}_{s}" for f in ("paused", "resumed", "cadence") for s in ("cur", "prev")),
        )
    )
    for pairing in pairings:
        for s in ("cur", "prev"):
            pairing[f"last_{s}"] = _later(pairing.pop(f"last_{s}_recorded"), pairing.pop(f"last_{s}_unrecorded"))
    return pairings


def _last_session(day: datetime.date) -> tuple[Subquery, Subquery]:
    """The last session held and confirmed by the end of ``day`` (the session history, not today's status): the
    latest date up to ``day`` of the sessions confirmed by then, as they stood then (``held.Held``'s rule). A
    session with a history counts by the row of it that stood then: the pairing's history read backwards by date
    on its (pairing, date) index, stopping at the first confirmed row that stood then. One without a history
    (``recorded`` unset) counts by its own row."""
    end = _end_of(day)
    stood = SessionState.objects.filter(
        Q(until__isnull=True) | Q(until__gte=end),
        pairing=OuterRef("pk"),
        status=MentoringSession.Status.CONFIRMED,
        held_on__lte=day,
        since__lt=end,
    )
    unrecorded = MentoringSession.objects.filter(
        Q(answered_at__isnull=True) | Q(answered_at__lt=end),
        ~Exists(SessionState.objects.filter(session=OuterRef("pk"))),
        pairing=OuterRef("pk"),
        recorded=False,
        status=MentoringSession.Status.CONFIRMED,
        held_on__lte=day,
    )
    # Each part's last, the later of the two taken in Python (``_later``): SQL's GREATEST would repeat both
    # look-ups, and SQLite's gives null when either is missing.
    return tuple(  # type: ignore[return-value]
        Subquery(rows.order_by("-held_on").values("held_on")[:1], output_field=DateField())
        for rows in (stood, unrecorded)
    )


def _later(*days: datetime.date | None) -> datetime.date | None:
    return max((d for d in days if d is not None), default=None)


# Paused or not, and the last resume, as they stood at the end of ``day`` (the pause history, not today's
# status: a pause or resume since does not change a past period's figures).
def _paused_at(day: datetime.date) -> Exists:
    pauses = PairingPause.objects.filter(pairing=OuterRef("pk"), paused_on__lte=day)
    return Exists(pauses.filter(Q(resumed_on__isnull=True) | Q(resumed_on__gt=day)))


def _last_resumed(day: datetime.date) -> Subquery:
    resumed = PairingPause.objects.filter(pairing=OuterRef("pk"), resumed_on__lte=day)
    return Subquery(resumed.order_by("-resumed_on").values("resumed_on")[:1])


# The cadence agreed by the end of ``day``: from the history of a pair that changed it (its oldest row, the
# cadence before the first change, for a day before the history starts), else the agreement's, else the
# programme's.
def _cadence(programme: Programme, day: datetime.date) -> Coalesce:
    agreed = AgreementCadence.objects.filter(pairing=OuterRef("pk"))
    return Coalesce(
        Subquery(_latest_by(agreed, day).values("cadence_days")[:1]),
        Subquery(agreed.order_by("since", "pk").values("cadence_days")[:1]),
        "agreement__cadence_days",
        Value(programme.checkin_cadence_days),
    )


def _checkin_state_at(programme: Programme, pairing: dict, day: datetime.date, suffix: str) -> str | None:
    """A pairing's check-in state at the end of ``day`` (``mentoring.checkins.state_filter``'s rules), from the
    sessions confirmed and the pause history by then (the ``_<suffix>`` values); ``None`` when it had no schedule
    (not running then, or paused then, whatever its status today)."""
    if pairing["status"] == Pairing.Status.PROPOSED or pairing["started_on"] is None or pairing[f"paused_{suffix}"]:
        return None
    if pairing["started_on"] > day or (pairing["ended_on"] is not None and pairing["ended_on"] <= day):
        return None
    # The last resume by then: from the history, or the pairing's own date (a resume from before the history).
    resumed = max((d for d in (pairing[f"resumed_{suffix}"], pairing["resumed_on"]) if d and d <= day), default=None)
    due = checkin_due(
        started_on=pairing["started_on"],
        resumed_on=resumed,
        last_session_on=pairing[f"last_{suffix}"],
        cadence_days=pairing[f"cadence_{suffix}"],
        intensive_days=programme.intensive_days,
        intensive_checkins=programme.intensive_checkins,
    )
    if due is None:
        return None
    if due > day + datetime.timedelta(days=DUE_SOON_DAYS):
        return CheckinState.ON_TRACK
    if due >= day:
        return CheckinState.DUE_SOON
    if due >= day - datetime.timedelta(days=programme.escalation_grace_days):
        return CheckinState.OVERDUE
    return CheckinState.ESCALATED
