"""A person's own mentoring: the "My mentoring" page and a pairing's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mentoring.models import Pairing
from mentoring.permissions import get_pairing_page_for, own_reflection
from mentoring.selectors.opportunities import pairing_opportunities
from mentoring.selectors.pairing import my_mentoring as my_mentoring_context
from mentoring.selectors.scoring import REMATCH, as_read_by, explained, parts_for_mentor
from mentoring.services.closing_reflection import reflection_closable
from mentoring.services.lifecycle import REMATCH_STATUSES
from mentoring.views.relationship import workspace_context
from programmes.permissions import Area, area_required


@area_required(Area.MENTORING)
def my_mentoring(request: HttpRequest) -> HttpResponse:
    # Queries: the person's mentor/mentee memberships with programmes; their pairings with both people, each
    # marked with whether the person has written their own closing reflection (never anyone else's).
    return render(request, "mentoring/home.html", my_mentoring_context(person=request.user))


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
    # In the reader's language when the parts keep their words as data (mentoring.said), and as they read them:
    # the mentee never sees the mentor's wish, nor its points in the score.
    reader = pairing.side or ""
    score, parts = as_read_by(pairing.score, pairing.explanation or [], reader)
    if reader == "mentor":
        # The mentor never reads of the mentee's earlier pairings: no re-match penalty, nor its points in the score.
        shown = parts_for_mentor(parts)
        if score is not None:
            score -= sum(p.get("points", 0) for p in parts if isinstance(p, dict) and p.get("part") == REMATCH)
        parts = shown
    reasons = [explained(part, reader) if isinstance(part, dict) else str(part) for part in parts]
    context = {
        "pairing": pairing,
        "in_pair": in_pair,
        "partner": partner,
        "accepted_at": accepted_at,
        "reasons": [r for r in reasons if r],
        "score": score,
        "closable": closable,
        "reflection": reflection,
        "can_rematch": pairing.programme.status in REMATCH_STATUSES,
    }
    if pairing.status != Pairing.Status.PROPOSED:
        context.update(workspace_context(request, pairing))
    if in_pair and pairing.status in Pairing.CURRENT:
        # Learning opportunities for the mentee's goals, seen by both (five queries).
        context["opportunities"] = pairing_opportunities(pairing)
    return render(request, "mentoring/pairing_detail.html", context)
