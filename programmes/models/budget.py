"""Resource budgets: what a programme planned to spend on what, and what it spent."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.single_line import SingleLineCharField

from .core import Person, Programme
from .training import Course


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        TRAINING = "training", gettext_lazy("Training fees")
        MATERIALS = "materials", gettext_lazy("Materials")
        VENUE = "venue", gettext_lazy("Venue")
        TRAVEL = "travel", gettext_lazy("Travel")
        OTHER = "other", gettext_lazy("Other")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(max_length=20, choices=Category.choices)
    description = SingleLineCharField(max_length=200, blank=True)
    planned_amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, default="EUR", help_text=gettext_lazy("ISO 4217 code, e.g. EUR or GBP."))

    class Meta:
        ordering = ["programme", "category", "description"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_amount__gte=0), name="budgetline_planned_not_negative"),
        ]

    def __str__(self) -> str:
        label = self.get_category_display()
        return f"{label}: {self.description}" if self.description else label


class Spend(models.Model):
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="spends")
    spent_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    description = SingleLineCharField(max_length=200)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="spends")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="spends")
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spend_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.line.currency} on {self.spent_on}: {self.description}"
