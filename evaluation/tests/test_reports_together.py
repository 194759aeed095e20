"""Every report of a programme read together (issue 14, points 3, 5, 6 and 8): the committee holds them all, so the
checker and the attacker read them together: the same table over the same period, a period inside another, the
previous period's column beside that period's own report."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.selectors.privacy import TOTAL
from evaluation.selectors.reporting import Period, report_figures
from evaluation.selectors.reporting.helpers import _figure, _line, _table
from evaluation.selectors.reporting.teams import TEAM_COLS
from evaluation.services import reports as services
from evaluation.services.disclosure import PER_PERSON
from evaluation.services.disclosure_joint import joint_protect, reports_audit
from evaluation.services.exports import csv_rows
from evaluation.tests.attacker import Published, attack_rows, attack_together
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from evaluation.tests.test_attacker import report_data

KINDS = ["Check-in call", "Coaching", "Escalation", "Other"]
Q4 = Period(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))


def csv_text(data: dict) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(data))
    return out.getvalue()


def tables(data: dict) -> list[dict]:
    return [t for s in data["sections"] for t in s["tables"]] + [data["team"]]


def span(period: Period) -> tuple:
    return (period.start.isoformat(), period.end.isoformat())


def published(data: dict) -> Published:
    return Published(
        csv_text(data),
        (data["period"]["start"], data["period"]["end"]),
        (data["previous"]["start"], data["previous"]["end"]),
    )


def interventions(counts: list[int], people: list[int], before: tuple[list[int], list[int]] | None = None) -> dict:
    """The interventions line as a report prints it: ``counts`` in the period (about ``people``), and the previous
    period's."""
    prev_counts, prev_people = before or (counts, people)
    line = {"cur": dict(zip(KINDS, counts, strict=True)), "prev": dict(zip(KINDS, prev_counts, strict=True))}
    who = {
        "cur": dict(zip(KINDS, people, strict=True)) | {TOTAL: sum(people)},
        "prev": dict(zip(KINDS, prev_people, strict=True)) | {TOTAL: sum(prev_people)},
    }
    return _line(
        "interventions", "Interventions recorded, by kind", "Interventions", KINDS, line, who,
        row_total_label="Interventions", kinds=PER_PERSON,
    )  # fmt: skip


def snapshot(period: Period, table: dict) -> dict:
    return {
        **report_data(tables=[table]),
        "period": period.as_json(),
        "previous": period.previous.as_json(),
        "title": "R",
        "narrative": "",
    }


# --- Point 5: the checker reads every report of the programme together -------------------------------------------


def test_a_report_whose_previous_period_lies_inside_an_earlier_report_is_hidden_further_until_nothing_is_solved():
    # The Q1 report: "Check-in call" 2 (about 2 people: fewer than 5), "Coaching" 6 (6 people) hidden to protect it
    # (A + B = 8, so A is 1 to 3), "Other" 7 (8 people) shown.
    q1 = snapshot(QUARTER, interventions([2, 6, 10, 7], [2, 6, 10, 8]))
    assert [c["value"] for c in q1["sections"][0]["tables"][0]["cells"][0]] == [None, None, 10, 7]
    # A report for 1 April to 15 May compares with 15 February to 31 March, inside Q1: the same 2, 6 and 7 (the 7
    # about 5 people), so that column hides "Other" instead and prints "Coaching" 6. Read together: Coaching in Q1
    # is at least 6, so 6 or 7, so Check-in calls in Q1 were 1 or 2.
    later = Period(datetime.date(2026, 4, 1), datetime.date(2026, 5, 15))
    assert later.previous == Period(datetime.date(2026, 2, 15), datetime.date(2026, 3, 31))
    current = snapshot(later, interventions([10, 10, 10, 10], [10, 10, 10, 10], ([2, 6, 8, 7], [2, 6, 8, 5])))
    before = current["sections"][0]["tables"][0]["cells"][0]
    assert [c["previous"] for c in before] == [None, 6, 8, None]
    assert attack_together([published(q1), published(current)])  # the attacker wins on the old figures
    assert reports_audit(current, [q1])

    joint_protect(current, [q1])

    # Coaching is hidden there now (and with it "Escalation" 8: else "Other" would be pinned at 7 in its turn).
    assert before[1]["previous"] is None and before[1]["previous_why"] == "protect"
    assert [c["value"] for c in before] == [10, 10, 10, 10]  # the report's own period is untouched
    assert reports_audit(current, [q1]) == []
    assert attack_together([published(q1), published(current)]) == []
    assert attack_rows(list(csv_rows(current))) == []  # and on its own


