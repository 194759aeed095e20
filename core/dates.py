"""Dates in words, the same way everywhere Tandem writes one into a sentence, an email or a notification; and
where a day begins in the site's time zone.

Each goes through Django's ``date_format``, which works on every platform (``strftime("%-d")`` works only with
glibc). A datetime is formatted as given: pass ``timezone.localtime(moment)`` for the local day.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format

LONG_DATE = "j F Y"  # 5 March 2026: the day without a leading zero, the month in words
SHORT_DATE = "j M Y"  # 5 Mar 2026: the month's first three letters, for tables and exports
DAY_MONTH = "j F"  # 5 March: a day in the next weeks, where the year goes without saying


def long_date(day: datetime.date) -> str:
    """``day`` as "5 March 2026"."""
    return date_format(day, LONG_DATE)


def short_date(day: datetime.date) -> str:
    """``day`` as "5 Mar 2026" (what ``strftime("%-d %b %Y")`` wrote)."""
    return date_format(day, SHORT_DATE)


def day_month(day: datetime.date) -> str:
    """``day`` as "5 March", without its year."""
    return date_format(day, DAY_MONTH)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the site's time zone (so ``start_of_day(day + 1 day)`` ends ``day``)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
