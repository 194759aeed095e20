"""Training, read-only: each participant's readiness for matching (what their role requires, valid on a day, or
overridden), the training export, and the lists of the training pages. Nothing here writes."""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from ..models import (
    Course,
    Membership,
    Person,
    Programme,
    ProgrammeRequirement,
    ReadinessOverride,
    Role,
    TrainingRecord,
)

# --- Training readiness (training records part) ----------------------------------------------------------
# Matching asks two things: is this participant ready (every training their role requires is
# completed and valid today), and if not, has a coordinator overridden that? ``training_readiness`` answers
# for a whole programme (or a subset of people) in a fixed number of queries; ``is_matchable`` for one.

EXPIRING_WITHIN_DAYS = 30


class CourseState(enum.StrEnum):
    MET = "met"  # a completed record valid today and for at least 30 more days
    EXPIRING = "expiring"  # still met, but the record expires within 30 days
    MISSING = "missing"  # no valid completed record (an expired one counts as missing)


@dataclass(frozen=True)
class RequirementStatus:
    """Where one participant stands on one course their role requires."""

    course: Course
    state: CourseState
    # The valid record that meets it (the longest-lasting one) or, when missing, the latest other record
    # (planned, booked, expired) as a hint of what is under way; None when there is no record at all.
    record: TrainingRecord | None

    @property
    def met(self) -> bool:
        return self.state != CourseState.MISSING

    @property
    def expires_on(self) -> datetime.date | None:
        return self.record.expires_on if self.met and self.record else None


@dataclass(frozen=True)
class Readiness:
    """One participant's readiness in one programme (``membership`` carries person, programme and role)."""

    membership: Membership
    statuses: tuple[RequirementStatus, ...]
    override: ReadinessOverride | None

    @property
    def person(self) -> Person:
        return self.membership.person

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def ready(self) -> bool:
        """Every required course met (expiring ones included)."""
        return all(s.met for s in self.statuses)

    @property
    def matchable(self) -> bool:
        """Ready, or not ready but a coordinator recorded an override."""
        return self.ready or self.override is not None

    @property
    def missing(self) -> list[Course]:
        return [s.course for s in self.statuses if s.state == CourseState.MISSING]

    @property
    def expiring(self) -> list[RequirementStatus]:
        return [s for s in self.statuses if s.state == CourseState.EXPIRING]

    def status_for(self, course_id: int) -> RequirementStatus | None:
        """None when the person's role does not require that course."""
        return next((s for s in self.statuses if s.course.pk == course_id), None)


def _best_valid(records: list[TrainingRecord], on: datetime.date) -> TrainingRecord | None:
    valid = [
        r
        for r in records
        if r.status == TrainingRecord.Status.COMPLETED and (r.expires_on is None or r.expires_on > on)
    ]
    # A record that never expires beats any dated one; otherwise the one lasting longest.
    return max(valid, key=lambda r: (r.expires_on is None, r.expires_on or datetime.date.min), default=None)


def _status(course: Course, records: list[TrainingRecord], on: datetime.date) -> RequirementStatus:
    best = _best_valid(records, on)
    if best is None:
        latest = max(records, key=lambda r: (r.created_at, r.pk), default=None)
        return RequirementStatus(course, CourseState.MISSING, latest)
    soon = best.expires_on is not None and best.expires_on <= on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    return RequirementStatus(course, CourseState.EXPIRING if soon else CourseState.MET, best)


