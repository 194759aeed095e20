"""SCIM Users: an identity provider creates, updates, deactivates and finds people over HTTP with its token."""

from __future__ import annotations

import pytest

from programmes.models import Application, AuditEvent, Person
from programmes.services import scim_people
from programmes.tests.factories import ApplicationFactory, PersonFactory
from programmes.tests.scim_helpers import ENTERPRISE, make_scim_client, user_doc

pytestmark = pytest.mark.django_db


@pytest.fixture
def scim(client, administrator):
    return make_scim_client(client, by=administrator)[0]


@pytest.fixture
def spies(monkeypatch):
    """The leavers service's calls from SCIM, with their arguments (the real functions still run)."""
    calls: list[tuple[str, dict]] = []
    for name in ("person_deactivate", "person_reactivate", "people_moved"):
        real = getattr(scim_people, name)

        def spy(*, _real=real, _name=name, **kwargs):
            calls.append((_name, kwargs))
            return _real(**kwargs)

        monkeypatch.setattr(scim_people, name, spy)
    return calls


def test_post_creates_a_person_with_the_mapped_attributes(scim, line_manager):
    doc = user_doc(
        "Jo.Bloggs@Example.org",
        displayName="Jo Bloggs",
        title="Analyst",
        externalId="entra-123",
        **{ENTERPRISE: {"employeeNumber": "E-42", "manager": {"value": str(line_manager.pk)}}},
    )
    response = scim.call("post", "/Users", doc)
    assert response.status_code == 201, response.content
    person = Person.objects.get(email="jo.bloggs@example.org")
    assert (person.display_name, person.job_title, person.employee_id) == ("Jo Bloggs", "Analyst", "E-42")
    assert person.line_manager == line_manager
    assert person.is_active and not person.has_usable_password()
    body = response.json()
    assert body["id"] == str(person.pk) and body["externalId"] == "entra-123"
    assert body[ENTERPRISE]["manager"]["value"] == str(line_manager.pk)
    assert response["Location"].endswith(f"/scim/v2/Users/{person.pk}")
    assert AuditEvent.objects.filter(
        action="person.scim_created", subject=person, summary__contains="Entra ID"
    ).exists()


def test_manager_given_by_employee_id_is_the_line_manager(scim):
    boss = PersonFactory(employee_id="B-7")
    response = scim.call("post", "/Users", user_doc("a@example.org", **{ENTERPRISE: {"manager": {"value": "B-7"}}}))
    assert response.status_code == 201
    assert Person.objects.get(email="a@example.org").line_manager == boss


def test_an_unknown_manager_is_a_400_and_nobody_is_created(scim):
    response = scim.call("post", "/Users", user_doc("a@example.org", **{ENTERPRISE: {"manager": {"value": "nobody"}}}))
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert not Person.objects.filter(email="a@example.org").exists()


def test_put_replaces_the_attributes_and_tells_people_moved_of_a_new_manager(
    scim, spies, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="p@example.org", job_title="Old title")
    boss = PersonFactory()
    doc = user_doc(
        "p@example.org", displayName="P New", title="New title", **{ENTERPRISE: {"manager": {"value": str(boss.pk)}}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = scim.call("put", f"/Users/{person.pk}", doc)
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.display_name, person.job_title, person.line_manager) == ("P New", "New title", boss)
    assert ("people_moved", {"person_ids": [person.pk], "by": None, "source": "scim"}) in spies


def test_put_without_employee_number_or_manager_keeps_what_the_hr_file_set(scim):
    boss = PersonFactory()
    person = PersonFactory(email="p@example.org", employee_id="E-1", line_manager=boss)
    assert scim.call("put", f"/Users/{person.pk}", user_doc("p@example.org")).status_code == 200
    person.refresh_from_db()
    assert (person.employee_id, person.line_manager) == ("E-1", boss)


def test_patch_active_false_deactivates_through_the_leavers_service(scim, spies, programme):
    person = PersonFactory(email="p@example.org")
    application = ApplicationFactory(programme=programme, person=person, status="applied")
    # Entra ID's form: no path, and "False" as a string.
    ops = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "value": {"active": "False"}}],
    }
    response = scim.call("patch", f"/Users/{person.pk}", ops)
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    person.refresh_from_db()
    assert not person.is_active
    assert [c for c in spies if c[0] == "person_deactivate"] == [
        ("person_deactivate", {"person": person, "by": None, "source": "scim"})
    ]
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert AuditEvent.objects.filter(action="person.scim_deactivated", subject=person).exists()


