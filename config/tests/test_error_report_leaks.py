"""An outside look at the error reports: the less obvious ways a person's details or a pair's words could reach the
administrators' mailbox or Sentry (an upload's file name, a secret in the path, log lines and their extras), and a
failing health poll that must not become a report per poll."""

from __future__ import annotations

import io
import logging
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import reverse

from config.tests import test_error_reports as reports

# The fixtures of the first look at the error reports: a private note failing to save, Sentry sending to a recorder.
failing_note = reports.failing_note
sentry_events = reports.sentry_events
MARKER = reports.MARKER
post_failing_note = reports.post_failing_note

pytestmark = pytest.mark.django_db

FILE_NAME = "Ana-Garcia-sick-note-4471.pdf"  # a file name is what people write too
FEED_TOKEN = "Kq3vX9aB7cD2eF5gH8jL0mN4pR6sT1uW"  # a calendar feed's key: whoever has it reads the feed
EXTRA_MARKER = "EXTRA-MARKER-9034"
NAME_MARKER = "Beatriz Oyelaran-Whitfield"
# Far from the failing lines below: Sentry sends the source lines around a failing one (code, not data).
RECIPIENT = "bea@example.org"


def send_queued(queued) -> None:
    for callback in queued:
        callback()


@pytest.fixture
def admins_by_email(settings):
    settings.ADMINS = [("Ana Admin", "ana@example.org")]
    settings.EMAIL_BACKEND = "core.mail_backend.CeleryEmailBackend"
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_an_uploaded_files_name_is_not_in_the_admins_email(
    failing_note, mentor, admins_by_email, django_capture_on_commit_callbacks
):
    client = Client(raise_request_exception=False)
    client.force_login(mentor)
    upload = SimpleUploadedFile(FILE_NAME, b"%PDF-1.4 private", content_type="application/pdf")
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(failing_note, {"text": MARKER, "shared": "", "evidence": upload})
    assert response.status_code == 500
    send_queued(queued)
    [email] = mail.outbox
    assert "evidence = " in email.body  # the field is named, its file is not
    assert FILE_NAME not in email.body
    assert MARKER not in email.body


@pytest.fixture
def failing_feed(monkeypatch):
    from mentoring.views import calendars

    def broken(token):
        raise RuntimeError("the feed could not be read")

    monkeypatch.setattr(calendars, "get_calendar_feed_by_token", broken)
    return reverse("mentoring:calendar_feed", kwargs={"token": FEED_TOKEN})


