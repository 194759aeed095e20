"""People import: a CSV from HR is previewed row by row, then applied at once; bad files change nothing."""

from __future__ import annotations

import datetime
import zipfile
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programmes.models import OrgUnit, PeopleImport, Person, Role
from programmes.services.people_import import (
    MAX_BYTES,
    people_import_apply,
    people_import_discard,
    people_import_parse,
)
from programmes.services.people_import_file import MAX_ROWS
from programmes.tests.factories import (
    MembershipFactory,
    OrgUnitFactory,
    PeopleImportFactory,
    PersonFactory,
    ProgrammeFactory,
    people_import_row,
)

pytestmark = pytest.mark.django_db

HEADER = "email,name,team,job_title,grade,manager_email,start_date"


def csv_upload(*lines: str, header: str = HEADER, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([header, *lines]).encode(), content_type="text/csv")


@pytest.fixture
def support(department) -> OrgUnit:
    return OrgUnitFactory(name="Customer Support", parent=department)


@pytest.fixture
def admin_person(db) -> Person:
    """The importer: an administrator, so never flagged and never in the way of the counts."""
    return PersonFactory(email="hr-admin@example.org", display_name="Hana Admin", is_staff=True)


@pytest.fixture
def ann(support) -> Person:
    return PersonFactory(
        email="ann@example.org", display_name="Ann Archer", org_unit=support, job_title="Analyst", grade=3
    )


def snapshot() -> list[tuple]:
    """Every person with every field an import may touch: equal before and after means nothing changed."""
    return list(
        Person.objects.order_by("pk").values_list(
            "pk",
            "email",
            "display_name",
            "org_unit_id",
            "job_title",
            "grade",
            "line_manager_id",
            "start_date",
            "missing_from_hr_since",
            "password",
        )
    )


def rows_by_email(people_import: PeopleImport) -> dict[str, dict]:
    return {row["values"]["email"]: row for row in people_import.rows}


# --- The happy path ---------------------------------------------------------------------------------------


def test_preview_then_apply_creates_updates_leaves_alone_and_flags(support, ann, admin_person, mailoutbox):
    bob = PersonFactory(email="bob@example.org", display_name="Bob Baker", org_unit=support, job_title="Agent", grade=2)
    bob.line_manager = ann
    bob.save()
    gone = PersonFactory(email="gone@example.org", display_name="Gus Gone")
    back = PersonFactory(
        email="back@example.org",
        display_name="Bea Back",
        job_title="Agent",
        grade=2,
        missing_from_hr_since=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    upload = csv_upload(
        "ann@example.org,Ann Archer,Operations > Customer Support,Senior Analyst,4,,",
        "bob@example.org,Bob Baker,Operations > Customer Support,Agent,2,ann@example.org,",
        "back@example.org,Bea Back,,Agent,2,,",
        "Cat@Example.org,Cat Cole,operations>customer support,Trainee,1,ann@example.org,2026-10-01",
    )
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)):
        preview = people_import_parse(upload=upload, by=admin_person)
    assert preview.status == PeopleImport.Status.PREVIEW
    assert {k: preview.summary[k] for k in ("create", "update", "unchanged", "error", "flag")} == {
        "create": 1,
        "update": 2,
        "unchanged": 1,
        "error": 0,
        "flag": 1,
    }
    assert preview.summary["flag_sample"] == ["Gus Gone"]
    rows = rows_by_email(preview)
    assert rows["Cat@Example.org"]["outcome"] == "create"
    assert {"field": "job title", "old": "Analyst", "new": "Senior Analyst"} in rows["ann@example.org"]["changes"]
    assert {"field": "grade", "old": "3", "new": "4"} in rows["ann@example.org"]["changes"]
    assert rows["back@example.org"]["changes"] == [
        {"field": "missing from HR", "old": "since 2026-01-05", "new": "back in the file"}
    ]
    assert Person.objects.filter(email="cat@example.org").count() == 0  # a preview changes nothing

    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 5, tzinfo=datetime.UTC)):
        applied = people_import_apply(people_import=preview, by=admin_person)
    assert applied.status == PeopleImport.Status.APPLIED and applied.applied_at is not None
    cat = Person.objects.get(email="cat@example.org")
    assert (cat.display_name, cat.org_unit, cat.job_title, cat.grade) == ("Cat Cole", support, "Trainee", 1)
    assert cat.line_manager == ann and cat.start_date == datetime.date(2026, 10, 1)
    assert cat.has_usable_password()  # a random one nobody knows: the reset email is how they get in
    ann.refresh_from_db()
    assert (ann.job_title, ann.grade) == ("Senior Analyst", 4)
    gone.refresh_from_db()
    assert gone.missing_from_hr_since == datetime.datetime(2026, 11, 2, 9, 5, tzinfo=datetime.UTC)
    assert Person.objects.filter(pk=gone.pk).exists()  # flagged, never deleted
    back.refresh_from_db()
    assert back.missing_from_hr_since is None
    admin_person.refresh_from_db()
    assert admin_person.missing_from_hr_since is None  # administrators are never flagged
    assert mailoutbox == []  # new people reset their password themselves; nobody is emailed now


