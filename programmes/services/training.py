"""Training: the course catalogue, programme requirements, training records, readiness overrides, expiry warnings.

Keyword-only, typed, ``<entity>_<verb>``. Every rule a coordinator can break raises a ValidationError whose
message they understand; keys of a message dict are the names of the form fields that show it.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import logging
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.dates import long_date

from ..models import (
    Course,
    Membership,
    Person,
    Programme,
    ProgrammeRequirement,
    ReadinessOverride,
    Role,
    TrainingExpiryWarning,
    TrainingRecord,
)
from .notifications import notification_send

logger = logging.getLogger(__name__)

EXPIRY_WARNING_DAYS = 30
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Checked against the first bytes of the file: a name or a browser's content type can say anything.
EVIDENCE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
COURSE_FIELDS = ("title", "kind", "provider", "is_external", "hours", "validity_months", "qualification", "description")


def months_after(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole calendar months; a day missing from the target month becomes its last day.

    31 January + 1 month = 28 (or 29) February; 29 February + 12 months = 28 February.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# --- Course catalogue -------------------------------------------------------------------------------------


def _course_apply(course: Course, data: Mapping[str, Any]) -> Course:
    for name in COURSE_FIELDS:
        if name in data:
            setattr(course, name, data[name])
    course.title = course.title.strip()
    clash = Course.objects.filter(title__iexact=course.title).exclude(pk=course.pk).first()
    if clash is not None:
        raise ValidationError(
            {"title": _("The catalogue already has a course called “%(title)s”.") % {"title": clash.title}}
        )
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def course_create(*, data: Mapping[str, Any]) -> Course:
    """Add a course to the catalogue. ``data`` holds any of COURSE_FIELDS (a course form's cleaned data)."""
    return _course_apply(Course(), data)


@transaction.atomic
def course_update(*, course: Course, data: Mapping[str, Any]) -> Course:
    """Change a course. Records completed earlier keep the expiry date they were given at the time."""
    return _course_apply(course, data)


@transaction.atomic
def course_set_active(*, course: Course, active: bool) -> Course:
    """Take a course out of the catalogue (or back): inactive courses cannot be newly required or recorded."""
    course.is_active = active
    course.save(update_fields=["is_active"])
    return course


@transaction.atomic
def course_delete(*, course: Course) -> None:
    """Delete a course nobody has used; once it has records or is required, it can only be deactivated."""
    if course.records.exists() or course.requirements.exists():
        raise ValidationError(
            _(
                "“%(course)s” has training records or is required by a programme, so it cannot be deleted. "
                "Deactivate it instead: the records stay and nobody can choose it again."
            )
            % {"course": course}
        )
    course.delete()


# --- Programme requirements -------------------------------------------------------------------------------


@transaction.atomic
def requirement_add(*, programme: Programme, role: str, course: Course) -> ProgrammeRequirement:
    """Require ``course`` of the programme's mentors or mentees before they can be matched."""
    if role not in (Role.MENTOR, Role.MENTEE):
        raise ValidationError({"role": _("Training can be required of mentors or of mentees.")})
    if not course.is_active:
        raise ValidationError(
            {"course": _("“%(course)s” is no longer offered, so it cannot be required.") % {"course": course}}
        )
    if ProgrammeRequirement.objects.filter(programme=programme, role=role, course=course).exists():
        if role == Role.MENTOR:
            already = _("Mentors already need “%(course)s”.")
        else:
            already = _("Mentees already need “%(course)s”.")
        raise ValidationError({"course": already % {"course": course}})
    requirement = ProgrammeRequirement(programme=programme, role=role, course=course)
    requirement.full_clean()
    requirement.save()
    return requirement


@transaction.atomic
def requirement_remove(*, requirement: ProgrammeRequirement) -> None:
    requirement.delete()


# --- Training records -------------------------------------------------------------------------------------


def evidence_file_check(file: UploadedFile) -> str:
    """The file's kind by its content ("pdf", "png" or "jpg"); a ValidationError when too big or another kind.

    The first bytes only say what the file claims to be; the whole file must then read as that kind (a PDF
    with its pages, an image that decodes), so a renamed or damaged file is refused here, not by the
    coordinator's viewer later.
    """
    if file.size is not None and file.size > EVIDENCE_MAX_BYTES:
        size = Decimal(file.size) / (1024 * 1024)
        raise ValidationError(
            {
                "evidence_file": _(
                    "The evidence file is %(size)s MB; the limit is 5 MB. Scan it at a lower resolution."
                )
                % {"size": number_format(size, decimal_pos=1)}
            }
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = next((kind for signature, kind in EVIDENCE_SIGNATURES if head.startswith(signature)), None)
    if kind is None:
        raise ValidationError(
            {"evidence_file": _("Evidence must be a PDF, PNG or JPEG file, and this file's content is none of these.")}
        )
    try:
        problem = _evidence_pdf_problem(file) if kind == "pdf" else _evidence_image_problem(file, kind)
    finally:
        file.seek(0)
    if problem:
        raise ValidationError({"evidence_file": problem})
    return kind


def _evidence_pdf_problem(file: UploadedFile) -> str:
    """Why the file does not read as a PDF with at least one page ("" when it does)."""
    from pypdf import PdfReader  # imported here: only evidence uploads need it

    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return _("The PDF is protected by a password. Upload a copy without a password.")
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - reading each page object proves the page tree is whole
    except Exception:  # pypdf raises many kinds of errors on a broken file; each means the same to the user
        logger.info("evidence PDF refused", exc_info=True)
        return _(
            "The file starts like a PDF but cannot be read as one (it is damaged or not really a PDF). "
            "Save or scan it again as a PDF and upload that."
        )
    if pages == 0:
        return _("The PDF has no pages. Upload the certificate itself.")
    return ""


EVIDENCE_MAX_PIXELS = 50_000_000  # a 600 dpi A4 scan is 35 million; more is a decompression bomb, not evidence


def _evidence_image_problem(file: UploadedFile, kind: str) -> str:
    """Why the file does not decode as the PNG or JPEG image it starts like ("" when it does)."""
    from PIL import Image

    label = {"png": "PNG", "jpg": "JPEG"}[kind]
    try:
        with Image.open(file) as image:
            # MPO: the JPEG that phone cameras write (several pictures in one file), still a JPEG to every viewer.
            if image.format not in {"png": {"PNG"}, "jpg": {"JPEG", "MPO"}}[kind]:
                return _(
                    "The file starts like a %(kind)s image but cannot be read as one (it is damaged or cut short). "
                    "Save it again and upload that."
                ) % {"kind": label}
            if image.width * image.height > EVIDENCE_MAX_PIXELS:
                return _("The image is %(width)s × %(height)s pixels, too large. Scan it at a lower resolution.") % {
                    "width": image.width,
                    "height": image.height,
                }
            image.verify()  # PNG: every chunk's checksum, through to the end marker
        file.seek(0)
        with Image.open(file) as image:
            image.load()  # decodes every pixel: a truncated or corrupt image raises here
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, struct.error...) on a broken file
        logger.info("evidence image refused", exc_info=True)
        return _(
            "The file starts like a %(kind)s image but cannot be read as one (it is damaged or cut short). "
            "Save or scan it again and upload that."
        ) % {"kind": label}
    return ""


# A change to any of these makes an earlier verification meaningless: the coordinator checked something else.
_VERIFIED_FIELDS = ("course_id", "status", "completed_on", "hours")


def _record_apply(
    record: TrainingRecord,
    *,
    course: Course,
    status: str,
    completed_on: datetime.date | None,
    hours: Decimal | None,
    evidence_note: str,
    evidence_file: UploadedFile | None | bool,
) -> TrainingRecord:
    today = timezone.localdate()
    before = {name: getattr(record, name) for name in _VERIFIED_FIELDS} if record.pk else None
    if course.pk != record.course_id and not course.is_active:
        raise ValidationError(
            {"course": _("“%(course)s” is no longer offered; choose a course from the catalogue.") % {"course": course}}
        )
    if status not in TrainingRecord.Status.values:
        raise ValidationError({"status": _("Choose planned, booked, completed or expired.")})
    done = status in (TrainingRecord.Status.COMPLETED, TrainingRecord.Status.EXPIRED)
    if done and completed_on is None:
        raise ValidationError({"completed_on": _("Give the date the course was completed.")})
    if not done and completed_on is not None:
        message = _("A planned or booked course has no completion date yet: clear it or mark the course completed.")
        raise ValidationError({"completed_on": message})
    if completed_on is not None and completed_on > today:
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})

    # The expiry follows the course's validity when the record is made or its course or date changes; a later
    # change to the course's validity does not move the expiry of records already kept (see course_update).
    recompute = record.pk is None or record.course_id != course.pk or record.completed_on != completed_on
    record.course = course
    record.status = status
    record.completed_on = completed_on
    record.hours = course.hours if hours is None else hours
    record.evidence_note = evidence_note.strip()
    if recompute or not completed_on:
        record.expires_on = (
            months_after(completed_on, course.validity_months) if completed_on and course.validity_months else None
        )
    if status == TrainingRecord.Status.COMPLETED and record.expires_on and record.expires_on <= today:
        # Completed long ago: it already lapsed, and saying so now beats waiting for tonight's sweep.
        record.status = TrainingRecord.Status.EXPIRED

    old_file = record.evidence_file.name if record.evidence_file else ""
    if evidence_file is False:
        record.evidence_file = None
    elif evidence_file:
        kind = evidence_file_check(evidence_file)
        evidence_file.name = f"{slugify(course.title)[:50] or 'evidence'}.{kind}"
        record.evidence_file = evidence_file
    file_changed = evidence_file is False or bool(evidence_file)

    if before is not None and (file_changed or any(getattr(record, k) != v for k, v in before.items())):
        record.verified_by, record.verified_at = None, None
    record.full_clean()
    record.save()
    if old_file and file_changed:
        storage = record.evidence_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return record


