"""Planned sessions: the pair's pages to propose, answer, move, cancel and record a meeting. Pair only: a
coordinator gets 403 (they see "planned for <date>" on the pairing's page, nothing more)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.dates import meeting_time
from core.forms import add_service_errors
from core.once import submit_once
from mentoring.forms.planning import (
    AcceptForm,
    CounterForm,
    MoveForm,
    PlanningSettingsForm,
    ProposeForm,
    ReasonForm,
    RecordForm,
    WebhookChannelForm,
)
from mentoring.models import Pairing, PlannedSession, PlanningSettings, WebhookChannel
from mentoring.permissions import get_pairing_page_for, get_planned_for
from mentoring.selectors import webhooks as webhook_selectors
from mentoring.selectors.planning import join_open, suggested_times
from mentoring.services import planning, webhooks
from mentoring.views.relationship import _pair_only, _partner
from programmes.permissions import get_programme_for


def _fail(request: HttpRequest, exc: ValidationError, planned: PlannedSession) -> HttpResponse:
    messages.error(request, " ".join(exc.messages))
    return redirect(planned)


def _choices(planned: PlannedSession, request: HttpRequest, times=None) -> list[tuple[str, str]]:
    me, partner = request.user, _partner(planned.pairing, request.user)
    times = planned.times.all() if times is None else times
    return [
        (
            t.starts_at.astimezone(datetime.UTC).isoformat(),
            _("%(mine)s (for %(partner)s: %(theirs)s)")
            % {
                "mine": meeting_time(t.starts_at, me.time_zone),
                "partner": partner,
                "theirs": meeting_time(t.starts_at, partner.time_zone),
            },
        )
        for t in times
    ]


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def planned_create(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_page_for(request.user, pk)
    _pair_only(pairing)
    if pairing.status != Pairing.Status.ACTIVE:
        messages.info(
            request,
            _("This pairing is %(status)s: sessions are planned while it is active.")
            % {"status": pairing.get_status_display().lower()},
        )
        return redirect(pairing)
    form = ProposeForm(request.POST or None, person=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            planned = planning.planned_propose(
                pairing=pairing,
                by=request.user,
                times=form.times,
                duration_minutes=data["duration_minutes"],
                mode=data["mode"],
                place=data["place"],
                video_link=data["video_link"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Times proposed. %(partner)s is asked to choose one.") % {"partner": _partner(pairing, request.user)},
            )
            return redirect(planned)
    context = {"pairing": pairing, "form": form, "suggestions": suggested_times(pairing=pairing, person=request.user)}
    return render(request, "mentoring/planned_form.html", context)


@login_required
def planned_detail(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, planned_pk)
    pairing = planned.pairing
    partner = _partner(pairing, request.user)
    proposed = planned.state == PlannedSession.State.PROPOSED
    answering = proposed and planned.proposed_by_id != request.user.pk
    # Queries: session, user, the pairing with both people, the planned session with who proposed and who gave
    # the reason, its proposed times (while proposed).
    times = list(planned.times.all()) if proposed else []
    context = {
        "pairing": pairing,
        "planned": planned,
        "partner": partner,
        "answering": answering,
        "accept_form": AcceptForm(choices=_choices(planned, request, times)) if answering else None,
        "times": times,
        "reason_form": ReasonForm(),
        "join_open": join_open(planned),
    }
    return render(request, "mentoring/planned_detail.html", context)


@login_required
@require_POST
def planned_accept(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, planned_pk)
    if planned.state != PlannedSession.State.PROPOSED:
        # A double click, a second tab, a proposal cancelled meanwhile: say what happened, not "choose a time".
        state = planned.get_state_display().lower()
        return _fail(
            request, ValidationError(_("This session is %(state)s: it cannot be accepted.") % {"state": state}), planned
        )
    form = AcceptForm(request.POST, choices=_choices(planned, request))
    if not form.is_valid():
        messages.error(request, _("Choose one of the proposed times."))
        return redirect(planned)
    try:
        planning.planned_accept(planned=planned, by=request.user, starts_at=form.moment())
    except ValidationError as exc:
        return _fail(request, exc, planned)
    messages.success(request, _("Session planned. You both get a calendar invitation by email."))
    return redirect(planned)


@login_required
@require_http_methods(["GET", "POST"])
def planned_counter(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, planned_pk)
    form = CounterForm(request.POST or None, person=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            planning.planned_counter(
                planned=planned, by=request.user, times=form.times, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Other times proposed. Your partner is asked to choose one."))
            return redirect(planned)
    context = {"pairing": planned.pairing, "planned": planned, "form": form, "here": _("Propose other times")}
    return render(request, "mentoring/planned_change.html", context)


@login_required
@require_POST
def planned_decline(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, planned_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why you decline, so that your partner knows."))
        planning.planned_decline(planned=planned, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _fail(request, exc, planned)
    messages.success(request, _("You declined the proposed session."))
    return redirect(planned)


@login_required
@require_http_methods(["GET", "POST"])
def planned_move(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, planned_pk)
    form = MoveForm(request.POST or None, person=request.user, initial={"time_1": planned.starts_at})
    if request.method == "POST" and form.is_valid():
        try:
            planning.planned_move(
                planned=planned,
                by=request.user,
                starts_at=form.cleaned_data["time_1"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session moved. You both get an updated calendar invitation."))
            return redirect(planned)
    context = {"pairing": planned.pairing, "planned": planned, "form": form, "here": _("Move the session")}
    return render(request, "mentoring/planned_change.html", context)


@login_required
@require_POST
def planned_cancel(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, planned_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why you cancel, so that your partner knows."))
        planning.planned_cancel(planned=planned, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _fail(request, exc, planned)
    messages.success(request, _("Session cancelled. Your partner is told."))
    return redirect(planned)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def planned_record(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, planned_pk)
    if planned.state != PlannedSession.State.ACCEPTED or not planned.is_past:
        messages.info(request, _("A planned session is recorded once its time has passed."))
        return redirect(planned)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == RecordForm.HELD:
                session = planning.planned_record_held(
                    planned=planned,
                    by=request.user,
                    summary=data["summary"],
                    next_steps=data["next_steps"],
                    private_note=data["private_note"],
                    share_note=data["share_note"],
                )
            else:
                planning.planned_record_not_held(planned=planned, by=request.user, reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if data["outcome"] == RecordForm.HELD:
                messages.success(
                    request,
                    _("Session logged. %(partner)s is asked to confirm it.")
                    % {"partner": _partner(planned.pairing, request.user)},
                )
                return redirect(session)
            messages.success(request, _("Recorded: the session did not happen."))
            return redirect(planned)
    return render(
        request, "mentoring/planned_record.html", {"pairing": planned.pairing, "planned": planned, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def planning_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's default meeting link pattern: its coordinators only."""
    programme = get_programme_for(request.user, pk, manage=True)
    found = PlanningSettings.objects.filter(programme=programme).first()
    form = PlanningSettingsForm(request.POST or None, initial={"link_pattern": found.link_pattern if found else ""})
    if request.method == "POST" and form.is_valid():
        try:
            planning.planning_settings_update(
                programme=programme, by=request.user, link_pattern=form.cleaned_data["link_pattern"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved. New planned video sessions get this link unless the pair gives one."))
            return redirect("mentoring:planning_settings", pk=programme.pk)
    return render(request, "mentoring/planning_settings.html", {"programme": programme, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def webhooks_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme's Slack and Teams channels and the deliveries that failed: its coordinators only."""
    programme = get_programme_for(request.user, pk, manage=True)
    form = WebhookChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhooks.webhook_channel_add(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Channel added. Planned, moved and cancelled sessions are posted to it."))
            return redirect("mentoring:webhooks", pk=programme.pk)
    # Queries: session, user, the programme and the person's role; its channels; the latest failed deliveries.
    context = {"programme": programme, "form": form, **webhook_selectors.programme_webhooks(programme=programme)}
    return render(request, "mentoring/webhooks.html", context)


@login_required
@require_POST
def webhook_remove(request: HttpRequest, pk: int, channel_pk: int) -> HttpResponse:
    """Remove one of the programme's channels (a wrong or retired address): its coordinators only."""
    programme = get_programme_for(request.user, pk, manage=True)
    channel = get_object_or_404(WebhookChannel.objects.filter(programme=programme), pk=channel_pk)
    webhooks.webhook_channel_remove(channel=channel)
    messages.success(request, _("Channel removed. Nothing more is posted to it."))
    return redirect("mentoring:webhooks", pk=programme.pk)
