"""Dates in words, the same way everywhere Tandem writes one into a sentence, an email or a notification.

Each goes through Django's ``date_format``, which works on every platform (``strftime("%-d")`` works only with
glibc). A datetime is formatted as given: pass ``timezone.localtime(moment)`` for the local day.
"""

from __future__ import annotations

import datetime

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
