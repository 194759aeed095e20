"""The relationship side: matching (settings, rounds, proposals, requests) and pairings with their lifecycle.

Agreements, sessions and check-ins follow with the relationship issue.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
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

    class Source(models.TextChoices):
        ROUND = "round", "Matching round"
        REQUEST = "request", "Mentee's request"
        MANUAL = "manual", "Matched by hand"
        DEMO = "demo", "Demo data"

    class EndReason(models.TextChoices):
        NO_FAULT = "no_fault", "No-fault ending"
        MISMATCH = "mismatch", "Not a good match"
        LEFT = "left", "Left the organisation"
        WORKLOAD = "workload", "Workload"
        OTHER = "other", "Other"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="pairings")
    mentor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pairings_as_mentor")
    mentee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pairings_as_mentee")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    # Why the pair was proposed: the score and its parts in words, as the coordinator saw them. Shown to the
    # pair so they know why they were matched; contains no private content.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Both sides accept before a proposed pairing becomes active.
    mentor_accepted_at = models.DateTimeField(null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.CharField(max_length=300, blank=True)
    resume_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    ended_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

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
            models.CheckConstraint(
                condition=~Q(status="ended_early") | ~Q(end_reason=""), name="pairing_ended_early_has_reason"
            ),
            # Proposed or current: a mentee is never offered two mentors in one programme at once.
            models.UniqueConstraint(
                fields=["programme", "mentee"],
                condition=Q(status="proposed"),
                name="pairing_one_proposal_per_mentee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee} ({self.programme})"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:pairing_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT


class ClosingReflection(models.Model):
    """What one side of a pairing takes away from it, written when the pairing closes.

    PRIVATE: readable by its author only. Never shown to the partner, coordinators, line managers,
    committees, exports, emails or the Django admin.
    """

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pairing", "author"], name="reflection_one_per_author"),
        ]

    def __str__(self) -> str:
        return f"Closing reflection #{self.pk}"  # never the text


class MatchSettings(models.Model):
    """How a programme matches: the weight of each score part, the minimum score, and mentee requests."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="match_settings")
    skills_weight = models.PositiveSmallIntegerField(default=40, validators=[MaxValueValidator(100)])
    different_team_weight = models.PositiveSmallIntegerField(default=15, validators=[MaxValueValidator(100)])
    experience_gap_weight = models.PositiveSmallIntegerField(default=15, validators=[MaxValueValidator(100)])
    availability_weight = models.PositiveSmallIntegerField(default=10, validators=[MaxValueValidator(100)])
    meeting_mode_weight = models.PositiveSmallIntegerField(default=5, validators=[MaxValueValidator(100)])
    language_weight = models.PositiveSmallIntegerField(default=10, validators=[MaxValueValidator(100)])
    readiness_weight = models.PositiveSmallIntegerField(default=5, validators=[MaxValueValidator(100)])
    # The grade difference (mentor minus mentee) a pair should ideally have.
    preferred_gap_min = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(30)])
    preferred_gap_max = models.PositiveSmallIntegerField(default=4, validators=[MaxValueValidator(30)])
    min_score = models.PositiveSmallIntegerField(default=30, validators=[MaxValueValidator(100)])
    allow_requests = models.BooleanField("mentees may request a mentor", default=True)
    request_expiry_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "match settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(preferred_gap_min__lte=F("preferred_gap_max")), name="matchsettings_gap_band_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Match settings of {self.programme}"


class MatchRound(models.Model):
    """One run of whole-cohort matching: a draft the coordinator adjusts, then publishes. Kept as history."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="match_rounds")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    run_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    weights = models.JSONField(default=dict, help_text="The settings used, as they were when the round ran.")
    # Mentees the round could not match, each with the reason in words: [{"mentee": id, "reason": "..."}].
    unmatched = models.JSONField(default=list, blank=True)
    total_score = models.PositiveIntegerField(default=0)
    published_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"], condition=Q(status="draft"), name="matchround_one_draft_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return f"Round of {self.created_at:%d %b %Y %H:%M} in {self.programme}"


class MatchProposal(models.Model):
    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="proposals")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    # The score's parts in words: [{"part": "skills", "points": 32, "text": "+32 skills: Negotiation"}].
    parts = models.JSONField(default=list)
    removed = models.BooleanField(default=False)
    pairing = models.OneToOneField(Pairing, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal")

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "mentee"], condition=Q(removed=False), name="proposal_one_per_mentee_in_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} ({self.score})"


class MatchOverride(models.Model):
    """A coordinator's recorded decision to allow a pair the rules would otherwise not propose again."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="match_overrides")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "mentor", "mentee"], name="matchoverride_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"Override: {self.mentor} with {self.mentee} in {self.programme}"


class MentorRequestQuerySet(models.QuerySet):
    def open(self) -> MentorRequestQuerySet:
        return self.filter(status=MentorRequest.Status.OPEN)


class MentorRequest(models.Model):
    """A mentee asks one of their suggested mentors; the mentor accepts or declines with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the mentor"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="mentor_requests")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentor_requests_made")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentor_requests_received")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    message = models.TextField(blank=True, help_text="A short note to the mentor (optional).")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    decline_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    pairing = models.OneToOneField(Pairing, null=True, blank=True, on_delete=models.SET_NULL, related_name="request")

    objects = MentorRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee"], condition=Q(status="open"), name="request_one_open_per_mentee"
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="request_not_to_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} asks {self.mentor} ({self.get_status_display().lower()})"
