"""Learning opportunities: what the workplace offers to learn beyond the pair (shadowing, a rotation, a stretch
task, a community of practice, a visit, an off-the-job course), and people's requests to take one up.

An opportunity is the organisation's, not one programme's: a line manager publishes it for their team, or a
coordinator for anyone. Taking one up uses protected time of one programme the person is in, so a request names
that programme; its line manager approves the time as for protected time, and the host confirms it happened.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.single_line import SingleLineCharField

from .core import OrgUnit, Person, Programme
from .enrolment import Skill
from .training import Course, TrainingRecord


class OpportunityQuerySet(models.QuerySet):
    def open(self) -> OpportunityQuerySet:
        return self.filter(status=Opportunity.Status.OPEN)


class Opportunity(models.Model):
    class Kind(models.TextChoices):
        SHADOWING = "shadowing", gettext_lazy("Shadowing")
        ROTATION = "rotation", gettext_lazy("Rotation or secondment")
        STRETCH = "stretch", gettext_lazy("Stretch task or project")
        COMMUNITY = "community", gettext_lazy("Community of practice")
        VISIT = "visit", gettext_lazy("Visit to another site")
        COURSE = "course", gettext_lazy("Off-the-job course")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        CLOSED = "closed", gettext_lazy("Closed")

    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=Kind.choices)
    title = SingleLineCharField(gettext_lazy("title"), max_length=150)
    description = models.TextField(gettext_lazy("description"), blank=True, max_length=4000)
    host = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="hosted_opportunities", verbose_name=gettext_lazy("host")
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=gettext_lazy("team offering it"),
    )
    # Both empty: ongoing.
    starts_on = models.DateField(gettext_lazy("starts on"), null=True, blank=True)
    ends_on = models.DateField(gettext_lazy("ends on"), null=True, blank=True)
    places = models.PositiveSmallIntegerField(
        gettext_lazy("places"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    hours = models.DecimalField(
        gettext_lazy("hours of protected time it takes"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="opportunities", verbose_name=gettext_lazy("what it helps to learn")
    )
    course = models.ForeignKey(
        Course,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=gettext_lazy("course from the catalogue"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    published_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("learning opportunity")
        verbose_name_plural = gettext_lazy("learning opportunities")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="opportunity_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="opportunity_has_places"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="opportunity_hours_not_negative"),
            # Only the course kind names a course of the catalogue.
            models.CheckConstraint(condition=Q(kind="course") | Q(course__isnull=True), name="opportunity_course_kind"),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="opportunity_status_kind")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:opportunity_detail", args=[self.pk])

    @property
    def is_ongoing(self) -> bool:
        return self.starts_on is None and self.ends_on is None

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class OpportunityRequestQuerySet(models.QuerySet):
    def holding_a_place(self) -> OpportunityRequestQuerySet:
        """Requests that take one of the opportunity's places: approved, or taken up."""
        return self.filter(status__in=OpportunityRequest.HOLDS_PLACE)


class OpportunityRequest(models.Model):
    """A person asks to take up an opportunity, using protected time of one of their programmes."""

    class Status(models.TextChoices):
        REQUESTED = "requested", gettext_lazy("Waiting for the line manager")
        APPROVED = "approved", pgettext_lazy("a line manager's decision on time", "Approved")
        DECLINED = "declined", gettext_lazy("Declined")
        TAKEN_UP = "taken_up", gettext_lazy("Taken up")
        NOT_HAPPENED = "not_happened", gettext_lazy("Did not happen")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    OPEN = (Status.REQUESTED, Status.APPROVED)
    HOLDS_PLACE = (Status.APPROVED, Status.TAKEN_UP)

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="opportunity_requests")
    # The programme whose protected time it uses (the person is a mentor or mentee in it).
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="opportunity_requests")
    # Asked from the pair's workspace on their mentor's suggestion: the pairing's id (the relationship side's
    # row, which programmes does not import) and the marker shown to the line manager.
    pairing_id = models.PositiveBigIntegerField(null=True, blank=True)
    suggested_by_mentor = models.BooleanField(default=False)
    hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(80)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True, max_length=1000)
    confirmed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    happened_on = models.DateField(null=True, blank=True)
    # A course taken through an opportunity is also a training record; its hours count once, here.
    training_record = models.OneToOneField(
        TrainingRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunity_request"
    )

    objects = OpportunityRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "person"],
                condition=Q(status__in=["requested", "approved"]),
                name="opportunityrequest_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(status="taken_up") | Q(happened_on__isnull=False),
                name="opportunityrequest_taken_up_has_date",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="opportunityrequest_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["person", "status", "happened_on"], name="opprequest_person_used")]

    def __str__(self) -> str:
        return f"{self.person} for {self.opportunity} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
