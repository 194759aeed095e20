from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from core.dates import long_date


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (datetime.date(2026, 3, 5), "5 March 2026"),
        (datetime.date(2026, 12, 31), "31 December 2026"),
        (datetime.date(2027, 9, 1), "1 September 2027"),
    ],
)
def test_a_long_date_has_no_leading_zero_and_the_month_in_words(day, words):
    assert long_date(day) == words


def test_a_long_date_reads_the_same_outside_a_request():
    # A Celery worker has no active language: the site's (en-gb) applies, as in a page.
    with translation.override(None):
        assert long_date(datetime.date(2026, 3, 5)) == "5 March 2026"


def test_a_long_date_of_a_datetime_is_its_calendar_day():
    assert long_date(datetime.datetime(2026, 3, 5, 23, 30, tzinfo=datetime.UTC)) == "5 March 2026"
