"""Committee decisions followed through: "Decisions for me" (the owner's list, and a coordinator's for their
programmes) and one decision's page, where its owner or a coordinator updates its status and what was done."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from core.pagination import page_of
from programmes.permissions import Area, area_required

from ..forms.reports import DecisionUpdateForm
from ..permissions import get_decision_for
from ..selectors import reports as selectors
from ..services import decisions as services


@area_required(Area.COORDINATING, Area.TEAM)
@require_GET
def decisions_mine(request: HttpRequest) -> HttpResponse:
    # Queries: session, user, areas (the decorator); the count; the page of decisions with their reports,
    # programmes and owners.
    page = page_of(request, selectors.decisions_for(person=request.user))
    context = {"page": page, "decisions": page.object_list, "today": timezone.localdate()}
    return render(request, "evaluation/decision_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_update(request: HttpRequest, pk: int) -> HttpResponse:
    # Queries: the decision with its report, programme, owner and my roles (access); its history.
    decision = get_decision_for(request.user, pk, write=request.method == "POST")
    form = DecisionUpdateForm(request.POST or None, instance=decision) if decision.can_update else None
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_update(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision updated: the committee reads it in the next report."))
            return redirect("evaluation:decision_update", pk=decision.pk)
    context = {
        "decision": decision,
        "report": decision.report,
        "form": form,
        "history": selectors.decision_history(decision),
        "overdue": decision.is_overdue(timezone.localdate()),
    }
    return render(request, "evaluation/decision_detail.html", context)
