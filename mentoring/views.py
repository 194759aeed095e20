from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmes.models import Membership
from programmes.permissions import Area, area_required

from .models import Pairing
from .permissions import get_pairing_for


@area_required(Area.MENTORING)
def my_mentoring(request: HttpRequest) -> HttpResponse:
    # Queries: the person's mentor/mentee memberships with programmes; their pairings with both people.
    memberships = (
        Membership.objects.participants()
        .filter(person=request.user)
        .select_related("programme")
        .order_by("programme__name")
    )
    pairings = (
        Pairing.objects.involving(request.user)
        .select_related("programme", "mentor__org_unit", "mentee__org_unit")
        .order_by("-started_on", "-created_at")
    )
    current, past = [], []
    for pairing in pairings:
        (current if pairing.is_current or pairing.status == Pairing.Status.PROPOSED else past).append(pairing)
    return render(
        request,
        "mentoring/home.html",
        {"memberships": memberships, "current": current, "past": past},
    )


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_for(request.user, pk)
    in_pair = request.user.pk in (pairing.mentor_id, pairing.mentee_id)
    partner = None
    if in_pair:
        partner = pairing.mentee if pairing.mentor_id == request.user.pk else pairing.mentor
    return render(
        request,
        "mentoring/pairing_detail.html",
        {"pairing": pairing, "in_pair": in_pair, "partner": partner},
    )
