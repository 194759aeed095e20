"""Training records: the rules of the services, readiness for matching, and the daily expiry sweep."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes import selectors
from programmes.models import (
    Course,
    Notification,
    ProgrammeRequirement,
    ReadinessOverride,
    Role,
    TrainingExpiryWarning,
    TrainingRecord,
)
from programmes.selectors import CourseState
from programmes.services import training as services
from programmes.tasks import warn_expiring_training
from programmes.tests.factories import (
    CourseFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeRequirementFactory,
    TrainingRecordFactory,
    evidence_image,
    evidence_pdf,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 3, 10)
PDF = evidence_pdf()
PNG = evidence_image("PNG")
JPEG = evidence_image("JPEG")


def day(value: datetime.date) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(value, datetime.time(9), tzinfo=LONDON), tick=False)


@pytest.fixture
def today():
    with day(TODAY):
        yield TODAY


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


# --- Months -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 11, 15), 2, datetime.date(2027, 1, 15)),
        (datetime.date(2026, 12, 31), 24, datetime.date(2028, 12, 31)),
    ],
)
def test_months_after_counts_calendar_months_and_clamps_the_day(start, months, expected):
    assert services.months_after(start, months) == expected


# --- Catalogue and requirements ---------------------------------------------------------------------------


def test_a_course_title_is_unique_whatever_its_case():
    CourseFactory(title="Mentoring Basics")
    with pytest.raises(ValidationError) as exc:
        services.course_create(data={"title": "mentoring basics ", "kind": Course.Kind.COURSE, "hours": Decimal(2)})
    assert "already has a course called “Mentoring Basics”" in exc.value.message_dict["title"][0]


def test_a_course_with_records_cannot_be_deleted_only_deactivated():
    record = TrainingRecordFactory()
    with pytest.raises(ValidationError, match="Deactivate it instead"):
        services.course_delete(course=record.course)
    services.course_set_active(course=record.course, active=False)
    record.course.refresh_from_db()
    assert not record.course.is_active and TrainingRecord.objects.filter(pk=record.pk).exists()


def test_an_unused_course_can_be_deleted():
    course = CourseFactory()
    services.course_delete(course=course)
    assert not Course.objects.filter(pk=course.pk).exists()


def test_a_programme_cannot_require_an_inactive_course_or_the_same_course_twice(programme):
    old = CourseFactory(is_active=False)
    with pytest.raises(ValidationError, match="no longer offered"):
        services.requirement_add(programme=programme, role=Role.MENTOR, course=old)
    course = CourseFactory(title="Mentor skills")
    services.requirement_add(programme=programme, role=Role.MENTOR, course=course)
    with pytest.raises(ValidationError, match="Mentors already need “Mentor skills”"):
        services.requirement_add(programme=programme, role=Role.MENTOR, course=course)
    services.requirement_add(programme=programme, role=Role.MENTEE, course=course)  # the other role may need it too
    assert ProgrammeRequirement.objects.filter(programme=programme).count() == 2


def test_coordinators_cannot_be_required_to_train(programme):
    with pytest.raises(ValidationError):
        services.requirement_add(programme=programme, role=Role.COORDINATOR, course=CourseFactory())


# --- Records ----------------------------------------------------------------------------------------------


def record(person, course, **kwargs) -> TrainingRecord:
    kwargs.setdefault("status", TrainingRecord.Status.COMPLETED)
    return services.training_record_create(person=person, course=course, **kwargs)


def test_a_completed_record_needs_a_date_that_is_not_in_the_future(today, mentor):
    course = CourseFactory()
    with pytest.raises(ValidationError) as exc:
        record(mentor, course)
    assert exc.value.message_dict == {"completed_on": ["Give the date the course was completed."]}
    with pytest.raises(ValidationError, match="cannot be in the future"):
        record(mentor, course, completed_on=today + days(1))
    assert not TrainingRecord.objects.exists()


def test_a_planned_record_has_no_completion_date(today, mentor):
    with pytest.raises(ValidationError, match="no completion date yet"):
        record(mentor, CourseFactory(), status=TrainingRecord.Status.PLANNED, completed_on=today)


def test_completion_sets_the_expiry_by_calendar_months_and_hours_default_to_the_course(mentor):
    course = CourseFactory(hours=Decimal("7.5"), validity_months=1)
    with day(datetime.date(2026, 2, 2)):
        saved = record(mentor, course, completed_on=datetime.date(2026, 1, 31))
    assert saved.expires_on == datetime.date(2026, 2, 28)
    assert saved.hours == Decimal("7.5")
    assert saved.status == TrainingRecord.Status.COMPLETED


def test_a_course_without_validity_never_expires(today, mentor):
    saved = record(mentor, CourseFactory(validity_months=None), completed_on=today, hours=Decimal(3))
    assert saved.expires_on is None and saved.hours == Decimal(3)


def test_a_completion_that_already_lapsed_is_saved_as_expired(today, mentor):
    saved = record(mentor, CourseFactory(validity_months=12), completed_on=today - days(800))
    assert saved.status == TrainingRecord.Status.EXPIRED


def test_an_inactive_course_cannot_be_newly_recorded_but_old_records_stay_editable(today, mentor):
    course = CourseFactory(is_active=False)
    with pytest.raises(ValidationError, match="no longer offered"):
        record(mentor, course, completed_on=today)
    existing = TrainingRecordFactory(person=mentor, course=course)
    services.training_record_update(
        record=existing, course=course, status="completed", completed_on=today, evidence_note="Seen the certificate"
    )
    existing.refresh_from_db()
    assert existing.evidence_note == "Seen the certificate"


def test_evidence_is_checked_by_its_content_not_its_name(today, mentor):
    fake = SimpleUploadedFile("certificate.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        record(mentor, CourseFactory(), completed_on=today, evidence_file=fake)
    assert "must be a PDF, PNG or JPEG" in exc.value.message_dict["evidence_file"][0]
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("cert.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 500, "starts like a PDF but cannot be read"),
        ("cert.pdf", PDF[: len(PDF) // 2], "starts like a PDF but cannot be read"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage!" * 500, "starts like a PNG image but cannot be read"),
        ("photo.png", PNG[: len(PNG) // 2], "starts like a PNG image but cannot be read"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"garbage!" * 500, "starts like a JPEG image but cannot be read"),
        ("photo.jpg", JPEG[: len(JPEG) - 200], "starts like a JPEG image but cannot be read"),
    ],
    ids=[
        "pdf-header-then-garbage",
        "pdf-cut-short",
        "png-header-then-garbage",
        "png-cut-short",
        "jpeg-garbage",
        "jpeg-cut-short",
    ],
)
def test_evidence_with_a_right_header_but_a_broken_body_is_refused(today, mentor, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as exc:
        record(mentor, CourseFactory(), completed_on=today, evidence_file=upload)
    assert message in exc.value.message_dict["evidence_file"][0]
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize("name, content", [("c.pdf", PDF), ("c.png", PNG), ("c.jpg", JPEG)])
def test_real_pdf_png_and_jpeg_evidence_is_accepted(today, mentor, name, content):
    saved = record(mentor, CourseFactory(), completed_on=today, evidence_file=SimpleUploadedFile(name, content))
    assert saved.evidence_file.read() == content


def test_evidence_over_five_megabytes_is_refused(today, mentor):
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="the limit is 5 MB"):
        record(mentor, CourseFactory(), completed_on=today, evidence_file=big)


def test_evidence_is_stored_under_the_kind_its_content_shows(today, mentor):
    png = SimpleUploadedFile("photo.PDF", PNG, content_type="application/pdf")
    saved = record(mentor, CourseFactory(title="First Aid"), completed_on=today, evidence_file=png)
    assert saved.evidence_file.name.endswith(".png") and "first-aid" in saved.evidence_file.name
    assert saved.evidence_file.read() == PNG


def test_changing_what_was_verified_clears_the_verification(today, mentor, coordinator):
    saved = record(mentor, CourseFactory(), completed_on=today - days(3))
    services.training_record_verify(record=saved, by=coordinator)
    services.training_record_update(
        record=saved, course=saved.course, status="completed", completed_on=saved.completed_on, evidence_note="note"
    )
    saved.refresh_from_db()
    assert saved.verified_by == coordinator  # a new note changes nothing that was checked
    services.training_record_update(
        record=saved, course=saved.course, status="completed", completed_on=today - days(4), evidence_note="note"
    )
    saved.refresh_from_db()
    assert saved.verified_by is None and saved.verified_at is None


def test_replacing_the_evidence_clears_the_verification_and_removes_the_old_file(
    today, mentor, coordinator, django_capture_on_commit_callbacks
):
    saved = record(mentor, CourseFactory(), completed_on=today, evidence_file=SimpleUploadedFile("a.pdf", PDF))
    services.training_record_verify(record=saved, by=coordinator)
    old_name = saved.evidence_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.training_record_update(
            record=saved,
            course=saved.course,
            status="completed",
            completed_on=today,
            evidence_file=SimpleUploadedFile("b.png", PNG),
        )
    saved.refresh_from_db()
    assert saved.verified_at is None
    assert saved.evidence_file.name.endswith(".png")
    assert not saved.evidence_file.storage.exists(old_name)


def test_only_a_completed_course_can_be_verified(today, mentor, coordinator):
    planned = record(mentor, CourseFactory(), status=TrainingRecord.Status.PLANNED)
    with pytest.raises(ValidationError, match="Only a completed course"):
        services.training_record_verify(record=planned, by=coordinator)
    done = record(mentor, CourseFactory(), completed_on=today)
    services.training_record_verify(record=done, by=coordinator)
    assert done.verified_by == coordinator and done.verified_at is not None


# --- Readiness --------------------------------------------------------------------------------------------


@pytest.fixture
def required(programme):
    """Mentors need mentor training (valid 12 months); mentees need orientation (valid forever)."""
    mentor_course = CourseFactory(title="Mentor training", validity_months=12)
    mentee_course = CourseFactory(title="Orientation", kind=Course.Kind.MENTEE_ORIENTATION, validity_months=None)
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTOR, course=mentor_course)
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTEE, course=mentee_course)
    return {"mentor": mentor_course, "mentee": mentee_course}


def completed(person, course, *, on: datetime.date, expires: datetime.date | None = None, **kw) -> TrainingRecord:
    return TrainingRecordFactory(person=person, course=course, completed_on=on, expires_on=expires, **kw)


def test_readiness_is_met_expiring_or_missing_per_required_course(today, programme, mentor, mentee, required):
    other_mentor = PersonFactory()
    MembershipFactory(programme=programme, person=other_mentor, role=Role.MENTOR)
    completed(mentor, required["mentor"], on=today - days(100), expires=today + days(200))
    completed(other_mentor, required["mentor"], on=today - days(300), expires=today + days(30))
    readiness = selectors.training_readiness(programme=programme)

    assert [s.state for s in readiness[mentor.pk].statuses] == [CourseState.MET]
    expiring = readiness[other_mentor.pk]
    assert [s.state for s in expiring.statuses] == [CourseState.EXPIRING]
    assert expiring.statuses[0].expires_on == today + days(30)
    assert expiring.ready  # expiring is still met, only flagged
    assert readiness[mentee.pk].missing == [required["mentee"]] and not readiness[mentee.pk].ready


def test_an_expired_or_merely_booked_record_counts_as_missing(today, programme, mentor, required):
    completed(mentor, required["mentor"], on=today - days(400), expires=today, status=TrainingRecord.Status.COMPLETED)
    TrainingRecordFactory(
        person=mentor, course=required["mentor"], status=TrainingRecord.Status.BOOKED, completed_on=None
    )
    status = selectors.training_readiness(programme=programme)[mentor.pk].statuses[0]
    assert status.state == CourseState.MISSING
    assert status.record.status == TrainingRecord.Status.BOOKED  # the latest record, shown as a hint


def test_the_longest_lasting_record_counts(today, programme, mentor, required):
    completed(mentor, required["mentor"], on=today - days(350), expires=today + days(10))
    completed(mentor, required["mentor"], on=today - days(5), expires=today + days(360))
    status = selectors.training_readiness(programme=programme)[mentor.pk].statuses[0]
    assert status.state == CourseState.MET and status.expires_on == today + days(360)


def test_someone_with_nothing_required_is_ready(today, programme, mentor):
    assert selectors.training_readiness(programme=programme)[mentor.pk].ready


def test_requirements_of_another_programme_do_not_count(today, programme, mentor, required):
    other = ProgrammeFactory()
    MembershipFactory(programme=other, person=mentor, role=Role.MENTOR)
    ProgrammeRequirementFactory(programme=other, role=Role.MENTOR)
    completed(mentor, required["mentor"], on=today - days(1), expires=today + days(300))
    assert selectors.is_matchable(programme=programme, person=mentor)
    assert not selectors.is_matchable(programme=other, person=mentor)


def test_not_ready_becomes_matchable_with_an_override(today, programme, coordinator, mentor, required):
    assert not selectors.is_matchable(programme=programme, person=mentor)
    services.readiness_override_record(programme=programme, person=mentor, reason="Course next week", by=coordinator)
    readiness = selectors.training_readiness(programme=programme, people=[mentor])[mentor.pk]
    assert not readiness.ready and readiness.matchable
    assert readiness.override.reason == "Course next week"
    assert selectors.is_matchable(programme=programme, person=mentor.pk)


def test_someone_outside_the_programme_is_not_matchable(today, programme, outsider, required):
    assert not selectors.is_matchable(programme=programme, person=outsider)


def test_the_database_readiness_filter_agrees_with_the_detailed_readiness(today, programme, mentor, mentee, required):
    completed(mentor, required["mentor"], on=today - days(10), expires=today + days(20))
    annotated = {m.person_id: m.is_ready for m in selectors.participants_with_readiness(programme=programme, on=today)}
    detailed = {pk: r.ready for pk, r in selectors.training_readiness(programme=programme, on=today).items()}
    assert annotated == detailed == {mentor.pk: True, mentee.pk: False}


@pytest.mark.parametrize("size", [3, 40])
def test_readiness_of_a_whole_programme_takes_four_queries(today, programme, required, size, django_assert_num_queries):
    for i in range(size):
        person = PersonFactory()
        MembershipFactory(programme=programme, person=person, role=Role.MENTOR if i % 2 else Role.MENTEE)
        completed(person, required["mentor" if i % 2 else "mentee"], on=today - days(i), expires=None)
    # the memberships with people, the requirements with courses, the records, the overrides
    with django_assert_num_queries(4):
        readiness = selectors.training_readiness(programme=programme)
    assert len(readiness) == size and all(r.ready for r in readiness.values())


# --- Overrides --------------------------------------------------------------------------------------------


def test_only_a_coordinator_of_the_programme_may_override(programme, mentor, mentee):
    with pytest.raises(PermissionDenied):
        services.readiness_override_record(programme=programme, person=mentee, reason="Because", by=mentor)


def test_an_override_needs_a_reason_and_a_participant(programme, coordinator, mentee, outsider):
    with pytest.raises(ValidationError, match="Say why"):
        services.readiness_override_record(programme=programme, person=mentee, reason="   ", by=coordinator)
    with pytest.raises(ValidationError, match="not a mentor or mentee"):
        services.readiness_override_record(programme=programme, person=outsider, reason="x", by=coordinator)
    assert not ReadinessOverride.objects.exists()


def test_recording_an_override_again_replaces_the_reason(programme, coordinator, mentee):
    services.readiness_override_record(programme=programme, person=mentee, reason="First", by=coordinator)
    services.readiness_override_record(programme=programme, person=mentee, reason="Second", by=coordinator)
    assert list(ReadinessOverride.objects.values_list("reason", flat=True)) == ["Second"]


# --- The daily expiry sweep -------------------------------------------------------------------------------


@pytest.fixture
def expiring(programme, coordinator, mentor):
    """The mentor's training expires 20 days after TODAY."""
    course = CourseFactory(title="Safeguarding")
    return completed(mentor, course, on=TODAY - days(345), expires=TODAY + days(20))


