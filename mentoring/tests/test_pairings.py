from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from mentoring.models import Pairing
from mentoring.permissions import get_pairing_for
from mentoring.tests.factories import PairingFactory
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_nobody_is_paired_with_themselves(programme):
    person = PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PairingFactory(programme=programme, mentor=person, mentee=person)


def test_a_mentee_has_one_current_pairing_per_programme(pairing):
    with pytest.raises(IntegrityError), transaction.atomic():
        PairingFactory(programme=pairing.programme, mentee=pairing.mentee, status=Pairing.Status.PAUSED)
    # An ended pairing does not count: the mentee may be re-matched.
    pairing.status, pairing.end_reason = Pairing.Status.ENDED_EARLY, Pairing.EndReason.MISMATCH
    pairing.save()
    PairingFactory(programme=pairing.programme, mentee=pairing.mentee)


def test_the_pair_and_the_coordinators_see_a_pairing_nobody_else_does(cast):
    pairing = cast["pairing"]
    for role in ("mentor", "mentee", "coordinator"):
        assert list(Pairing.objects.visible_to(cast[role])) == [pairing], role
    for role in ("line_manager", "committee_member", "outsider", "administrator"):
        assert not Pairing.objects.visible_to(cast[role]).exists(), role


def test_only_the_pair_may_change_a_pairing(cast):
    pairing = cast["pairing"]
    assert get_pairing_for(cast["mentee"], pairing.pk, write=True) == pairing
    with pytest.raises(PermissionDenied):
        get_pairing_for(cast["coordinator"], pairing.pk, write=True)
    with pytest.raises(Http404):
        get_pairing_for(cast["line_manager"], pairing.pk)
