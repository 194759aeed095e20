"""Training: the course catalogue, each person's records, what each programme role requires, overrides."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from core.single_line import SingleLineCharField

from .core import Person, Programme, Role


class Course(models.Model):
    class Kind(models.TextChoices):
        MENTOR_TRAINING = "mentor_training", gettext_lazy("Mentor training")
        MENTEE_ORIENTATION = "mentee_orientation", gettext_lazy("Mentee orientation")
        COURSE = "course", gettext_lazy("Off-the-job course")
        QUALIFICATION = "qualification", gettext_lazy("Qualification")
        BRIEFING = "briefing", gettext_lazy("Line manager briefing")

    title = SingleLineCharField(max_length=150, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    provider = SingleLineCharField(max_length=150, blank=True)
    is_external = models.BooleanField(gettext_lazy("external provider"), default=False)
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(0), MaxValueValidator(999)]
    )
    validity_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Empty when completing it once is enough."),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    qualification = SingleLineCharField(gettext_lazy("qualification it leads to"), max_length=150, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language when it is one Tandem ships (the line manager briefing's)."""
        return gettext(self.title) if self.title in SHIPPED_TITLES else self.title


# Titles of the courses Tandem's own migrations create: translated when shown (marked here for the catalogue).
BRIEFING_TITLE = gettext_noop("Line manager briefing")
SHIPPED_TITLES = frozenset({BRIEFING_TITLE})


class ProgrammeRequirement(models.Model):
    """A course a programme requires of its mentors or of its mentees before they can be matched."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requirements")
    role = models.CharField(max_length=20, choices=[(Role.MENTOR, "Mentors"), (Role.MENTEE, "Mentees")])
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="requirements")

    class Meta:
        ordering = ["programme", "role", "course__title"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "role", "course"], name="requirement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course} for {self.get_role_display().lower()} in {self.programme}"


class TrainingRecordQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> TrainingRecordQuerySet:
        """Completed, and not expired on ``day``."""
        return self.filter(status=TrainingRecord.Status.COMPLETED).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gt=day)
        )

    def expiring_between(self, start: datetime.date, end: datetime.date) -> TrainingRecordQuerySet:
        return self.filter(status=TrainingRecord.Status.COMPLETED, expires_on__gt=start, expires_on__lte=end)


class TrainingRecord(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", gettext_lazy("Planned")
        BOOKED = "booked", gettext_lazy("Booked")
        COMPLETED = "completed", gettext_lazy("Completed")
        EXPIRED = "expired", gettext_lazy("Expired")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="training_records")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    completed_on = models.DateField(null=True, blank=True)
    # Stored, not computed on the fly, so that "expiring within 30 days" is one indexed query.
    expires_on = models.DateField(null=True, blank=True)
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(999)]
    )
    evidence_note = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="training-evidence/%Y/%m/", blank=True)
    verified_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "course__title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="trainingrecord_completed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_on"], name="training_expiry")]

    def __str__(self) -> str:
        return f"{self.course} — {self.person} ({self.get_status_display().lower()})"


class BriefingReminder(models.Model):
    """One row per line manager and day: the idempotency key of "please take the line manager briefing" (issue
    20), so that two coordinators, or one pressing twice, remind a line manager once a day at most."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "sent_on"], name="briefingreminder_once_a_day")]

    def __str__(self) -> str:
        return f"Briefing reminder for {self.person_id} ({self.sent_on})"


class TrainingExpiryWarning(models.Model):
    """One row per record and expiry date: the idempotency key of the 'your training expires soon' email."""

    record = models.ForeignKey(TrainingRecord, on_delete=models.CASCADE, related_name="expiry_warnings")
    expires_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "expires_on"], name="expirywarning_once_per_expiry"),
        ]

    def __str__(self) -> str:
        return f"Expiry warning for {self.record_id} ({self.expires_on})"


class ReadinessOverride(models.Model):
    """A coordinator's recorded decision to let a not-yet-ready participant be matched anyway."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="readiness_overrides")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="readiness_overrides")
    reason = models.TextField()
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="readinessoverride_unique"),
        ]

    def __str__(self) -> str:
        return f"Readiness override for {self.person} in {self.programme}"
