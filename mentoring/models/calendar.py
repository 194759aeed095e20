"""A participant's private calendar feed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from programmes.models import Person


class CalendarFeed(models.Model):
    """A participant's private iCalendar feed: whoever has the secret address can read it, so it shows
    dates and the partner's name only, and the person can replace the address at any time."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
