"""The coordinators' alerts page and interventions of one programme.

Thin: access helper, form, service, redirect or render. Every page is for the programme's coordinators only
(``get_programme_for(manage=True)``: outsiders 404, other members 403); an alert, pairing, participant or
intervention of another programme is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from core.once import submit_once
from mentoring.selectors import alerts as alert_selectors
from mentoring.services import alerts as alert_services
from programmes.permissions import get_programme_for

from ..forms.interventions import InterventionCloseForm, InterventionEditForm, InterventionFilterForm, InterventionForm
from ..models import Intervention
from ..permissions import get_alert_in, get_intervention_for, get_pairing_in, get_participant_in
from ..selectors import alerts as alert_page
from ..selectors import audit_alerts
from ..selectors import interventions as selectors
from ..services import interventions

PAGE_SIZE = 25


# --- Alerts ------------------------------------------------------------------------------------------------------


@login_required
def alerts(request: HttpRequest, pk: int) -> HttpResponse:
    """Alerts grouped per pairing, the most severe and oldest first, each pairing's reasons in one line."""
    programme = get_programme_for(request.user, pk, manage=True)
    show = request.GET.get("show")
    show = show if show in alert_selectors.Show.VALUES else alert_selectors.Show.OPEN
    # Queries: the programme and my roles (access); the count per filter; the alerts of this filter with
    # their pairing, both people, who acknowledged, fit answers, health scores and open intervention.
    # The learning environment's two-round alerts (of units, not pairings) in the same filter: their count per
    # filter, then this filter's with their units, rounds, who handled them and their unit's plan.
    counts = alert_selectors.alert_counts(programme=programme)
    groups = alert_page.alerts_by_pairing(programme=programme, which=show)
    audit_counts = audit_alerts.audit_alert_counts(programme=programme)
    context = {
        "programme": programme,
        "show": show,
        "filters": [(key, label, counts[key] + audit_counts[key]) for key, label in alert_selectors.Show.CHOICES],
        "groups": groups,
        "shown": sum(len(g.alerts) for g in groups),
        "total": counts[show],
        "audit_alerts": audit_alerts.audit_alerts_for_page(programme=programme, which=show),
        "audit_total": audit_counts[show],
        "active_tab": "alerts",
    }
    return render(request, "evaluation/alerts.html", context)


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int, alert_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    alert = get_alert_in(programme, alert_pk)
    alert_services.alert_acknowledge(alert=alert, by=request.user)
    messages.success(request, _("Alert acknowledged: the other coordinators see that you are on it."))
    return redirect("evaluation:alerts", pk=programme.pk)


# --- Interventions -----------------------------------------------------------------------------------------------


@login_required
def intervention_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's interventions, newest first, filtered by status and kind."""
    programme = get_programme_for(request.user, pk, manage=True)
    form = InterventionFilterForm(request.GET or None)
    status = kind = ""
    if form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
    # Queries: the programme and my roles (access); the count per status; the paginator's count; one page
    # of interventions with who they are about and who created them.
    counts = selectors.intervention_status_counts(programme=programme)
    shown = selectors.interventions_for_programme(programme=programme, status=status, kind=kind)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "form": form,
        "counts": counts,
        "page": page,
        "query": urlencode({k: v for k, v in {"status": status, "kind": kind}.items() if v}),
        "filtered": bool(status or kind),
        "today": timezone.localdate(),
        "active_tab": "interventions",
    }
    return render(request, "evaluation/intervention_list.html", context)


def _subject(request: HttpRequest, programme) -> dict:
    """Who a new intervention is about, from the query string: an alert (its pairing), a pairing or a
    participant of this programme. Anything else is a 404 (``get_*_in``)."""
    if "alert" in request.GET:
        alert = get_alert_in(programme, request.GET["alert"])
        return {"alert": alert, "pairing": alert.pairing, "person": None}
    if "pairing" in request.GET:
        return {"alert": None, "pairing": get_pairing_in(programme, request.GET["pairing"]), "person": None}
    if "person" in request.GET:
        return {"alert": None, "pairing": None, "person": get_participant_in(programme, request.GET["person"])}
    return {}


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def intervention_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    subject = _subject(request, programme)
    if not subject:
        messages.info(request, _("Start an intervention from an alert, a pairing or a participant."))
        return redirect("evaluation:alerts", pk=programme.pk)
    pairing, alert = subject["pairing"], subject["alert"]
    open_alerts = selectors.open_alerts_of(pairing)
    choices = [(a.pk, f"{a.get_kind_display()}: {a.reason}") for a in open_alerts]
    if alert is not None and alert.resolved_at is not None:
        messages.info(request, _("That alert is already resolved; the intervention is still about its pairing."))
    initial = {"alerts": [alert.pk] if alert and alert.resolved_at is None else []}
    form = InterventionForm(request.POST or None, initial=initial, alert_choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data.get("alerts") or [])
        try:
            intervention = interventions.intervention_create(
                programme=programme,
                by=request.user,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                follow_up_on=form.cleaned_data["follow_up_on"],
                pairing=pairing,
                person=subject["person"],
                alerts=[a for a in open_alerts if a.pk in chosen],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Intervention recorded."))
            return redirect(intervention)
    context = {**subject, "programme": programme, "form": form, "active_tab": "interventions"}
    return render(request, "evaluation/intervention_form.html", context)


def _detail(request: HttpRequest, intervention: Intervention, *, edit_form=None, close_form=None) -> HttpResponse:
    programme = intervention.programme
    closed = intervention.status == Intervention.Status.CLOSED
    if not closed:
        edit_form = edit_form or InterventionEditForm(
            initial={"kind": intervention.kind, "note": intervention.note, "follow_up_on": intervention.follow_up_on}
        )
        close_form = close_form or InterventionCloseForm()
    context = {
        "programme": programme,
        "intervention": intervention,
        "linked_alerts": selectors.intervention_alerts(intervention),
        "edit_form": None if closed else edit_form,
        "close_form": None if closed else close_form,
        "active_tab": "interventions",
    }
    return render(request, "evaluation/intervention_detail.html", context)


def _already_closed(request: HttpRequest, intervention: Intervention) -> HttpResponse:
    messages.info(request, _("This intervention is closed: it stays as it was recorded."))
    return redirect(intervention)


@login_required
@require_http_methods(["GET", "POST"])
def intervention_detail(request: HttpRequest, pk: int, intervention_pk: int) -> HttpResponse:
    """The intervention with its alerts; POST changes its kind, note or follow-up date."""
    programme = get_programme_for(request.user, pk, manage=True)
    intervention = get_intervention_for(programme, intervention_pk)
    if request.method != "POST":
        return _detail(request, intervention)
    if intervention.status == Intervention.Status.CLOSED:
        return _already_closed(request, intervention)
    form = InterventionEditForm(request.POST)
    if form.is_valid():
        try:
            interventions.intervention_update(intervention=intervention, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Intervention updated."))
            return redirect(intervention)
    return _detail(request, intervention, edit_form=form)


@login_required
@require_POST
def intervention_close(request: HttpRequest, pk: int, intervention_pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    intervention = get_intervention_for(programme, intervention_pk)
    if intervention.status == Intervention.Status.CLOSED:
        return _already_closed(request, intervention)
    form = InterventionCloseForm(request.POST)
    if form.is_valid():
        try:
            interventions.intervention_close(
                intervention=intervention, by=request.user, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Intervention closed; the alerts it answered are resolved."))
            return redirect(intervention)
    return _detail(request, intervention, close_form=form)
