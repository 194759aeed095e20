"""The coordinator's view of one programme at a glance: what waits for whom. One query per figure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from ..hooks import OVERVIEW_PANELS
from ..models import Application, Programme, TimeAllocation
from ..services.time import month_start
from .budget import budget_lines_with_figures
from .training import participants_with_readiness


@dataclass(frozen=True)
class Glance:
    awaiting_decision: int
    awaiting_endorsement: int
    not_ready: int
    participants: int
    time_pending: int
    time_allocated: int
    overspent_lines: int


def programme_glance(programme: Programme) -> Glance:
    month = month_start(timezone.localdate())
    applications = Application.objects.filter(programme=programme).aggregate(
        decision=Count("pk", filter=Q(status=Application.Status.APPLIED)),
        endorsement=Count("pk", filter=Q(status__in=Application.OPEN, endorsement=Application.Endorsement.PENDING)),
    )
    readiness = participants_with_readiness(programme=programme).aggregate(
        total=Count("pk"), not_ready=Count("pk", filter=Q(is_ready=False))
    )
    time = TimeAllocation.objects.filter(programme=programme, month=month).aggregate(
        total=Count("pk"), pending=Count("pk", filter=Q(status=TimeAllocation.Status.PENDING))
    )
    overspent = sum(1 for line in budget_lines_with_figures(programme=programme) if line.figures.is_overspent)
    return Glance(
        awaiting_decision=applications["decision"],
        awaiting_endorsement=applications["endorsement"],
        not_ready=readiness["not_ready"],
        participants=readiness["total"],
        time_pending=time["pending"],
        time_allocated=time["total"],
        overspent_lines=overspent,
    )


def overview_panels(programme: Programme) -> list[dict[str, Any]]:
    """The contexts of the panels other apps add to a coordinator's overview (hooks.OVERVIEW_PANELS)."""
    return [context for panel in OVERVIEW_PANELS if (context := panel(programme)) is not None]
