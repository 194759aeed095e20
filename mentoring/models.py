"""The relationship side: matching (settings, rounds, proposals, requests), pairings with their lifecycle,
and the relationship itself: agreement, goals, session log with private notes, check-ins, reminders, alerts.

Privacy: what the pair writes (goal titles, session summaries, next steps, private notes, closing
reflections) is theirs. Coordinators read metadata only (dates, durations, counts, states, goal status);
private notes are stored encrypted (mentoring.crypto) and are readable by their author, and by the partner
only when the author shares them. Everything else a pair writes in their own words is an EncryptedTextField
(mentoring.fields): unreadable at rest, plain text in the code.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from programmes.models import Membership, Person, Programme, Role

from .fields import EncryptedTextField


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
    # When a coordinator last reminded whoever had not yet answered the proposal: one reminder a day at most.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Written by either side or a coordinator; read by the pair and the coordinators (encrypted at rest).
    paused_reason = EncryptedTextField(max_length=300, blank=True, single_line=True)
    resume_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    ended_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The check-in schedule, kept up to date by mentoring.checkins.checkins_refresh whenever what it
    # depends on changes (start, pause, resume, a confirmed session, the agreed cadence). Stored so that the
    # reminder sweep and every list can select "due by <date>" with an index instead of recomputing it.
    resumed_on = models.DateField(null=True, blank=True)
    last_session_on = models.DateField(null=True, blank=True, help_text="The last confirmed session.")
    checkin_due_on = models.DateField(null=True, blank=True, db_index=True)

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
        indexes = [models.Index(fields=["status", "checkin_due_on"], name="pairing_checkin_due")]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee} ({self.programme})"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:pairing_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT

    @property
    def was_declined(self) -> bool:
        """Closed without ever running because one side declined the proposal (not: ended before its start)."""
        return self.started_on is None and not (self.mentor_accepted_at and self.mentee_accepted_at)

    @property
    def starts_later(self) -> bool:
        """Accepted before its programme's start date: it begins on that date, not yet today."""
        return self.started_on is not None and self.started_on > timezone.localdate()


class ClosingReflection(models.Model):
    """What one side of a pairing takes away from it, written when the pairing closes.

    PRIVATE: readable by its author only. Never shown to the partner, coordinators, line managers,
    committees, exports, emails or the Django admin.
    """

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()  # its author only (encrypted at rest)
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
    # The mentee's words to the mentor and the mentor's answer: read by those two only (encrypted at rest).
    message = EncryptedTextField(blank=True, help_text="A short note to the mentor (optional).")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    decline_reason = EncryptedTextField(blank=True)
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


# --- The relationship: agreement, goals, sessions, private notes -------------------------------------------


class MeetingPreference(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    MIXED = "mixed", "A mix"


class Agreement(models.Model):
    """What the pair agree on at the start: how often they meet, how, and that what they say stays theirs."""

    pairing = models.OneToOneField(Pairing, on_delete=models.CASCADE, related_name="agreement")
    cadence_days = models.PositiveSmallIntegerField(
        "meet every (days)", validators=[MinValueValidator(7), MaxValueValidator(90)]
    )
    preferred_mode = models.CharField(
        "preferred way of meeting", max_length=20, choices=MeetingPreference.choices, default=MeetingPreference.MIXED
    )
    # Shared by the pair (never shown to coordinators): practical arrangements in their own words (encrypted).
    arrangements = EncryptedTextField(blank=True, max_length=2000)
    mentor_signed_at = models.DateTimeField(null=True, blank=True)
    mentee_signed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__gte=7) & Q(cadence_days__lte=90), name="agreement_cadence_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement of pairing #{self.pairing_id}"

    @property
    def signed(self) -> bool:
        return bool(self.mentor_signed_at and self.mentee_signed_at)