@transaction.atomic
def training_record_create(
    *,
    person: Person,
    course: Course,
    status: str,
    completed_on: datetime.date | None = None,
    hours: Decimal | None = None,
    evidence_note: str = "",
    evidence_file: UploadedFile | None = None,
) -> TrainingRecord:
    """Record a course for a person. Hours default to the course's; a completed course gets its expiry date.

    A completion so long ago that it already lapsed is saved as expired.
    """
    return _record_apply(
        TrainingRecord(person=person),
        course=course,
        status=status,
        completed_on=completed_on,
        hours=hours,
        evidence_note=evidence_note,
        evidence_file=evidence_file,
    )


@transaction.atomic
def training_record_update(
    *,
    record: TrainingRecord,
    course: Course,
    status: str,
    completed_on: datetime.date | None = None,
    hours: Decimal | None = None,
    evidence_note: str = "",
    evidence_file: UploadedFile | None | bool = None,
) -> TrainingRecord:
    """Change a record. ``evidence_file``: None keeps the file, False removes it, a file replaces it.

    Changing what was verified (course, status, dates, hours, the file) clears the verification.
    """
    return _record_apply(
        record,
        course=course,
        status=status,
        completed_on=completed_on,
        hours=hours,
        evidence_note=evidence_note,
        evidence_file=evidence_file,
    )