def readiness_for_memberships(
    *,
    memberships: Sequence[Membership],
    on: datetime.date | None = None,
    requirements: Sequence[ProgrammeRequirement] | None = None,
) -> list[Readiness]:
    """Readiness for mentor/mentee memberships (of one or several programmes), in the order given.

    Three queries whatever the number of memberships: the requirements with their courses (skipped when
    ``requirements`` is passed, which must then cover every programme involved), the records of these people
    for those courses, and the overrides. Memberships of other roles are skipped.
    """
    memberships = [m for m in memberships if m.role in (Role.MENTOR, Role.MENTEE)]
    if not memberships:
        return []
    on = on or timezone.localdate()
    programme_ids = {m.programme_id for m in memberships}
    person_ids = {m.person_id for m in memberships}
    if requirements is None:
        requirements = list(
            ProgrammeRequirement.objects.filter(programme_id__in=programme_ids)
            .select_related("course")
            .order_by("course__title")
        )
    required: dict[tuple[int, str], list[Course]] = defaultdict(list)
    for requirement in requirements:
        required[requirement.programme_id, requirement.role].append(requirement.course)
    course_ids = {r.course_id for r in requirements}
    records: dict[tuple[int, int], list[TrainingRecord]] = defaultdict(list)
    if course_ids:
        for record in TrainingRecord.objects.filter(person_id__in=person_ids, course_id__in=course_ids).order_by():
            records[record.person_id, record.course_id].append(record)
    overrides = {
        (o.programme_id, o.person_id): o
        for o in ReadinessOverride.objects.filter(programme_id__in=programme_ids, person_id__in=person_ids)
    }
    return [
        Readiness(
            membership=m,
            statuses=tuple(
                _status(course, records[m.person_id, course.pk], on) for course in required[m.programme_id, m.role]
            ),
            override=overrides.get((m.programme_id, m.person_id)),
        )
        for m in memberships
    ]


def training_readiness(
    *, programme: Programme, people: Iterable[Person | int] | None = None, on: datetime.date | None = None
) -> dict[int, Readiness]:
    """Readiness of a programme's mentors and mentees, keyed by person id; four queries in all.

    ``people`` narrows it to some persons (objects or ids); anyone who is not a mentor or mentee of the
    programme is simply absent from the result. ``on`` defaults to today.
    """
    memberships = Membership.objects.participants().filter(programme=programme).select_related("person", "programme")
    if people is not None:
        memberships = memberships.filter(person_id__in=[p if isinstance(p, int) else p.pk for p in people])
    return {r.person.pk: r for r in readiness_for_memberships(memberships=list(memberships), on=on)}


def is_matchable(*, programme: Programme, person: Person | int, on: datetime.date | None = None) -> bool:
    """True when the person is a mentor or mentee of the programme and is ready or overridden.

    For many people at once use ``training_readiness(...)[person_id].matchable`` instead.
    """
    readiness = training_readiness(programme=programme, people=[person], on=on)
    pk = person if isinstance(person, int) else person.pk
    return pk in readiness and readiness[pk].matchable


def person_readiness(*, person: Person, on: datetime.date | None = None) -> list[Readiness]:
    """The person's readiness in each programme they are a mentor or mentee of; four queries."""
    memberships = (
        Membership.objects.participants()
        .filter(person=person)
        .select_related("programme", "person")
        .order_by("programme__name")
    )
    return readiness_for_memberships(memberships=list(memberships), on=on)


def requirement_missing(on: datetime.date) -> Exists:
    """On a Membership row: true when its role requires a course the person holds no valid record of on ``on``
    (overrides do not count). Evaluated in the database, a few index lookups a row."""
    valid = TrainingRecord.objects.valid_on(on).filter(person=OuterRef(OuterRef("person")), course=OuterRef("course"))
    return Exists(
        ProgrammeRequirement.objects.filter(programme=OuterRef("programme"), role=OuterRef("role")).filter(
            ~Exists(valid)
        )
    )


def readiness_annotated(*, programme: Programme, on: datetime.date | None = None) -> QuerySet[Membership]:
    """All the programme's memberships annotated with ``is_ready`` (roles without requirements are ready)."""
    return Membership.objects.filter(programme=programme).annotate(
        is_ready=~requirement_missing(on or timezone.localdate())
    )


def participants_with_readiness(*, programme: Programme, on: datetime.date | None = None) -> QuerySet[Membership]:
    """The programme's mentor and mentee memberships annotated with ``is_ready``, computed in the database.

    Lets a page filter ready / not ready before it paginates; overrides do not count as ready here.
    """
    return readiness_annotated(programme=programme, on=on).filter(role__in=(Role.MENTOR, Role.MENTEE))


