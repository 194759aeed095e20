"""Your data: the page that explains the export, and the export itself. Each person gets only their
own data: the views take no id, so there is nobody else's to ask for."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..selectors.personal_data import personal_data_zip


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/my_data.html")


@never_cache
@login_required
@require_GET
def my_data_zip(request: HttpRequest) -> FileResponse:
    spool = personal_data_zip(person=request.user)
    name = f"tandem-my-data-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")
