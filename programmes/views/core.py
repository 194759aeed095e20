"""The organisation's core pages: home, the programme list and page, its members, a line manager's team."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pagination import page_of

from ..forms.core import MemberFilterForm
from ..hooks import TEAM_PANELS, area_homes
from ..models import Role
from ..permissions import Area, area_required, areas_for, get_programme_for, organisation_data_required
from ..selectors import core as selectors
from ..selectors.briefing import my_briefing
from ..selectors.overview import overview_panels, programme_glance
from ..selectors.time import attach_time_use
from ..services.audit import audit_event, audit_record_many
from ..services.programme import next_steps
from ..services.time import month_start


@login_required
def home(request: HttpRequest) -> HttpResponse:
    areas = areas_for(request.user)
    # An application waiting for a decision keeps the person on this page, where they can see it.
    applications = selectors.applications_awaiting_decision(request.user)
    homes = area_homes()  # the URL name of each area's home page (those above programmes are hooked in)
    if len(areas) == 1 and not applications:
        return redirect(homes[next(iter(areas))])
    context = {"areas": [a for a in Area if a in areas], "applications": applications, "homes": homes}
    return render(request, "programmes/home.html", context)


@organisation_data_required  # coordinators, and administrators, who may start a programme from here
def programme_list(request: HttpRequest) -> HttpResponse:
    # Queries: the count for the paginator, then one page of programmes with their role counts.
    page = page_of(request, selectors.programmes_coordinated(request.user))
    return render(request, "programmes/programme_list.html", {"page": page})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk)
    coordinators = selectors.programme_coordinators(programme)
    counts, steps, glance, panels = None, [], None, []
    if Role.COORDINATOR in programme.my_roles:
        counts = selectors.programme_role_counts(programme)
        steps = next_steps(programme)
        glance = programme_glance(programme)
        panels = overview_panels(programme)
    context = {"programme": programme, "coordinators": coordinators, "counts": counts, "steps": steps}
    return render(request, "programmes/programme_detail.html", {**context, "glance": glance, "panels": panels})


@login_required
def programme_members(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not filters:
        messages.warning(request, _("That filter was not understood, so all members are shown."))
    page = page_of(request, selectors.programme_members(programme, **filters))
    query = request.GET.copy()
    query.pop("page", None)  # the pagination links add their own
    context = {"programme": programme, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "programmes/programme_members.html", context)


@area_required(Area.TEAM)
def team(request: HttpRequest) -> HttpResponse:
    month = month_start(timezone.localdate())
    # Queries: paginator count, one page of reports with their teams, their participations with programmes
    # and this month's time (summed in the database), the allocations waiting for my decision, the
    # applications waiting for my endorsement, my own briefing (issue 20).
    page = page_of(request, selectors.team_reports(request.user, month=month))
    for person in page.object_list:
        attach_time_use(person.memberships.all())
    # A line manager reading their reports' protected time is personal data they do not own: one row each.
    audit_record_many(
        audit_event(
            actor=request.user,
            action="personal_data.viewed",
            obj=person,
            subject=person,
            summary="Protected time on the team page.",
            request=request,
        )
        for person in page.object_list
    )
    context = {
        "page": page,
        "month": month,
        "panels": [panel for entry in TEAM_PANELS if (panel := entry(request.user)) is not None],
        "briefing": my_briefing(request.user, today=timezone.localdate()),  # one query: the manager's own
        **selectors.team_waiting(request.user),
    }
    return render(request, "programmes/team.html", context)
