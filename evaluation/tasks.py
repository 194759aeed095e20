"""Celery tasks of the evaluation side. Thin: take plain values, call a service."""

from __future__ import annotations

from celery import shared_task

from core.scheduled import once_per_slot
from mentoring.services.alerts import silence_alerts_raise

from .services import interventions, survey_rounds

# Alerts and interventions


@shared_task
@once_per_slot
def raise_silence_alerts() -> int:
    # Daily; an open silence alert on a pairing stops a second one, so repeated or missed ticks do no harm.
    return silence_alerts_raise()


@shared_task
@once_per_slot
def remind_intervention_follow_ups() -> int:
    # Hourly in the working day; each intervention is claimed by a conditional UPDATE, so it is reminded once.
    return interventions.intervention_follow_ups_remind()


# Surveys


@shared_task
@once_per_slot
def sweep_survey_rounds() -> dict[str, int]:
    # Hourly: open the rounds whose day has come, remind (once) those closing soon, close those past their last
    # day. Each step is claimed by a conditional UPDATE, so repeated or missed ticks do no harm.
    return survey_rounds.survey_rounds_sweep()


@shared_task
@once_per_slot
def invite_to_relationship_surveys() -> dict[str, int]:
    # Daily: health checks due (30 days after the start, then every 60), end-of-relationship surveys of pairings
    # that closed, and the one reminder of each. The invitation's unique key makes a repeated day send nothing.
    return survey_rounds.relationship_surveys_sweep()


# Personal data retention


@shared_task(soft_time_limit=60 * 30, time_limit=60 * 35)
@once_per_slot
def apply_retention() -> int:
    # Daily: erases whoever the rule has reached since; an erased person is not selected again.
    from .services.personal_data import retention_apply

    return retention_apply()


# Committee reports


@shared_task
@once_per_slot
def purge_old_figure_changes() -> int:
    # Daily: the change log behind kept draft figures, and figures too old to be shown; a missed day keeps more.
    from .services.draft_figures import figure_changes_purge

    return figure_changes_purge()
