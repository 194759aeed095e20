"""The report's protected hours used add up each person's session hours rounded to a tenth, half to even (Python's
``round``), so that a re-computed draft reads the same hours as the reports frozen before: a sum moved into the
database (whose ROUND goes half up) must keep that."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from evaluation.tests.report_world import NOW
from evaluation.tests.test_report_period_end import IN_THE_QUARTER, figures, log, values, world  # noqa: F401
from mentoring.services import relationship

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def used(programme) -> float:
    return values(figures(programme))[2]


def test_session_hours_used_round_each_persons_minutes_half_to_even(world, cast):  # noqa: F811
    pairing = cast["pairing"]
    before = used(world)
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        first = log(pairing, datetime.date(2026, 3, 18), minutes=15)
        relationship.session_confirm(session=first, by=pairing.mentee)
    # 15 minutes each side: 2.5 tenths, rounded to 2 (half up would read 0.6 more hours, not 0.4).
    assert used(world) == pytest.approx(before + 0.4)
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        second = log(pairing, datetime.date(2026, 3, 19), minutes=30)
        relationship.session_confirm(session=second, by=pairing.mentee)
    # 45 minutes each side: 7.5 tenths, rounded to 8.
    assert used(world) == pytest.approx(before + 1.6)
