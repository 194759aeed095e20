"""Hours read across reports (issue 14, points 3, 5, 7 and 8): a department's confirmed hours and the protected
hours allocated and used are tied between the reports of a programme like counts are (the same period: the same
figure; a period inside another: no more), each printed to a tenth of an hour. Read together, two reports once gave
a "fewer than 5" figure of hours back (a department's hours as one report hides them beside another that shows the
department that protected them); the checker now reads hours too, and the attacker (``attacker.py``, which does
not call the checker) finds nothing."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from evaluation.selectors.reporting import Period
from evaluation.selectors.reporting.helpers import _figure, _hours, _table
from evaluation.selectors.reporting.teams import TEAM_COLS
from evaluation.services.disclosure import AMOUNT, MINUTES, PEOPLE, PER_PERSON
from evaluation.services.disclosure_joint import joint_protect, reports_audit
from evaluation.services.disclosure_published import report_audit
from evaluation.tests.attacker import attack_together
from evaluation.tests.report_world import QUARTER
from evaluation.tests.test_attacker import report_data
from evaluation.tests.test_reports_together import published, with_period

Q2 = Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
LATER = Period(datetime.date(2026, 4, 1), datetime.date(2026, 5, 15))  # compares with 15 Feb - 31 Mar
HOURS = "Confirmed hours"
FAST = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def team(now: dict, before: dict) -> dict:
    """The department table: ``now`` and ``before`` map a department to (participants, mentees in active
    pairings, sessions, confirmed minutes)."""
    now = {n: LARGE for n in before} if now is BIG else now
    before = {n: LARGE for n in now} if before is BIG else before
    names = sorted(set(now) | set(before))

    def grid(rows: dict) -> tuple[dict, dict]:
        counts, people = {}, {}
        for name in names:
            joined, mentees, sessions, minutes = rows.get(name, (0, 0, 0, 0))
            for col, value, who in zip(TEAM_COLS, (joined, mentees, sessions, minutes),
                                       (joined, mentees, mentees, mentees), strict=True):  # fmt: skip
                counts[name, col], people[name, col] = value, who
        return counts, people

    return _table(
        "team", "Participants, pairings, sessions and hours by department", names, TEAM_COLS,
        grid(now), grid(before), row_totals=False,
        kinds={"Participants": PEOPLE, "Active pairings": PER_PERSON,
               "Sessions held": AMOUNT, HOURS: MINUTES},
        units={HOURS: "h"}, convert={HOURS: _hours},
    )  # fmt: skip


def report(period: Period, team_table: dict | None = None, figures: list | None = None) -> dict:
    data = with_period(report_data(team=team_table), period)
    data["sections"][0]["figures"] = figures or []
    return data


def hours_cells(table: dict, column: str) -> dict:
    j = table["cols"].index(HOURS)
    found = {r: table["cells"][i][j] for i, r in enumerate(table["rows"])}
    found["Total"] = table["col_totals"][j]
    return {r: (c[column], c["why" if column == "value" else "previous_why"]) for r, c in found.items()}


def about_hours(learnt: list[str]) -> list[str]:
    return [line for line in learnt if HOURS in line or "Protected hours" in line]


BIG: dict = {}  # the other column's departments, each large: nothing hidden
LARGE = (20, 20, 20, 1200)


# --- Identical periods ----------------------------------------------------------------------------------------------


def test_a_departments_hours_hidden_in_one_report_do_not_come_back_from_the_same_period_in_another():
    # The Q2 report, submitted first, compares with Q1 as counted then: Engineering's 3 mentees' 2 hours are
    # "fewer than 5", and Finance's 10 hours are hidden to protect them.
    q2 = report(Q2, team(BIG, {"Engineering": (3, 3, 2, 120), "Finance": (6, 6, 6, 600),
                                "Operations": (12, 12, 22, 1500)}))  # fmt: skip
    assert hours_cells(q2["team"], "previous") == {
        "Engineering": (None, "small"), "Finance": (None, "protect"), "Operations": (25.0, None), "Total": (37.0, None)
    }  # fmt: skip
    # Then the Q1 report, after a team of Operations became the Legal department: the same 37 hours, and Legal's 5
    # protect Engineering's now, Finance's 10 are shown. Read together: Engineering = 37 - 25 - 10 = 2 hours.
    q1 = report(QUARTER, team({"Engineering": (3, 3, 2, 120), "Finance": (6, 6, 6, 600), "Legal": (6, 6, 10, 300),
                               "Operations": (6, 6, 12, 1200)}, BIG))  # fmt: skip
    assert hours_cells(q1["team"], "value")["Finance"] == (10.0, None)
    learnt = attack_together([published(q2), published(q1)])
    assert about_hours(learnt), learnt  # the attacker is not blind to hours
    assert reports_audit(q1, [q2])  # nor is the checker

    joint_protect(q1, [q2])

    assert hours_cells(q1["team"], "value")["Finance"] == (None, "protect")  # "hidden": it is about 6 people
    assert hours_cells(q1["team"], "value")["Engineering"] == (None, "small")  # still "fewer than 5"
    assert reports_audit(q1, [q2]) == []
    assert attack_together([published(q2), published(q1)]) == []


def used(value, previous, why="small", previous_why="small") -> dict:
    figure = _figure("hours_used", "Protected hours used", value, previous, unit="h")
    figure.update(why=None if value is not None else why, previous_why=None if previous is not None else previous_why)
    return figure


def test_protected_hours_hidden_in_one_report_do_not_come_back_from_the_same_period_in_another():
    # The Q2 report compares with Q1's hours used as counted then: 4 people's, "fewer than 5". The Q1 report,
    # submitted after a fifth person's training was recorded, shows them: read together, the same period's figure.
    q2 = report(Q2, figures=[used(40.0, None)])
    q1 = report(QUARTER, figures=[used(3.5, 30.0)])
    assert about_hours(attack_together([published(q2), published(q1)]))
    joint_protect(q1, [q2])
    figure = q1["sections"][0]["figures"][0]
    assert figure["value"] is None and figure["why"] == "protect" and figure["change"] is None
    assert figure["previous"] == 30.0
    assert reports_audit(q1, [q2]) == []
    assert attack_together([published(q2), published(q1)]) == []


# --- Nested periods -------------------------------------------------------------------------------------------------


def test_a_departments_hours_do_not_come_back_from_a_period_inside_another():
    # The later report compares with 15 February to 31 March, inside Q1: Engineering's 3 mentees' 2 hours are
    # "fewer than 5", Finance's 10 hidden to protect them. The Q1 report shows both (Engineering had 5 mentees in
    # Q1; Finance's 4 others met in January, their sessions not confirmed): Finance then held no more than 10
    # hours, and Engineering no more than 2.5, so Engineering's 3 held between 1.85 and 2.55 hours.
    q1 = report(QUARTER, team({"Engineering": (5, 5, 3, 150), "Finance": (10, 10, 10, 600),
                               "Operations": (12, 12, 22, 1800)}, BIG))  # fmt: skip
    later = report(LATER, team(BIG, {"Engineering": (5, 3, 2, 120), "Finance": (10, 6, 6, 600),
                                     "Operations": (12, 12, 22, 1500)}))  # fmt: skip
    assert hours_cells(later["team"], "previous")["Finance"] == (None, "protect")
    learnt = attack_together([published(q1), published(later)])
    assert about_hours(learnt), learnt
    assert reports_audit(later, [q1])

    joint_protect(later, [q1])

    assert reports_audit(later, [q1]) == []
    assert attack_together([published(q1), published(later)]) == []


def test_protected_hours_do_not_come_back_from_a_period_inside_another():
    # Hours used in 15 February to 31 March: 4 people's, "fewer than 5"; the Q1 report around it showed 0.8 hours:
    # the 4 took at most 48 minutes. Submitted after, the Q1 report hides its figure instead.
    later = report(LATER, figures=[used(40.0, None)])
    q1 = report(QUARTER, figures=[used(0.8, 30.0)])
    assert about_hours(attack_together([published(later), published(q1)]))
    joint_protect(q1, [later])
    assert q1["sections"][0]["figures"][0]["value"] is None
    assert reports_audit(q1, [later]) == []
    assert attack_together([published(later), published(q1)]) == []


# --- Randomised ------------------------------------------------------------------------------------------------------

department = st.tuples(st.integers(0, 9), st.integers(0, 300))  # mentees, minutes (of which some in the inner days)


@FAST
@given(
    inner=st.lists(department, min_size=2, max_size=4),
    added=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 120)), min_size=4, max_size=4),
    nested=st.booleans(),
    outer_first=st.booleans(),
)
# Once failed: Legal's 3 mentees inside Q1 ("fewer than 5", so at least 1 pairing) pinned Q1's hidden Legal to 5
# and so Finance's 1 pairing; withholding the later report's previous column mended it, but the checker also hid
# its 0.0 hours of the empty departments, which Q1's printed 0.0 pins back: the audit refused the report.
@example(
    inner=[(0, 62), (0, 297), (3, 133), (0, 151)], added=[(0, 0), (1, 0), (2, 0), (0, 0)], nested=True, outer_first=True
)
def test_random_department_hours_of_two_reports_read_together_give_nothing_away(inner, added, nested, outer_first):
    """A department table over a period and one over the same period (counted another day: some departments'
    hours since confirmed) or over the quarter around it (more mentees and hours in its other days): whichever is
    submitted second is hidden further until the two read together give nothing away."""
    names = ["Engineering", "Finance", "Legal", "Operations"]
    small, large = {}, {}
    for name, (m, minutes), (a, extra) in zip(names, inner, added, strict=False):
        # Participants at the period's end: the same on the same last day; mentees, sessions and hours no fewer
        # over the longer period.
        small[name] = (m + a, m, m, minutes if m else 0)
        large[name] = (m + a, m + a, m + a, (minutes if m else 0) + (extra if a else 0))
    if nested:  # Q1 around the later report's previous period
        outer, inner_report = report(QUARTER, team(large, BIG)), report(LATER, team(BIG, small))
    else:  # Q1 as the Q2 report compares with it, and the Q1 report itself
        outer, inner_report = report(QUARTER, team(large, BIG)), report(Q2, team(BIG, large))
    first, second = (outer, inner_report) if outer_first else (inner_report, outer)
    joint_protect(second, [first])
    assert reports_audit(second, [first]) == []
    assert attack_together([published(first), published(second)]) == []


@pytest.mark.xfail(strict=True, reason="the earlier report alone gives these hours away: nothing left to hide mends it")
def test_a_departments_hours_an_earlier_report_printed_as_none_for_a_whole_quarter_stay_none_inside_it():
    """Found by the randomised test above run with more examples (seed 11, 700 examples), failing on main as after
    the fix of its @example: Q1, submitted first, prints Finance's 5 mentees' 0.0 hours (5 people: shown). The later
    report compares with 15 February to 31 March, inside Q1, where 3 of them held sessions: "fewer than 5", so
    hidden, and no more than Q1's 0.0, so within 3 minutes of 0: pinned, whatever else is hidden (its column
    withheld whole too). It tells nothing Q1 did not (its 5 took no time in the quarter, so none of them in part of
    it), but the audit (and the attacker) count it: the submission is refused. Showing the figure would break the
    rule that fewer than 5 are never printed; letting the audit pass what earlier reports alone give away is a
    choice of policy, not made here."""
    outer = report(QUARTER, team({"Engineering": (0, 0, 0, 0), "Finance": (5, 5, 5, 0)}, BIG))
    later = report(LATER, team(BIG, {"Engineering": (0, 0, 0, 0), "Finance": (5, 3, 3, 0)}))
    joint_protect(later, [outer])
    assert reports_audit(later, [outer]) == []
    assert attack_together([published(outer), published(later)]) == []


@FAST
@given(
    hours=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 6)), min_size=2, max_size=2),
    nested=st.booleans(),
    outer_first=st.booleans(),
)
def test_random_protected_hours_of_two_reports_read_together_give_nothing_away(hours, nested, outer_first):
    """Hours used (in tenths) by some people in a period, and in the same or a surrounding period (more hours of
    more people): hidden when about 1 to 4 people; the second report submitted is hidden further as needed."""
    (tenths, people), (more, more_people) = hours

    def figure(t: int, p: int) -> float | None:
        return None if 0 < p < 5 else t / 10 if p else 0.0

    inner_value = figure(tenths if people else 0, people)
    outer_value = figure((tenths if people else 0) + (more if more_people else 0), people + more_people)
    outer = report(QUARTER, figures=[used(outer_value, 50.0)])
    other = report(LATER if nested else Q2, figures=[used(50.0, inner_value if nested else outer_value)])
    first, second = (outer, other) if outer_first else (other, outer)
    joint_protect(second, [first])
    assert reports_audit(second, [first]) == []
    assert attack_together([published(first), published(second)]) == []
    for data in (first, second):  # the labels stay true: a shown figure was never small, nor a "hidden" one
        for f in data["sections"][0]["figures"]:
            assert f["why"] in (None, "small", "protect", "withheld")


@pytest.mark.parametrize("period", [QUARTER, Q2])
def test_hours_alone_in_a_report_read_alone_give_nothing_away(period):
    data = report(period, team({"Engineering": (3, 3, 2, 20), "Finance": (6, 6, 6, 30), "Ops": (9, 9, 9, 900)}, BIG))
    assert report_audit(data) == []


# --- Through the database -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_quarter_submitted_after_the_next_one_hides_the_hours_the_next_one_hid(client, cast):
    """The Q2 report, submitted first, compares with Q1: two pairs' hour-long sessions, 4 people's hours used,
    "fewer than 5". A third pair's session of March is logged late; the Q1 report then counts 6 people's 6 hours
    and would print them beside Q2's hidden figure for the same quarter: it hides them ("hidden") instead."""
    import time_machine

    from evaluation.tests.report_world import populate
    from evaluation.tests.test_reports_together import downloaded, submit
    from programmes.tests.factories import ProgrammeFactory

    def hours_used(report) -> dict:
        return next(f for s in report.snapshot["sections"] for f in s["figures"] if f["key"] == "hours_used")

    programme = ProgrammeFactory()
    with time_machine.travel(datetime.datetime(2026, 7, 10, 9, tzinfo=datetime.UTC), tick=False):
        populate(programme, {"Engineering": 2})
        q2 = submit(programme, cast, Q2)
        populate(programme, {"Engineering": 1}, session_on=datetime.date(2026, 3, 2))
        q1 = submit(programme, cast, QUARTER)
    assert hours_used(q2)["previous"] is None and hours_used(q2)["previous_why"] == "small"
    assert hours_used(q1)["value"] is None and hours_used(q1)["why"] == "protect"
    assert attack_together([downloaded(client, cast, q2), downloaded(client, cast, q1)]) == []
