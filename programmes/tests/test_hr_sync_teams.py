"""Issue 16, HR-file sync: a file naming departments Tandem does not have yet creates them when its mapping says
so ("Create teams the file names that Tandem does not have yet"), and is refused row by row when it does not.
Driven through the pages as an HR administrator meets them (upload, mapping screen, preview, apply), and through
the nightly run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from config.tests.html_forms import form_of
from programmes.models import HrSyncRun, OrgUnit, PeopleImport, PeopleImportMapping, Person, PersonUnitHistory
from programmes.services.hr_sync import hr_sync_run
from programmes.services.people_import_mapping import mapping_guess
from programmes.tests.factories import OrgUnitFactory, PersonFactory
from programmes.tests.test_issue16_review import HEADER, ROWS, hr_file, submit_form, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_admin(client, db):
    """An administrator in an organisation with no teams at all."""
    admin = PersonFactory(email="hr@corp.test", display_name="Hana HR", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


def units() -> list[tuple[str, str, str | None]]:
    return sorted(OrgUnit.objects.values_list("name", "kind", "parent__name"))


def team_of(employee_id: str) -> str:
    return str(Person.objects.get(employee_id=employee_id).org_unit)


def test_the_issues_file_creates_its_teams_once_and_places_people_in_them(
    client, hr_admin, django_capture_on_commit_callbacks
):
    assert not OrgUnit.objects.exists()
    people_import, page = upload(client, hr_file(*ROWS), django_capture_on_commit_callbacks)
    assert people_import.status == PeopleImport.Status.APPLIED, page
    # Each part under the one before it: the top a department, below it a team; created once for three rows.
    assert units() == [("Engineering", "department", None), ("Platform", "team", "Engineering")]
    ana, ben, dan = (Person.objects.get(employee_id=e) for e in ("1001", "1002", "1004"))
    assert (ana.org_unit.name, ben.org_unit.name, dan.org_unit.name) == ("Engineering", "Platform", "Engineering")
    assert ben.org_unit.parent == ana.org_unit
    assert not Person.objects.filter(employee_id="1003").exists()  # Cara has left: no account, no team for her
    # The team history has them in their new teams from the start, as for any new person.
    history = dict(PersonUnitHistory.objects.values_list("person__employee_id", "org_unit__name"))
    assert history == {"1001": "Engineering", "1002": "Platform", "1004": "Engineering"}
    assert Person.objects.get(employee_id="1001").start_date.isoformat() == "2019-03-01"  # dateInJob guessed

    second, page = upload(client, hr_file(*ROWS), django_capture_on_commit_callbacks)
    assert second.status == PeopleImport.Status.APPLIED, page
    assert "New teams" not in page
    assert second.summary["new_teams"] == [] and second.summary["create"] == 0
    assert units() == [("Engineering", "department", None), ("Platform", "team", "Engineering")]


def test_someone_already_in_tandem_moves_into_a_new_team(client, hr_admin, django_capture_on_commit_callbacks):
    sales = OrgUnitFactory(name="Sales", parent=None, kind=OrgUnit.Kind.DEPARTMENT)
    ben = PersonFactory(email="ben.li@example.org", display_name="Ben Li", employee_id="1002", org_unit=sales)
    people_import, page = upload(client, hr_file(ROWS[0], ROWS[1]), django_capture_on_commit_callbacks)
    assert people_import.status == PeopleImport.Status.APPLIED, page
    ben.refresh_from_db()
    assert (ben.org_unit.name, ben.org_unit.parent.name) == ("Platform", "Engineering")
    row = next(r for r in people_import.rows if r["values"]["email"] == "ben.li@example.org")
    assert row["outcome"] == "update"
    assert {"field": "team", "old": "Sales", "new": "Engineering > Platform (a new team)"} in row["changes"]
    stays = PersonUnitHistory.objects.filter(person=ben).order_by("pk").values_list("org_unit__name", flat=True)
    assert list(stays) == ["Sales", "Platform"]


def test_the_preview_lists_the_new_teams_and_each_row_says_its_team_is_new(
    client, hr_admin, django_capture_on_commit_callbacks
):
    response = client.post(reverse("programmes:people_import"), {"file": hr_file(*ROWS)}, follow=True)
    people_import = PeopleImport.objects.get()
    map_url = reverse("programmes:people_import_map", args=[people_import.pk])
    map_page = client.get(map_url).content.decode()
    assert "Create teams the file names that Tandem does not have yet" in map_page
    form = form_of(map_page, action="")
    assert dict(form.pairs())["create_teams"] == "on"  # on for a new mapping
    assert dict(form.pairs())["column_start_date"] == "dateInJob"
    page = client.post(map_url, dict(form.pairs()), follow=True).content.decode()
    assert "New teams:</strong> Engineering, Engineering › Platform." in page
    assert "Engineering &gt; Platform (a new team)" in page
    assert "Unknown team" not in page and "Apply this import" in page
    assert not OrgUnit.objects.exists()  # the preview creates nothing
    assert PeopleImportMapping.objects.get(purpose="upload").create_teams is True
    assert response.status_code == 200


def test_with_the_option_off_unknown_teams_are_row_errors_and_nothing_is_saved(
    client, hr_admin, django_capture_on_commit_callbacks
):
    people_import, page = upload(client, hr_file(*ROWS), django_capture_on_commit_callbacks, create_teams="")
    assert people_import.status == PeopleImport.Status.PREVIEW
    assert people_import.summary["error"] == 4 and people_import.summary["new_teams"] == []
    assert "no team in Tandem has that path" in page and "Apply this import" not in page
    assert not OrgUnit.objects.exists()
    assert not Person.objects.filter(email__endswith="@example.org").exists()
    # The choice is remembered: the next file's mapping screen shows it off, and it is read the same way.
    assert PeopleImportMapping.objects.get(purpose="upload").create_teams is False
    again, page = upload(client, hr_file(*ROWS), django_capture_on_commit_callbacks)
    assert again.summary["error"] == 4 and not OrgUnit.objects.exists()
    # "Map the columns differently", saved as rendered: the option stays off.
    map_url = reverse("programmes:people_import_map", args=[again.pk])
    assert "create_teams" not in dict(form_of(client.get(map_url).content.decode(), action="").pairs())
    submit_form(client, map_url)
    assert PeopleImportMapping.objects.get(purpose="upload").create_teams is False


@pytest.mark.parametrize(
    "department, reason",
    [
        ("Engineering//Platform", "has an empty part in its path"),
        ("Engineering > ", "has an empty part in its path"),
        ("Engineering/" + "P" * 121, "longer than 120 characters"),
    ],
)
def test_a_path_that_cannot_be_a_team_is_a_row_error(
    client, hr_admin, django_capture_on_commit_callbacks, department, reason
):
    rows = [ROWS[0], ROWS[1].replace("Engineering/Platform", department)]
    people_import, page = upload(client, hr_file(*rows), django_capture_on_commit_callbacks)
    assert people_import.status == PeopleImport.Status.PREVIEW
    bad = next(r for r in people_import.rows if r["values"]["email"] == "ben.li@example.org")
    assert bad["outcome"] == "error" and reason in " ".join(bad["errors"])
    assert reason in page and "Apply this import" not in page
    assert not OrgUnit.objects.exists() and not Person.objects.filter(email__endswith="@example.org").exists()


def test_an_existing_department_is_used_whatever_its_case(client, hr_admin, django_capture_on_commit_callbacks):
    OrgUnitFactory(name="ENGINEERING", parent=None, kind=OrgUnit.Kind.DEPARTMENT)
    people_import, page = upload(client, hr_file(*ROWS), django_capture_on_commit_callbacks)
    assert people_import.status == PeopleImport.Status.APPLIED, page
    assert people_import.summary["new_teams"] == ["Engineering › Platform"]
    assert units() == [("ENGINEERING", "department", None), ("Platform", "team", "ENGINEERING")]


def _preview_with_new_teams(client, count: int) -> str:
    rows = [f"{2000 + i},P{i},Q,p{i}@example.org,,Active,Operations > Team {i},Agent,2020-01-01" for i in range(count)]
    client.post(reverse("programmes:people_import"), {"file": hr_file(*rows)}, follow=True)
    people_import = PeopleImport.objects.order_by("-pk").first()
    map_url = reverse("programmes:people_import_map", args=[people_import.pk])
    client.post(map_url, dict(form_of(client.get(map_url).content.decode(), action="").pairs()))
    people_import.refresh_from_db()
    assert len(people_import.summary["new_teams"]) == count + 1  # Operations, then each team under it
    return reverse("programmes:people_import_preview", args=[people_import.pk])


@pytest.mark.parametrize("count", [3, 30])
def test_the_preview_pages_queries_do_not_grow_with_the_new_teams(client, hr_admin, count, django_assert_num_queries):
    url = _preview_with_new_teams(client, count)
    # Queries: session, user, the import, its uploader, whether it is a nightly run's; the new teams are read
    # from the import's summary, never one query per team.
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert f"Operations › Team {count - 1}" in page


def test_the_nightly_file_creates_teams_by_its_mapping(settings, tmp_path, db, django_capture_on_commit_callbacks):
    settings.TANDEM_HR_SYNC_ROOT = str(tmp_path)
    (tmp_path / "hr").mkdir()
    (tmp_path / "hr" / "people.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    columns = mapping_guess(HEADER.split(","))
    assert columns["start_date"] == "dateInJob"
    mapping = PeopleImportMapping.objects.create(
        purpose="sync", columns=columns, sync_enabled=True, sync_folder="hr", create_teams=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = hr_sync_run()
    assert run.status == HrSyncRun.Status.FAILED and not OrgUnit.objects.exists()
    mapping.create_teams = True
    mapping.save()
    (tmp_path / "hr" / "people.csv").write_text("\n".join([HEADER, *ROWS, ""]) + "\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        run = hr_sync_run()
    assert run.status == HrSyncRun.Status.APPLIED, run.message
    assert units() == [("Engineering", "department", None), ("Platform", "team", "Engineering")]
    assert team_of("1002") == "Engineering › Platform"


def test_the_nightly_file_page_says_what_the_mapping_does_with_new_teams(client, hr_admin):
    mapping = PeopleImportMapping.objects.create(purpose="sync", columns=mapping_guess(HEADER.split(",")))
    page = client.get(reverse("programmes:hr_sync")).content.decode()
    assert 'Teams the file names that Tandem does not have</dt><dd class="col-6">created' in page
    mapping.create_teams = False
    mapping.save()
    page = client.get(reverse("programmes:hr_sync")).content.decode()
    assert "an error on the row" in page
