"""Languages: which one a request is served in, and which one a person is written to.

A page follows the person's own choice (``Person.language``), else the language cookie (the switcher of people
not logged in), else the browser's Accept-Language. Anything sent to a person (email, invitation, reminder,
notification, a PDF they download) is written in *their* language, not the sender's or the server's:
``in_language_of(person)`` around the building of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def supported_language(code: str | None) -> str | None:
    """``code`` as one of LANGUAGES (``de-at`` becomes ``de``), or None when Tandem does not speak it."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_of(person: Any) -> str:
    """The language to write to ``person`` in: their choice, else the browser language of their last visit,
    else the installation's."""
    for code in (getattr(person, "language", ""), getattr(person, "browser_language", "")):
        if supported := supported_language(code):
            return supported
    return settings.LANGUAGE_CODE


@contextmanager
def in_language_of(person: Any) -> Iterator[str]:
    """Build what goes to ``person`` in their language; the caller's language comes back after."""
    language = language_of(person)
    with translation.override(language):
        yield language


SESSION_KEY = "_tandem_language"  # the logged-in person's own choice, kept in their session


def session_language_set(request: HttpRequest, language: str) -> None:
    """Keep the person's choice in their session (at login, and when they change it), so that serving a page in
    it costs no query of its own."""
    if hasattr(request, "session"):
        if language:
            request.session[SESSION_KEY] = language
        else:
            request.session.pop(SESSION_KEY, None)


class PersonLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (cookie, then Accept-Language), except that a logged-in person's own choice
    (kept in the session, see ``session_language_set``) wins."""

    def process_request(self, request: HttpRequest) -> None:
        session = getattr(request, "session", None)
        chosen = supported_language(session.get(SESSION_KEY)) if session is not None else None
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


def remember_browser_language(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At login, the browser's language (cookie or Accept-Language), so that what is sent to the person later
    (a reminder, an invitation) is in the language they read Tandem in, until they choose one."""
    if request is None or not hasattr(user, "browser_language"):
        return
    session_language_set(request, supported_language(user.language) or "")
    language = supported_language(translation.get_language_from_request(request)) or ""
    if language != user.browser_language:
        type(user).objects.filter(pk=user.pk).update(browser_language=language)
        user.browser_language = language


def noun_in_sentence(label: Any) -> str:
    """A role's label ("Mentee", "Committee member") placed inside a sentence: lower case in English and
    Spanish ("as a mentee", "como mentee"), but German writes every noun with a capital ("als Mentee", not
    "als mentee")."""
    text = str(label)
    return text if (translation.get_language() or "").split("-")[0] == "de" else text.lower()
