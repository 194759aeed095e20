"""Coordinators' pages for single proposals: propose one pair from a suggestion, remind who has not answered."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.once import submit_once
from mentoring.forms.proposals import ProposeForm
from mentoring.permissions import get_pairing_for
from mentoring.said import names_joined
from mentoring.selectors.proposals import pair_to_propose
from mentoring.services.proposals import pairing_propose_by_hand, pairing_remind
from programmes.models import Role
from programmes.permissions import get_programme_for


@login_required
@require_POST
@submit_once
def matching_propose(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = ProposeForm(request.POST)
    people = {}
    if form.is_valid():
        people = pair_to_propose(
            programme=programme, mentor_id=form.cleaned_data["mentor"], mentee_id=form.cleaned_data["mentee"]
        )
    if len(people) != 2:
        messages.error(request, _("Choose a mentor from one of the mentee's suggestions."))
        return redirect("mentoring:matching", pk=programme.pk)
    mentor, mentee = people[Role.MENTOR], people[Role.MENTEE]
    try:
        pairing_propose_by_hand(programme=programme, mentor=mentor, mentee=mentee, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(mentor)s is proposed as %(mentee)s's mentor. Both were told and asked to accept.")
            % {"mentor": mentor, "mentee": mentee},
        )
    return redirect("mentoring:matching", pk=programme.pk)


@login_required
@require_POST
def pairing_remind_view(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = get_pairing_for(request.user, pk)
    programme = get_programme_for(request.user, pairing.programme_id, manage=True)
    try:
        people = pairing_remind(pairing=pairing, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Reminder sent to %(names)s.") % {"names": names_joined(people)})
    if request.POST.get("next") == "overview":
        return redirect(programme)
    return redirect("mentoring:relationships", pk=programme.pk)
