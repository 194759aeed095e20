"""A mentor's CPD record: the page, its PDF and its CSV (always the person's own record: no id in the URL)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from mentoring.permissions import require_mentor
from mentoring.selectors.cpd import mentor_cpd_record
from mentoring.services.cpd_exports import cpd_csv_response, cpd_pdf_response, cpd_sections, cpd_why_no_names
from programmes.permissions import Area, area_required


@area_required(Area.MENTORING)
def cpd_record(request: HttpRequest) -> HttpResponse:
    # Queries: am I a mentor; hours per programme and year; completed pairings; mentor training; my own goals.
    require_mentor(request.user)
    record = mentor_cpd_record(person=request.user)
    # Each cell with its column's name: on a phone the table reads as a list, each cell labelled.
    sections = [
        (title, rows[0], [list(zip(rows[0], row, strict=True)) for row in rows[1:]])
        for title, rows in cpd_sections(record)
    ]
    context = {"record": record, "sections": sections, "why_no_names": cpd_why_no_names()}
    return render(request, "mentoring/cpd_record.html", context)


@area_required(Area.MENTORING)
def cpd_record_pdf(request: HttpRequest) -> FileResponse:
    require_mentor(request.user)
    return cpd_pdf_response(mentor_cpd_record(person=request.user))


@area_required(Area.MENTORING)
def cpd_record_csv(request: HttpRequest) -> StreamingHttpResponse:
    require_mentor(request.user)
    return cpd_csv_response(mentor_cpd_record(person=request.user))