def test_managers_defined_later_in_the_same_file_are_linked(support, admin_person):
    upload = csv_upload(
        "ivy@example.org,Ivy Ito,Operations > Customer Support,Agent,2,jon@example.org,",
        "jon@example.org,Jon Jansen,Operations > Customer Support,Team Lead,5,kim@example.org,",
        "kim@example.org,Kim Kaur,Operations,Director,9,,",
    )
    preview = people_import_parse(upload=upload, by=admin_person)
    assert preview.summary["create"] == 3 and preview.summary["error"] == 0
    people_import_apply(people_import=preview, by=admin_person)
    ivy = Person.objects.select_related("line_manager__line_manager").get(email="ivy@example.org")
    assert ivy.line_manager.email == "jon@example.org"
    assert ivy.line_manager.line_manager.email == "kim@example.org"
    assert Person.objects.get(email="kim@example.org").line_manager is None


def test_a_column_left_out_leaves_that_field_alone(ann, admin_person):
    boss = PersonFactory(email="boss@example.org")
    ann.line_manager = boss
    ann.save()
    preview = people_import_parse(upload=csv_upload("ann@example.org,Ann Archer", header="email,name"), by=admin_person)
    assert rows_by_email(preview)["ann@example.org"]["outcome"] == "unchanged"
    people_import_apply(people_import=preview, by=admin_person)
    ann.refresh_from_db()
    assert (ann.job_title, ann.grade, ann.line_manager) == ("Analyst", 3, boss)
    boss.refresh_from_db()
    assert boss.missing_from_hr_since is not None  # not in the file


def test_common_heading_spellings_a_bom_and_semicolons_are_understood(support, admin_person):
    data = (
        "\ufeffE-mail;Full name;Team path;Job Title;Level;Line manager email;Start Date;Payroll number\n"
        "dee@example.org;Dee Dubois;Operations › Customer Support;Agent;2;;2026-09-30;12345\n"
    ).encode()
    preview = people_import_parse(upload=SimpleUploadedFile("hr.csv", data), by=admin_person)
    assert preview.summary["create"] == 1 and preview.summary["error"] == 0
    assert preview.summary["columns"] == ["email", "name", "team", "job_title", "grade", "manager_email", "start_date"]
    assert preview.summary["ignored_columns"] == ["Payroll number"]


