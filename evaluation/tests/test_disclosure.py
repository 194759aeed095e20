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

from evaluation.models import Answer, Question, Survey, SurveyResponse, SurveyRound
from evaluation.services import reports as services
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


# --- Point 4: labels that say why ------------------------------------------------------------------------------


def test_a_cell_hidden_to_protect_another_reads_hidden_with_a_footnote_on_the_page_pdf_and_csv(client, cast):
    programme = cast["pairing"].programme
    pairings = populate(programme, {"Engineering": 22})
    backdate_memberships(programme)
    goals(pairings, {"not_started": 6, "in_progress": 14, "achieved": 1, "dropped": 1})
    content = report_csv(client, cast, programme)
    line = {r[3]: r[4] for r in csv_lines(content) if r[1] == "Goals by status at the period's end"}
    # The small ones read "fewer than 5"; the ones hidden to protect them hold 6 and 14, and say only "hidden".
    assert line["Achieved"] == line["Dropped"] == "fewer than 5"
    protecting = [k for k in ("Not started", "In progress", "Goals") if line[k] == "hidden"]
    assert protecting and "fewer than 5" not in [line[k] for k in protecting]
    notes = csv_lines(content)[-1]
    assert notes[:4] == ["Notes", "", "", "Hidden figures"] and "“hidden”" in notes[4] and "1 to 4" in notes[4]

    report = programme.reports.get()
    page = client.get(reverse("evaluation:report_detail", args=[report.pk])).content.decode()
    assert ">hidden<" in page.replace("\n", "") or "hidden<span" in page
    assert "“hidden”: the figure may be about any number of people" in page
    pdf = pdf_text(client.get(reverse("evaluation:report_pdf", args=[report.pk])))
    assert "hidden" in pdf and "fewer than 5" in pdf and "any number of people" in " ".join(pdf.split())


def pdf_text(response) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- Point 5: the checker --------------------------------------------------------------------------------------


def test_the_checker_finds_the_mean_attack_and_withholds_or_hides_until_it_fails():
    from evaluation.services import disclosure as d

    counts = {"1": 0, "2": 1, "3": 5, "4": 25, "5": 25}
    cells = {k: d.Cell(v, v) for k, v in counts.items()}
    low, high = d.mean_sum_range(56, 4.32)
    relations = [
        d.Relation({k: int(k) for k in counts}, low, high, ("mean", "answers")),
        d.Relation(dict.fromkeys(counts, 1), 56, 56, ("answers",)),
    ]
    # Today's choice ("2" and "3" hidden) is solved: "2" can only be 1.
    old = d.Protected(hidden={"2": d.SMALL, "3": d.PROTECT})
    assert d.feasible_ranges(cells, relations, old)["2"] == (1, 1)
    assert d.failures(cells, relations, old) == ["2", "3"]
    protected = d.protect(cells, relations)
    assert d.failures(cells, relations, protected) == []
    assert protected.hidden["2"] == d.SMALL and set(protected.hidden.values()) <= {d.SMALL, d.PROTECT}


def test_submitting_refuses_figures_that_give_a_hidden_one_away(cast, monkeypatch):
    from django.core.exceptions import ValidationError

    programme = cast["pairing"].programme
    populate(programme, {"Engineering": 6})
    backdate_memberships(programme)
    report = services.report_create(programme=programme, by=cast["coordinator"], period=QUARTER)
    services.report_update(report=report, title="Q1 2026 report", narrative="As planned.")
    real = services.report_snapshot

    def leaky(report):
        # What the old rule of thumb printed: two small goal counts beside the others and the total.
        snapshot = real(report)
        line = next(t for s in snapshot["sections"] for t in s["tables"] if t["key"] == "goals_by_status")
        for cell, value in zip(line["cells"][0], (6, 14, None, None), strict=True):
            cell.update(value=value, why="small" if value is None else None)
        line["row_totals"][0].update(value=22, why=None)
        return snapshot

    monkeypatch.setattr(services, "report_snapshot", leaky)
    with pytest.raises(ValidationError, match="work out a hidden one"):
        services.report_submit(report=report, by=cast["coordinator"])
    report.refresh_from_db()
    assert report.status == report.Status.DRAFT and not report.snapshot
    monkeypatch.setattr(services, "report_snapshot", real)
    assert services.report_submit(report=report, by=cast["coordinator"]).status == report.Status.SUBMITTED


