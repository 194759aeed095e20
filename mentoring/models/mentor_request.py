"""A mentee's request to one of their suggested mentors."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.fields import EncryptedTextField
from mentoring.models.pairing import Pairing
from programmes.models import Person, Programme


class MentorRequestQuerySet(models.QuerySet):
    def open(self) -> MentorRequestQuerySet:
        return self.filter(status=MentorRequest.Status.OPEN)


class MentorRequest(models.Model):
    """A mentee asks one of their suggested mentors; the mentor accepts or declines with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the mentor")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="mentor_requests")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentor_requests_made")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentor_requests_received")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # The mentee's words to the mentor and the mentor's answer: read by those two only (encrypted at rest).
    message = EncryptedTextField(blank=True, help_text=_("A short note to the mentor (optional)."))
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