def test_a_calendar_feeds_key_in_the_path_is_not_in_the_admins_email(
    failing_feed, admins_by_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = Client(raise_request_exception=False).get(failing_feed)
    assert response.status_code == 500
    send_queued(queued)
    [email] = mail.outbox
    assert "/mentoring/calendar/" in email.subject  # which page failed is still said
    assert "the feed could not be read" in email.body
    assert FEED_TOKEN not in email.subject
    assert FEED_TOKEN not in email.body


def test_a_calendar_feeds_key_in_the_path_is_not_sent_to_sentry(failing_feed, settings, sentry_events):
    # Through the WSGI handler, as gunicorn calls it: that is where Sentry reads the request's URL.
    environ = {"PATH_INFO": failing_feed, "REQUEST_METHOD": "GET", "QUERY_STRING": "", "wsgi.input": io.BytesIO()}
    environ["HTTP_HOST"] = environ["SERVER_NAME"] = "testserver"
    setup_testing_defaults(environ)
    statuses = []
    WSGIHandler()(environ, lambda status, headers, *args: statuses.append(status))
    assert statuses == ["500 Internal Server Error"]
    [event] = [sent for sent in sentry_events if b'"type":"event"' in sent]
    assert b'"url":"http://testserver/mentoring/calendar/[hidden].ics"' in event
    assert FEED_TOKEN.encode() not in event


def test_a_logged_error_sends_sentry_neither_its_values_nor_its_extras(sentry_events):
    logger = logging.getLogger("mentoring.services.example")
    logger.info("reading the note of %s", NAME_MARKER, extra={"note": EXTRA_MARKER})  # a breadcrumb
    logger.error("could not remind %s", NAME_MARKER, extra={"note_text": EXTRA_MARKER})
    [event] = [sent for sent in sentry_events if b'"type":"event"' in sent]
    assert b"could not remind %s" in event  # what happened, as the code says it
    assert NAME_MARKER.encode() not in event
    assert EXTRA_MARKER.encode() not in event


def test_a_failing_health_poll_is_not_a_sentry_event_per_poll(client, settings, sentry_events):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    for _ in range(3):
        assert client.get(reverse("healthz")).status_code == 503
    assert [sent for sent in sentry_events if b'"type":"event"' in sent] == []


def test_the_error_emails_settings_section_hides_secrets(settings, rf):
    from django.views.debug import get_exception_reporter_class

    settings.EMAIL_HOST_PASSWORD = "SMTP-PASS-3321"
    settings.TANDEM_OIDC_CLIENT_SECRET = "OIDC-SECRET-8812"
    settings.AWS_SECRET_ACCESS_KEY = "AWS-SECRET-5567"
    settings.CELERY_BROKER_URL = "redis://:REDIS-PASS-7781@redis:6379/0"
    settings.TANDEM_NOTE_KEYS = ["NOTE-KEY-1230"]
    settings.SECRET_KEY = "SECRET-KEY-0912-long-enough-for-django-checks-xxxxxxxxxxxxx"
    try:
        raise ValueError("boom")
    except ValueError as error:
        reporter = get_exception_reporter_class(None)(rf.get("/"), ValueError, error, error.__traceback__)
        text = reporter.get_traceback_text()
    assert "EMAIL_HOST_PASSWORD = " in text
    secrets = (
        "SMTP-PASS-3321",
        "OIDC-SECRET-8812",
        "AWS-SECRET-5567",
        "REDIS-PASS-7781",
        "NOTE-KEY-1230",
        "SECRET-KEY-0912",
    )
    for secret in secrets:
        assert secret not in text, secret


def test_a_database_constraints_failing_row_is_not_in_the_admins_email(rf):
    # PostgreSQL's message for a NOT NULL or CHECK constraint repeats the whole row: names, and a pair's words where
    # a column is not encrypted.
    from django.db import IntegrityError
    from django.views.debug import get_exception_reporter_class

    message = (
        'new row for relation "programmes_person" violates check constraint "person_name_not_blank"\n'
        f"DETAIL:  Failing row contains (7, {NAME_MARKER}, ana@example.org, {EXTRA_MARKER})."
    )
    try:
        raise IntegrityError(message)
    except IntegrityError as error:
        reporter = get_exception_reporter_class(None)(rf.get("/"), IntegrityError, error, error.__traceback__)
        text = reporter.get_traceback_text()
    assert "violates check constraint" in text
    assert "Failing row contains ([hidden])" in text
    assert NAME_MARKER not in text
    assert EXTRA_MARKER not in text


def test_when_the_database_is_what_failed_the_admins_are_still_emailed(
    mentor, monkeypatch, admins_by_email, django_capture_on_commit_callbacks
):
    # The report names the person by id: reading who they are must not need the database that just failed.
    from django.db import OperationalError, connection

    client = Client(raise_request_exception=False)
    client.force_login(mentor)

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with django_capture_on_commit_callbacks() as queued:
        monkeypatch.setattr(connection, "cursor", broken_cursor)
        response = client.get(reverse("home"))
        monkeypatch.undo()
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()  # the page, not the server's own
    send_queued(queued)
    # (One email per failure: the page, and the session middleware after it, each met the database.)
    assert mail.outbox
    for email in mail.outbox:
        assert "OperationalError at /" in email.body
        assert "USER: [not read by the request]" in email.body or "USER: [unknown]" in email.body


def test_with_the_broker_down_the_failing_request_still_gets_the_500_page(
    failing_note, mentor, monkeypatch, admins_by_email, capsys
):
    # The admins' email is queued through Celery; with Redis down queueing it raises. The report is lost (the log
    # says so), the person still gets Tandem's page rather than the server's bare error.
    from kombu.exceptions import OperationalError as BrokerDown

    from core import tasks

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_email_message, "delay_on_commit", broker_down)
    monkeypatch.setattr(tasks.send_email_message, "delay", broker_down)
    response, _ = post_failing_note(failing_note, mentor)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Connection refused" in capsys.readouterr().err  # logging's own report of the handler that failed


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/mentoring/calendar/{FEED_TOKEN}.ics", "/mentoring/calendar/[hidden].ics"),
        (
            "/accounts/password/reset/MQ/c9k1xq-0a1b2c3d4e5f60718293a4b5c6d7e8f9/",
            "/accounts/password/reset/MQ/[hidden]/",
        ),
        ("/scim/v2/ServiceProviderConfig", "/scim/v2/ServiceProviderConfig"),  # a word, not a key
        ("/mentoring/pairings/12/sessions/3/note/", "/mentoring/pairings/12/sessions/3/note/"),
    ],
)
def test_a_reports_path_hides_keys_and_keeps_words_and_ids(path, shown):
    from config.scrub import scrub_path

    assert scrub_path(path) == shown


def test_a_failing_tasks_sentry_event_carries_neither_its_arguments_nor_its_message_values(monkeypatch, sentry_events):
    # The email task's argument is the whole message (a reminder naming the pair, an evidence file's name).
    from core.tasks import send_email_message

    def refused(*, payload):
        raise ValueError(f"recipient refused: {payload['to'][0]!r}")

    monkeypatch.setattr("core.tasks.email_deliver", refused)
    payload = {"subject": NAME_MARKER, "body": MARKER, "to": [RECIPIENT]}
    result = send_email_message.apply(args=(payload,), throw=False)
    assert result.failed()
    [event] = [sent for sent in sentry_events if b'"type":"event"' in sent]
    assert b'"type":"ValueError"' in event
    assert b"send_email_message" in event
    for private in (NAME_MARKER, MARKER, RECIPIENT):
        assert private.encode() not in event, private


def test_text_that_landed_in_a_parameters_name_is_not_in_the_reports(
    failing_note, mentor, admins_by_email, django_capture_on_commit_callbacks, sentry_events
):
    # A JSON body sent as a form is parsed as one long field name; "?Ana Garcia" is a name without a value.
    client = Client(raise_request_exception=False)
    client.force_login(mentor)
    body = f'{{"text": "{MARKER}"}}'
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            f"{failing_note}?{NAME_MARKER}&page=2", body, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 500
    send_queued(queued)
    [email] = mail.outbox
    assert "page = '********************'" in email.body  # a name as forms write them stays
    [event] = [sent for sent in sentry_events if b'"type":"event"' in sent]
    for private in (MARKER, NAME_MARKER, NAME_MARKER.replace(" ", "+"), NAME_MARKER.replace(" ", "%20")):
        assert private not in email.body, private
        assert private.encode() not in event, private
