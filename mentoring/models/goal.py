"""The pair's goals and the history of their states."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.fields import EncryptedTextField
from mentoring.models.pairing import Pairing
from programmes.models import Person


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    class Owner(models.TextChoices):
        # Whose goal it is decides who rates it: the mentee's goals (what the pairing is for) or the mentor's own
        # learning goals (what they want to learn from mentoring: the relationship is reciprocal).
        MENTEE = "mentee", _("The mentee's goal")
        MENTOR = "mentor", _("The mentor's own learning goal")

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="goals")
    # The pair's words (encrypted at rest): coordinators see a goal's status and progress, never these.
    title = EncryptedTextField(max_length=200, single_line=True)
    success = EncryptedTextField(_("what success looks like"), blank=True, max_length=2000)
    owner = models.CharField(_("whose goal"), max_length=10, choices=Owner.choices, default=Owner.MENTEE)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # The owner's own rating of where they stand on this goal, 1 (far from it) to 5 (there): the mentee's for
    # the mentee's goals, the mentor's for their own; the other side never rates it.
    rating_start = models.PositiveSmallIntegerField(
        _("self-rating at the start"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_end = models.PositiveSmallIntegerField(
        _("self-rating at the close"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(owner__in=["mentee", "mentor"]), name="goal_owner_known"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(rating_start__isnull=True) | Q(rating_start__gte=1, rating_start__lte=5),
                name="goal_rating_start_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(rating_end__isnull=True) | Q(rating_end__gte=1, rating_end__lte=5),
                name="goal_rating_end_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Goal #{self.pk} of pairing #{self.pairing_id}"  # never the title: it is the pair's content


class GoalState(models.Model):
    """A goal's status and progress from a moment on: the history a period's report reads, so that a report
    counts goals as they stood at the period's end, not as they stand when it is viewed."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="states")
    status = models.CharField(max_length=20, choices=Goal.Status.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    since = models.DateTimeField(default=timezone.now)
    # When the next row took over (null: this row still stands), as ``SessionState.until``: a period's report
    # joins "the row that stood at its end" as one range condition instead of a look-up per goal and column.
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [models.Index(fields=["goal", "since"], name="goalstate_goal_since")]

    def __str__(self) -> str:
        return f"Goal #{self.goal_id}: {self.status} from {self.since:%Y-%m-%d}"