def programme_requirements(programme: Programme) -> list[ProgrammeRequirement]:
    """What the programme requires, with courses, mentors' first then mentees', by course title (one query)."""
    return list(
        ProgrammeRequirement.objects.filter(programme=programme)
        .select_related("course")
        .order_by("-role", "course__title")  # "mentor" sorts after "mentee"; mentors first
    )


def training_export_rows(*, programme: Programme) -> Iterator[list[str]]:
    """Rows of the training CSV: one per participant and record (a participant without records gets one row).

    Two queries: the participants with their persons, then their records with courses and verifiers.
    """
    records = TrainingRecord.objects.select_related("course", "verified_by").order_by("course__title", "-completed_on")
    memberships = (
        Membership.objects.participants()
        .filter(programme=programme)
        .select_related("person")
        .prefetch_related(Prefetch("person__training_records", queryset=records))
        .order_by("person__display_name", "person__email")
    )
    for m in memberships:
        person, role = m.person, m.get_role_display()
        rows = person.training_records.all() or [None]
        for r in rows:
            if r is None:
                yield [person.display_name, person.email, role, "", "", "", "", "", ""]
                continue
            verified = ""
            if r.verified_at:
                verified = gettext("%(date)s by %(person)s") % {
                    "date": timezone.localdate(r.verified_at).isoformat(),
                    "person": r.verified_by or gettext("a former user"),
                }
            yield [
                person.display_name,
                person.email,
                role,
                r.course.title,
                r.get_status_display(),
                r.completed_on.isoformat() if r.completed_on else "",
                r.expires_on.isoformat() if r.expires_on else "",
                str(r.hours) if r.hours is not None else "",
                verified,
            ]


# --- The training pages' lists ------------------------------------------------------------------------------


def courses_active() -> list[Course]:
    return list(Course.objects.filter(is_active=True).order_by("title"))


def courses_with_counts(*, kind: str = "", active: str = "") -> QuerySet[Course]:
    """The catalogue by title, each course with its record and requirement counts; ``active`` is "yes" or "no"."""
    courses = Course.objects.annotate(
        record_count=Count("records", distinct=True), requirement_count=Count("requirements", distinct=True)
    ).order_by("title")
    if kind:
        courses = courses.filter(kind=kind)
    if active:
        courses = courses.filter(is_active=active == "yes")
    return courses


def course_in_use(course: Course) -> bool:
    """Whether a record or a requirement names the course (then it cannot be deleted)."""
    return course.records.exists() or course.requirements.exists()


def matrix_participants(
    *, programme: Programme, on: datetime.date, role: str = "", readiness: str = ""
) -> QuerySet[Membership]:
    """The training matrix's rows: participants with readiness and people, by name, filtered as asked."""
    memberships = (
        participants_with_readiness(programme=programme, on=on)
        .select_related("person", "programme")
        .order_by("person__display_name", "person__email")
    )
    if role:
        memberships = memberships.filter(role=role)
    if readiness:
        memberships = memberships.filter(is_ready=readiness == "ready")
    return memberships


def matrix_table(
    *,
    memberships: Sequence[Membership],
    requirements: list[ProgrammeRequirement],
    role: str = "",
    on: datetime.date,
) -> tuple[list[tuple[Course, list[str]]], list[tuple[Readiness, list[RequirementStatus | None]]]]:
    """The training matrix: its columns (each required course, by title, with the roles that require it; only
    ``role``'s when given) and one row per membership (its readiness and its status for each column)."""
    courses = list({r.course.pk: r.course for r in requirements if not role or r.role == role}.values())
    courses.sort(key=lambda c: c.title)
    roles_of = {
        c.pk: sorted({r.get_role_display().lower() for r in requirements if r.course_id == c.pk}) for c in courses
    }
    rows = [
        (readiness, [readiness.status_for(c.pk) for c in courses])
        for readiness in readiness_for_memberships(memberships=memberships, on=on, requirements=requirements)
    ]
    return [(c, roles_of[c.pk]) for c in courses], rows


def training_records_of(person: Person) -> QuerySet[TrainingRecord]:
    """The person's records with their courses and verifiers, newest first."""
    return (
        TrainingRecord.objects.filter(person=person)
        .select_related("course", "verified_by")
        .order_by("-created_at", "-pk")
    )
