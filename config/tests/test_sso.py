"""Single sign-on against a real OpenID provider (config/tests/oidc_provider.py, Authlib, in its own process).

Tandem's side runs in the test client; the person's side at the provider (its login and consent pages) through
``requests``; Tandem exchanges the code with the provider over real HTTP and checks the real signed ID token. The
browser journey is in test_sso_browser.py.
"""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from config.tests.sso import callback_path, provider_login
from programmes.models import AuditEvent, Person
from programmes.services.leavers import person_deactivate
from programmes.tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def start(client) -> str:
    """Tandem's SSO button: the redirect to the provider's authorization endpoint."""
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302, response.content
    return response["Location"]


def sso_login(client, username: str, *, allow: bool = True):
    """The whole way: Tandem's button, the provider's login and consent pages, back to Tandem's callback."""
    return client.get(callback_path(provider_login(start(client), username, allow=allow)))


def logged_in_as(client) -> Person | None:
    pk = client.session.get(SESSION_KEY)
    return Person.objects.get(pk=pk) if pk else None


def refused(response, status: int, words: str) -> str:
    """A clear page (never a 500), the person not logged in."""
    text = response.content.decode()
    assert response.status_code == status, text
    assert words in text, text
    assert SESSION_KEY not in response.wsgi_request.session
    return text


# --- off unless configured -------------------------------------------------------------------------------------


def test_without_an_issuer_the_login_page_has_no_sso_button_and_the_sso_pages_are_not_there(client):
    page = client.get(reverse("login")).content.decode()
    assert "Log in with" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_with_an_issuer_the_login_page_offers_the_provider(client, sso):
    page = client.get(reverse("login"), {"next": "/programmes/"}).content.decode()
    assert "Log in with Test ID" in page
    assert f"{reverse('oidc_authentication_init')}?next=/programmes/" in page


# --- happy paths -----------------------------------------------------------------------------------------------


def test_a_coordinator_logs_in_by_email_and_keeps_the_subject_for_next_time(client, sso, coordinator, pairing):
    sso.user("cora", sub="idp-cora", email="Coordinator@Example.org", name="Cora C.")
    response = sso_login(client, "cora")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert logged_in_as(client) == coordinator
    # The right roles: a coordinator's home is their programmes, which list this one.
    assert client.get(reverse("home"))["Location"] == reverse("programmes:list")
    assert pairing.programme.name in client.get(reverse("programmes:list")).content.decode()
    coordinator.refresh_from_db()
    assert coordinator.sso_subject == "idp-cora"
    assert coordinator.display_name == "Cora Coordinator"  # Tandem's records, not the claim, name a known person
    login = AuditEvent.objects.get(action="login.sso", subject=coordinator)
    assert login.summary == "Logged in with single sign-on."
    assert AuditEvent.objects.filter(action="person.sso_linked", subject=coordinator).count() == 1


def test_the_next_login_finds_the_person_by_subject_even_after_their_email_changed(client, sso, mentee):
    mentee.sso_subject = "idp-mina"
    mentee.save()
    sso.user("mina", sub="idp-mina", email="mina.new-name@example.org")
    assert sso_login(client, "mina").status_code == 302
    assert logged_in_as(client) == mentee


def test_an_employee_id_claim_finds_the_person_when_configured(client, sso, settings, mentor):
    settings.TANDEM_OIDC_CLAIM_EMPLOYEE_ID = "employee_number"
    mentor.employee_id = "E-1001"
    mentor.save()
    sso.user("max", sub="idp-max", email="max.private@example.net", employee_number="E-1001")
    assert sso_login(client, "max").status_code == 302
    assert logged_in_as(client) == mentor


def test_an_unknown_person_is_created_when_the_organisation_allows_it(client, sso, settings):
    settings.TANDEM_OIDC_CREATE_USERS = True
    sso.user("nova", sub="idp-nova", email="nova@example.org", name="Nova Newcomer")
    assert sso_login(client, "nova").status_code == 302
    person = logged_in_as(client)
    assert (person.email, person.display_name, person.sso_subject) == ("nova@example.org", "Nova Newcomer", "idp-nova")
    assert not person.has_usable_password()
    assert AuditEvent.objects.filter(action="person.created", subject=person).exists()


def test_a_password_login_is_audited_as_a_password_login(client, mentee):
    client.post(reverse("login"), {"username": mentee.email, "password": PASSWORD})
    assert AuditEvent.objects.get(action="login.password", subject=mentee).summary == "Logged in with a password."


# --- bad cases: each a clear page, never a 500, never logged in -------------------------------------------------