@transaction.atomic
def training_record_verify(*, record: TrainingRecord, by: Person) -> TrainingRecord:
    """A coordinator confirms they checked the evidence of a completed course."""
    if record.completed_on is None:
        raise ValidationError(_("Only a completed course can be verified; record its completion date first."))
    record.verified_by = by
    record.verified_at = timezone.now()
    record.save(update_fields=["verified_by", "verified_at"])
    return record


# --- Readiness overrides ----------------------------------------------------------------------------------


@transaction.atomic
def readiness_override_record(*, programme: Programme, person: Person, reason: str, by: Person) -> ReadinessOverride:
    """Let a participant who lacks required training be matched anyway, with the coordinator's reason.

    One override per programme and person: recording again replaces the reason (and who and when).
    Raises PermissionDenied unless ``by`` coordinates the programme, ValidationError without a reason or
    when ``person`` is not a mentor or mentee of the programme. Matching reads it through
    ``programmes.selectors.is_matchable`` / ``training_readiness``.
    """
    if not Membership.objects.filter(programme=programme, person=by, role=Role.COORDINATOR).exists():
        raise PermissionDenied("Only the programme's coordinators can override readiness.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this person may be matched without the required training.")})
    if not Membership.objects.participants().filter(programme=programme, person=person).exists():
        raise ValidationError(
            _("%(person)s is not a mentor or mentee of %(programme)s.") % {"person": person, "programme": programme}
        )
    override = ReadinessOverride.objects.filter(programme=programme, person=person).first() or ReadinessOverride(
        programme=programme, person=person
    )
    override.reason, override.created_by, override.created_at = reason, by, timezone.now()
    override.full_clean()
    override.save()
    return override


@transaction.atomic
def readiness_override_withdraw(*, override: ReadinessOverride) -> None:
    override.delete()


# --- Expiry sweep (daily) ---------------------------------------------------------------------------------


