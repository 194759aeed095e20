"""Time to think (issue 20): reflection time logged against protected time, and the short private reflection
a pair member may write after a confirmed session.

Both are their author's alone: the hours of a ``ReflectionTime`` count as protected time used (hours only, through
``programmes.hooks.REFLECTION_HOURS``); its note and a ``SessionReflection``'s text are encrypted at rest and shown
to their author only, never to the partner, coordinators, line managers, committees, emails or the Django admin.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.fields import EncryptedTextField
from mentoring.models.session import MentoringSession
from programmes.models import Person, Programme


class ReflectionTime(models.Model):
    """Time one participant spent thinking and reflecting, on one day, in one of their programmes."""

    MIN_HOURS = Decimal("0.1")
    MAX_HOURS = Decimal("8.0")  # a working day; more is a typo, not reflection

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(MIN_HOURS), MaxValueValidator(MAX_HOURS)],
    )
    # Optional, for the author only (encrypted at rest): what they thought about.
    note = EncryptedTextField(_("private note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=Decimal("0.1")) & Q(hours__lte=Decimal("8.0")),
                name="reflectiontime_hours_0_1_to_8",
            ),
        ]
        indexes = [models.Index(fields=["person", "programme", "day"], name="reflectiontime_person_day")]

    def __str__(self) -> str:
        return f"Reflection time #{self.pk}"  # never the note

    def __repr__(self) -> str:
        return f"<ReflectionTime #{self.pk}>"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:reflection_edit", args=[self.pk])


class SessionReflection(models.Model):
    """What one side takes from a confirmed session, in a few words. PRIVATE to its author."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField(_("what you take from this session"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="sessionreflection_one_per_author"),
        ]

    def __str__(self) -> str:
        return f"Session reflection #{self.pk}"  # never the text

    def __repr__(self) -> str:
        return f"<SessionReflection #{self.pk}>"
