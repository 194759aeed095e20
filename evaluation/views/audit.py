"""The learning-environment audit's items, the organisation's to edit: coordinators and staff change an item's
words, translations and dimension, add, retire and reorder items, and reset them to the shipped default. A round
already sent keeps the version it was sent with (``services/audit.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from core.once import submit_once

from ..forms.surveys import AuditItemForm
from ..models import Question
from ..permissions import get_audit_item_for, require_audit_editor
from ..selectors.surveys import audit_versions
from ..services import audit as services


@login_required
@require_GET
def audit_items(request: HttpRequest) -> HttpResponse:
    # Queries: session, user, areas (navigation); may I edit (one); the built-ins; the versions with their round
    # counts; the newest version's items.
    require_audit_editor(request.user)
    current = services.audit_current()
    context = {
        "survey": current,
        "items": list(current.questions.order_by("position", "pk")),
        "versions": audit_versions(),
        "locked": services.audit_is_locked(current),
        "is_default": services.audit_is_default(current),
    }
    return render(request, "evaluation/audit_items.html", context)


def _item_page(request: HttpRequest, question: Question | None) -> HttpResponse:
    kind = question.kind if question else Question.Kind.LIKERT
    initial = AuditItemForm.initial_for(question) if question else None
    form = AuditItemForm(request.POST or None, initial=initial, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                services.audit_item_create(by=request.user, **form.cleaned_data)
            else:
                services.audit_item_update(question=question, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Item added.") if question is None else _("Item saved."))
            return redirect("evaluation:audit_items")
    return render(request, "evaluation/audit_item_form.html", {"form": form, "question": question})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def audit_item_add(request: HttpRequest) -> HttpResponse:
    require_audit_editor(request.user)
    return _item_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def audit_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, get_audit_item_for(request.user, pk, services.audit_current()))


@login_required
@require_http_methods(["GET", "POST"])
def audit_item_retire(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_audit_item_for(request.user, pk, services.audit_current())
    if request.method == "POST":
        try:
            services.audit_item_retire(question=question, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Item retired: rounds already sent keep it."))
        return redirect("evaluation:audit_items")
    return render(request, "evaluation/audit_item_retire.html", {"question": question})


@login_required
@require_POST
def audit_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_audit_item_for(request.user, pk, services.audit_current())
    try:
        services.audit_item_move(question=question, by=request.user, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("evaluation:audit_items")


@login_required
@require_http_methods(["GET", "POST"])
def audit_reset(request: HttpRequest) -> HttpResponse:
    require_audit_editor(request.user)
    if request.method == "POST":
        services.audit_reset(by=request.user)
        messages.success(request, _("The audit's items are the default again; rounds already sent keep theirs."))
        return redirect("evaluation:audit_items")
    return render(request, "evaluation/audit_reset.html", {})
