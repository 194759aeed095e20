"""Login protection, session limits and security headers.

- ``LoginProtectionBackend``: django-axes' backend, which refuses a locked-out login before any other backend
  checks the password.
- ``SessionLimitsMiddleware``: ends a session after ``TANDEM_SESSION_IDLE_MINUTES`` without a request and
  ``TANDEM_SESSION_MAX_HOURS`` after login, whichever comes first.
- ``SecurityHeadersMiddleware``: a Content Security Policy without inline scripts on every page, and
  ``Cache-Control: no-store`` on every page shown to a logged-in person (they show personal data).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from importlib import import_module

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout, user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # Bootstrap components set style attributes
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)

LOGIN_AT = "tandem_login_at"  # seconds since the epoch, set at login
SEEN_AT = "tandem_seen_at"  # the last request, refreshed at most once a minute
SEEN_REFRESH_SECONDS = 60


class LoginProtectionBackend(AxesStandaloneBackend):
    """Axes' lockout check, for every login that comes through a web request.

    Every login form (Tandem's and the admin's) authenticates with the request. A call without one, such as
    the test client's ``login()`` or a shell, is not a web login attempt: there is no address to count and no
    page to lock, so the check steps aside and the next backend decides as usual.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a login attempt names, as axes counts it: the email address without case or spaces."""
    source = credentials or request.POST
    value = source.get(settings.AXES_USERNAME_FORM_FIELD) if source else None
    return value.strip().lower() if isinstance(value, str) else value


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The page a locked-out login gets: when to try again, and that an administrator can lift the pause."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cooloff.total_seconds() // 60),
        "try_again_at": timezone.localtime() + cooloff,
    }
    return render(request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


@receiver(user_logged_in, dispatch_uid="tandem_session_login_time")
def remember_login_time(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:  # logged in; an anonymous visitor without a cookie costs no query
            now = int(time.time())
            started = session.get(LOGIN_AT)
            seen = session.get(SEEN_AT)
            if started is None or seen is None:  # a session from before these limits: start counting now
                session[LOGIN_AT] = started or now
                session[SEEN_AT] = now
            elif (
                now - seen > settings.TANDEM_SESSION_IDLE_MINUTES * 60
                or now - started > settings.TANDEM_SESSION_MAX_HOURS * 60 * 60
            ):
                logout(request)
                messages.info(request, _("Your session ended, for your safety. Please log in again."))
            elif now - seen >= SEEN_REFRESH_SECONDS:
                session[SEEN_AT] = now  # saving the session also moves its expiry date on
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        session = getattr(request, "session", None)
        logged_in = session is not None and session.accessed and SESSION_KEY in session
        if logged_in and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


def sessions_clear_expired() -> None:
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


def sessions_end(*, user_ids: Iterable[int]) -> int:
    """End every stored session of these people at once (someone who left is out now, not at their next click).

    Only sessions kept in the database can be found by person; the middleware's own check (an inactive person
    is no longer loaded by the backend) still logs out any other kind at the next request. Sessions live at
    most the idle timeout, so the unexpired ones are few. Returns how many were ended.
    """
    wanted = {str(pk) for pk in user_ids}
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not wanted or not hasattr(store, "get_model_class"):  # the db and cached_db engines
        return 0
    rows = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    ended = [
        key
        for key, data in rows.values_list("session_key", "session_data").iterator()
        if str(store().decode(data).get(SESSION_KEY)) in wanted
    ]
    for key in ended:
        store(session_key=key).delete()  # through the store: a cached copy (cached_db) goes too
    return len(ended)
