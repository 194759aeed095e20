"""Meeting times in a person's own time zone: ``{{ planned.starts_at|in_zone:request.user }}``."""

from __future__ import annotations

import datetime

from django import template

from core.dates import meeting_time

register = template.Library()


@register.filter
def in_zone(moment: datetime.datetime | None, person) -> str:
    """ "Tue 8 December 2026, 10:00" in the person's zone (the site's when they have none)."""
    if moment is None:
        return ""
    return meeting_time(moment, getattr(person, "time_zone", "") or "")


@register.filter
def zone_name(person) -> str:
    return person.zone.key
