"""The schemas Tandem publishes (/scim/v2/Schemas): django-scim2's copies of RFC 7643's, cut down to the attributes
Tandem stores, so that a client (and scim2-tester) reads what a person or team can hold here.

Changed from the RFC: ``emails`` and ``emails.value`` are required (a person logs in and is told things by email);
``name`` is left out (Tandem keeps one display name: ``displayName``, or ``name.formatted`` when a client sends no
displayName); the enterprise extension keeps ``employeeNumber`` (Tandem's employee id) and ``manager``.
"""

from __future__ import annotations

import copy
from typing import Any

from django_scim.constants import SchemaURI
from django_scim.schemas import ALL

USER_ATTRIBUTES = {"userName", "displayName", "title", "active", "emails", "groups"}
EMAIL_SUBATTRIBUTES = {"value", "type"}  # one address, the work one: "primary" would always be true
ENTERPRISE_ATTRIBUTES = {"employeeNumber", "manager"}


def _by_id(schema_id: str) -> dict[str, Any]:
    return copy.deepcopy(next(s for s in ALL if s["id"] == schema_id))


def _user() -> dict[str, Any]:
    schema = _by_id(SchemaURI.USER)
    schema["attributes"] = [a for a in schema["attributes"] if a["name"] in USER_ATTRIBUTES]
    for attribute in schema["attributes"]:
        if attribute["name"] == "emails":
            attribute["required"] = True
            attribute["subAttributes"] = [s for s in attribute["subAttributes"] if s["name"] in EMAIL_SUBATTRIBUTES]
            for sub in attribute["subAttributes"]:
                if sub["name"] == "value":
                    sub["required"] = True
                if sub["name"] == "type":
                    sub["canonicalValues"] = ["work"]
        if attribute["name"] == "groups":
            # A person is in one team at most: their Group.
            attribute["subAttributes"] = [s for s in attribute["subAttributes"] if s["name"] != "type"]
    return schema


def _enterprise() -> dict[str, Any]:
    schema = _by_id(SchemaURI.ENTERPRISE_USER)
    schema["attributes"] = [a for a in schema["attributes"] if a["name"] in ENTERPRISE_ATTRIBUTES]
    return schema


def _group() -> dict[str, Any]:
    schema = _by_id(SchemaURI.GROUP)
    for attribute in schema["attributes"]:
        if attribute["name"] == "displayName":
            attribute["required"] = True  # RFC 7643 §4.2: "REQUIRED"
        if attribute["name"] == "members":
            # Members are people (a team inside a team is the org tree's business, kept in the Django admin).
            for sub in attribute["subAttributes"]:
                if sub["name"] == "$ref":
                    sub["referenceTypes"] = ["User"]
                if sub["name"] == "type":
                    sub["canonicalValues"] = ["User"]
            attribute["subAttributes"].append(
                {
                    "name": "display",
                    "type": "string",
                    "multiValued": False,
                    "description": "The member's display name (RFC 7643 §4.2).",
                    "required": False,
                    "caseExact": False,
                    "mutability": "readOnly",
                    "returned": "default",
                    "uniqueness": "none",
                }
            )
    return schema


def _with_location(schema: dict[str, Any]) -> dict[str, Any]:
    schema["schemas"] = ["urn:ietf:params:scim:schemas:core:2.0:Schema"]
    schema["meta"] = {"resourceType": "Schema", "location": f"/scim/v2/Schemas/{schema['id']}"}
    return schema


SCHEMAS = [_with_location(s) for s in (_user(), _enterprise(), _group())]


def tandem_schemas() -> list[dict[str, Any]]:
    """SCHEMAS_GETTER for django-scim2."""
    return SCHEMAS