def test_an_id_token_for_another_client_is_refused(client, sso, mentee):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    sso.fault(aud="another-application")
    text = refused(sso_login(client, "mina"), 403, "meant for another application")
    assert "people@example.org" in text  # whom to ask
    assert AuditEvent.objects.filter(action="login.refused", summary__contains="audience").exists()


def test_an_expired_id_token_is_refused(client, sso, mentee):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    sso.fault(exp=-600)
    refused(sso_login(client, "mina"), 403, "had already expired")
    mentee.refresh_from_db()
    assert mentee.sso_subject is None  # nothing kept from a refused answer


@pytest.mark.parametrize(
    "fault", [{"nonce": "a-nonce-of-another-login"}, {"kid": "a-key-the-provider-never-published"}], ids=str
)
def test_an_id_token_with_another_nonce_or_an_unknown_key_is_refused(client, sso, mentee, fault):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    sso.fault(**fault)
    refused(sso_login(client, "mina"), 403, "could not be checked")
    assert AuditEvent.objects.filter(action="login.refused", summary__endswith="refused: token.").exists()


def test_a_tampered_state_is_refused(client, sso, mentee):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    location = provider_login(start(client), "mina")
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    response = client.get(parts.path, {**query, "state": query["state"][:-2] + "xx"})
    refused(response, 400, "does not belong to a login started in this browser")
    # The genuine answer, replayed after the tampered one, still works once (the state was not used up)...
    assert client.get(callback_path(location)).status_code == 302
    client.logout()
    # ...and never twice.
    refused(client.get(callback_path(location)), 400, "Please log in again")


def test_a_tampered_code_is_refused_by_the_provider_and_shown_as_such(client, sso, mentee):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    location = provider_login(start(client), "mina")
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    response = client.get(parts.path, {**query, "code": query["code"] + "x"})
    refused(response, 400, "did not accept this login answer")


def test_an_answer_for_a_login_started_in_another_browser_is_refused(client, sso, mentee):
    from django.test import Client

    sso.user("mina", sub="idp-mina", email=mentee.email)
    location = provider_login(start(Client()), "mina")
    refused(client.get(callback_path(location)), 400, "does not belong to a login started in this browser")


def test_an_unknown_email_with_creation_off_gets_a_page_saying_whom_to_ask(client, sso):
    sso.user("stranger", sub="idp-stranger", email="stranger@example.org")
    text = refused(sso_login(client, "stranger"), 403, "has no Tandem account yet")
    assert "the people team (people@example.org)" in text
    assert not Person.objects.filter(email="stranger@example.org").exists()
    assert AuditEvent.objects.filter(action="login.refused", summary__contains="stranger@example.org").exists()


def test_a_deactivated_person_is_refused(client, sso, mentee, coordinator):
    person_deactivate(person=mentee, by=coordinator)
    sso.user("mina", sub="idp-mina", email=mentee.email)
    refused(sso_login(client, "mina"), 403, "Your Tandem account is closed")
    assert AuditEvent.objects.filter(action="login.refused", subject=mentee).exists()


def test_a_person_who_has_left_is_refused(client, sso, mentor):
    mentor.left_at = timezone.now() - datetime.timedelta(days=1)
    mentor.sso_subject = "idp-max"
    mentor.save()
    sso.user("max", sub="idp-max", email=mentor.email)
    refused(sso_login(client, "max"), 403, "Your Tandem account is closed")


def test_a_subject_that_belongs_to_someone_else_never_matches_by_email(client, sso, mentee):
    mentee.sso_subject = "idp-the-real-mina"
    mentee.save()
    sso.user("impostor", sub="idp-impostor", email=mentee.email)
    refused(sso_login(client, "impostor"), 403, "linked to another single sign-on identity")
    mentee.refresh_from_db()
    assert mentee.sso_subject == "idp-the-real-mina"


def test_declining_at_the_provider_is_a_clear_page(client, sso, mentee):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    refused(sso_login(client, "mina", allow=False), 403, "did not log you in")


def test_a_provider_that_cannot_be_reached_is_a_clear_page(client, settings):
    from config import sso as sso_module

    settings.TANDEM_OIDC_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing answers
    settings.TANDEM_OIDC_CLIENT_ID, settings.TANDEM_OIDC_CLIENT_SECRET = "tandem", "secret"
    sso_module._metadata.clear()
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 503
    assert "could not reach your identity provider" in response.content.decode()
    assert "Log in with" in client.get(reverse("login")).content.decode()  # the password form still works


# --- lockout, session limits, logout ---------------------------------------------------------------------------


def test_an_account_locked_out_by_failed_passwords_cannot_get_in_with_sso_either(client, sso, settings, mentee):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": mentee.email, "password": "wrong password"})
    sso.user("mina", sub="idp-mina", email=mentee.email)
    refused(sso_login(client, "mina"), 429, "Logging in to this account from this address is paused")
    assert not AuditEvent.objects.filter(action="login.sso").exists()


