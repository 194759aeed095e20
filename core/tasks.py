"""Celery tasks of the site: email delivery and housekeeping. Thin: take plain values, call a function."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .email import email_deliver
from .once import form_submissions_purge
from .scheduled import once_per_slot
from .security import sessions_clear_expired


# The name it had before it moved here, so that messages queued by the previous release are still delivered.
@shared_task(
    name="programmes.tasks.send_email_message",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
)
def send_email_message(payload: dict[str, Any]) -> None:
    # Retries cover a mail server that is briefly down; OSError includes SMTP connection failures.
    email_deliver(payload=payload)


@shared_task
@once_per_slot
def clear_expired_sessions() -> None:
    sessions_clear_expired()


@shared_task
@once_per_slot
def purge_old_form_submissions() -> int:
    return form_submissions_purge()
