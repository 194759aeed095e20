"""The two-round audit alerts where coordinators look for what waits: the programme's alerts page (its "Learning
environment" section, following the page's filter), the dashboard's tile and the programme overview's panel; and
the heat map's trend from the audit round before.

An alert names a unit and two rounds' means that its unit page already shows to the programme's coordinators
(``audit_alerts_raise`` raises one only for units both rounds show). The heat map's trend prints, per team and
dimension, the change between two figures that are each printed elsewhere for the same readers: the heat map's own
cell now, and the team's unit page of the round before (the same figure as that page's "before"). It is shown
only when the round before showed that very team as its own unit, not rolled up with others.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mentoring.selectors.alerts import RESOLVED_WINDOW_DAYS, Show
from programmes.models import Programme

from ..models import AuditAction, AuditAlert, Survey
from .audit_plans import _units_tree, alerts_worded, previous_round, round_units
from .surveys import Heatmap

MAX_SHOWN = 50  # audit alerts listed on the alerts page; the count says how many there are in all


def _which(which: str, *, now: datetime.datetime) -> Q:
    """The alerts page's filters, as they read for an audit alert."""
    return {
        Show.OPEN: Q(status=AuditAlert.Status.OPEN),
        Show.ACKNOWLEDGED: Q(status=AuditAlert.Status.ACKNOWLEDGED),
        Show.RESOLVED: Q(
            status=AuditAlert.Status.RESOLVED,
            handled_at__gte=now - datetime.timedelta(days=RESOLVED_WINDOW_DAYS),
        ),
    }[which]


def audit_alert_counts(*, programme: Programme, now: datetime.datetime | None = None) -> dict[str, int]:
    """How many audit alerts each of the alerts page's filters shows (open, acknowledged, resolved lately): one
    grouped query."""
    now = now or timezone.now()
    return AuditAlert.objects.filter(programme=programme).aggregate(
        **{which: Count("pk", filter=_which(which, now=now)) for which in Show.VALUES}
    )


def _plan_count(**filters) -> Coalesce:
    """Actions of the plan the alert's unit made after the alert's round (0 without a plan), as a subquery."""
    counted = (
        AuditAction.objects.filter(plan__round=OuterRef("round"), plan__unit=OuterRef("unit"), **filters)
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def audit_alerts_for_page(*, programme: Programme, which: str = Show.OPEN, limit: int = MAX_SHOWN) -> list[AuditAlert]:
    """The programme's audit alerts in one of the alerts page's filters, newest first, each with its reason in
    words and how far the unit's plan after that round is (``plan_total``, ``plan_done``): one query."""
    rows = (
        AuditAlert.objects.filter(programme=programme)
        .filter(_which(which, now=timezone.now()))
        .select_related("unit", "round__survey", "previous_round__survey", "handled_by")
        .annotate(plan_total=_plan_count(), plan_done=_plan_count(status=AuditAction.Status.DONE))
        .order_by("-raised_at", "-pk")[:limit]
    )
    return alerts_worded(list(rows))


def audit_alerts_waiting(*, programme: Programme) -> int:
    """Audit alerts nobody has resolved (open or acknowledged), as the dashboard and the overview count them: one
    query."""
    return (
        AuditAlert.objects.filter(programme=programme)
        .exclude(status=AuditAlert.Status.RESOLVED)
        .aggregate(n=Count("pk"))["n"]
    )


def audit_alerts_panel(programme: Programme) -> dict | None:
    """The programme overview's panel (programmes.hooks.OVERVIEW_PANELS): the audit alerts nobody has resolved,
    shown only when there is one. One query."""
    open_ = AuditAlert.objects.filter(programme=programme).aggregate(
        open=Count("pk", filter=Q(status=AuditAlert.Status.OPEN)),
        acknowledged=Count("pk", filter=Q(status=AuditAlert.Status.ACKNOWLEDGED)),
    )
    if not (open_["open"] or open_["acknowledged"]):
        return None
    return {"template": "evaluation/_audit_alerts_panel.html", **open_}


# --- The heat map's trend ---------------------------------------------------------------------------------------


def heatmap_with_trend(heatmap: Heatmap | None) -> Heatmap | None:
    """The heat map with, in each shown cell, the change from the programme's audit round before (``previous``,
    ``change``) where that round showed the same team as its own unit on this dimension (the unit page's figure).
    Queries: none without a heat map or for another kind of survey; the round before; then, when there is one, the
    unit tree and that round's four."""
    if heatmap is None or heatmap.round.survey.kind != Survey.Kind.LEARNING_ENVIRONMENT:
        return heatmap
    before = previous_round(heatmap.round)
    heatmap.previous_round = before
    if before is None:
        return heatmap
    earlier = round_units(before, _units_tree())
    keys = [value for value, _ in heatmap.dimensions]
    for row in heatmap.rows:
        was = earlier.units.get(row.team_pk) if row.team_pk is not None else None
        # The same team alone: a department's roll-up, or a unit held back, is not this row's team.
        if was is None or not was.shown or was.rolled_up or not row.cells:
            continue
        cells = {d.dimension: d.cell for d in was.dimensions}
        for key, cell in zip(keys, row.cells, strict=True):
            old = cells.get(key)
            if cell.mean is None or old is None or old.mean is None:
                continue
            cell.previous = old.mean
            cell.change = round(cell.mean - old.mean, 1)
    return heatmap
