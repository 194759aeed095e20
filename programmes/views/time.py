"""Protected time: the coordinator's month view of a programme, and the changes coordinators and line
managers make to allocations (the line manager's side of the page is "My team", in views/core.py)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from core.once import submit_once
from core.pagination import page_of

from ..forms.time import AllocationAdjustForm, AllocationDecideForm, AllocationsCreateForm, TimeFilterForm
from ..models import Programme
from ..permissions import (
    Area,
    area_required,
    get_allocation_for_coordinator,
    get_allocation_for_line_manager,
    get_programme_for,
)
from ..selectors.time import FLAGS, attach_time_use, programme_participants_time, time_totals
from ..services import time as time_services
from ..services.time import month_after, month_label, month_start


def _to_time_page(programme_pk: int, month: datetime.date) -> HttpResponseRedirect:
    return redirect(f"{reverse('programmes:time', args=[programme_pk])}?month={month:%Y-%m}")


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@login_required
def programme_time(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = TimeFilterForm(request.GET or None)
    month, flag = month_start(timezone.localdate()), ""
    if form.is_bound and not form.is_valid():
        if "month" in form.errors:
            messages.warning(
                request, gettext("%(error)s This month is shown instead.") % {"error": form.errors["month"][0]}
            )
        if "flag" in form.errors:
            messages.warning(request, gettext("That filter was not understood, so everyone is shown."))
    if form.is_bound:
        month = form.cleaned_data.get("month") or month
        flag = form.cleaned_data.get("flag") or ""
    participants = programme_participants_time(programme.pk, month=month)
    totals = time_totals(participants)
    if flag:
        participants = participants.filter(**{f"time_flag_{flag}": True})
    page = page_of(request, participants)
    attach_time_use(page.object_list)
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "totals": totals,
        "month": month,
        "flag": flag,
        "flags": [(key, label, totals["flags"][key]) for key, (label, _) in FLAGS.items()],
        "previous_month": month_start(month - datetime.timedelta(days=1)),
        "next_month": month_after(month),
        "query": f"month={month:%Y-%m}" + (f"&flag={flag}" if flag else ""),
        "can_allocate": programme.status not in (Programme.Status.DRAFT, Programme.Status.CLOSED),
    }
    return render(request, "programmes/programme_time.html", context)


@login_required
@require_POST
@submit_once
def allocations_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = AllocationsCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("No allocations were created: %(error)s") % {"error": _first_error(form)})
        return redirect("programmes:time", pk=programme.pk)
    month = form.cleaned_data["month"]
    try:
        run = time_services.allocations_ensure_month(programme=programme, month=month, by=request.user)
    except ValidationError as exc:
        messages.error(request, gettext("No allocations were created: %(error)s") % {"error": " ".join(exc.messages)})
        return _to_time_page(programme.pk, month)
    if not run.created:
        messages.info(
            request,
            gettext("Everyone already has an allocation for %(month)s; nothing changed.")
            % {"month": month_label(month)},
        )
        return _to_time_page(programme.pk, month)
    messages.success(
        request,
        ngettext(
            "Created %(count)s allocation for %(month)s. Line managers are asked to approve them.",
            "Created %(count)s allocations for %(month)s. Line managers are asked to approve them.",
            len(run.created),
        )
        % {"count": len(run.created), "month": month_label(month)},
    )
    if missing := run.without_line_manager:
        names = ", ".join(str(person) for person in missing)
        messages.warning(
            request,
            gettext("No line manager on record for %(names)s: their time stays unapproved until one is.")
            % {"names": names},
        )
    return _to_time_page(programme.pk, month)


@login_required
@require_POST
def allocation_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = get_allocation_for_coordinator(request.user, pk)
    form = AllocationAdjustForm(request.POST)
    person = allocation.person
    if not form.is_valid():
        messages.error(
            request,
            gettext("%(person)s's hours were not changed: %(error)s") % {"person": person, "error": _first_error(form)},
        )
        return _to_time_page(allocation.programme_id, allocation.month)
    was_pending = allocation.status == allocation.Status.PENDING
    try:
        changed = time_services.allocation_adjust(
            allocation=allocation, hours=form.cleaned_data["hours"], by=request.user
        )
    except ValidationError as exc:
        messages.error(
            request,
            gettext("%(person)s's hours were not changed: %(error)s")
            % {"person": person, "error": " ".join(exc.messages)},
        )
    else:
        values = {"person": person, "hours": number_format(changed.hours), "month": month_label(changed.month)}
        if not was_pending and changed.status == changed.Status.PENDING:
            text = gettext(
                "%(person)s has %(hours)s h for %(month)s. Their line manager is asked to approve the new hours."
            )
        else:
            text = gettext("%(person)s has %(hours)s h for %(month)s.")
        messages.success(request, text % values)
    return _to_time_page(allocation.programme_id, allocation.month)


@area_required(Area.TEAM)
@require_POST
def allocation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = get_allocation_for_line_manager(request.user, pk)
    form = AllocationDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose whether to approve or decline the time; nothing was changed."))
        return redirect("programmes:team")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = time_services.allocation_decide(
            allocation=allocation, by=request.user, approve=approve, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        values = {
            "hours": number_format(decided.hours),
            "person": decided.person,
            "programme": decided.programme,
            "month": month_label(decided.month),
        }
        if approve:
            text = gettext(
                "You approved %(hours)s h for %(person)s in %(programme)s (%(month)s). "
                "They and the coordinators are told."
            )
        else:
            text = gettext(
                "You declined %(hours)s h for %(person)s in %(programme)s (%(month)s). "
                "They and the coordinators are told."
            )
        messages.success(request, text % values)
    return redirect("programmes:team")
