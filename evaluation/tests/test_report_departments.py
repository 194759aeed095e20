"""The committee report's breakdown by department takes each team's department from the tree (issue 13, point
12): the nearest unit of kind department above the team, however deep, not the team's immediate parent."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from config.tests.admin_forms import admin_submit
from evaluation.selectors.reporting import report_figures
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from programmes.models import OrgUnit, Person
from programmes.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def participants(data: dict, row: str) -> int | None:
    team = data["team"]
    return team["cells"][team["rows"].index(row)][team["cols"].index("Participants")]["value"]


def test_mentees_in_a_sub_team_count_in_their_department_in_a_three_and_a_four_level_tree(cast):
    programme = cast["pairing"].programme
    populate(programme, {"Finance": 6})
    backdate_memberships(programme)
    finance = OrgUnit.objects.get(name="Finance", parent=None)
    tax = OrgUnit.objects.get(name="Finance team", parent=finance)
    # The cast's mentor and mentee join Finance too: no department is left under 5, so no figure is hidden and
    # the test reads what it is about (which department a deep team counts in), not the disclosure checker.
    Person.objects.filter(pk__in=[cast["mentor"].pk, cast["mentee"].pk]).update(org_unit=tax)
    vat = OrgUnitFactory(name="VAT", parent=tax)  # Finance > Finance team > VAT: three levels
    Person.objects.filter(org_unit=tax).update(org_unit=vat)

    data = report_figures(programme=programme, period=QUARTER)
    assert "Finance" in data["team"]["rows"]
    assert "Finance team" not in data["team"]["rows"]
    assert participants(data, "Finance") == 8

    # Group > Finance > Finance team > VAT: four levels, the department is still Finance, not the top.
    group = OrgUnitFactory(name="Group")
    OrgUnit.objects.filter(pk=finance.pk).update(parent=group)
    data = report_figures(programme=programme, period=QUARTER)
    assert "Group" not in data["team"]["rows"] and "Finance team" not in data["team"]["rows"]
    assert participants(data, "Finance") == 8


# --- Departments as they stood at the period's end (issue 14, point 6) ---------------------------------------
# A person's team is read from their team history at each period's end, not from their team today: a move made
# since must not change an earlier period's figures when its report is run again (two reports of one period
# would differ by that one person, and give away where they went).


def team_table(data: dict) -> dict[str, tuple]:
    """Every department's cells, this period and the previous one, as a committee member reads them."""
    team = data["team"]
    return {
        row: tuple((c["value"], c["previous"]) for c in cells)
        for row, cells in zip(team["rows"], team["cells"], strict=True)
    }


def move_in_the_admin(person: Person, unit: OrgUnit, administrator: Person) -> None:
    """An administrator changes the person's team on their page in the Django admin, as a browser posts it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    url = reverse("admin:programmes_person_change", args=[person.pk])
    response = admin_submit(client, url, "person_form", {"org_unit": unit.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.org_unit == unit


@pytest.fixture
def two_departments(cast):
    """Finance with 8 mentees and the cast's pair, Sales with 8 mentees: no department under 5, nothing hidden."""
    programme = cast["pairing"].programme
    populate(programme, {"Finance": 8, "Sales": 8})
    backdate_memberships(programme)
    finance = OrgUnit.objects.get(name="Finance team")
    Person.objects.filter(pk__in=[cast["mentor"].pk, cast["mentee"].pk]).update(org_unit=finance)
    return programme


def test_a_mentee_who_moves_department_after_the_period_leaves_its_figures_unchanged(cast, two_departments):
    before = report_figures(programme=two_departments, period=QUARTER)
    assert participants(before, "Finance") == 10 and participants(before, "Sales") == 8
    mover = Person.objects.filter(org_unit__name="Finance team", memberships__role="mentee").exclude(
        pk=cast["mentee"].pk
    )[0]

    move_in_the_admin(mover, OrgUnit.objects.get(name="Sales team"), cast["administrator"])  # 15 April: after Q1

    after = report_figures(programme=two_departments, period=QUARTER)
    assert team_table(after) == team_table(before)
    assert participants(after, "Finance") == 10 and participants(after, "Sales") == 8


def test_a_mentee_who_moved_inside_the_period_counts_in_their_department_at_its_end(cast, two_departments):
    mover = Person.objects.filter(org_unit__name="Finance team", memberships__role="mentee").exclude(
        pk=cast["mentee"].pk
    )[0]
    with time_machine.travel(datetime.datetime(2026, 2, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        move_in_the_admin(mover, OrgUnit.objects.get(name="Sales team"), cast["administrator"])

    data = report_figures(programme=two_departments, period=QUARTER)
    rows = team_table(data)
    cols = data["team"]["cols"]
    participants_col, pairings_col = cols.index("Participants"), cols.index("Active pairings")
    # At the end of Q1 (31 March) the mover was in Sales; at the end of Q4 2025, in Finance.
    assert rows["Finance"][participants_col] == (9, 10)
    assert rows["Sales"][participants_col] == (9, 8)
    # Their pairing, sessions and hours count in their department at each period's end too.
    assert rows["Finance"][pairings_col] == (8, 8)
    assert rows["Sales"][pairings_col] == (9, 8)