def test_the_sweep_warns_the_person_and_their_coordinator_once(expiring, mentor, coordinator):
    with day(TODAY):
        assert warn_expiring_training.delay().get() == {"expired": 0, "warned": 1, "failed": 0}
        assert warn_expiring_training.delay().get() == {"expired": 0, "warned": 0, "failed": 0}
    with day(TODAY + days(5)):
        services.training_warn_expiring()
    assert TrainingExpiryWarning.objects.filter(record=expiring, expires_on=expiring.expires_on).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, coordinator.email])
    assert "Safeguarding" in next(m.subject for m in mail.outbox if m.to == [mentor.email])
    assert Notification.objects.filter(person=coordinator, text__contains="Max Mentor").count() == 1


def test_a_record_not_yet_in_the_window_is_warned_when_it_enters_it_even_after_downtime(programme, mentor):
    far = completed(mentor, CourseFactory(), on=TODAY - days(300), expires=TODAY + days(60))
    with day(TODAY):
        assert services.training_warn_expiring()["warned"] == 0
    with day(TODAY + days(55)):  # the worker was down for weeks: the sweep still catches it, once
        assert services.training_warn_expiring()["warned"] == 1
        assert services.training_warn_expiring()["warned"] == 0
    assert TrainingExpiryWarning.objects.filter(record=far).count() == 1