def test_patch_active_true_reactivates_through_the_leavers_service(scim, spies):
    person = PersonFactory(email="p@example.org", is_active=False)
    ops = {"Operations": [{"op": "replace", "path": "active", "value": True}]}
    assert scim.call("patch", f"/Users/{person.pk}", ops).status_code == 200
    person.refresh_from_db()
    assert person.is_active
    assert [c[0] for c in spies] == ["person_reactivate"]
    assert spies[0][1]["source"] == "scim"


def test_patch_with_filtered_paths_changes_email_and_manager(scim):
    person = PersonFactory(email="old@example.org")
    boss = PersonFactory(employee_id="B-1")
    ops = {
        "Operations": [
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "new@example.org"},
            {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": "B-1"}},
            {"op": "replace", "path": "title", "value": "Lead"},
        ]
    }
    assert scim.call("patch", f"/Users/{person.pk}", ops).status_code == 200
    person.refresh_from_db()
    assert (person.email, person.line_manager, person.job_title) == ("new@example.org", boss, "Lead")
    remove = {"Operations": [{"op": "remove", "path": f"{ENTERPRISE}:manager"}]}
    assert scim.call("patch", f"/Users/{person.pk}", remove).status_code == 200
    person.refresh_from_db()
    assert person.line_manager is None


def test_a_bad_patch_changes_nothing(scim):
    person = PersonFactory(email="p@example.org", job_title="Same")
    ops = {
        "Operations": [{"op": "replace", "path": "title", "value": "Changed"}, {"op": "frobnicate", "path": "title"}]
    }
    response = scim.call("patch", f"/Users/{person.pk}", ops)
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.job_title == "Same"


def test_delete_deactivates_keeps_the_row_and_hides_the_person_from_scim(scim, spies):
    person = PersonFactory(email="p@example.org")
    assert scim.call("delete", f"/Users/{person.pk}").status_code == 204
    person.refresh_from_db()
    assert not person.is_active and person.scim_deleted_at is not None
    assert [c[0] for c in spies] == ["person_deactivate"]
    assert scim.get(f"/Users/{person.pk}").status_code == 404
    assert scim.get('/Users?filter=userName eq "p@example.org"').json()["totalResults"] == 0
    # Provisioned again: the same row (and history), active again.
    again = scim.call("post", "/Users", user_doc("p@example.org"))
    assert again.status_code == 201
    assert again.json()["id"] == str(person.pk)
    person.refresh_from_db()
    assert person.is_active and person.scim_deleted_at is None


def test_search_by_user_name_external_id_and_pages(scim):
    people = [PersonFactory(email=f"p{i}@example.org") for i in range(5)]
    Person.objects.filter(pk=people[1].pk).update(scim_external_id="ext-1", scim_user_name="P.One@corp.example")
    found = scim.get('/Users?filter=userName eq "p.one@CORP.example"').json()
    assert [r["id"] for r in found["Resources"]] == [str(people[1].pk)]
    assert found["Resources"][0]["userName"] == "P.One@corp.example"
    # Someone with no user name of their own is found by their email address (the people the HR file made).
    assert scim.get('/Users?filter=userName eq "P3@example.org"').json()["Resources"][0]["id"] == str(people[3].pk)
    assert scim.get('/Users?filter=externalId eq "ext-1"').json()["totalResults"] == 1
    page = scim.get("/Users?startIndex=2&count=2").json()
    everyone = Person.objects.count()
    assert (page["totalResults"], page["itemsPerPage"], page["startIndex"]) == (everyone, 2, 2)
    ids = sorted(Person.objects.values_list("pk", flat=True))
    assert [r["id"] for r in page["Resources"]] == [str(ids[1]), str(ids[2])]


def test_search_by_post_and_a_filter_tandem_cannot_read(scim):
    PersonFactory(email="p@example.org")
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": 'emails.value eq "p@example.org"',
    }
    assert scim.call("post", "/Users/.search", body).json()["totalResults"] == 1
    bad = scim.get('/Users?filter=nickName eq "x"')
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidFilter"
    assert scim.get("/Users?filter=userName eq").status_code == 400


