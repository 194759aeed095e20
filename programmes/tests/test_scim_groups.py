"""SCIM Groups are teams (org units): membership is the person's team, dated in their team history."""

from __future__ import annotations

import pytest
from django_scim.constants import SchemaURI

from programmes.models import OrgUnit, Person, PersonUnitHistory
from programmes.services import scim_people
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory, PersonFactory
from programmes.tests.scim_helpers import make_scim_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def scim(client, administrator):
    return make_scim_client(client, by=administrator)[0]


@pytest.fixture
def moved(monkeypatch):
    calls: list[dict] = []
    real = scim_people.people_moved
    monkeypatch.setattr(scim_people, "people_moved", lambda **kw: (calls.append(kw), real(**kw)))
    return calls


def _members(*people: Person) -> list[dict]:
    return [{"value": str(p.pk)} for p in people]


def test_post_makes_a_team_and_moves_its_members_into_it(scim, moved, django_capture_on_commit_callbacks):
    old_team = OrgUnitFactory(name="Old")
    a, b = PersonFactory(org_unit=old_team), PersonFactory()
    doc = {"schemas": [SchemaURI.GROUP], "displayName": "Data", "externalId": "g-1", "members": _members(a, b)}
    with django_capture_on_commit_callbacks(execute=True):
        response = scim.call("post", "/Groups", doc)
    assert response.status_code == 201, response.content
    team = OrgUnit.objects.get(name="Data")
    assert team.kind == OrgUnit.Kind.TEAM and team.parent is None and team.scim_external_id == "g-1"
    assert set(team.people.all()) == {a, b}
    assert PersonUnitHistory.objects.filter(person=a, org_unit=team, until__isnull=True).exists()
    assert PersonUnitHistory.objects.filter(person=a, org_unit=old_team, until__isnull=False).exists()
    assert moved == [{"person_ids": [a.pk, b.pk], "by": None, "source": "scim"}]
    assert {m["value"] for m in response.json()["members"]} == {str(a.pk), str(b.pk)}


def test_patch_adds_and_removes_members(scim):
    team = OrgUnitFactory(name="Data")
    a, b = PersonFactory(org_unit=team), PersonFactory()
    ops = {
        "Operations": [
            {"op": "add", "path": "members", "value": _members(b)},
            {"op": "remove", "path": f'members[value eq "{a.pk}"]'},
        ]
    }
    assert scim.call("patch", f"/Groups/{team.pk}", ops).status_code == 200
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.org_unit, b.org_unit) == (None, team)


def test_a_user_shows_their_team_as_their_group(scim):
    team = OrgUnitFactory(name="Data")
    person = PersonFactory(org_unit=team)
    groups = scim.get(f"/Users/{person.pk}").json()["groups"]
    assert [(g["value"], g["display"]) for g in groups] == [(str(team.pk), "Data")]


def test_an_unknown_member_is_a_400_and_nothing_moves(scim):
    team = OrgUnitFactory(name="Data")
    a = PersonFactory()
    response = scim.call(
        "put", f"/Groups/{team.pk}", {"displayName": "Data", "members": [*_members(a), {"value": "999999"}]}
    )
    assert response.status_code == 400
    a.refresh_from_db()
    assert a.org_unit is None


def test_a_name_taken_at_the_top_is_a_409(scim):
    OrgUnitFactory(name="Data")
    assert scim.call("post", "/Groups", {"displayName": "data"}).status_code == 409


def test_deleting_a_team_leaves_its_people_without_a_team_and_a_department_with_teams_is_kept(scim):
    team = OrgUnitFactory(name="Data")
    person = PersonFactory(org_unit=team)
    assert scim.call("delete", f"/Groups/{team.pk}").status_code == 204
    person.refresh_from_db()
    assert person.org_unit is None and Person.objects.filter(pk=person.pk).exists()
    department = DepartmentFactory(name="Finance")
    OrgUnitFactory(name="Tax", parent=department)
    assert scim.call("delete", f"/Groups/{department.pk}").status_code == 409
    assert OrgUnit.objects.filter(pk=department.pk).exists()


def test_groups_filter_by_display_name(scim):
    OrgUnitFactory(name="Data")
    OrgUnitFactory(name="Ops")
    found = scim.get('/Groups?filter=displayName eq "data"').json()
    assert [r["displayName"] for r in found["Resources"]] == ["Data"]


@pytest.mark.parametrize("teams", [3, 30])
def test_the_group_list_makes_the_same_queries_however_many_teams(scim, teams, django_assert_num_queries):
    scim.get("/ServiceProviderConfig")  # the token's "last used" written once
    for _ in range(teams):
        PersonFactory(org_unit=OrgUnitFactory())
    # token, count, the page of teams, their members
    with django_assert_num_queries(4):
        response = scim.get("/Groups")
    assert len(response.json()["Resources"]) == teams
