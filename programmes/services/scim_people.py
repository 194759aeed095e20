"""People and teams as a SCIM client (an identity provider) provisions them.

The SCIM adapters (``programmes.scim``) turn a SCIM document into ``ScimPersonValues``; the rules live here:
leavers go through ``leavers.person_deactivate`` (a DELETE too: the row and its history stay), comebacks through
``person_reactivate``, team changes through ``teams.person_units_record``, and a changed team or line manager is
told to ``people_moved`` once the change is committed. Every change is audited with the token's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import OrgUnit, Person, ScimToken
from .audit import audit_record
from .credentials import person_notify_credentials_changed
from .leavers import people_moved, person_deactivate, person_reactivate
from .teams import person_units_record

SOURCE = "scim"
# Fields a SCIM client writes, in the words the audit uses.
FIELD_WORDS = {
    "email": "email",
    "scim_user_name": "user name",
    "display_name": "name",
    "job_title": "job title",
    "employee_id": "employee id",
    "scim_external_id": "external id",
    "line_manager_id": "line manager",
}


class ScimConflict(Exception):
    """Another person already holds this email address, user name or employee id (SCIM answers 409)."""


@dataclass
class ScimPersonValues:
    """What a SCIM document says about a person, validated. ``active`` None leaves it as it is; so do
    ``keep_employee_id`` and ``keep_line_manager`` (a PUT that does not carry them: the HR file may own them)."""

    user_name: str
    email: str
    display_name: str
    job_title: str
    employee_id: str | None
    external_id: str | None
    line_manager: Person | None
    active: bool | None
    keep_employee_id: bool = False
    keep_line_manager: bool = False


def _by(token: ScimToken) -> str:
    return f"By SCIM (token “{token.name}”)"


def _check(person: Person) -> None:
    """Model validation, with another person's address, user name or id told apart as a conflict."""
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as error:
        fields = getattr(error, "error_dict", {})
        if any(e.code == "unique" for errors in fields.values() for e in errors):
            raise ScimConflict("; ".join(error.messages)) from error
        raise


@transaction.atomic
def scim_person_save(*, person: Person, values: ScimPersonValues, token: ScimToken) -> Person:
    """Create (``person`` unsaved) or update a person from a SCIM document; returns the person as saved."""
    created = person.pk is None
    revived = None
    if created:
        # Provisioned again after a SCIM DELETE: the same person (found by email address), with their history.
        revived = (
            Person.objects.select_for_update()
            .filter(email__iexact=values.email.strip(), scim_deleted_at__isnull=False)
            .first()
        )
    if revived is not None:
        person, created = revived, False
        person.scim_deleted_at = None
        values.active = True if values.active is None else values.active
    elif not created:
        person = Person.objects.select_for_update().get(pk=person.pk)
    before = {field: getattr(person, field) for field in FIELD_WORDS}
    email = values.email.strip().lower()
    person.email = email
    person.scim_user_name = None if values.user_name.strip().lower() == email else values.user_name.strip()
    person.display_name = values.display_name.strip() or email
    person.job_title = values.job_title.strip()
    if not values.keep_employee_id:
        person.employee_id = (values.employee_id or "").strip() or None
    person.scim_external_id = (values.external_id or "").strip() or None
    if not values.keep_line_manager:
        person.line_manager = values.line_manager
    if created:
        person.set_unusable_password()  # they log in by single sign-on, or set a password by the reset page
    _check(person)
    person.save()
    changed = [FIELD_WORDS[f] for f in FIELD_WORDS if before[f] != getattr(person, f)]
    if created or revived is not None:
        action = "person.scim_created" if created else "person.scim_provisioned_again"
        audit_record(actor=None, action=action, obj=person, subject=person, summary=f"{_by(token)}.")
    elif changed:
        audit_record(
            actor=None,
            action="person.scim_updated",
            obj=person,
            subject=person,
            summary=f"{_by(token)}: {', '.join(changed)}.",
        )
    if not created and before["email"] != person.email and before["email"]:
        person_notify_credentials_changed(person=person, what="email", address=before["email"])
    if values.active is not None:
        person = scim_person_set_active(person=person, active=values.active, token=token)
    if not created and before["line_manager_id"] != person.line_manager_id:
        _moved([person.pk])
    return person


