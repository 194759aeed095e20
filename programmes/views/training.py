"""Training pages: the course catalogue, a programme's requirements and training matrix, people's records."""

from __future__ import annotations

import csv
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from core.exports import csv_cell
from core.once import submit_once
from core.pagination import page_of

from ..forms.training import (
    CourseFilterForm,
    CourseForm,
    MatrixFilterForm,
    OverrideForm,
    RequirementForm,
    TrainingRecordForm,
)
from ..models import Course, Role, TrainingRecord
from ..permissions import (
    get_course_for,
    get_evidence_record_for,
    get_override_for,
    get_participant_for,
    get_programme_for,
    get_requirement_for,
    get_training_record_for,
    organisation_data_required,
)
from ..selectors import training as selectors
from ..selectors.opportunities import taken_up_by
from ..services import training as services
from ..services.audit import audit_record

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)  # the pagination links add their own
    return query.urlencode()


# --- Course catalogue -------------------------------------------------------------------------------------


@organisation_data_required
def course_list(request: HttpRequest) -> HttpResponse:
    form = CourseFilterForm(request.GET or None)
    # Queries: the paginator's count, then one page of courses with their record and requirement counts.
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not filters:
        messages.warning(request, _("That filter was not understood, so all courses are shown."))
    page = page_of(request, selectors.courses_with_counts(**filters))
    return render(
        request, "programmes/course_list.html", {"form": form, "page": page, "query": _query_without_page(request)}
    )


def _course_form_page(request: HttpRequest, course: Course | None) -> HttpResponse:
    heading = course.title if course else ""  # the form writes the posted values onto the instance
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            if course is None:
                course = services.course_create(data=form.cleaned_data)
            else:
                course = services.course_update(course=course, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("“%(course)s” is saved in the catalogue.") % {"course": course})
            return redirect("programmes:course_list")
    return render(request, "programmes/course_form.html", {"form": form, "course": course, "heading": heading})


@organisation_data_required
@submit_once
def course_create(request: HttpRequest) -> HttpResponse:
    return _course_form_page(request, None)


@organisation_data_required
def course_edit(request: HttpRequest, course_pk: int) -> HttpResponse:
    return _course_form_page(request, get_course_for(request.user, course_pk))


