"""Who may see and do what. Every lookup of a programme or person in a view goes through here.

The policy (STYLE.md): an object the person may not see is a 404, so its existence is not revealed; an
object they may see but not change, or a page their role does not open, is a 403; anonymous visitors are
sent to the login page (``login_required``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import (
    Application,
    BudgetLine,
    Course,
    HrSyncRun,
    Membership,
    Notification,
    Opportunity,
    OpportunityRequest,
    PeopleImport,
    Person,
    Programme,
    ProgrammeRequirement,
    ReadinessOverride,
    Role,
    Spend,
    TimeAllocation,
    TrainingRecord,
)


class Area(enum.StrEnum):
    """The parts of Tandem a person's roles open. A person may have several."""

    MENTORING = "mentoring"  # mentor or mentee somewhere
    COORDINATING = "coordinating"  # coordinator somewhere
    TEAM = "team"  # line manager of at least one active person
    COMMITTEE = "committee"  # committee member somewhere


def areas_for(person: Any) -> frozenset[Area]:
    """The areas a person may open; one query, cached on the user object for the rest of the request."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    cached = getattr(person, "_tandem_areas", None)
    if cached is not None:
        return cached

    def holds(*roles: str) -> Exists:
        return Exists(Membership.objects.filter(person=OuterRef("pk"), role__in=roles))

    unread = (
        Notification.objects.filter(person=OuterRef("pk"), read_at__isnull=True)
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        Person.objects.filter(pk=person.pk)
        .values_list(
            holds(Role.MENTOR, Role.MENTEE),
            holds(Role.COORDINATOR),
            Exists(Person.objects.filter(line_manager=OuterRef("pk"), is_active=True)),
            holds(Role.COMMITTEE),
            Subquery(unread[:1]),
        )
        .first()
    ) or (False, False, False, False, 0)
    areas = frozenset(
        area
        for area, held in zip((Area.MENTORING, Area.COORDINATING, Area.TEAM, Area.COMMITTEE), row[:4], strict=True)
        if held
    )
    person._tandem_areas = areas
    # The navigation's unread badge rides on the same query.
    person._tandem_unread = row[4] or 0
    return areas


def unread_notifications(person: Any) -> int:
    areas_for(person)
    return getattr(person, "_tandem_unread", 0)


def area_required(*areas: Area) -> Callable:
    """Page-level role check: logged in (else the login page) and holding one of ``areas`` (else 403)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not areas_for(request.user) & set(areas):
                raise PermissionDenied("Your roles do not open this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def roles_in(person: Person, programme: Programme) -> set[str]:
    return set(Membership.objects.filter(person=person, programme=programme).values_list("role", flat=True))


def get_programme_for(person: Person, pk: int, *, manage: bool = False) -> Programme:
    """A programme the person is a member of (else 404); with ``manage``, only its coordinators (else 403).

    The person's roles in it are attached as ``my_roles`` and ``my_role_labels`` so templates need no further query.
    """
    programme = get_object_or_404(Programme.objects.visible_to(person), pk=pk)
    programme.my_roles = roles_in(person, programme)
    programme.my_role_labels = [Role(role).label for role in Role if role in programme.my_roles]
    if manage and Role.COORDINATOR not in programme.my_roles:
        raise PermissionDenied("Only the programme's coordinators can do this.")
    return programme


# --- Enrolment ---------------------------------------------------------------------------------------------


def get_application_for(person: Person, pk: int, *, as_: str | None = None) -> Application:
    """An application the person may see (applicant, their line manager, a coordinator), else 404.

    ``application.viewer`` says in which capacities they see it; ``as_`` ("applicant", "manager" or
    "coordinator") requires one of them, else 403.
    """
    application = get_object_or_404(
        Application.objects.visible_to(person).select_related("programme", "person__line_manager", "person__org_unit"),
        pk=pk,
    )
    viewer = set()
    if application.person_id == person.pk:
        viewer.add("applicant")
    if application.person.line_manager_id == person.pk:
        viewer.add("manager")
    if Role.COORDINATOR in roles_in(person, application.programme):
        viewer.add("coordinator")
    application.viewer = viewer
    if as_ and as_ not in viewer:
        raise PermissionDenied("You cannot do this with this application.")
    return application


def get_open_programme_for(person: Person, pk: int) -> Programme:
    """A programme taking applications: anyone logged in may read about it and apply."""
    return get_object_or_404(Programme.objects.open_for_enrolment(), pk=pk)


def manages_organisation_data(person: Any) -> bool:
    """Organisation-wide data (people, skills, the course catalogue, new programmes) is kept by the
    coordinators of any programme and by administrators."""
    if not getattr(person, "is_authenticated", False):
        return False
    return person.is_staff or Area.COORDINATING in areas_for(person)


def organisation_data_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Page-level check: logged in (else the login page), a coordinator or an administrator (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not manages_organisation_data(request.user):
            raise PermissionDenied("Only coordinators and administrators manage this.")
        return view(request, *args, **kwargs)

    return wrapped


# --- Resource budgets: coordinators of the programme only -------------------------------------------------


def get_budget_line_for(person: Person, programme_pk: int, line_pk: int) -> BudgetLine:
    """A budget line of a programme the person coordinates (else 403/404 as for the programme).

    A line of another programme is a 404, even for a coordinator of both: the URL names the programme.
    """
    programme = get_programme_for(person, programme_pk, manage=True)
    line = get_object_or_404(BudgetLine.objects.filter(programme=programme), pk=line_pk)
    line.programme = programme  # keeps my_roles, and saves a query
    return line


def get_spend_for(person: Person, programme_pk: int, spend_pk: int) -> Spend:
    """A spend recorded against a line of a programme the person coordinates (else 403/404)."""
    programme = get_programme_for(person, programme_pk, manage=True)
    spend = get_object_or_404(
        Spend.objects.filter(line__programme=programme).select_related("line", "course", "person"), pk=spend_pk
    )
    spend.line.programme = programme
    return spend


# --- Protected time ----------------------------------------------------------------------------------------


def get_programme_line_manager_for(person: Person, pk: int, person_pk: int) -> tuple[Programme, Person]:
    """A programme the person coordinates (else 403/404) and a line manager of one of its participants (else
    404): the line managers' briefing page (issue 20)."""
    programme = get_programme_for(person, pk, manage=True)
    managers = Person.objects.filter(
        is_active=True,
        pk__in=Membership.objects.participants().filter(programme=programme).values("person__line_manager"),
    )
    return programme, get_object_or_404(managers, pk=person_pk)


def get_allocation_for_coordinator(person: Person, pk: int) -> TimeAllocation:
    """An allocation in a programme the person belongs to (else 404), which they coordinate (else 403)."""
    allocation = get_object_or_404(
        TimeAllocation.objects.filter(programme__in=Programme.objects.visible_to(person)).select_related(
            "programme", "person__line_manager"
        ),
        pk=pk,
    )
    if Role.COORDINATOR not in roles_in(person, allocation.programme):
        raise PermissionDenied("Only the programme's coordinators can change protected time.")
    return allocation


def get_allocation_for_line_manager(person: Person, pk: int) -> TimeAllocation:
    """An allocation of someone who reports to the person; anyone else's is a 404, even for the person it is
    about (their manager decides, and a report learns nothing from probing other ids)."""
    return get_object_or_404(
        TimeAllocation.objects.filter(person__in=Person.objects.reports_of(person)).select_related(
            "programme", "person__line_manager"
        ),
        pk=pk,
    )


# --- People import ----------------------------------------------------------------------------------------
# Importing people is organisation-wide work: any coordinator (of any programme) and any administrator may
# upload a file, and may open, apply or discard any import, including one another coordinator uploaded.
# The rows are organisation data every one of them can already import; sharing previews lets a colleague
# finish or discard an import someone else started. Everybody else gets 403.


def people_imports_visible_to(person: Any) -> QuerySet[PeopleImport]:
    return PeopleImport.objects.all() if manages_organisation_data(person) else PeopleImport.objects.none()


def get_people_import_for(person: Any, pk: int) -> PeopleImport:
    """An import the person may see (else 404), with its uploader, for the preview and its actions."""
    return get_object_or_404(people_imports_visible_to(person).select_related("uploaded_by"), pk=pk)


# The nightly HR file is the installation's set-up: administrators only (a coordinator gets 403).


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Page-level check: logged in (else the login page) and an administrator (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("Only administrators set up the nightly HR file.")
        return view(request, *args, **kwargs)

    return wrapped


def hr_sync_runs_visible_to(person: Any) -> QuerySet[HrSyncRun]:
    return HrSyncRun.objects.all() if getattr(person, "is_staff", False) else HrSyncRun.objects.none()


def get_hr_sync_run_for(person: Any, pk: int) -> HrSyncRun:
    """A run of the nightly HR file (else 404), with who confirmed it and its preview's file name."""
    return get_object_or_404(hr_sync_runs_visible_to(person).select_related("confirmed_by"), pk=pk)


# --- Training records (training part) --------------------------------------------------------------------
# The course catalogue is shared by every programme: anyone coordinating a programme keeps it, and so do
# administrators. A person's training records are theirs; coordinators see and change the records of the
# mentors and mentees of the programmes they coordinate.


def get_course_for(person: Person, pk: int) -> Course:
    """A course of the catalogue, for someone who keeps it (else 403); 404 when there is no such course."""
    if not manages_organisation_data(person):
        raise PermissionDenied("Only coordinators and administrators keep the course catalogue.")
    return get_object_or_404(Course.objects.all(), pk=pk)


def get_participant_for(programme: Programme, person_pk: int) -> Membership:
    """A mentor or mentee membership of ``programme`` (already checked with ``get_programme_for(manage=True)``)."""
    return get_object_or_404(
        Membership.objects.participants().filter(programme=programme).select_related("person", "programme"),
        person_id=person_pk,
    )


def get_requirement_for(programme: Programme, pk: int) -> ProgrammeRequirement:
    return get_object_or_404(ProgrammeRequirement.objects.filter(programme=programme).select_related("course"), pk=pk)


def get_training_record_for(programme: Programme, pk: int) -> TrainingRecord:
    """A record of one of the programme's mentors or mentees (the programme checked with ``manage=True``)."""
    participants = Membership.objects.participants().filter(programme=programme).values("person")
    return get_object_or_404(
        TrainingRecord.objects.filter(person__in=participants).select_related("course", "person"), pk=pk
    )


def get_evidence_record_for(person: Person, pk: int) -> TrainingRecord:
    """A record whose evidence the person may download: their own, or one of a mentor or mentee of a programme
    they coordinate. Anything else is a 404, so nobody learns whose records exist."""
    coordinated = Membership.objects.filter(person=person, role=Role.COORDINATOR).values("programme")
    participants = Membership.objects.participants().filter(programme__in=coordinated).values("person")
    return get_object_or_404(
        TrainingRecord.objects.filter(Q(person=person) | Q(person__in=participants)).select_related("course"), pk=pk
    )


def get_override_for(programme: Programme, person_pk: int) -> ReadinessOverride:
    return get_object_or_404(
        ReadinessOverride.objects.filter(programme=programme).select_related("person", "created_by"),
        person_id=person_pk,
    )


# Notification centre
# A notice is its person's alone: anyone else's (whatever their roles) is a 404.


def get_notification_for(person: Person, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.filter(person=person), pk=pk)


# --- Learning opportunities -------------------------------------------------------------------------------
# Opportunities are the organisation's: anyone logged in may read them (as anyone may read an open programme).
# Changing one is for the person who published it and coordinators; a request is seen by the person who made
# it, by whoever decides it (their line manager, or with none on record the programme's coordinators) and by
# the host; everyone else gets a 404.


def publishes_opportunities(person: Any) -> bool:
    areas = areas_for(person)
    return Area.COORDINATING in areas or Area.TEAM in areas


def opportunity_publish_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Page-level check: line managers and coordinators (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not publishes_opportunities(request.user):
            raise PermissionDenied("Only line managers and coordinators publish learning opportunities.")
        return view(request, *args, **kwargs)

    return wrapped


def get_opportunity_for(person: Person, pk: int, *, manage: bool = False) -> Opportunity:
    """Any opportunity (else 404); with ``manage``, only its publisher or a coordinator (else 403)."""
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("host", "org_unit__parent", "course", "published_by"), pk=pk
    )
    opportunity.can_manage = opportunity.published_by_id == person.pk or Area.COORDINATING in areas_for(person)
    if manage and not opportunity.can_manage:
        raise PermissionDenied("Only the person who published it or a coordinator can change this opportunity.")
    return opportunity


def _requests() -> QuerySet[OpportunityRequest]:
    return OpportunityRequest.objects.select_related(
        "opportunity__host", "opportunity__course", "person__line_manager", "programme"
    )


def get_own_request_for(person: Person, pk: int) -> OpportunityRequest:
    """A request the person made themselves (else 404)."""
    return get_object_or_404(_requests().filter(person=person), pk=pk)


def get_request_for_decider(person: Person, pk: int) -> OpportunityRequest:
    """A request the person may decide: of their report, or, with no active line manager on record, of a
    participant of a programme they coordinate (else 404). A coordinator of the programme whose participant has
    a line manager sees it exists (the time page shows it) but may not decide: 403."""
    coordinated = Membership.objects.filter(person=person, role=Role.COORDINATOR).values("programme_id")
    request = get_object_or_404(
        _requests().filter(Q(person__line_manager=person) | Q(programme_id__in=coordinated)).exclude(person=person),
        pk=pk,
    )
    manager = request.person.line_manager
    has_manager = manager is not None and manager.is_active
    if (has_manager and manager.pk != person.pk) or (not has_manager and request.person.line_manager_id == person.pk):
        raise PermissionDenied("Only the person's line manager decides this request.")
    return request


def get_request_for_host(person: Person, pk: int) -> OpportunityRequest:
    """A request of an opportunity the person hosts (else 404)."""
    return get_object_or_404(_requests().filter(opportunity__host=person), pk=pk)