def test_the_sweep_marks_lapsed_records_expired_and_does_not_warn_about_them(mentor):
    lapsed = completed(mentor, CourseFactory(), on=TODAY - days(400), expires=TODAY)
    with day(TODAY):
        assert services.training_warn_expiring() == {"expired": 1, "warned": 0, "failed": 0}
    lapsed.refresh_from_db()
    assert lapsed.status == TrainingRecord.Status.EXPIRED
    assert mail.outbox == []


def test_a_renewed_course_is_not_warned_about(programme, mentor):
    course = CourseFactory()
    completed(mentor, course, on=TODAY - days(345), expires=TODAY + days(20))
    completed(mentor, course, on=TODAY - days(2), expires=TODAY + days(363))
    with day(TODAY):
        assert services.training_warn_expiring()["warned"] == 0


def test_a_new_expiry_date_is_warned_about_again(programme, mentor, expiring):
    with day(TODAY):
        services.training_warn_expiring()
    expiring.expires_on = TODAY + days(25)  # corrected by a coordinator
    expiring.save()
    with day(TODAY + days(1)):
        assert services.training_warn_expiring()["warned"] == 1
    assert TrainingExpiryWarning.objects.filter(record=expiring).count() == 2


def test_a_failed_notification_leaves_no_claim_so_the_next_sweep_retries(expiring, mentee, monkeypatch):
    other = completed(mentee, CourseFactory(), on=TODAY - days(345), expires=TODAY + days(21))
    real_send = services.notification_send

    def broken_for_the_mentor(*, people, **kwargs):
        if expiring.person in people:
            raise RuntimeError("mail queue down")
        return real_send(people=people, **kwargs)

    monkeypatch.setattr(services, "notification_send", broken_for_the_mentor)
    with day(TODAY):
        assert services.training_warn_expiring() == {"expired": 0, "warned": 1, "failed": 1}
    assert list(TrainingExpiryWarning.objects.values_list("record", flat=True)) == [other.pk]
    monkeypatch.undo()
    with day(TODAY + days(1)):
        assert services.training_warn_expiring()["warned"] == 1


