"""Pages of the pairing lifecycle: accept or decline a proposal, pause, resume, complete, end early, and the
private closing reflection. Thin: access helper, form, service, redirect or render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.dates import long_date
from mentoring.forms.lifecycle import DeclineForm, EndEarlyForm, PauseForm, ReflectionForm
from mentoring.models import Goal, Pairing
from mentoring.permissions import get_pairing_for, get_pairing_page_for, own_reflection
from mentoring.services import lifecycle
from mentoring.services.pairing import side_of
from programmes.models import Person


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's messages beside the fields they name; the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _not_now(request: HttpRequest, pairing: Pairing, doing: str) -> HttpResponse:
    # Whole sentences, one per step, so that each language words them its own way.
    texts = {
        "decline": _("This pairing is %(status)s, so it cannot be declined now."),
        "pause": _("This pairing is %(status)s, so it cannot be paused now."),
        "complete": _("This pairing is %(status)s, so it cannot be completed now."),
        "end_early": _("This pairing is %(status)s, so it cannot be ended early now."),
    }
    messages.info(request, texts[doing] % {"status": pairing.get_status_display().lower()})
    return redirect(pairing)


def _partner(pairing: Pairing, person: Person) -> Person:
    return pairing.mentee if pairing.mentor_id == person.pk else pairing.mentor


@login_required
@require_POST
def pairing_accept(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_for(request.user, pk, write=True)
    partner = _partner(pairing, request.user)
    try:
        pairing = lifecycle.pairing_accept(pairing=pairing, by=request.user)
    except ValidationError as exc:
        messages.error(request, _("The pairing was not accepted: %(reasons)s") % {"reasons": " ".join(exc.messages)})
        return redirect(pairing)
    if pairing.status == Pairing.Status.ACTIVE:
        when = lifecycle.starts_words(pairing)
        messages.success(
            request,
            _("You have both accepted: your mentoring with %(partner)s starts %(when)s.")
            % {"partner": partner, "when": when},
        )
    else:
        messages.success(
            request, _("You accepted. The pairing starts as soon as %(partner)s accepts too.") % {"partner": partner}
        )
    return redirect(pairing)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_decline(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_for(request.user, pk, write=True)
    if pairing.status != Pairing.Status.PROPOSED:
        return _not_now(request, pairing, "decline")
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.pairing_decline(pairing=pairing, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("You declined the pairing. The coordinators will look for another match."))
            return redirect("mentoring:home")
    context = {"pairing": pairing, "partner": _partner(pairing, request.user), "form": form}
    return render(request, "mentoring/pairing_decline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_pause(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    if pairing.status != Pairing.Status.ACTIVE:
        return _not_now(request, pairing, "pause")
    form = PauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = lifecycle.pairing_pause(pairing=pairing, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("The pairing is paused until %(date)s.") % {"date": long_date(pairing.resume_on)}
            )
            return redirect(pairing)
    return render(request, "mentoring/pairing_pause.html", {"pairing": pairing, "form": form})


@login_required
@require_POST
def pairing_resume(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    try:
        pairing = lifecycle.pairing_resume(pairing=pairing, by=request.user)
    except ValidationError as exc:
        messages.error(request, _("The pairing was not resumed: %(reasons)s") % {"reasons": " ".join(exc.messages)})
    else:
        messages.success(request, _("The pairing is active again."))
    return redirect(pairing)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_complete(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    if not pairing.is_current:
        return _not_now(request, pairing, "complete")
    if request.method == "POST":
        try:
            lifecycle.pairing_complete(pairing=pairing, by=request.user)
        except ValidationError as exc:
            messages.error(
                request, _("The pairing was not completed: %(reasons)s") % {"reasons": " ".join(exc.messages)}
            )
            return redirect(pairing)
        messages.success(request, _("The pairing is completed."))
        if pairing.side:
            return redirect("mentoring:pairing_reflection", pk=pairing.pk)
        return redirect(pairing)
    return render(request, "mentoring/pairing_complete.html", {"pairing": pairing})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_end_early(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    if not pairing.is_current:
        return _not_now(request, pairing, "end_early")
    rematch_label = None
    if pairing.programme.status in lifecycle.REMATCH_STATUSES:
        rematch_label = {
            "mentee": _("I would like a new mentor"),
            "mentor": None,
            None: _("Find %(mentee)s a new mentor") % {"mentee": pairing.mentee},
        }[pairing.side]
    form = EndEarlyForm(request.POST or None, rematch_label=rematch_label)
    if request.method == "POST" and form.is_valid():
        rematch = form.cleaned_data.get("rematch", False)
        try:
            lifecycle.pairing_end_early(
                pairing=pairing, by=request.user, reason_code=form.cleaned_data["reason_code"], rematch=rematch
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            text = _("The pairing has ended.")
            if rematch:
                text = _("The pairing has ended. The coordinators are asked to find a new mentor.")
            messages.success(request, text)
            if pairing.side:
                return redirect("mentoring:pairing_reflection", pk=pairing.pk)
            return redirect(pairing)
    return render(request, "mentoring/pairing_end_early.html", {"pairing": pairing, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_reflection(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_for(request.user, pk, write=True)
    if not lifecycle.reflection_closable(pairing):
        messages.info(request, _("A closing reflection is written once the pairing has completed or ended."))
        return redirect(pairing)
    reflection = own_reflection(request.user, pairing)
    form = ReflectionForm(request.POST or None, initial={"text": reflection.text if reflection else ""})
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.reflection_write(pairing=pairing, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your closing reflection is saved. Only you can read it."))
            return redirect(pairing)
    context = {"pairing": pairing, "partner": _partner(pairing, request.user), "form": form, "reflection": reflection}
    # The close is when each side rates their own goals again (the mentee theirs, the mentor their own learning
    # goals): listed here with a way to the rating, since whoever owns a goal rates it.
    context["side"] = side_of(pairing, request.user)
    context["own_goals"] = list(Goal.objects.filter(pairing=pairing, owner=context["side"]))
    return render(request, "mentoring/pairing_reflection.html", context)
