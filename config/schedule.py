"""Beat's schedule: every periodic task, by app (config.settings sets CELERY_BEAT_SCHEDULE from it).

Beat only nudges: each task sweeps what is due up to now, so a missed tick catches up and an extra one repeats
nothing. Each task also takes a run key per slot of its schedule (core.scheduled.once_per_slot), so a second beat
never doubles its work.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab


def beat_schedule(*, hr_sync_hour: int, reminder_sweep_seconds: int) -> dict[str, dict[str, Any]]:
    """The schedule, with the two times the settings choose: the nightly HR file's hour and the sweep's interval."""
    return {
        # --- core and programmes
        "clear-expired-sessions": {
            "task": "core.tasks.clear_expired_sessions",
            "schedule": 60 * 60 * 6,
        },
        "remind-coordinators-of-silent-managers": {
            "task": "programmes.tasks.remind_coordinators_of_silent_managers",
            "schedule": 60 * 60,
        },
        # Daily, though allocations are monthly: a missed day catches up, a repeated one creates and sends nothing.
        "ensure-monthly-time-allocations": {
            "task": "programmes.tasks.ensure_monthly_time_allocations",
            "schedule": crontab(hour=6, minute=30),
        },
        "warn-expiring-training": {
            "task": "programmes.tasks.warn_expiring_training",
            "schedule": crontab(hour=6, minute=30),
        },
        # One-time form tokens and stored import previews: daily, a missed day only keeps rows longer.
        "purge-old-form-submissions": {
            "task": "core.tasks.purge_old_form_submissions",
            "schedule": crontab(hour=3, minute=20),
        },
        "purge-old-people-import-previews": {
            "task": "programmes.tasks.purge_old_people_import_previews",
            "schedule": crontab(hour=3, minute=25),
        },
        # The nightly HR file: a file read before (same hash) or a run still open (running, or waiting for an
        # administrator) makes a tick do nothing, so extra ticks repeat nothing.
        "run-nightly-hr-sync": {
            "task": "programmes.tasks.run_hr_sync",
            "schedule": crontab(hour=hr_sync_hour, minute=0),
        },
        "purge-old-audit-events": {
            "task": "programmes.tasks.purge_old_audit_events",
            "schedule": crontab(hour=3, minute=10),
        },
        # --- mentoring
        "resume-due-pairings": {
            "task": "mentoring.tasks.resume_due_pairings",
            "schedule": crontab(hour=6, minute=0),
        },
        # Check-in reminders: each sweep records what is due up to now (one row per pairing, kind and due date)
        # and sends the outbox after commit, so extra or missed ticks neither repeat nor lose a reminder.
        "send-due-checkin-reminders": {
            "task": "mentoring.tasks.send_due_checkin_reminders",
            "schedule": reminder_sweep_seconds,
        },
        "expire-unanswered-mentor-requests": {
            "task": "mentoring.tasks.expire_unanswered_requests",
            "schedule": 60 * 60,
        },
        # --- evaluation
        # An open silence alert stops a second one, and each intervention's follow-up reminder is claimed by a
        # conditional UPDATE, so extra or missed ticks neither repeat nor lose one.
        "raise-silence-alerts": {
            "task": "evaluation.tasks.raise_silence_alerts",
            "schedule": crontab(hour=6, minute=15),
        },
        "remind-intervention-follow-ups": {
            "task": "evaluation.tasks.remind_intervention_follow_ups",
            "schedule": crontab(hour="7-18", minute=5),
        },
        # Opens survey rounds on their day, reminds once before they close, closes them after.
        "sweep-survey-rounds": {"task": "evaluation.tasks.sweep_survey_rounds", "schedule": 60 * 60},
        # Health checks and end-of-relationship surveys: invitations due today (a missed day catches up).
        "invite-to-relationship-surveys": {
            "task": "evaluation.tasks.invite_to_relationship_surveys",
            "schedule": crontab(hour=6, minute=15),
        },
        "apply-retention": {"task": "evaluation.tasks.apply_retention", "schedule": crontab(hour=3, minute=20)},
        # Kept draft figures' change log: daily, a missed day only keeps rows longer.
        "purge-old-figure-changes": {
            "task": "evaluation.tasks.purge_old_figure_changes",
            "schedule": crontab(hour=3, minute=30),
        },
    }
