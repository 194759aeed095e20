"""Access to committee reports (only a programme's committee members; they see aggregates only), and to the
coordinators' alerts and interventions of one programme."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from mentoring.models import Alert, Pairing
from programmes.models import Person, Programme, Role
from programmes.permissions import get_participant_for, get_programme_for

from .models import Intervention


def get_report_programme_for(person: Person, pk: int) -> Programme:
    programme = get_programme_for(person, pk)  # not a member at all: 404
    if Role.COMMITTEE not in programme.my_roles:
        raise PermissionDenied("Only the programme's committee members see its reports.")
    return programme


# --- Alerts and interventions (issue 6, points 2 and 3): the programme's coordinators only -------------------
# The views first call ``get_programme_for(user, pk, manage=True)`` (outsiders 404, other members 403); these
# helpers then find an object *of that programme*: an id of another programme is a 404, whoever asks.


def _int_or_404(value: object) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise Http404("No such object.") from None


def get_intervention_for(programme: Programme, pk: int) -> Intervention:
    intervention = get_object_or_404(
        Intervention.objects.filter(programme=programme).select_related(
            "pairing__mentor", "pairing__mentee", "person", "created_by", "closed_by"
        ),
        pk=pk,
    )
    intervention.programme = programme  # keeps my_roles, and saves a query
    return intervention


def get_alert_in(programme: Programme, pk: object) -> Alert:
    """An alert of ``programme`` (a query-string id is accepted as it comes: anything else is a 404)."""
    alert = get_object_or_404(
        Alert.objects.filter(programme=programme).select_related("pairing__mentor", "pairing__mentee"),
        pk=_int_or_404(pk),
    )
    alert.programme = programme
    return alert


def get_pairing_in(programme: Programme, pk: object) -> Pairing:
    pairing = get_object_or_404(
        Pairing.objects.filter(programme=programme).select_related("mentor", "mentee"), pk=_int_or_404(pk)
    )
    pairing.programme = programme
    return pairing


def get_participant_in(programme: Programme, pk: object) -> Person:
    """A mentor or mentee of ``programme``; anybody else (a committee member, an outsider) is a 404."""
    return get_participant_for(programme, _int_or_404(pk)).person
