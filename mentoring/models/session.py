"""The session log."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.fields import EncryptedTextField
from mentoring.models.goal import Goal
from mentoring.models.pairing import Pairing
from programmes.models import Person


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat or email")


class MentoringSessionQuerySet(models.QuerySet):
    def confirmed(self) -> MentoringSessionQuerySet:
        return self.filter(status=MentoringSession.Status.CONFIRMED)


class MentoringSession(models.Model):
    """One meeting of the pair, logged by either side and confirmed (or disputed) by the other."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")

    MIN_MINUTES = 15
    MAX_MINUTES = 480

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="sessions")
    logged_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]
    )
    mode = models.CharField(max_length=20, choices=SessionMode.choices, default=SessionMode.IN_PERSON)
    topics = models.ManyToManyField("programmes.Skill", blank=True, related_name="+")
    goals = models.ManyToManyField(Goal, blank=True, related_name="sessions", verbose_name=_("goals worked on"))
    # Seen by the pair only; coordinators see that a session happened, never what it was about (encrypted).
    summary = EncryptedTextField(_("shared summary"), blank=True, max_length=5000)
    next_steps = EncryptedTextField(blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    answered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = EncryptedTextField(max_length=500, blank=True, single_line=True)  # the pair only
    # Days since the pairing's previous confirmed session (0 for a second one the same day, none for the first
    # or while unconfirmed): kept by checkins.session_gaps_refresh whenever the confirmed sessions change, so
    # the dashboard's median gap reads one column instead of looking up every session's predecessor.
    gap_days = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Whether the session has a history (``SessionState``): set by the session services in the transaction that
    # records its first row. A period's report reads a recorded session from its history alone and one without
    # (made outside the services) from its own row: this marks the few of the second kind, so that the report
    # finds them on a small index instead of looking up the history of every session.
    recorded = models.BooleanField(default=False, editable=False)
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
            models.Index(fields=["pairing", "held_on"], condition=Q(recorded=False), name="session_unrecorded"),
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
    as it stands when viewed. A confirmed session can still be disputed, then corrected and
    confirmed again. Metadata only: the summary and the dispute reason stay on the session (encrypted)."""

    session = models.ForeignKey(MentoringSession, on_delete=models.CASCADE, related_name="states")
    # The session's pairing, copied (a session never changes pairing): a period's report reads a programme's
    # history by pairing and date on one index, without visiting the sessions.
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=MentoringSession.Status.choices)
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    since = models.DateTimeField(default=timezone.now)
    # When the next row of the history took over (null: this row still stands), kept by the session services
    # in the same transaction as the next row. "The row that stood at moment T" is then a range condition
    # (``since < T <= until``) a period's report joins once, not a latest-row look-up per session.
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["since", "pk"]
        indexes = [
            models.Index(fields=["session", "since"], name="sessionstate_session_since"),
            # A pairing's history by date, carrying what the report reads (PostgreSQL only: see session_day):
            # a period's confirmed sessions, and each pairing's last one, without visiting the table.
            models.Index(
                fields=["pairing", "held_on"],
                include=["status", "since", "until", "duration_minutes"],
                name="sessionstate_pairing_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Session #{self.session_id}: {self.status} from {self.since:%Y-%m-%d}"
