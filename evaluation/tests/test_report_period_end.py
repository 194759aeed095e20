"""A period's figures describe the period's end, not the day they are viewed (issue 14, point 6): a session
confirmed, disputed or corrected since, time decided or changed since, training that lapsed since, leave a
re-run period's figures as they were; what happened by the period's last day counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F

from evaluation.models import Intervention
from evaluation.selectors.reporting import report_figures
from evaluation.services.interventions import intervention_update
from evaluation.tests.factories import InterventionFactory
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from mentoring.models import MentoringSession, SessionState
from mentoring.services import relationship
from programmes.models import Person, Role, TimeAllocation, TrainingRecord
from programmes.services import time as time_services
from programmes.services.training import training_warn_expiring
from programmes.tests.factories import (
    CourseFactory,
    ProgrammeRequirementFactory,
    TimeAllocationFactory,
    TrainingRecordFactory,
)

pytestmark = pytest.mark.django_db

IN_THE_QUARTER = datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC)
LAST_EVENING = datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC)  # 23:30 on 31 March in London
PAST_MIDNIGHT = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 1 April in London


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(cast):
    """The cast's programme with Engineering (8 mentees) and Operations (6), each pairing with one confirmed
    hour in February; the cast's own pairing (started in March) has none yet."""
    programme = cast["pairing"].programme
    populate(programme, {"Engineering": 8, "Operations": 6})
    backdate_memberships(programme)
    return programme


def figure(data: dict, key: str) -> dict:
    return next(f for s in data["sections"] for f in s["figures"] if f["key"] == key)


def table(data: dict, key: str) -> dict:
    return next(t for s in data["sections"] for t in s["tables"] if t["key"] == key)


def figures(programme) -> dict:
    """Everything a re-run could change: every section and the department table (not when it was computed)."""
    data = report_figures(programme=programme, period=QUARTER)
    return {"sections": data["sections"], "team": data["team"]}


def log(pairing, held_on: datetime.date, *, minutes: int = 90) -> MentoringSession:
    data = relationship.SessionInput(held_on=held_on, duration_minutes=minutes, mode="video", topics=[], goals=[])
    return relationship.session_log(pairing=pairing, by=pairing.mentor, data=data)


def values(data: dict) -> tuple:
    return (
        figure(data, "sessions")["value"],
        figure(data, "confirmed_hours")["value"],
        figure(data, "hours_used")["value"],
        [c["value"] for c in table(data, "checkin_states")["cells"][0]],
    )


# --- Sessions --------------------------------------------------------------------------------------------------


def test_a_session_held_in_the_period_and_confirmed_after_it_does_not_change_that_periods_figures(world, cast):
    pairing = cast["pairing"]
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        session = log(pairing, datetime.date(2026, 3, 19))
    before = figures(world)
    relationship.session_confirm(session=session, by=pairing.mentee)  # on 15 April
    after = figures(world)
    assert after == before
    # 14 confirmed hours in February; the cast's session was not confirmed by 31 March.
    assert values(before) == (14, 14.0, 28.0, [0, 0, 0, 15])


def test_a_session_confirmed_on_the_periods_last_day_counts_in_it(world, cast):
    pairing = cast["pairing"]
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        session = log(pairing, datetime.date(2026, 3, 19))
    with time_machine.travel(LAST_EVENING, tick=False):
        relationship.session_confirm(session=session, by=pairing.mentee)
    data = report_figures(programme=world, period=QUARTER)
    # 15 sessions, 15.5 hours (one of 90 minutes), each side's 1.5 hours used; the cast's pairing met on 19 March,
    # so it is no longer escalated on 31 March (one pairing overdue: hidden, and the escalated hidden with it).
    assert values(data) == (15, 15.5, 31.0, [0, 0, None, None])


def test_the_periods_last_day_ends_at_midnight_in_the_sites_time_zone(world, cast, settings):
    assert settings.TIME_ZONE == "Europe/London"
    pairing = cast["pairing"]
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        session = log(pairing, datetime.date(2026, 3, 19))
    with time_machine.travel(PAST_MIDNIGHT, tick=False):
        relationship.session_confirm(session=session, by=pairing.mentee)
    assert values(report_figures(programme=world, period=QUARTER)) == (14, 14.0, 28.0, [0, 0, 0, 15])


