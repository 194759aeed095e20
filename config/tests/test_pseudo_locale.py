"""Every string a person reads passed through translation (issue 18, point 6).

Every page of the permission matrix is drawn, as every role it lets through, in a pseudo-locale (en_XA) whose
catalogue holds every marked string of Tandem, Django and the installed apps, each wrapped in «» and accented
(core.catalogues.pseudo). What is left of a page's visible text once the wrapped strings and the data of the
database are taken out is English that no translator would ever see: the test names it, page by page.
"""

from __future__ import annotations

import io
import re
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import trans_real

from core.catalogues import PSEUDO_CLOSE, PSEUDO_LANGUAGE, PSEUDO_OPEN, pseudo, pseudo_catalogues

from .test_permission_matrix import CAST, MATRIX, ROLES, as_role, matrix_world, shared_world, sso_on

SHARED_FIXTURES = (shared_world, matrix_world, sso_on)  # the permission matrix's, used here by name

# Words that are the same in every language: names of things, formats, and each language's name for itself.
SAME_IN_EVERY_LANGUAGE = {
    "Tandem", "SSO", "SCIM", "CSV", "PDF", "ICS", "iCalendar", "OIDC", "OpenID", "HR", "ID", "URL", "API", "JSON",
    "Slack", "Teams", "Microsoft", "Zoom", "Google", "Outlook", "Django", "Celery", "Redis", "SMTP", "UTC",
    "English", "Deutsch", "Español", "Pseudo", "GMT", "BST", "CET", "CEST", "EET", "EEST", "webcal", "https", "http",
    "testserver", "www", "Europe", "London", "Helsinki", "CPD", "Axes", "TLS", "SSL",
}  # fmt: skip
# Time-zone names (Europe/London) are identifiers people pick from a list, the same in every language.
# Not the plain English words some names hold ("New" York, "North" Dakota): those stay checked.
TIME_ZONES = zoneinfo.available_timezones()
TIME_ZONE_WORDS = {w for name in zoneinfo.available_timezones() for w in re.split(r"[/_\-+0-9]+", name) if w} - {
    "New",
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Eastern",
    "Western",
    "Pacific",
    "Mountain",
    "General",
    "Universal",
    "Center",
    "Island",
    "Islands",
    "Bay",
    "City",
    "Cape",
    "Port",
    "Saint",
    "Current",
    "Time",
}
WORD = re.compile(r"[^\W\d_][^\W\d_'’]+")  # letters of any alphabet: "Español" is one word
TEXT_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description", "data-confirm"}


class VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes outside script and style, and the attributes read out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # An option that is a time-zone name (Europe/London) is an identifier picked from a list, not a word.
        if tag in {"script", "style", "template"} or (tag == "option" and values.get("value") in TIME_ZONES):
            self._hidden += 1
        self.chunks.extend(v for k, v in attrs if k in TEXT_ATTRIBUTES and v)
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.chunks.append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template", "option"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.chunks.append(data)


def unwrapped(text: str) -> str:
    """The text without its pseudo-translated parts (which may hold others: «Paired with «Mentee»»)."""
    inner = re.compile(re.escape(PSEUDO_OPEN) + "[^" + PSEUDO_OPEN + PSEUDO_CLOSE + "]*" + re.escape(PSEUDO_CLOSE))
    while True:
        shorter = inner.sub(" ", text)
        if shorter == text:
            return text
        text = shorter


def data_words() -> set[str]:
    """Every word stored in the database (names, titles, notes, emails): the organisation's, not Tandem's; and
    the settings a page shows as they are (the email backend, its sender and server on the admin's test page)."""
    shown = ("TANDEM_EMAIL_BACKEND", "DEFAULT_FROM_EMAIL", "EMAIL_HOST", "EMAIL_HOST_USER", "EMAIL_FILE_PATH")
    words: set[str] = set(WORD.findall(" ".join(str(getattr(settings, name, "")) for name in shown)))
    # Tandem's own tables; not Django's (permission names such as "Can add person" would excuse "add" anywhere).
    for model in (
        m for m in apps.get_models() if m._meta.app_label in {"core", "programmes", "mentoring", "evaluation"}
    ):
        # Not fields with choices: their stored values are keys ("video"), shown through their translated labels.
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        json_fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        if not fields and not json_fields:
            continue
        for row in model._base_manager.values_list(*fields, *json_fields):
            words.update(WORD.findall(" ".join(str(value) for value in row if value)))
    return words


