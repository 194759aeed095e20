"""Site pages that are not the organisation's: the language switcher, the administrators' email check."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .email import email_send_test, email_settings_summary
from .forms import TestEmailForm
from .i18n import session_language_set, supported_language


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The footer's switcher: Django's set_language (the cookie, back to a local ``next``), and for a logged-in
    person their own choice too, which is what their emails and PDFs follow."""
    response = set_language(request)
    language = supported_language(request.POST.get("language"))
    user = request.user
    if language and user.is_authenticated and hasattr(user, "language"):
        if user.language != language:
            # Through the user model: request.user is a lazy wrapper, whose type() has no manager.
            get_user_model().objects.filter(pk=user.pk).update(language=language)
            user.language = language
        session_language_set(request, language)
    return response


@staff_member_required
def send_test_email(request: HttpRequest) -> HttpResponse:
    """An administrator checks the email settings by sending a message through the real path (Celery)."""
    form = TestEmailForm(request.POST or None, initial={"to": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            email_send_test(to=form.cleaned_data["to"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The test email to %(address)s is queued; the worker sends it in a moment.")
                % {"address": form.cleaned_data["to"]},
            )
            return redirect("send_test_email")
    return render(
        request,
        "admin/send_test_email.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "settings_rows": email_settings_summary(),
            "title": _("Send a test email"),
        },
    )
