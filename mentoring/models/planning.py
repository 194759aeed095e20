"""Planned sessions: the pair plans its next meeting (issue 17). A planned session is not a session: it becomes one
only when its organiser records it as held after its time, through the usual log and confirmation."""

from __future__ import annotations

import datetime
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.fields import EncryptedTextField
from mentoring.models.pairing import Pairing
from mentoring.models.session import MentoringSession, SessionMode
from programmes.models import Person


class PlannedSessionQuerySet(models.QuerySet):
    def upcoming(self) -> PlannedSessionQuerySet:
        """Accepted and not yet recorded: the meetings a pair has in its diary."""
        return self.filter(state=PlannedSession.State.ACCEPTED)

    def open(self) -> PlannedSessionQuerySet:
        return self.filter(state__in=(PlannedSession.State.PROPOSED, PlannedSession.State.ACCEPTED))


class PlannedSession(models.Model):
    """A meeting the pair plans: proposed with up to four times (one and three alternatives), accepted at one of
    them, moved or cancelled with a reason the partner sees, and finally recorded as held (a MentoringSession in
    the log, confirmed by the partner as usual) or as not held. Times are moments (UTC in the database); each
    person sees them in their own time zone.

    ``uid`` and ``sequence`` are the calendar invitation's identity: one event in every calendar app, updated
    (a higher SEQUENCE) when the meeting moves and cancelled with the same UID."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Planned")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")
        NOT_HELD = "not_held", _("Did not happen")

    MIN_MINUTES = MentoringSession.MIN_MINUTES
    MAX_MINUTES = MentoringSession.MAX_MINUTES
    MAX_TIMES = 4  # one time and up to three alternatives

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="planned_sessions")
    organiser = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # Who answers next: the partner of whoever proposed the current times (changes on a counter-proposal).
    proposed_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROPOSED)
    starts_at = models.DateTimeField(null=True, blank=True, help_text=_("The accepted time; empty while proposed."))
    # The day it starts in the site's zone, kept with starts_at by the services: the check-in sweep compares it with
    # a pairing's due date in SQL (a planned meeting before the due date makes the "coming up" reminder needless).
    starts_on = models.DateField(null=True, blank=True, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]
    )
    mode = models.CharField(max_length=20, choices=SessionMode.choices, default=SessionMode.VIDEO)
    # The pair's own words (where they meet, the link that lets anyone in, why a time changed): encrypted.
    place = EncryptedTextField(blank=True, max_length=200, single_line=True)
    video_link = EncryptedTextField(blank=True, max_length=500, single_line=True)
    reason = EncryptedTextField(blank=True, max_length=500, single_line=True)
    reason_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    session = models.OneToOneField(
        MentoringSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="planned"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PlannedSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=480), name="planned_duration_15_to_480"
            ),
            # A proposal declined or cancelled before anyone accepted it never had a time.
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "declined", "cancelled"]) | Q(starts_at__isnull=False),
                name="planned_has_time_once_accepted",
            ),
        ]
        indexes = [models.Index(fields=["state", "starts_at"], name="planned_state_start")]

    def __str__(self) -> str:
        return f"Planned session #{self.pk} of pairing #{self.pairing_id} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:planned_detail", args=[self.pairing_id, self.pk])

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes) if self.starts_at else None

    @property
    def is_past(self) -> bool:
        return self.starts_at is not None and self.starts_at <= timezone.now()


class ProposedTime(models.Model):
    """One of the (up to four) times on offer while a planned session is proposed."""

    planned = models.ForeignKey(PlannedSession, on_delete=models.CASCADE, related_name="times")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["planned", "starts_at"], name="proposed_time_once")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} for planned session #{self.planned_id}"


class MeetingReminderChoice(models.Model):
    """A person's choice of reminders before a planned meeting (default: both)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="meeting_reminders")
    day_before = models.BooleanField(_("a day before"), default=True)
    hour_before = models.BooleanField(_("an hour before"), default=True)

    def __str__(self) -> str:
        return f"Meeting reminders of {self.person}"


class PlanningSettings(models.Model):
    """A programme's planning settings: the default video link pattern its coordinators set (or none)."""

    programme = models.OneToOneField("programmes.Programme", on_delete=models.CASCADE, related_name="planning_settings")
    # e.g. https://meet.example.org/tandem-{pairing}-{meeting}: {pairing} is the pairing's number, {meeting} a
    # random part made once per planned session. Written by a coordinator, never the pair's words.
    link_pattern = models.CharField(_("default meeting link"), max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Planning settings of programme #{self.programme_id}"


class MeetingReminder(models.Model):
    """One reminder email before a planned meeting, to one person: the row is the idempotency key (unique per
    meeting, person, kind and the meeting's SEQUENCE, so a moved meeting is reminded afresh) and the outbox entry,
    claimed, sent, retried and given up exactly as the check-in reminders' digests (mentoring.services.
    meeting_reminders)."""

    class Kind(models.TextChoices):
        DAY = "day", _("A day before")
        HOUR = "hour", _("An hour before")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("No longer true when due")
        FAILED = "failed", _("Failed")

    planned = models.ForeignKey(PlannedSession, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["planned", "person", "kind", "sequence"], name="meeting_reminder_once_per_kind_and_time"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="meeting_reminder_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} planned session #{self.planned_id} to {self.person}"
