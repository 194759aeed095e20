"""The PDF and the CSV of a committee report obey the page's rules: the same figures, "fewer than 5" where the
page hides one, no person's name, and nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from pypdf import PdfReader

from evaluation.models import Survey, SurveyRound
from evaluation.selectors.reporting import report_figures
from evaluation.services import reports as services
from evaluation.tests.factories import (
    AnswerFactory,
    BuiltinSurveyFactory,
    QuestionFactory,
    ReportFactory,
    SurveyResponseFactory,
    SurveyRoundFactory,
)
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, department, populate
from programmes.models import OrgUnit, Person

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Narrative",
    "Enrolment and training",
    "Pairings and sessions",
    "Protected time",
    "Goals",
    "Interventions",
    "By department",
    "Survey results",
    "Decisions and recommendations",
    "Sign-offs",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def pdf_text(response) -> str:
    assert isinstance(response, FileResponse)
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(page.extract_text() for page in reader.pages)


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse) and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def submitted(cast):
    programme = cast["pairing"].programme
    populate(programme, {"Finance": 3, "Engineering": 8, "Operations": 6})
    backdate_memberships(programme)
    report = services.report_create(programme=programme, by=cast["coordinator"], period=QUARTER)
    services.report_update(report=report, title="Q1 2026 report", narrative="Uptake grew in Engineering.")
    return services.report_submit(report=report, by=cast["coordinator"])


def test_the_pdf_has_every_heading_the_figures_and_no_persons_name(client, cast, submitted):
    services.report_sign_off(report=submitted, by=cast["committee_member"])
    client.force_login(cast["committee_member"])
    response = client.get(reverse("evaluation:report_pdf", args=[submitted.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="report-growing-together-2026-01-01.pdf"')
    text = pdf_text(response)
    for heading in HEADINGS:
        assert heading in text
    assert "Q1 2026 report" in text and "Uptake grew in Engineering." in text
    assert "Signed off by 1 committee member" in text
    assert "1 Jan 2026 to 31 Mar 2026" in text
    for person in Person.objects.all():  # participants, coordinator and committee alike
        assert person.display_name not in text and person.email not in text


def _finance_chunk(text: str) -> str:
    """The PDF's department table from the Finance row to the next department."""
    start = text.index("Finance", text.index("By department"))
    return text[start : text.index("Mentor pool", start)]


def test_a_suppressed_cell_is_in_words_in_the_pdf_and_the_csv_never_its_number(client, cast, submitted):
    client.force_login(cast["coordinator"])
    chunk = _finance_chunk(pdf_text(client.get(reverse("evaluation:report_pdf", args=[submitted.pk]))))
    assert "fewer than 5" in chunk
    assert not re.search(r"\d", chunk.replace("fewer than 5", "")), chunk
    rows = csv_rows(client.get(reverse("evaluation:report_csv", args=[submitted.pk])))
    finance = [r for r in rows if r[0] == "By department" and r[2] == "Finance"]
    assert [r[3] for r in finance] == ["Participants", "Active pairings", "Sessions held", "Confirmed hours"]
    assert all(r[4] == "fewer than 5" and r[6] == "" for r in finance)
    engineering = {r[3]: r[4] for r in rows if r[0] == "By department" and r[2] == "Engineering"}
    assert engineering == {
        "Participants": "9",
        "Active pairings": "8",
        "Sessions held": "8",
        "Confirmed hours": "8.0",
    }
    totals = {r[3]: r[4] for r in rows if r[0] == "By department" and r[2] == "Total"}
    assert totals["Participants"] == "36"


def test_the_csv_lists_every_figure_with_previous_and_change(client, cast, submitted):
    client.force_login(cast["committee_member"])
    rows = csv_rows(client.get(reverse("evaluation:report_csv", args=[submitted.pk])))
    assert rows[0] == ["section", "table", "row", "metric", "value", "previous", "change", "unit"]
    by_metric = {r[3]: r for r in rows if r[1] == ""}
    assert by_metric["Active pairings"][4:7] == ["18", "17", "1"]
    months = [r for r in rows if r[1] == "Sessions held by month"]
    assert [(r[3], r[4], r[5]) for r in months] == [
        ("Jan 2026", "0", ""),
        ("Feb 2026", "17", ""),
        ("Mar 2026", "0", ""),
        ("Sessions held", "17", ""),  # other months than the previous period's: no comparison
    ]
    assert by_metric["Confirmed hours"][4:] == ["17.0", "fewer than 5", "", "h"]


