"""Refuse requests that carry a null byte: no page of Tandem takes one, and PostgreSQL cannot store one.

A "\\x00" in a query string, a form field (name or value), an uploaded file's name or the path would reach
the database as a text parameter, where PostgreSQL raises ValueError ("A string literal cannot contain NUL
(0x00) characters") and the person would see a server error. It is never a legitimate value, so the whole
request is answered with 400 Bad Request before any view runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

NUL = "\x00"


def _has_nul(pairs: Iterable[tuple[str, list]]) -> bool:
    return any(NUL in key or any(NUL in str(value) for value in values) for key, values in pairs)


def null_byte_guard(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        carried = NUL in request.path or _has_nul(request.GET.lists())
        if not carried and request.method == "POST":
            files = [(name, [f.name for f in found]) for name, found in request.FILES.lists()]
            carried = _has_nul(request.POST.lists()) or _has_nul(files)
        if carried:
            return HttpResponseBadRequest("The request contained a null character, which Tandem does not accept.")
        return get_response(request)

    return middleware
