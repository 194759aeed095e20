"""The site's own pages speak German and Spanish: a browser's language is followed before anyone chooses, the
footer's switcher changes it (and keeps a logged-in person's choice), what is sent to a person is in theirs, and
the scripts' strings come in the page's language."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from config.tests.html_forms import form_of

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
