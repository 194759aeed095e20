"""Site pages that are not the organisation's: the administrators' email check."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .email import email_send_test, email_settings_summary
from .forms import TestEmailForm


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
                request, f"The test email to {form.cleaned_data['to']} is queued; the worker sends it in a moment."
            )
            return redirect("send_test_email")
    return render(
        request,
        "admin/send_test_email.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "settings_rows": email_settings_summary(),
            "title": "Send a test email",
        },
    )