class AgreementCadence(models.Model):
    """How often a pair agreed to meet, from a moment on: the history a period's report reads, so that a pairing's
    check-in state at the period's end follows the cadence agreed then, not one agreed since (issue 14, point 6).
    Kept from the first change on: its first row is the cadence until then; a pair that never changed it needs
    none (its agreement says it all)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="cadences")
    cadence_days = models.PositiveSmallIntegerField()
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [models.Index(fields=["pairing", "since"], name="agreementcadence_since")]

    def __str__(self) -> str:
        return f"Pairing #{self.pairing_id}: every {self.cadence_days} days from {self.since:%Y-%m-%d}"


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="goals")
    # The pair's words (encrypted at rest): coordinators see a goal's status and progress, never these.
    title = EncryptedTextField(max_length=200, single_line=True)
    success = EncryptedTextField("what success looks like", blank=True, max_length=2000)
    target_on = models.DateField("target date", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        "progress (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # The mentee's own rating of where they stand on this goal, 1 (far from it) to 5 (there).
    rating_start = models.PositiveSmallIntegerField(
        "self-rating at the start", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_end = models.PositiveSmallIntegerField(
        "self-rating at the close", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
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
    counts goals as they stood at the period's end, not as they stand when it is viewed (issue 14, point 6)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="states")
    status = models.CharField(max_length=20, choices=Goal.Status.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [models.Index(fields=["goal", "since"], name="goalstate_goal_since")]

    def __str__(self) -> str:
        return f"Goal #{self.goal_id}: {self.status} from {self.since:%Y-%m-%d}"


class PairingPause(models.Model):
    """One pause of a pairing: the history a period's report reads, so that a report counts a pairing as paused
    or running as it stood at the period's end, not as it stands when viewed (issue 14, point 6). Dates only: the
    pause's reason stays on the pairing (encrypted)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="pauses")
    paused_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True, help_text="Empty while the pause lasts.")

    class Meta:
        ordering = ["paused_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing"], condition=Q(resumed_on__isnull=True), name="pairingpause_one_open_per_pairing"
            ),
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=F("paused_on")),
                name="pairingpause_resumed_after_paused",
            ),
        ]

    def __str__(self) -> str:
        until = f" to {self.resumed_on:%Y-%m-%d}" if self.resumed_on else ""
        return f"Pairing #{self.pairing_id} paused from {self.paused_on:%Y-%m-%d}{until}"


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat or email"


class MentoringSessionQuerySet(models.QuerySet):
    def confirmed(self) -> MentoringSessionQuerySet:
        return self.filter(status=MentoringSession.Status.CONFIRMED)


class MentoringSession(models.Model):
    """One meeting of the pair, logged by either side and confirmed (or disputed) by the other."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        DISPUTED = "disputed", "Disputed"

    MIN_MINUTES = 15
    MAX_MINUTES = 480

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="sessions")
    logged_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("date")
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]
    )
    mode = models.CharField(max_length=20, choices=SessionMode.choices, default=SessionMode.IN_PERSON)
    topics = models.ManyToManyField("programmes.Skill", blank=True, related_name="+")
    goals = models.ManyToManyField(Goal, blank=True, related_name="sessions", verbose_name="goals worked on")
    # Seen by the pair only; coordinators see that a session happened, never what it was about (encrypted).
    summary = EncryptedTextField("shared summary", blank=True, max_length=5000)
    next_steps = EncryptedTextField(blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    answered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = EncryptedTextField(max_length=500, blank=True, single_line=True)  # the pair only
    # Days since the pairing's previous confirmed session (0 for a second one the same day, none for the first
    # or while unconfirmed): kept by checkins.session_gaps_refresh whenever the confirmed sessions change, so
    # the dashboard's median gap reads one column instead of looking up every session's predecessor.
    gap_days = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = MentoringSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=480),
                name="session_duration_15_to_480",
            ),
        ]
        indexes = [
            models.Index(fields=["pairing", "status", "held_on"], name="session_pairing_status_day"),
            # Dashboards and reports read one period's sessions out of years of them (see README, Performance).
            # On PostgreSQL the index also carries what they count, so they never visit the table itself
            # (SQLite has no such columns and keeps the plain index: models.W040 is silenced in settings).
            models.Index(
                fields=["held_on"],
                include=["pairing", "status", "duration_minutes", "gap_days", "id"],
                name="session_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Session #{self.pk} of pairing #{self.pairing_id} on {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:session_detail", args=[self.pairing_id, self.pk])

    @property
    def hours(self) -> float:
        return round(self.duration_minutes / 60, 2)


class SessionState(models.Model):
    """A session's status, date and length from a moment on: the history a period's report reads, so that a report
    counts a session as it stood at the period's end (confirmed by then or not, and its date and length then), not
    as it stands when viewed (issue 14, point 6). A confirmed session can still be disputed, then corrected and
    confirmed again. Metadata only: the summary and the dispute reason stay on the session (encrypted)."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="states")
    status = models.CharField(max_length=20, choices=MentoringSession.Status.choices)
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [models.Index(fields=["session", "since"], name="sessionstate_session_since")]

    def __str__(self) -> str:
        return f"Session #{self.session_id}: {self.status} from {self.since:%Y-%m-%d}"


