"""The coordinators' alerts page: each pairing's alerts with their reasons in words.

Alerts are mentoring's rows, raised, counted and swept there (mentoring.models.alert, mentoring.services.alerts,
mentoring.selectors.alerts); this page stays in evaluation because its reasons read evaluation's rows too (the
health-check scores, the open intervention). Evaluation changes alerts only through mentoring's services.

The alerts page groups a programme's alerts per pairing and gives each pairing one line of reasons: the facts
as they stand today, computed in the same query (days overdue, days since the last confirmed session, the
fit answers, the last two health-check scores), and the stored reasons of the alerts no fact covers (a
concern). Never private content: a concern's text, notes and summaries stay where they are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, FloatField, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentoring.models import Alert, FitAnswer, Pairing
from mentoring.selectors.alerts import SILENCE_DAYS, Show, shown
from programmes.models import Programme

from ..models import Intervention, Survey, SurveyResponse

LOW_HEALTH = 2.5  # a single health score at or under this is a reason on its own
MAX_SHOWN = 300  # alerts on one page; the counts above it say how many there are in all


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


def pairing_facts(alert: Alert, *, today: datetime.date) -> tuple[list[str], set[str]]:
    """The reasons that hold today for the alert's pairing, in words, and the alert kinds they cover."""
    pairing = alert.pairing
    reasons: list[str] = []
    covers: set[str] = set()
    if pairing.status == Pairing.Status.ACTIVE:
        if pairing.checkin_due_on and pairing.checkin_due_on < today:
            days = (today - pairing.checkin_due_on).days
            reasons.append(ngettext("overdue by %(count)s day", "overdue by %(count)s days", days) % {"count": days})
            covers.add(Alert.Kind.ESCALATION)
        if pairing.last_session_on and (today - pairing.last_session_on).days >= SILENCE_DAYS:
            days = (today - pairing.last_session_on).days
            reasons.append(
                ngettext("no confirmed session in %(count)s day", "no confirmed session in %(count)s days", days)
                % {"count": days}
            )
            covers.add(Alert.Kind.SILENCE)
        elif not pairing.last_session_on and pairing.started_on and (today - pairing.started_on).days >= SILENCE_DAYS:
            days = (today - pairing.started_on).days
            reasons.append(
                ngettext(
                    "no confirmed session since it started %(count)s day ago",
                    "no confirmed session since it started %(count)s days ago",
                    days,
                )
                % {"count": days}
            )
            covers.add(Alert.Kind.SILENCE)
    for side in ("mentor", "mentee"):
        fit = getattr(alert, f"{side}_fit", None)
        if fit == FitAnswer.Fit.NOT_GOOD:
            reasons.append(
                _("fit answered 'not good' by the mentor")
                if side == "mentor"
                else _("fit answered 'not good' by the mentee")
            )
            covers.add(Alert.Kind.FIT)
        elif fit == FitAnswer.Fit.DECIDING:
            reasons.append(
                _("the mentor is still deciding about the fit")
                if side == "mentor"
                else _("the mentee is still deciding about the fit")
            )
    latest, previous = getattr(alert, "health_latest", None), getattr(alert, "health_previous", None)
    if latest is not None and previous is not None and latest < previous:
        reasons.append(
            _("health score fell from %(before)s to %(after)s")
            % {"before": number_format(previous, 1), "after": number_format(latest, 1)}
        )
        covers.add(Alert.Kind.HEALTH)
    elif latest is not None and latest <= LOW_HEALTH:
        reasons.append(_("health score %(score)s") % {"score": number_format(latest, 1)})
        covers.add(Alert.Kind.HEALTH)
    return reasons, covers


def alerts_by_pairing(
    *, programme: Programme, which: str = Show.OPEN, today: datetime.date | None = None, limit: int = MAX_SHOWN
) -> list[PairingAlerts]:
    """The programme's alerts in one filter, grouped per pairing: the most severe pairing first, then the one
    waiting longest. One query, whatever the number of alerts (up to ``limit``)."""
    now = timezone.now()
    today = today or timezone.localdate()
    rows = _annotated(Alert.objects.filter(programme=programme).filter(shown(which, now=now))).order_by(
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
