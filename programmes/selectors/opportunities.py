"""Reads for the learning-opportunity pages: fixed queries whatever the number of rows (places held counted in
the database, skills prefetched)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from ..models import Membership, Opportunity, OpportunityRequest, Person, Role, Skill


def with_places(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Annotate ``places_held`` (approved and taken up) and prefetch the skills, host and team."""
    return (
        opportunities.select_related("host", "org_unit__parent", "course")
        .annotate(
            places_held=Count("requests", filter=Q(requests__status__in=OpportunityRequest.HOLDS_PLACE), distinct=True)
        )
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name")))
    )


def opportunities_browse(
    *, kind: str = "", skill: Skill | None = None, q: str = "", include_closed: bool = False
) -> QuerySet[Opportunity]:
    opportunities = Opportunity.objects.all() if include_closed else Opportunity.objects.open()
    if kind:
        opportunities = opportunities.filter(kind=kind)
    if skill is not None:
        opportunities = opportunities.filter(skills=skill)
    if q:
        opportunities = opportunities.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(host__display_name__icontains=q)
        )
    return with_places(opportunities).order_by("status", "-created_at", "-pk")


def my_open_request(person: Person, opportunity: Opportunity) -> OpportunityRequest | None:
    return (
        OpportunityRequest.objects.filter(person=person, opportunity=opportunity)
        .select_related("programme")
        .order_by("-created_at")
        .first()
    )


def requests_of(person: Person) -> QuerySet[OpportunityRequest]:
    return (
        OpportunityRequest.objects.filter(person=person)
        .select_related("opportunity__host", "programme", "decided_by", "confirmed_by")
        .order_by("-created_at", "-pk")
    )


def taken_up_by(person: Person) -> QuerySet[OpportunityRequest]:
    """The person's learning record beyond training: the opportunities they took up, latest first."""
    return (
        OpportunityRequest.objects.filter(person=person, status=OpportunityRequest.Status.TAKEN_UP)
        .select_related("opportunity__host", "programme", "training_record")
        .order_by("-happened_on", "-pk")
    )


def requests_to_decide(person: Person) -> QuerySet[OpportunityRequest]:
    """Requests waiting for the person's decision: their reports', and, as a coordinator, those of participants of
    their programmes who have no active line manager on record."""
    coordinated = Membership.objects.filter(person=person, role=Role.COORDINATOR).values("programme_id")
    no_manager = Q(person__line_manager__isnull=True) | Q(person__line_manager__is_active=False)
    return (
        OpportunityRequest.objects.filter(status=OpportunityRequest.Status.REQUESTED, person__is_active=True)
        .filter(
            Q(person__line_manager=person, person__line_manager__is_active=True)
            | (no_manager & Q(programme_id__in=coordinated))
        )
        .exclude(person=person)
        .select_related("opportunity__host", "person", "programme")
        .order_by("created_at", "pk")
    )


def requests_hosted(person: Person) -> QuerySet[OpportunityRequest]:
    """Requests of the opportunities the person hosts that are approved (to confirm) or already answered."""
    return (
        OpportunityRequest.objects.filter(
            opportunity__host=person,
            status__in=(
                OpportunityRequest.Status.APPROVED,
                OpportunityRequest.Status.TAKEN_UP,
                OpportunityRequest.Status.NOT_HAPPENED,
            ),
        )
        .select_related("opportunity", "person")
        .order_by(
            # Approved ones (waiting for me) first.
            "-status",
            "-created_at",
            "-pk",
        )
    )


def team_opportunities(manager: Person) -> dict[str, Any]:
    """The line manager's panel: requests waiting for them, and each report's opportunities taken up (count and
    hours): two queries, whatever the team's size."""
    waiting = list(
        OpportunityRequest.objects.filter(
            status=OpportunityRequest.Status.REQUESTED, person__line_manager=manager, person__is_active=True
        )
        .select_related("opportunity__host", "person", "programme")
        .order_by("created_at", "pk")
    )
    taken = list(
        Person.objects.reports_of(manager)
        .filter(opportunity_requests__status=OpportunityRequest.Status.TAKEN_UP)
        .annotate(
            taken_count=Count("opportunity_requests", filter=Q(opportunity_requests__status="taken_up")),
            taken_hours=Sum("opportunity_requests__hours", filter=Q(opportunity_requests__status="taken_up")),
        )
        .order_by("display_name")
        .values("pk", "display_name", "taken_count", "taken_hours")
    )
    return {"waiting": waiting, "taken": taken}


def open_for_skills(skill_ids: list[int], *, limit: int = 6) -> list[Opportunity]:
    """Open opportunities that help to learn one of ``skill_ids``, the best fitting (most skills in common)
    first; one query (the skills come with it)."""
    if not skill_ids:
        return []
    return list(
        with_places(Opportunity.objects.open().filter(skills__in=skill_ids))
        .annotate(fit=Count("skills", filter=Q(skills__in=skill_ids), distinct=True))
        .order_by("-fit", "-created_at", "-pk")[:limit]
    )


def is_participant(person: Person) -> bool:
    return Membership.objects.filter(person=person, role__in=(Role.MENTOR, Role.MENTEE)).exists()


def team_panel(manager: Person) -> dict[str, Any] | None:
    """The team page's panel (programmes.hooks.TEAM_PANELS): learning opportunities waiting for the manager's
    decision, and what each report took up."""
    return {"template": "programmes/_team_opportunities.html", **team_opportunities(manager)}