def test_a_session_confirmed_in_the_period_and_disputed_since_still_counts_in_it(world, cast):
    pairing = cast["pairing"]
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        session = log(pairing, datetime.date(2026, 3, 19))
        relationship.session_confirm(session=session, by=pairing.mentee)
    before = figures(world)
    assert values(before) == (15, 15.5, 31.0, [0, 0, None, None])
    relationship.session_dispute(session=session, by=pairing.mentee, reason="It was shorter")
    assert figures(world) == before
    # Corrected to another day and length, and confirmed again: the quarter still reads as it stood on 31 March.
    session.refresh_from_db()
    data = relationship.SessionInput(
        held_on=datetime.date(2026, 4, 2), duration_minutes=30, mode="video", topics=[], goals=[]
    )
    relationship.session_update(session=session, by=pairing.mentor, data=data)
    relationship.session_confirm(session=session, by=pairing.mentee)
    assert figures(world) == before


def test_a_session_disputed_in_the_period_and_confirmed_since_does_not_count_in_it(world, cast):
    pairing = cast["pairing"]
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        session = log(pairing, datetime.date(2026, 3, 19))
        relationship.session_dispute(session=session, by=pairing.mentee, reason="Not that day")
    before = figures(world)
    relationship.session_confirm(session=session, by=pairing.mentee)
    assert figures(world) == before
    assert values(before)[:2] == (14, 14.0)


# --- Protected time --------------------------------------------------------------------------------------------


MARCH = datetime.date(2026, 3, 1)
ALLOCATED_ON = datetime.datetime(2026, 2, 25, 9, tzinfo=datetime.UTC)


@pytest.fixture
def march_time(world, line_manager) -> list[TimeAllocation]:
    """Engineering's 8 mentees report to the line manager, each with 3 hours allocated for March in February."""
    mentees = Person.objects.filter(org_unit__name="Engineering team", memberships__role="mentee")
    mentees.update(line_manager=line_manager)
    return [
        TimeAllocationFactory(programme=world, person=p, month=MARCH, hours=Decimal(3), created_at=ALLOCATED_ON)
        for p in mentees.order_by("pk")
    ]


def allocated(programme) -> float | None:
    return figure(report_figures(programme=programme, period=QUARTER), "hours_allocated")["value"]


def test_time_declined_after_the_period_still_counts_as_allocated_in_it(world, march_time, line_manager):
    before = figures(world)
    assert allocated(world) == 24.0
    time_services.allocation_decide(allocation=march_time[0], by=line_manager, approve=False, reason="Busy")
    assert figures(world) == before


def test_time_declined_in_the_period_stays_declined_there_when_it_is_changed_since(
    world, march_time, line_manager, coordinator
):
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        time_services.allocation_decide(allocation=march_time[0], by=line_manager, approve=False, reason="Busy")
    before = figures(world)
    assert allocated(world) == 21.0  # 7 allocations of 3 hours
    # The coordinator changes the hours on 15 April: the allocation waits again, with 5 hours.
    time_services.allocation_adjust(allocation=march_time[0], hours="5", by=coordinator)
    assert TimeAllocation.objects.get(pk=march_time[0].pk).status == TimeAllocation.Status.PENDING
    assert figures(world) == before


def test_hours_changed_after_the_period_leave_its_allocated_hours_as_they_were(
    world, march_time, line_manager, coordinator
):
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        time_services.allocation_decide(allocation=march_time[1], by=line_manager, approve=True)
    before = figures(world)
    time_services.allocation_adjust(allocation=march_time[1], hours="8", by=coordinator)
    time_services.allocation_adjust(allocation=march_time[2], hours="0.5", by=coordinator)
    time_services.allocation_decide(
        allocation=TimeAllocation.objects.get(pk=march_time[1].pk), by=line_manager, approve=True
    )
    assert figures(world) == before
    assert allocated(world) == 24.0


def test_time_allocated_after_the_period_for_one_of_its_months_does_not_count_in_it(world, march_time, coordinator):
    before = figures(world)
    mentee = march_time[0].person
    TimeAllocationFactory(programme=world, person=mentee, month=datetime.date(2026, 2, 1), hours=Decimal(4))
    assert figures(world) == before


# --- Training --------------------------------------------------------------------------------------------------


def training_met(data: dict) -> list:
    """The participants table's "Training met" column: mentors, mentees."""
    t = table(data, "participants")
    return [row[t["cols"].index("Training met")]["value"] for row in t["cells"]]


def test_training_that_lapses_after_the_period_still_counts_as_met_at_its_end(world):
    course = CourseFactory(validity_months=12)
    ProgrammeRequirementFactory(programme=world, role=Role.MENTEE, course=course)
    mentees = Person.objects.filter(memberships__programme=world, memberships__role=Role.MENTEE)
    for person in mentees:
        # Completed 10 April 2025: valid until 10 April 2026, so still valid on 31 March.
        TrainingRecordFactory(person=person, course=course, completed_on=datetime.date(2025, 4, 10))
    before = figures(world)
    assert training_met(before) == [15, 15]  # every mentee; the mentors, with nothing required of them, too
    training_warn_expiring(today=NOW.date())  # tonight's sweep marks the lapsed records expired
    assert TrainingRecord.objects.filter(status=TrainingRecord.Status.EXPIRED).count() == 15
    assert figures(world) == before


