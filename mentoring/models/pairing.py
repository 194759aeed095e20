"""Pairings: who mentors whom in a programme and where the pairing stands; its pause history and the
closing reflections (private to their author)."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.fields import EncryptedTextField
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
        PROPOSED = "proposed", _("Proposed")
        # A context: Spanish agrees with "pareja" (Activa), and the merged catalogues would otherwise show a
        # programme's "Activo" on every pairing.
        ACTIVE = "active", pgettext_lazy("pairing status", "Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", pgettext_lazy("pairing status", "Completed")
        ENDED_EARLY = "ended_early", pgettext_lazy("pairing status", "Ended early")

    CURRENT = (Status.ACTIVE, Status.PAUSED)

    class Source(models.TextChoices):
        ROUND = "round", _("Matching round")
        REQUEST = "request", _("Mentee's request")
        MANUAL = "manual", _("Matched by hand")
        DEMO = "demo", _("Demo data")

    class EndReason(models.TextChoices):
        NO_FAULT = "no_fault", _("No-fault ending")
        MISMATCH = "mismatch", _("Not a good match")
        LEFT = "left", _("Left the organisation")
        WORKLOAD = "workload", _("Workload")
        OTHER = "other", _("Other")

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
    # The check-in schedule, kept up to date by mentoring.services.checkins.checkins_refresh whenever what it
    # depends on changes (start, pause, resume, a confirmed session, the agreed cadence). Stored so that the
    # reminder sweep and every list can select "due by <date>" with an index instead of recomputing it.
    resumed_on = models.DateField(null=True, blank=True)
    last_session_on = models.DateField(null=True, blank=True, help_text=_("The last confirmed session."))
    checkin_due_on = models.DateField(null=True, blank=True, db_index=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
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


class PairingPause(models.Model):
    """One pause of a pairing: the history a period's report reads, so that a report counts a pairing as paused
    or running as it stood at the period's end, not as it stands when viewed. Dates only: the
    pause's reason stays on the pairing (encrypted)."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="pauses")
    paused_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True, help_text=_("Empty while the pause lasts."))

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