def test_a_table_total_printed_again_as_a_headline_figure_is_hidden_with_it():
    team = _table(
        "team", "Participants, pairings, sessions and hours by department", ["Engineering"], TEAM_COLS,
        ({("Engineering", c): 9 for c in TEAM_COLS}, {("Engineering", c): 9 for c in TEAM_COLS}),
        ({("Engineering", c): 9 for c in TEAM_COLS}, {("Engineering", c): 9 for c in TEAM_COLS}),
        row_totals=False,
    )  # fmt: skip
    data = snapshot(QUARTER, interventions([5, 5, 5, 5], [5, 5, 5, 5])) | {"team": team}
    data["sections"][0]["figures"] = [_figure("sessions", "Sessions held", 9, 9)]
    team["col_totals"][TEAM_COLS.index("Sessions held")].update(value=None, why="protect")
    joint_protect(data, [])
    figure = data["sections"][0]["figures"][0]
    assert figure["value"] is None and figure["why"] == "protect" and figure["previous"] == 9


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inner=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 6)), min_size=4, max_size=4),
    added=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), min_size=4, max_size=4),
)
def test_random_nested_periods_read_together_give_nothing_away(inner, added):
    """A quarter's report and a later report whose previous period lies inside the quarter (the same things, and
    perhaps more of them in the quarter's other days): the later one is hidden further until the two read
    together give nothing away."""
    counts = [c if p else 0 for c, p in inner]
    people = [min(p, c) for c, p in inner]
    outer_counts = [c + a for c, (a, _) in zip(counts, added, strict=True)]
    outer_people = [min(p + q, n) for p, (_, q), n in zip(people, added, outer_counts, strict=True)]
    q1 = snapshot(QUARTER, interventions(outer_counts, outer_people))
    later = Period(datetime.date(2026, 4, 1), datetime.date(2026, 5, 15))
    current = snapshot(later, interventions([10, 10, 10, 10], [10, 10, 10, 10], (counts, people)))
    joint_protect(current, [q1])
    assert reports_audit(current, [q1]) == []
    assert attack_together([published(q1), published(current)]) == []


# --- Point 6: the previous period's column is that period's report, as frozen ----------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def submit(programme, cast, period) -> object:
    report = services.report_create(programme=programme, by=cast["coordinator"], period=period)
    services.report_update(report=report, title=f"Report {period.label}", narrative="As planned.")
    return services.report_submit(report=report, by=cast["coordinator"])


def downloaded(client, cast, report) -> Published:
    """The report's CSV as its committee downloads it."""
    if report.programme_id == cast["pairing"].programme_id:
        client.force_login(cast["committee_member"])
        response = client.get(reverse("evaluation:report_csv", args=[report.pk]))
        assert response.status_code == 200
        content = b"".join(response.streaming_content).decode()
    else:
        content = csv_text(report.snapshot)
    period = services.report_period(report)
    return Published(content, span(period), span(period.previous))


def by_metric(table: dict, column: str) -> dict:
    found = {
        (r, c): table["cells"][i][j][column] for i, r in enumerate(table["rows"]) for j, c in enumerate(table["cols"])
    }
    found |= {("Total", c): cell[column] for c, cell in zip(table["cols"], table["col_totals"] or [], strict=False)}
    return found


@pytest.mark.django_db
def test_the_previous_column_is_the_previous_periods_report_as_frozen_not_a_recount(client, cast, frozen):
    from mentoring.models import Goal, MentoringSession

    programme = cast["pairing"].programme
    pairings = populate(programme, {"Engineering": 6, "Finance": 7}, started_on=datetime.date(2025, 9, 1),
                        session_on=datetime.date(2025, 11, 10))  # fmt: skip
    backdate_memberships(programme)
    set_on = datetime.datetime(2025, 11, 1, tzinfo=datetime.UTC)
    Goal.objects.bulk_create(Goal(pairing=p, title="A goal", status="in_progress", created_at=set_on) for p in pairings)
    q4 = submit(programme, cast, Q4)
    # After the Q4 report was submitted, sessions of December are logged late and a goal is dropped in January.
    MentoringSession.objects.bulk_create(
        MentoringSession(pairing=p, logged_by=p.mentor, held_on=datetime.date(2025, 12, 5), duration_minutes=60,
                         status=MentoringSession.Status.CONFIRMED)
        for p in pairings[:9]
    )  # fmt: skip
    with time_machine.travel(datetime.datetime(2026, 1, 12, 9, tzinfo=datetime.UTC), tick=False):
        goal = Goal.objects.filter(pairing=pairings[0]).get()
        from mentoring.services.relationship import GoalInput, goal_update

        goal_update(goal=goal, by=goal.pairing.mentee, data=GoalInput(title="A goal", status="dropped"))
    q1 = submit(programme, cast, QUARTER)
    frozen_q4 = {t["key"]: t for t in tables(q4.snapshot)}
    for table in tables(q1.snapshot):
        if table.get("compared", True):
            assert by_metric(table, "previous") == by_metric(frozen_q4[table["key"]], "value"), table["title"]
    sessions = next(f for s in q1.snapshot["sections"] for f in s["figures"] if f["key"] == "sessions")
    assert sessions["previous"] == 13  # as the Q4 report says, not the 22 a recount finds now
    # Read together, the two reports give nothing away.
    assert attack_together([downloaded(client, cast, q4), downloaded(client, cast, q1)]) == []


