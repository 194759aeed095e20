"""Celery tasks of the relationship side. Thin: take plain values, call a service."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.scheduled import once_per_slot
from mentoring.services import lifecycle, mentor_requests, reminder_emails, reminders, webhooks

# --- Pairing lifecycle ---------------------------------------------------------------------------------------


@shared_task
@once_per_slot
def resume_due_pairings() -> int:
    # Daily; each paused pairing is claimed by a conditional UPDATE, so repeated or missed ticks do no harm.
    return lifecycle.pairings_resume_due()


# --- Mentee requests -----------------------------------------------------------------------------------------


@shared_task
@once_per_slot
def expire_unanswered_requests() -> int:
    # Hourly; each request is claimed by a conditional UPDATE before the mentee is told.
    return mentor_requests.requests_expire()


# --- Check-in reminders --------------------------------------------------------------------------------------


def _send_budget() -> float:
    # Sending stops claiming emails well before the soft time limit; what is left goes in a follow-up task.
    return settings.CELERY_TASK_SOFT_TIME_LIMIT / 2


@shared_task
@once_per_slot
def send_due_checkin_reminders() -> dict[str, int]:
    # Every TANDEM_REMINDER_SWEEP_MINUTES. Records what is due up to now (each batch commits), then hands the
    # outbox to workers (a first sweep's 100,000 emails would hold this task for many minutes); a repeated,
    # late or redelivered run neither repeats nor loses a reminder (see mentoring.services.reminders). A large
    # outbox (a cold day) is sent by several tasks side by side (claims skip locked rows), each queueing its own
    # follow-up while emails wait: as many at once as TANDEM_REMINDER_SENDERS.
    counts = reminders.reminders_sweep(send=False)
    for _sender in range(settings.TANDEM_REMINDER_SENDERS):
        send_reminder_emails.delay()
    return asdict(counts)


@shared_task
def send_reminder_emails() -> dict[str, int]:
    # The rest of a large outbox, after a sweep used its time budget; claims skip locked rows, so it may run
    # beside the next sweep.
    counts = reminder_emails.reminder_digests_send(now=timezone.now(), budget_seconds=_send_budget())
    if counts.waiting:
        send_reminder_emails.delay()
    return asdict(counts)


# --- Outgoing webhooks ------------------------------------------------------------------------------------------


@shared_task(bind=True, max_retries=webhooks.MAX_ATTEMPTS - 1, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> None:
    # Posts one delivery; the row says whether it is still to go, so a redelivered task posts nothing twice.
    wait = webhooks.webhook_deliver(delivery_id=delivery_id)
    if wait is None:
        return
    if self.request.is_eager:
        # Eager (no broker: tests, a bare development set-up) has nobody to run a countdown, and Celery's eager
        # retry re-raises instead of retrying: try again at once. With a broker, the back-off below applies.
        deliver_webhook.run(delivery_id)
        return
    raise self.retry(countdown=wait.total_seconds())
