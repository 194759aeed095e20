"""Unhandled errors reach the administrators (email to ADMINS, Sentry), without what the person wrote or who they are;
and the 500 page says someone was told only when someone was."""

from __future__ import annotations

import pytest
import sentry_sdk
from django.core import mail
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from sentry_sdk.transport import Transport

from config.sentry import sentry_init
from mentoring.services import relationship as relationship_services
from mentoring.tests.factories import MentoringSessionFactory

pytestmark = pytest.mark.django_db


def failing_note_write(*, session, author, text, shared):
    # Saving fails, and as exceptions often do, the message repeats the input and names the person.
    raise ValueError(f"could not keep the note {text!r} of {author.email}")


@pytest.fixture
def failing_note(monkeypatch, pairing):
    """A mentor saving a private note, and the saving failing: the address to post to."""
    monkeypatch.setattr(relationship_services, "note_write", failing_note_write)
    session = MentoringSessionFactory(pairing=pairing)
    return reverse("mentoring:note_save", kwargs={"pk": pairing.pk, "session_pk": session.pk})


# The private parts of the failing request. Not beside failing_note_write: Sentry sends the source lines around
# the failing one (code, not data), and these would be among them.
MARKER = "PRIVATE-MARKER-7731"  # a private note's words
QUERY_MARKER = "QUERY-MARKER-1188"
COOKIE_VALUE = "COOKIE-VALUE-5520"
TOKEN = "TOKEN-4410"


def post_failing_note(url: str, person) -> tuple:
    client = Client(raise_request_exception=False)
    client.force_login(person)
    client.cookies["tandem_theme"] = COOKIE_VALUE
    response = client.post(
        f"{url}?search={QUERY_MARKER}", {"text": MARKER, "shared": ""}, HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    return response, client.cookies["sessionid"].value


def private_parts(person, session_key: str) -> list[str]:
    return [MARKER, QUERY_MARKER, COOKIE_VALUE, TOKEN, session_key, person.email, person.display_name]


def test_an_unhandled_error_is_emailed_to_the_admins_with_the_traceback_and_nothing_private(
    failing_note, mentor, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("Ana Admin", "ana@example.org")]
    # The real mail path: queued for the worker when the request ends, sent there (here in memory).
    settings.EMAIL_BACKEND = "core.mail_backend.CeleryEmailBackend"
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks() as queued:
        response, session_key = post_failing_note(failing_note, mentor)
    assert response.status_code == 500
    assert b"The administrators have been told" in response.content
    assert mail.outbox == []  # the request did not wait for the mail server
    for callback in queued:
        callback()

    [email] = mail.outbox
    assert email.to == ["ana@example.org"]
    assert email.subject.startswith("[Tandem] ERROR")
    body = email.body
    assert "Traceback" in body
    assert "in failing_note_write" in body  # the frame that failed
    assert "ValueError" in body
    assert f"USER: id {mentor.pk}" in body
    assert "text = '********************'" in body  # the field's name, not its value
    for private in private_parts(mentor, session_key):
        assert private not in body, private
        assert private not in email.subject, private
    assert not email.alternatives  # no HTML report with local variables


class RecordingTransport(Transport):
    """What Sentry's SDK would send, as the bytes it would send them in."""

    sent: list[bytes] = []

    def capture_envelope(self, envelope) -> None:
        RecordingTransport.sent.append(envelope.serialize())


@pytest.fixture
def sentry_events():
    """Sentry switched on as settings.py does with SENTRY_DSN, sending to a recorder; off again after."""
    RecordingTransport.sent = []
    sentry_init(
        dsn="https://public@sentry.example.org/1",
        environment="test",
        traces_sample_rate=0.0,
        transport=RecordingTransport,
    )
    yield RecordingTransport.sent
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # a client that sends nothing and patches nothing


def test_an_unhandled_error_reaches_sentry_with_the_traceback_and_nothing_private(
    failing_note, mentor, settings, sentry_events
):
    settings.SENTRY_DSN = "https://public@sentry.example.org/1"
    response, session_key = post_failing_note(failing_note, mentor)
    assert response.status_code == 500
    assert b"The administrators have been told" in response.content

    [envelope] = [sent for sent in sentry_events if b'"type":"event"' in sent]
    text = envelope.decode()
    assert '"type":"ValueError"' in text
    assert '"function":"failing_note_write"' in text
    assert "could not keep the note '[hidden]' of [hidden]" in text
    assert f'"user":{{"id":"{mentor.pk}"}}' in text
    assert '"vars"' not in text
    for private in private_parts(mentor, session_key):
        assert private not in text, private


def test_without_admins_or_sentry_the_500_page_asks_the_person_to_tell_someone(failing_note, mentor, settings):
    settings.ADMINS = []
    settings.SENTRY_DSN = ""
    response, _ = post_failing_note(failing_note, mentor)
    assert response.status_code == 500
    content = response.content.decode()
    assert "The administrators have been told" not in content
    assert "please tell your programme coordinator or IT support what you were doing and when" in content


def test_the_500_page_renders_when_the_database_is_what_failed(mentor, monkeypatch, settings):
    settings.ADMINS = []
    client = Client(raise_request_exception=False)
    client.force_login(mentor)

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "please tell your programme coordinator" in response.content.decode()


def test_a_500_page_that_cannot_render_still_answers_a_plain_page(monkeypatch, rf):
    from config import errors

    def broken_template(name):
        raise ValueError("Missing staticfiles manifest entry for 'bootstrap/css/bootstrap.min.css'")

    monkeypatch.setattr(errors.loader, "get_template", broken_template)
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Server error (500)" in response.content


def test_a_failing_health_poll_emails_nobody(client, settings):
    # A load balancer polls every few seconds: an outage must not become an email per poll.
    settings.ADMINS = [("Ana Admin", "ana@example.org")]
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert client.get(reverse("healthz")).status_code == 503
    assert mail.outbox == []
