from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.pagination import page_of

from ..forms.core import MemberFilterForm
from ..models import PARTICIPANT_ROLES, Application, Membership, OrgUnit, Person, Programme, Role, TimeAllocation
from ..permissions import Area, area_required, areas_for, get_programme_for, organisation_data_required
from ..selectors.overview import overview_panels, programme_glance
from ..selectors.time import attach_time_use, with_time
from ..selectors.training import readiness_annotated
from ..services.audit import audit_event, audit_record_many
from ..services.programme import next_steps
from ..services.time import month_start

AREA_HOME = {
    Area.MENTORING: "mentoring:home",
    Area.COORDINATING: "programmes:list",
    Area.TEAM: "programmes:team",
    Area.COMMITTEE: "evaluation:reports",
}


def _role_counts() -> dict[str, Count]:
    return {f"{role.value}_count": Count("memberships", filter=Q(memberships__role=role.value)) for role in Role}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    areas = areas_for(request.user)
    # An application waiting for a decision keeps the person on this page, where they can see it.
    applications = list(
        Application.objects.awaiting_decision_of(request.user).select_related("programme").order_by("-created_at")
    )
    if len(areas) == 1 and not applications:
        return redirect(AREA_HOME[next(iter(areas))])
    context = {"areas": [a for a in Area if a in areas], "applications": applications}
    return render(request, "programmes/home.html", context)


@organisation_data_required  # coordinators, and administrators, who may start a programme from here
def programme_list(request: HttpRequest) -> HttpResponse:
    # Queries: the count for the paginator, then one page of programmes with their role counts.
    programmes = Programme.objects.with_role(request.user, Role.COORDINATOR).annotate(**_role_counts()).order_by("name")
    page = page_of(request, programmes)
    return render(request, "programmes/programme_list.html", {"page": page})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk)
    coordinators = Person.objects.filter(memberships__programme=programme, memberships__role=Role.COORDINATOR).order_by(
        "display_name"
    )
    counts, steps, glance, panels = None, [], None, []
    if Role.COORDINATOR in programme.my_roles:
        counts = Programme.objects.filter(pk=programme.pk).aggregate(**_role_counts())
        steps = next_steps(programme)
        glance = programme_glance(programme)
        panels = overview_panels(programme)
    context = {"programme": programme, "coordinators": coordinators, "counts": counts, "steps": steps}
    return render(request, "programmes/programme_detail.html", {**context, "glance": glance, "panels": panels})


@login_required
def programme_members(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = MemberFilterForm(request.GET or None)
    memberships = (
        readiness_annotated(programme=programme)
        .select_related("person__org_unit__parent", "person__line_manager")
        .order_by("person__display_name", "role")
    )
    if form.is_bound and form.is_valid():
        if role := form.cleaned_data["role"]:
            memberships = memberships.filter(role=role)
        if team := form.cleaned_data["team"]:
            memberships = memberships.filter(person__org_unit__in=OrgUnit.objects.subtree_ids(team))
        if readiness := form.cleaned_data["readiness"]:
            memberships = memberships.filter(role__in=PARTICIPANT_ROLES, is_ready=readiness == "ready")
        if q := form.cleaned_data["q"]:
            memberships = memberships.filter(Q(person__display_name__icontains=q) | Q(person__email__icontains=q))
    elif form.is_bound:
        messages.warning(request, "That filter was not understood, so all members are shown.")
    page = page_of(request, memberships)
    query = request.GET.copy()
    query.pop("page", None)  # the pagination links add their own
    context = {"programme": programme, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "programmes/programme_members.html", context)


@area_required(Area.TEAM)
def team(request: HttpRequest) -> HttpResponse:
    month = month_start(timezone.localdate())
    participations = with_time(
        Membership.objects.participants().select_related("programme").order_by("programme__name"), month=month
    )
    # Queries: paginator count, one page of reports with their teams, their participations with programmes
    # and this month's time (summed in the database), the allocations waiting for my decision, the
    # applications waiting for my endorsement.
    reports = (
        Person.objects.reports_of(request.user)
        .select_related("org_unit__parent")
        .prefetch_related(Prefetch("memberships", queryset=participations))
        .order_by("display_name")
    )
    page = page_of(request, reports)
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
    pending = (
        TimeAllocation.objects.awaiting_approval_by(request.user)
        .filter(person__is_active=True)
        .select_related("person", "programme")
        .order_by("month", "person__display_name", "programme__name")
    )
    endorsements = (
        Application.objects.awaiting_endorsement_by(request.user)
        .filter(person__is_active=True)
        .select_related("person", "programme")
        .order_by("created_at")
    )
    return render(
        request,
        "programmes/team.html",
        {"page": page, "month": month, "pending": pending, "endorsements": endorsements},
    )
