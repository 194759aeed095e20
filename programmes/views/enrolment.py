"""Enrolment pages: open programmes, the application form, endorsement, decisions, notifications, skills."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from core.once import submit_once
from core.pagination import page_of

from ..forms.enrolment import (
    ApplicationFilterForm,
    ApplicationForm,
    BulkDecisionForm,
    DecisionForm,
    EndorsementForm,
    SkillForm,
    SkillMergeForm,
)
from ..models import Application, Skill
from ..permissions import get_application_for, get_open_programme_for, get_programme_for, organisation_data_required
from ..selectors import enrolment as selectors
from ..services import enrolment as services
from ..services.audit import audit_record
from ..services.notifications import notifications_mark_all_read


@login_required
def open_programmes(request: HttpRequest) -> HttpResponse:
    # Queries: recruiting programmes with the person's own open application (if any) as a subquery.
    programmes = selectors.programmes_open_for(request.user)
    return render(request, "programmes/open_programmes.html", {"programmes": programmes})


@login_required
@submit_once
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_open_programme_for(request.user, pk)
    initial = {"role": request.GET.get("role")} if request.GET.get("role") in ("mentor", "mentee") else {}
    form = ApplicationForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_submit(
                programme=programme,
                person=request.user,
                role=data["role"],
                goals=data["goals"],
                meeting_mode=data["meeting_mode"],
                availability=data["availability"],
                languages=data["languages"],
                skills=data["skills"],
                capacity=data.get("capacity"),
                answers=data["answers"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your application to %(programme)s is in.") % {"programme": programme.name})
            return redirect(application)
    return render(request, "programmes/application_form.html", {"programme": programme, "form": form})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    # A line manager who is only the manager sees the commitment, not the applicant's goals or answers.
    full = bool(application.viewer & {"applicant", "coordinator"})
    skills = selectors.application_skills(application) if full else []
    answers = selectors.application_answers(application) if full else []
    if "applicant" not in application.viewer:
        audit_record(
            actor=request.user,
            action="personal_data.viewed",
            obj=application,
            subject=application.person,
            summary="Application.",
            request=request,
        )
    return render(
        request,
        "programmes/application_detail.html",
        {
            "application": application,
            "full": full,
            "skills": skills,
            "answers": answers,
            "endorsement_form": EndorsementForm() if "manager" in application.viewer else None,
            "decision_form": DecisionForm() if "coordinator" in application.viewer else None,
        },
    )


@require_POST
@login_required
def application_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk, as_="manager")
    form = EndorsementForm(request.POST)
    if form.is_valid():
        try:
            services.application_endorse(
                application=application,
                by=request.user,
                endorse=form.cleaned_data["decision"] == "endorse",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you: the applicant and the coordinators have your answer."))
    else:
        messages.error(request, _("Choose whether you endorse the application."))
    # Line managers also answer in place on "My team"; send them back where they were.
    return redirect("programmes:team") if request.POST.get("next") == "team" else redirect(application)


@require_POST
@login_required
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk, as_="coordinator")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            application = services.application_decide(
                application=application,
                by=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(person)s's application is now %(status)s.")
                % {"person": application.person, "status": application.get_status_display().lower()},
            )
    else:
        messages.error(request, _("Choose approve, wait-list or decline."))
    return redirect(application)


@require_POST
@login_required
def applications_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The list's ticked applications, one decision and one reason: all of them, or none and why."""
    programme = get_programme_for(request.user, pk, manage=True)
    form = BulkDecisionForm(request.POST)
    back = reverse("programmes:applications", args=[programme.pk])
    if query := request.POST.get("query", ""):
        back += "?" + QueryDict(query).urlencode()  # the list's filters and page, re-encoded (no raw input)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    try:
        decided = services.applications_decide(
            programme=programme,
            application_ids=data["applications"],
            by=request.user,
            decision=data["decision"],
            reason=data["reason"],
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        status = decided[0].get_status_display().lower()
        messages.success(
            request,
            ngettext(
                "%(count)s application %(status)s: %(names)s.",
                "%(count)s applications %(status)s: %(names)s.",
                len(decided),
            )
            % {"count": len(decided), "status": status, "names": _names(decided)},
        )
    return redirect(back)


def _names(applications: list[Application]) -> str:
    return get_text_list([str(a.person) for a in applications], _("and"))


@login_required
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST withdraws."""
    application = get_application_for(request.user, pk, as_="applicant")
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("You withdrew your application to %(programme)s.") % {"programme": application.programme.name},
            )
        return redirect(application)
    return render(request, "programmes/application_withdraw.html", {"application": application})


@login_required
def application_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = ApplicationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not filters:
        messages.warning(request, _("That filter was not understood, so all applications are shown."))
    counts = selectors.application_counts(programme)
    page = page_of(request, selectors.programme_applications(programme, **filters))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/application_list.html",
        {"programme": programme, "form": form, "page": page, "counts": counts, "query": query.urlencode()},
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    # Queries: session, user, areas with the unread count (navigation); paginator count; one page.
    unread_only = request.GET.get("unread") == "1"
    page = page_of(request, selectors.notifications_of(request.user, unread_only=unread_only))
    context = {"page": page, "unread_only": unread_only, "query": "unread=1" if unread_only else ""}
    return render(request, "programmes/notification_list.html", context)


@require_POST
@login_required
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(person=request.user)
    messages.success(request, _("All caught up."))
    return redirect("programmes:notifications")


@organisation_data_required
def skill_list(request: HttpRequest) -> HttpResponse:
    create_form = SkillForm(request.POST or None, prefix="new")
    if request.method == "POST" and create_form.is_valid():
        try:
            skill = services.skill_create(by=request.user, **create_form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(create_form, exc)
        else:
            messages.success(request, _("“%(skill)s” added to the vocabulary.") % {"skill": skill})
            return redirect("programmes:skills")
    # Queries: paginator count; one page of canonical skills with usage counts; their synonyms.
    q = request.GET.get("q", "").strip()[:80]
    page = page_of(request, selectors.skills_with_uses(q=q), 50)
    return render(
        request,
        "programmes/skill_list.html",
        {
            "page": page,
            "create_form": create_form,
            "merge_form": SkillMergeForm(),
            "q": q,
            "query": urlencode({"q": q}) if q else "",
        },
    )


@organisation_data_required
def skill_merge(request: HttpRequest) -> HttpResponse:
    """GET shows what will happen and asks for confirmation; POST with confirm merges."""
    form = SkillMergeForm(request.POST or request.GET or None)
    if not form.is_bound or not form.is_valid():
        if form.is_bound:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("programmes:skills")
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.skill_merge(source=source, target=target, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("“%(source)s” is now a synonym of “%(target)s”.") % {"source": source, "target": target}
            )
        return redirect("programmes:skills")
    uses = selectors.skill_uses(source)
    return render(request, "programmes/skill_merge.html", {"source": source, "target": target, "uses": uses})


@require_POST
@organisation_data_required
def skill_rename(request: HttpRequest, pk: int) -> HttpResponse:
    skill = get_object_or_404(Skill.objects.canonical(), pk=pk)
    form = SkillForm(request.POST)
    if form.is_valid():
        try:
            services.skill_rename(skill=skill, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Renamed to “%(skill)s”.") % {"skill": skill})
    else:
        messages.error(request, _("Give the skill a name."))
    return redirect("programmes:skills")
