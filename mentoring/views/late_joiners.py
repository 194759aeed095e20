"""Matching late joiners into free places: the coordinator confirms, and a draft round over them alone is made."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from core.once import submit_once
from mentoring.selectors.matching import draft_round
from mentoring.selectors.rematch import free_places
from mentoring.services.late_joiners import late_joiners_cohort, late_joiners_match
from programmes.permissions import get_programme_for


@login_required
@submit_once
def matching_late_joiners(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    if request.method == "POST":
        try:
            match_round = late_joiners_match(programme=programme, by=request.user)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect("mentoring:matching_late_joiners", pk=programme.pk)
        count, unmatched = match_round.proposals.count(), len(match_round.unmatched)
        messages.success(
            request,
            ngettext(
                "A draft round for the late joiners: %(count)s proposal, %(unmatched)s unmatched. Nothing else "
                "changed. Review the draft, then publish it.",
                "A draft round for the late joiners: %(count)s proposals, %(unmatched)s unmatched. Nothing else "
                "changed. Review the draft, then publish it.",
                count,
            )
            % {"count": count, "unmatched": unmatched},
        )
        return redirect("mentoring:matching_round", pk=programme.pk, round_pk=match_round.pk)
    # Queries: the cohort (eleven), the late joiners (one), the draft round waiting, if any (one).
    cohort = late_joiners_cohort(programme=programme)
    context = {
        "programme": programme,
        "late": list(cohort.mentees.values()),
        "places": free_places(cohort),
        "draft": draft_round(programme),
    }
    return render(request, "mentoring/matching_late_joiners.html", context)