def test_the_sweep_runs_daily_in_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["warn-expiring-training"]
    assert entry["task"] == warn_expiring_training.name
    assert entry["schedule"].hour == {6}


# --- CSV export -------------------------------------------------------------------------------------------


def test_export_rows_list_every_participant_and_record(today, programme, coordinator, mentor, mentee, required):
    done = completed(mentor, required["mentor"], on=datetime.date(2026, 1, 5), expires=datetime.date(2027, 1, 5))
    services.training_record_verify(record=done, by=coordinator)
    rows = list(selectors.training_export_rows(programme=programme))
    mentor_row = ["Max Mentor", "mentor@example.org", "Mentor", "Mentor training", "Completed"]
    mentor_row += ["2026-01-05", "2027-01-05", "6.0", "2026-03-10 by Cora Coordinator"]
    assert rows == [mentor_row, ["Mina Mentee", "mentee@example.org", "Mentee", "", "", "", "", "", ""]]


def test_editing_a_record_keeps_its_expiry_when_the_course_validity_changed_since(db):
    from programmes.services.training import training_record_update
    from programmes.tests.factories import CourseFactory, PersonFactory, TrainingRecordFactory

    course = CourseFactory(validity_months=36)
    record = TrainingRecordFactory(person=PersonFactory(), course=course)
    kept = record.expires_on
    course.validity_months = 12
    course.save()
    training_record_update(
        record=record, course=course, status=record.status, completed_on=record.completed_on, evidence_note="note"
    )
    record.refresh_from_db()
    assert record.expires_on == kept and record.status == "completed"