def test_training_is_met_at_the_periods_end_only_with_every_required_course_valid_then(world):
    first, second = CourseFactory(), CourseFactory()
    for course in (first, second):
        ProgrammeRequirementFactory(programme=world, role=Role.MENTEE, course=course)
    mentees = list(Person.objects.filter(memberships__programme=world, memberships__role=Role.MENTEE).order_by("pk"))
    march, april = datetime.date(2026, 3, 2), datetime.date(2026, 4, 2)
    for i, person in enumerate(mentees):
        TrainingRecordFactory(person=person, course=first, completed_on=march if i < 10 else april)
        if i < 6:  # both by 31 March, the second taken twice
            TrainingRecordFactory(person=person, course=second, completed_on=march)
            TrainingRecordFactory(person=person, course=second, completed_on=march - datetime.timedelta(days=30))
        elif i < 10:  # the second only in April
            TrainingRecordFactory(person=person, course=second, completed_on=april)
        elif i < 13:  # the second by 31 March, the first only in April
            TrainingRecordFactory(person=person, course=second, completed_on=march)
    assert len(mentees) == 15
    # Six mentees had both courses on 31 March; ten had the first, nine the second, thirteen one or the other.
    assert training_met(figures(world)) == [15, 6]


# --- Interventions ---------------------------------------------------------------------------------------------


def by_kind(data: dict) -> dict:
    line = table(data, "interventions")
    return dict(zip(line["cols"], [c["value"] for c in line["cells"][0]], strict=True))


