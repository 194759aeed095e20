"""Outgoing email goes through Celery, so a slow or unreachable mail server never holds up a page.

``EMAIL_BACKEND`` points here; the worker hands each message to ``TANDEM_EMAIL_BACKEND`` (console, file or
SMTP). Messages are queued when the surrounding transaction commits, so a rolled-back change sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from .email import email_record_failure, email_unbuildable, message_to_payload
from .single_line import single_line
from .tasks import send_email_message


class CeleryEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            # A subject is one line (Django's password reset does the same): a name saved with a line break
            # before one-line fields refused them still reaches people.
            message.subject = single_line(str(message.subject))
            # A message that still cannot be built (a line break in another header, an address Django cannot
            # encode) would fail in the worker on every try: record it for the administrators now, send the rest.
            if problem := email_unbuildable(message):
                email_record_failure(subject=message.subject, recipients=message.recipients(), error=problem)
                continue
            send_email_message.delay_on_commit(message_to_payload(message))
            count += 1
        return count
