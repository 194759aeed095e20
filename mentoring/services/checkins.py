"""The check-in schedule.

The next check-in is due at the latest of the start, the last resumption and the last confirmed session,
plus the pair's agreed cadence; in the intensive start (the programme's first ``intensive_days``) the
interval is shorter, so that ``intensive_checkins`` check-ins fit in it. The due date is stored on the
pairing (``checkin_due_on``) and refreshed by ``checkins_refresh`` whenever one of those changes (start,
pause, resume, close, a confirmed or disputed session, a new cadence), so the reminder sweep and every list
select "due by <date>" with an index instead of recomputing it per pairing. Only active pairings have a
schedule. A change of the programme's defaults applies to pairings that start afterwards: a pair keeps the
rhythm it agreed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentoring.models import MentoringSession, Pairing

DUE_SOON_DAYS = 3


# --- The check-in schedule -----------------------------------------------------------------------------------


class CheckinState:
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    NONE = "none"

    LABELS = {
        ON_TRACK: (gettext_lazy("On track"), "success"),
        DUE_SOON: (gettext_lazy("Due soon"), "info"),
        OVERDUE: (gettext_lazy("Overdue"), "warning"),
        ESCALATED: (gettext_lazy("Escalated"), "danger"),
        NONE: (gettext_lazy("No schedule"), "secondary"),
    }
    ORDER = (ON_TRACK, DUE_SOON, OVERDUE, ESCALATED)


def checkin_interval(*, cadence_days: int, intensive_days: int, intensive_checkins: int, in_intensive: bool) -> int:
    """Days between check-ins: the cadence, or in the intensive start short enough to fit its check-ins."""
    if in_intensive and intensive_checkins:
        return max(3, min(cadence_days, intensive_days // (intensive_checkins + 1)))
    return cadence_days


def checkin_due(
    *,
    started_on: datetime.date | None,
    resumed_on: datetime.date | None,
    last_session_on: datetime.date | None,
    cadence_days: int,
    intensive_days: int,
    intensive_checkins: int,
) -> datetime.date | None:
    if started_on is None:
        return None
    # The latest of the three that are known (plain comparisons: a committee report works this out for tens of
    # thousands of pairings).
    anchor = started_on
    if resumed_on is not None and resumed_on > anchor:
        anchor = resumed_on
    if last_session_on is not None and last_session_on > anchor:
        anchor = last_session_on
    in_intensive = anchor < started_on + datetime.timedelta(days=intensive_days)
    interval = checkin_interval(
        cadence_days=cadence_days,
        intensive_days=intensive_days,
        intensive_checkins=intensive_checkins,
        in_intensive=in_intensive,
    )
    return anchor + datetime.timedelta(days=interval)


def checkin_state(pairing: Pairing, *, today: datetime.date | None = None) -> str:
    """On track, due soon (3 days or less), overdue, escalated (overdue beyond the programme's grace days),
    or none (paused, proposed or closed pairings have no schedule). Reads the row and its programme only."""
    if pairing.status != Pairing.Status.ACTIVE or pairing.checkin_due_on is None:
        return CheckinState.NONE
    today = today or timezone.localdate()
    days_left = (pairing.checkin_due_on - today).days
    if days_left > DUE_SOON_DAYS:
        return CheckinState.ON_TRACK
    if days_left >= 0:
        return CheckinState.DUE_SOON
    if -days_left > pairing.programme.escalation_grace_days:
        return CheckinState.ESCALATED
    return CheckinState.OVERDUE


def state_filter(state: str, *, today: datetime.date, grace_days: int) -> Q:
    """The pairings (of one programme, whose grace days are given) in a check-in state, as a filter."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    limit = today - datetime.timedelta(days=grace_days)
    active = Q(status=Pairing.Status.ACTIVE, checkin_due_on__isnull=False)
    return {
        CheckinState.ON_TRACK: active & Q(checkin_due_on__gt=soon),
        CheckinState.DUE_SOON: active & Q(checkin_due_on__gte=today, checkin_due_on__lte=soon),
        CheckinState.OVERDUE: active & Q(checkin_due_on__lt=today, checkin_due_on__gte=limit),
        CheckinState.ESCALATED: active & Q(checkin_due_on__lt=limit),
        CheckinState.NONE: ~active,
    }[state]


def checkins_refresh(*, pairing_ids: Iterable[int] = (), instances: Iterable[Pairing] = ()) -> int:
    """Recompute ``last_session_on`` and ``checkin_due_on`` of these pairings: two queries for any number.

    ``instances`` are pairings the caller holds in memory: they get the new values too, so that a later
    ``save()`` of them does not write the old ones back.
    """
    held = {p.pk: p for p in instances}
    ids = list(pairing_ids) + list(held)
    if not ids:
        return 0
    last = (
        MentoringSession.objects.confirmed()
        .filter(pairing=OuterRef("pk"))
        .order_by()
        .values("pairing")
        .annotate(last=Max("held_on"))
        .values("last")
    )
    pairings = list(
        Pairing.objects.filter(pk__in=ids)
        .select_related("programme", "agreement")
        .annotate(last_confirmed=Subquery(last))
    )
    for pairing in pairings:
        pairing.last_session_on = pairing.last_confirmed
        programme = pairing.programme
        agreement = getattr(pairing, "agreement", None)
        if pairing.status == Pairing.Status.ACTIVE:
            pairing.checkin_due_on = checkin_due(
                started_on=pairing.started_on,
                resumed_on=pairing.resumed_on,
                last_session_on=pairing.last_session_on,
                cadence_days=agreement.cadence_days if agreement else programme.checkin_cadence_days,
                intensive_days=programme.intensive_days,
                intensive_checkins=programme.intensive_checkins,
            )
        else:
            pairing.checkin_due_on = None
    Pairing.objects.bulk_update(pairings, ["last_session_on", "checkin_due_on"], batch_size=500)
    for pairing in pairings:
        if pairing.pk in held:
            held[pairing.pk].last_session_on = pairing.last_session_on
            held[pairing.pk].checkin_due_on = pairing.checkin_due_on
    return len(pairings)


def session_gaps_refresh(*, pairing_ids: Iterable[int]) -> int:
    """Recompute ``gap_days`` of every session of these pairings: for a confirmed one, the days since the
    pairing's previous confirmed session (by day, then the order they were logged); none otherwise. Called
    wherever the confirmed sessions of a pairing change (confirmed, disputed, made by the demo). Two queries
    and the changed rows; returns how many changed."""
    ids = list(pairing_ids)
    if not ids:
        return 0
    sessions = MentoringSession.objects.filter(pairing_id__in=ids).order_by("pairing_id", "held_on", "pk")
    previous: dict[int, datetime.date] = {}
    changed = []
    for session in sessions.only("pk", "pairing_id", "held_on", "status", "gap_days"):
        gap = None
        if session.status == MentoringSession.Status.CONFIRMED:
            before = previous.get(session.pairing_id)
            gap = None if before is None else (session.held_on - before).days
            previous[session.pairing_id] = session.held_on
        if session.gap_days != gap:
            session.gap_days = gap
            changed.append(session)
    MentoringSession.objects.bulk_update(changed, ["gap_days"], batch_size=1000)
    return len(changed)
