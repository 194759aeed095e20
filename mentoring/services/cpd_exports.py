"""A mentor's CPD record as a PDF (reportlab) and a CSV, in the mentor's language (the active one).

What goes out is what the page shows (``mentoring.selectors.cpd``): the mentor's hours, completed pairings,
mentor training and own learning goals; never a mentee's name.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.dates import short_date
from core.exports import csv_cell
from mentoring.selectors.cpd import CpdRecord

PDF_SPOOL_BYTES = 1024 * 1024


def cpd_why_no_names() -> str:
    return _(
        "This is your record, to show an employer or a professional body. It names no mentee: who your mentee "
        "was is their personal data, not yours to pass on."
    )


def _rating(value: int | None) -> str:
    return "–" if value is None else _("%(n)s of 5") % {"n": value}


def _day(day: Any) -> str:
    return short_date(day) if day else "–"


def cpd_sections(record: CpdRecord) -> list[tuple[str, list[list[str]]]]:
    """The record as titled tables of text (a header row first), shared by the PDF and the CSV."""
    hours = [[_("Programme"), _("Year"), _("Sessions"), _("Hours")]]
    hours += [[r["programme"], str(r["year"]), str(r["sessions"]), number_format(r["hours"], 1)] for r in record.hours]
    pairings = [[_("Programme"), _("Started"), _("Completed"), _("Sessions"), _("Hours")]]
    pairings += [
        [p.programme.name, _day(p.started_on), _day(p.ended_on), str(p.confirmed_sessions), number_format(p.hours, 1)]
        for p in record.pairings
    ]
    training = [[_("Course"), _("Completed"), _("Hours")]]
    training += [
        [t.course.title, _day(t.completed_on), "–" if t.hours is None else number_format(t.hours, 1)]
        for t in record.training
    ]
    goals = [[_("Programme"), _("Learning goal"), _("Status"), _("At the start"), _("At the close")]]
    goals += [
        [g.pairing.programme.name, g.title, str(g.get_status_display()), _rating(g.rating_start), _rating(g.rating_end)]
        for g in record.goals
    ]
    return [
        (_("Mentoring hours (confirmed sessions)"), hours),
        (_("Completed pairings"), pairings),
        (_("Mentor training completed"), training),
        (_("My own learning goals"), goals),
    ]


def _filename(record: CpdRecord, extension: str) -> str:
    return f"cpd-{slugify(record.person.display_name) or record.person.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(record: CpdRecord) -> Iterator[list[Any]]:
    yield [_("Section"), _("Column"), _("Row"), _("Value")]
    for title, rows in cpd_sections(record):
        header, body = rows[0], rows[1:]
        for number, row in enumerate(body, start=1):
            for column, value in zip(header, row, strict=True):
                yield [csv_cell(title), csv_cell(column), number, csv_cell(value)]


def cpd_csv_response(record: CpdRecord) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _csv_rows(record)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(record, "csv")}"'
    return response


def cpd_pdf_response(record: CpdRecord) -> FileResponse:
    """Built into a spooled temporary file (memory up to 1 MB, then disk) and streamed."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def para(text: str, style: Any) -> Any:
        return Paragraph(escape(str(text)), style)

    story = [
        para(_("CPD record: mentoring"), styles["Title"]),
        para(record.person.display_name, styles["Heading3"]),
        para(
            _("Mentoring hours: %(hours)s · confirmed sessions: %(sessions)s · completed pairings: %(pairings)s")
            % {
                "hours": number_format(record.total_hours, 1),
                "sessions": record.total_sessions,
                "pairings": len(record.pairings),
            },
            styles["BodyText"],
        ),
        para(cpd_why_no_names(), small),
        para(_("Made on %(day)s.") % {"day": short_date(timezone.localdate())}, small),
    ]
    for title, rows in cpd_sections(record):
        story.append(para(title, styles["Heading2"]))
        if len(rows) == 1:
            story.append(para(_("Nothing yet."), styles["BodyText"]))
            continue
        story.append(Table([[para(c, small) for c in row] for row in rows], repeatRows=1, style=grid, hAlign="LEFT"))
    spool = tempfile.SpooledTemporaryFile(max_size=PDF_SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    SimpleDocTemplate(spool, pagesize=A4, title=_("CPD record: mentoring")).build(story)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=_filename(record, "pdf"))
