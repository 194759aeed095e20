"""An intervention: a coordinator stepping in on a pairing or a participant. Its note is for coordinators only."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from mentoring.models import Alert, Pairing
from programmes.models import Person, Programme


class Intervention(models.Model):
    """A coordinator stepping in on a pairing or a participant: what, why (a note for coordinators only), when
    to follow up, and how it ended. Closing it resolves the alerts it answers."""

    class Kind(models.TextChoices):
        CALL = "call", gettext_lazy("Call")
        MEDIATION = "mediation", gettext_lazy("Mediation")
        EXTRA_TRAINING = "extra_training", gettext_lazy("Extra training")
        REMATCH = "rematch", gettext_lazy("Re-match")
        PAUSE = "pause", gettext_lazy("Pause")
        OTHER = "other", gettext_lazy("Other")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        CLOSED = "closed", gettext_lazy("Closed")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="interventions")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.CASCADE, related_name="interventions")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interventions",
        verbose_name=gettext_lazy("participant"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # For the programme's coordinators only: never shown to the pair, line managers or committees.
    note = models.TextField(gettext_lazy("note for coordinators"), blank=True, max_length=5000)
    follow_up_on = models.DateField(gettext_lazy("follow up on"), null=True, blank=True)
    # Set when the follow-up reminder went out: the row is the idempotency key (reminded once).
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    alerts = models.ManyToManyField(Alert, blank=True, related_name="interventions")
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pairing__isnull=False) | Q(person__isnull=False), name="intervention_has_a_subject"
            ),
        ]
        indexes = [models.Index(fields=["status", "follow_up_on"], name="intervention_follow_up")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.programme}"  # never the note

    def get_absolute_url(self) -> str:
        return reverse("evaluation:intervention_detail", args=[self.programme_id, self.pk])


class InterventionKind(models.Model):
    """An intervention's kind from a moment on: the history a period's report reads, so that a report counts an
    intervention by its kind at the period's end, not by a kind chosen since. Kept from the
    first change of kind on: its first row is the kind recorded; one never changed needs none."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="kinds")
    kind = models.CharField(max_length=20, choices=Intervention.Kind.choices)
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [models.Index(fields=["intervention", "since"], name="interventionkind_since")]

    def __str__(self) -> str:
        return f"Intervention #{self.intervention_id}: {self.kind} from {self.since:%Y-%m-%d}"
