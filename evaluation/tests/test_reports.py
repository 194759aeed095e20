"""Committee members see aggregates only, and never a figure about fewer than five people."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluation.privacy import figure, figure_table
from mentoring.tests.factories import PairingFactory
from programmes.models import Role
from programmes.tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    OrgUnitFactory,
    PersonFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def test_a_group_under_five_is_suppressed():
    assert str(figure("Mentors", 4)) == "fewer than 5"
    assert figure("Mentors", 4).value is None  # the real number is gone, not just hidden by the template
    assert str(figure("Mentors", 5)) == "5"


def test_one_hidden_part_of_a_shown_total_takes_the_next_smallest_with_it():
    figures = figure_table({"Finance": 2, "Engineering": 9, "Operations": 6})
    assert [str(f) for f in figures] == ["fewer than 5", "9", "fewer than 5"]
    assert [str(f) for f in figure_table({"A": 7, "B": 8})] == ["7", "8"]
    assert [str(f) for f in figure_table({"A": 1, "B": 2, "C": 8})] == ["fewer than 5", "fewer than 5", "8"]


def add_participants(programme, department_name: str, n: int, role=Role.MENTEE) -> list:
    team = OrgUnitFactory(parent=DepartmentFactory(name=department_name))
    people = []
    for _ in range(n):
        person = PersonFactory(org_unit=team)
        MembershipFactory(programme=programme, person=person, role=role)
        people.append(person)
    return people


def test_programme_report_shows_departments_of_five_or_more_and_hides_the_rest(client, cast):
    programme = cast["pairing"].programme
    add_participants(programme, "Finance", 6)
    add_participants(programme, "Legal", 2)
    client.force_login(cast["committee_member"])
    response = client.get(reverse("evaluation:programme_report", args=[programme.pk]))
    rows = {f.label: str(f) for f in response.context["by_department"]}
    assert rows["Finance"] == "6"
    assert rows["Legal"] == "fewer than 5"
    content = response.content.decode()
    assert "Mina Mentee" not in content and "mentee@example.org" not in content  # never a person


def test_report_list_headline_figures_are_suppressed_under_five(client, cast):
    programme = cast["pairing"].programme
    add_participants(programme, "Finance", 5, role=Role.MENTOR)
    client.force_login(cast["committee_member"])
    response = client.get(reverse("evaluation:reports"))
    ((listed, figures),) = response.context["rows"]
    assert listed == programme
    assert {f.label: str(f) for f in figures} == {
        "Mentors": "6",
        "Mentees": "fewer than 5",
        "Current pairings": "fewer than 5",
    }
    assert b"fewer than 5" in response.content


def test_a_coordinator_who_is_not_on_the_committee_is_refused_the_report(client, cast):
    client.force_login(cast["coordinator"])
    url = reverse("evaluation:programme_report", args=[cast["pairing"].programme_id])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("extra", [3, 40])
def test_report_list_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        programme = ProgrammeFactory()
        MembershipFactory(programme=programme, person=cast["committee_member"], role=Role.COMMITTEE)
        PairingFactory(programme=programme)
    client.force_login(cast["committee_member"])
    # session, user, areas, one grouped query for every programme's figures
    with django_assert_num_queries(4):
        assert client.get(reverse("evaluation:reports")).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_programme_report_query_budget(client, cast, django_assert_num_queries, extra):
    programme = cast["pairing"].programme
    add_participants(programme, "Finance", extra)
    client.force_login(cast["committee_member"])
    # session, user, the programme, my roles, headline figures, participants by department, areas
    with django_assert_num_queries(7):
        assert client.get(reverse("evaluation:programme_report", args=[programme.pk])).status_code == 200
