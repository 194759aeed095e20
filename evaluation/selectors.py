"""Read-only queries for committee reports: one grouped query per widget, suppressed before display."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from mentoring.models import Pairing
from programmes.models import Membership, Person, Programme, Role

from .privacy import Figure, figure, figure_table


def committee_programmes(person: Person) -> QuerySet[Programme]:
    """The programmes the person sits on the committee of, with headline counts computed in the database."""
    return (
        Programme.objects.with_role(person, Role.COMMITTEE)
        .annotate(
            mentor_count=Count("memberships", filter=Q(memberships__role=Role.MENTOR), distinct=True),
            mentee_count=Count("memberships", filter=Q(memberships__role=Role.MENTEE), distinct=True),
            current_pairing_count=Count("pairings", filter=Q(pairings__status__in=Pairing.CURRENT), distinct=True),
        )
        .order_by("name")
    )


def headline_figures(programme: Programme) -> list[Figure]:
    return [
        figure("Mentors", programme.mentor_count),
        figure("Mentees", programme.mentee_count),
        figure("Current pairings", programme.current_pairing_count),
    ]


def participants_by_department(programme: Programme) -> list[Figure]:
    """Mentors and mentees per department (a team's parent, or the unit itself at the top)."""
    rows = (
        Membership.objects.participants()
        .filter(programme=programme)
        .values(
            department=Coalesce("person__org_unit__parent__name", "person__org_unit__name", Value("No team recorded"))
        )
        .annotate(people=Count("person", distinct=True))
        .order_by("department")
    )
    return figure_table({row["department"]: row["people"] for row in rows})
