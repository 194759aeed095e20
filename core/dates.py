"""Dates in words, the same way everywhere Tandem writes one into a sentence, an email or a notification; and
where a day begins in the site's time zone.

Each goes through Django's ``date_format``, which works on every platform (``strftime("%-d")`` works only with
glibc). A datetime is formatted as given: pass ``timezone.localtime(moment)`` for the local day.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Each format is translated like any string (German writes "5. März 2026", Spanish "5 de marzo de 2026"), and
# templates use the same ones: ``{{ day|date:_("j M Y") }}``. The pseudo-locale leaves them as they are.
LONG_DATE = gettext_noop("j F Y")  # 5 March 2026: the day without a leading zero, the month in words
SHORT_DATE = gettext_noop("j M Y")  # 5 Mar 2026: the month's first three letters, for tables and exports
DAY_MONTH = gettext_noop("j F")  # 5 March: a day in the next weeks, where the year goes without saying
MEETING_TIME = gettext_noop("D j F Y, H:i")  # Tue 8 December 2026, 10:00


def long_date(day: datetime.date) -> str:
    """``day`` as "5 March 2026"."""
    return date_format(day, _(LONG_DATE))


def short_date(day: datetime.date) -> str:
    """``day`` as "5 Mar 2026" (what ``strftime("%-d %b %Y")`` wrote)."""
    return date_format(day, _(SHORT_DATE))


def day_month(day: datetime.date) -> str:
    """``day`` as "5 March", without its year."""
    return date_format(day, _(DAY_MONTH))


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the site's time zone (so ``start_of_day(day + 1 day)`` ends ``day``)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Time zones: each person has one (programmes.Person.time_zone); a meeting is one moment shown in each ---


def validate_time_zone(name: str) -> None:
    """An IANA name such as Europe/Helsinki (empty is allowed: the site's own zone)."""
    from django.core.exceptions import ValidationError

    if not name:
        return
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(name)s is not a time zone we know; use a name such as Europe/Helsinki.") % {"name": repr(name)}
        ) from None


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The zone named ``name``, or the site's TIME_ZONE when empty or unknown (never an error on a page)."""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def meeting_time(moment: datetime.datetime, zone_name: str) -> str:
    """``moment`` in the zone as "Tue 8 December 2026, 10:00"."""
    return date_format(timezone.localtime(moment, zone_of(zone_name)), _(MEETING_TIME))
