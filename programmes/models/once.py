"""One-time form tokens: a create form sent twice (a double click, a resend after a slow answer) creates once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .core import Person


class FormSubmission(models.Model):
    """A create form's token, claimed by the request that acted on it, with where that request sent the user.

    The unique token is the idempotency key: the claim is inserted in the same transaction as what the form
    creates, so a second request with the same token waits for the first and is answered with its redirect.
    """

    token = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=2000)
    response_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.path} by {self.person_id} at {self.created_at:%Y-%m-%d %H:%M}"
