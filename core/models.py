"""What Tandem keeps that is not the organisation's domain: emails it gave up on, and one-time form tokens.

Both tables were created by ``programmes`` and keep their names (``programmes_emailfailure``,
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
