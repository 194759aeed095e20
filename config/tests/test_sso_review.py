"""Single sign-on as an attacker or a confused person would try it: where ``next`` may send them, and what a
person who may not use a password sees when they ask for a reset."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from config.tests.sso import callback_path, provider_login
from programmes.models import Person

pytestmark = pytest.mark.django_db


def sso_login_from(client, username: str, next_url: str):
    response = client.get(reverse("oidc_authentication_init"), {"next": next_url})
    assert response.status_code == 302, response.content
    return client.get(callback_path(provider_login(response["Location"], username)))


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example/steal",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        " https://evil.example/",
    ],
)
def test_sso_never_sends_anyone_to_another_host(client, sso, mentee, next_url):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    response = sso_login_from(client, "mina", next_url)
    assert response.status_code == 302
    assert client.session.get(SESSION_KEY) == str(mentee.pk)
    location = response["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location, location
    assert "evil" not in location and "javascript" not in location


def test_sso_follows_a_local_next(client, sso, mentee):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    response = sso_login_from(client, "mina", "/programmes/courses/")
    assert response["Location"] == "/programmes/courses/"


def test_an_email_claim_in_another_case_finds_the_person(client, sso, mentee):
    Person.objects.filter(pk=mentee.pk).update(email="Mina.Mentee@Example.org")
    sso.user("mina", sub="idp-mina", email="MINA.MENTEE@EXAMPLE.ORG")
    response = sso_login_from(client, "mina", "/")
    assert response.status_code == 302 and client.session.get(SESSION_KEY) == str(mentee.pk)
    assert Person.objects.filter(email__iexact="mina.mentee@example.org").count() == 1


def test_with_passwords_for_administrators_only_the_reset_page_says_to_use_sso(client, sso, settings, mentee):
    settings.TANDEM_PASSWORD_LOGIN = "admins-only"
    page = client.get(reverse("password_reset")).content.decode()
    assert "Log in with Test ID" in page and "administrators" in page
    assert reverse("oidc_authentication_init") in page
    settings.TANDEM_PASSWORD_LOGIN = "all"
    page = client.get(reverse("password_reset")).content.decode()
    assert "Log in with Test ID" not in page
