"""Refuse requests that carry a null byte, or a form body Django cannot read, before any view runs.

A "\\x00" in a query string, a form field (name or value), an uploaded file's name or the path would reach
the database as a text parameter, where PostgreSQL raises ValueError ("A string literal cannot contain NUL
(0x00) characters") and the person would see a server error. It is never a legitimate value, so the whole
request is answered with 400 Bad Request before any view runs.

A form body Django refuses to parse (a form posted as ``charset=iso-8859-1`` or ``utf-16``,
which Django 5 refuses for urlencoded forms; an unknown charset; too many fields; a broken multipart body) used
to raise again in every later reader: the CSRF check of the 400 page and then of the 500 page read the body
once more, and the server sent a bare 500. The guard is the first reader: it marks the body as unreadable (an
empty form for every later reader) and raises ``BadRequest``, which Django answers with Tandem's 400 page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(pairs: Iterable[tuple[str, list]]) -> bool:
    return any(NUL in key or any(NUL in str(value) for value in values) for key, values in pairs)


def read_form(request: HttpRequest) -> None:
    """Parse the POST body once; a body that cannot be parsed is a 400, and nobody tries to read it again."""
    try:
        request.POST  # noqa: B018 (reading parses the body)
        request.FILES  # noqa: B018
    except (BadRequest, SuspiciousOperation, MultiPartParserError, LookupError, UnicodeDecodeError) as exc:
        request._mark_post_parse_error()  # later readers (the CSRF check of the error page) get an empty form
        if isinstance(exc, BadRequest | SuspiciousOperation):
            raise
        raise BadRequest("The form could not be read.") from exc


def null_byte_guard(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        carried = NUL in request.path or _has_nul(request.GET.lists())
        if not carried and request.method == "POST":
            read_form(request)
            files = [(name, [f.name for f in found]) for name, found in request.FILES.lists()]
            carried = _has_nul(request.POST.lists()) or _has_nul(files)
        if carried:
            return HttpResponseBadRequest(_("The request contained a null character, which Tandem does not accept."))
        return get_response(request)

    return middleware
