"""Celery tasks of the relationship side. Thin: take plain values, call a service."""

from __future__ import annotations

from celery import shared_task

from . import lifecycle, requests

# --- Pairing lifecycle ---------------------------------------------------------------------------------------


@shared_task
def resume_due_pairings() -> int:
    # Daily; each paused pairing is claimed by a conditional UPDATE, so repeated or missed ticks do no harm.
    return lifecycle.pairings_resume_due()


# --- Mentee requests -----------------------------------------------------------------------------------------


@shared_task
def expire_unanswered_requests() -> int:
    # Hourly; each request is claimed by a conditional UPDATE before the mentee is told.
    return requests.requests_expire()
