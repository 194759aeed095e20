"""What Tandem keeps that is not the organisation's domain: emails it gave up on, one-time form tokens, and beat's
schedule, heartbeat and run keys.

EmailFailure and FormSubmission were created by ``programmes`` and keep their names (``programmes_emailfailure``,
``programmes_formsubmission``): the models moved, the rows did not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailFailure(models.Model):
    """One email Tandem gave up on: who it was for, its subject and why. Never its body (it may be personal)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    subject = models.CharField(max_length=300)
    recipients = models.CharField(max_length=1000)
    error = models.CharField(max_length=500)

    class Meta:
        db_table = "programmes_emailfailure"
        ordering = ["-at", "-pk"]
        verbose_name = _("email that could not be sent")
        verbose_name_plural = _("emails that could not be sent")

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients}"


class FormSubmission(models.Model):
    """A create form's token, claimed by the request that acted on it, with where that request sent the user.

    The unique token is the idempotency key: the claim is inserted in the same transaction as what the form
    creates, so a second request with the same token waits for the first and is answered with its redirect.
    """

    token = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=2000)
    response_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "programmes_formsubmission"

    def __str__(self) -> str:
        return f"{self.path} by {self.person_id} at {self.created_at:%Y-%m-%d %H:%M}"


# --- Beat: its schedule, its heartbeat and the run key of each scheduled task (core.beat, core.scheduled) ------


class BeatEntry(models.Model):
    """One entry of CELERY_BEAT_SCHEDULE: the last slot beat sent it for. Beat's schedule lives here rather than
    in a shelve file, so a beat starts wherever it runs (no folder to write) and two beats share one state."""

    name = models.CharField(max_length=200, unique=True)
    last_slot = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_slot:%Y-%m-%d %H:%M:%S}"


class BeatHeartbeat(models.Model):
    """The one row beat rewrites as it ticks: /healthz reads how long ago that was."""

    ticked_at = models.DateTimeField()
    node = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.node} at {self.ticked_at:%Y-%m-%d %H:%M:%S}"


class ScheduledRun(models.Model):
    """The run key of a scheduled task: one row per (task, slot), inserted before the task does its work, so that
    a second message for the same slot (a second beat, an old release's beat) does nothing."""

    task = models.CharField(max_length=200)
    slot = models.DateTimeField()
    task_id = models.CharField(max_length=255)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "slot"], name="core_scheduledrun_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.task} @ {self.slot:%Y-%m-%d %H:%M:%S}"
