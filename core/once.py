"""Create forms answer a double submit with the first result: a one-time token per rendered form.

How to use it on a create form: put ``{% load once %}{% once_token %}`` beside ``{% csrf_token %}`` in the
form's template (a template tag rather than a form field, so that buttons without a Django form, such as
"Run a round", carry it too), and decorate the view that handles the POST with ``@submit_once``.

Each rendering issues a fresh random token. The first POST that
carries it claims it in the database, in the same transaction as whatever the view creates; when the view
answers with a redirect (it did its work), the claim keeps that address. Any later POST with the same token,
including one sent while the first is still running, waits for the first and gets the same redirect, with
nothing created twice. When the view does not redirect (the form had errors) or fails, the claim is dropped
with the rest of its transaction, so the corrected form can be sent again.

A POST without a token (a script, a page rendered before this existed) is handled as before, once per
request: the token protects people from their browser, it is not an access control.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormSubmission

FIELD = "once_token"
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
KEEP = datetime.timedelta(days=2)  # a resend comes within seconds; two days covers a laptop woken from sleep


def once_token_new() -> str:
    return secrets.token_urlsafe(24)


def submit_once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a create view at most once per form token; a repeat is answered with the first redirect."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not TOKEN_RE.fullmatch(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = FormSubmission.objects.create(token=token, person=request.user, path=request.path)
            except IntegrityError:
                return _answer_again(request, token)
            response = view(request, *args, **kwargs)
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                claim.response_url = response["Location"][:2000]
                claim.save(update_fields=["response_url"])
            else:
                claim.delete()  # nothing was done: the corrected form may be sent with the same token
        return response

    wrapper.submit_once = True  # copied up by each functools.wraps above it: the URL map test looks for it
    return wrapper


def _answer_again(request: HttpRequest, token: str) -> HttpResponse:
    first = FormSubmission.objects.filter(token=token).first()
    if first is None or first.person_id != request.user.pk or first.path != request.path:
        # Rendered forms never share a token: this one was copied from elsewhere.
        raise SuspiciousOperation("A one-time form token was reused for another person or form.")
    messages.info(request, _("This form was already sent, so nothing was added twice. Here is the result."))
    return redirect(first.response_url or request.path)


def form_submissions_purge(*, now: datetime.datetime | None = None) -> int:
    """Forget tokens older than ``KEEP``: only a repeat within seconds needs them."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _by_model = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
