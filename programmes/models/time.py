"""Protected time: hours a month each participant may spend on the programme, approved by the line manager."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from .core import Person, Programme


class TimeAllocationQuerySet(models.QuerySet):
    def awaiting_approval_by(self, manager: Person) -> TimeAllocationQuerySet:
        return self.filter(status=TimeAllocation.Status.PENDING, person__line_manager=manager)


class TimeAllocation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for the line manager")
        APPROVED = "approved", pgettext_lazy("a line manager's decision on time", "Approved")
        DECLINED = "declined", gettext_lazy("Declined")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="time_allocations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="time_allocations")
    month = models.DateField(help_text=gettext_lazy("The first day of the month."))
    hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TimeAllocationQuerySet.as_manager()

    class Meta:
        ordering = ["month", "person__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "person", "month"], name="allocation_unique_month"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="allocation_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h for {self.person} in {self.month:%B %Y}"


class TimeAllocationState(models.Model):
    """An allocation's status and hours from a moment on: the history a period's report reads, so that a report
    counts protected time as it stood at the period's end (declined by then or not, and its hours then), not as it
    stands when viewed. Kept from an allocation's first change on: its first row is the
    allocation as it was created; one never changed needs none (its own row says it all)."""

    allocation = models.ForeignKey(TimeAllocation, on_delete=models.CASCADE, related_name="states")
    status = models.CharField(max_length=20, choices=TimeAllocation.Status.choices)
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    since = models.DateTimeField(default=timezone.now)
    # When the next row of the history took over (null: this row still stands), kept by the time services in
    # the same transaction as the next row, so that "the row that stood at moment T" is a range condition.
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [models.Index(fields=["allocation", "since"], name="allocationstate_since")]

    def __str__(self) -> str:
        return f"Allocation #{self.allocation_id}: {self.status}, {self.hours} h from {self.since:%Y-%m-%d}"
