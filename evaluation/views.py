from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmes.permissions import Area, area_required

from . import selectors
from .permissions import get_report_programme_for


@area_required(Area.COMMITTEE)
def report_list(request: HttpRequest) -> HttpResponse:
    # Queries: one grouped query for every programme's headline counts.
    rows = [(p, selectors.headline_figures(p)) for p in selectors.committee_programmes(request.user)]
    return render(request, "evaluation/report_list.html", {"rows": rows, "min_group": settings.TANDEM_MIN_GROUP_SIZE})


@login_required
def programme_report(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_report_programme_for(request.user, pk)
    headline = selectors.committee_programmes(request.user).get(pk=programme.pk)
    return render(
        request,
        "evaluation/programme_report.html",
        {
            "programme": programme,
            "headline": selectors.headline_figures(headline),
            "by_department": selectors.participants_by_department(programme),
            "min_group": settings.TANDEM_MIN_GROUP_SIZE,
        },
    )