class PrivateNote(models.Model):
    """One side's own note on a session. PRIVATE: the text is stored encrypted (mentoring.crypto) and is
    readable by its author, and by the partner only while ``shared`` is on. Never by coordinators, line
    managers, committees or administrators; not registered in the Django admin; never in a notice or export
    other than the author's own."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    ciphertext = models.TextField(editable=False)
    shared = models.BooleanField("shared with my partner", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "author"], name="private_note_one_per_author")]

    def __str__(self) -> str:
        return f"Private note #{self.pk}"  # never the text

    def __repr__(self) -> str:
        return f"<PrivateNote #{self.pk}>"  # a traceback or log line shows no ciphertext either


# --- Signals from the pair to the coordinators: concerns and the fit question ------------------------------


class Concern(models.Model):
    """ "I would like help with this relationship": from one side to the coordinators; the partner never sees it."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # Addressed to the coordinators: they read it. Not shown to the partner, line managers or committees.
    # Encrypted at rest like the rest of the pair's words.
    text = EncryptedTextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Concern #{self.pk} on pairing #{self.pairing_id}"


class FitAnswer(models.Model):
    class Fit(models.TextChoices):
        GOOD = "good", "Good"
        DECIDING = "deciding", "Still deciding"
        NOT_GOOD = "not_good", "Not good"

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="fit_answers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    fit = models.CharField(max_length=20, choices=Fit.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pairing", "person"], name="fit_answer_one_per_person")]

    def __str__(self) -> str:
        return f"Fit answer on pairing #{self.pairing_id}: {self.get_fit_display()}"


# The words every page uses for an alert's state, and what each counts: "open" (nobody has taken it up yet) and
# "acknowledged" (a coordinator is on it) are both unresolved; ``AlertQuerySet.open()`` is all the unresolved.
ALERT_OPEN = Q(resolved_at__isnull=True, acknowledged_at__isnull=True)
ALERT_ACKNOWLEDGED = Q(resolved_at__isnull=True, acknowledged_at__isnull=False)


class AlertQuerySet(models.QuerySet):
    def open(self) -> AlertQuerySet:
        """Unresolved: open or acknowledged."""
        return self.filter(resolved_at__isnull=True)

    def for_coordinator(self, person: Person) -> AlertQuerySet:
        return self.filter(
            Exists(Membership.objects.filter(programme=OuterRef("programme"), person=person, role=Role.COORDINATOR))
        )


class Alert(models.Model):
    """Something a coordinator should look at, with its reason in words. The evaluation side turns alerts
    into interventions; here they are raised, acknowledged and resolved."""

    class Kind(models.TextChoices):
        ESCALATION = "escalation", "Missed check-in"
        CONCERN = "concern", "Concern raised"
        FIT = "fit", "Fit answered 'not good'"
        HEALTH = "health", "Relationship health fell"
        SILENCE = "silence", "No confirmed session for long"

    class Severity(models.IntegerChoices):
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="alerts")
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    reason = models.CharField(max_length=300, help_text="Why, in words; never private content.")
    concern = models.OneToOneField(Concern, null=True, blank=True, on_delete=models.CASCADE, related_name="alert")
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "-created_at"]
        indexes = [models.Index(fields=["programme", "resolved_at"], name="alert_programme_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on pairing #{self.pairing_id}"


# --- Check-in reminders: the idempotency key, who is told, and the email outbox -----------------------------


class Reminder(models.Model):
    """One reminder per pairing, kind and due date: the row is the idempotency key of the sweep."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", "Check-in coming up"
        OVERDUE = "overdue", "Check-in overdue"
        ESCALATION = "escalation", "Check-in escalated"

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    # Which sweep inserted the row: after an insert that ignores conflicts, a sweep reads back its own rows,
    # so of two sweeps at once only the one that won the insert tells anybody.
    sweep = models.UUIDField(editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pairing", "kind", "due_on"], name="reminder_once_per_pairing_kind_due"),
        ]
        indexes = [models.Index(fields=["sweep"], name="reminder_sweep")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for pairing #{self.pairing_id} due {self.due_on}"


class ReminderDigest(models.Model):
    """The outbox: at most one reminder email per person a day, carrying all of that day's reminders.

    Claimed with row locks that skip locked rows; pending until sent; retried with back-off; failed after
    the last attempt, which administrators see in the Django admin.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminder_digests")
    day = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="reminder_digest_one_per_person_day")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="reminder_digest_due")]

    def __str__(self) -> str:
        return f"Reminder email to {self.person} for {self.day} ({self.get_status_display().lower()})"


class ReminderRecipient(models.Model):
    """One person told of one reminder: in the app at once, by email in their digest unless they chose
    in-app only (``digest`` empty)."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    digest = models.ForeignKey(
        ReminderDigest, null=True, blank=True, on_delete=models.SET_NULL, related_name="recipients"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reminder", "person"], name="reminder_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reminder} → {self.person}"


# --- Calendar ----------------------------------------------------------------------------------------------


class CalendarFeed(models.Model):
    """A participant's private iCalendar feed: whoever has the secret address can read it, so it shows
    dates and the partner's name only, and the person can replace the address at any time."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
