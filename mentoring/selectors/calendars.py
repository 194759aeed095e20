"""Reads of calendars: a person's own feed settings. The feed and session .ics documents are built in
mentoring.services.calendars, beside the feed's address they belong to."""

from __future__ import annotations

from mentoring.models import CalendarFeed
from programmes.models import Person


def calendar_feed_of(person: Person) -> CalendarFeed | None:
    """The person's own feed, if they turned one on: one query."""
    return CalendarFeed.objects.filter(person=person).first()
