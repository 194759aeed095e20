"""A coordinator's programmes side by side, read-only: headline figures and check-in states in two queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mentoring.models import MentoringSession, Pairing
from mentoring.services.checkins import CheckinState, state_filter
from programmes.models import Application, Person, Programme, Role
from programmes.services.time import month_after, month_start

from .dashboard import StateCount


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    applicants: int
    approved: int
    unmatched: int
    active_pairings: int
    sessions_this_month: int
    states: list[StateCount]


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated count per programme (``OuterRef("pk")``), as a subquery: no join multiplies another."""
    counted = queryset.order_by().values("programme").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def coordinator_overview(*, person: Person, today: datetime.date) -> list[ProgrammeRow]:
    """One row per programme the person coordinates: headline figures and check-in states. Two queries: the
    programmes with their figures, then the check-in states of all their pairings grouped by programme."""
    mine = Q(programme=OuterRef("pk"))
    applications = Application.objects.filter(mine)
    approved_mentees = applications.filter(status=Application.Status.APPROVED, role=Role.MENTEE)
    current = Pairing.objects.filter(programme=OuterRef("programme"), mentee=OuterRef("person")).current()
    month = month_start(today)
    programmes = list(
        Programme.objects.with_role(person, Role.COORDINATOR)
        .annotate(
            applicants=_count(applications),
            approved=_count(applications.filter(status=Application.Status.APPROVED)),
            unmatched=_count(approved_mentees.filter(~Exists(current))),
            active_pairings=_count(Pairing.objects.filter(mine, status=Pairing.Status.ACTIVE)),
            sessions_this_month=_count(
                MentoringSession.objects.confirmed()
                .filter(pairing__programme=OuterRef("pk"), held_on__gte=month, held_on__lt=month_after(month))
                .annotate(programme=F("pairing__programme"))
            ),
        )
        .order_by("name")
    )
    if not programmes:
        return []
    # Each programme has its own grace days: one condition per distinct value keeps this a single query.
    graces = {p.escalation_grace_days for p in programmes}

    def in_state(state: str) -> Q:
        return reduce(
            or_,
            (Q(programme__escalation_grace_days=g) & state_filter(state, today=today, grace_days=g) for g in graces),
        )

    states = {
        row["programme"]: row
        for row in Pairing.objects.filter(programme__in=programmes)
        .order_by()
        .values("programme")
        .annotate(**{s: Count("pk", filter=in_state(s)) for s in CheckinState.ORDER})
    }
    return [
        ProgrammeRow(
            programme=p,
            applicants=p.applicants,
            approved=p.approved,
            unmatched=p.unmatched,
            active_pairings=p.active_pairings,
            sessions_this_month=p.sessions_this_month,
            states=[StateCount(s, *CheckinState.LABELS[s], states.get(p.pk, {}).get(s, 0)) for s in CheckinState.ORDER],
        )
        for p in programmes
    ]
