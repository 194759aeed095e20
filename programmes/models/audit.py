"""The audit log: who changed what and who looked at personal data they do not own.

Rows carry names, codes and words about the action; never private content (note text, session summaries,
concern text). They are written in the same transaction as the change, so a rolled back change leaves none.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey("programmes.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Kept when the actor is erased or deleted, so the log still says who (or "erased person").
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        "programmes.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("Whose personal data the action touched."),
    )
    summary = models.CharField(max_length=300, blank=True, help_text=gettext_lazy("In words; never private content."))
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("audit event")
        verbose_name_plural = gettext_lazy("audit events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or 'system'}: {self.action}"
