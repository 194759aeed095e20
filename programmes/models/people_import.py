"""A people import from an HR system's CSV: parsed once, previewed, then applied in one transaction."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .core import Person


class PeopleImport(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "preview", "Previewed"
        APPLIED = "applied", "Applied"
        DISCARDED = "discarded", "Discarded"

    uploaded_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    # The parsed rows with their outcome ("create", "update", "unchanged", "error") and reasons: what the
    # preview showed is exactly what confirming applies (re-checked against the database at that moment).
    rows = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display().lower()})"