def test_an_sso_login_resets_the_failed_password_count_as_a_password_login_does(client, sso, settings, mentee):
    settings.AXES_FAILURE_LIMIT = 2
    wrong = {"username": mentee.email, "password": "wrong password"}
    client.post(reverse("login"), wrong)
    sso.user("mina", sub="idp-mina", email=mentee.email)
    assert sso_login(client, "mina").status_code == 302
    client.logout()
    client.post(reverse("login"), wrong)  # the first failure since the login, not the second
    response = client.post(reverse("login"), {"username": mentee.email, "password": PASSWORD})
    assert response.status_code == 302 and logged_in_as(client) == mentee


def test_an_sso_login_ends_after_the_idle_limit_like_a_password_login(client, sso, settings, mentee):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    assert sso_login(client, "mina").status_code == 302
    assert client.get(reverse("mentoring:home")).status_code == 200
    later = timezone.now() + datetime.timedelta(minutes=settings.TANDEM_SESSION_IDLE_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        response = client.get(reverse("mentoring:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_logging_out_after_sso_offers_the_providers_logout(client, sso, mentee):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    sso_login(client, "mina")
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("sso_logged_out")
    page = client.get(reverse("sso_logged_out"))
    assert SESSION_KEY not in client.session
    text = page.content.decode()
    assert "You are logged out of Tandem" in text
    link = next(part.split('"', 1)[0] for part in text.split('href="') if "end_session" in part)
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert link.startswith(f"{sso.issuer}/end_session?")
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["client_id"] == ["tandem"] and query["id_token_hint"][0].count(".") == 2
    # Shown once: a reload goes to the login page.
    assert client.get(reverse("sso_logged_out"))["Location"] == reverse("login")


def test_logging_out_after_a_password_login_goes_to_the_login_page_as_before(client, sso, mentee):
    client.post(reverse("login"), {"username": mentee.email, "password": PASSWORD})
    assert client.post(reverse("logout"))["Location"] == reverse("login")


# --- password login for administrators only --------------------------------------------------------------------


def test_with_password_login_for_administrators_only_others_are_sent_to_the_sso_button(
    client, sso, settings, mentee, administrator
):
    settings.TANDEM_PASSWORD_LOGIN = "admins-only"
    page = client.get(reverse("login")).content.decode()
    assert "The password form below is for Tandem's administrators" in page
    response = client.post(reverse("login"), {"username": mentee.email, "password": PASSWORD})
    text = response.content.decode()
    assert response.status_code == 200 and SESSION_KEY not in client.session
    assert "passwords are for administrators only" in text and "Log in with Test ID" in text
    response = client.post(reverse("login"), {"username": administrator.email, "password": PASSWORD})
    assert response.status_code == 302 and logged_in_as(client) == administrator


def test_with_password_login_for_administrators_only_others_get_no_reset_email(
    client, sso, settings, mentee, mailoutbox
):
    settings.TANDEM_PASSWORD_LOGIN = "admins-only"
    client.post(reverse("password_reset"), {"email": mentee.email})
    assert mailoutbox == []


def test_a_deactivated_persons_sso_session_ends(client, sso, mentee, coordinator):
    sso.user("mina", sub="idp-mina", email=mentee.email)
    sso_login(client, "mina")
    person_deactivate(person=mentee, by=coordinator)
    assert client.get(reverse("mentoring:home"))["Location"].startswith(reverse("login"))


def test_person_for_sso_refuses_an_unverified_email(db, settings):
    from programmes.services.sso import SsoIdentity, SsoRefused, person_for_sso

    person = PersonFactory(email="ann@example.org")
    settings.TANDEM_OIDC_CREATE_USERS = False
    with pytest.raises(SsoRefused) as caught:
        person_for_sso(identity=SsoIdentity(subject="s1", email="ann@example.org", email_verified=False))
    assert caught.value.reason == "unknown"
    person.refresh_from_db()
    assert person.sso_subject is None


def test_person_for_sso_never_creates_a_second_account_for_an_email_it_could_not_match(db, settings):
    from programmes.services.sso import SsoIdentity, SsoRefused, person_for_sso

    PersonFactory(email="ann@example.org")
    settings.TANDEM_OIDC_CREATE_USERS = True
    with pytest.raises(SsoRefused) as caught:
        person_for_sso(identity=SsoIdentity(subject="s1", email="Ann@example.org", email_verified=False))
    assert caught.value.reason == "no_email"  # not matched by an unverified address, nor created beside it
    assert Person.objects.filter(email__iexact="ann@example.org").count() == 1
