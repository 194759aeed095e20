"""Shared by the SCIM tests: a token and a client that speaks SCIM with it."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django_scim.constants import SchemaURI

from programmes.services.scim_tokens import scim_token_create

ENTERPRISE = SchemaURI.ENTERPRISE_USER
SCIM = "/scim/v2"


class ScimClient:
    """The Django test client with the bearer token and SCIM's content type on every request."""

    def __init__(self, client: Client, raw: str) -> None:
        self.client, self.raw = client, raw

    def call(self, method: str, path: str, body: Any = None, *, raw_body: str | None = None, **extra):
        data = raw_body if raw_body is not None else (json.dumps(body) if body is not None else "")
        return getattr(self.client, method)(
            SCIM + path,
            data=data,
            content_type="application/scim+json",
            headers={"Authorization": f"Bearer {self.raw}"},
            **extra,
        )

    def get(self, path: str, **extra):
        return self.client.get(SCIM + path, headers={"Authorization": f"Bearer {self.raw}"}, **extra)


def make_scim_client(client: Client, by=None) -> tuple[ScimClient, Any]:
    token, raw = scim_token_create(name="Entra ID", by=by)
    return ScimClient(client, raw), token


def user_doc(email: str, **extra: Any) -> dict[str, Any]:
    return {
        "schemas": [SchemaURI.USER, ENTERPRISE],
        "userName": email,
        "emails": [{"value": email, "type": "work", "primary": True}],
        "displayName": extra.pop("displayName", "New Person"),
        **extra,
    }