@pytest.mark.django_db
def test_one_june_to_three_december_beside_one_june_to_two_december_give_nothing_away(client, cast, frozen):
    from mentoring.models import MentoringSession
    from programmes.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()  # ten pairs and nobody else
    pairings = populate(programme, {"Engineering": 10}, started_on=datetime.date(2025, 6, 1),
                        session_on=datetime.date(2025, 11, 10))  # fmt: skip
    backdate_memberships(programme)
    # Every Engineering pair met on 3 December: the days between the two reports describe ten pairs.
    MentoringSession.objects.bulk_create(
        MentoringSession(pairing=p, logged_by=p.mentor, held_on=datetime.date(2025, 12, 3), duration_minutes=60,
                         status=MentoringSession.Status.CONFIRMED)
        for p in pairings[:10]
    )  # fmt: skip
    longer = Period(datetime.date(2025, 6, 1), datetime.date(2025, 12, 3))
    shorter = Period(datetime.date(2025, 6, 1), datetime.date(2025, 12, 2))
    first = submit(programme, cast, longer)
    second = submit(programme, cast, shorter)  # the overlap rule allows it: the difference hides nothing
    assert attack_together([downloaded(client, cast, first), downloaded(client, cast, second)]) == []


HALF_YEAR = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))


def with_period(data: dict, period: Period) -> dict:
    return {**data, "period": period.as_json(), "previous": period.previous.as_json(), "title": "R", "narrative": ""}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    inner=st.lists(st.integers(0, 9), min_size=5, max_size=5).filter(any),
    added=st.lists(st.sampled_from([0, 0, 5, 6, 8]), min_size=5, max_size=5),
    quarter_first=st.booleans(),
)
def test_random_survey_answers_of_a_quarter_and_its_half_year_read_together_give_nothing_away(
    inner, added, quarter_first
):
    """The same question answered in rounds of the quarter, and in more rounds of the half-year around it (none or
    at least 5 more answers of each kind: else the overlap rule refuses the half-year): whichever report is
    submitted second is hidden further until the two read together give nothing away."""
    from evaluation.tests.test_attacker import question

    outer = [a + b for a, b in zip(inner, added, strict=True)]
    quarter = with_period(report_data(questions=[question(dict(zip(range(1, 6), inner, strict=True)))]), QUARTER)
    half = with_period(report_data(questions=[question(dict(zip(range(1, 6), outer, strict=True)))]), HALF_YEAR)
    first, second = (quarter, half) if quarter_first else (half, quarter)
    joint_protect(second, [first])
    assert reports_audit(second, [first]) == []
    assert attack_together([published(first), published(second)]) == []


@pytest.mark.django_db
def test_submitting_a_report_whose_previous_period_lies_inside_a_submitted_one_hides_more_until_nothing_is_solved(
    client, cast, frozen
):
    """Through the database: the Q1 report, then a report for 1 April to 15 May, which compares with 15 February to
    31 March (inside Q1). Each alone hides enough; read together, as submitted before, Q1's hidden calls came back
    to 1 or 2."""
    from evaluation.models import Intervention
    from programmes.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    mentees = iter(p.mentee for p in populate(programme, {"Engineering": 30}))
    plan = [  # kind, interventions on 1 March (a day of both periods), people; on 20 January (Q1 only), people
        (Intervention.Kind.CALL, 2, 2, 0, 0),
        (Intervention.Kind.MEDIATION, 6, 5, 0, 0),
        (Intervention.Kind.EXTRA_TRAINING, 8, 8, 2, 2),
        (Intervention.Kind.OTHER, 5, 5, 1, 1),
    ]
    made = []
    for kind, late, late_people, early, early_people in plan:
        for n, people, day in ((late, late_people, 1), (early, early_people, 0)):
            who = [next(mentees) for _ in range(people)]
            when = (
                datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
                if day
                else datetime.datetime(2026, 1, 20, 9, tzinfo=datetime.UTC)
            )
            made += [
                Intervention(programme=programme, person=who[i % people], kind=kind, created_at=when) for i in range(n)
            ]
    Intervention.objects.bulk_create(made)
    q1 = submit(programme, cast, QUARTER)
    later = Period(datetime.date(2026, 4, 1), datetime.date(2026, 5, 15))
    with time_machine.travel(datetime.datetime(2026, 5, 20, 9, tzinfo=datetime.UTC), tick=False):
        second = submit(programme, cast, later)
    line = next(t for t in tables(second.snapshot) if t["key"] == "interventions")
    recount = next(t for t in tables(report_figures(programme=programme, period=later))
                   if t["key"] == "interventions")  # fmt: skip
    hidden = [c["previous"] is None for c in line["cells"][0]]
    assert hidden != [c["previous"] is None for c in recount["cells"][0]]  # hidden further than on its own
    assert attack_together([downloaded(client, cast, q1), downloaded(client, cast, second)]) == []