def test_csv_cells_typed_by_people_cannot_run_as_formulas(client, cast):
    programme = cast["pairing"].programme
    OrgUnit.objects.filter(pk=department("Engineering").pk).update(name='=HYPERLINK("http://x")')
    populate(programme, {'=HYPERLINK("http://x")': 6})
    report = services.report_create(programme=programme, by=cast["coordinator"], period=QUARTER)
    client.force_login(cast["coordinator"])
    rows = csv_rows(client.get(reverse("evaluation:report_csv", args=[report.pk])))  # a draft's live figures
    departments = {r[2] for r in rows if r[0] == "By department"}
    assert '\'=HYPERLINK("http://x")' in departments
    assert not any(cell.startswith("=") for row in rows for cell in row)


def _survey_round(programme, *, title: str, closes_on: datetime.date, answers: list[tuple[int, str, bool]]):
    survey, made = Survey.objects.get_or_create(programme=programme, title="Programme feedback")
    if made:
        QuestionFactory(survey=survey, position=1, text="The programme helps me learn", kind="likert")
        QuestionFactory(survey=survey, position=2, text="What would you change?", kind="text")
    scale, words = survey.questions.order_by("position")
    rnd = SurveyRoundFactory(
        survey=survey, programme=programme, title=title, opens_on=closes_on - datetime.timedelta(days=14),
        closes_on=closes_on, status=SurveyRound.Status.CLOSED,
    )  # fmt: skip
    team = OrgUnit.objects.get(name="Engineering team")
    for likert, text, may_quote in answers:
        response = SurveyResponseFactory(round=rnd, team=team, may_quote=may_quote)
        AnswerFactory(response=response, question=scale, likert=likert)
        AnswerFactory(response=response, question=words, text=text)
    return rnd


def test_survey_results_are_aggregated_and_quote_only_those_who_agreed(client, cast):
    programme = cast["pairing"].programme
    populate(programme, {"Engineering": 6})
    _survey_round(
        programme,
        title="March feedback",
        closes_on=datetime.date(2026, 3, 20),
        answers=[(5, "More sessions", True), (4, "Nothing", True), (4, "Ask my manager Bob", False),
                 (3, "", True), (2, "Shorter forms", False), (5, "Keep going", True)],
    )  # fmt: skip
    _survey_round(
        programme,
        title="Small pilot",
        closes_on=datetime.date(2026, 2, 20),
        answers=[(1, "Too few to quote", True), (1, "", True)],
    )
    data = report_figures(programme=programme, period=QUARTER)
    surveys = data["surveys"]
    assert surveys["responses"]["value"] == 8
    # The pilot's 2 are hidden, and March's 6 with them: else the pilot's would be 8 minus 6.
    rounds = [(r["title"], r["responses"], r["why"]) for r in surveys["rounds"]]
    assert rounds == [("Small pilot", None, "small"), ("March feedback", None, "protect")]
    (scale,) = [q for q in surveys["questions"] if q["question"] == "The programme helps me learn"]
    # Each answer's count is a group of people: all of these are under 5, so none is shown; and the mean (3.12)
    # would narrow them down (8 answers of at least 1 each summing to 25), so it is withheld.
    assert scale["answers"] == 8 and scale["mean"] is None and scale["mean_withheld"]
    assert [d["value"] for d in scale["distribution"]] == [None, None, None, None, None]
    quotes = [q["text"] for q in surveys["quotes"]]
    assert quotes == ["Keep going", "More sessions", "Nothing"]  # agreed, and from a round of 5 or more
    report = services.report_create(programme=programme, by=cast["coordinator"], period=QUARTER)
    client.force_login(cast["coordinator"])
    text = pdf_text(client.get(reverse("evaluation:report_pdf", args=[report.pk])))
    assert "Keep going" in text and "Bob" not in text and "Shorter forms" not in text and "Too few" not in text