# --- Bad rows: listed in the preview with their reason, and nothing can be applied -----------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not-an-email,Nia Null,,,,,", "is not a valid email address"),
        (",Nia Null,,,,,", "The email is missing"),
        ("n" * 64 + "@" + "example." * 30 + "org,Nia Null,,,,,", "The email is longer than 254 characters"),
        ("nia@example.org,,,,,,", "The name is missing"),
        ("nia@example.org,Nia Null,,,,nobody@example.org,", "Unknown manager “nobody@example.org”"),
        ("nia@example.org,Nia Null,,,,not a manager,", "line manager's email “not a manager” is not a valid"),
        ("nia@example.org,Nia Null,Operations > Nowhere,,,,", "Unknown team “Operations > Nowhere”"),
        ("nia@example.org,Nia Null,Customer Support,,,,", "Did you mean “Operations > Customer Support”?"),
        ("nia@example.org,Nia Null,,,31,,", "The grade “31” is not a whole number from 0 to 30"),
        ("nia@example.org,Nia Null,,,senior,,", "The grade “senior” is not a whole number"),
        ("nia@example.org,Nia Null,,,-1,,", "The grade “-1” is not a whole number"),
        ("nia@example.org,Nia Null,,,2.5,,", "The grade “2.5” is not a whole number"),
        ("nia@example.org,Nia Null,,,,,2026-02-30", "The start date “2026-02-30” is not a date"),
        ("nia@example.org,Nia Null,,,,,01/02/2026", "The start date “01/02/2026” is not a date"),
        ("nia@example.org,Nia Null,,,,nia@example.org,", "set as their own line manager"),
    ],
)
def test_each_kind_of_bad_row_is_reported_and_blocks_applying(support, ann, admin_person, line, reason):
    before = snapshot()
    preview = people_import_parse(
        upload=csv_upload("ann@example.org,Ann Archer,Operations > Customer Support,Senior Analyst,3,,", line),
        by=admin_person,
    )
    bad = preview.rows[1]
    assert bad["outcome"] == "error"
    assert any(reason in error for error in bad["errors"]), bad["errors"]
    assert preview.summary["error"] == 1 and preview.summary["update"] == 1
    with pytest.raises(ValidationError, match="1 row\\(s\\) have errors"):
        people_import_apply(people_import=preview, by=admin_person)
    assert snapshot() == before
    preview.refresh_from_db()
    assert preview.status == PeopleImport.Status.PREVIEW


def test_a_duplicate_email_marks_every_row_that_has_it(admin_person):
    preview = people_import_parse(
        upload=csv_upload("dup@example.org,Dee One,,,,,", "ok@example.org,Oz,,,,,", "DUP@example.org,Dee Two,,,,,"),
        by=admin_person,
    )
    assert [row["outcome"] for row in preview.rows] == ["error", "create", "error"]
    assert "more than one row (also line 4)" in preview.rows[0]["errors"][0]
    assert "(also line 2)" in preview.rows[2]["errors"][0]


@pytest.mark.parametrize(
    "lines",
    [
        ["a@example.org,A,,,,b@example.org,", "b@example.org,B,,,,a@example.org,"],
        ["a@example.org,A,,,,b@example.org,", "b@example.org,B,,,,c@example.org,", "c@example.org,C,,,,a@example.org,"],
    ],
    ids=["two people", "three people"],
)
def test_a_manager_cycle_in_the_file_is_an_error_on_each_row_in_it(admin_person, lines):
    preview = people_import_parse(upload=csv_upload(*lines, "d@example.org,D,,,,a@example.org,"), by=admin_person)
    outcomes = [row["outcome"] for row in preview.rows]
    assert outcomes == ["error"] * len(lines) + ["create"]  # d reports into the loop but is not part of it
    assert all("Manager cycle: " in row["errors"][0] for row in preview.rows[:-1])
    assert "a@example.org → b@example.org" in preview.rows[0]["errors"][0]


def test_a_cycle_through_someone_only_in_the_database_is_caught(admin_person):
    zed = PersonFactory(email="zed@example.org")
    PersonFactory(email="yan@example.org", line_manager=zed)
    # The file makes zed report to yan; yan (not in the file) already reports to zed.
    preview = people_import_parse(upload=csv_upload("zed@example.org,Zed,,,,yan@example.org,"), by=admin_person)
    assert preview.rows[0]["outcome"] == "error"
    assert "Manager cycle: zed@example.org → yan@example.org → zed@example.org" in preview.rows[0]["errors"][0]


