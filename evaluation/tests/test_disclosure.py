"""Issue 14: no hidden cell of a committee report can be solved back from the figures around it.

The attacks of the issue, reproduced on a report's own CSV by the attacker of ``attacker.py`` (its own integer
program, not the checker's), then the labels and the checker itself."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from evaluation import services_reports as services
from evaluation.models import Answer, Question, Survey, SurveyResponse, SurveyRound
from evaluation.tests.attacker import attack
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from mentoring.models import Goal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def report_csv(client, cast, programme) -> str:
    report = services.report_create(programme=programme, by=cast["coordinator"], period=QUARTER)
    services.report_update(report=report, title="Q1 2026 report", narrative="As planned.")
    services.report_submit(report=report, by=cast["coordinator"])
    client.force_login(cast["committee_member"])
    response = client.get(reverse("evaluation:report_csv", args=[report.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def csv_lines(content: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content)))


def scale_round(programme, likert_counts: dict[int, int]) -> None:
    survey = Survey.objects.create(programme=programme, title="Programme feedback")
    scale = Question.objects.create(survey=survey, position=1, text="The programme helps me learn", kind="likert")
    rnd = SurveyRound.objects.create(
        survey=survey, programme=programme, title="March feedback", opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 3, 20), status=SurveyRound.Status.CLOSED,
    )  # fmt: skip
    answers = [v for v, n in likert_counts.items() for _ in range(n)]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(round=rnd, respondent_hash=f"h{i}") for i in range(len(answers))
    )
    Answer.objects.bulk_create(
        Answer(response=r, question=scale, likert=v) for r, v in zip(responses, answers, strict=True)
    )


def goals(pairings, statuses: dict[str, int]) -> None:
    """``statuses[status]`` goals, each in its own pairing (so each describes one mentee), set in the quarter."""
    made, it = [], iter(pairings)
    for status, n in statuses.items():
        for _ in range(n):
            made.append(
                Goal(
                    pairing=next(it),
                    title="A goal",
                    status=status,
                    created_at=datetime.datetime(2026, 1, 20, 9, tzinfo=datetime.UTC),
                )
            )
    Goal.objects.bulk_create(made)


# --- Point 1: the attacks of the issue -------------------------------------------------------------------------


def test_a_survey_mean_does_not_give_the_hidden_answers_away(client, cast):
    # 56 answers, mean 4.32: with "2" and "3" hidden and the rest shown, 2a + 3b = 17 and a + b = 6 give a = 1.
    programme = cast["pairing"].programme
    populate(programme, {"Engineering": 6})
    backdate_memberships(programme)
    scale_round(programme, {2: 1, 3: 5, 4: 25, 5: 25})
    content = report_csv(client, cast, programme)
    assert attack(content) == []
    # One person answered "2": the CSV never says so, nor prints the number.
    question = [r for r in csv_lines(content) if r[2] == "The programme helps me learn"]
    assert question[0][3:5] == ["answers", "56"]
    assert next(r for r in question if r[3] == "2")[4] == "fewer than 5"


def test_two_hidden_goal_counts_beside_a_printed_total_are_not_solved(client, cast):
    # Not started 6, In progress 14, Achieved 1, Dropped 1, total 22: each hidden one is at least 1 and they
    # add up to 2, so both were 1.
    programme = cast["pairing"].programme
    pairings = populate(programme, {"Engineering": 22})
    backdate_memberships(programme)
    goals(pairings, {"not_started": 6, "in_progress": 14, "achieved": 1, "dropped": 1})
    content = report_csv(client, cast, programme)
    assert attack(content) == []
    line = {r[3]: r[4] for r in csv_lines(content) if r[1] == "Goals by status at the period's end"}
    assert line["Achieved"] == line["Dropped"] == "fewer than 5"
