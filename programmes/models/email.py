"""Emails that could not be built or sent for good (issue 13, point 19): the administrators' record of them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EmailFailure(models.Model):
    """One email Tandem gave up on: who it was for, its subject and why. Never its body (it may be personal)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    subject = models.CharField(max_length=300)
    recipients = models.CharField(max_length=1000)
    error = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "email that could not be sent"
        verbose_name_plural = "emails that could not be sent"

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients}"