def test_list_queries_stay_fixed_with_more_people(scim, django_assert_num_queries):
    for _ in range(3):
        PersonFactory(line_manager=PersonFactory())
    # token, token's "last used", count, the page (with teams and managers joined)
    with django_assert_num_queries(4):
        assert scim.get("/Users").status_code == 200
    for _ in range(30):
        PersonFactory(line_manager=PersonFactory())
    with django_assert_num_queries(3):  # "last used" is written at most once a minute
        assert scim.get("/Users").status_code == 200


def test_duplicate_user_name_is_a_409(scim):
    PersonFactory(email="taken@example.org")
    response = scim.call("post", "/Users", user_doc("TAKEN@example.org"))
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert Person.objects.filter(email__iexact="taken@example.org").count() == 1


def test_duplicate_employee_number_is_a_409(scim):
    PersonFactory(employee_id="E-1")
    response = scim.call("post", "/Users", user_doc("new@example.org", **{ENTERPRISE: {"employeeNumber": "E-1"}}))
    assert response.status_code == 409


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', "\xff"])
def test_a_body_that_is_not_a_json_object_is_a_scim_400(scim, body):
    response = scim.call("post", "/Users", raw_body=body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/scim+json"
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


@pytest.mark.parametrize(
    "doc",
    [
        {"userName": "no-email-anywhere"},
        {"userName": ""},
        {"userName": "a@example.org", "active": "maybe"},
        {"userName": "a@example.org", "displayName": "x" * 151},
        {"userName": "a@example.org", "emails": "a@example.org"},
        {"userName": "a@example.org", ENTERPRISE: "E-1"},
    ],
)
def test_bad_attributes_are_a_400_and_nobody_is_created(scim, doc):
    before = Person.objects.count()
    response = scim.call("post", "/Users", doc)
    assert response.status_code == 400, response.content
    assert Person.objects.count() == before


@pytest.mark.parametrize("pk", ["x", "-1", str(2**63), "1.0"])
def test_ids_that_name_nobody_are_a_scim_404(scim, pk):
    response = scim.get(f"/Users/{pk}")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_the_discovery_endpoints_describe_what_tandem_stores(scim):
    config = scim.get("/ServiceProviderConfig").json()
    assert config["patch"]["supported"] and config["filter"]["supported"] and not config["bulk"]["supported"]
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    user = scim.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json()
    assert {a["name"] for a in user["attributes"]} == {"userName", "displayName", "title", "active", "emails", "groups"}
    types = scim.get("/ResourceTypes").json()
    assert {t["endpoint"] for t in types["Resources"]} == {"/Users", "/Groups"}


@pytest.mark.parametrize("query", ["startIndex=0&count=-5", f"startIndex={2**70}&count=1", "count=100000"])
def test_out_of_range_paging_is_read_as_the_nearest_sensible_page(scim, query):
    PersonFactory()
    response = scim.get(f"/Users?{query}")
    assert response.status_code == 200
    assert response.json()["totalResults"] == Person.objects.count()


def test_a_manager_who_reports_to_the_person_is_a_400(scim):
    person = PersonFactory(email="p@example.org")
    report = PersonFactory(line_manager=person)
    doc = user_doc("p@example.org", **{ENTERPRISE: {"manager": {"value": str(report.pk)}}})
    response = scim.call("put", f"/Users/{person.pk}", doc)
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.line_manager is None


def test_a_user_name_another_person_holds_is_a_409(scim):
    Person.objects.filter(pk=PersonFactory().pk).update(scim_user_name="J.Smith@corp.example")
    response = scim.call("post", "/Users", user_doc("j@example.org", userName="j.smith@CORP.example"))
    assert response.status_code == 409


def test_scim_answers_are_never_cached(scim):
    assert scim.get("/Users")["Cache-Control"] == "no-store, private"


def test_an_erased_person_loses_their_scim_names_and_leaves_scim(scim, administrator):
    from evaluation.services.personal_data import person_erase

    person = PersonFactory(email="p@example.org")
    Person.objects.filter(pk=person.pk).update(scim_user_name="P.Person@corp.example", scim_external_id="ext-9")
    person_erase(person=person, by=administrator)
    person.refresh_from_db()
    assert (person.scim_user_name, person.scim_external_id) == (None, None)
    assert scim.get(f"/Users/{person.pk}").status_code == 404
