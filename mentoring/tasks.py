"""Celery tasks of the relationship side. Thin: take plain values, call a service."""

from __future__ import annotations

from celery import shared_task

from . import lifecycle

# --- Pairing lifecycle ---------------------------------------------------------------------------------------


@shared_task
def resume_due_pairings() -> int:
    # Daily; each paused pairing is claimed by a conditional UPDATE, so repeated or missed ticks do no harm.
    return lifecycle.pairings_resume_due()
