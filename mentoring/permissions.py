"""Access to pairings. Coordinators see a pairing's metadata; only the pair may change anything in it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from programmes.models import Person

from .models import Pairing


def get_pairing_for(person: Person, pk: int, *, write: bool = False) -> Pairing:
    pairing = get_object_or_404(
        Pairing.objects.visible_to(person).select_related("programme", "mentor", "mentee"), pk=pk
    )
    if write and person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise PermissionDenied("Only the mentor and mentee can change their pairing.")
    return pairing
