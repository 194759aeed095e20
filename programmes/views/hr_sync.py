"""The nightly HR file's pages (administrators): its settings with a sample to map the columns from, the runs,
and a waiting run's confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.once import submit_once
from core.pagination import page_of

from ..forms.people_import import HrSampleForm, HrSyncSettingsForm
from ..models import HrSyncRun, PeopleImportMapping
from ..permissions import administrator_required, get_hr_sync_run_for, hr_sync_runs_visible_to
from ..services import hr_sync as service
from ..services.people_import import people_import_upload
from ..services.people_import_mapping import FIELDS


def _sync_mapping() -> PeopleImportMapping:
    found = PeopleImportMapping.objects.filter(purpose=PeopleImportMapping.Purpose.SYNC).first()
    return found or PeopleImportMapping(purpose=PeopleImportMapping.Purpose.SYNC)


@administrator_required
def hr_sync(request: HttpRequest) -> HttpResponse:
    mapping = _sync_mapping()
    form = HrSyncSettingsForm(request.POST or None, instance=mapping)
    if request.method == "POST" and form.is_valid():
        try:
            service.hr_sync_settings_save(mapping=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The nightly HR file's settings are saved."))
            return redirect("programmes:hr_sync")
    # Queries: the mapping, the paginator's count, one page of runs with who confirmed them.
    runs = hr_sync_runs_visible_to(request.user).select_related("confirmed_by").defer("message")
    context = {
        "form": form,
        "sample_form": HrSampleForm(),
        "mapping": mapping,
        "mapped": [(FIELDS[k], v) for k, v in mapping.columns.items() if k in FIELDS],
        "root": service.hr_sync_root(),
        "page": page_of(request, runs),
    }
    return render(request, "programmes/hr_sync.html", context)


@require_POST
@administrator_required
@submit_once
def hr_sync_sample(request: HttpRequest) -> HttpResponse:
    form = HrSampleForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sample = people_import_upload(
                upload=form.cleaned_data["file"], by=request.user, purpose=PeopleImportMapping.Purpose.SYNC
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("programmes:people_import_map", sample.pk)
    else:
        messages.error(request, _("Choose a sample of the HR file to read its columns from."))
    return redirect("programmes:hr_sync")


@administrator_required
def hr_sync_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_hr_sync_run_for(request.user, pk)
    context = {"run": run, "waiting": run.status == HrSyncRun.Status.WAITING}
    return render(request, "programmes/hr_sync_run.html", context)


@require_POST
@administrator_required
def hr_sync_run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_hr_sync_run_for(request.user, pk)
    try:
        service.hr_sync_confirm(run=run, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Confirmed: the run is being applied."))
    return redirect("programmes:hr_sync_run_detail", run.pk)


@require_POST
@administrator_required
def hr_sync_run_discard(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_hr_sync_run_for(request.user, pk)
    try:
        service.hr_sync_discard(run=run, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Discarded: nothing of this run was applied."))
    return redirect("programmes:hr_sync_run_detail", run.pk)
