"""Reads of mentee requests: a mentee's latest requests in a programme, and the requests a mentor received."""

from __future__ import annotations

from django.db.models import Case, QuerySet, When

from mentoring.models import MentorRequest
from programmes.models import Person, Programme


def requests_made(*, programme: Programme, mentee: Person, limit: int = 10) -> QuerySet[MentorRequest]:
    """The mentee's latest requests in the programme, with each mentor's unit (lazy: one query when read)."""
    return (
        MentorRequest.objects.filter(programme=programme, mentee=mentee)
        .select_related("mentor__org_unit")
        .order_by("-created_at")[:limit]
    )


def requests_received(*, mentor: Person, limit: int = 50) -> QuerySet[MentorRequest]:
    """The requests to a mentor, open ones first, then the newest (lazy: one query when read)."""
    return (
        MentorRequest.objects.filter(mentor=mentor)
        .select_related("programme", "mentee__org_unit")
        # Requests to answer first, whatever the alphabet says about the statuses' names.
        .order_by(Case(When(status=MentorRequest.Status.OPEN, then=0), default=1), "-created_at")[:limit]
    )


def active_person(pk: int) -> Person | None:
    """An active person by id (a mentee's request names its mentor so): one query."""
    return Person.objects.filter(pk=pk, is_active=True).first()
