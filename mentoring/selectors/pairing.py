"""Reads of a person's own mentoring: the "My mentoring" page (their programmes and pairings)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from mentoring.models import MentoringSession, MentorRequest, Pairing
from mentoring.permissions import reflections_visible_to
from mentoring.services.checkins import CheckinState, checkin_state
from mentoring.services.closing_reflection import reflection_closable
from programmes.models import Membership, Person


def my_mentoring(*, person: Person) -> dict:
    """The person's participant memberships (with the requests waiting for them as a mentor) and their pairings:
    proposed, current (with their check-in state), past, and the past ones waiting for their own reflection.

    Queries: the memberships with programmes (lazy: the page evaluates them); the pairings with both people,
    each marked with whether the person has written their own closing reflection (never anyone else's).
    """
    waiting = (
        MentorRequest.objects.open()
        .filter(mentor=person, programme=OuterRef("programme"))
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    memberships = (
        Membership.objects.participants()
        .filter(person=person)
        .select_related("programme")
        .annotate(open_requests=Coalesce(Subquery(waiting[:1]), 0))
        .order_by("programme__name")
    )
    pairings = (
        Pairing.objects.involving(person)
        .select_related("programme", "mentor__org_unit", "mentee__org_unit")
        .annotate(
            reflected=Exists(reflections_visible_to(person).filter(pairing=OuterRef("pk"))),
            to_confirm=Count(
                "sessions",
                filter=Q(sessions__status=MentoringSession.Status.AWAITING) & ~Q(sessions__logged_by=person),
            ),
        )
        .order_by("-started_on", "-created_at")
    )
    proposed, current, past = [], [], []
    for pairing in pairings:
        if pairing.status == Pairing.Status.PROPOSED:
            proposed.append(pairing)
        else:
            (current if pairing.is_current else past).append(pairing)
            state = checkin_state(pairing)
            pairing.checkin = {"state": state, "label": CheckinState.LABELS[state]}
    return {
        "memberships": memberships,
        "proposed": proposed,
        "current": current,
        "past": past,
        "to_reflect": [p for p in past if reflection_closable(p) and not p.reflected],
        # Programmes where the person already has a mentor (or one proposed): no ranking of mentors to offer there.
        "mentored_in": {p.programme_id for p in [*proposed, *current] if p.mentee_id == person.pk},
    }
