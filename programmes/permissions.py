"""Who may see and do what. Every lookup of a programme or person in a view goes through here.

The policy (STYLE.md): an object the person may not see is a 404, so its existence is not revealed; an
object they may see but not change, or a page their role does not open, is a 403; anonymous visitors are
sent to the login page (``login_required``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import Membership, PeopleImport, Person, Programme, Role


class Area(enum.StrEnum):
    """The parts of Tandem a person's roles open. A person may have several."""

    MENTORING = "mentoring"  # mentor or mentee somewhere
    COORDINATING = "coordinating"  # coordinator somewhere
    TEAM = "team"  # line manager of at least one active person
    COMMITTEE = "committee"  # committee member somewhere


def areas_for(person: Any) -> frozenset[Area]:
    """The areas a person may open; one query, cached on the user object for the rest of the request."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    cached = getattr(person, "_tandem_areas", None)
    if cached is not None:
        return cached

    def holds(*roles: str) -> Exists:
        return Exists(Membership.objects.filter(person=OuterRef("pk"), role__in=roles))

    row = (
        Person.objects.filter(pk=person.pk)
        .values_list(
            holds(Role.MENTOR, Role.MENTEE),
            holds(Role.COORDINATOR),
            Exists(Person.objects.filter(line_manager=OuterRef("pk"), is_active=True)),
            holds(Role.COMMITTEE),
        )
        .first()
    ) or (False, False, False, False)
    areas = frozenset(
        area
        for area, held in zip((Area.MENTORING, Area.COORDINATING, Area.TEAM, Area.COMMITTEE), row, strict=True)
        if held
    )
    person._tandem_areas = areas
    return areas


def area_required(*areas: Area) -> Callable:
    """Page-level role check: logged in (else the login page) and holding one of ``areas`` (else 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not areas_for(request.user) & set(areas):
                raise PermissionDenied("Your roles do not open this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def roles_in(person: Person, programme: Programme) -> set[str]:
    return set(Membership.objects.filter(person=person, programme=programme).values_list("role", flat=True))


def get_programme_for(person: Person, pk: int, *, manage: bool = False) -> Programme:
    """A programme the person is a member of (else 404); with ``manage``, only its coordinators (else 403).

    The person's roles in it are attached as ``my_roles`` and ``my_role_labels`` so templates need no further query.
    """
    programme = get_object_or_404(Programme.objects.visible_to(person), pk=pk)
    programme.my_roles = roles_in(person, programme)
    programme.my_role_labels = [Role(role).label for role in Role if role in programme.my_roles]
    if manage and Role.COORDINATOR not in programme.my_roles:
        raise PermissionDenied("Only the programme's coordinators can do this.")
    return programme


# --- People import ----------------------------------------------------------------------------------------
# Importing people is organisation-wide work: any coordinator (of any programme) and any administrator may
# upload a file, and may open, apply or discard any import, including one another coordinator uploaded.
# The rows are organisation data every one of them can already import; sharing previews lets a colleague
# finish or discard an import someone else started. Everybody else gets 403.


def can_import_people(person: Any) -> bool:
    if not getattr(person, "is_authenticated", False):
        return False
    return person.is_staff or Area.COORDINATING in areas_for(person)


def people_import_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Page-level check for the import pages: logged in (else the login page), coordinator or staff (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_import_people(request.user):
            raise PermissionDenied("Only coordinators and administrators can import people.")
        return view(request, *args, **kwargs)

    return wrapped


def people_imports_visible_to(person: Any) -> QuerySet[PeopleImport]:
    return PeopleImport.objects.all() if can_import_people(person) else PeopleImport.objects.none()


def get_people_import_for(person: Any, pk: int) -> PeopleImport:
    """An import the person may see (else 404), with its uploader, for the preview and its actions."""
    return get_object_or_404(people_imports_visible_to(person).select_related("uploaded_by"), pk=pk)
