"""The site's own pages speak German and Spanish: a browser's language is followed before anyone chooses, the
footer's switcher changes it (and keeps a logged-in person's choice), what is sent to a person is in theirs, and
the scripts' strings come in the page's language."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.shortcuts import render
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from config.tests.html_forms import form_of
from config.tests.test_pseudo_locale import (
    VisibleText,
    data_words,
    english_left,
    in_pseudo_locale,
    pseudo_locale,
    visible_text,
)
from core.catalogues import PSEUDO_OPEN

FIXTURES = (in_pseudo_locale, pseudo_locale)  # the pseudo-locale test's, used here by name

pytestmark = pytest.mark.django_db


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page)[1]


def test_the_login_page_is_german_for_a_browser_that_asks_for_german(client):
    page = client.get(reverse("login"), headers={"accept-language": "de-DE,de;q=0.9,en;q=0.5"}).content.decode()
    assert html_lang(page) == "de"
    assert "Bei Tandem anmelden" in page and "Passwort vergessen?" in page
    assert "Log in to Tandem" not in page


def test_the_footer_switcher_turns_an_anonymous_visitors_pages_spanish():
    browser = Client(enforce_csrf_checks=True)  # the form must carry its own CSRF token, as in a browser
    login = reverse("login")
    page = browser.get(login, headers={"accept-language": "en-GB"})
    assert html_lang(page.content.decode()) == "en-gb"
    switcher = form_of(page.content.decode(), action=reverse("language_set"))
    response = switcher.submit(browser, login, language="es")
    assert (response.status_code, response["Location"]) == (302, login)  # back where they were
    again = browser.get(login, headers={"accept-language": "en-GB"}).content.decode()
    assert html_lang(again) == "es"
    assert "Iniciar sesión en Tandem" in again and "Log in to Tandem" not in again


def test_the_footer_switcher_keeps_a_logged_in_persons_choice(mentee):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(mentee)
    home = reverse("password_change")  # any page of theirs
    switcher = form_of(browser.get(home).content.decode(), action=reverse("language_set"))
    assert switcher.submit(browser, home, language="es")["Location"] == home
    mentee.refresh_from_db()
    assert mentee.language == "es"  # what is sent to them follows it too
    page = browser.get(home).content.decode()
    assert html_lang(page) == "es" and "Notificaciones" in page and "Cerrar sesión" in page
    # On another computer whose browser prefers English, their choice still wins once they log in there.
    elsewhere = Client()
    elsewhere.force_login(mentee)
    assert html_lang(elsewhere.get(home, headers={"accept-language": "en-GB"}).content.decode()) == "es"


def test_the_password_reset_email_is_in_the_language_of_the_person_it_is_for(client, mentee):
    mentee.language = "de"
    mentee.save(update_fields=["language"])
    # Asked for from an English browser: the email is still written in the recipient's German.
    client.post(reverse("password_reset"), {"email": mentee.email}, headers={"accept-language": "en-GB"})
    [email] = mail.outbox
    assert email.subject == "Setzen Sie Ihr Tandem-Passwort zurück"
    assert email.body.startswith("Hallo ") and "Wählen Sie hier ein neues Passwort" in email.body
    assert "/accounts/password/reset/" in email.body
    # And the page that follows is in the English of the person who asked.
    assert "Check your email" in client.get(reverse("password_reset_done")).content.decode()


def test_the_javascript_catalogue_answers_a_german_visitor_in_german(client):
    response = client.get(reverse("javascript-catalog"), headers={"accept-language": "de"})
    assert response.status_code == 200
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)[1])
    assert catalogue["Copied"] == "Kopiert"
    assert catalogue["The address is copied."] == "Die Adresse ist kopiert."
    assert catalogue["%(done)s of %(total)s row checked"] == [
        "%(done)s von %(total)s Zeile geprüft",
        "%(done)s von %(total)s Zeilen geprüft",
    ]


# The site's own pages in the pseudo-locale: every word on them went through translation (the matrix's sweep in
# test_pseudo_locale covers the pages with a URL of their own; these are the error pages, the lockout, the
# single sign-on refusals and the password reset email, which it cannot reach).


def _request(path: str = "/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


def _assert_all_translated(text: str, what: str) -> None:
    assert PSEUDO_OPEN in text, f"{what}: nothing translated"
    assert english_left(text, data_words()) == [], f"{what}: English left"  # the person's name is theirs


def test_the_error_pages_are_translated(client, mentee, in_pseudo_locale):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = in_pseudo_locale
    _assert_all_translated(visible_text(client.get("/no/such/page/")), "404")
    body = "username=a&password=b".encode("utf-16")
    kind = "application/x-www-form-urlencoded; charset=utf-16"  # a form Django refuses to read
    bad = client.generic("POST", reverse("login"), body, content_type=kind)
    assert bad.status_code == 400
    _assert_all_translated(visible_text(bad), "400")
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies[settings.LANGUAGE_COOKIE_NAME] = in_pseudo_locale
    refused = csrf.post(reverse("login"), {"username": "a", "password": "b"})
    assert refused.status_code == 403
    _assert_all_translated(visible_text(refused), "403 CSRF")
    client.force_login(mentee)
    forbidden = client.get(reverse("programmes:list"))
    assert forbidden.status_code == 403
    _assert_all_translated(visible_text(forbidden), "403")
    with translation.override(in_pseudo_locale):
        parser = VisibleText()
        parser.feed(render_to_string("500.html"))
    _assert_all_translated("\n".join(parser.chunks), "500")


def test_the_password_pages_the_lockout_and_the_sso_pages_are_translated(client, mentee, in_pseudo_locale):
    from config import sso
    from core.security import lockout_response

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = in_pseudo_locale
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        _assert_all_translated(visible_text(client.get(reverse(name))), name)
    broken = reverse("password_reset_confirm", kwargs={"uidb64": "x", "token": "y"})
    _assert_all_translated(visible_text(client.get(broken)), "an expired reset link")
    with translation.override(in_pseudo_locale):
        pages = {
            "lockout": lockout_response(_request()),
            "sso unavailable": sso.refusal_page(_request(), *sso.UNAVAILABLE, status=503),
            "sso bad state": sso.refusal_page(_request(), *sso.BAD_STATE, status=400),
            "sso logged out": render(
                _request(),
                "registration/sso_logged_out.html",
                {"provider_logout_url": "https://id.example.org/logout", "provider_name": "Okta"},
            ),
        }
    for what, page in pages.items():
        _assert_all_translated(visible_text(page).replace("Okta", ""), what)
    client.force_login(mentee)
    for name in ("password_change", "password_change_done"):
        _assert_all_translated(visible_text(client.get(reverse(name))), name)


def test_the_password_reset_email_is_translated(client, mentee, in_pseudo_locale):
    mentee.language = in_pseudo_locale
    mentee.save(update_fields=["language"])
    client.post(reverse("password_reset"), {"email": mentee.email})
    [email] = mail.outbox
    body = email.body.replace(mentee.email, "").replace(mentee.get_short_name(), "")
    body = re.sub(r"https?://\S+", "", body)
    _assert_all_translated(email.subject, "the reset email's subject")
    _assert_all_translated(body, "the reset email")


@pytest.mark.parametrize("language", ["de", "es"])
def test_date_fields_keep_iso_values_in_every_language(client, cast, language):
    # A date input only holds yyyy-mm-dd: German's 01.03.2026 would show an empty field and save nothing.
    import datetime
    import re

    from django.urls import reverse

    from programmes.models import Programme

    coordinator, programme = cast["coordinator"], cast["pairing"].programme
    Programme.objects.filter(pk=programme.pk).update(
        starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2027, 2, 28)
    )
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    url = reverse("programmes:settings", args=[programme.pk])
    page = client.get(url).content.decode()
    assert f'lang="{language}"' in page
    assert re.search(r'type="date" name="starts_on" value="2026-03-01"', page) or re.search(
        r'name="starts_on"[^>]*value="2026-03-01"', page
    )
    assert re.search(r'name="ends_on"[^>]*value="2027-02-28"', page)


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_the_switcher_never_sends_anyone_to_another_site(client, next_url):
    from django.urls import reverse

    response = client.post(reverse("language_set"), {"language": "de", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "header", ["xx-yy;q=abc", ";;;,", "de;q=0.9," * 200, "../../etc/passwd", "zh-Hant-TW-x-private;q=1"]
)
def test_a_strange_accept_language_or_language_cookie_gets_a_page_not_an_error(client, header):
    from django.conf import settings
    from django.urls import reverse

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = header[:50]
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert 'lang="en-gb"' in response.content.decode() or 'lang="de"' in response.content.decode()


def test_a_language_tandem_does_not_speak_is_not_saved(client, mentee):
    from django.urls import reverse

    client.force_login(mentee)
    client.post(reverse("language_set"), {"language": "fr", "next": "/"})
    mentee.refresh_from_db()
    assert mentee.language == ""


def test_the_password_page_asks_for_the_length_the_validator_wants(client, mentee):
    # The German walk read "mindestens 10 Zeichen" above the validator's "mindestens 12 Zeichen".
    minimum = next(
        v["OPTIONS"]["min_length"] for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"]
    )
    mentee.language = "de"
    mentee.save(update_fields=["language"])
    client.force_login(mentee)
    page = client.get(reverse("password_change")).content.decode()
    assert f"Verwenden Sie mindestens {minimum} Zeichen." in page
