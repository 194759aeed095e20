"""Access to pairings. Coordinators see a pairing's metadata; only the pair may change anything in it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from programmes.models import Person, Programme

from .models import ClosingReflection, MatchProposal, MatchRound, MentorRequest, Pairing


def get_pairing_for(person: Person, pk: int, *, write: bool = False) -> Pairing:
    pairing = get_object_or_404(
        Pairing.objects.visible_to(person).select_related("programme", "mentor", "mentee"), pk=pk
    )
    if write and person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise PermissionDenied("Only the mentor and mentee can change their pairing.")
    return pairing


# --- Pairing lifecycle (matching issue: lifecycle, notices, participant pages) -----------------------------
# Accepting, declining and closing reflections belong to the pair (``get_pairing_for(..., write=True)``);
# pausing, resuming, completing and ending early are open to the pair and the programme's coordinators,
# which is exactly who sees the pairing. A closing reflection is its author's alone: no helper here or
# anywhere else returns someone else's.


def get_pairing_page_for(person: Person, pk: int) -> Pairing:
    """A pairing the person sees (else 404), with what its page shows, and ``side``: "mentor", "mentee" or
    None (a coordinator, who sees metadata only)."""
    pairing = get_object_or_404(
        Pairing.objects.visible_to(person).select_related(
            "programme", "mentor__org_unit", "mentee__org_unit", "ended_by"
        ),
        pk=pk,
    )
    pairing.side = {pairing.mentor_id: "mentor", pairing.mentee_id: "mentee"}.get(person.pk)
    return pairing


def reflections_visible_to(person: Person) -> QuerySet[ClosingReflection]:
    """Closing reflections the person may read: their own, and nobody else's, whatever their roles."""
    if not getattr(person, "is_authenticated", False):
        return ClosingReflection.objects.none()
    return ClosingReflection.objects.filter(author=person)


def own_reflection(person: Person, pairing: Pairing) -> ClosingReflection | None:
    return reflections_visible_to(person).filter(pairing=pairing).first()


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


# --- Mentee requests: the mentee who asked and the mentor who was asked ------------------------------------


def get_request_for(person: Person, pk: int, *, as_: str) -> MentorRequest:
    """A request the person is part of (else 404); ``as_`` "mentor" or "mentee" must be their side (else 403)."""
    found = get_object_or_404(
        MentorRequest.objects.filter(Q(mentor=person) | Q(mentee=person)).select_related("programme"), pk=pk
    )
    side = "mentor" if found.mentor_id == person.pk else "mentee"
    if side != as_:
        raise PermissionDenied("Only the other side of this request can do that.")
    return found
