"""Access to committee reports: only a programme's committee members; they see aggregates only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from programmes.models import Person, Programme, Role
from programmes.permissions import get_programme_for


def get_report_programme_for(person: Person, pk: int) -> Programme:
    programme = get_programme_for(person, pk)  # not a member at all: 404
    if Role.COMMITTEE not in programme.my_roles:
        raise PermissionDenied("Only the programme's committee members see its reports.")
    return programme
