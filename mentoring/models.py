"""The relationship side. Only the pairing exists so far; agreements, sessions and check-ins follow."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from programmes.models import Membership, Person, Programme, Role


class PairingQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> PairingQuerySet:
        """The pair themselves, and the programme's coordinators (who see metadata only, never content)."""
        if not person.is_authenticated:
            return self.none()
        coordinates = Exists(
            Membership.objects.filter(programme=OuterRef("programme"), person=person, role=Role.COORDINATOR)
        )
        return self.filter(Q(mentor=person) | Q(mentee=person) | coordinates)

    def involving(self, person: Person) -> PairingQuerySet:
        return self.filter(Q(mentor=person) | Q(mentee=person))

    def current(self) -> PairingQuerySet:
        return self.filter(status__in=Pairing.CURRENT)


class Pairing(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    CURRENT = (Status.ACTIVE, Status.PAUSED)

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="pairings")
    mentor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pairings_as_mentor")
    mentee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pairings_as_mentee")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PairingQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="pairing_not_with_oneself"),
            models.UniqueConstraint(
                fields=["programme", "mentee"],
                condition=Q(status__in=["active", "paused"]),
                name="pairing_one_current_per_mentee",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pairing_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee} ({self.programme})"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:pairing_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT
