"""A mentor's suggestion of a learning opportunity to their mentee, from the pair's workspace."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from programmes.models import Opportunity, Person

from .pairing import Pairing


class OpportunitySuggestion(models.Model):
    """One suggestion per pairing and opportunity. No free text: the pair talks about it in their sessions."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="opportunity_suggestions")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="suggestions")
    suggested_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "opportunity"], name="opportunitysuggestion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} suggested in pairing #{self.pairing_id}"
