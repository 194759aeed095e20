"""Celery tasks of the evaluation side. Thin: take plain values, call a service."""

from __future__ import annotations

from celery import shared_task

from . import alerts, interventions

# --- Alerts and interventions (issue 6) ---------------------------------------------------------------------


@shared_task
def raise_silence_alerts() -> int:
    # Daily; an open silence alert on a pairing stops a second one, so repeated or missed ticks do no harm.
    return alerts.silence_alerts_raise()


@shared_task
def remind_intervention_follow_ups() -> int:
    # Hourly in the working day; each intervention is claimed by a conditional UPDATE, so it is reminded once.
    return interventions.intervention_follow_ups_remind()
