from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mentoring.models import MentoringSession, MentorRequest, Pairing
from mentoring.permissions import get_pairing_page_for, own_reflection, reflections_visible_to
from mentoring.services.checkins import CheckinState, checkin_state
from mentoring.services.lifecycle import REMATCH_STATUSES, reflection_closable
from mentoring.views.relationship import workspace_context
from programmes.models import Membership
from programmes.permissions import Area, area_required


@area_required(Area.MENTORING)
def my_mentoring(request: HttpRequest) -> HttpResponse:
    # Queries: the person's mentor/mentee memberships with programmes; their pairings with both people, each
    # marked with whether the person has written their own closing reflection (never anyone else's).
    waiting = (
        MentorRequest.objects.open()
        .filter(mentor=request.user, programme=OuterRef("programme"))
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    memberships = (
        Membership.objects.participants()
        .filter(person=request.user)
        .select_related("programme")
        .annotate(open_requests=Coalesce(Subquery(waiting[:1]), 0))
        .order_by("programme__name")
    )
    pairings = (
        Pairing.objects.involving(request.user)
        .select_related("programme", "mentor__org_unit", "mentee__org_unit")
        .annotate(
            reflected=Exists(reflections_visible_to(request.user).filter(pairing=OuterRef("pk"))),
            to_confirm=Count(
                "sessions",
                filter=Q(sessions__status=MentoringSession.Status.AWAITING) & ~Q(sessions__logged_by=request.user),
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
    to_reflect = [p for p in past if reflection_closable(p) and not p.reflected]
    context = {
        "memberships": memberships,
        "proposed": proposed,
        "current": current,
        "past": past,
        "to_reflect": to_reflect,
    }
    return render(request, "mentoring/home.html", context)


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    in_pair = pairing.side is not None
    partner, accepted_at, reflection = None, None, None
    if in_pair:
        partner = pairing.mentee if pairing.side == "mentor" else pairing.mentor
        accepted_at = pairing.mentor_accepted_at if pairing.side == "mentor" else pairing.mentee_accepted_at
    closable = reflection_closable(pairing)
    if in_pair and closable:
        reflection = own_reflection(request.user, pairing)
    # Why they were proposed: the score's parts in words, as the coordinator saw them (no private content).
    reasons = [part.get("text", "") if isinstance(part, dict) else str(part) for part in pairing.explanation or []]
    context = {
        "pairing": pairing,
        "in_pair": in_pair,
        "partner": partner,
        "accepted_at": accepted_at,
        "reasons": [r for r in reasons if r],
        "closable": closable,
        "reflection": reflection,
        "can_rematch": pairing.programme.status in REMATCH_STATUSES,
    }
    if pairing.status != Pairing.Status.PROPOSED:
        context.update(workspace_context(request, pairing))
    return render(request, "mentoring/pairing_detail.html", context)
