"""Line managers' briefing (issue 20): per programme, whether the line managers of its participants took the
line manager briefing; record a completion; remind those not briefed (once a day each)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.dates import long_date
from core.once import submit_once
from core.pagination import page_of

from ..permissions import get_programme_for, get_programme_line_manager_for
from ..selectors import briefing as selectors
from ..services import briefing as services


@login_required
@require_GET
def briefings(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUSES else ""
    # Queries: the programme and its coordinator check, the totals (one), the paginator count, one page of line
    # managers with their briefing, their reports in the programme (one prefetch), the catalogue's briefing.
    page = page_of(request, selectors.programme_line_managers(programme, today=today, status=status))
    selectors.attach_briefing(page.object_list)
    context = {
        "programme": programme,
        "page": page,
        "today": today,
        "status": status,
        "query": f"status={status}" if status else "",
        "statuses": [
            (key, label, count)
            for (key, (label, _colour)), count in zip(
                selectors.STATUSES.items(), selectors.briefing_totals(programme, today=today).values(), strict=True
            )
        ],
        "course": selectors.briefing_course(),
    }
    return render(request, "programmes/briefings.html", context)


@login_required
@require_POST
@submit_once
def briefing_record(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    programme, manager = get_programme_line_manager_for(request.user, pk, person_pk)
    completed_on = parse_date(request.POST.get("completed_on", "") or "")
    if not isinstance(completed_on, datetime.date):
        messages.error(request, _("Give the date %(name)s took the briefing.") % {"name": manager.display_name})
        return redirect("programmes:briefings", programme.pk)
    try:
        services.briefing_record(programme=programme, manager=manager, completed_on=completed_on, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s's briefing of %(date)s is recorded.")
            % {"name": manager.display_name, "date": long_date(completed_on)},
        )
    return redirect("programmes:briefings", programme.pk)


@login_required
@require_POST
def briefing_remind(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    count = services.briefing_remind(programme=programme, by=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s line manager was reminded to take the briefing.",
                "%(count)s line managers were reminded to take the briefing.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Nobody to remind: everyone is briefed or was already reminded today."))
    return redirect("programmes:briefings", programme.pk)
