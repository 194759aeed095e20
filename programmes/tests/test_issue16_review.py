"""Issue 16 as a new HR administrator meets it: the HR export of the issue, uploaded through the pages as rendered
(upload, mapping screen, preview, apply, result), then again unchanged, then with a leaver back; and the file's
awkward variants, each with a clear message and nothing half-saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.tests.html_forms import form_of
from programmes.models import PeopleImport, Person
from programmes.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "employeeId,firstName,lastName,email,supervisorId,status,department,title,dateInJob"
ROWS = [
    "1001,Ana,Ortiz,ana.ortiz@example.org,,Active,Engineering,CTO,2019-03-01",
    "1002,Ben,Li,ben.li@example.org,1001,Active,Engineering/Platform,Engineer,2021-06-14",
    "1003,Cara,Diaz,cara.diaz@example.org,1002,Terminated,Engineering/Platform,Engineer,2020-01-06",
    "1004,Dan,Wu,dan.wu@example.org,1001,Leave of Absence,Engineering,Manager,2018-09-30",
]


def hr_file(*rows: str, header: str = HEADER, sep: str = ",", bom: bool = False) -> SimpleUploadedFile:
    text = "\n".join([header, *rows]).replace(",", sep) + "\n"
    return SimpleUploadedFile("export.csv", (("\ufeff" if bom else "") + text).encode(), content_type="text/csv")


def submit_form(client, url: str, **values: str):
    form = form_of(client.get(url).content.decode(), action="")
    data = dict(form.pairs())
    data.update(values)
    return client.post(url, data, follow=True)


def upload(client, file, capture, **mapping: str):
    """Upload, map if asked (as rendered, with ``mapping`` changes), preview; apply when the preview allows it.
    Returns (the import, the preview page's text)."""
    response = client.post(reverse("programmes:people_import"), {"file": file}, follow=True)
    assert response.status_code == 200
    people_import = PeopleImport.objects.order_by("-pk").first()
    map_url = reverse("programmes:people_import_map", args=[people_import.pk])
    if response.redirect_chain and response.redirect_chain[-1][0] == map_url:
        response = submit_form(client, map_url, **mapping)
        assert response.status_code == 200
    people_import.refresh_from_db()
    page = response.content.decode()
    if "Apply this import" in page:
        preview_url = reverse("programmes:people_import_preview", args=[people_import.pk])
        form = form_of(page, action=reverse("programmes:people_import_apply", args=[people_import.pk]))
        with capture(execute=True):
            response = client.post(form.action or preview_url, dict(form.pairs()), follow=True)
        assert response.status_code == 200
        page = client.get(preview_url).content.decode()
        people_import.refresh_from_db()
    return people_import, page


def state() -> list[tuple]:
    return sorted(
        Person.objects.filter(email__endswith="@example.org")
        .exclude(is_staff=True)
        .values_list(
            "email",
            "display_name",
            "employee_id",
            "line_manager__email",
            "is_active",
            "org_unit__name",
            "job_title",
            "start_date",
            "left_at",
        )
    )


@pytest.fixture
def hr_admin(client, db):
    # The file's departments exist in Tandem already (nothing to create); it writes their path with "/".
    from programmes.tests.factories import OrgUnitFactory

    OrgUnitFactory(name="Platform", parent=OrgUnitFactory(name="Engineering"))
    admin = PersonFactory(email="hr@corp.test", display_name="Hana HR", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


def test_the_issues_export_through_the_pages_then_unchanged_then_a_leaver_back(
    client, hr_admin, django_capture_on_commit_callbacks
):
    # Cara has an account already (from an earlier file), in a programme: her history must survive leaving.
    cara = PersonFactory(email="cara.diaz@example.org", display_name="Cara D", password="s3cret-Pass!")
    membership = MembershipFactory(person=cara)
    first, page = upload(client, hr_file(*ROWS), django_capture_on_commit_callbacks, column_start_date="dateInJob")
    assert first.status == PeopleImport.Status.APPLIED, page
    people = {p.employee_id: p for p in Person.objects.filter(employee_id__in=["1001", "1002", "1003", "1004"])}
    assert {k: p.display_name for k, p in people.items()} == {
        "1001": "Ana Ortiz",
        "1002": "Ben Li",
        "1003": "Cara Diaz",
        "1004": "Dan Wu",
    }
    assert people["1003"].pk == cara.pk
    assert people["1002"].line_manager == people["1001"] and people["1004"].line_manager == people["1001"]
    assert people["1003"].line_manager == people["1002"]
    assert not people["1003"].is_active and people["1004"].is_active and people["1001"].is_active
    assert people["1002"].org_unit.name == "Platform" and people["1002"].org_unit.parent.name == "Engineering"
    assert people["1001"].start_date == datetime.date(2019, 3, 1)
    assert people["1004"].start_date == datetime.date(2018, 9, 30)
    assert not client.login(username="cara.diaz@example.org", password="s3cret-Pass!")
    client.force_login(hr_admin)

    before = state()
    second, page = upload(client, hr_file(*ROWS), django_capture_on_commit_callbacks)
    assert state() == before
    assert "0 created, 0 updated" in page

    back = [row.replace("Terminated", "Active") for row in ROWS]
    third, page = upload(client, hr_file(*back), django_capture_on_commit_callbacks)
    assert third.status == PeopleImport.Status.APPLIED, page
    cara.refresh_from_db()
    assert cara.is_active and cara.left_at is None
    assert client.login(username="cara.diaz@example.org", password="s3cret-Pass!")
    membership.refresh_from_db()  # still there


def test_a_leaver_new_to_tandem_gets_no_account_and_is_nobodys_manager(
    client, hr_admin, django_capture_on_commit_callbacks
):
    # Before: applying the issue's file raised KeyError in the task (Cara, never created, still had a manager).
    people_import, page = upload(client, hr_file(*ROWS), django_capture_on_commit_callbacks)
    assert people_import.status == PeopleImport.Status.APPLIED, page
    assert not Person.objects.filter(email="cara.diaz@example.org").exists()
    assert Person.objects.get(employee_id="1002").line_manager.employee_id == "1001"
    # Someone reporting to such a leaver: a clear row error, nothing saved.
    before = state()
    rows = [*ROWS, "1005,Eve,Ng,eve.ng@example.org,1003,Active,Engineering,Engineer,2022-01-01"]
    people_import, page = upload(client, hr_file(*rows), django_capture_on_commit_callbacks)
    assert people_import.status != PeopleImport.Status.APPLIED
    assert "has left (by the file" in page and "Apply this import" not in page
    assert state() == before


@pytest.mark.parametrize(
    "date_cell, date_format, expected",
    [
        ("03/01/2019", "%m/%d/%Y", datetime.date(2019, 3, 1)),
        ("01/03/2019", "%d/%m/%Y", datetime.date(2019, 3, 1)),
        ("2019-03-01T00:00:00", "%Y-%m-%d", datetime.date(2019, 3, 1)),
        ("2019-03-01 00:00:00", "%Y-%m-%d", datetime.date(2019, 3, 1)),
    ],
)
def test_dates_in_common_formats(
    client, hr_admin, django_capture_on_commit_callbacks, date_cell, date_format, expected
):
    row = ROWS[0].replace("2019-03-01", date_cell)
    people_import, page = upload(
        client, hr_file(row), django_capture_on_commit_callbacks, column_start_date="dateInJob", date_format=date_format
    )
    assert people_import.status == PeopleImport.Status.APPLIED, page
    assert Person.objects.get(employee_id="1001").start_date == expected


@pytest.mark.parametrize("variant", ["bom", "semicolons"])
def test_a_bom_or_semicolons(client, hr_admin, django_capture_on_commit_callbacks, variant):
    file = hr_file(*ROWS, bom=True) if variant == "bom" else hr_file(*ROWS, sep=";")
    people_import, page = upload(client, file, django_capture_on_commit_callbacks)
    assert people_import.status == PeopleImport.Status.APPLIED, page
    assert Person.objects.get(employee_id="1002").line_manager.employee_id == "1001"


@pytest.mark.parametrize(
    "rows, message",
    [
        ([ROWS[0], ROWS[1].replace(",1001,", ",9999,")], "9999"),
        (
            [ROWS[0].replace(",,Active", ",1002,Active"), ROWS[1]],
            "cycle",
        ),
        ([ROWS[0], ROWS[1], ROWS[1].replace("ben.li", "ben.other")], "1002"),
        ([ROWS[0], ROWS[1].replace("ben.li@", "zed@")], "zed@example.org"),
    ],
    ids=["unknown supervisor", "cycle", "duplicate employee id", "email of another person"],
)
def test_bad_rows_are_named_and_nothing_is_saved(client, hr_admin, django_capture_on_commit_callbacks, rows, message):
    PersonFactory(email="zed@example.org", display_name="Zed Other", employee_id="2000")
    before = state()
    people_import, page = upload(client, hr_file(*rows), django_capture_on_commit_callbacks)
    assert people_import.status != PeopleImport.Status.APPLIED
    assert "Apply this import" not in page
    assert message in page
    assert state() == before


def test_the_mapping_screen_saved_unchanged_keeps_every_choice_and_is_remembered(
    client, hr_admin, django_capture_on_commit_callbacks
):
    from programmes.models import PeopleImportMapping

    rows = [r.replace("2019-03-01", "03/01/2019").replace("2021-06-14", "06/14/2021") for r in ROWS]
    rows = [r.replace("2020-01-06", "01/06/2020").replace("2018-09-30", "09/30/2018") for r in rows]
    first, page = upload(
        client, hr_file(*rows), django_capture_on_commit_callbacks, column_start_date="dateInJob",
        date_format="%m/%d/%Y", status_active="Active, Leave of Absence", status_left="Terminated",
    )  # fmt: skip
    assert first.status == PeopleImport.Status.APPLIED, page
    remembered = PeopleImportMapping.objects.get(purpose="upload")
    saved = (remembered.columns, remembered.status_active, remembered.status_left, remembered.date_format)
    assert remembered.date_format == "%m/%d/%Y" and remembered.columns["start_date"] == "dateInJob"

    # The next export goes straight to its preview, read through the remembered mapping.
    response = client.post(reverse("programmes:people_import"), {"file": hr_file(*rows)}, follow=True)
    latest = PeopleImport.objects.order_by("-pk").first()
    assert response.redirect_chain[-1][0] == reverse("programmes:people_import_preview", args=[latest.pk])
    # "Map the columns differently", saved as rendered: nothing lost.
    response = submit_form(client, reverse("programmes:people_import_map", args=[latest.pk]))
    assert response.redirect_chain[-1][0] == reverse("programmes:people_import_preview", args=[latest.pk])
    remembered.refresh_from_db()
    assert (remembered.columns, remembered.status_active, remembered.status_left, remembered.date_format) == saved
    latest.refresh_from_db()
    assert latest.summary["error"] == 0 and latest.summary["create"] == 0
