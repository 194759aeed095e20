"""Check-in reminders: the idempotency key, who is told, and the email outbox."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models.pairing import Pairing
from programmes.models import Person


class Reminder(models.Model):
    """One reminder per pairing, kind and due date: the row is the idempotency key of the sweep."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", _("Check-in coming up")
        OVERDUE = "overdue", _("Check-in overdue")
        ESCALATION = "escalation", _("Check-in escalated")

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

    Claimed with row locks that skip locked rows, under a claim token (``claim``) and a lease (``claimed_at``,
    renewed while the sender works); marked sent the moment the mail server accepted it; retried with back-off;
    "failed" after the last attempt, which administrators see in the Django admin, and tried again after a long
    wait (or at once with "Send again"), so that a mail outage loses nothing. Reminders too old to matter when
    it goes are left out and counted in ``dropped``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminder_digests")
    day = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When the sender claimed it or last renewed its claim: a claim older than the lease was a sender that died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The sender's token: it writes the outcome only while the claim is still its own (renewals keep the token).
    claim = models.UUIDField(null=True, blank=True, editable=False)
    dropped = models.PositiveSmallIntegerField(
        _("reminders dropped"), default=0, help_text=_("Reminders left out of the email: too old to matter.")
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        ordering = ["-day", "person"]
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="reminder_digest_one_per_person_day")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="reminder_digest_due"),
            # /healthz's "mail" part: digests whose sending failed twice in a row, found without a scan.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending", attempts__gte=2),
                name="reminder_digest_retrying",
            ),
        ]

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
