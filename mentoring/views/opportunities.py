"""The pair's workspace: a mentor suggests a learning opportunity to their mentee."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentoring.permissions import get_pairing_for
from mentoring.services.opportunities import opportunity_suggest
from programmes.models import Opportunity


@login_required
@require_POST
def pairing_opportunity_suggest(request: HttpRequest, pk: int, opportunity_pk: int) -> HttpResponse:
    pairing = get_pairing_for(request.user, pk, write=True)
    if pairing.mentor_id != request.user.pk:
        raise PermissionDenied("Only the mentor suggests opportunities.")
    opportunity = get_object_or_404(Opportunity.objects.select_related("host"), pk=opportunity_pk)
    try:
        opportunity_suggest(pairing=pairing, opportunity=opportunity, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("You suggested “%(title)s” to %(mentee)s; they are told.")
            % {"title": opportunity.title, "mentee": pairing.mentee.get_short_name()},
        )
    return redirect(reverse("mentoring:pairing_detail", args=[pairing.pk]) + "#opportunities")
