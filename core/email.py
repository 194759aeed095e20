"""Email: a message as a JSON-safe payload for the broker, and what the worker and the administrators do with
one (deliver it, record one that cannot be built, check the settings, send a test). The backend that queues
messages is ``core.mail_backend``; the task that delivers them is ``core.tasks.send_email_message``.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection, send_mail
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .i18n import in_language_of
from .models import EmailFailure
from .single_line import LINE_BREAKS

logger = logging.getLogger(__name__)


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


def email_record_failure(*, subject: str, recipients: Sequence[str], error: Exception) -> EmailFailure:
    """Keep an email that cannot be sent where administrators see it (the admin's "emails that could not be
    sent"), with the reason; the line breaks that broke a subject are shown as a visible mark."""
    logger.error("email to %s could not be built: %s", ", ".join(recipients), error)
    return EmailFailure.objects.create(
        subject=LINE_BREAKS.sub(" ⏎ ", str(subject))[:300],
        recipients=", ".join(recipients)[:1000],
        error=f"{error.__class__.__name__}: {error}"[:500],
    )


def email_unbuildable(message: EmailMessage) -> Exception | None:
    """Why ``message`` cannot become an email (a line break in its subject or a header, a bad address), or
    None. Building it is what the mail backend does first; a failure there would never succeed on a retry."""
    try:
        message.message()
    except ValueError as exc:  # BadHeaderError is a ValueError; so is an address Django cannot encode
        return exc
    return None


def email_deliver(*, payload: dict[str, Any]) -> None:
    """Hand one queued message to the configured real backend (runs in the worker)."""
    connection = get_connection(settings.TANDEM_EMAIL_BACKEND, fail_silently=False)
    message = payload_to_message(payload, connection=connection)
    if problem := email_unbuildable(message):
        email_record_failure(subject=message.subject, recipients=message.recipients(), error=problem)
        return
    message.send()


def email_settings_summary() -> list[tuple[str, str]]:
    """What an administrator needs to see to judge the email settings; never the password."""
    rows = [
        (_("Backend"), settings.TANDEM_EMAIL_BACKEND.rsplit(".", 2)[-2]),
        # The sender, not the start of a period: all catalogues merge, so a bare "From" here would turn the
        # dashboard's date filter "From" into "Absender".
        (pgettext("email sender", "From"), settings.DEFAULT_FROM_EMAIL),
    ]
    if settings.TANDEM_EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        security = "TLS" if settings.EMAIL_USE_TLS else "SSL" if settings.EMAIL_USE_SSL else _("none")
        rows += [
            (_("Server"), f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"),
            (_("User"), settings.EMAIL_HOST_USER or _("(none)")),
            (_("Encryption"), security),
        ]
    elif settings.TANDEM_EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        rows.append((_("Folder"), str(settings.EMAIL_FILE_PATH)))
    return rows


def email_send_test(*, to: str, by: AbstractBaseUser) -> None:
    """Check that the real backend opens a connection, then send a test message through Celery.

    Raises ValidationError with the reason when the settings do not work, so the administrator sees it on
    the page instead of finding a failed task in the worker's log.
    """
    validate_email(to)
    try:
        connection = get_connection(settings.TANDEM_EMAIL_BACKEND, fail_silently=False)
        connection.open()
        connection.close()
    except Exception as exc:  # any backend error is a configuration problem to report, not a crash
        logger.warning("email settings check failed: %s", exc)
        raise ValidationError(
            _("The email settings do not work: %(error)s") % {"error": f"{exc.__class__.__name__}: {exc}"}
        ) from exc
    # In the language of the person the address belongs to, if it is someone's (usually the administrator's own).
    recipient = get_user_model().objects.filter(email__iexact=to).first()
    with in_language_of(recipient) if recipient is not None else nullcontext():
        subject = _("Tandem test email")
        body = _(
            "Hello,\n\n%(sender)s sent this test from Tandem's administration to check the email settings.\n"
            "If you can read it, email from Tandem reaches people.\n"
        ) % {"sender": by}
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
