"""Who may speak SCIM: a request with a valid bearer token, only. A session cookie authenticates nothing here
(an administrator logged in to the site gets 401 like anyone else), so CSRF does not arise; the views are
CSRF-exempt as django-scim2 makes them. Also the body size and rate limits, answered in SCIM's error JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_scim.constants import SCIM_CONTENT_TYPE, SchemaURI

from ..services.scim_tokens import scim_token_authenticate


def scim_error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    body = {"schemas": [SchemaURI.ERROR], "detail": detail, "status": status}
    if scim_type:
        body["scimType"] = scim_type
    return HttpResponse(json.dumps(body), content_type=SCIM_CONTENT_TYPE, status=status)


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _too_many(token_hash: str) -> bool:
    """More than TANDEM_SCIM_REQUESTS_PER_MINUTE requests with this token in the current minute, counted in the
    cache: Redis when REDIS_URL is set, so every web node counts together (in-process memory without it)."""
    key = f"scim-rate:{token_hash[:32]}:{timezone.now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) > settings.TANDEM_SCIM_REQUESTS_PER_MINUTE
    except ValueError:  # the key expired between add and incr
        return False


class ScimBearerAuth:
    """django-scim2's AUTH_CHECK_MIDDLEWARE: wraps each SCIM view's dispatch."""

    def __init__(self, get_response: Callable[..., HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Whoever the session says this is, SCIM does not care: only the token speaks.
        request.user = AnonymousUser()
        token = scim_token_authenticate(_bearer(request))
        if token is None:
            response = scim_error(401, "A valid SCIM bearer token is required.")
            response["WWW-Authenticate"] = 'Bearer realm="Tandem SCIM"'
            return response
        if _too_many(token.token_hash):
            response = scim_error(429, "Too many requests with this token; try again in a minute.", "tooMany")
            response["Retry-After"] = "60"
            return response
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return scim_error(400, "Content-Length is not a number.", "invalidSyntax")
        if length > settings.TANDEM_SCIM_MAX_BODY_BYTES:
            return scim_error(413, f"The body is larger than {settings.TANDEM_SCIM_MAX_BODY_BYTES} bytes.", "tooLarge")
        try:
            request.body  # noqa: B018  (read here, where Django's own upload limit can still be answered in SCIM)
        except RequestDataTooBig:
            return scim_error(413, "The body is too large.", "tooLarge")
        request.scim_token = token
        response = self.get_response(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"  # people's details: never kept by a proxy or client cache
        return response
