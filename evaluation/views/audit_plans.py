"""The learning-environment audit acted on: a unit's results page with its action plan (its line manager writes
it; the programme's coordinators read it), the coordinators' overview of a round, and its alerts.

Thin: access helper, form, service, redirect or render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from core.once import submit_once
from programmes.permissions import get_programme_for

from ..forms.audit_plans import ActionPlanForm, AuditAlertForm
from ..models.audit_plans import MAX_ACTIONS
from ..permissions import get_audit_alert_in, get_audit_round_for, get_audit_unit_for
from ..selectors import audit_plans as selectors
from ..services import audit_plans as services


def _unit_page(request: HttpRequest, survey_round, unit, leads: bool, form: ActionPlanForm | None) -> HttpResponse:
    # Queries (beyond access): the round's units with the trend, the plan with its actions and their history.
    found, before = selectors.round_units_with_trend(survey_round)
    plan = selectors.plan_for(survey_round, unit.pk)
    if form is None and leads:
        form = ActionPlanForm(plan=plan)
    shown = found.units.get(unit.pk)
    rolled_into = left_out_of = None
    rolled_shown, rolled_reason = True, ""
    if shown is None and unit.pk in found.unit_of_team:
        department = found.units.get(found.unit_of_team[unit.pk])
        rolled_into = found.names.get(found.unit_of_team[unit.pk], "")
        if department is not None and not department.shown:  # its department's results are not shown either
            rolled_shown, rolled_reason = False, department.reason
    elif shown is None and unit.pk in found.left_out:  # counted nowhere: say so, and why
        left_out_of = found.names.get(found.left_out[unit.pk], "")
    context = {
        "round": survey_round,
        "programme": survey_round.programme,
        "unit": unit,
        "result": shown,
        "rolled_into": rolled_into,
        "rolled_shown": rolled_shown,
        "rolled_reason": rolled_reason,
        "left_out_of": left_out_of,
        "previous": before,
        "plan": plan,
        "form": form if leads and shown is not None and shown.shown else None,
        "max_actions": MAX_ACTIONS,
        "min_group": found.min_group,
    }
    return render(request, "evaluation/audit_unit.html", context, status=400 if form and form.errors else 200)


@login_required
def audit_unit(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    survey_round, unit, leads = get_audit_unit_for(request.user, round_pk, unit_pk)
    return _unit_page(request, survey_round, unit, leads, None)


@login_required
@require_POST
@submit_once
def audit_plan_save(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    survey_round, unit, leads = get_audit_unit_for(request.user, round_pk, unit_pk, write=True)
    plan = selectors.plan_for(survey_round, unit.pk)
    form = ActionPlanForm(request.POST, plan=plan)
    if form.is_valid() and not any((a["text"] or "").strip() for a in form.actions()):
        # Nothing written (or everything cleared): said on the page, nothing saved.
        messages.error(request, _("Write at least one action."))
        return redirect("evaluation:audit_unit", round_pk=survey_round.pk, unit_pk=unit.pk)
    if form.is_valid():
        found = selectors.round_units(survey_round).units.get(unit.pk)
        if found is None or not found.shown:
            messages.error(request, _("This unit's results are not shown, so it has no plan to write."))
            return redirect("evaluation:audit_unit", round_pk=survey_round.pk, unit_pk=unit.pk)
        try:
            services.action_plan_save(
                survey_round=survey_round, unit_pk=unit.pk, unit_name=unit.name, by=request.user,
                actions=form.actions(),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Action plan saved."))
            return redirect("evaluation:audit_unit", round_pk=survey_round.pk, unit_pk=unit.pk)
    return _unit_page(request, survey_round, unit, leads, form)


@login_required
def audit_overview(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    """Every unit of the round: shown or why not, its lead, its plan's progress, the trend; the audit alerts."""
    survey_round = get_audit_round_for(request.user, pk, round_pk)
    context = {
        "programme": survey_round.programme,
        "round": survey_round,
        "active_tab": "surveys",
        **selectors.audit_overview(survey_round),
    }
    return render(request, "evaluation/audit_overview.html", context)


@login_required
@require_POST
def audit_alert_handle(request: HttpRequest, pk: int, alert_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    alert = get_audit_alert_in(programme, alert_pk)
    form = AuditAlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose acknowledge or resolve."))
    else:
        try:
            services.audit_alert_handle(alert=alert, by=request.user, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Alert updated."))
    if request.POST.get("next") == "alerts":  # handled from the programme's alerts page: back there
        return redirect(reverse("evaluation:alerts", args=[programme.pk]) + "#learning-environment")
    return redirect("evaluation:audit_overview", pk=programme.pk, round_pk=alert.round_id)
