"""Pages of committee reports. Thin: access helper, form, service, redirect or render.

Coordinators of a programme list, create, edit, submit and publish its reports; its committee members read the
submitted ones, comment, record decisions and recommendations, and sign off. The page and the exports read the
frozen snapshot once a report is submitted (``services/reports.py::report_content``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.charts import svg_bars
from core.forms import add_service_errors
from core.once import submit_once
from programmes.permissions import Area, area_required, get_programme_for

from ..forms.reports import CommentForm, DecisionForm, ReportCreateForm, ReportEditForm
from ..models import Report
from ..permissions import get_report_for
from ..selectors import reports as selectors
from ..services import reports as services
from ..services.decisions import decision_owners, decisions_followed_present
from ..services.exports import (
    hidden_note,
    present,
    report_csv_response,
    report_pdf_response,
    report_tables,
    review_summary,
)


@area_required(Area.COMMITTEE, Area.COORDINATING)
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports of every programme I coordinate (drafts too) or sit on the committee of (submitted ones)."""
    # Queries: session, user, areas (the decorator); my programmes; the reports I may see, with review counts.
    programmes = selectors.programmes_with_reports(person=request.user)
    return render(request, "evaluation/report_list.html", {"programmes": programmes})


@login_required
@require_GET
def report_list_programme(request: HttpRequest, pk: int) -> HttpResponse:
    # Queries: the programme and my roles (access); its reports with review counts.
    programme = get_programme_for(request.user, pk, manage=True)
    reports = selectors.reports_of_programme(programme=programme)
    context = {"programme": programme, "reports": reports, "active_tab": "reports"}
    return render(request, "evaluation/report_list_programme.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for(request.user, pk, manage=True)
    form = ReportCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                programme=programme,
                by=request.user,
                period=form.cleaned_data["period"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Draft “%(title)s” created. Preview its figures and write the narrative.") % {"title": report.title},
            )
            return redirect(report)
    context = {"programme": programme, "form": form, "active_tab": "reports"}
    return render(request, "evaluation/report_form.html", context)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    # Queries: the report with my roles (access); a draft's live figures (see selectors.reporting.report_figures) or,
    # once submitted, none (the snapshot came with the report); comments; decisions; sign-offs; a committee member
    # who may still decide: the owners to choose from.
    data = present(services.report_content(report))
    review = selectors.report_review(report)
    tables = report_tables(data)
    reviewable = report.status in services.REVIEWABLE
    can_review = "committee" in report.viewer and reviewable
    context = {
        "report": report,
        "programme": report.programme,
        "data": data,
        "hidden_note": hidden_note(data),
        "team": data["team"],
        "surveys": data["surveys"],
        "charts": {
            "months": svg_bars(_bars(tables["sessions_by_month"])),
            "states": svg_bars(_bars(tables["checkin_states"])),
        },
        "comments": review.comments,
        "decisions": review.decisions,
        "sign_offs": review.sign_offs,
        "is_coordinator": "coordinator" in report.viewer,
        "can_review": can_review,
        "signed": any(s.person_id == request.user.pk for s in review.sign_offs),
        "can_publish": "coordinator" in report.viewer and reviewable and bool(review.sign_offs),
        "decision_form": DecisionForm(owners=decision_owners(report.programme)) if can_review else None,
        "followed": decisions_followed_present(data.get("decisions_followed")),
        "active_tab": "reports",
    }
    return render(request, "evaluation/report_detail.html", context)


def _bars(table: dict) -> list[tuple[str, object, str]]:
    """A one-row table (presented) as chart bars: (column, shown value or None, its words when hidden)."""
    return [
        (col, cell["value"], cell["text"]) for col, cell in zip(table["cols"], table["body"][0]["cells"], strict=True)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, as_="coordinator")
    if report.status != Report.Status.DRAFT:
        messages.error(request, _("This report was submitted: its figures and narrative are frozen."))
        return redirect(report)
    form = ReportEditForm(request.POST or None, initial={"title": report.title, "narrative": report.narrative})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(report=report, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Narrative saved."))
            return redirect(report)
    context = {"report": report, "programme": report.programme, "form": form, "active_tab": "reports"}
    return render(request, "evaluation/report_edit.html", context)


def _act(request: HttpRequest, report: Report, action, success: str, **kwargs) -> HttpResponse:
    try:
        action(report=report, by=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(report)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, as_="coordinator")
    return _act(
        request,
        report,
        services.report_submit,
        _("Report submitted: its figures are frozen and the committee is told."),
    )


@login_required
@require_POST
@submit_once
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, as_="committee")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your comment first."))
        return redirect(report)
    return _act(request, report, services.report_comment, _("Comment added."), text=form.cleaned_data["text"])


@login_required
@require_POST
@submit_once
def report_decision(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, as_="committee")
    form = DecisionForm(request.POST, owners=decision_owners(report.programme))
    if not form.is_valid():
        if set(form.errors) <= {"kind", "text"}:
            messages.error(request, _("Choose decision or recommendation and write it down."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(report)
    return _act(request, report, services.report_decision_record, _("Recorded."), **form.cleaned_data)


@login_required
@require_POST
def report_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, as_="committee")
    return _act(request, report, services.report_sign_off, _("You signed off the report."))


@login_required
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk, as_="coordinator")
    return _act(request, report, services.report_publish, _("Report published."))


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    review = review_summary(report, *selectors.report_review_for_export(report))
    return report_pdf_response(report, services.report_content(report), review)


@login_required
@require_GET
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk)
    return report_csv_response(report, services.report_content(report))
