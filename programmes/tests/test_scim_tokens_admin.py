"""SCIM tokens in the Django admin: made by an administrator, shown once, listed, revoked."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from programmes.models import AuditEvent, ScimToken
from programmes.services.scim_tokens import scim_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    """Ada, the cast's administrator, logged in to the Django admin."""
    client.force_login(administrator)
    return client


def _shown_token(html: str) -> str:
    return re.search(r'id="scim-token" type="text" readonly value="([^"]+)"', html).group(1)


def test_the_token_is_shown_once_and_then_works(admin_client, administrator, django_app_client):
    page = admin_client.get(reverse("admin:programmes_scimtoken_add"))
    assert page.status_code == 200
    response = admin_client.post(reverse("admin:programmes_scimtoken_add"), {"name": "Okta"})
    assert response.status_code == 200
    raw = _shown_token(response.content.decode())
    token = ScimToken.objects.get(name="Okta")
    assert token.created_by == administrator
    # Nowhere again: not in the list, not on the token's page.
    listing = admin_client.get(reverse("admin:programmes_scimtoken_changelist")).content.decode()
    detail = admin_client.get(reverse("admin:programmes_scimtoken_change", args=[token.pk])).content.decode()
    assert "Okta" in listing and raw not in listing and raw not in detail
    assert django_app_client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert AuditEvent.objects.filter(action="scim_token.created", actor=administrator).exists()


def test_revoking_in_the_list_ends_the_token(admin_client, administrator, django_app_client):
    token, raw = scim_token_create(name="Entra ID", by=administrator)
    response = admin_client.post(
        reverse("admin:programmes_scimtoken_changelist"),
        {"action": "revoke_scim_tokens", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert django_app_client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_token_cannot_be_edited_or_deleted(admin_client, administrator):
    token, _ = scim_token_create(name="Entra ID", by=administrator)
    admin_client.post(reverse("admin:programmes_scimtoken_change", args=[token.pk]), {"name": "Renamed"})
    token.refresh_from_db()
    assert token.name == "Entra ID"
    assert admin_client.get(reverse("admin:programmes_scimtoken_delete", args=[token.pk])).status_code == 403


@pytest.fixture
def django_app_client():
    """A second client, with no session: an identity provider."""
    from django.test import Client

    return Client()


def test_people_who_are_not_administrators_never_see_the_tokens(client, cast):
    for role in ("coordinator", "mentor", "line_manager", "outsider"):
        client.force_login(cast[role])
        response = client.get(reverse("admin:programmes_scimtoken_changelist"))
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("tokens", [3, 30])
def test_the_token_list_makes_the_same_queries_however_many_tokens(
    admin_client, administrator, tokens, django_assert_num_queries
):
    for i in range(tokens):
        scim_token_create(name=f"Provider {i}", by=administrator)
    # session, user, count, page (creators joined), the total count, the session-limit touch
    with django_assert_num_queries(6):
        assert admin_client.get(reverse("admin:programmes_scimtoken_changelist")).status_code == 200
