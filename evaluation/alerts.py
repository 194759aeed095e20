"""The coordinators' alerts, with their reasons in words (issue 6, point 2), and the silence sweep.

Alerts are mentoring's rows (raised by the check-in escalation, a concern, a 'not good' fit answer, a health
check, or the silence sweep below); evaluation reads them and changes them only through mentoring's services.
The alerts page groups a programme's alerts per pairing and gives each pairing one line of reasons: the facts
as they stand today, computed in the same query (days overdue, days since the last confirmed session, the
fit answers, the last two health-check scores), and the stored reasons of the alerts no fact covers (a
concern). Never private content: a concern's text, notes and summaries stay where they are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Avg, Count, Exists, F, FloatField, OuterRef, Q, Subquery
from django.utils import timezone

from mentoring.models import ALERT_ACKNOWLEDGED, ALERT_OPEN, Alert, FitAnswer, Pairing
from mentoring.services import relationship
from programmes.models import Programme

from .models import Intervention, Survey, SurveyResponse

SILENCE_DAYS = 45  # no confirmed session for this long: the sweep raises a "silence" alert
RESOLVED_WINDOW_DAYS = 90  # the "resolved" filter looks back this far
LOW_HEALTH = 2.5  # a single health score at or under this is a reason on its own
MAX_SHOWN = 300  # alerts on one page; the counts above it say how many there are in all


def _date(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


class Show:
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"

    CHOICES = (
        (OPEN, "Open"),
        (ACKNOWLEDGED, "Acknowledged"),
        (RESOLVED, f"Resolved in the last {RESOLVED_WINDOW_DAYS} days"),
    )
    VALUES = (OPEN, ACKNOWLEDGED, RESOLVED)


def _shown(which: str, *, now: datetime.datetime) -> Q:
    """Open: nobody has taken it up yet. Acknowledged: a coordinator is on it. Resolved: recently done."""
    return {
        Show.OPEN: ALERT_OPEN,
        Show.ACKNOWLEDGED: ALERT_ACKNOWLEDGED,
        Show.RESOLVED: Q(resolved_at__gte=now - datetime.timedelta(days=RESOLVED_WINDOW_DAYS)),
    }[which]


def alert_counts(*, programme: Programme, now: datetime.datetime | None = None) -> dict[str, int]:
    """How many alerts each filter shows: one grouped query."""
    now = now or timezone.now()
    return Alert.objects.filter(programme=programme).aggregate(
        **{which: Count("pk", filter=_shown(which, now=now)) for which in Show.VALUES}
    )


@dataclass
class PairingAlerts:
    """One pairing's line on the alerts page: its alerts (most severe, then oldest, first) and its reasons."""

    pairing: Pairing
    alerts: list[Alert] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def severity(self) -> int:
        return max(a.severity for a in self.alerts)

    @property
    def oldest(self) -> datetime.datetime:
        return min(a.created_at for a in self.alerts)

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons)