# --- Bad files: refused whole, with a message, and nothing saved ------------------------------------------


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def xlsx_bytes() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def too_many_rows() -> bytes:
    lines = [HEADER] + [f"p{i}@example.org,Person {i},,,,," for i in range(MAX_ROWS + 1)]
    return "\n".join(lines).encode()


BAD_FILES = {
    "oversized": (b"email,name\n" + b"x" * MAX_BYTES, "the limit is 5 MB"),
    "latin-1": ("email,name\nrene@example.org,René Ré\n".encode("latin-1"), "not UTF-8 text: line 2"),
    "utf-16": ("email,name\nrene@example.org,René\n".encode("utf-16"), "saved as UTF-16"),
    "png": (png_bytes(), "This is a binary file, not a CSV"),
    "xlsx": (xlsx_bytes(), "This is a ZIP archive or an Excel workbook"),
    "empty": (b"", "The file is empty"),
    "blank lines": (b"\xef\xbb\xbf\r\n  \n", "The file is empty"),
    "header only": (b"email,name,team\n", "a header line but no people"),
    "no header": (b"ann@example.org,Ann Archer,Operations\n", "The first line should name the columns"),
    "no email column": (b"name,team\nAnn,Operations\n", "no “email” column"),
    "no name column": (b"E-mail,Team\nann@example.org,Operations\n", "no “name” column"),
    "two email columns": (b"Email,Name,E-mail\na@example.org,A,a@example.org\n", "Two columns mean the email"),
    "too many rows": (too_many_rows(), "more than 10,000 people"),
    # An unclosed quote used to swallow the rest of the file into one huge name.
    "unterminated quote": (
        b'email,name\na@example.org,"Ann Archer\nb@example.org,Bob\nc@example.org,Cy\n',
        "Line 2 opens a quoted cell",
    ),
    # UTF-16 without a byte-order mark was called "a binary file".
    "utf-16le without bom": ("email,name\nann@example.org,Ann\n".encode("utf-16-le"), "saved as UTF-16"),
    "utf-16be without bom": ("email,name\nann@example.org,Ann\n".encode("utf-16-be"), "saved as UTF-16"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_whole_and_saves_nothing(ann, admin_person, kind):
    data, message = BAD_FILES[kind]
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        people_import_parse(upload=SimpleUploadedFile("people.csv", data), by=admin_person)
    assert message in " ".join(caught.value.messages)
    assert PeopleImport.objects.count() == 0
    assert snapshot() == before


def test_exactly_the_row_limit_is_accepted(admin_person):
    lines = [HEADER] + [f"p{i}@example.org,Person {i},,,,," for i in range(MAX_ROWS)]
    preview = people_import_parse(upload=SimpleUploadedFile("big.csv", "\n".join(lines).encode()), by=admin_person)
    assert preview.summary["create"] == MAX_ROWS


# --- Confirming: checked again, once only ---------------------------------------------------------------


def test_a_preview_that_no_longer_fits_the_database_is_refused(support, ann, admin_person):
    preview = people_import_parse(
        upload=csv_upload("new@example.org,Nel New,Operations > Customer Support,Agent,2,ann@example.org,"),
        by=admin_person,
    )
    assert preview.summary["error"] == 0
    ann.delete()  # the manager left Tandem between the preview and the confirmation
    before = snapshot()
    with pytest.raises(ValidationError, match="no longer fit"):
        people_import_apply(people_import=preview, by=admin_person)
    assert snapshot() == before
    assert not Person.objects.filter(email="new@example.org").exists()


def test_a_preview_whose_outcome_would_change_is_refused(ann, admin_person):
    preview = people_import_parse(
        upload=csv_upload("ann@example.org,Ann Archer", "new@example.org,Nel New", header="email,name"),
        by=admin_person,
    )
    PersonFactory(email="new@example.org", display_name="Nel Older")  # someone added her by hand meanwhile
    before = snapshot()
    with pytest.raises(ValidationError, match="changed since this preview"):
        people_import_apply(people_import=preview, by=admin_person)
    assert snapshot() == before


def test_a_preview_is_applied_once(ann, admin_person):
    preview = people_import_parse(upload=csv_upload("ann@example.org,Ann A", header="email,name"), by=admin_person)
    people_import_apply(people_import=preview, by=admin_person)
    with pytest.raises(ValidationError, match="already been applied"):
        people_import_apply(people_import=preview, by=admin_person)
    with pytest.raises(ValidationError, match="already been applied"):
        people_import_discard(people_import=preview, by=admin_person)


def test_a_discarded_preview_cannot_be_applied(ann, admin_person):
    preview = people_import_parse(upload=csv_upload("ann@example.org,Ann A", header="email,name"), by=admin_person)
    people_import_discard(people_import=preview, by=admin_person)
    preview.refresh_from_db()
    assert preview.status == PeopleImport.Status.DISCARDED
    before = snapshot()
    with pytest.raises(ValidationError, match="discarded"):
        people_import_apply(people_import=preview, by=admin_person)
    assert snapshot() == before


# --- Pages ------------------------------------------------------------------------------------------------


def test_coordinator_uploads_previews_and_applies_through_the_pages(
    client, cast, support, django_capture_on_commit_callbacks
):
    client.force_login(cast["coordinator"])
    upload = csv_upload(
        "coordinator@example.org,Cora Coordinator,,Programme Lead,6,,",
        "new@example.org,Nel New,Operations > Customer Support,Agent,2,manager@example.org,",
    )
    response = client.post(reverse("programmes:people_import"), {"file": upload}, follow=True)
    preview = PeopleImport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("programmes:people_import_preview", args=[preview.pk])
    content = response.content.decode()
    assert "job title: " in content and "→ Programme Lead" in content
    assert "Apply this import" in content
    # Applying is a Celery task queued on commit (eager in tests): the page follows it, then shows the result.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programmes:people_import_apply", args=[preview.pk]), follow=True)
    assert "Applying the import" in response.content.decode()
    response = client.get(reverse("programmes:people_import_preview", args=[preview.pk]))
    assert "1 created, 1 updated" in response.content.decode()
    assert Person.objects.get(email="new@example.org").line_manager == cast["line_manager"]
    cast["mentor"].refresh_from_db()
    assert cast["mentor"].missing_from_hr_since is not None
    cast["administrator"].refresh_from_db()
    assert cast["administrator"].missing_from_hr_since is None


# A header Tandem does not know ("no email column") is no longer refused: it opens the column mapping screen
# (test_hr_sync_mapping.py).
@pytest.mark.parametrize("kind", ["oversized", "latin-1", "png", "xlsx", "empty", "no header"])
def test_a_bad_file_gets_its_message_on_the_upload_page(client, cast, kind):
    data, message = BAD_FILES[kind]
    before = snapshot()
    client.force_login(cast["coordinator"])
    response = client.post(reverse("programmes:people_import"), {"file": SimpleUploadedFile("p.csv", data)})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert PeopleImport.objects.count() == 0
    assert snapshot() == before


def test_the_upload_form_without_a_file_says_so(client, cast):
    client.force_login(cast["coordinator"])
    response = client.post(reverse("programmes:people_import"), {})
    assert response.status_code == 200 and "This field is required" in response.content.decode()


def test_bad_rows_are_shown_with_their_reasons_and_there_is_no_apply_button(client, cast):
    client.force_login(cast["coordinator"])
    upload = csv_upload("bad,Bea,,,,,", "ok@example.org,Oz,,,99,,")
    response = client.post(reverse("programmes:people_import"), {"file": upload}, follow=True)
    content = response.content.decode()
    assert "“bad” is not a valid email address" in content
    assert "The grade “99” is not a whole number from 0 to 30" in content
    assert "2 rows have errors" in content and "Apply this import" not in content
    errors_only = client.get(response.redirect_chain[-1][0], {"show": "error"})
    assert len(errors_only.context["page"].object_list) == 2


def test_applying_a_preview_with_errors_says_why_on_the_page(client, cast):
    preview = people_import_parse(upload=csv_upload("bad,Bea,,,,,"), by=cast["coordinator"])
    client.force_login(cast["coordinator"])
    before = snapshot()
    response = client.post(reverse("programmes:people_import_apply", args=[preview.pk]), follow=True)
    assert "have errors, so nothing was imported" in response.content.decode()
    assert snapshot() == before


def test_discarding_returns_to_the_upload_page(client, cast):
    preview = PeopleImportFactory(uploaded_by=cast["coordinator"], filename="march.csv")
    client.force_login(cast["coordinator"])
    response = client.post(reverse("programmes:people_import_discard", args=[preview.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("programmes:people_import")
    assert "The import of march.csv is discarded" in response.content.decode()
    preview.refresh_from_db()
    assert preview.status == PeopleImport.Status.DISCARDED


def test_another_coordinator_may_open_a_preview_they_did_not_upload(client, cast):
    # Imports are organisation data, shared by everyone who may import (see permissions.py).
    preview = PeopleImportFactory(uploaded_by=cast["coordinator"])
    colleague = PersonFactory()
    MembershipFactory(person=colleague, programme=ProgrammeFactory(), role=Role.COORDINATOR)
    client.force_login(colleague)
    assert client.get(reverse("programmes:people_import_preview", args=[preview.pk])).status_code == 200


def test_an_unknown_import_is_404_and_a_mentor_is_turned_away(client, cast):
    client.force_login(cast["coordinator"])
    assert client.get(reverse("programmes:people_import_preview", args=[999])).status_code == 404
    client.force_login(cast["mentor"])
    assert client.get(reverse("programmes:people_import")).status_code == 403


def test_the_import_page_is_linked_from_my_programmes_and_the_admin(client, cast):
    url = reverse("programmes:people_import")
    client.force_login(cast["coordinator"])
    assert url in client.get(reverse("programmes:list")).content.decode()
    client.force_login(cast["administrator"])
    assert url in client.get(reverse("admin:index")).content.decode()
    assert client.get(url).status_code == 200


def test_the_history_lists_recent_imports_newest_first(client, cast):
    PeopleImportFactory(
        uploaded_by=cast["coordinator"],
        filename="old.csv",
        created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    PeopleImportFactory(uploaded_by=cast["administrator"], filename="new.csv", status=PeopleImport.Status.APPLIED)
    client.force_login(cast["coordinator"])
    response = client.get(reverse("programmes:people_import"))
    assert [i.filename for i in response.context["page"].object_list] == ["new.csv", "old.csv"]
    content = response.content.decode()
    assert "Ada Admin" in content and "Applied" in content and "docs/samples/people.csv" in content


# --- Query budgets ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 40])
def test_preview_query_budget(client, cast, django_assert_num_queries, n):
    rows = [people_import_row(i + 2, f"p{i}@example.org", team="Operations") for i in range(n)]
    preview = PeopleImportFactory(uploaded_by=cast["coordinator"], rows=rows)
    client.force_login(cast["coordinator"])
    # session, user, the person's areas (access and navigation), the import with its uploader, its nightly run
    with django_assert_num_queries(5):
        response = client.get(reverse("programmes:people_import_preview", args=[preview.pk]))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [3, 40])
def test_history_query_budget(client, cast, django_assert_num_queries, n):
    for i in range(n):
        PeopleImportFactory(uploaded_by=cast["coordinator"] if i % 2 else cast["administrator"])
    client.force_login(cast["coordinator"])
    # session, user, the person's areas (access and navigation), the paginator's count, one page of imports
    # with who uploaded them
    with django_assert_num_queries(5):
        response = client.get(reverse("programmes:people_import"))
    assert len(response.context["page"].object_list) == min(n, 25)


def test_an_imported_person_can_set_a_password_by_email(client, support, ann, admin_person, mailoutbox):
    preview = people_import_parse(upload=csv_upload("dan@example.org,Dan Dale,,,,,"), by=admin_person)
    people_import_apply(people_import=preview, by=admin_person)
    client.post(reverse("password_reset"), {"email": "dan@example.org"})
    assert [m.to for m in mailoutbox] == [["dan@example.org"]]
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_a_coordinator_cannot_make_themselves_a_line_manager_by_import(support, ann, coordinator, admin_person):
    upload = csv_upload(f"{ann.email},Ann,,,,{coordinator.email},")
    preview = people_import_parse(upload=upload, by=coordinator)
    (row,) = preview.rows
    assert row["outcome"] == "error"
    assert any("cannot make yourself someone's line manager" in e for e in row["errors"])
    # An administrator may; the same row is fine for them.
    assert people_import_parse(upload=csv_upload(f"{ann.email},Ann,,,,{coordinator.email},"), by=admin_person).rows[0][
        "outcome"
    ] in ("update", "unchanged")


def test_a_coordinator_cannot_change_an_administrators_record_by_import(support, coordinator, admin_person):
    preview = people_import_parse(upload=csv_upload(f"{admin_person.email},Someone Else,,,,,"), by=coordinator)
    assert any("Only an administrator" in e for e in preview.rows[0]["errors"])


# Short rows, cleared cells, leavers, purging stored previews


def test_a_row_with_missing_cells_is_an_error_and_never_clears_a_persons_fields(ann, admin_person):
    before = snapshot()
    preview = people_import_parse(upload=csv_upload("ann@example.org,Ann Archer"), by=admin_person)
    row = rows_by_email(preview)["ann@example.org"]
    assert row["outcome"] == "error"
    assert "has 2 cells but the header has 7: cells are missing" in row["errors"][0]
    with pytest.raises(ValidationError):
        people_import_apply(people_import=preview, by=admin_person)
    assert snapshot() == before


def test_an_empty_cell_in_a_column_the_file_has_clears_the_field_and_the_preview_says_so(ann, admin_person):
    preview = people_import_parse(upload=csv_upload("ann@example.org,Ann Archer,,,,,"), by=admin_person)
    changes = {c["field"]: c["new"] for c in rows_by_email(preview)["ann@example.org"]["changes"]}
    assert changes["team"] == changes["job title"] == changes["grade"] == "cleared (the cell is empty in the file)"
    people_import_apply(people_import=preview, by=admin_person)
    ann.refresh_from_db()
    assert (ann.org_unit, ann.job_title, ann.grade) == (None, "", None)


def test_a_comma_inside_an_unquoted_name_is_an_error_not_a_shifted_row(support, admin_person):
    preview = people_import_parse(
        upload=csv_upload("bo@example.org,Smith, Bo,Operations > Customer Support,Analyst,3,,2026-01-05"),
        by=admin_person,
    )
    assert preview.rows[0]["outcome"] == "error"
    assert "probably a comma inside a name" in preview.rows[0]["errors"][0]


def test_a_leaver_status_deactivates_and_the_preview_says_so(client, ann, admin_person, support):
    upload = csv_upload(
        "ann@example.org,Ann Archer,Terminated",
        "new@example.org,New Leaver,Leaver",
        "bea@example.org,Bea Active,Active",
        header="email,name,Employment Status",
    )
    preview = people_import_parse(upload=upload, by=admin_person)
    rows = rows_by_email(preview)
    assert rows["ann@example.org"]["outcome"] == "update"
    assert {"field": "account", "old": "active", "new": "deactivated: the status says they have left"} in rows[
        "ann@example.org"
    ]["changes"]
    assert rows["new@example.org"]["outcome"] == "unchanged"
    assert "not created" in rows["new@example.org"]["changes"][0]["new"]
    assert rows["bea@example.org"]["outcome"] == "create"
    assert preview.summary["deactivate"] == 1
    client.force_login(admin_person)
    page = client.get(reverse("programmes:people_import_preview", args=[preview.pk])).content.decode()
    assert "1 person will be deactivated" in page and "account: active → deactivated" in page

    people_import_apply(people_import=preview, by=admin_person)
    ann.refresh_from_db()
    assert ann.is_active is False
    assert not Person.objects.filter(email="new@example.org").exists()
    assert Person.objects.get(email="bea@example.org").is_active


@pytest.mark.parametrize("status", ["Inactive", "LEAVER", "terminated", "Left"])
def test_leaver_statuses_are_understood_in_any_spelling(ann, admin_person, status):
    upload = csv_upload(f"ann@example.org,Ann Archer,{status}", header="email,name,status")
    preview = people_import_parse(upload=upload, by=admin_person)
    assert preview.summary["deactivate"] == 1


def test_an_unknown_status_is_an_error_and_nobody_deactivates_themselves(ann, admin_person):
    upload = csv_upload(
        "ann@example.org,Ann Archer,Maybe", "hr-admin@example.org,Hana Admin,Terminated", header="email,name,status"
    )
    rows = rows_by_email(people_import_parse(upload=upload, by=admin_person))
    assert "Unknown status “Maybe”" in rows["ann@example.org"]["errors"][0]
    assert "cannot deactivate your own account" in rows["hr-admin@example.org"]["errors"][0]


def test_stored_previews_are_purged_after_seven_days_applied_imports_stay(
    admin_person, django_capture_on_commit_callbacks
):
    from programmes.tasks import purge_old_people_import_previews

    old = timezone.now() - datetime.timedelta(days=8)
    stale = PeopleImportFactory(filename="stale.csv", created_at=old)
    PeopleImportFactory(filename="discarded.csv", created_at=old, status=PeopleImport.Status.DISCARDED)
    PeopleImportFactory(filename="applied.csv", created_at=old, status=PeopleImport.Status.APPLIED)
    PeopleImportFactory(filename="recent.csv", created_at=timezone.now() - datetime.timedelta(days=6))
    people_import_parse(upload=csv_upload("zed@example.org,Zed,,,,,"), by=admin_person)  # purges at upload
    assert sorted(PeopleImport.objects.values_list("filename", flat=True)) == [
        "applied.csv",
        "people.csv",
        "recent.csv",
    ]
    assert not PeopleImport.objects.filter(pk=stale.pk).exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, hours=1)):
        assert purge_old_people_import_previews() == 2  # the periodic task: recent.csv and today's preview


def test_the_upload_page_never_loads_the_imports_rows(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PeopleImportFactory(uploaded_by=cast["coordinator"])
    client.force_login(cast["coordinator"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programmes:people_import"))
    assert len(response.context["page"].object_list) == 1
    selects = [q["sql"] for q in queries if "peopleimport" in q["sql"].lower()]
    assert selects and not any('"rows"' in sql for sql in selects)


def test_an_upload_sent_twice_makes_one_preview(cast, support):
    """The upload form carries a one-time token; a double click stores one preview."""
    from django.test import Client

    from config.tests.html_forms import form_of

    web = Client(enforce_csrf_checks=True)
    web.force_login(cast["coordinator"])
    url = reverse("programmes:people_import")
    data = form_of(web.get(url).content.decode(), action="").data()
    first = web.post(url, {**data, "file": csv_upload("zed@example.org,Zed,,,,,")})
    second = web.post(url, {**data, "file": csv_upload("zed@example.org,Zed,,,,,")})
    assert first["Location"] == second["Location"]
    assert PeopleImport.objects.count() == 1
