"""Who may speak SCIM: a valid, unrevoked bearer token only; the limits on what it may send."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from programmes.models import AuditEvent, ScimToken
from programmes.services.scim_tokens import scim_token_revoke
from programmes.tests.factories import PersonFactory
from programmes.tests.scim_helpers import make_scim_client, user_doc

pytestmark = pytest.mark.django_db

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _is_scim_401(response) -> bool:
    return (
        response.status_code == 401
        and response["Content-Type"] == "application/scim+json"
        and response.json()["schemas"] == [ERROR]
        and response["WWW-Authenticate"].startswith("Bearer")
    )


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong-token", "Basic YWRtaW46cGFzcw==", "bearer  "])
def test_no_or_a_wrong_token_is_a_scim_401(client, header):
    headers = {"Authorization": header} if header else {}
    assert _is_scim_401(client.get("/scim/v2/Users", headers=headers))


def test_a_revoked_token_is_a_401(client, administrator):
    scim, token = make_scim_client(client, by=administrator)
    assert scim.get("/Users").status_code == 200
    scim_token_revoke(token=token, by=administrator)
    assert _is_scim_401(scim.get("/Users"))
    assert AuditEvent.objects.filter(action="scim_token.revoked", actor=administrator).exists()


def test_an_administrator_logged_in_to_the_site_without_a_token_gets_401(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 200  # the session works for the site
    assert _is_scim_401(client.get("/scim/v2/Users"))
    response = client.post("/scim/v2/Users", data=user_doc("x@example.org"), content_type="application/scim+json")
    assert _is_scim_401(response)


def test_a_session_does_not_stand_in_for_the_token_s_owner(client, administrator):
    # A token works on its own; the session of whoever is logged in changes nothing about what it can do.
    scim, _ = make_scim_client(client, by=administrator)
    client.force_login(PersonFactory())
    assert scim.get("/Users").status_code == 200
    client.logout()
    assert scim.get("/Users").status_code == 200


def test_only_a_hash_of_the_token_is_stored_and_use_is_recorded(client, administrator):
    scim, token = make_scim_client(client, by=administrator)
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(scim.raw.encode()).hexdigest()
    assert not ScimToken.objects.filter(token_hash=scim.raw).exists()
    assert token.last_used_at is None
    scim.get("/Users")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_too_large_a_body_is_a_413_before_anything_is_read(client, administrator, settings):
    settings.TANDEM_SCIM_MAX_BODY_BYTES = 2048
    scim, _ = make_scim_client(client, by=administrator)
    response = scim.call("post", "/Users", user_doc("x@example.org", displayName="x" * 4000))
    assert response.status_code == 413
    assert response.json()["schemas"] == [ERROR]


def test_too_many_requests_with_one_token_is_a_429(client, administrator, settings):
    settings.TANDEM_SCIM_REQUESTS_PER_MINUTE = 3
    scim, _ = make_scim_client(client, by=administrator)
    other, _ = make_scim_client(client, by=administrator)
    statuses = [scim.get("/ServiceProviderConfig").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert other.get("/ServiceProviderConfig").status_code == 200  # counted per token


def test_a_scim_change_is_audited_with_the_token_name(client, administrator):
    scim, _ = make_scim_client(client, by=administrator)
    scim.call("post", "/Users", user_doc("x@example.org"))
    event = AuditEvent.objects.get(action="person.scim_created")
    assert "Entra ID" in event.summary and event.actor is None
