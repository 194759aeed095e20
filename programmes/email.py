"""Outgoing email goes through Celery, so a slow or unreachable mail server never holds up a page.

``EMAIL_BACKEND`` points here; the worker hands each message to ``TANDEM_EMAIL_BACKEND`` (console, file or
SMTP). Messages are queued when the surrounding transaction commits, so a rolled-back change sends nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend

from .single_line import single_line


def message_to_payload(message: EmailMessage) -> dict[str, Any]:
    """A JSON-safe copy of a message, to travel through the broker."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else bytes(content)
        attachments.append([filename, base64.b64encode(raw).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": attachments,
    }


def payload_to_message(payload: dict[str, Any], *, connection: Any = None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
        connection=connection,
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in payload["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


class CeleryEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from .services.core import email_record_failure, email_unbuildable
        from .tasks import send_email_message  # the task module imports Django models

        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            # A subject is one line (Django's password reset does the same): a name saved with a line break
            # before one-line fields refused them still reaches people (issue 13, point 19).
            message.subject = single_line(str(message.subject))
            # A message that still cannot be built (a line break in another header, an address Django cannot
            # encode) would fail in the worker on every try: record it for the administrators now, send the rest.
            if problem := email_unbuildable(message):
                email_record_failure(subject=message.subject, recipients=message.recipients(), error=problem)
                continue
            send_email_message.delay_on_commit(message_to_payload(message))
            count += 1
        return count