# --- Point 6: a status at the period's end, whenever the report is run --------------------------------------------


def test_goals_count_by_their_status_at_the_periods_end_not_when_the_report_is_run(cast):
    from evaluation.selectors.reporting import report_figures
    from mentoring.services.relationship import GoalInput, goal_create, goal_update

    programme = cast["pairing"].programme
    pairings = populate(programme, {"Engineering": 6}, started_on=datetime.date(2025, 12, 1))
    backdate_memberships(programme)
    made = []
    with time_machine.travel(datetime.datetime(2026, 2, 2, 10, tzinfo=datetime.UTC), tick=False):
        for p in pairings:
            made.append(goal_create(pairing=p, by=p.mentee, data=GoalInput(title="Lead a review", progress=0)))
        for goal in made:
            goal_update(goal=goal, by=goal.pairing.mentee, data=GoalInput(title="Lead a review", status="in_progress",
                                                                          progress=40))  # fmt: skip

    def by_status() -> dict:
        data = report_figures(programme=programme, period=QUARTER)
        line = next(t for s in data["sections"] for t in s["tables"] if t["key"] == "goals_by_status")
        return dict(zip(line["cols"], [c["value"] for c in line["cells"][0]], strict=True))

    before = by_status()
    assert before["In progress"] == 6
    # In April (after the quarter) every goal is achieved: the quarter's figures stay as they were.
    with time_machine.travel(datetime.datetime(2026, 4, 10, 10, tzinfo=datetime.UTC), tick=False):
        for goal in made:
            goal_update(goal=goal, by=goal.pairing.mentee, data=GoalInput(title="Lead a review", status="achieved"))
    assert by_status() == before
    progress = next(
        f for s in report_figures(programme=programme, period=QUARTER)["sections"] for f in s["figures"]
        if f["key"] == "goal_progress"
    )  # fmt: skip
    assert progress["value"] == 40


# --- Point 7: reports of a programme over overlapping periods only when comparing them gives nothing away -------


def test_a_report_over_a_period_overlapping_another_is_refused_with_a_message(client, cast):
    from evaluation.selectors.reporting import Period
    from mentoring.models import MentoringSession

    programme = cast["pairing"].programme
    pairings = populate(programme, {"Engineering": 6}, started_on=datetime.date(2025, 6, 1),
                        session_on=datetime.date(2025, 11, 10))  # fmt: skip
    backdate_memberships(programme)
    # One pair met on 3 December: the only thing 1 June to 3 December says that 1 June to 2 December does not.
    MentoringSession.objects.create(
        pairing=pairings[0],
        logged_by=pairings[0].mentor,
        duration_minutes=60,
        held_on=datetime.date(2025, 12, 3),
        status=MentoringSession.Status.CONFIRMED,
    )
    services.report_create(
        programme=programme,
        by=cast["coordinator"],
        period=Period(datetime.date(2025, 6, 1), datetime.date(2025, 12, 3)),
    )
    client.force_login(cast["coordinator"])
    response = client.post(
        reverse("evaluation:report_create", args=[programme.pk]),
        {"period_kind": "custom", "period_start": "2025-06-01", "period_end": "2025-12-02", "title": ""},
    )
    assert response.status_code == 200
    assert "overlaps this period" in response.content.decode()
    assert programme.reports.count() == 1
    # A period after it is fine.
    after = Period(datetime.date(2025, 12, 4), datetime.date(2026, 3, 31))
    assert services.report_create(programme=programme, by=cast["coordinator"], period=after)


def test_check_in_states_are_those_at_the_periods_end_whatever_is_logged_since(cast):
    from evaluation.selectors.reporting import report_figures
    from mentoring.models import MentoringSession
    from mentoring.services.checkins import checkins_refresh

    programme = cast["pairing"].programme
    pairings = populate(programme, {"Engineering": 6})  # one session each on 10 February
    backdate_memberships(programme)

    def states() -> list:
        data = report_figures(programme=programme, period=QUARTER)
        line = next(t for s in data["sections"] for t in s["tables"] if t["key"] == "checkin_states")
        return [c["value"] for c in line["cells"][0]] + [line["row_totals"][0]["value"]]

    before = states()
    assert before[3] >= 6  # escalated at the quarter's end: nobody met after 10 February
    # In April every pair meets again, and one pairing completes: the quarter's states stay as they were.
    MentoringSession.objects.bulk_create(
        MentoringSession(pairing=p, logged_by=p.mentor, held_on=datetime.date(2026, 4, 8), duration_minutes=60,
                         status=MentoringSession.Status.CONFIRMED)
        for p in pairings
    )  # fmt: skip
    checkins_refresh(pairing_ids=[p.pk for p in pairings])
    type(pairings[0]).objects.filter(pk=pairings[0].pk).update(status="completed", ended_on=datetime.date(2026, 4, 9))
    assert states() == before


