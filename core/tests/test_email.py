"""Email goes through Celery, after the transaction commits, to the configured real backend."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django.urls import reverse

from core.email import message_to_payload, payload_to_message

pytestmark = pytest.mark.django_db
CELERY_BACKEND = "core.mail_backend.CeleryEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def through_celery(settings):
    settings.EMAIL_BACKEND = CELERY_BACKEND
    settings.TANDEM_EMAIL_BACKEND = LOCMEM


def test_a_message_is_queued_on_commit_and_delivered_by_the_task(through_celery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_mail("Hello", "Body", None, ["mia@example.org"])
    assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the (eager) task hands it to the real backend
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert mail.outbox[0].to == ["mia@example.org"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_sends_nothing(through_celery):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Never", "Body", None, ["mia@example.org"])
        raise RuntimeError("the change failed")
    assert mail.outbox == []


def test_html_alternatives_and_attachments_survive_the_trip():
    message = EmailMultiAlternatives("Report", "plain", "from@example.org", ["to@example.org"], cc=["cc@example.org"])
    message.attach_alternative("<p>html</p>", "text/html")
    message.attach("figures.csv", "a,b\n1,2\n", "text/csv")
    copy = payload_to_message(message_to_payload(message))
    assert copy.alternatives[0][0] == "<p>html</p>"
    assert copy.attachments[0][0] == "figures.csv"
    assert copy.attachments[0][1] in (b"a,b\n1,2\n", "a,b\n1,2\n")
    assert copy.cc == ["cc@example.org"]


def test_password_reset_email_arrives_through_celery(
    client, through_celery, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "MENTEE@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["mentee@example.org"]


def test_administrator_sends_a_test_email(client, administrator, through_celery, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    page = client.get(reverse("send_test_email"))
    assert b"Current email settings" in page.content
    assert b"locmem" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("send_test_email"), {"to": "check@example.org"}, follow=True)
    assert b"is queued" in response.content
    assert [m.to for m in mail.outbox] == [["check@example.org"]]
    assert mail.outbox[0].subject == "Tandem test email"


def test_test_email_with_broken_smtp_settings_says_why_and_sends_nothing(client, administrator, settings):
    settings.EMAIL_BACKEND = CELERY_BACKEND
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    client.force_login(administrator)
    response = client.post(reverse("send_test_email"), {"to": "check@example.org"})
    assert response.status_code == 200
    assert b"The email settings do not work" in response.content
    assert b"ConnectionRefusedError" in response.content
    assert mail.outbox == []


def test_test_email_rejects_a_bad_address(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("send_test_email"), {"to": "not an address"})
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content


def test_the_test_email_to_a_german_persons_address_is_in_german(
    client, administrator, mentee, through_celery, django_capture_on_commit_callbacks
):
    mentee.language = "de"
    mentee.save(update_fields=["language"])
    client.force_login(administrator)  # the administrator reads Tandem in English
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("send_test_email"), {"to": mentee.email.upper()}, follow=True)
    assert b"is queued" in response.content
    [email] = mail.outbox
    assert email.subject == "Tandem-Test-E-Mail"
    assert email.body.startswith("Hallo,") and "E-Mail-Einstellungen" in email.body
