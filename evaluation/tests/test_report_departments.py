"""The committee report's breakdown by department takes each team's department from the tree (issue 13, point
12): the nearest unit of kind department above the team, however deep, not the team's immediate parent."""

from __future__ import annotations

import pytest
import time_machine

from evaluation.reporting import report_figures
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from programmes.models import OrgUnit, Person

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
    vat = OrgUnit.objects.create(name="VAT", parent=tax)  # Finance > Finance team > VAT: three levels
    Person.objects.filter(org_unit=tax).update(org_unit=vat)

    data = report_figures(programme=programme, period=QUARTER)
    assert "Finance" in data["team"]["rows"]
    assert "Finance team" not in data["team"]["rows"]
    assert participants(data, "Finance") == 8

    # Group > Finance > Finance team > VAT: four levels, the department is still Finance, not the top.
    group = OrgUnit.objects.create(name="Group")
    OrgUnit.objects.filter(pk=finance.pk).update(parent=group)
    data = report_figures(programme=programme, period=QUARTER)
    assert "Group" not in data["team"]["rows"] and "Finance team" not in data["team"]["rows"]
    assert participants(data, "Finance") == 8
