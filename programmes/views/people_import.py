"""People import pages: upload with recent imports, the column mapping, preview, apply (a task with a progress
bar), discard."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from core.once import submit_once
from core.pagination import page_of

from ..forms.people_import import PeopleImportForm, PeopleImportMappingForm
from ..models import PeopleImport, PeopleImportMapping
from ..permissions import get_people_import_for, organisation_data_required
from ..selectors.people_import import people_imports_listed
from ..services import people_import as service
from ..services.people_import_file import MAX_ROWS, _read_raw
from ..services.people_import_mapping import FIELDS, SAMPLE_ROWS, mapping_errors, mapping_guess, status_values_guess

ROWS_PAGE_SIZE = 100
OUTCOMES = {
    "error": gettext_lazy("With errors"),
    "create": gettext_lazy("New"),
    "update": gettext_lazy("Updates"),
    "unchanged": gettext_lazy("Unchanged"),
}


@organisation_data_required
@submit_once
def people_import(request: HttpRequest) -> HttpResponse:
    form = PeopleImportForm(request.POST, request.FILES) if request.method == "POST" else PeopleImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            result = service.people_import_upload(upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            if result.status == PeopleImport.Status.MAPPING:
                messages.info(
                    request, gettext("Tandem does not know some of the file's columns: say which column is which.")
                )
                return redirect("programmes:people_import_map", result.pk)
            messages.info(request, gettext("The file is read. Check the preview, then apply it or discard it."))
            return redirect("programmes:people_import_preview", result.pk)
    # Queries: the paginator's count, then one page of imports with who uploaded them (never their rows).
    page = page_of(request, people_imports_listed(request.user))
    context = {"form": form, "page": page, "max_rows": MAX_ROWS}
    return render(request, "programmes/people_import_upload.html", context)


def _mapping_initial(people_import: PeopleImport, header: list[str], raw_rows: list, purpose: str) -> dict:
    """The mapping screen pre-filled: this import's own mapping, else the remembered one if it fits the header,
    else guesses from the headings and the sample's status values."""
    remembered = PeopleImportMapping.objects.filter(purpose=purpose).first()
    if people_import.mapping.get("columns"):
        m = people_import.mapping
        return PeopleImportMappingForm.initial_from(
            m["columns"], m["status_active"], m["status_left"], m["date_format"], m.get("create_teams", True)
        )
    if remembered is not None and remembered.columns and not mapping_errors(remembered, header):
        r = remembered
        return PeopleImportMappingForm.initial_from(
            r.columns, r.status_active, r.status_left, r.date_format, r.create_teams
        )
    columns = mapping_guess(header)
    active, left = [], []
    if "status" in columns:
        at = header.index(columns["status"])
        active, left, _ = status_values_guess(row["cells"][at] for row in raw_rows if at < len(row["cells"]))
    return PeopleImportMappingForm.initial_from(columns, active, left, "%Y-%m-%d")


@organisation_data_required
def people_import_map(request: HttpRequest, pk: int) -> HttpResponse:
    people_import = get_people_import_for(request.user, pk)
    purpose = people_import.mapping.get("purpose", PeopleImportMapping.Purpose.UPLOAD)
    if purpose == PeopleImportMapping.Purpose.SYNC and not request.user.is_staff:
        raise PermissionDenied("Only administrators map the nightly HR file's columns.")
    mappable = people_import.status in (PeopleImport.Status.MAPPING, PeopleImport.Status.PREVIEW)
    if not mappable or not people_import.source:
        messages.error(
            request, gettext("This import is applied or discarded; upload the file again to map its columns.")
        )
        return redirect("programmes:people_import_preview", people_import.pk)
    header, raw_rows = _read_raw(people_import.source)
    form = PeopleImportMappingForm(
        request.POST or None, header=header, initial=_mapping_initial(people_import, header, raw_rows, purpose)
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.people_import_map(people_import=people_import, mapping=form.mapping(purpose), by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, gettext("The columns are mapped and remembered. Check the preview."))
            return redirect("programmes:people_import_preview", people_import.pk)
    context = {
        "people_import": people_import,
        "form": form,
        "header": header,
        "sample": [row["cells"] for row in raw_rows[:SAMPLE_ROWS]],
        "column_fields": [form[f"column_{name}"] for name in FIELDS],
        "for_sync": purpose == PeopleImportMapping.Purpose.SYNC,
    }
    return render(request, "programmes/people_import_map.html", context)


@organisation_data_required
def people_import_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The applying task's progress, polled by static/js/progress.js."""
    people_import = get_people_import_for(request.user, pk)
    finished = people_import.status != PeopleImport.Status.APPLYING
    return JsonResponse(
        {
            "status": people_import.status,
            "label": people_import.get_status_display(),
            "done": people_import.progress_done,
            "total": people_import.progress_total,
            "percent": people_import.progress_percent,
            "finished": finished,
            "url": reverse("programmes:people_import_preview", args=[people_import.pk]),
        }
    )


@organisation_data_required
def people_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    people_import = get_people_import_for(request.user, pk)
    if people_import.status == PeopleImport.Status.MAPPING:
        return redirect("programmes:people_import_map", people_import.pk)
    show = request.GET.get("show", "")
    rows = people_import.rows
    if show in OUTCOMES:
        rows = [row for row in rows if row["outcome"] == show]
    else:
        show = ""
    page = page_of(request, rows, ROWS_PAGE_SIZE)
    summary = people_import.summary
    filters = [("", gettext("All rows"), summary.get("rows", 0))] + [
        (k, label, summary.get(k, 0)) for k, label in OUTCOMES.items()
    ]
    context = {
        "people_import": people_import,
        "summary": summary,
        "page": page,
        "show": show,
        "filters": filters,
        "query": f"show={show}" if show else "",
        "more_flagged": summary.get("flag", 0) - len(summary.get("flag_sample", [])),
        # Queries: a run of the nightly HR file applies its preview by its own page, never this one's button.
        "sync_run": people_import.sync_runs.only("pk", "status").first(),
    }
    return render(request, "programmes/people_import_preview.html", context)


@require_POST
@organisation_data_required
def people_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    people_import = get_people_import_for(request.user, pk)
    try:
        result = service.people_import_apply_queue(people_import=people_import, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("programmes:people_import_preview", people_import.pk)
    result.refresh_from_db()  # with eager Celery (tests) the task ran on commit already
    s = people_import.summary
    if result.status == PeopleImport.Status.APPLIED:
        messages.success(
            request,
            gettext(
                "Imported: %(create)s created, %(update)s updated, %(unchanged)s unchanged, "
                "%(flag)s flagged as no longer in the HR file."
            )
            % {"create": s["create"], "update": s["update"], "unchanged": s["unchanged"], "flag": s["flag"]},
        )
    elif result.status == PeopleImport.Status.APPLYING:
        messages.info(request, gettext("Applying the import: the bar below follows it. You may leave this page."))
    return redirect("programmes:people_import_preview", people_import.pk)


@require_POST
@organisation_data_required
def people_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    people_import = get_people_import_for(request.user, pk)
    try:
        service.people_import_discard(people_import=people_import, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("programmes:people_import_preview", people_import.pk)
    messages.success(
        request,
        gettext("The import of %(filename)s is discarded; nothing was changed.") % {"filename": people_import.filename},
    )
    return redirect("programmes:people_import")
