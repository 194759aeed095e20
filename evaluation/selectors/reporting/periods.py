"""Reporting periods: quarters, their keys and the period before a period of the same length."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.dates import short_date


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period of the same length just before this one: for a quarter, the quarter before (Q1's 90 days
        compare with Q4's 92, not with 3 October to 31 December); else the same number of days."""
        end = self.start - datetime.timedelta(days=1)
        if self.is_quarter:
            return quarter_from_key(quarter_key(Period(end, end)))
        return Period(end - datetime.timedelta(days=self.days - 1), end)

    @property
    def is_quarter(self) -> bool:
        return quarter_from_key(quarter_key(self)) == self

    @property
    def label(self) -> str:
        return _("%(start)s to %(end)s") % {"start": short_date(self.start), "end": short_date(self.end)}

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}


def quarter(year: int, number: int) -> Period:
    start = datetime.date(year, 3 * (number - 1) + 1, 1)
    after = datetime.date(year + (number == 4), (3 * number) % 12 + 1, 1)
    return Period(start, after - datetime.timedelta(days=1))


def quarter_key(period: Period) -> str:
    return f"{period.start.year}-Q{(period.start.month - 1) // 3 + 1}"


def quarter_from_key(key: str) -> Period:
    year, number = key.split("-Q")
    return quarter(int(year), int(number))


def recent_quarters(today: datetime.date, count: int = 8) -> list[tuple[str, str]]:
    """(key, label) of the current quarter and the ones before it, newest first."""
    year, number = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _quarter in range(count):
        period = quarter(year, number)
        choices.append((quarter_key(period), f"Q{number} {year} ({period.label})"))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return choices


def last_quarter(today: datetime.date) -> Period:
    """The last quarter that has ended."""
    start = quarter_from_key(recent_quarters(today, 1)[0][0]).start
    return quarter_from_key(recent_quarters(start - datetime.timedelta(days=1), 1)[0][0])
