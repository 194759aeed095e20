"""Access to pairings. Coordinators see a pairing's metadata; only the pair may change anything in it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from programmes.models import Person, Programme

from .models import MatchProposal, MatchRound, Pairing


def get_pairing_for(person: Person, pk: int, *, write: bool = False) -> Pairing:
    pairing = get_object_or_404(
        Pairing.objects.visible_to(person).select_related("programme", "mentor", "mentee"), pk=pk
    )
    if write and person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise PermissionDenied("Only the mentor and mentee can change their pairing.")
    return pairing


# --- Matching (issue 4): the programme's coordinators only --------------------------------------------------
# Scores and explanations compare people with each other, so every matching page is for the programme's
# coordinators: the programme is checked first with programmes.permissions.get_programme_for(manage=True)
# (outsiders 404, other members 403); these helpers then find objects of that programme only (else 404).


def get_round_for(programme: Programme, pk: int) -> MatchRound:
    return get_object_or_404(
        MatchRound.objects.filter(programme=programme).select_related("run_by", "published_by"), pk=pk
    )


def get_proposal_for(programme: Programme, pk: int) -> MatchProposal:
    """A live proposal of the programme's draft round (a removed one, or one of a published round, is a 404)."""
    return get_object_or_404(
        MatchProposal.objects.filter(
            round__programme=programme, round__status=MatchRound.Status.DRAFT, removed=False
        ).select_related("round", "mentor", "mentee"),
        pk=pk,
    )