def _annotated(alerts):
    """The alerts with what their pairing's line needs, computed by the database in the same query."""
    scores = (
        SurveyResponse.objects.filter(pairing=OuterRef("pairing"), round__survey__kind=Survey.Kind.HEALTH)
        .annotate(score=Avg("answers__likert"))
        .filter(score__isnull=False)
        .order_by("-submitted_on", "-pk")
        .values("score")
    )

    def fit_of(side: str) -> Subquery:
        return Subquery(
            FitAnswer.objects.filter(pairing=OuterRef("pairing"), person=OuterRef(f"pairing__{side}")).values("fit")[:1]
        )

    open_intervention = Intervention.objects.filter(alerts=OuterRef("pk"), status=Intervention.Status.OPEN)
    return alerts.select_related("pairing__mentor", "pairing__mentee", "acknowledged_by").annotate(
        mentor_fit=fit_of("mentor"),
        mentee_fit=fit_of("mentee"),
        health_latest=Subquery(scores[:1], output_field=FloatField()),
        health_previous=Subquery(scores[1:2], output_field=FloatField()),
        open_intervention=Subquery(open_intervention.order_by("-created_at").values("pk")[:1]),
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def pairing_facts(alert: Alert, *, today: datetime.date) -> tuple[list[str], set[str]]:
    """The reasons that hold today for the alert's pairing, in words, and the alert kinds they cover."""
    pairing = alert.pairing
    reasons: list[str] = []
    covers: set[str] = set()
    if pairing.status == Pairing.Status.ACTIVE:
        if pairing.checkin_due_on and pairing.checkin_due_on < today:
            reasons.append(f"overdue by {_plural((today - pairing.checkin_due_on).days, 'day')}")
            covers.add(Alert.Kind.ESCALATION)
        if pairing.last_session_on and (today - pairing.last_session_on).days >= SILENCE_DAYS:
            reasons.append(f"no confirmed session in {(today - pairing.last_session_on).days} days")
            covers.add(Alert.Kind.SILENCE)
        elif not pairing.last_session_on and pairing.started_on and (today - pairing.started_on).days >= SILENCE_DAYS:
            reasons.append(f"no confirmed session since it started {(today - pairing.started_on).days} days ago")
            covers.add(Alert.Kind.SILENCE)
    for side in ("mentor", "mentee"):
        fit = getattr(alert, f"{side}_fit", None)
        if fit == FitAnswer.Fit.NOT_GOOD:
            reasons.append(f"fit answered 'not good' by the {side}")
            covers.add(Alert.Kind.FIT)
        elif fit == FitAnswer.Fit.DECIDING:
            reasons.append(f"the {side} is still deciding about the fit")
    latest, previous = getattr(alert, "health_latest", None), getattr(alert, "health_previous", None)
    if latest is not None and previous is not None and latest < previous:
        reasons.append(f"health score fell from {previous:.1f} to {latest:.1f}")
        covers.add(Alert.Kind.HEALTH)
    elif latest is not None and latest <= LOW_HEALTH:
        reasons.append(f"health score {latest:.1f}")
        covers.add(Alert.Kind.HEALTH)
    return reasons, covers


def alerts_by_pairing(
    *, programme: Programme, which: str = Show.OPEN, today: datetime.date | None = None, limit: int = MAX_SHOWN
) -> list[PairingAlerts]:
    """The programme's alerts in one filter, grouped per pairing: the most severe pairing first, then the one
    waiting longest. One query, whatever the number of alerts (up to ``limit``)."""
    now = timezone.now()
    today = today or timezone.localdate()
    rows = _annotated(Alert.objects.filter(programme=programme).filter(_shown(which, now=now))).order_by(
        "-severity", "created_at", "pk"
    )[:limit]
    groups: dict[int, PairingAlerts] = {}
    for alert in rows:
        alert.pairing.programme = programme
        groups.setdefault(alert.pairing_id, PairingAlerts(pairing=alert.pairing)).alerts.append(alert)
    for group in groups.values():
        reasons, covers = pairing_facts(group.alerts[0], today=today)
        for alert in group.alerts:
            if alert.kind not in covers:
                reason = alert.reason.rstrip(". ")
                if reason not in reasons:
                    reasons.append(reason)
        group.reasons = reasons
    return sorted(groups.values(), key=lambda g: (-g.severity, g.oldest))


# --- The silence sweep (Celery beat: evaluation.tasks.raise_silence_alerts) -------------------------------------


def _silence_reason(pairing: Pairing, *, today: datetime.date) -> str:
    # Counted from the latest of the start, the last resumption and the last confirmed session.
    anchors = [(pairing.started_on, 0, "started"), (pairing.resumed_on, 1, "resumed"), (pairing.last_session_on, 2, "")]
    since, _, what = max(anchor for anchor in anchors if anchor[0] is not None)
    days = (today - since).days
    if not what:
        return f"No confirmed session in {days} days (the last on {_date(since)})."
    return f"No confirmed session since the pairing {what} on {_date(since)} ({days} days ago)."


def silent_pairings(*, today: datetime.date, programme: Programme | None = None):
    """Active pairings with no confirmed session for ``SILENCE_DAYS`` days (counted from the start or the last
    resumption when there is none since) and no open silence alert. One query; the index on status helps."""
    cutoff = today - datetime.timedelta(days=SILENCE_DAYS)
    found = Pairing.objects.filter(
        Q(last_session_on__isnull=True) | Q(last_session_on__lte=cutoff),
        Q(resumed_on__isnull=True) | Q(resumed_on__lte=cutoff),
        status=Pairing.Status.ACTIVE,
        started_on__lte=cutoff,
    ).exclude(Exists(Alert.objects.open().filter(pairing=OuterRef("pk"), kind=Alert.Kind.SILENCE)))
    # One alert per silence: once raised since the silence began, a coordinator who resolves it is not told
    # again every morning; a new silence (after a later session or resumption) raises a new one.
    this_silence = (
        Alert.objects.filter(
            pairing=OuterRef("pk"), kind=Alert.Kind.SILENCE, created_at__date__gte=F("pairing__started_on")
        )
        .filter(Q(pairing__resumed_on__isnull=True) | Q(created_at__date__gte=F("pairing__resumed_on")))
        .filter(Q(pairing__last_session_on__isnull=True) | Q(created_at__date__gte=F("pairing__last_session_on")))
    )
    found = found.exclude(Exists(this_silence))
    return found.filter(programme=programme) if programme is not None else found


def silence_alerts_raise(
    *, today: datetime.date | None = None, programme: Programme | None = None, limit: int = 500
) -> int:
    """Raise a "silence" alert on each silent pairing (``silent_pairings``); returns how many were raised.

    Bounded: one query selects at most ``limit`` pairings (the next run takes the rest), then each is raised
    through mentoring's ``alert_raise`` in its own short transaction with the pairing row locked, so two
    sweeps at once raise one alert, and a repeated run raises none (an open one already says it).
    """
    today = today or timezone.localdate()
    found = list(
        silent_pairings(today=today, programme=programme)
        .select_related("programme", "mentor", "mentee")
        .order_by("pk")[:limit]
    )
    raised = 0
    for pairing in found:
        with transaction.atomic():
            locked = list(
                Pairing.objects.select_for_update().filter(pk=pairing.pk, status=Pairing.Status.ACTIVE).values("pk")
            )
            if locked and relationship.alert_raise(
                pairing=pairing,
                kind=Alert.Kind.SILENCE,
                reason=_silence_reason(pairing, today=today),
                severity=Alert.Severity.MEDIUM,
            ):
                raised += 1
    return raised
