"""Resource budgets of one programme: lines, spends, CSV exports. For the programme's coordinators only."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from core.dates import short_date
from core.exports import csv_cell
from core.forms import add_service_errors
from core.once import submit_once
from core.pagination import page_of

from ..forms.budget import BudgetLineForm, SpendFilterForm, SpendForm
from ..models import Programme
from ..permissions import get_budget_line_for, get_programme_for, get_spend_for
from ..selectors import budget as selectors
from ..services import budget as services
from ..templatetags.money import money_format

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a leading quote stops it.


# --- Budget lines --------------------------------------------------------------------------------------------


@login_required
@require_GET
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    lines = selectors.budget_lines_with_figures(programme=programme)
    totals = selectors.budget_totals_by_currency(programme=programme)
    overspent = [line for line in lines if line.figures.is_overspent]
    context = {"programme": programme, "lines": lines, "totals": totals, "overspent": overspent}
    return render(request, "programmes/budget_overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def budget_line_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    usual = selectors.budget_usual_currency(programme=programme)
    form = BudgetLineForm(request.POST or None, initial={"currency": usual or "EUR"})
    if request.method == "POST" and form.is_valid():
        try:
            line = services.budget_line_create(programme=programme, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Budget line “%(line)s” added.") % {"line": line})
            return redirect("programmes:budget", programme.pk)
    context = {"programme": programme, "form": form, "currencies": services.KNOWN_CURRENCIES}
    return render(request, "programmes/budget_line_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_edit(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    line = get_budget_line_for(request.user, pk, line_pk)
    initial = {f: getattr(line, f) for f in ("category", "description", "planned_amount", "currency")}
    form = BudgetLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_update(line=line, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Budget line “%(line)s” saved.") % {"line": line})
            return redirect("programmes:budget", pk)
    context = {"programme": line.programme, "form": form, "line": line, "currencies": services.KNOWN_CURRENCIES}
    return render(request, "programmes/budget_line_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_delete(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    line = get_budget_line_for(request.user, pk, line_pk)
    if request.method == "POST":
        label = str(line)
        try:
            services.budget_line_delete(line=line)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Budget line “%(line)s” deleted.") % {"line": label})
        return redirect("programmes:budget", pk)
    spend_count = selectors.budget_line_spend_count(line=line)
    return render(
        request,
        "programmes/budget_line_confirm_delete.html",
        {"programme": line.programme, "line": line, "spend_count": spend_count},
    )


# --- Spends --------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def spend_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    initial = {"line": request.GET.get("line"), "spent_on": timezone.localdate()}
    form = SpendForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            spend = services.spend_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            line = spend.line
            messages.success(
                request,
                _("Spend of %(amount)s recorded on “%(line)s”.")
                % {"amount": money_format(spend.amount, line.currency), "line": line},
            )
            figures = selectors.budget_line_figures(line=line)
            if figures.is_overspent:
                messages.warning(
                    request,
                    _("“%(line)s” is now overspent by %(amount)s.")
                    % {"line": line, "amount": money_format(figures.overspent_by, line.currency)},
                )
            return redirect("programmes:spend_list", programme.pk)
    has_lines = selectors.budget_has_lines(programme=programme)
    return render(request, "programmes/spend_form.html", {"programme": programme, "form": form, "has_lines": has_lines})


@login_required
@require_GET
def spend_list(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    lines = selectors.budget_lines_of(programme=programme)
    form = SpendFilterForm(request.GET or None, lines=lines)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {"line_id": form.cleaned_data["line"], "month": form.cleaned_data["month"]}
    elif form.is_bound:
        messages.warning(request, _("That filter was not understood, so all spends are shown."))
    spends = selectors.spends_for(programme=programme, **filters)
    page = page_of(request, spends)
    totals = selectors.spend_totals_by_currency(spends)
    query = request.GET.copy()
    query.pop("page", None)  # the pagination links add their own
    context = {
        "programme": programme,
        "form": form,
        "page": page,
        "totals": totals,
        "has_lines": bool(lines),
        "filtered": any(v is not None for v in filters.values()),
        "query": query.urlencode(),
    }
    return render(request, "programmes/spend_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def spend_delete(request: HttpRequest, pk: int, spend_pk: int) -> HttpResponse:
    spend = get_spend_for(request.user, pk, spend_pk)
    if request.method == "POST":
        label = {
            "amount": money_format(spend.amount, spend.line.currency),
            "date": short_date(spend.spent_on),
        }
        services.spend_delete(spend=spend)
        messages.success(request, _("Spend of %(amount)s on %(date)s deleted.") % label)
        return redirect("programmes:spend_list", pk)
    return render(request, "programmes/spend_confirm_delete.html", {"programme": spend.line.programme, "spend": spend})


# --- CSV exports ---------------------------------------------------------------------------------------------


def _csv_response(programme: Programme, what: str, header: list[str], rows: Iterable[list[str]]) -> HttpResponse:
    filename = f"budget-{what}-{slugify(programme.name) or programme.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@login_required
@require_GET
def budget_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per spend. Amounts are written as plain numbers (never guarded: Tandem formats them itself)."""
    programme = get_programme_for(request.user, pk, manage=True)
    spends = selectors.spends_for(programme=programme).iterator(chunk_size=500)
    # Column headings people read, in their language; the amounts stay plain numbers for the spreadsheet.
    header = [
        pgettext("budget CSV column", "date"),
        pgettext("budget CSV column", "line"),
        pgettext("budget CSV column", "category"),
        pgettext("budget CSV column", "description"),
        pgettext("budget CSV column", "amount"),
        pgettext("budget CSV column", "currency"),
        pgettext("budget CSV column", "course"),
        pgettext("budget CSV column", "participant"),
    ]
    rows = (
        [
            spend.spent_on.isoformat(),
            csv_cell(spend.line.description or spend.line.get_category_display()),
            spend.line.get_category_display(),
            csv_cell(spend.description),
            f"{spend.amount:.2f}",
            spend.line.currency,
            csv_cell(spend.course.title if spend.course else ""),
            csv_cell(spend.person.display_name if spend.person else ""),
        ]
        for spend in spends
    )
    return _csv_response(programme, "spends", header, rows)


@login_required
@require_GET
def budget_lines_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per budget line: planned, spent, remaining (negative when overspent)."""
    programme = get_programme_for(request.user, pk, manage=True)
    header = [
        pgettext("budget CSV column", "category"),
        pgettext("budget CSV column", "line"),
        pgettext("budget CSV column", "currency"),
        pgettext("budget CSV column", "planned"),
        pgettext("budget CSV column", "spent"),
        pgettext("budget CSV column", "remaining"),
        pgettext("budget CSV column", "overspent"),
    ]
    rows = (
        [
            line.get_category_display(),
            csv_cell(line.description),
            line.currency,
            f"{line.figures.planned:.2f}",
            f"{line.figures.spent:.2f}",
            f"{line.figures.remaining:.2f}",
            pgettext("budget CSV cell", "yes") if line.figures.is_overspent else pgettext("budget CSV cell", "no"),
        ]
        for line in selectors.budget_lines_with_figures(programme=programme)
    )
    return _csv_response(programme, "lines", header, rows)
