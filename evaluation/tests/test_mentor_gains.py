"""The committee report's "What mentors gained": group figures only, suppressed under 5 and not solvable."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from evaluation.selectors.reporting import Period, report_figures
from evaluation.services import reports as services
from evaluation.tests.attacker import attack
from mentoring.models import Goal, Pairing
from mentoring.tests.factories import GoalFactory, MentoringSessionFactory, PairingFactory
from programmes.models import Role
from programmes.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

QUARTER = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
SET_ON = datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC)


def mentors_with_goals(programme, ratings: list[tuple[int, int | None]]) -> list[Pairing]:
    """One mentor per (start, close) rating, each in a pairing completed in the quarter with one own goal."""
    made = []
    for i, (start, close) in enumerate(ratings):
        mentor = PersonFactory(display_name=f"Mentor {i}")
        MembershipFactory(programme=programme, person=mentor, role=Role.MENTOR)
        pairing = PairingFactory(
            programme=programme,
            mentor=mentor,
            status=Pairing.Status.COMPLETED,
            started_on=datetime.date(2026, 1, 5),
            ended_on=datetime.date(2026, 3, 20),
        )
        MentoringSessionFactory(pairing=pairing, held_on=datetime.date(2026, 2, 2))
        GoalFactory(pairing=pairing, owner=Goal.Owner.MENTOR, rating_start=start, rating_end=close, created_at=SET_ON)
        made.append(pairing)
    return made


def section(data: dict) -> dict:
    return next(s for s in data["sections"] if s["key"] == "mentors")


def figures(data: dict) -> dict:
    return {f["key"]: f["value"] for f in section(data)["figures"]}


def test_four_mentors_show_nothing_of_their_gains(programme):
    mentors_with_goals(programme, [(2, 4), (3, 4), (2, 2), (3, 2)])
    data = report_figures(programme=programme, period=QUARTER)
    shown = figures(data)
    assert shown["mentor_goal_mentors"] is None
    assert shown["mentor_rating_start"] is None and shown["mentor_rating_end"] is None
    table = section(data)["tables"][0]
    assert all(c["value"] is None and c["why"] == "withheld" for c in table["cells"][0] + table["row_totals"])


def test_six_mentors_show_the_means_and_a_small_part_is_hidden_with_another(programme):
    mentors_with_goals(programme, [(2, 4), (3, 4), (2, 3), (3, 5), (2, 4), (3, 3)])
    data = report_figures(programme=programme, period=QUARTER)
    shown = figures(data)
    assert shown["mentor_goal_mentors"] == 6
    assert (shown["mentor_rating_start"], shown["mentor_rating_end"]) == (2.5, 3.8)
    cells = [c["value"] for c in section(data)["tables"][0]["cells"][0]]
    # 5 rated higher, 1 the same, 0 lower: the "same" 1 is hidden, and the 5 beside it too (the total gives it back).
    assert cells[1] is None and None in (cells[0], section(data)["tables"][0]["row_totals"][0]["value"])


def test_all_alike_means_are_hidden(programme):
    mentors_with_goals(programme, [(1, 5)] * 5)
    shown = figures(report_figures(programme=programme, period=QUARTER))
    assert shown["mentor_goal_mentors"] == 5
    assert shown["mentor_rating_start"] is None and shown["mentor_rating_end"] is None  # every mentor rated 1, then 5


def test_mentors_goals_do_not_count_as_the_mentees_goals(programme):
    mentors_with_goals(programme, [(2, 4)] * 6)
    data = report_figures(programme=programme, period=QUARTER)
    goals = next(s for s in data["sections"] if s["key"] == "goals")
    assert {f["key"]: f["value"] for f in goals["figures"]}["goals_set"] == 0


def test_the_attacker_solves_nothing_back_from_the_downloaded_csv(client, cast):
    programme = cast["pairing"].programme
    mentors_with_goals(programme, [(2, 4), (3, 4), (2, 3), (3, 5), (2, 4), (3, 3), (2, 1)])
    report = services.report_create(programme=programme, by=cast["coordinator"], period=QUARTER)
    report = services.report_update(report=report, title=report.title, narrative="Mentors learnt too.")
    services.report_submit(report=report, by=cast["coordinator"])
    client.force_login(cast["committee_member"])
    content = b"".join(client.get(reverse("evaluation:report_csv", args=[report.pk])).streaming_content).decode()
    assert "What mentors gained" in content and "Mean self-rating at the start" in content
    assert attack(content) == []
    pdf = client.get(reverse("evaluation:report_pdf", args=[report.pk]))
    assert pdf.status_code == 200


def test_one_mentor_more_in_the_next_quarter_does_not_give_their_rating_away(programme):
    """The mean at the start reads goals set in the period: the next quarter's one new mentor is not the difference
    between two means over nearly the same mentors."""
    mentors_with_goals(programme, [(2, None), (3, None), (2, None), (3, None), (2, None), (3, None)])
    late = mentors_with_goals(programme, [(5, None)])[0]
    Goal.objects.filter(pairing=late).update(created_at=datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC))
    Pairing.objects.filter(status=Pairing.Status.COMPLETED).update(status=Pairing.Status.ACTIVE, ended_on=None)
    data = report_figures(programme=programme, period=Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)))
    start = next(f for f in section(data)["figures"] if f["key"] == "mentor_rating_start")
    assert start["previous"] == 2.5 and start["value"] is None and start["why"] == "small"
    assert figures(data)["mentor_goal_mentors"] == 7
