"""The coordinators' answers to an alert from mentoring's pages (the relationships page and a pairing's page):
acknowledge it (I am on it) or resolve it. The alerts page with each pairing's reasons is evaluation's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentoring.models import Alert
from mentoring.permissions import get_alert_for
from mentoring.services import alerts as alert_services


def _back(request: HttpRequest, alert: Alert) -> HttpResponse:
    if request.POST.get("next") == "pairing":
        return redirect(alert.pairing)
    return redirect(reverse("mentoring:relationships", args=[alert.programme_id]))


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_alert_for(request.user, pk)
    alert_services.alert_acknowledge(alert=alert, by=request.user)
    messages.success(request, _("Alert acknowledged: the other coordinators see that you are on it."))
    return _back(request, alert)


@login_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_alert_for(request.user, pk)
    alert_services.alert_resolve(alert=alert, by=request.user)
    messages.success(request, _("Alert resolved."))
    return _back(request, alert)
