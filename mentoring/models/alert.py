"""The coordinators' alerts on a pairing: raised by the check-in escalation, a concern, a 'not good' fit answer,
a health check, the silence sweep (mentoring.services.alerts) or a move that breaks a hard rule
(mentoring.services.leavers)."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models.concern import Concern
from mentoring.models.pairing import Pairing
from programmes.models import Membership, Person, Programme, Role

ALERT_OPEN = Q(resolved_at__isnull=True, acknowledged_at__isnull=True)
ALERT_ACKNOWLEDGED = Q(resolved_at__isnull=True, acknowledged_at__isnull=False)


class AlertQuerySet(models.QuerySet):
    def open(self) -> AlertQuerySet:
        """Unresolved: open or acknowledged."""
        return self.filter(resolved_at__isnull=True)

    def for_coordinator(self, person: Person) -> AlertQuerySet:
        return self.filter(
            Exists(Membership.objects.filter(programme=OuterRef("programme"), person=person, role=Role.COORDINATOR))
        )


class Alert(models.Model):
    """Something a coordinator should look at, with its reason in words. The evaluation side turns alerts
    into interventions; here they are raised, acknowledged and resolved."""

    class Kind(models.TextChoices):
        ESCALATION = "escalation", _("Missed check-in")
        CONCERN = "concern", _("Concern raised")
        FIT = "fit", _("Fit answered 'not good'")
        HEALTH = "health", _("Relationship health fell")
        SILENCE = "silence", _("No confirmed session for long")
        RULE = "rule", _("Breaks a matching rule since a move")

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="alerts")
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    reason = models.CharField(max_length=300, help_text=_("Why, in words; never private content."))
    concern = models.OneToOneField(Concern, null=True, blank=True, on_delete=models.CASCADE, related_name="alert")
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "-created_at"]
        indexes = [models.Index(fields=["programme", "resolved_at"], name="alert_programme_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on pairing #{self.pairing_id}"
