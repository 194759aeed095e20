"""The pair's agreement: how and how often they meet."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.fields import EncryptedTextField
from mentoring.models.pairing import Pairing


class MeetingPreference(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    MIXED = "mixed", _("A mix")


class Agreement(models.Model):
    """What the pair agree on at the start: how often they meet, how, and that what they say stays theirs."""

    pairing = models.OneToOneField(Pairing, on_delete=models.CASCADE, related_name="agreement")
    cadence_days = models.PositiveSmallIntegerField(
        _("meet every (days)"), validators=[MinValueValidator(7), MaxValueValidator(90)]
    )
    preferred_mode = models.CharField(
        _("preferred way of meeting"), max_length=20, choices=MeetingPreference.choices, default=MeetingPreference.MIXED
    )
    # Shared by the pair (never shown to coordinators): practical arrangements in their own words (encrypted).
    arrangements = EncryptedTextField(blank=True, max_length=2000)
    mentor_signed_at = models.DateTimeField(null=True, blank=True)
    mentee_signed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__gte=7) & Q(cadence_days__lte=90), name="agreement_cadence_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement of pairing #{self.pairing_id}"

    @property
    def signed(self) -> bool:
        return bool(self.mentor_signed_at and self.mentee_signed_at)


class AgreementCadence(models.Model):
    """How often a pair agreed to meet, from a moment on: the history a period's report reads, so that a pairing's
    check-in state at the period's end follows the cadence agreed then, not one agreed since.
    Kept from the first change on: its first row is the cadence until then; a pair that never changed it needs
    none (its agreement says it all)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="cadences")
    cadence_days = models.PositiveSmallIntegerField()
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [models.Index(fields=["pairing", "since"], name="agreementcadence_since")]

    def __str__(self) -> str:
        return f"Pairing #{self.pairing_id}: every {self.cadence_days} days from {self.since:%Y-%m-%d}"
