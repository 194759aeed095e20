"""Matching: a programme's settings, the rounds a coordinator runs, their proposals, and overrides of a hard rule."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models.pairing import Pairing
from programmes.models import Person, Programme


class Objective(models.TextChoices):
    """What a round optimises. Each is provably optimal for what it promises (``mentoring.selectors.assignment``)."""

    BEST_TOTAL = "best_total", _("Best total")
    MOST_MATCHED = "most_matched", _("Most people matched")
    FAIREST = "fairest", _("Fairest")
    STABLE = "stable", _("Stable")


# One line each, in the words a coordinator chooses by (the run form, the round page, the settings).
OBJECTIVE_DESCRIPTIONS = {
    Objective.BEST_TOTAL: _("The largest sum of scores."),
    Objective.MOST_MATCHED: _("As many mentees matched as possible, then the best total."),
    Objective.FAIREST: _(
        "As many mentees matched as possible, then the worst pair as good as it can be, then the best total."
    ),
    Objective.STABLE: _(
        "No mentor and mentee who would both rather have each other: mentees propose, mentors with places accept "
        "(deferred acceptance)."
    ),
}


class CriterionRule(models.TextChoices):
    """How a matching criterion (shared language, meeting mode, time zone, department) counts."""

    OFF = "off", _("Off: ignored")
    WEIGHTED = "weighted", _("Weighted: part of the score")
    REQUIRED = "required", _("Required: a pair that does not meet it is never matched")


class DepartmentDirection(models.TextChoices):
    DIFFERENT = "different", _("A different department (wider communities of practice)")
    SAME = "same", _("The same department")


class MatchSettings(models.Model):
    """How a programme matches: the weight of each score part, the minimum score, and mentee requests.

    Four criteria (shared language, meeting mode, time zone, department) each have a rule: off (weight 0),
    weighted (scored with its weight, as every other part), or required (scored, and a hard rule: a pair that
    does not meet it is never matched, suggested or proposed)."""

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="match_settings")
    skills_weight = models.PositiveSmallIntegerField(default=40, validators=[MaxValueValidator(100)])
    different_team_weight = models.PositiveSmallIntegerField(default=15, validators=[MaxValueValidator(100)])
    experience_gap_weight = models.PositiveSmallIntegerField(default=15, validators=[MaxValueValidator(100)])
    availability_weight = models.PositiveSmallIntegerField(default=10, validators=[MaxValueValidator(100)])
    meeting_mode_weight = models.PositiveSmallIntegerField(default=5, validators=[MaxValueValidator(100)])
    language_weight = models.PositiveSmallIntegerField(default=10, validators=[MaxValueValidator(100)])
    readiness_weight = models.PositiveSmallIntegerField(default=5, validators=[MaxValueValidator(100)])
    # Hours between the two people's UTC offsets; 0 by default, so that scores stay what they were before it.
    time_zone_weight = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    language_rule = models.CharField(max_length=10, choices=CriterionRule.choices, default=CriterionRule.WEIGHTED)
    meeting_mode_rule = models.CharField(max_length=10, choices=CriterionRule.choices, default=CriterionRule.WEIGHTED)
    time_zone_rule = models.CharField(max_length=10, choices=CriterionRule.choices, default=CriterionRule.WEIGHTED)
    department_rule = models.CharField(max_length=10, choices=CriterionRule.choices, default=CriterionRule.WEIGHTED)
    department_direction = models.CharField(
        max_length=10, choices=DepartmentDirection.choices, default=DepartmentDirection.DIFFERENT
    )
    # Time zones at most this many hours apart meet the criterion (fully, when weighted).
    max_time_zone_hours = models.PositiveSmallIntegerField(default=3, validators=[MaxValueValidator(26)])
    # A mentor appears in at most this many mentees' suggestions per free place (0: no limit).
    suggestion_spread = models.PositiveSmallIntegerField(default=3, validators=[MaxValueValidator(50)])
    # The grade difference (mentor minus mentee) a pair should ideally have.
    preferred_gap_min = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(30)])
    preferred_gap_max = models.PositiveSmallIntegerField(default=4, validators=[MaxValueValidator(30)])
    min_score = models.PositiveSmallIntegerField(default=30, validators=[MaxValueValidator(100)])
    allow_requests = models.BooleanField(_("mentees may request a mentor"), default=True)
    request_expiry_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    objective = models.CharField(
        _("objective"), max_length=20, choices=Objective.choices, default=Objective.BEST_TOTAL
    )  # the objective a round runs with unless the coordinator picks another
    # Ranked preferences (issue 19): how many mentors a mentee may rank (0: ranking off), and the weights of a
    # mentee's ranking and a mentor's "prefer"/"prefer not" (they count only once someone has said something).
    max_ranked = models.PositiveSmallIntegerField(default=5, validators=[MaxValueValidator(10)])
    ranking_weight = models.PositiveSmallIntegerField(default=10, validators=[MaxValueValidator(100)])
    mentor_wish_weight = models.PositiveSmallIntegerField(default=5, validators=[MaxValueValidator(100)])
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("match settings")
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
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="match_rounds")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    run_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    weights = models.JSONField(default=dict, help_text=_("The settings used, as they were when the round ran."))
    # Mentees the round could not match, each with the reason in words: [{"mentee": id, "reason": "..."}].
    unmatched = models.JSONField(default=list, blank=True)
    total_score = models.PositiveIntegerField(default=0)
    objective = models.CharField(_("objective"), max_length=20, choices=Objective.choices, default=Objective.BEST_TOTAL)
    # What each objective gives on this cohort, the one that ran included:
    # {"most_matched": {"matched": 12, "total": 840, "worst": 41, "blocking": 3}, ...}; {} for rounds run before.
    comparison = models.JSONField(default=dict, blank=True)
    # Blocking pairs of this assignment (a mentor and a mentee who would both rather have each other), the first 50:
    # [{"mentor": id, "mentee": id, "mentor_name": "...", "mentee_name": "..."}]; blocking_count counts them all.
    blocking = models.JSONField(default=list, blank=True)
    blocking_count = models.PositiveIntegerField(default=0)
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


class MenteeRanking(models.Model):
    """One mentor a mentee ranked while their programme matches: rank 1 is their first choice."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="mentee_rankings")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])

    class Meta:
        ordering = ["programme", "mentee", "rank"]
        verbose_name = _("mentee's ranking")
        verbose_name_plural = _("mentees' rankings")
        constraints = [
            models.UniqueConstraint(fields=["programme", "mentee", "mentor"], name="menteeranking_mentor_once"),
            models.UniqueConstraint(fields=["programme", "mentee", "rank"], name="menteeranking_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="menteeranking_rank_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee}'s choice {self.rank}: {self.mentor} in {self.programme}"


class MentorStance(models.Model):
    """A mentor's wish about one mentee of the programme: prefer, or prefer not. The mentee never sees it."""

    class Stance(models.TextChoices):
        PREFER = "prefer", _("Prefer")
        PREFER_NOT = "prefer_not", _("Prefer not")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="mentor_stances")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(max_length=20, choices=Stance.choices)

    class Meta:
        verbose_name = _("mentor's preference")
        verbose_name_plural = _("mentors' preferences")
        constraints = [
            models.UniqueConstraint(fields=["programme", "mentor", "mentee"], name="mentorstance_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} {self.stance} {self.mentee} in {self.programme}"
