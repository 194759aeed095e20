"""Mentee requests: suggestions with a request button for mentees; incoming requests for mentors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.once import submit_once
from mentoring.models import MentorRequest
from mentoring.permissions import get_request_for
from mentoring.selectors.cohort import match_settings_get
from mentoring.selectors.matching import suggestions_for
from mentoring.selectors.mentor_requests import active_person, requests_made, requests_received
from mentoring.services.lifecycle import starts_words
from mentoring.services.mentor_requests import (
    request_accept,
    request_create,
    request_decline,
    request_withdraw,
    requests_allowed,
)
from mentoring.services.preferences import preferences_open
from programmes.models import Role
from programmes.permissions import get_programme_for


@login_required
def suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk)
    if Role.MENTEE not in programme.my_roles:
        raise PermissionDenied("Suggestions are for the programme's mentees.")
    mine = requests_made(programme=programme, mentee=request.user)
    allowed = requests_allowed(programme)
    now = timezone.now()
    open_request = next((r for r in mine if r.status == MentorRequest.Status.OPEN and r.expires_at > now), None)
    found = suggestions_for(programme=programme, mentee=request.user) if allowed else []
    return render(
        request,
        "mentoring/suggestions.html",
        {
            "programme": programme,
            "suggestions": found,
            "requests": mine,
            "open_request": open_request,
            "allowed": allowed,
            # One query more (the settings) only while the programme is matching.
            "can_rank": preferences_open(programme) and match_settings_get(programme=programme).max_ranked > 0,
        },
    )


@require_POST
@login_required
@submit_once
def request_send(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk)
    if Role.MENTEE not in programme.my_roles:
        raise PermissionDenied("Requests are for the programme's mentees.")
    mentor_pk = request.POST.get("mentor", "")
    valid = mentor_pk.isascii() and mentor_pk.isdecimal() and len(mentor_pk) < 12
    mentor = active_person(int(mentor_pk)) if valid else None
    if mentor is None:
        messages.error(request, _("Choose a mentor from your suggestions."))
        return redirect("mentoring:suggestions", programme.pk)
    try:
        request_create(programme=programme, mentee=request.user, mentor=mentor, message=request.POST.get("message", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your request is on its way to %(mentor)s.") % {"mentor": mentor})
    return redirect("mentoring:suggestions", programme.pk)


@login_required
def requests_for_me(request: HttpRequest) -> HttpResponse:
    incoming = requests_received(mentor=request.user)
    return render(request, "mentoring/requests.html", {"incoming": incoming})


@require_POST
@login_required
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    mentor_request = get_request_for(request.user, pk, as_="mentor")
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        # Anything else used to decline: only the two buttons on the page may answer a request.
        messages.error(request, _("Choose Accept or Decline; the request is unchanged."))
        return redirect("mentoring:requests")
    try:
        if decision == "accept":
            pairing = request_accept(request=mentor_request, by=request.user)
            when = _("now") if not pairing.starts_later else starts_words(pairing)
            messages.success(
                request, _("You and %(mentee)s start mentoring %(when)s.") % {"mentee": pairing.mentee, "when": when}
            )
            return redirect(pairing)
        request_decline(request=mentor_request, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Declined; the mentee can ask someone else."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("mentoring:requests")


@require_POST
@login_required
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    mentor_request = get_request_for(request.user, pk, as_="mentee")
    try:
        request_withdraw(request=mentor_request, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("mentoring:suggestions", mentor_request.programme_id)
