"""Signals from the pair to the coordinators: concerns and the answers to the fit question."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.fields import EncryptedTextField
from mentoring.models.pairing import Pairing
from programmes.models import Person


class Concern(models.Model):
    """ "I would like help with this relationship": from one side to the coordinators; the partner never sees it."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # Addressed to the coordinators: they read it. Not shown to the partner, line managers or committees.
    # Encrypted at rest like the rest of the pair's words.
    text = EncryptedTextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Concern #{self.pk} on pairing #{self.pairing_id}"


class FitAnswer(models.Model):
    class Fit(models.TextChoices):
        GOOD = "good", _("Good")
        DECIDING = "deciding", _("Still deciding")
        NOT_GOOD = "not_good", _("Not good")

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="fit_answers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    fit = models.CharField(max_length=20, choices=Fit.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pairing", "person"], name="fit_answer_one_per_person")]

    def __str__(self) -> str:
        return f"Fit answer on pairing #{self.pairing_id}: {self.get_fit_display()}"


# The words every page uses for an alert's state, and what each counts: "open" (nobody has taken it up yet) and
# "acknowledged" (a coordinator is on it) are both unresolved; ``AlertQuerySet.open()`` is all the unresolved.
