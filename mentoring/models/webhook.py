"""Outgoing webhooks: messages about planned sessions to where people work (Slack, Microsoft Teams)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme


class WebhookChannel(models.Model):
    """An incoming-webhook address of Slack or Microsoft Teams, for a programme (its coordinators set it; a channel
    per person was left out: nobody could set one, and a programme's channel is what the issue asks for first).
    Messages carry names, dates and links only, never what a pair wrote."""

    class Kind(models.TextChoices):
        SLACK = "slack", _("Slack")
        TEAMS = "teams", _("Microsoft Teams")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="webhook_channels")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.CharField(_("webhook address"), max_length=500)
    # The key of the X-Tandem-Signature header (HMAC-SHA256 of the timestamp and the body), made by the software.
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} channel #{self.pk}"


class WebhookDelivery(models.Model):
    """One message to one channel: retried with back-off by its Celery task, failed after the last attempt (which
    the programme's coordinators see)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.ForeignKey(WebhookChannel, on_delete=models.CASCADE, related_name="deliveries")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["channel", "status"], name="webhook_channel_status")]

    def __str__(self) -> str:
        return f"Delivery #{self.pk} to {self.channel} ({self.status})"
