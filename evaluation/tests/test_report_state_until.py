"""The session and allocation histories keep each row's end (``until``) right as the services record changes: the
report reads "the row that stood at the period's end" as a range (``since < end <= until``), so a wrong end would
count a session or an allocation twice or not at all in a committee's figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Q

from mentoring.models import GoalState, MentoringSession, SessionState
from mentoring.services import relationship
from mentoring.tests.factories import MentoringSessionFactory
from programmes.models import TimeAllocation, TimeAllocationState
from programmes.services import time as time_services
from programmes.tests.factories import TimeAllocationFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC)


def at(days: float) -> datetime.datetime:
    return MARCH + datetime.timedelta(days=days)


def check_history(rows) -> None:
    """One open row (the last), each row ending where the next begins (no overlap, no gap), and at every moment
    the range picks exactly the row the report used to look up (the latest recorded before it)."""
    history = list(rows.order_by("since", "pk"))
    assert history, "the services record a history"
    assert [r.until for r in history] == [r.since for r in history[1:]] + [None]
    moments = {r.since + delta for r in history for delta in (-datetime.timedelta(seconds=1), datetime.timedelta(0))}
    moments |= {r.since + datetime.timedelta(seconds=1) for r in history}
    for moment in sorted(moments):
        standing = list(rows.filter(Q(since__lt=moment) & (Q(until__isnull=True) | Q(until__gte=moment))))
        latest = [r for r in history if r.since < moment][-1:]
        assert standing == latest, moment


def log(pairing, held_on: datetime.date, minutes: int = 90) -> MentoringSession:
    data = relationship.SessionInput(held_on=held_on, duration_minutes=minutes, mode="video", topics=[], goals=[])
    return relationship.session_log(pairing=pairing, by=pairing.mentor, data=data)


def test_logging_confirming_disputing_correcting_and_confirming_again_keeps_one_row_standing_at_a_time(cast):
    pairing = cast["pairing"]
    with time_machine.travel(at(0), tick=False):
        session = log(pairing, datetime.date(2026, 3, 19))
    history = SessionState.objects.filter(session=session)
    check_history(history)
    with time_machine.travel(at(1), tick=False):
        relationship.session_confirm(session=session, by=pairing.mentee)
    check_history(history)
    with time_machine.travel(at(2), tick=False):
        relationship.session_dispute(session=session, by=pairing.mentee, reason="It was shorter")
    check_history(history)
    session.refresh_from_db()
    data = relationship.SessionInput(
        held_on=datetime.date(2026, 3, 18), duration_minutes=30, mode="video", topics=[], goals=[]
    )
    # Corrected and confirmed in the same instant: the correction's row lasts no time, the confirmation stands.
    with time_machine.travel(at(3), tick=False):
        relationship.session_update(session=session, by=pairing.mentor, data=data)
        relationship.session_confirm(session=session, by=pairing.mentee)
    check_history(history)
    assert [(r.status, r.duration_minutes) for r in history.order_by("since", "pk")] == [
        ("awaiting", 90),
        ("confirmed", 90),
        ("disputed", 90),
        ("awaiting", 30),
        ("confirmed", 30),
    ]
    assert history.get(until__isnull=True).status == MentoringSession.Status.CONFIRMED


def test_another_sessions_history_is_left_alone(cast):
    pairing = cast["pairing"]
    with time_machine.travel(at(0), tick=False):
        first = log(pairing, datetime.date(2026, 3, 18))
        second = log(pairing, datetime.date(2026, 3, 19))
    with time_machine.travel(at(1), tick=False):
        relationship.session_confirm(session=second, by=pairing.mentee)
    assert list(SessionState.objects.filter(session=first).values_list("status", "until")) == [("awaiting", None)]
    check_history(SessionState.objects.filter(session=second))


def test_deciding_and_changing_an_allocation_keeps_one_row_standing_at_a_time(cast):
    programme = cast["pairing"].programme
    with time_machine.travel(at(0), tick=False):
        allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"], created_at=at(0))
    history = TimeAllocationState.objects.filter(allocation=allocation)
    with time_machine.travel(at(1), tick=False):
        allocation = time_services.allocation_decide(allocation=allocation, by=cast["line_manager"], approve=True)
    check_history(history)
    with time_machine.travel(at(2), tick=False):
        allocation = time_services.allocation_adjust(allocation=allocation, hours="6", by=cast["coordinator"])
    check_history(history)
    with time_machine.travel(at(3), tick=False):
        allocation = time_services.allocation_decide(
            allocation=allocation, by=cast["line_manager"], approve=False, reason="Busy quarter"
        )
    check_history(history)
    assert [(r.status, r.hours) for r in history.order_by("since", "pk")] == [
        (TimeAllocation.Status.PENDING, Decimal("3.0")),
        (TimeAllocation.Status.APPROVED, Decimal("3.0")),
        (TimeAllocation.Status.PENDING, Decimal("6.0")),
        (TimeAllocation.Status.DECLINED, Decimal("6.0")),
    ]


def test_each_history_row_carries_its_sessions_pairing_and_marks_the_session_as_recorded(cast):
    # The report reads a programme's history by pairing and date alone, and finds the sessions without a history
    # (made outside the services, counted by their own row) by the flag: both must follow every recorded change.
    pairing = cast["pairing"]
    outside = MentoringSessionFactory(
        pairing=pairing, held_on=datetime.date(2026, 3, 17), status=MentoringSession.Status.AWAITING
    )
    assert not outside.recorded
    with time_machine.travel(at(0), tick=False):
        logged = log(pairing, datetime.date(2026, 3, 19))
    logged.refresh_from_db()
    assert logged.recorded
    with time_machine.travel(at(1), tick=False):
        relationship.session_confirm(session=outside, by=pairing.mentee)
    outside.refresh_from_db()
    assert outside.recorded  # its history starts with this confirmation
    assert sorted(SessionState.objects.values_list("session", "pairing", "status")) == sorted(
        [(logged.pk, pairing.pk, "awaiting"), (outside.pk, pairing.pk, "confirmed")]
    )


def test_setting_and_changing_a_goal_keeps_one_row_of_its_history_standing_at_a_time(cast):
    pairing = cast["pairing"]
    with time_machine.travel(at(0), tick=False):
        goal = relationship.goal_create(pairing=pairing, by=pairing.mentee, data=relationship.GoalInput(title="Lead"))
    history = GoalState.objects.filter(goal=goal)
    check_history(history)
    for day, status, progress in ((1, "in_progress", 30), (2, "in_progress", 60), (3, "achieved", 100)):
        with time_machine.travel(at(day), tick=False):
            data = relationship.GoalInput(title="Lead", status=status, progress=progress)
            relationship.goal_update(goal=goal, by=pairing.mentee, data=data)
        check_history(history)
    assert [(r.status, r.progress) for r in history.order_by("since", "pk")] == [
        ("not_started", 0),
        ("in_progress", 30),
        ("in_progress", 60),
        ("achieved", 100),
    ]