def scim_person_set_active(*, person: Person, active: bool, token: ScimToken) -> Person:
    """active=false: the person has left (``person_deactivate``); active=true: they are back."""
    if active == person.is_active:
        return person
    if active:
        person = person_reactivate(person=person, by=None, source=SOURCE)
    else:
        person = person_deactivate(person=person, by=None, source=SOURCE)
    audit_record(
        actor=None,
        action="person.scim_reactivated" if active else "person.scim_deactivated",
        obj=person,
        subject=person,
        summary=f"{_by(token)}.",
    )
    return person


@transaction.atomic
def scim_person_delete(*, person: Person, token: ScimToken) -> Person:
    """A SCIM DELETE: the person is deactivated as a leaver and SCIM no longer shows them; the row and its history
    (pairings, sessions, reports) stay. Provisioning the same email address again brings them back."""
    person = scim_person_set_active(person=person, active=False, token=token)
    Person.objects.filter(pk=person.pk).update(scim_deleted_at=timezone.now())
    audit_record(actor=None, action="person.scim_deleted", obj=person, subject=person, summary=f"{_by(token)}.")
    return person


def _moved(person_ids: list[int]) -> None:
    if person_ids:
        transaction.on_commit(lambda: people_moved(person_ids=person_ids, by=None, source=SOURCE))


@transaction.atomic
def scim_team_save(*, unit: OrgUnit, name: str, external_id: str | None, token: ScimToken) -> OrgUnit:
    """Create (``unit`` unsaved: a top-level team) or rename a team."""
    created = unit.pk is None
    old = unit.name
    unit.name = name.strip()
    unit.scim_external_id = external_id or None
    try:
        unit.full_clean()
    except ValidationError as error:
        raise ScimConflict("; ".join(error.messages)) from error
    unit.save()
    if created or old != unit.name:
        audit_record(
            actor=None,
            action="orgunit.scim_created" if created else "orgunit.scim_renamed",
            obj=unit,
            summary=f"{_by(token)}: {unit.name}.",
        )
    return unit


@transaction.atomic
def scim_team_members_set(
    *, unit: OrgUnit, add: Iterable[Person] = (), remove: Iterable[Person] = (), token: ScimToken
) -> list[int]:
    """Move people into ``unit`` (out of whatever team they were in: a person is in one team) and out of it (to no
    team). Dated in their team history; returns the ids of the people who moved."""
    moves: dict[int, tuple[int | None, int | None]] = {}
    for person in add:
        if person.org_unit_id != unit.pk:
            moves[person.pk] = (person.org_unit_id, unit.pk)
    for person in remove:
        if person.org_unit_id == unit.pk and person.pk not in moves:
            moves[person.pk] = (unit.pk, None)
    for pk, (_, now) in moves.items():
        Person.objects.filter(pk=pk).update(org_unit_id=now)
    person_units_record(moves=moves)
    if moves:
        audit_record(
            actor=None,
            action="orgunit.scim_members",
            obj=unit,
            summary=f"{_by(token)}: {len(moves)} {'person' if len(moves) == 1 else 'people'} moved.",
        )
    _moved(sorted(moves))
    return sorted(moves)


@transaction.atomic
def scim_team_delete(*, unit: OrgUnit, token: ScimToken) -> None:
    """Delete a team SCIM made: its people are left without a team (dated), as the Django admin's delete does.
    A unit with units inside it is refused (ScimConflict)."""
    if unit.children.exists():
        raise ScimConflict(f"{unit.name} has teams inside it; move or delete them first.")
    members = list(unit.people.all())
    scim_team_members_set(unit=unit, remove=members, token=token)
    audit_record(actor=None, action="orgunit.scim_deleted", obj=unit, summary=f"{_by(token)}: {unit.name}.")
    unit.delete()
