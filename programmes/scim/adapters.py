"""django-scim2 adapters: a Person as a SCIM User, an OrgUnit (team) as a SCIM Group.

``from_dict`` reads and checks a document (a bad one: SCIM 400, nothing saved); ``save`` hands the values to
``programmes.services.scim_people``, where the rules are. PATCH is applied to the resource's own document and
saved as a PUT (``patch.patch_document``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_scim import exceptions
from django_scim.adapters import SCIMGroup, SCIMUser
from django_scim.constants import SchemaURI
from django_scim.utils import get_base_scim_location_getter

from ..models import OrgUnit, Person
from ..services.scim_people import (
    ScimConflict,
    ScimPersonValues,
    scim_person_delete,
    scim_person_save,
    scim_team_delete,
    scim_team_members_set,
    scim_team_save,
)
from .patch import patch_document

ENTERPRISE = SchemaURI.ENTERPRISE_USER
MAX_MEMBERS = 5000  # one team's members in one document; more is not a team


def _bad(detail: str, scim_type: str = "invalidValue") -> exceptions.BadRequestError:
    return exceptions.BadRequestError(detail, scim_type=scim_type)


def _text(d: dict[str, Any], key: str, *, limit: int, what: str) -> str:
    value = d.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _bad(f"{what} must be a string.")
    if len(value) > limit or any(c in value for c in "\r\n\x00"):
        raise _bad(f"{what} must be one line of at most {limit} characters.")
    return value.strip()


def _bool(value: Any, what: str) -> bool | None:
    """True, False, or None (not given). Some providers send "True"/"False" as strings (Entra ID's PATCH)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _bad(f"{what} must be true or false.")


def _saving(save):
    """Tandem's refusals as SCIM errors: a taken address or id 409, a broken rule 400."""

    def wrapped(self, *args, **kwargs):
        try:
            return save(self, *args, **kwargs)
        except ScimConflict as error:
            raise exceptions.IntegrityError(str(error), scim_type="uniqueness") from error
        except IntegrityError as error:  # two requests at once: the database's unique constraint answers
            raise exceptions.IntegrityError(
                "Another resource already holds this value.", scim_type="uniqueness"
            ) from error
        except ValidationError as error:
            raise _bad(" ".join(error.messages)) from error

    return wrapped


class TandemMixin:
    id_field = "pk"

    @property
    def token(self):
        return self.request.scim_token

    @property
    def location(self) -> str:
        return urljoin(get_base_scim_location_getter()(self.request), self.path)

    def validate_dict(self, d: Any) -> None:
        if not isinstance(d, dict):
            raise _bad("The body must be a JSON object.", "invalidSyntax")

    def writable_document(self) -> dict[str, Any]:
        """The resource's document without what a client cannot write (so a PATCH changes only what it says)."""
        return {k: v for k, v in self.to_dict().items() if k not in ("meta", "id")}

    def handle_operations(self, operations: Any) -> None:
        self.patching = True  # the whole document is known: an attribute left out was removed
        self.from_dict(patch_document(self.writable_document(), operations))
        self.save()


class PersonUser(TandemMixin, SCIMUser):
    """A Person as a SCIM User; the mapping table is in the README's "SCIM provisioning"."""

    @property
    def display_name(self) -> str:
        return self.obj.display_name

    def _unit_dict(self, unit: OrgUnit) -> dict[str, Any]:
        path = reverse("scim:groups", kwargs={"uuid": str(unit.pk)})
        return {
            "value": str(unit.pk),
            "$ref": urljoin(get_base_scim_location_getter()(self.request), path),
            "display": unit.name,
        }

    def to_dict(self) -> dict[str, Any]:
        person = self.obj
        enterprise: dict[str, Any] = {}
        if person.employee_id:
            enterprise["employeeNumber"] = person.employee_id
        if person.line_manager_id:
            manager = person.line_manager
            enterprise["manager"] = {
                "value": str(manager.pk),
                "$ref": PersonUser(manager, request=self.request).location,
                "displayName": manager.display_name,
            }
        d: dict[str, Any] = {
            "schemas": [SchemaURI.USER, ENTERPRISE],
            "id": self.id,
            "userName": person.scim_user_name or person.email,
            "displayName": person.display_name,
            "emails": [{"value": person.email, "type": "work"}],
            "active": person.is_active,
            "groups": [self._unit_dict(person.org_unit)] if person.org_unit_id else [],
            "meta": {
                "resourceType": "User",
                "created": person.date_joined.isoformat(),
                "lastModified": person.date_joined.isoformat(),
                "location": self.location,
            },
        }
        if person.scim_external_id:
            d["externalId"] = person.scim_external_id
        if person.job_title:
            d["title"] = person.job_title
        if enterprise:
            d[ENTERPRISE] = enterprise
        else:
            d["schemas"] = [SchemaURI.USER]
        return d

    def writable_document(self) -> dict[str, Any]:
        doc = super().writable_document()
        doc.pop("groups", None)
        enterprise = doc.get(ENTERPRISE, {})
        if "manager" in enterprise:
            enterprise["manager"] = {"value": enterprise["manager"]["value"]}
        return doc

    def _email(self, d: dict[str, Any], user_name: str) -> str:
        emails = d.get("emails")
        if isinstance(emails, dict):  # OneLogin sends one object
            emails = [emails]
        if emails is not None and not isinstance(emails, list):
            raise _bad("emails must be a list.")
        found = [e for e in emails or [] if isinstance(e, dict) and isinstance(e.get("value"), str) and e["value"]]
        found.sort(key=lambda e: not _bool(e.get("primary"), "emails.primary"))
        email = found[0]["value"].strip() if found else user_name
        try:
            EmailValidator()(email)
        except ValidationError:
            raise _bad("A person needs a valid email address (emails, or a userName that is one).") from None
        if len(email) > 254:
            raise _bad("The email address is too long.")
        return email

    def _manager(self, enterprise: dict[str, Any]) -> Person | None:
        manager = enterprise.get("manager")
        if isinstance(manager, dict):
            manager = manager.get("value")
        if manager in (None, ""):
            return None
        if not isinstance(manager, str | int) or isinstance(manager, bool):
            raise _bad("manager.value must be the manager's SCIM id or employee id.")
        value = str(manager).strip()
        # The manager's SCIM id (RFC 7643 §4.3), else their employee id (what an HR-fed directory often holds).
        people = Person.objects.filter(scim_deleted_at__isnull=True)
        is_id = value.isascii() and value.isdigit() and len(value) < 19  # "²".isdigit(), but int("²") fails
        found = people.filter(pk=int(value)).first() if is_id else None
        found = found or people.filter(employee_id=value).first()
        if found is None:
            raise _bad(f"No person has the SCIM id or employee id “{value}” to be the manager.")
        if self.obj.pk is not None and found.pk == self.obj.pk:
            raise _bad("A person cannot be their own line manager.")
        return found

    def from_dict(self, d: dict[str, Any]) -> None:
        self.validate_dict(d)
        user_name = _text(d, "userName", limit=254, what="userName")
        if not user_name:
            raise _bad("userName is required.")
        enterprise = d.get(ENTERPRISE) or {}
        if not isinstance(enterprise, dict):
            raise _bad(f"{ENTERPRISE} must be an object.")
        name = d.get("name") if isinstance(d.get("name"), dict) else {}
        display = _text(d, "displayName", limit=150, what="displayName") or _text(
            name, "formatted", limit=150, what="name.formatted"
        )
        if not display:
            parts = [_text(name, k, limit=70, what=f"name.{k}") for k in ("givenName", "familyName")]
            display = " ".join(p for p in parts if p)
        self.values = ScimPersonValues(
            user_name=user_name,
            email=self._email(d, user_name),
            display_name=display,
            job_title=_text(d, "title", limit=150, what="title"),
            employee_id=_text(enterprise, "employeeNumber", limit=64, what="employeeNumber") or None,
            external_id=_text(d, "externalId", limit=254, what="externalId") or None,
            line_manager=self._manager(enterprise),
            active=_bool(d.get("active"), "active"),
            # A PUT (or POST) that leaves these out leaves them as they are: the HR file may keep them.
            keep_employee_id="employeeNumber" not in enterprise and not getattr(self, "patching", False),
            keep_line_manager="manager" not in enterprise and not getattr(self, "patching", False),
        )

    @_saving
    def save(self) -> None:
        self.obj = scim_person_save(person=self.obj, values=self.values, token=self.token)

    def delete(self) -> None:
        # A DELETE deactivates: the person's history (pairings, sessions, reports) stays.
        scim_person_delete(person=self.obj, token=self.token)

    @classmethod
    def resource_type_dict(cls, request=None) -> dict[str, Any]:
        d = super().resource_type_dict(request)
        d["endpoint"] = "/Users"  # relative to the service's base URL (RFC 7643 §6)
        d["schemaExtensions"] = [{"schema": ENTERPRISE, "required": False}]
        d["description"] = "A person in the organisation"
        return d


class TeamGroup(TandemMixin, SCIMGroup):
    """An org unit (team) as a SCIM Group; its members are the people whose team it is."""

    @property
    def display_name(self) -> str:
        return self.obj.name

    @property
    def members(self) -> list[dict[str, Any]]:
        if self.obj.pk is None:
            return []
        people = getattr(self.obj, "scim_members", None)  # prefetched for lists; read afresh after a change
        if people is None:
            people = self.obj.people.filter(scim_deleted_at__isnull=True).order_by("pk")
        return [
            {
                "value": str(p.pk),
                "$ref": PersonUser(p, request=self.request).location,
                "display": p.display_name,
                "type": "User",
            }
            for p in people
        ]

    def to_dict(self) -> dict[str, Any]:
        d = {
            "schemas": [SchemaURI.GROUP],
            "id": self.id,
            "displayName": self.obj.name,
            "members": self.members,
            "meta": {"resourceType": "Group", "location": self.location},
        }
        if self.obj.scim_external_id:
            d["externalId"] = self.obj.scim_external_id
        return d

    def from_dict(self, d: dict[str, Any]) -> None:
        self.validate_dict(d)
        name = _text(d, "displayName", limit=120, what="displayName")
        if not name:
            raise _bad("displayName is required.")
        members = d.get("members") or []
        if not isinstance(members, list) or len(members) > MAX_MEMBERS:
            raise _bad(f"members must be a list of at most {MAX_MEMBERS} people.")
        ids = set()
        for member in members:
            value = member.get("value") if isinstance(member, dict) else None
            if not isinstance(value, str) or not value.isdigit() or len(value) > 18:
                raise _bad("Each member's value must be a person's SCIM id.")
            ids.add(int(value))
        people = list(Person.objects.filter(pk__in=ids, scim_deleted_at__isnull=True))
        if len(people) != len(ids):
            raise _bad("A member is not a person Tandem knows.")
        self.name, self.people = name, people
        self.external_id = _text(d, "externalId", limit=254, what="externalId") or None

    @_saving
    @transaction.atomic
    def save(self) -> None:
        self.obj = scim_team_save(unit=self.obj, name=self.name, external_id=self.external_id, token=self.token)
        self.obj.__dict__.pop("scim_members", None)
        current = list(self.obj.people.filter(scim_deleted_at__isnull=True))
        wanted = {p.pk for p in self.people}
        scim_team_members_set(
            unit=self.obj, add=self.people, remove=[p for p in current if p.pk not in wanted], token=self.token
        )

    @_saving
    def delete(self) -> None:
        scim_team_delete(unit=self.obj, token=self.token)

    @classmethod
    def resource_type_dict(cls, request=None) -> dict[str, Any]:
        d = super().resource_type_dict(request)
        d["endpoint"] = "/Groups"
        d["description"] = "A team (an org unit): its members are the people in it"
        return d
