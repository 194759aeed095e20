"""Reads for the organisation's pages: home, the programme list and page, its members, a line manager's team."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import PARTICIPANT_ROLES, Application, Membership, OrgUnit, Person, Programme, Role, TimeAllocation
from .time import with_time
from .training import readiness_annotated


def _role_counts() -> dict[str, Count]:
    return {f"{role.value}_count": Count("memberships", filter=Q(memberships__role=role.value)) for role in Role}


def applications_awaiting_decision(person: Person) -> list[Application]:
    """The person's own applications that wait for a coordinator, newest first."""
    return list(Application.objects.awaiting_decision_of(person).select_related("programme").order_by("-created_at"))


def programmes_coordinated(person: Person) -> QuerySet[Programme]:
    """The programmes ``person`` coordinates, by name, each with a count per role (one query a page)."""
    return Programme.objects.with_role(person, Role.COORDINATOR).annotate(**_role_counts()).order_by("name")


def programme_coordinators(programme: Programme) -> QuerySet[Person]:
    return Person.objects.filter(memberships__programme=programme, memberships__role=Role.COORDINATOR).order_by(
        "display_name"
    )


def programme_role_counts(programme: Programme) -> dict[str, int]:
    """``{"mentor_count": 4, ...}``: the programme's members per role, in one query."""
    return Programme.objects.filter(pk=programme.pk).aggregate(**_role_counts())


def programme_members(
    programme: Programme,
    *,
    role: str = "",
    team: OrgUnit | None = None,
    readiness: str = "",
    q: str = "",
) -> QuerySet[Membership]:
    """The programme's memberships with readiness, filtered as the members page asks, by name then role."""
    memberships = (
        readiness_annotated(programme=programme)
        .select_related("person__org_unit__parent", "person__line_manager")
        .order_by("person__display_name", "role")
    )
    if role:
        memberships = memberships.filter(role=role)
    if team:
        memberships = memberships.filter(person__org_unit__in=OrgUnit.objects.subtree_ids(team))
    if readiness:
        memberships = memberships.filter(role__in=PARTICIPANT_ROLES, is_ready=readiness == "ready")
    if q:
        memberships = memberships.filter(Q(person__display_name__icontains=q) | Q(person__email__icontains=q))
    return memberships


def programme_staff(programme: Programme) -> QuerySet[Membership]:
    """The programme's coordinators and committee members with their people, coordinators first."""
    return (
        Membership.objects.filter(programme=programme, role__in=(Role.COORDINATOR, Role.COMMITTEE))
        .select_related("person")
        .order_by("role", "person__display_name")
    )


def team_reports(manager: Person, *, month: datetime.date) -> QuerySet[Person]:
    """The manager's reports with their teams, and their participations with programmes and ``month``'s time
    (summed in the database): one query for a page of people, one for their participations."""
    participations = with_time(
        Membership.objects.participants().select_related("programme").order_by("programme__name"), month=month
    )
    return (
        Person.objects.reports_of(manager)
        .select_related("org_unit__parent")
        .prefetch_related(Prefetch("memberships", queryset=participations))
        .order_by("display_name")
    )


def team_waiting(manager: Person) -> dict[str, Any]:
    """What waits for the manager's decision: protected time to approve and applications to endorse (lazy: one
    query each when the page reads them)."""
    pending = (
        TimeAllocation.objects.awaiting_approval_by(manager)
        .filter(person__is_active=True)
        .select_related("person", "programme")
        .order_by("month", "person__display_name", "programme__name")
    )
    endorsements = (
        Application.objects.awaiting_endorsement_by(manager)
        .filter(person__is_active=True)
        .select_related("person", "programme")
        .order_by("created_at")
    )
    return {"pending": pending, "endorsements": endorsements}