@pytest.fixture
def calls(world, coordinator) -> list[Intervention]:
    """Six calls and six extra trainings recorded on 1 February, each about another pairing."""
    pairings = list(world.pairings.order_by("pk")[:12])
    made = [
        InterventionFactory(pairing=p, kind=kind, created_by=coordinator)
        for p, kind in zip(pairings, [Intervention.Kind.CALL] * 6 + [Intervention.Kind.EXTRA_TRAINING] * 6, strict=True)
    ]
    Intervention.objects.filter(programme=world).update(created_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    return made


def test_an_interventions_kind_changed_after_the_period_leaves_its_figures_as_they_were(world, calls, coordinator):
    before = figures(world)
    assert (by_kind(before)["Call"], by_kind(before)["Extra training"]) == (6, 6)
    intervention_update(
        intervention=calls[0], by=coordinator, kind=Intervention.Kind.MEDIATION, note="", follow_up_on=None
    )
    assert figures(world) == before


def test_an_interventions_kind_changed_in_the_period_counts_by_its_new_kind(world, calls, coordinator):
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        for made in calls[:6]:
            intervention_update(
                intervention=made, by=coordinator, kind=Intervention.Kind.MEDIATION, note="", follow_up_on=None
            )
    before = figures(world)
    assert (by_kind(before)["Mediation"], by_kind(before)["Extra training"]) == (6, 6)
    assert by_kind(before)["Call"] == 0
    intervention_update(intervention=calls[1], by=coordinator, kind=Intervention.Kind.CALL, note="", follow_up_on=None)
    assert figures(world) == before


# --- Check-in states: the cadence agreed then ------------------------------------------------------------------


def recent_world(programme) -> list:
    """14 pairings that met on 25 March; the cast's pairing (started in March) ended on 20 March."""
    pairings = populate(programme, {"Engineering": 8, "Operations": 6}, session_on=datetime.date(2026, 3, 25))
    backdate_memberships(programme)
    programme.pairings.exclude(pk__in=[p.pk for p in pairings]).update(
        status="completed", ended_on=datetime.date(2026, 3, 20)
    )
    return pairings


def test_a_cadence_agreed_after_the_period_leaves_its_checkin_states_as_they_were(cast):
    programme = cast["pairing"].programme
    pairings = recent_world(programme)
    before = figures(programme)
    states = [c["value"] for c in table(before, "checkin_states")["cells"][0]]
    assert states[0] == 14  # on track: met on 25 March, next due on 8 April at every 14 days
    # On 15 April six pairs agree to meet every week: due on 1 April, they would have been "due soon" on 31 March.
    for pairing in pairings[:6]:
        relationship.agreement_update(pairing=pairing, by=pairing.mentor, cadence_days=7, preferred_mode="mixed")
    assert figures(programme) == before


def test_a_cadence_agreed_in_the_period_is_the_one_its_checkin_states_follow(cast):
    programme = cast["pairing"].programme
    pairings = recent_world(programme)
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        for pairing in pairings[:6]:
            relationship.agreement_update(pairing=pairing, by=pairing.mentor, cadence_days=7, preferred_mode="mixed")
    before = figures(programme)
    states = [c["value"] for c in table(before, "checkin_states")["cells"][0]]
    assert states[:2] == [8, 6]  # six due soon (every week from 25 March: 1 April)
    for pairing in pairings[:6]:
        relationship.agreement_update(pairing=pairing, by=pairing.mentor, cadence_days=14, preferred_mode="mixed")
    assert figures(programme) == before


# --- The session history of sessions logged before it was kept --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_session_its_history_so_far(world, cast):
    pairing = cast["pairing"]
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        confirmed_in_time = log(pairing, datetime.date(2026, 3, 19))
        confirmed_late = log(pairing, datetime.date(2026, 3, 20))
        waiting = log(pairing, datetime.date(2026, 3, 18))
    with time_machine.travel(LAST_EVENING, tick=False):
        relationship.session_confirm(session=confirmed_in_time, by=pairing.mentee)
    relationship.session_confirm(session=confirmed_late, by=pairing.mentee)  # on 15 April
    before = figures(world)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: going back may unapply other apps too
    try:
        executor.migrate([("mentoring", "0010_pairing_pause_history")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    def history(session: MentoringSession) -> list[tuple]:
        return list(SessionState.objects.filter(session=session).order_by("since", "pk").values_list("status", "since"))

    assert history(confirmed_in_time) == [("awaiting", IN_THE_QUARTER), ("confirmed", LAST_EVENING)]
    assert history(confirmed_late) == [("awaiting", IN_THE_QUARTER), ("confirmed", NOW)]
    assert history(waiting) == [("awaiting", IN_THE_QUARTER)]
    # Each row carries its session's pairing, and each session with a history is marked so (0027).
    assert not SessionState.objects.exclude(pairing=F("session__pairing")).exists()
    assert set(MentoringSession.objects.filter(recorded=True).values_list("pk", flat=True)) == set(
        SessionState.objects.values_list("session", flat=True)
    )
    # One confirmed outside the services (no answer time: the February sessions here) from the day it was held.
    february = MentoringSession.objects.filter(held_on=datetime.date(2026, 2, 10)).first()
    assert history(february) == [("confirmed", datetime.datetime(2026, 2, 10, tzinfo=datetime.UTC))]
    # The quarter reads as before: the session confirmed on 15 April still does not count in it.
    assert figures(world) == before


# --- Learning opportunities and reflection time (issue 20) ------------------------------------------------------


def test_opportunities_taken_up_and_reflection_time_are_protected_hours_used_as_they_stood_at_the_periods_end(
    world, cast
):
    from mentoring.models import ReflectionTime
    from programmes.models import Opportunity, OpportunityRequest

    mentee, mentor = cast["mentee"], cast["mentor"]
    shadowing = Opportunity.objects.create(kind="shadowing", title="Shadow", host=mentor, places=3, hours=Decimal("3"))

    def taken(happened_on: datetime.date, confirmed_at: datetime.datetime) -> None:
        OpportunityRequest.objects.create(
            opportunity=shadowing,
            person=PersonWithMembership(world),
            programme=world,
            hours=Decimal("3.0"),
            status="taken_up",
            happened_on=happened_on,
            confirmed_at=confirmed_at,
        )

    before = values(figures(world))[2]
    taken(datetime.date(2026, 3, 10), IN_THE_QUARTER)  # counts: in the quarter, confirmed in it
    taken(datetime.date(2026, 3, 30), datetime.datetime(2026, 4, 2, 9, tzinfo=datetime.UTC))  # confirmed after it
    with time_machine.travel(IN_THE_QUARTER, tick=False):
        ReflectionTime.objects.create(
            person=mentee, programme=world, day=datetime.date(2026, 3, 12), hours=Decimal("1.5")
        )
    ReflectionTime.objects.create(person=mentee, programme=world, day=datetime.date(2026, 3, 13), hours=Decimal("2"))
    assert values(figures(world))[2] == before + 3.0 + 1.5


def PersonWithMembership(programme):  # noqa: N802 (reads as the participant it makes)
    from programmes.models import Membership
    from programmes.tests.factories import PersonFactory

    person = PersonFactory()
    Membership.objects.create(programme=programme, person=person, role=Role.MENTEE)
    return person
