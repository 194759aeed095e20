"""The learning-environment audit acted on: a unit's action plan after a round, and the two-round alert.

A *unit* is an OrgUnit: a team with enough answers in the round, or a department standing for its teams with
too few (``evaluation.selectors.audit_plans``). A plan belongs to (round, unit) and holds up to three actions,
each tied to an audit dimension. An alert says a unit stayed restrictive on a dimension over two rounds in a row:
one row per (unit, dimension, round), so raising it again does nothing.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from programmes.models import OrgUnit, Person, Programme

from .surveys import Question, SurveyRound

MAX_ACTIONS = 3


class ActionPlan(models.Model):
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="action_plans")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("action plan")
        verbose_name_plural = gettext_lazy("action plans")
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="actionplan_once_per_round_unit")]

    def __str__(self) -> str:
        return f"Action plan #{self.pk} of unit #{self.unit_id} after round #{self.round_id}"


class AuditAction(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", gettext_lazy("Planned")
        IN_PROGRESS = "in_progress", gettext_lazy("In progress")
        DONE = "done", gettext_lazy("Done")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=1)
    # One of Question.Dimension's values (not a choices field here: the audit's dimensions grow with the
    # enum, and the form offers the enum's current ones).
    dimension = models.CharField(gettext_lazy("dimension"), max_length=30)
    text = models.CharField(gettext_lazy("action"), max_length=300)
    due_on = models.DateField(gettext_lazy("due"))
    status = models.CharField(gettext_lazy("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    done_text = models.CharField(gettext_lazy("what was done"), max_length=1000, blank=True)

    class Meta:
        verbose_name = gettext_lazy("action")
        verbose_name_plural = gettext_lazy("actions")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="auditaction_one_per_position"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_ACTIONS), name="auditaction_at_most_three"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def dimension_label(self) -> str:
        return str(dict(Question.Dimension.choices).get(self.dimension, self.dimension))


class AuditActionChange(models.Model):
    """A status an action moved to, by whom and when: the plan's history."""

    action = models.ForeignKey(AuditAction, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=20, choices=AuditAction.Status.choices)
    by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Action #{self.action_id} {self.status}"


class AuditAlert(models.Model):
    """A unit restrictive (level 2 or below) on a dimension in two audit rounds of a programme in a row."""

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        ACKNOWLEDGED = "acknowledged", gettext_lazy("Acknowledged by a coordinator")
        RESOLVED = "resolved", gettext_lazy("Resolved")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+")
    previous_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=30)
    mean = models.DecimalField(max_digits=3, decimal_places=1)
    previous_mean = models.DecimalField(max_digits=3, decimal_places=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("audit alert")
        verbose_name_plural = gettext_lazy("audit alerts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "dimension", "round"], name="auditalert_once_per_unit_dimension")
        ]

    def __str__(self) -> str:
        return f"Audit alert #{self.pk}: unit #{self.unit_id} {self.dimension}"
