"""Programme set-up for coordinators: create, settings, people, questions, lifecycle."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from core.i18n import noun_in_sentence
from core.once import submit_once

from ..forms.enrolment import MemberAddForm, ProgrammeForm, ProgrammeStartForm, QuestionForm
from ..models import EnrolmentQuestion, Membership, Programme
from ..permissions import get_programme_for, organisation_data_required
from ..selectors.core import programme_staff
from ..services import programme as services

SETUP_FIELDS = list(ProgrammeForm.Meta.fields)


@organisation_data_required
@submit_once
def programme_create(request: HttpRequest) -> HttpResponse:
    # Coordinators of any programme and administrators may start a new one; they become its coordinator.
    form = ProgrammeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            programme = services.programme_create(by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(programme)s is ready as a draft. Check its settings (check-ins, protected time, mentor "
                    "capacity), then open enrolment when you are ready."
                )
                % {"programme": programme.name},
            )
            return redirect("programmes:settings", programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_settings(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                programme=programme, by=request.user, **{f: form.cleaned_data[f] for f in SETUP_FIELDS}
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("programmes:settings", programme.pk)
    people = programme_staff(programme)
    return render(
        request,
        "programmes/programme_settings.html",
        {
            "programme": programme,
            "form": form,
            "people": people,
            "member_form": MemberAddForm(),
            "question_form": QuestionForm(),
            "questions": programme.questions.all(),
            "steps": services.next_steps(programme),
        },
    )


@require_POST
@login_required
def programme_transition(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    to = request.POST.get("to", "")
    if to not in Programme.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect(programme)
    try:
        programme = services.programme_transition(
            programme=programme, to=to, by=request.user, confirm=request.POST.get("confirm") == "yes"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(programme)s is now %(status)s.")
            % {"programme": programme.name, "status": programme.get_status_display().lower()},
        )
    return redirect(programme)


@require_POST
@login_required
@submit_once
def programme_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            services.membership_add(
                programme=programme,
                person=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                participant_confirmed=form.cleaned_data["participant_confirmed"],
            )
        except ValidationError as exc:
            if exc.error_list[0].code == "participant_coordinator":
                # Asked on a page of its own: the choice is theirs, but only once they have read what it opens.
                context = {"programme": programme, "form": form, "warning": " ".join(exc.messages)}
                return render(request, "programmes/member_add_confirm.html", context)
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(email)s added.") % {"email": form.cleaned_data["email"]})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("programmes:settings", programme.pk)


@require_POST
@login_required
def programme_member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    membership = get_object_or_404(Membership.objects.filter(programme=programme), pk=membership_pk)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(person)s is no longer a %(role)s.")
            % {"person": membership.person, "role": noun_in_sentence(membership.get_role_display())},
        )

    return redirect("programmes:settings", programme.pk)


@require_POST
@login_required
@submit_once
def programme_question_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Question added to the application form."))
    else:
        messages.error(request, _("Write the question (at most 300 characters)."))
    return redirect("programmes:settings", programme.pk)


@require_POST
@login_required
def programme_question_remove(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    question = get_object_or_404(EnrolmentQuestion.objects.filter(programme=programme), pk=question_pk)
    try:
        services.question_remove(question=question, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Question removed."))
    return redirect("programmes:settings", programme.pk)
