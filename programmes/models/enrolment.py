"""Enrolment: the skills vocabulary, applications with line-manager endorsement, and in-app notifications."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.single_line import SingleLineCharField

from .core import Membership, Person, Programme, Role


class SkillQuerySet(models.QuerySet):
    def canonical(self) -> SkillQuerySet:
        """Skills people can pick; a merged synonym points at its canonical skill instead."""
        return self.filter(merged_into__isnull=True)


class Skill(models.Model):
    """One entry of the managed vocabulary of skills and topics.

    Merging a synonym into another skill re-points every use to the target and keeps the synonym as a row
    with ``merged_into`` set, so that typing the old name still finds the right skill.
    """

    name = SingleLineCharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="synonyms")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="skill_unique_name"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="skill_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.name


class EnrolmentQuestion(models.Model):
    """A question the programme asks every applicant, besides the standard form."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    required = models.BooleanField(default=False)
    for_role = models.CharField(
        max_length=20,
        choices=[("", "Everyone"), (Role.MENTOR, "Mentors"), (Role.MENTEE, "Mentees")],
        blank=True,
        help_text=gettext_lazy("Leave empty to ask both mentors and mentees."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]

    def __str__(self) -> str:
        # Never the text: a notice can carry a mentor's decline reason or other words meant for one person, and
        # the admin lists notices by this name (a person's delete confirmation page).
        return f"Notification #{self.pk}"


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", gettext_lazy("In person")
    VIDEO = "video", gettext_lazy("Video call")
    EITHER = "either", gettext_lazy("Either")


# "mon-am", "mon-pm", ... : the slots a person can meet in, each named whole so that a language can word it.
AVAILABILITY_SLOTS = [
    ("mon-am", gettext_lazy("Monday morning")),
    ("mon-pm", gettext_lazy("Monday afternoon")),
    ("tue-am", gettext_lazy("Tuesday morning")),
    ("tue-pm", gettext_lazy("Tuesday afternoon")),
    ("wed-am", gettext_lazy("Wednesday morning")),
    ("wed-pm", gettext_lazy("Wednesday afternoon")),
    ("thu-am", gettext_lazy("Thursday morning")),
    ("thu-pm", gettext_lazy("Thursday afternoon")),
    ("fri-am", gettext_lazy("Friday morning")),
    ("fri-pm", gettext_lazy("Friday afternoon")),
]


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> ApplicationQuerySet:
        """The applicant, their line manager, and the programme's coordinators; nobody else."""
        if not person.is_authenticated:
            return self.none()
        coordinates = models.Exists(
            Membership.objects.filter(programme=models.OuterRef("programme"), person=person, role=Role.COORDINATOR)
        )
        return self.filter(Q(person=person) | Q(person__line_manager=person) | coordinates)

    def awaiting_decision_of(self, person: Person) -> ApplicationQuerySet:
        """The person's own applications still waiting for the coordinators' decision (applied or wait-listed)."""
        return self.filter(person=person, status__in=(Application.Status.APPLIED, Application.Status.WAITLISTED))

    def awaiting_endorsement_by(self, manager: Person) -> ApplicationQuerySet:
        return self.filter(
            status__in=Application.OPEN,
            endorsement=Application.Endorsement.PENDING,
            person__line_manager=manager,
        )


class Application(models.Model):
    """A person's application to join a programme as a mentor or a mentee; when approved, also their profile."""

    class Status(models.TextChoices):
        APPLIED = "applied", gettext_lazy("Applied")
        WAITLISTED = "waitlisted", gettext_lazy("Wait-listed")
        APPROVED = "approved", gettext_lazy("Approved")
        DECLINED = "declined", gettext_lazy("Declined")
        WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")

    class Endorsement(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for the line manager")
        ENDORSED = "endorsed", gettext_lazy("Endorsed by the line manager")
        DECLINED = "declined", gettext_lazy("Not endorsed by the line manager")
        NOT_NEEDED = "not_needed", gettext_lazy("No line manager on record")

    OPEN = (Status.APPLIED, Status.WAITLISTED, Status.APPROVED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="applications")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="applications")
    role = models.CharField(max_length=20, choices=[(Role.MENTOR, "Mentor"), (Role.MENTEE, "Mentee")])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    goals = models.TextField(gettext_lazy("goals in your own words"), blank=True)
    meeting_mode = models.CharField(max_length=20, choices=MeetingMode.choices, default=MeetingMode.EITHER)
    availability = models.JSONField(default=list, blank=True, help_text=gettext_lazy("Slots such as 'mon-am'."))
    languages = models.JSONField(
        default=list, blank=True, help_text=gettext_lazy("Languages the person can mentor in.")
    )
    capacity = models.PositiveSmallIntegerField(
        gettext_lazy("mentees you can take on"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The coordinator's decision; the reason is shown to the applicant.
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # The line manager's endorsement; silence is never consent.
    endorsement = models.CharField(max_length=20, choices=Endorsement.choices, default=Endorsement.PENDING)
    endorsed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    endorsement_reason = models.TextField(blank=True)
    endorsement_decided_at = models.DateTimeField(null=True, blank=True)
    # Set when the coordinator was reminded of a silent line manager: the idempotency key of that reminder.
    endorsement_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(status__in=["applied", "waitlisted", "approved"]),
                name="application_one_open_per_programme",
            ),
            models.CheckConstraint(condition=Q(role__in=["mentor", "mentee"]), name="application_participant_role"),
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.get_role_display().lower()} in {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:application_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def availability_labels(self) -> list[str]:
        """The slots as people read them ("Monday morning"), in the week's order; never the stored codes."""
        chosen = set(self.availability or ())
        return [label for code, label in AVAILABILITY_SLOTS if code in chosen]


class ApplicationSkill(models.Model):
    """A skill a mentor offers or a mentee wants (the role of the application says which), with a level."""

    class Level(models.IntegerChoices):
        BASIC = 1, gettext_lazy("Basic")
        WORKING = 2, gettext_lazy("Working")
        ADVANCED = 3, gettext_lazy("Advanced")
        EXPERT = 4, gettext_lazy("Expert")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="application_skills")
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.WORKING)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["application", "skill"], name="applicationskill_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()})"


class ApplicationAnswer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(EnrolmentQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="applicationanswer_unique"),
        ]

    def __str__(self) -> str:
        return f"Answer #{self.pk} to {self.question}"  # never the text: the applicant's own words


class Notification(models.Model):
    """A message in the app, beside the email that usually carries the same news."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Grouped news ("3 new applications to ..."): one unread row per person and group within a window, counting.
    group_key = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "read_at"], name="notification_person_unread")]

    def __str__(self) -> str:
        # Never the text: a notice can carry a mentor's decline reason or other words meant for one person, and
        # the admin lists notices by this name (a person's delete confirmation page).
        return f"Notification #{self.pk}"
