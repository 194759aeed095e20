"""The person's own corner: opening one notification, email preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.i18n import in_language_of, session_language_set

from ..forms.account import EmailPreferencesForm
from ..permissions import get_notification_for
from ..services.notifications import (
    notification_local_url,
    notification_mark_read,
    person_email_preferences_update,
)


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notice read and follow its link; a notice without a (local) link goes back to the list, or
    to the list page the person came from (``next``, local paths only)."""
    notification = notification_mark_read(notification=get_notification_for(request.user, pk))
    target = notification_local_url(notification.url) or notification_local_url(request.POST.get("next", ""))
    if notification.url and not notification_local_url(notification.url):
        messages.info(request, _("That notification's link leads outside Tandem, so it was not opened."))
    return redirect(target or "programmes:notifications")


@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    # Not ``request.POST or None``: with both boxes unticked a form may post nothing at all, and that is a choice.
    form = EmailPreferencesForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        person_email_preferences_update(person=request.user, **form.cleaned_data)
        session_language_set(request, request.user.language)
        # In the language just chosen: the next page is served in it (core.i18n.PersonLanguageMiddleware).
        with in_language_of(request.user):
            messages.success(request, gettext("Your preferences are saved."))
        return redirect("programmes:email_preferences")
    return render(request, "programmes/email_preferences.html", {"form": form})