def _participant_programmes(person_ids: set[int]) -> tuple[dict[int, list[Programme]], dict[int, list[Person]]]:
    """For each person the programmes they take part in, and for each such programme its coordinators."""
    programmes_of: dict[int, list[Programme]] = defaultdict(list)
    for membership in (
        Membership.objects.participants()
        .filter(person_id__in=person_ids)
        .select_related("programme")
        .order_by("programme__name")
    ):
        programmes_of[membership.person_id].append(membership.programme)
    programme_ids = {p.pk for programmes in programmes_of.values() for p in programmes}
    coordinators_of: dict[int, list[Person]] = defaultdict(list)
    for membership in Membership.objects.filter(programme_id__in=programme_ids, role=Role.COORDINATOR).select_related(
        "person"
    ):
        coordinators_of[membership.programme_id].append(membership.person)
    return programmes_of, coordinators_of


def _warn(record: TrainingRecord, programmes: list[Programme], coordinators_of: dict[int, list[Person]]) -> None:
    def values() -> dict[str, object]:
        # The date in the reader's language: built when said.
        return {"course": record.course, "when": long_date(record.expires_on), "person": record.person}

    notification_send(
        people=[record.person],
        text=lambda: (
            _("Your training “%(course)s” expires on %(when)s. Ask your coordinator about a refresher.") % values()
        ),
        url=reverse("programmes:my_training"),
        email_subject=lambda: _("Your training expires on %(when)s: %(course)s") % values(),
        email_body=lambda: (
            _(
                "Your training “%(course)s” expires on %(when)s.\n"
                "Programmes that require it will count it as missing from then on, so please book a refresher "
                "with your coordinator."
            )
            % values()
        ),
    )
    told: set[int] = {record.person_id}
    for programme in programmes:
        coordinators = [c for c in coordinators_of.get(programme.pk, []) if c.pk not in told]
        if not coordinators:
            continue
        told.update(c.pk for c in coordinators)
        text = functools.partial(
            lambda programme: (
                _("%(person)s's training “%(course)s” expires on %(when)s (%(programme)s).")
                % (values() | {"programme": programme})
            ),
            programme,
        )
        notification_send(
            people=coordinators,
            text=text,
            url=reverse("programmes:training_person", args=[programme.pk, record.person_id]),
            email_subject=lambda: _("Training expiring on %(when)s: %(person)s") % values(),
            email_body=text,
        )


def training_warn_expiring(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily sweep: mark lapsed records expired, then warn of completed training expiring within 30 days.

    Each record and expiry date is warned once: a TrainingExpiryWarning row is claimed first (its unique
    constraint is the idempotency key) and the notifications go in the same transaction, so a failed
    notification leaves no claim and tomorrow's sweep tries again. Missed days catch up, because the
    sweep takes everything not yet warned in the window. A record already replaced by a newer completion of
    the same course that lasts longer is not warned about.
    Returns counts: {"expired": n, "warned": n, "failed": n}.
    """
    today = today or timezone.localdate()
    expired = TrainingRecord.objects.filter(status=TrainingRecord.Status.COMPLETED, expires_on__lte=today).update(
        status=TrainingRecord.Status.EXPIRED
    )
    renewed = TrainingRecord.objects.valid_on(today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on")),
        person=OuterRef("person"),
        course=OuterRef("course"),
    )
    warned = TrainingExpiryWarning.objects.filter(record=OuterRef("pk"), expires_on=OuterRef("expires_on"))
    due = list(
        TrainingRecord.objects.expiring_between(today, today + datetime.timedelta(days=EXPIRY_WARNING_DAYS))
        .filter(~Exists(warned), ~Exists(renewed), person__is_active=True)
        .select_related("person", "course")
        .order_by("expires_on", "pk")
    )
    programmes_of, coordinators_of = _participant_programmes({r.person_id for r in due})
    sent = failed = 0
    for record in due:
        try:
            with transaction.atomic():
                TrainingExpiryWarning.objects.create(record=record, expires_on=record.expires_on)
                _warn(record, programmes_of.get(record.person_id, []), coordinators_of)
        except IntegrityError:
            continue  # another sweep claimed it a moment ago
        except Exception:
            # One bad record must not stop the others; its claim rolled back, so tomorrow retries it.
            logger.exception("training expiry warning for record %s failed", record.pk)
            failed += 1
            continue
        sent += 1
    if expired or sent or failed:
        logger.info("training expiry sweep: %s marked expired, %s warned, %s failed", expired, sent, failed)
    return {"expired": expired, "warned": sent, "failed": failed}
