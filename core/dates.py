"""Dates in words, the same way everywhere Tandem writes one into a sentence, an email or a notification."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format

LONG_DATE = "j F Y"  # 5 March 2026: the day without a leading zero, the month in words


def long_date(day: datetime.date) -> str:
    """``day`` as "5 March 2026", through Django's formatting (``strftime("%-d")`` works only with glibc)."""
    return date_format(day, LONG_DATE)
