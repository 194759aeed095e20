"""Training pages: shallow view tests, bad input on the page, evidence behind an access check, query budgets."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.dates import short_date
from programmes.models import Course, ProgrammeRequirement, ReadinessOverride, Role, TrainingRecord
from programmes.tests.factories import (
    CourseFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeRequirementFactory,
    TrainingRecordFactory,
    evidence_pdf,
)

pytestmark = pytest.mark.django_db
PDF = evidence_pdf()


@pytest.fixture
def required(programme):
    course = CourseFactory(title="Mentor training")
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTOR, course=course)
    return course


def with_evidence(record: TrainingRecord, content: bytes = PDF, name: str = "certificate.pdf") -> TrainingRecord:
    record.evidence_file.save(name, ContentFile(content), save=True)
    return record


# --- Course catalogue -------------------------------------------------------------------------------------


def test_a_coordinator_adds_a_course_to_the_catalogue(client, coordinator):
    client.force_login(coordinator)
    data = {"title": "Coaching skills", "kind": "mentor_training", "hours": "6", "validity_months": "24"}
    response = client.post(reverse("programmes:course_create"), data, follow=True)
    assert "“Coaching skills” is saved in the catalogue." in response.content.decode()
    assert Course.objects.get(title="Coaching skills").validity_months == 24


def test_bad_course_input_is_explained_on_the_page(client, coordinator):
    CourseFactory(title="Coaching skills")
    client.force_login(coordinator)
    data = {"title": "COACHING SKILLS", "kind": "mentor_training", "hours": "-1", "validity_months": "0"}
    response = client.post(reverse("programmes:course_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"hours", "validity_months"}
    response = client.post(reverse("programmes:course_create"), {**data, "hours": "2", "validity_months": ""})
    assert "already has a course called" in response.content.decode()
    assert Course.objects.exclude(kind=Course.Kind.BRIEFING).count() == 1  # the briefing is the catalogue's own


def test_an_administrator_who_coordinates_nothing_keeps_the_catalogue_too(client, administrator):
    course = CourseFactory(title="Old course")
    client.force_login(administrator)
    client.post(reverse("programmes:course_edit", args=[course.pk]), {"title": "Renamed", "kind": "course", "hours": 1})
    course.refresh_from_db()
    assert course.title == "Renamed"


def test_the_catalogue_filters_by_kind_and_active(client, coordinator):
    CourseFactory(title="Active mentor course")
    CourseFactory(title="Retired mentor course", is_active=False)
    CourseFactory(title="Orientation", kind=Course.Kind.MENTEE_ORIENTATION)
    client.force_login(coordinator)
    url = reverse("programmes:course_list")
    titles = [c.title for c in client.get(url, {"kind": "mentor_training", "active": "yes"}).context["page"]]
    assert titles == ["Active mentor course"]
    response = client.get(url, {"kind": "cooking"})
    # All courses: the three above (and the line manager briefing issue 20's migration adds to every catalogue).
    shown = [c for c in response.context["page"] if c.kind != Course.Kind.BRIEFING]
    assert b"That filter was not understood" in response.content and len(shown) == 3


def test_deactivating_asks_first_and_reactivating_brings_it_back(client, coordinator):
    course = CourseFactory(title="Listening")
    client.force_login(coordinator)
    url = reverse("programmes:course_deactivate", args=[course.pk])
    assert "Deactivate “Listening”?" in client.get(url).content.decode()
    course.refresh_from_db()
    assert course.is_active  # the confirmation page changed nothing
    client.post(url)
    course.refresh_from_db()
    assert not course.is_active
    client.post(reverse("programmes:course_reactivate", args=[course.pk]))
    course.refresh_from_db()
    assert course.is_active


def test_a_course_in_use_is_not_deleted(client, coordinator):
    record = TrainingRecordFactory()
    client.force_login(coordinator)
    url = reverse("programmes:course_delete", args=[record.course_id])
    assert "cannot be deleted" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "Deactivate it instead" in response.content.decode()
    assert Course.objects.filter(pk=record.course_id).exists()


def test_a_mentor_cannot_open_the_catalogue(client, mentor):
    client.force_login(mentor)
    assert client.get(reverse("programmes:course_list")).status_code == 403


# --- Requirements -----------------------------------------------------------------------------------------


def test_a_coordinator_requires_a_course_and_removes_it_after_confirming(client, cast):
    programme = cast["pairing"].programme
    course = CourseFactory(title="Orientation")
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_requirements", args=[programme.pk])
    response = client.post(url, {"role": "mentee", "course": course.pk}, follow=True)
    assert "Mentees now need “Orientation”." in response.content.decode()
    requirement = ProgrammeRequirement.objects.get(programme=programme)
    remove = reverse("programmes:training_requirement_remove", args=[programme.pk, requirement.pk])
    assert "Stop requiring “Orientation” of mentees?" in client.get(remove).content.decode()
    client.post(remove)
    assert not ProgrammeRequirement.objects.exists()


def test_requiring_a_course_twice_says_so_on_the_page(client, cast, required):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_requirements", args=[cast["pairing"].programme_id])
    response = client.post(url, {"role": "mentor", "course": required.pk})
    assert "Mentors already need “Mentor training”." in response.content.decode()
    response = client.post(url, {"role": "mentor", "course": "999999"})
    assert "Select a valid choice" in response.content.decode()


def test_a_requirement_of_another_programme_is_not_found(client, cast):
    foreign = ProgrammeRequirementFactory(programme=ProgrammeFactory())
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_requirement_remove", args=[cast["pairing"].programme_id, foreign.pk])
    assert client.post(url).status_code == 404
    assert ProgrammeRequirement.objects.filter(pk=foreign.pk).exists()


# --- Matrix -----------------------------------------------------------------------------------------------


def test_the_matrix_shows_each_participant_against_their_role_s_courses(client, cast, required):
    today = timezone.localdate()
    TrainingRecordFactory(
        person=cast["mentor"], course=required, completed_on=today, expires_on=today + datetime.timedelta(days=10)
    )
    client.force_login(cast["coordinator"])
    response = client.get(reverse("programmes:training_matrix", args=[cast["pairing"].programme_id]))
    rows = {readiness.person: cells for readiness, cells in response.context["rows"]}
    assert [c.state for c in rows[cast["mentor"]]] == ["expiring"]
    assert rows[cast["mentee"]] == [None]  # mentees are not required to take mentor training
    content = response.content.decode()
    assert "Expiring" in content and short_date(today + datetime.timedelta(days=10)) in content


def test_the_matrix_filters_by_readiness_and_role(client, cast, required):
    extra = PersonFactory(display_name="Nat Notready")
    MembershipFactory(programme=cast["pairing"].programme, person=extra, role=Role.MENTOR)
    TrainingRecordFactory(person=cast["mentor"], course=required)
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_matrix", args=[cast["pairing"].programme_id])
    people = [r.person for r, _ in client.get(url, {"readiness": "not_ready"}).context["rows"]]
    assert people == [extra]
    people = [r.person for r, _ in client.get(url, {"readiness": "ready", "role": "mentor"}).context["rows"]]
    assert people == [cast["mentor"]]
    response = client.get(url, {"readiness": "perhaps"})
    assert b"That filter was not understood" in response.content and len(response.context["rows"]) == 3


def test_an_empty_programme_gets_a_helpful_matrix(client, coordinator, programme):
    client.force_login(coordinator)
    content = client.get(reverse("programmes:training_matrix", args=[programme.pk])).content.decode()
    assert "This programme has no mentors or mentees yet." in content
    assert "does not require any training yet" in content


# --- Records and evidence ---------------------------------------------------------------------------------


def test_a_coordinator_records_a_completed_course_with_evidence(client, cast, required):
    client.force_login(cast["coordinator"])
    programme = cast["pairing"].programme
    url = reverse("programmes:training_record_create", args=[programme.pk, cast["mentor"].pk])
    data = {
        "course": required.pk,
        "status": "completed",
        "completed_on": timezone.localdate().isoformat(),
        "evidence_file": SimpleUploadedFile("cert.pdf", PDF, content_type="application/pdf"),
    }
    response = client.post(url, data, follow=True)
    assert "Max Mentor&#x27;s record of “Mentor training” is saved." in response.content.decode()
    record = TrainingRecord.objects.get()
    assert record.hours == required.hours and record.evidence_file
    assert response.context["readiness"].ready


def test_a_bad_evidence_file_is_explained_and_nothing_is_saved(client, cast, required):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_record_create", args=[cast["pairing"].programme_id, cast["mentor"].pk])
    data = {
        "course": required.pk,
        "status": "completed",
        "completed_on": timezone.localdate().isoformat(),
        "evidence_file": SimpleUploadedFile("cert.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Evidence must be a PDF, PNG or JPEG file" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_a_pdf_header_with_garbage_after_is_refused_on_the_page(client, cast, required):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_record_create", args=[cast["pairing"].programme_id, cast["mentor"].pk])
    data = {
        "course": required.pk,
        "status": "completed",
        "completed_on": timezone.localdate().isoformat(),
        "evidence_file": SimpleUploadedFile("cert.pdf", b"%PDF-1.7\n" + b"junk" * 1000, content_type="application/pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "starts like a PDF but cannot be read as one" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_a_completion_date_in_the_future_is_explained_on_the_page(client, cast, required):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_record_create", args=[cast["pairing"].programme_id, cast["mentor"].pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"course": required.pk, "status": "completed", "completed_on": tomorrow})
    assert "The completion date cannot be in the future." in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_a_coordinator_edits_and_verifies_a_record(client, cast, required):
    record = TrainingRecordFactory(person=cast["mentor"], course=required, status="booked", completed_on=None)
    client.force_login(cast["coordinator"])
    programme = cast["pairing"].programme
    today = timezone.localdate().isoformat()
    edit = reverse("programmes:training_record_edit", args=[programme.pk, record.pk])
    client.post(edit, {"course": required.pk, "status": "completed", "completed_on": today, "hours": "4.5"})
    client.post(reverse("programmes:training_record_verify", args=[programme.pk, record.pk]))
    record.refresh_from_db()
    assert (record.status, record.hours, record.verified_by) == ("completed", Decimal("4.5"), cast["coordinator"])


def test_records_of_people_outside_the_programme_are_not_found(client, cast):
    stranger_record = TrainingRecordFactory()
    client.force_login(cast["coordinator"])
    programme = cast["pairing"].programme_id
    assert (
        client.get(reverse("programmes:training_record_edit", args=[programme, stranger_record.pk])).status_code == 404
    )
    url = reverse("programmes:training_record_create", args=[programme, cast["coordinator"].pk])
    assert client.get(url).status_code == 404  # coordinators are not participants


def test_evidence_is_downloaded_through_the_access_check_only(client, cast, required):
    record = with_evidence(TrainingRecordFactory(person=cast["mentee"], course=required))
    url = reverse("programmes:training_evidence", args=[record.pk])
    client.force_login(cast["mentee"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    client.force_login(cast["coordinator"])
    page = client.get(reverse("programmes:training_person", args=[cast["pairing"].programme_id, cast["mentee"].pk]))
    assert url in page.content.decode() and record.evidence_file.name not in page.content.decode()
    client.force_login(cast["mentor"])
    assert client.get(url).status_code == 404


def test_the_coordinator_of_another_programme_cannot_download_the_evidence(client, cast, required):
    record = with_evidence(TrainingRecordFactory(person=cast["mentee"], course=required))
    other_coordinator = PersonFactory()
    MembershipFactory(programme=ProgrammeFactory(), person=other_coordinator, role=Role.COORDINATOR)
    client.force_login(other_coordinator)
    assert client.get(reverse("programmes:training_evidence", args=[record.pk])).status_code == 404


# --- Override ---------------------------------------------------------------------------------------------


def test_a_coordinator_overrides_readiness_with_a_reason_and_can_withdraw_it(client, cast, required):
    client.force_login(cast["coordinator"])
    programme = cast["pairing"].programme
    url = reverse("programmes:readiness_override", args=[programme.pk, cast["mentor"].pk])
    assert "This field is required" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "Booked on the 14 April course"}, follow=True)
    assert "Max Mentor may now be matched" in response.content.decode()
    assert "Not met, cleared by a coordinator" in response.content.decode()
    withdraw = reverse("programmes:readiness_override_withdraw", args=[programme.pk, cast["mentor"].pk])
    client.post(withdraw)
    assert not ReadinessOverride.objects.exists()


# --- My training and the export ---------------------------------------------------------------------------


def test_my_training_shows_my_records_and_what_each_programme_still_needs(client, cast, required):
    TrainingRecordFactory(person=cast["mentee"], course=CourseFactory(title="Spreadsheets"))
    TrainingRecordFactory(person=cast["mentor"], course=CourseFactory(title="Someone else's course"))
    client.force_login(cast["mentor"])
    content = client.get(reverse("programmes:my_training")).content.decode()
    assert "Someone else&#x27;s course" in content and "Spreadsheets" not in content
    assert "Growing Together" in content and "Training not met" in content and "Mentor training" in content


def test_someone_without_programmes_or_records_gets_an_empty_state(client, outsider):
    client.force_login(outsider)
    content = client.get(reverse("programmes:my_training")).content.decode()
    assert "No training recorded for you yet." in content and "no training is required of you" in content


def test_the_export_is_a_csv_download_that_spreadsheets_cannot_run(client, cast):
    cast["mentor"].display_name = '=HYPERLINK("http://evil")'
    cast["mentor"].save()
    TrainingRecordFactory(person=cast["mentor"], course=CourseFactory(title="@SUM(A1)"))
    client.force_login(cast["coordinator"])
    response = client.get(reverse("programmes:training_export", args=[cast["pairing"].programme_id]))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="training-growing-together-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Person", "Email", "Role", "Course"]
    mentor_row = next(r for r in rows if r[1] == "mentor@example.org")
    assert mentor_row[0] == '\'=HYPERLINK("http://evil")' and mentor_row[3] == "'@SUM(A1)"
    assert {r[1] for r in rows[1:]} == {"mentor@example.org", "mentee@example.org"}  # participants only


# --- Query budgets: the same number of queries with a little and with a lot of data -----------------------


def grow_participants(programme, courses: list[Course], n: int) -> None:
    for i in range(n):
        person = PersonFactory()
        MembershipFactory(programme=programme, person=person, role=Role.MENTOR if i % 2 else Role.MENTEE)
        for course in courses:
            TrainingRecordFactory(person=person, course=course)


@pytest.mark.parametrize("extra", [3, 40])
def test_training_matrix_query_budget(client, cast, django_assert_num_queries, extra):
    programme = cast["pairing"].programme
    courses = [CourseFactory() for _ in range(3)]
    for course, role in zip(courses, [Role.MENTOR, Role.MENTEE, Role.MENTOR], strict=True):
        ProgrammeRequirementFactory(programme=programme, course=course, role=role)
    grow_participants(programme, courses[:2], extra)
    ReadinessOverride.objects.create(
        programme=programme, person=cast["mentee"], reason="x", created_by=cast["coordinator"]
    )
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, the requirements with courses, the paginator's count, one page of
    # participants with their readiness, their records for the required courses, their overrides, the areas
    with django_assert_num_queries(10):
        response = client.get(reverse("programmes:training_matrix", args=[programme.pk]))
    assert len(response.context["rows"]) == min(extra + 2, 25)


@pytest.mark.parametrize("extra", [3, 40])
def test_course_list_query_budget(client, coordinator, django_assert_num_queries, extra):
    for _ in range(extra):
        TrainingRecordFactory(course=CourseFactory())
    client.force_login(coordinator)
    # session, user, the areas (page check and navigation), the paginator's count, one page of courses with counts
    with django_assert_num_queries(5):
        assert client.get(reverse("programmes:course_list")).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_training_person_query_budget(client, cast, required, django_assert_num_queries, extra):
    for _ in range(extra):
        TrainingRecordFactory(person=cast["mentor"], course=CourseFactory(), verified_by=cast["coordinator"])
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_person", args=[cast["pairing"].programme_id, cast["mentor"].pk])
    # session, user, the programme, my roles, the membership, the paginator's count, one page of records with
    # courses and verifiers, the requirements, the records for them, the override, the audit row, the areas,
    # the learning opportunities they took up
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_my_training_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        programme = ProgrammeFactory()
        MembershipFactory(programme=programme, person=cast["mentor"], role=Role.MENTOR)
        requirement = ProgrammeRequirementFactory(programme=programme, role=Role.MENTOR)
        TrainingRecordFactory(person=cast["mentor"], course=requirement.course)
    client.force_login(cast["mentor"])
    # session, user, the paginator's count, one page of my records with courses and verifiers, my memberships
    # with programmes, their requirements, my records for them, my overrides, the areas, the learning
    # opportunities I took up
    with django_assert_num_queries(10):
        assert client.get(reverse("programmes:my_training")).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_training_requirements_query_budget(client, cast, django_assert_num_queries, extra):
    programme = cast["pairing"].programme
    for i in range(extra):
        ProgrammeRequirementFactory(programme=programme, role=Role.MENTOR if i % 2 else Role.MENTEE)
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, the active courses for the form, the requirements, the areas
    with django_assert_num_queries(7):
        assert client.get(reverse("programmes:training_requirements", args=[programme.pk])).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_training_export_query_budget(client, cast, django_assert_num_queries, extra):
    programme = cast["pairing"].programme
    grow_participants(programme, [CourseFactory(), CourseFactory()], extra)
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, the participants with people, their records with courses and verifiers
    with django_assert_num_queries(6):
        response = client.get(reverse("programmes:training_export", args=[programme.pk]))
    assert len(response.content.decode().splitlines()) == 1 + 2 * extra + 2


def test_evidence_on_disk_has_no_public_url_and_is_served_by_the_view(client, cast, required, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    record = with_evidence(TrainingRecordFactory(person=cast["mentee"], course=required))
    assert (tmp_path / record.evidence_file.name).read_bytes() == PDF
    client.force_login(cast["mentee"])
    for public in (f"/{record.evidence_file.name}", f"/media/{record.evidence_file.name}"):
        assert client.get(public).status_code == 404
    response = client.get(reverse("programmes:training_evidence", args=[record.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
