from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from core.dates import day_month, long_date, short_date


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


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (datetime.date(2026, 3, 5), "5 Mar 2026"),
        (datetime.date(2026, 9, 30), "30 Sep 2026"),
        (datetime.date(2027, 12, 1), "1 Dec 2027"),
    ],
)
def test_a_short_date_has_no_leading_zero_and_the_month_in_three_letters(day, words):
    assert short_date(day) == words


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (datetime.date(2026, 3, 5), "5 March"),
        (datetime.date(2026, 12, 31), "31 December"),
        (datetime.datetime(2026, 9, 1, 23, 30, tzinfo=datetime.UTC), "1 September"),
    ],
)
def test_a_day_and_month_has_no_year_and_no_leading_zero(day, words):
    assert day_month(day) == words


@pytest.mark.parametrize(
    ("helper", "pattern"), [(long_date, "%d %B %Y"), (short_date, "%d %b %Y"), (day_month, "%d %B")]
)
def test_each_date_in_words_reads_as_strftime_did_on_glibc_in_every_month(helper, pattern):
    with translation.override(None):
        for month in range(1, 13):
            day = datetime.date(2026, month, 7)
            assert helper(day) == day.strftime(pattern).removeprefix("0")


def test_a_spanish_short_date_writes_the_month_in_lower_case_as_spanish_does():
    # "19 May 2026" in a Spanish CPD record read as English; "19 may 2026" is how Spanish abbreviates it.
    with translation.override("es"):
        assert short_date(datetime.date(2026, 5, 19)) == "19 may 2026"
        assert short_date(datetime.date(2026, 12, 5)) == "5 dic 2026"
    with translation.override("de"):
        assert short_date(datetime.date(2026, 5, 19)) == "19. Mai 2026"
