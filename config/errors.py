"""The administrators' error email without the pairs' words, and a 500 page that tells the truth about it.

Django emails ADMINS the traceback of every unhandled error (the "django" logger's mail_admins handler in
settings.LOGGING), through EMAIL_BACKEND: queued for the worker, so the failing request does not wait for the mail
server. Its report would carry what the person sent (a private note), their cookies, their email (as the user),
every local variable and the exception's message; the filter and reporter below leave the traceback and hide the
rest. Sentry's events are scrubbed the same way in config.sentry.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.log import AdminEmailHandler
from django.utils.regex_helper import _lazy_re_compile
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from config.scrub import scrub_name, scrub_path, scrub_query, scrub_text

logger = logging.getLogger(__name__)

# The request headers and server variables a report may show; every other one is listed with its value hidden
# (Cookie, Authorization, Referer and X-Forwarded-For among them, and a query string's values).
_SAFE_META = {
    "REQUEST_METHOD",
    "PATH_INFO",
    "SCRIPT_NAME",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "HTTP_HOST",
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_USER_AGENT",
    "wsgi.url_scheme",
}


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hides every POST value, cookie, local variable and request header beyond a few harmless ones.

    Like Django's own filter it is active with DEBUG off; a developer's DEBUG page on their own machine shows all.
    """

    # Django's words, and the connection strings that can carry a password (redis://:secret@host).
    hidden_settings = _lazy_re_compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DSN|BROKER_URL|REDIS_URL|DATABASE", flags=re.IGNORECASE
    )

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        # (Names only, and only names: a JSON body posted as a form is one long "name".)
        return {scrub_name(name): self.cleansed_substitute for name in request.POST}

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, str]:
        if not self.is_active(request):
            return super().get_safe_cookies(request)
        return {name: self.cleansed_substitute for name in request.COOKIES}

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        if not self.is_active(request):
            return super().get_safe_request_meta(request)
        meta = {
            name: value if name in _SAFE_META else self.cleansed_substitute
            for name, value in request.META.items()
            if isinstance(name, str)
        }
        if isinstance(meta.get("PATH_INFO"), str):
            meta["PATH_INFO"] = scrub_path(meta["PATH_INFO"])
        return meta

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> list[tuple[str, Any]]:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


class PrivateExceptionReporter(ExceptionReporter):
    """The report's other personal parts: the user (by id, not their email), the query string's values, and the
    exception messages' quoted values and email addresses."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if not self.filter.is_active(self.request):
            return data
        substitute = self.filter.cleansed_substitute
        if self.request is not None:
            data["user_str"] = _user_by_id(getattr(self.request, "user", None))
            data["request_GET_items"] = [(scrub_name(name), substitute) for name in self.request.GET]
            # An upload's file name is the person's words too ("<UploadedFile: Ana-sick-note.pdf>").
            data["request_FILES_items"] = [
                (scrub_name(name), substitute) for name, _ in data.get("request_FILES_items") or ()
            ]
            query = self.request.META.get("QUERY_STRING", "")
            # The report's heading names the path ("RuntimeError at /mentoring/calendar/<key>.ics"): the request as
            # far as the text report reads it, with the key out of its path.
            data["request"] = {
                "path_info": scrub_path(self.request.path_info),
                "META": {"REQUEST_METHOD": self.request.META.get("REQUEST_METHOD", "")},
            }
            data["request_insecure_uri"] = scrub_path(data["request_insecure_uri"].split("?", 1)[0]) + (
                f"?{scrub_query(query)}" if query else ""
            )
        for key in ("exception_value", "exception_notes"):
            if isinstance(data.get(key), str):
                data[key] = scrub_text(data[key])
        for frame in data.get("frames", []):
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = scrub_text(str(frame["exc_cause"]))
        if isinstance(data.get("template_info"), dict):
            data["template_info"]["message"] = scrub_text(str(data["template_info"].get("message", "")))
        return data


def _user_by_id(user: Any) -> str | None:
    """The person as the report names them: by id, and only if the request already read them. Reading them now
    could need the database that may be what failed, and a report that fails is no email and no 500 page."""
    if user is None:
        return None
    if isinstance(user, LazyObject) and user._wrapped is empty:
        return "[not read by the request]"
    try:
        return f"id {user.pk}" if user.is_authenticated else "anonymous"
    except Exception:
        return "[unknown]"


class PrivateAdminEmailHandler(AdminEmailHandler):
    """Django's mail_admins handler, whose subject and first line (the log line: "Internal Server Error: <path>")
    leave out a key in the path (a calendar feed's token) and values in the message, as the report below them does."""

    def emit(self, record: logging.LogRecord) -> None:
        # Django's handler sends with fail_silently, but queueing the email for the worker can still raise (Redis
        # down): that would escape the failing request's error handling and replace the 500 page with the server's
        # bare error. Logging's own handleError prints why to stderr instead.
        try:
            super().emit(record)
        except Exception:
            self.handleError(record)

    def format(self, record: logging.LogRecord) -> str:
        return scrub_text(super().format(record))

    def format_subject(self, subject: str) -> str:
        return super().format_subject(scrub_text(subject))


class NotAHealthPoll(logging.Filter):
    """Keeps /healthz's 503s out of the administrators' mailbox: Django logs every 5xx response as an error, and a
    load balancer polling every few seconds through an outage would send an email per poll. The health checks log
    what is wrong themselves, and the 503 is what the monitoring acts on."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return getattr(request, "path", None) != reverse("healthz")


def errors_reported() -> bool:
    """Is anyone told of an unhandled error: administrators by email, or Sentry?"""
    return bool(settings.ADMINS or settings.SENTRY_DSN)


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """handler500: templates/500.html, saying that the administrators were told only when they were.

    Renders without the request (no context processor may touch a database that may be what failed), and if even
    that fails (a missing static files manifest, a broken template) answers a plain page: it must never fail itself.
    """
    try:
        return HttpResponseServerError(loader.get_template("500.html").render({"reported": errors_reported()}))
    except Exception:
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(
            "<!doctype html><title>Server error</title><h1>Server error (500)</h1>", content_type="text/html"
        )