# --- Point 3 (its parts that need no new model): what one report shows of the period before is what that period's
# report shows, so that two reports together give nothing away that each withholds -----------------------------------


def test_a_previous_mean_is_shown_only_when_the_previous_periods_report_shows_it():
    from evaluation.selectors.reporting.surveys import _question_result

    def result(cur: dict, prev: dict) -> dict:
        return _question_result(
            {"survey": "S", "question": "Q", "kind": "likert", "options": [], "cur": cur, "prev": prev}
        )

    small_answers = {5: 2, 4: 2, 3: 1, 2: 1, 1: 2}  # 8 answers, all under 5: their mean (3.12) narrows them
    assert result(small_answers, {})["mean"] is None  # the previous period's own report withholds it
    now = result({4: 10, 5: 10}, small_answers)
    assert now["mean"] == 4.5 and now["previous_mean"] is None and now["change"] is None
    assert result({4: 10, 5: 10}, {4: 10, 5: 5})["previous_mean"] == 4.33


def test_the_previous_survey_total_is_hidden_as_the_previous_report_hides_it(cast):
    from evaluation.selectors.reporting import report_figures

    programme = cast["pairing"].programme
    populate(programme, {"Engineering": 6})
    survey = Survey.objects.create(programme=programme, title="Programme feedback")
    for title, closes_on, n in (("Pilot", datetime.date(2025, 11, 20), 2), ("Autumn", datetime.date(2025, 12, 5), 5)):
        rnd = SurveyRound.objects.create(
            survey=survey, programme=programme, title=title, opens_on=closes_on - datetime.timedelta(days=14),
            closes_on=closes_on, status=SurveyRound.Status.CLOSED,
        )  # fmt: skip
        SurveyResponse.objects.bulk_create(SurveyResponse(round=rnd, respondent_hash=f"{title}{i}") for i in range(n))
    q4 = reporting_period(2025, 10, 1, 2025, 12, 31)
    earlier = report_figures(programme=programme, period=q4)["surveys"]["responses"]
    later = report_figures(programme=programme, period=QUARTER)["surveys"]["responses"]
    # The Q4 report hides its total of 7 (with 5 shown beside it, the pilot's 2 could only be 1 or 2): the Q1
    # report does not print it as "previous" either.
    assert earlier["value"] is None and earlier["why"] in ("protect", "withheld")
    assert later["previous"] is None and later["previous_why"] == earlier["why"]


def reporting_period(y1, m1, d1, y2, m2, d2):
    from evaluation.selectors.reporting import Period

    return Period(datetime.date(y1, m1, d1), datetime.date(y2, m2, d2))


def test_a_quarter_and_its_half_year_may_both_exist_only_when_their_difference_hides_nothing(cast):
    from django.core.exceptions import ValidationError

    from evaluation.selectors.reporting import Period
    from programmes.tests.factories import ProgrammeFactory

    half_year = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    # Ten pairs in one department: the days between the quarter and the half-year describe nobody too few to show.
    roomy = ProgrammeFactory()
    populate(roomy, {"Engineering": 10})
    services.report_create(programme=roomy, by=cast["coordinator"], period=QUARTER)
    assert services.report_create(programme=roomy, by=cast["coordinator"], period=half_year)
    # Beside three pairs in Finance, the difference would describe them: refused.
    small = ProgrammeFactory()
    populate(small, {"Engineering": 10, "Finance": 3})
    services.report_create(programme=small, by=cast["coordinator"], period=QUARTER)
    with pytest.raises(ValidationError, match="overlaps this period"):
        services.report_create(programme=small, by=cast["coordinator"], period=half_year)
