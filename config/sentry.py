"""Errors to Sentry when SENTRY_DSN is set, with the pairs' words and people's details taken out first.

settings.py calls ``sentry_init`` (web, worker and beat all read the settings); the tests call it with a
transport that records what would have been sent. Sentry sees the traceback (file, line, function, the source
line), the exception's type and its message without quoted values, the URL pattern, the request's method, path
and the names (not values) of its query parameters, and the id of the logged-in person. Never: request bodies (a
note, a reflection, a concern), cookies, Authorization or other headers beyond a few harmless ones, local
variables, SQL parameters, task arguments, a person's email or name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sentry_sdk
from django.utils.functional import LazyObject, empty

from config.scrub import HIDDEN, scrub_query, scrub_text, scrub_url

if TYPE_CHECKING:  # settings.py imports this module: nothing here may need the settings at import
    from django.http import HttpRequest, HttpResponse

# Request headers that say nothing about the person; every other header's value is hidden.
_HARMLESS_HEADERS = {"host", "content-type", "content-length", "accept", "accept-language", "user-agent"}


def sentry_init(
    *, dsn: str, environment: str, traces_sample_rate: float, transport: Any = None, release: str | None = None
) -> None:
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    # A failing /healthz logs why at every poll (every few seconds from each load balancer through an outage): an
    # event each time would be noise and spend the Sentry quota. The 503 is what monitoring acts on; a real
    # request's error still reaches Sentry. (The same reason keeps the polls out of the administrators' mailbox.)
    ignore_logger("config.health")

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,  # no cookies, user details or client address from the SDK itself
        include_local_variables=False,  # a frame's variables can hold a pair's note
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        transport=transport,
    )


def scrub_event(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's before_send: the event as it may leave Tandem (whatever the SDK's own options let through)."""
    request = event.get("request")
    if isinstance(request, dict):
        for private in ("data", "cookies", "env"):
            request.pop(private, None)
        if isinstance(request.get("url"), str):
            request["url"] = scrub_url(request["url"])
        if isinstance(request.get("query_string"), str):
            request["query_string"] = scrub_query(request["query_string"])
        if isinstance(request.get("headers"), dict):
            request["headers"] = {
                name: value if name.lower() in _HARMLESS_HEADERS else HIDDEN
                for name, value in request["headers"].items()
            }
    user = event.get("user")
    event["user"] = {"id": user["id"]} if isinstance(user, dict) and user.get("id") is not None else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = scrub_text(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # A log line as the code wrote it ("could not remind %s"): its arguments, unquoted in the formatted line,
        # can be a name or a note.
        logentry.pop("params", None)
        logentry.pop("formatted", None)
        if isinstance(logentry.get("message"), str):
            logentry["message"] = scrub_text(logentry["message"])
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in values or []:
        scrub_breadcrumb(crumb, {})
    # Extra data: a log call's extra={...} lands here as it was given (a note, a person); only the task's name
    # and retry count of Celery's part, and the process's command line without addresses, go.
    extra = event.get("extra") if isinstance(event.get("extra"), dict) else {}
    event["extra"] = {}
    celery_job = extra.get("celery-job")
    if isinstance(celery_job, dict):
        celery_job["args"] = celery_job["kwargs"] = HIDDEN
        event["extra"]["celery-job"] = celery_job
    if isinstance(extra.get("sys.argv"), list):
        event["extra"]["sys.argv"] = [scrub_text(str(arg)) for arg in extra["sys.argv"]]
    for span in event.get("spans") or []:
        if isinstance(span.get("data"), dict):
            span["data"].pop("db.params", None)
    return event


def scrub_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """A log line or SQL statement kept for context: its message without values, no SQL parameters."""
    record = (hint or {}).get("log_record")
    if record is not None:  # the line as the code wrote it, not formatted with its arguments
        crumb["message"] = str(record.msg)
    if crumb.get("type") == "log":
        crumb["data"] = {}  # the log call's extra={...}
    if isinstance(crumb.get("message"), str):
        crumb["message"] = scrub_text(crumb["message"])
    data = crumb.get("data")
    if isinstance(data, dict):
        data.pop("db.params", None)
        if isinstance(data.get("url"), str):
            data["url"] = scrub_url(data["url"])
        for key in ("http.query", "http.fragment"):
            data.pop(key, None)
    return crumb


def sentry_user_id(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: an error's event names the logged-in person by id (send_default_pii would send email and name).

    Reads the person only if the request already did, and only when an event is made: no query of its own.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if not sentry_sdk.get_client().is_active():
            return get_response(request)

        def add_user_id(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
            user = getattr(request, "user", None)
            loaded = user is not None and not (isinstance(user, LazyObject) and user._wrapped is empty)
            if loaded and user.is_authenticated:
                event["user"] = {"id": str(user.pk)}
            return event

        with sentry_sdk.new_scope() as scope:
            scope.add_event_processor(add_user_id)
            return get_response(request)

    return middleware
