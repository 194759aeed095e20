"""The attacker test (issue 14, point 8): whatever the programme, an attacker holding a report's CSV solves no hidden
cell back, with an integer program of its own (``attacker.py``, which does not call the checker).

Randomised tables of every shape the report prints (a line with its total, the participants' grid with two column
groups, the departments with column totals and hours, a survey question's answers with their mean) go through the
report's own code (``reporting``) and its CSV writer (``exports.csv_rows``); the attacker reads the CSV only. The
demo's reports, as the committee downloads them, are attacked in demo/tests/test_reports_attacker.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from evaluation.selectors.privacy import TOTAL
from evaluation.selectors.reporting.helpers import _figure, _hours, _line, _table
from evaluation.selectors.reporting.surveys import _question_result
from evaluation.selectors.reporting.teams import TEAM_COLS
from evaluation.services.disclosure import AMOUNT, MINUTES, PEOPLE, PER_PERSON
from evaluation.services.exports import csv_rows
from evaluation.tests.attacker import attack_rows

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GOAL_LABELS = ["Not started", "In progress", "Achieved", "Dropped"]


def report_data(*, tables=(), team=None, questions=()) -> dict:
    """The smallest report the CSV writer takes: the given tables, the department table, the questions."""
    empty_team = _table(
        "team",
        "Participants, pairings, sessions and hours by department",
        [],
        TEAM_COLS,
        ({}, {}),
        ({}, {}),
        row_totals=False,
        units={"Confirmed hours": "h"},
    )
    return {
        "min_group": 5,
        "sections": [{"key": "s", "title": "Section", "figures": [], "tables": list(tables)}],
        "team": team or empty_team,
        "surveys": {
            "responses": _figure("survey_responses", "Survey responses", None, None),
            "rounds": [],
            "questions": list(questions),
            "quotes": [],
        },
    }


def attack_data(data: dict) -> list[str]:
    return attack_rows(list(csv_rows(data)))


def goals_line(counts: list[int], people: list[int]) -> dict:
    cur = dict(zip(GOAL_LABELS, counts, strict=True))
    who = dict(zip(GOAL_LABELS, people, strict=True)) | {TOTAL: sum(people)}
    return _line(
        "goals_by_status",
        "Goals by status at the period's end",
        "Goals",
        GOAL_LABELS,
        {"cur": cur, "prev": cur},
        {"cur": who, "prev": who},
        row_total_label="Goals",
        kinds=PER_PERSON,
    )


def question(likert: dict[int, int]) -> dict:
    return _question_result(
        {"survey": "Feedback", "question": "The programme helps me learn", "kind": "likert", "options": [],
         "cur": likert, "prev": {}}
    )  # fmt: skip


counts = st.integers(min_value=0, max_value=30)


# --- The attacks of the issue, by hand -------------------------------------------------------------------------


def test_the_mean_attack_finds_nothing():
    # N=56, mean 4.32: once "2" (1 person) and "3" (5) were hidden and the mean pinned them.
    q = question({2: 1, 3: 5, 4: 25, 5: 25})
    assert attack_data(report_data(questions=[q])) == []
    # The demo's N=7, mean 4.57 (3 "4" and 4 "5") is not solved either.
    assert attack_data(report_data(questions=[question({4: 3, 5: 4})])) == []


def test_the_two_hidden_cells_beside_a_total_attack_finds_nothing():
    line = goals_line([6, 14, 1, 1], [6, 14, 1, 1])
    assert attack_data(report_data(tables=[line])) == []


def test_the_attacker_is_not_blind():
    # Without the checker (the old rule of thumb, which printed every hidden cell as "fewer than 5"), the same
    # attacker solves the mean attack back: the test would notice a checker that did nothing.
    rows = [
        ["section", "table", "row", "metric", "value", "previous", "change", "unit"],
        ["Survey: Feedback", "", "Q", "answers", "56", "", "", ""],
        ["Survey: Feedback", "", "Q", "mean", "4.32", "", "", "1 to 5"],
        *[["Survey: Feedback", "", "Q", str(v), text, "", "", ""]
          for v, text in ((1, "0"), (2, "fewer than 5"), (3, "fewer than 5"), (4, "25"), (5, "25"))],
    ]  # fmt: skip
    assert "Survey: Feedback: Q / 2 = 1" in attack_rows(rows)


# --- Randomised -----------------------------------------------------------------------------------------------


@FAST
@given(st.lists(counts, min_size=5, max_size=5))
@example([0, 1, 5, 25, 25])
@example([0, 0, 0, 3, 4])
def test_random_survey_answers_give_nothing_away(likert):
    answers = dict(zip(range(1, 6), likert, strict=True))
    if sum(likert) < 5:
        return
    assert attack_data(report_data(questions=[question(answers)])) == []


@FAST
@given(st.lists(st.tuples(counts, st.integers(min_value=0, max_value=3)), min_size=4, max_size=4))
@example([(6, 0), (14, 0), (1, 0), (1, 0)])
def test_random_goal_lines_give_nothing_away(cells):
    # Each status holds some goals of some mentees: at least one goal per mentee, a mentee may have several.
    goals = [n for n, _ in cells]
    people = [max(0, n - extra) if n else 0 for n, extra in cells]
    people = [p if p or not n else 1 for p, n in zip(people, goals, strict=True)]
    assert attack_data(report_data(tables=[goals_line(goals, people)])) == []


@FAST
@given(st.lists(st.tuples(counts, counts, counts), min_size=2, max_size=2))
def test_random_participant_grids_give_nothing_away(rows):
    # Per role: in a pairing, not, and of all of them, how many met their training.
    cols = ["In a pairing", "Not in a pairing", "Training met", "Training not met"]
    grid = {}
    for label, (paired, unpaired, trained) in zip(["Mentors", "Mentees"], rows, strict=True):
        total = paired + unpaired
        trained = min(trained, total)
        for col, value in zip(cols, (paired, unpaired, trained, total - trained), strict=True):
            grid[label, col] = value
    table = _table(
        "participants",
        "Participants at the period's end",
        ["Mentors", "Mentees"],
        cols,
        (grid, grid),
        (grid, grid),
        column_groups=[cols[:2], cols[2:]],
        row_total_label="Participants",
    )
    assert attack_data(report_data(tables=[table])) == []


@FAST
@given(
    st.lists(st.tuples(counts, st.integers(0, 12), st.integers(0, 40), st.integers(0, 3000)), min_size=1, max_size=5)
)
def test_random_department_tables_give_nothing_away(departments):
    counts_, people = {}, {}
    names = [f"Department {i}" for i in range(len(departments))]
    for name, (joined, pairings, sessions, minutes) in zip(names, departments, strict=True):
        mentees = pairings  # one pairing per mentee
        values = (joined, pairings, sessions if pairings else 0, minutes if pairings and sessions else 0)
        for col, value, who in zip(TEAM_COLS, values, (joined, mentees, mentees, mentees), strict=True):
            counts_[name, col] = value
            people[name, col] = who
    table = _table(
        "team",
        "Participants, pairings, sessions and hours by department",
        names,
        TEAM_COLS,
        (counts_, people),
        (counts_, people),
        row_totals=False,
        kinds={
            "Participants": PEOPLE,
            "Active pairings": PER_PERSON,
            "Sessions held": AMOUNT,
            "Confirmed hours": MINUTES,
        },
        units={"Confirmed hours": "h"},
        convert={"Confirmed hours": _hours},
    )
    assert attack_data(report_data(team=table)) == []


# --- Randomised programmes, through the database ------------------------------------------------------------------


@pytest.mark.django_db
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    teams=st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=4),
    goal_counts=st.lists(st.integers(min_value=0, max_value=9), min_size=4, max_size=4),
    likert=st.lists(st.integers(min_value=0, max_value=9), min_size=5, max_size=5),
)
def test_random_programmes_give_nothing_away(teams, goal_counts, likert):
    import datetime

    import time_machine

    from evaluation.models import Answer, Question, Survey, SurveyResponse, SurveyRound
    from evaluation.selectors.reporting import report_figures
    from evaluation.tests.report_world import NOW, QUARTER, populate
    from mentoring.models import Goal
    from programmes.tests.factories import ProgrammeFactory

    with time_machine.travel(NOW, tick=False):
        programme = ProgrammeFactory()
        pairings = populate(programme, {f"Team {i}": n for i, n in enumerate(teams) if n})
        statuses = [s for s, n in zip(Goal.Status.values, goal_counts, strict=True) for _ in range(n)]
        Goal.objects.bulk_create(
            Goal(pairing=pairings[i % len(pairings)], title="A goal", status=status,
                 created_at=datetime.datetime(2026, 1, 20, tzinfo=datetime.UTC))
            for i, status in enumerate(statuses)
            if pairings
        )  # fmt: skip
        if sum(likert):
            survey = Survey.objects.create(programme=programme, title="Feedback")
            scale = Question.objects.create(survey=survey, position=1, text="It helps", kind="likert")
            rnd = SurveyRound.objects.create(
                survey=survey, programme=programme, title="March", opens_on=datetime.date(2026, 3, 1),
                closes_on=datetime.date(2026, 3, 20), status=SurveyRound.Status.CLOSED,
            )  # fmt: skip
            values = [v for v, n in zip(range(1, 6), likert, strict=True) for _ in range(n)]
            responses = SurveyResponse.objects.bulk_create(
                SurveyResponse(round=rnd, respondent_hash=f"{programme.pk}-{i}") for i in range(len(values))
            )
            Answer.objects.bulk_create(
                Answer(response=r, question=scale, likert=v) for r, v in zip(responses, values, strict=True)
            )
        data = report_figures(programme=programme, period=QUARTER)
    assert attack_data({**data, "title": "R", "narrative": ""}) == []