@organisation_data_required
def course_deactivate(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = get_course_for(request.user, course_pk)
    if request.method == "POST":
        services.course_set_active(course=course, active=False)
        messages.success(
            request,
            _("“%(course)s” is deactivated: its records stay, and nobody can choose it again.") % {"course": course},
        )
        return redirect("programmes:course_list")
    return render(request, "programmes/course_confirm.html", {"course": course, "action": "deactivate"})


@organisation_data_required
@require_POST
def course_reactivate(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = get_course_for(request.user, course_pk)
    services.course_set_active(course=course, active=True)
    messages.success(request, _("“%(course)s” is back in the catalogue.") % {"course": course})
    return redirect("programmes:course_list")


@organisation_data_required
def course_delete(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = get_course_for(request.user, course_pk)
    if request.method == "POST":
        try:
            services.course_delete(course=course)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("“%(course)s” is deleted.") % {"course": course})
        return redirect("programmes:course_list")
    in_use = selectors.course_in_use(course)
    return render(request, "programmes/course_confirm.html", {"course": course, "action": "delete", "in_use": in_use})


# --- A programme's requirements and training matrix -------------------------------------------------------


@login_required
@submit_once
def training_requirements(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = RequirementForm(request.POST or None, courses=selectors.courses_active())
    if request.method == "POST" and form.is_valid():
        try:
            requirement = services.requirement_add(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(role)s now need “%(course)s”.")
                % {"role": requirement.get_role_display(), "course": requirement.course},
            )
            return redirect("programmes:training_requirements", pk=programme.pk)
    requirements = selectors.programme_requirements(programme)
    by_role = [
        (label, [r for r in requirements if r.role == role])
        for role, label in ((Role.MENTOR, _("Mentors need")), (Role.MENTEE, _("Mentees need")))
    ]
    return render(
        request, "programmes/training_requirements.html", {"programme": programme, "form": form, "by_role": by_role}
    )


@login_required
def training_requirement_remove(request: HttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    requirement = get_requirement_for(programme, requirement_pk)
    if request.method == "POST":
        services.requirement_remove(requirement=requirement)
        messages.success(
            request,
            _("%(role)s no longer need “%(course)s”.")
            % {"role": requirement.get_role_display(), "course": requirement.course},
        )
        return redirect("programmes:training_requirements", pk=programme.pk)
    return render(
        request, "programmes/training_requirement_remove.html", {"programme": programme, "requirement": requirement}
    )


@login_required
def training_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    today = timezone.localdate()
    requirements = selectors.programme_requirements(programme)
    form = MatrixFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not filters:
        messages.warning(request, _("That filter was not understood, so everyone is shown."))
    page = page_of(request, selectors.matrix_participants(programme=programme, on=today, **filters))
    columns, rows = selectors.matrix_table(
        memberships=page.object_list, requirements=requirements, role=filters.get("role", ""), on=today
    )
    context = {"programme": programme, "form": form, "page": page, "rows": rows, "columns": columns}
    context |= {"has_requirements": bool(requirements), "query": _query_without_page(request)}
    return render(request, "programmes/training_matrix.html", context)


@login_required
def training_export(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    filename = f"training-{slugify(programme.name) or programme.pk}-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            pgettext("training CSV column", "Person"),
            pgettext("training CSV column", "Email"),
            pgettext("training CSV column", "Role"),
            pgettext("training CSV column", "Course"),
            pgettext("training CSV column", "Status"),
            pgettext("training CSV column", "Completed on"),
            pgettext("training CSV column", "Expires on"),
            pgettext("training CSV column", "Hours"),
            pgettext("training CSV column", "Verified"),
        ]
    )
    for row in selectors.training_export_rows(programme=programme):
        writer.writerow([csv_cell(cell) for cell in row])
    return response


# --- One participant's records, readiness and override ----------------------------------------------------


@login_required
def training_person(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    membership = get_participant_for(programme, person_pk)
    # Queries: the paginator's count, then one page of the person's records with courses and verifiers.
    page = page_of(request, selectors.training_records_of(membership.person))
    [readiness] = selectors.readiness_for_memberships(memberships=[membership])
    context = {"programme": programme, "membership": membership, "page": page, "readiness": readiness}
    context["taken"] = taken_up_by(membership.person)  # one query: the opportunities they took up
    audit_record(
        actor=request.user,
        action="personal_data.viewed",
        obj=membership,
        subject=membership.person,
        summary="Training page.",
        request=request,
    )
    return render(request, "programmes/training_person.html", context)


def _record_form_page(request: HttpRequest, programme, membership, record: TrainingRecord | None) -> HttpResponse:
    person = membership.person
    initial = {}
    if record is not None:
        initial = {
            "course": record.course_id,
            "status": record.status,
            "completed_on": record.completed_on,
            "hours": record.hours,
            "evidence_note": record.evidence_note,
        }
    form = TrainingRecordForm(
        request.POST or None, request.FILES or None, courses=selectors.courses_active(), record=record, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            if record is None:
                record = services.training_record_create(person=person, **form.service_kwargs())
            else:
                record = services.training_record_update(record=record, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            lapsed = form.cleaned_data["status"] == TrainingRecord.Status.COMPLETED != record.status
            if lapsed:
                text = _(
                    "%(person)s's record of “%(course)s” is saved. Its validity had already run out, so it is saved "
                    "as expired."
                )
            else:
                text = _("%(person)s's record of “%(course)s” is saved.")
            messages.success(request, text % {"person": person, "course": record.course})
            return redirect("programmes:training_person", pk=programme.pk, person_pk=person.pk)
    context = {"programme": programme, "membership": membership, "form": form, "record": record}
    return render(request, "programmes/training_record_form.html", context)


@login_required
@submit_once
def training_record_create(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    return _record_form_page(request, programme, get_participant_for(programme, person_pk), None)


@login_required
def training_record_edit(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    record = get_training_record_for(programme, record_pk)
    return _record_form_page(request, programme, get_participant_for(programme, record.person_id), record)


@login_required
@require_POST
def training_record_verify(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    record = get_training_record_for(programme, record_pk)
    try:
        services.training_record_verify(record=record, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(person)s's “%(course)s” is verified.") % {"person": record.person, "course": record.course}
        )
    return redirect("programmes:training_person", pk=programme.pk, person_pk=record.person_id)


@login_required
def training_evidence(request: HttpRequest, record_pk: int) -> FileResponse:
    """Evidence is served only here, after the access check; the media folder and the bucket have no public URL.

    Streamed through Tandem rather than redirected to a signed bucket URL: the store need not be reachable from
    browsers, no link exists that could be passed on, and the download stays in the audit log's hands."""
    record = get_evidence_record_for(request.user, record_pk)
    if not record.evidence_file:
        raise Http404("This record has no evidence file.")
    try:
        file = record.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404("The evidence file is missing from storage.") from None
    if record.person_id != request.user.pk:
        audit_record(
            actor=request.user,
            action="personal_data.viewed",
            obj=record,
            subject=record.person,
            summary="Training evidence file.",
            request=request,
        )
    return FileResponse(file, as_attachment=True, filename=os.path.basename(record.evidence_file.name))


@login_required
def readiness_override(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    membership = get_participant_for(programme, person_pk)
    [readiness] = selectors.readiness_for_memberships(memberships=[membership])
    initial = {"reason": readiness.override.reason} if readiness.override else {}
    form = OverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.readiness_override_record(
                programme=programme, person=membership.person, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(person)s may now be matched; your reason is recorded.") % {"person": membership.person}
            )
            return redirect("programmes:training_person", pk=programme.pk, person_pk=person_pk)
    context = {"programme": programme, "membership": membership, "readiness": readiness, "form": form}
    return render(request, "programmes/readiness_override.html", context)


@login_required
def readiness_override_withdraw(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    override = get_override_for(programme, person_pk)
    if request.method == "POST":
        services.readiness_override_withdraw(override=override)
        messages.success(request, _("The override for %(person)s is withdrawn.") % {"person": override.person})
        return redirect("programmes:training_person", pk=programme.pk, person_pk=person_pk)
    return render(
        request, "programmes/readiness_override_withdraw.html", {"programme": programme, "override": override}
    )


# --- The person's own page --------------------------------------------------------------------------------


@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    # Queries: the paginator's count, one page of my records with courses; then my readiness (memberships,
    # requirements, records for them, overrides).
    page = page_of(request, selectors.training_records_of(request.user))
    readiness = selectors.person_readiness(person=request.user)
    # My learning record: training, and the opportunities I took up (one more query).
    context = {"page": page, "readiness_list": readiness, "taken": taken_up_by(request.user)}
    return render(request, "programmes/my_training.html", context)