def visible_text(response) -> str:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("text/html"):
        parser = VisibleText()
        parser.feed(body.decode())
        return "\n".join(parser.chunks)
    if kind.startswith("text/csv"):
        return body.decode("utf-8-sig").splitlines()[0] if body else ""  # the headers; the rest is data
    if kind.startswith("application/pdf"):
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        except PyPdfError:
            return ""  # not Tandem's PDF: a person's uploaded evidence (the test world's is a few fake bytes)
    if kind.startswith("text/calendar"):
        text = body.decode().replace("\r\n ", "")
        return "\n".join(line.split(":", 1)[1] for line in text.splitlines() if line.startswith(("SUMMARY", "DESC")))
    return ""  # JSON and the like: for machines (SCIM), not read by people


def english_left(text: str, known: set[str]) -> list[str]:
    """The words of ``text`` that passed through no translation and are not the organisation's own data."""
    words = WORD.findall(unwrapped(text))
    same = SAME_IN_EVERY_LANGUAGE | TIME_ZONE_WORDS
    return sorted({w for w in words if w not in known and w not in same and w.isascii()})


@pytest.fixture(scope="module")
def pseudo_locale(tmp_path_factory) -> Path:
    return pseudo_catalogues(tmp_path_factory.mktemp("locale"))


@pytest.fixture
def in_pseudo_locale(pseudo_locale, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, PSEUDO_LANGUAGE]
    settings.LOCALE_PATHS = [pseudo_locale, *settings.LOCALE_PATHS]
    trans_real.translation_catalog_exists.cache_clear()  # "en-xa has no catalogue" may be remembered from before
    yield PSEUDO_LANGUAGE[0]
    trans_real.translation_catalog_exists.cache_clear()


def test_the_pseudo_locale_wraps_and_keeps_placeholders():
    assert pseudo("Paired with %(name)s, <a href='/x'>see</a> &amp; more") == (
        "«Páíréd wíth %(name)s, <a href='/x'>šéé</a> &amp; móré»"
    )
    assert english_left("«Šávé» Cancel «Ñéxt «Mentee»»", known=set()) == ["Cancel"]


def test_a_page_with_an_unmarked_string_is_caught(client, in_pseudo_locale, matrix_world):
    # The test's own check: the login page drawn in the pseudo-locale shows its strings wrapped; a word put on
    # the page without translation would be left over.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = in_pseudo_locale
    page = visible_text(client.get(reverse("login")))
    assert PSEUDO_OPEN in page
    assert english_left(page + "\nUnmarked words", data_words()) == ["Unmarked", "words"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_translated(client, in_pseudo_locale, matrix_world, role):
    cast = matrix_world
    # Everyone reads Tandem in the pseudo-locale: the visitor (cookie), and each person by their own choice,
    # which is what a calendar feed or anything else written for its owner follows.
    for name in CAST:
        if name != "pairing":
            type(cast[name]).objects.filter(pk=cast[name].pk).update(language=in_pseudo_locale)
            cast[name].language = in_pseudo_locale
    known = data_words()
    as_role(client, cast, role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = in_pseudo_locale
    failures = []
    for key, entry in MATRIX.items():
        if entry.method != "get" or entry.expect[role] != 200:
            continue
        response = client.get(reverse(key, kwargs=entry.kwargs(cast)))
        if response.status_code != 200:
            continue  # the matrix checks the answers; this test, the words
        text = visible_text(response)
        if english_left(text, known):
            known = data_words()  # the entry's kwargs may have made its objects just now (a goal, a session)
            if left := english_left(text, known):
                failures.append(f"{key}: {' '.join(left)}")
    assert not failures, f"English left on {len(failures)} pages as {role}:\n" + "\n".join(failures)