def test_a_draft_exports_its_live_figures_to_its_coordinators_only(client, cast):
    report = ReportFactory(
        programme=cast["pairing"].programme, title="Draft", period_start=QUARTER.start, period_end=QUARTER.end
    )
    client.force_login(cast["coordinator"])
    assert "Status: Draft" in pdf_text(client.get(reverse("evaluation:report_pdf", args=[report.pk])))
    client.force_login(cast["committee_member"])
    assert client.get(reverse("evaluation:report_pdf", args=[report.pk])).status_code == 404
    assert client.get(reverse("evaluation:report_csv", args=[report.pk])).status_code == 404


def test_an_answer_given_by_fewer_than_five_is_hidden_with_its_give_away_neighbour():
    from evaluation.selectors.reporting.surveys import _question_result

    result = _question_result(
        {"survey": "S", "question": "Q", "kind": "likert", "options": [], "cur": {1: 1, 5: 9, 4: 6}, "prev": {}}
    )
    values = {d["label"]: d["value"] for d in result["distribution"]}
    assert values["1"] is None  # one person answered 1: hidden
    assert result["answers"] == 16
    hidden = [label for label, v in values.items() if v is None]
    assert len(hidden) >= 2  # never exactly one hidden: answers minus the shown counts would give it away


def test_health_checks_count_on_the_day_they_were_answered_though_their_round_never_closes(cast):
    programme = cast["pairing"].programme
    populate(programme, {"Engineering": 6})
    survey = BuiltinSurveyFactory(kind=Survey.Kind.HEALTH)  # "Relationship health check"
    scale = QuestionFactory(survey=survey, position=1, text="We meet as agreed", kind="likert")
    standing = SurveyRoundFactory(
        survey=survey, programme=programme, title="Relationship health check", opens_on=datetime.date(2025, 6, 1),
        closes_on=datetime.date(2035, 6, 1), status=SurveyRound.Status.OPEN,
    )  # fmt: skip
    days = [datetime.date(2026, 2, d) for d in (2, 5, 9, 12, 20, 26)] + [datetime.date(2026, 4, 2)]  # last: after
    for day in days:
        response = SurveyResponseFactory(round=standing, submitted_on=day)
        AnswerFactory(response=response, question=scale, likert=4)
    surveys = report_figures(programme=programme, period=QUARTER)["surveys"]
    assert surveys["responses"]["value"] == 6  # the six answered in Q1; the April one belongs to Q2
    (health,) = [q for q in surveys["questions"] if q["question"] == "We meet as agreed"]
    assert health["answers"] == 6 and health["mean"] == 4.0
    assert [r["title"] for r in surveys["rounds"]] == ["Relationship health check"]


def test_the_pdf_and_the_csv_are_in_the_language_of_whoever_downloads_them(client, cast, submitted):
    # The snapshot was frozen once (in English); a German committee member downloads it in German, a Spanish one
    # in Spanish: headers, the table words and the hidden figures' words, dates in their format.
    member = cast["committee_member"]
    member.language = "de"
    member.save()
    client.force_login(member)
    text = pdf_text(client.get(reverse("evaluation:report_pdf", args=[submitted.pk])))
    for heading in ("Nach Abteilung", "Umfrageergebnisse", "Entscheidungen und Empfehlungen", "Freigaben"):
        assert heading in text
    assert "Programm: " in text and "Zeitraum: " in text
    assert "Abgehaltene Sitzungen" in text and "weniger als 5" in text
    assert "1. Jan 2026 bis 31. Mär 2026" in text  # the German short date
    assert "By department" not in text and "fewer than 5" not in text
    header = csv_rows(client.get(reverse("evaluation:report_csv", args=[submitted.pk])))[0]
    assert header == ["Abschnitt", "Tabelle", "Zeile", "Kennzahl", "Wert", "vorher", "Änderung", "Einheit"]
    member.language = "es"
    member.save()
    client.force_login(member)
    text = pdf_text(client.get(reverse("evaluation:report_pdf", args=[submitted.pk])))
    assert "Por departamento" in text and "menos de 5" in text
