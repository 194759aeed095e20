"""The column mapping screen and applying with a progress bar: an HR system's own export is no longer refused for
its headings; its columns are mapped from the file's header (guesses filled in), remembered, and the preview
applies in a Celery task whose progress the page can poll."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.tests.html_forms import form_of
from programmes.models import PeopleImport, PeopleImportMapping, Person
from programmes.services.people_import_mapping import mapping_errors, mapping_guess
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HR_FILE = (
    "employeeId,firstName,lastName,email,supervisorId,status,department,title,dateInJob\n"
    "E1,Olga,Boss,olga@example.org,,Active,Operations,Director,2019-04-01\n"
    "E2,Pat,Report,pat@example.org,E1,Leave of absence,Operations,Agent,2021-06-15\n"
    "E3,Tom,Gone,tom@example.org,E1,Terminated,Operations,Agent,2020-01-01\n"
)


def upload(text: str = HR_FILE, name: str = "export.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def submit(client, url: str, **values: str):
    """The mapping form as the browser renders and sends it, with ``values`` changed."""
    form = form_of(client.get(url).content.decode(), action="")
    data = dict(form.pairs())
    data.update(values)
    return client.post(url, data, follow=True)


def test_the_hr_export_opens_the_mapping_screen_with_guesses_and_imports_through_it(
    client, cast, django_capture_on_commit_callbacks
):
    tom = PersonFactory(email="tom@example.org", display_name="Tom Gone")
    client.force_login(cast["administrator"])
    response = client.post(reverse("programmes:people_import"), {"file": upload()}, follow=True)
    people_import = PeopleImport.objects.get()
    map_url = reverse("programmes:people_import_map", args=[people_import.pk])
    assert response.redirect_chain[-1][0] == map_url
    page = response.content.decode()
    assert "no “name” column" not in page and "supervisorId" in page and "Olga" in page  # header and first rows
    initial = response.context["form"].initial
    assert initial["column_employee_id"] == "employeeId"
    assert (initial["column_first_name"], initial["column_last_name"]) == ("firstName", "lastName")
    assert initial["column_manager_employee_id"] == "supervisorId"
    assert initial["column_team"] == "department" and initial["column_job_title"] == "title"
    assert initial["status_active"] == "Active, Leave of absence" and initial["status_left"] == "Terminated"

    response = submit(client, map_url, column_start_date="dateInJob")
    assert response.redirect_chain[-1][0] == reverse("programmes:people_import_preview", args=[people_import.pk])
    rows = {row["values"]["email"]: row for row in PeopleImport.objects.get().rows}
    assert rows["pat@example.org"]["values"]["name"] == "Pat Report"
    assert rows["pat@example.org"]["outcome"] == "create"
    assert {"field": "account", "old": "active", "new": "deactivated: the status says they have left"} in rows[
        "tom@example.org"
    ]["changes"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programmes:people_import_apply", args=[people_import.pk]))
    pat = Person.objects.get(email="pat@example.org")
    assert pat.line_manager == Person.objects.get(employee_id="E1") and pat.is_active
    tom.refresh_from_db()
    assert not tom.is_active and tom.employee_id == "E3"

    # Remembered: the next export with these columns goes straight to its preview.
    response = client.post(reverse("programmes:people_import"), {"file": upload(name="next.csv")}, follow=True)
    latest = PeopleImport.objects.order_by("-pk").first()
    assert response.redirect_chain[-1][0] == reverse("programmes:people_import_preview", args=[latest.pk])
    assert PeopleImportMapping.objects.get(purpose="upload").columns["start_date"] == "dateInJob"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"column_email": ""}, "Choose the column that holds the email"),
        ({"column_name": "firstName"}, "Choose either one column for the full name, or first name and last name"),
        ({"column_first_name": "", "column_last_name": ""}, "Choose the column with the full name"),
        ({"column_manager_email": "email"}, "Choose the line manager by employee id or by email, not both"),
        ({"column_job_title": "department"}, "The column “department” is chosen for both"),
        ({"status_active": "Active, Terminated"}, "“Terminated” cannot mean both active and left"),
    ],
)
def test_a_bad_mapping_says_why_and_saves_nothing(client, cast, change, message):
    client.force_login(cast["coordinator"])
    client.post(reverse("programmes:people_import"), {"file": upload()})
    people_import = PeopleImport.objects.get()
    response = submit(client, reverse("programmes:people_import_map", args=[people_import.pk]), **change)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&quot;", '"')
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.MAPPING and people_import.rows == []
    assert not PeopleImportMapping.objects.exists()


def test_a_header_without_an_email_column_is_mapped_not_refused(client, cast):
    client.force_login(cast["coordinator"])
    response = client.post(
        reverse("programmes:people_import"), {"file": upload("name,team\nAnn,Operations\n")}, follow=True
    )
    assert "say which column is which" in response.content.decode()
    response = submit(client, reverse("programmes:people_import_map", args=[PeopleImport.objects.get().pk]))
    assert "Choose the column that holds the email" in response.content.decode()


def test_mapping_errors_name_a_column_the_file_lacks():
    mapping = PeopleImportMapping(columns={"email": "mail", "name": "Name"}, date_format="%Y-%m-%d")
    assert mapping_errors(mapping, ["Name", "Email"]) == ["The file has no column “mail” (chosen for Email)."]
    assert mapping_guess(["Employee ID", "Given name", "Surname", "Work email", "Manager ID"]) == {
        "employee_id": "Employee ID",
        "first_name": "Given name",
        "last_name": "Surname",
        "email": "Work email",
        "manager_employee_id": "Manager ID",
    }


def test_applying_is_a_task_and_the_status_endpoint_follows_it(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast["coordinator"])
    client.post(reverse("programmes:people_import"), {"file": upload("email,name\nnew@example.org,Nel New\n")})
    people_import = PeopleImport.objects.get()
    status_url = reverse("programmes:people_import_status", args=[people_import.pk])
    assert json.loads(client.get(status_url).content)["status"] == "preview"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("programmes:people_import_apply", args=[people_import.pk]))
    state = json.loads(client.get(status_url).content)
    assert (state["status"], state["done"], state["total"], state["finished"]) == ("applying", 0, 1, False)
    assert not Person.objects.filter(email="new@example.org").exists()  # not inside the request
    page = client.get(reverse("programmes:people_import_preview", args=[people_import.pk])).content.decode()
    assert "Applying the import" in page and "Refresh" in page and "Apply this import" not in page
    assert len(queued) == 1
    queued[0]()  # the task, as the worker would run it after commit
    state = json.loads(client.get(status_url).content)
    assert (state["status"], state["percent"], state["finished"]) == ("applied", 100, True)
    assert Person.objects.filter(email="new@example.org").exists()
    # A second delivery of the same task does nothing.
    queued[0]()
    assert Person.objects.filter(email="new@example.org").count() == 1


def test_the_nightly_file_pages_are_for_administrators(client, cast):
    client.force_login(cast["coordinator"])
    assert client.get(reverse("programmes:hr_sync")).status_code == 403
    client.force_login(cast["administrator"])
    page = client.get(reverse("programmes:hr_sync")).content.decode()
    assert "TANDEM_HR_SYNC_ROOT is not set" in page and "No runs yet" in page


def test_an_administrator_maps_the_nightly_file_from_a_sample(client, cast):
    client.force_login(cast["administrator"])
    response = client.post(reverse("programmes:hr_sync_sample"), {"file": upload()}, follow=True)
    sample = PeopleImport.objects.get()
    map_url = reverse("programmes:people_import_map", args=[sample.pk])
    assert response.redirect_chain[-1][0] == map_url
    assert "for the nightly HR file" in response.content.decode()
    # A coordinator may not change the nightly file's mapping.
    client.force_login(cast["coordinator"])
    assert client.get(map_url).status_code == 403
    client.force_login(cast["administrator"])
    submit(client, map_url, column_start_date="dateInJob")
    mapping = PeopleImportMapping.objects.get(purpose="sync")
    assert mapping.columns["manager_employee_id"] == "supervisorId"
    assert mapping.status_left == ["Terminated"]
    assert "supervisorId" in client.get(reverse("programmes:hr_sync")).content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_the_runs_list_has_a_fixed_query_count(client, cast, django_assert_num_queries, n):
    from programmes.models import HrSyncRun

    HrSyncRun.objects.bulk_create(
        HrSyncRun(status="applied", file_name=f"p{i}.csv", is_open=None, confirmed_by=cast["administrator"])
        for i in range(n)
    )
    client.force_login(cast["administrator"])
    # session, user, the person's areas (navigation), the sync mapping, the paginator's count, one page of runs
    # with who confirmed them
    with django_assert_num_queries(6):
        response = client.get(reverse("programmes:hr_sync"))
    assert len(response.context["page"].object_list) == min(n, 25)


def test_a_nightly_runs_preview_is_not_applied_from_the_import_page(client, cast):
    from programmes.models import HrSyncRun
    from programmes.tests.factories import PeopleImportFactory

    run = HrSyncRun.objects.create(status="waiting", people_import=PeopleImportFactory(uploaded_by=None))
    client.force_login(cast["coordinator"])
    page = client.get(reverse("programmes:people_import_preview", args=[run.people_import_id])).content.decode()
    assert "Apply this import" not in page and "nightly HR file" in page
    response = client.post(reverse("programmes:people_import_apply", args=[run.people_import_id]), follow=True)
    assert "an administrator confirms or discards it" in response.content.decode()
    run.people_import.refresh_from_db()
    assert run.people_import.status == PeopleImport.Status.PREVIEW
