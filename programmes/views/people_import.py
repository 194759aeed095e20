"""People import pages: upload with recent imports, preview, apply, discard."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.once import submit_once
from core.pagination import page_of

from ..forms.people_import import PeopleImportForm
from ..permissions import get_people_import_for, organisation_data_required
from ..selectors.people_import import people_imports_listed
from ..services import people_import as service
from ..services.people_import_file import MAX_ROWS

ROWS_PAGE_SIZE = 100
OUTCOMES = {"error": "With errors", "create": "New", "update": "Updates", "unchanged": "Unchanged"}


@organisation_data_required
@submit_once
def people_import(request: HttpRequest) -> HttpResponse:
    form = PeopleImportForm(request.POST, request.FILES) if request.method == "POST" else PeopleImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            result = service.people_import_parse(upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.info(request, "The file is read. Check the preview, then apply it or discard it.")
            return redirect("programmes:people_import_preview", result.pk)
    # Queries: the paginator's count, then one page of imports with who uploaded them (never their rows).
    page = page_of(request, people_imports_listed(request.user))
    context = {"form": form, "page": page, "max_rows": MAX_ROWS}
    return render(request, "programmes/people_import_upload.html", context)


@organisation_data_required
def people_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    people_import = get_people_import_for(request.user, pk)
    show = request.GET.get("show", "")
    rows = people_import.rows
    if show in OUTCOMES:
        rows = [row for row in rows if row["outcome"] == show]
    else:
        show = ""
    page = page_of(request, rows, ROWS_PAGE_SIZE)
    summary = people_import.summary
    filters = [("", "All rows", summary.get("rows", 0))] + [
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
    }
    return render(request, "programmes/people_import_preview.html", context)


@require_POST
@organisation_data_required
def people_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    people_import = get_people_import_for(request.user, pk)
    try:
        service.people_import_apply(people_import=people_import, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        s = people_import.summary
        messages.success(
            request,
            f"Imported: {s['create']} created, {s['update']} updated, {s['unchanged']} unchanged, "
            f"{s['flag']} flagged as no longer in the HR file.",
        )
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
    messages.success(request, f"The import of {people_import.filename} is discarded; nothing was changed.")
    return redirect("programmes:people_import")
