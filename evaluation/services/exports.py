"""A committee report as people read it: the same words on the page, in the PDF and in the CSV.

Everything here reads the report's data (``evaluation.services.reports.report_content``): the frozen snapshot once the
report is submitted, the live figures while it is a draft. The data holds ``None`` wherever a figure is
suppressed, so no export can print a hidden number: it prints "fewer than 5" instead. No person's name goes into
the exports: decisions are listed without their authors and sign-offs are counted.

Languages: the data holds its words in English (a snapshot is frozen once, whoever reads it later), marked for the
catalogue where they are written (``gettext_noop``); ``localized`` puts them in the reader's language, the active
one, when the page, the PDF or the CSV is made. Names from the database (departments, surveys, questions written
by coordinators) come back unchanged.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from copy import deepcopy
from typing import Any
from xml.sax.saxutils import escape

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.dates import short_date
from core.exports import csv_cell

from ..models import Report
from .decisions import decisions_followed_present, decisions_followed_rows
from .disclosure import PROTECT, WITHHELD

# Built in memory up to this size, then on disk: the PDF's memory footprint stays fixed.
PDF_SPOOL_BYTES = 1024 * 1024


# --- Words in the reader's language -----------------------------------------------------------------------------


def _word(text: Any) -> Any:
    """A word the data holds, in the active language: the catalogue's when it is one of Tandem's own (marked with
    gettext_noop where it is written), else as it is (a name from the database). Never gettext("") (the
    catalogue's header)."""
    return _(text) if isinstance(text, str) and text else text


def _month_word(text: str) -> str:
    """A month column ("Mar 2026", as the data holds it) in the active language."""
    try:
        month = datetime.datetime.strptime(text, "%b %Y").date()  # noqa: DTZ007 - a month, no time of day
    except ValueError:
        return _word(text)
    return date_format(month, _("M Y"))


def period_text(period: dict[str, Any]) -> str:
    start, end = datetime.date.fromisoformat(period["start"]), datetime.date.fromisoformat(period["end"])
    return _("%(start)s to %(end)s") % {"start": short_date(start), "end": short_date(end)}


def _localized_table(table: dict[str, Any]) -> None:
    months = table.get("key") == "sessions_by_month"
    for key in ("title", "note", "row_total_label"):
        table[key] = _word(table.get(key))
    table["rows"] = [_word(r) for r in table["rows"]]
    table["cols"] = [_month_word(c) if months else _word(c) for c in table["cols"]]
    table["units"] = [_word(u) for u in table["units"]]


def localized(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of the report's data with its words in the active language (see the module's docstring)."""
    data = deepcopy(data)
    for key in ("period", "previous"):
        if data.get(key) and data[key].get("start"):
            data[key]["label"] = period_text(data[key])
    for section in data["sections"]:
        section["title"] = _word(section["title"])
        for f in section["figures"]:
            f["label"], f["note"], f["unit"] = _word(f["label"]), _word(f.get("note", "")), _word(f["unit"])
        for t in section["tables"]:
            _localized_table(t)
    _localized_table(data["team"])
    surveys = data["surveys"]
    surveys["responses"]["label"] = _word(surveys["responses"].get("label"))
    for r in surveys["rounds"]:
        r["survey"] = _word(r.get("survey"))
    for q in surveys["questions"]:
        q["survey"], q["question"] = _word(q["survey"]), _word(q["question"])
        for d in q["distribution"] or []:
            d["label"] = _word(d["label"])
    for q in surveys["quotes"]:
        q["question"] = _word(q["question"])
    return data


# --- Words for numbers ------------------------------------------------------------------------------------------


def hidden_text(data: dict[str, Any], why: str | None = None) -> str:
    """ "fewer than 5" for a figure hidden because it is small; "hidden" for one hidden to protect another (it may
    hold any number: saying "fewer than 5" of it would be false). Snapshots frozen before the distinction say
    nothing of why, and read as they always did."""
    if why in (PROTECT, WITHHELD):
        return _("hidden")
    return _("fewer than %(min)s") % {"min": data["min_group"]}


def hidden_note(data: dict[str, Any]) -> str:
    """The footnote printed under every report (page, PDF and CSV)."""
    p = data["min_group"]
    return _(
        "“fewer than %(min)s”: the figure describes 1 to %(most)s people, too few to show. “hidden”: the figure may "
        "be about any number of people; it is hidden because, with the figures around it (totals, the number of "
        "answers, a mean), it would give a “fewer than %(min)s” figure away; a table about too few people to show "
        "any of it reads “hidden” throughout. “withheld”: a mean not shown for the same reason. Every hidden "
        "figure is checked: nothing shown narrows it down to one value, nor a “fewer than %(min)s” one to fewer "
        "than three possible values, nor shows a “hidden” one to be under %(min)s."
    ) % {"min": p, "most": p - 1}


def number_text(value: Any, unit: str = "") -> str:
    # The reader's separators: 1,234.5 in English, 1.234,5 in German.
    text = number_format(value, decimal_pos=1 if isinstance(value, float) else None, force_grouping=True)
    return f"{text} {unit}".strip() if unit else text


def value_text(value: Any, unit: str, data: dict[str, Any], why: str | None = None) -> str:
    return hidden_text(data, why) if value is None else number_text(value, unit)


def change_text(change: Any, unit: str = "") -> str:
    """ "+3", "-1.5 h", "no change"; "–" when either side is hidden (or there is nothing to compare)."""
    if change is None:
        return "–"
    if change == 0:
        return _("no change")
    return ("+" if change > 0 else "-") + number_text(abs(change), unit)


def _texts(cell: dict[str, Any], unit: str, data: dict[str, Any], *, compared: bool = True) -> dict[str, Any]:
    return {
        **cell,
        "text": value_text(cell["value"], unit, data, cell.get("why")),
        "previous_text": value_text(cell["previous"], unit, data, cell.get("previous_why")) if compared else "–",
        "change_text": change_text(cell["change"], unit),
        "hidden": cell["value"] is None,
    }


def present(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of the report's data, in the reader's language, with the words to print beside every number."""
    data = localized(data)
    for section in data["sections"]:
        section["figures"] = [_texts(f, f["unit"], data) for f in section["figures"]]
        section["tables"] = [_present_table(t, data) for t in section["tables"]]
    data["team"] = _present_table(data["team"], data)
    surveys = data["surveys"]
    surveys["responses"] = _texts(surveys["responses"], "", data)
    for r in surveys["rounds"]:
        r["responses_text"] = value_text(r["responses"], "", data, r.get("why"))
        r["closes_on_text"] = (
            _("closed %(date)s") % {"date": short_date(datetime.date.fromisoformat(r["closes_on"]))}
            if r["closes_on"]
            else _("answered in the period")
        )
    for q in surveys["questions"]:
        q["answers_text"] = value_text(q["answers"], "", data, q.get("answers_why"))
        q["mean_text"] = (
            _("withheld") if q.get("mean_withheld") else "" if q["mean"] is None else number_format(q["mean"], 2)
        )
        for d in q["distribution"] or []:
            d["text"] = value_text(d["value"], "", data, d.get("why"))
        q["previous_mean_text"] = "–" if q["previous_mean"] is None else number_format(q["previous_mean"], 2)
        q["change_text"] = (
            "–" if q["change"] is None else ("+" if q["change"] >= 0 else "-") + number_format(abs(q["change"]), 2)
        )
    return data


def _present_table(table: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    units, compared = table["units"], table.get("compared", True)
    table["body"] = [
        {
            "label": row,
            "cells": [_texts(c, u, data, compared=compared) for c, u in zip(cells, units, strict=True)],
            "total": _texts(table["row_totals"][i], "", data, compared=compared) if table["row_totals"] else None,
        }
        for i, (row, cells) in enumerate(zip(table["rows"], table["cells"], strict=True))
    ]
    table["footer"] = (
        {
            "cells": [_texts(c, u, data) for c, u in zip(table["col_totals"], units, strict=True)],
            "total": _texts(table["total"], "", data) if table["total"] else None,
        }
        if table["col_totals"]
        else None
    )
    return table


def report_tables(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    tables = {t["key"]: t for section in data["sections"] for t in section["tables"]}
    tables["team"] = data["team"]
    return tables


# --- CSV --------------------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _numeric(value: Any, data: dict[str, Any], why: str | None = None) -> Any:
    return hidden_text(data, why) if value is None else value


def _csv_line(
    data: dict[str, Any],
    section: str,
    table: str,
    row: str,
    metric: str,
    cell: dict[str, Any],
    unit: str,
    compared: bool = True,
) -> list[Any]:
    previous = _numeric(cell["previous"], data, cell.get("previous_why")) if compared else ""
    return [
        csv_cell(section),
        csv_cell(table),
        csv_cell(row),
        csv_cell(metric),
        _numeric(cell["value"], data, cell.get("why")),
        previous,
        "" if cell["change"] is None else cell["change"],
        unit,
    ]


def _csv_table_lines(data: dict[str, Any], section_title: str, t: dict[str, Any]) -> Iterator[list[Any]]:
    """One line per cell, row total and column total of one table."""
    for i, row in enumerate(t["rows"]):
        for col, cell, unit in zip(t["cols"], t["cells"][i], t["units"], strict=True):
            yield _csv_line(data, section_title, t["title"], row, col, cell, unit, t.get("compared", True))
        if t["row_totals"]:
            yield _csv_line(
                data,
                section_title,
                t["title"],
                row,
                t["row_total_label"],
                t["row_totals"][i],
                "",
                t.get("compared", True),
            )
    if t["col_totals"]:
        for col, cell, unit in zip(t["cols"], t["col_totals"], t["units"], strict=True):
            yield _csv_line(data, section_title, t["title"], _("Total"), col, cell, unit)
        if t["total"]:
            yield _csv_line(data, section_title, t["title"], _("Total"), t["row_total_label"], t["total"], "")


def _csv_question_lines(data: dict[str, Any], q: dict[str, Any]) -> Iterator[list[Any]]:
    """Answers, mean and distribution of one survey question."""
    survey = _("Survey: %(title)s") % {"title": q["survey"]}
    answers = _numeric(q["answers"], data, q.get("answers_why"))
    mean, scale = pgettext("report metric", "mean"), _("1 to 5")
    yield [csv_cell(survey), "", csv_cell(q["question"]), pgettext("report metric", "answers"), answers, "", "", ""]
    if q.get("mean_withheld"):
        yield [csv_cell(survey), "", csv_cell(q["question"]), mean, _("withheld"), "", "", scale]
    elif q["mean"] is not None:
        yield [csv_cell(survey), "", csv_cell(q["question"]), mean, q["mean"], q["previous_mean"] or "",
               "" if q["change"] is None else q["change"], scale]  # fmt: skip
    for d in q["distribution"] or []:
        yield [
            csv_cell(survey),
            "",
            csv_cell(q["question"]),
            csv_cell(d["label"]),
            _numeric(d["value"], data, d.get("why")),
            "",
            "",
            "",
        ]


def csv_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    """Section, table, row, metric, value, previous, change: one line per figure and per table cell, in the
    reader's language (headers included: people read them)."""
    data = localized(data)
    yield [
        pgettext("report CSV column", "section"),
        pgettext("report CSV column", "table"),
        pgettext("report CSV column", "row"),
        pgettext("report CSV column", "metric"),
        pgettext("report CSV column", "value"),
        pgettext("report CSV column", "previous"),
        pgettext("report CSV column", "change"),
        pgettext("report CSV column", "unit"),
    ]
    tables = [(s["title"], t) for s in data["sections"] for t in s["tables"]] + [(_("By department"), data["team"])]
    for section in data["sections"]:
        for f in section["figures"]:
            yield _csv_line(data, section["title"], "", "", f["label"], f, f["unit"])
    surveys = data["surveys"]
    yield _csv_line(data, _("Surveys"), "", "", surveys["responses"]["label"], surveys["responses"], "")
    for section_title, t in tables:
        yield from _csv_table_lines(data, section_title, t)
    for q in surveys["questions"]:
        yield from _csv_question_lines(data, q)
    if followed := decisions_followed_present(data.get("decisions_followed")):
        section = _("Earlier decisions followed up")
        yield [section, "", "", _("Summary"), csv_cell(followed["summary"]), "", "", ""]
        header, *rows = decisions_followed_rows(followed)
        for row in rows:  # words, not figures: no table column (readers of the figures skip them)
            for metric, value in zip(header[2:], row[2:], strict=True):
                yield [section, "", csv_cell(f"{row[0]}: {row[1]}"), metric, csv_cell(value), "", "", ""]
    yield [_("Notes"), "", "", _("Hidden figures"), csv_cell(hidden_note(data)), "", "", ""]


def report_filename(report: Report, extension: str) -> str:
    return f"report-{slugify(report.programme.name) or report.programme_id}-{report.period_start:%Y-%m-%d}.{extension}"


def report_csv_response(report: Report, data: dict[str, Any]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows(data)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, "csv")}"'
    return response


# --- PDF (reportlab) --------------------------------------------------------------------------------------------


def report_pdf_response(report: Report, data: dict[str, Any], review: dict[str, Any]) -> FileResponse:
    """Build the PDF into a spooled temporary file (memory up to 1 MB, then disk) and stream it."""
    spool = tempfile.SpooledTemporaryFile(max_size=PDF_SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    report_pdf_write(spool, data, review)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=report_filename(report, "pdf"))


class _PdfKit:
    """The styles and the paragraph and table makers one PDF report is built with."""

    def __init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import TableStyle

        styles = getSampleStyleSheet()
        self.body, self.small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
        self.h1, self.h2, self.h3 = styles["Title"], styles["Heading2"], styles["Heading3"]
        self.grid = TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )

    def para(self, text: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(escape(text), self.body if style is None else style)

    def table(self, rows: list[list[str]]) -> Any:
        from reportlab.platypus import Paragraph, Table

        wrapped = [[Paragraph(escape(str(c)), self.small) for c in row] for row in rows]
        return Table(wrapped, repeatRows=1, style=self.grid, hAlign="LEFT")


def _pdf_heading(kit: _PdfKit, data: dict[str, Any], review: dict[str, Any]) -> list[Any]:
    """Title, programme, period, status and the narrative."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    para = kit.para
    story = [
        para(data["title"], kit.h1),
        para(_("Programme: %(name)s") % {"name": data["programme"]}),
        para(
            _("Period: %(period)s (compared with %(previous)s)")
            % {"period": data["period"]["label"], "previous": data["previous"]["label"]}
        ),
        para(_("Status: %(status)s") % {"status": review["status"]}),
        para(_("Figures describe groups only.") + " " + hidden_note(data), kit.small),
        Spacer(1, 4 * mm),
        para(_("Narrative"), kit.h2),
    ]
    story += [para(p) for p in (data["narrative"] or _("No narrative.")).split("\n") if p.strip()]
    return story


def _pdf_sections(kit: _PdfKit, data: dict[str, Any]) -> list[Any]:
    """Each section's figures and tables (with their charts), then the table by department."""
    from reportlab.platypus import KeepTogether

    para, story = kit.para, []
    tables = report_tables(data)
    for section in data["sections"]:
        story.append(para(section["title"], kit.h2))
        if section["figures"]:
            rows = [
                [_("Figure"), _("This period"), _("Previous period"), pgettext("difference between periods", "Change")]
            ]
            rows += [[f["label"], f["text"], f["previous_text"], f["change_text"]] for f in section["figures"]]
            story.append(kit.table(rows))
        for t in section["tables"]:
            story.append(KeepTogether([para(t["title"], kit.h3), _pdf_table(t, kit.table)]))
            if t["key"] == "sessions_by_month":
                story.append(_pdf_chart(t, _("Sessions held by month"), data))
            if t["key"] == "checkin_states":
                story.append(_pdf_chart(t, _("Check-in states at the period's end"), data))
    team = tables["team"]
    story += [para(_("By department"), kit.h2), para(team["note"], kit.small), _pdf_table(team, kit.table)]
    return story


def _pdf_surveys(kit: _PdfKit, data: dict[str, Any]) -> list[Any]:
    """Survey responses, the table of questions and the quotes."""
    para, surveys = kit.para, data["surveys"]
    story = [para(_("Survey results"), kit.h2)]
    story.append(
        para(
            _("Responses in rounds closing in the period: %(responses)s") % {"responses": surveys["responses"]["text"]}
        )
    )
    if surveys["questions"]:
        rows = [
            [
                _("Survey"),
                _("Question"),
                _("Answers"),
                _("Mean (1 to 5)"),
                pgettext("the previous period's value", "Previous"),
                pgettext("difference between periods", "Change"),
                _("Distribution"),
            ]
        ]
        for q in surveys["questions"]:
            spread = ", ".join(f"{d['label']}: {d['text']}" for d in q["distribution"] or [])
            rows.append(
                [
                    q["survey"],
                    q["question"],
                    q["answers_text"],
                    q["mean_text"],
                    q["previous_mean_text"],
                    q["change_text"],
                    spread,
                ]  # fmt: skip
            )
        story.append(kit.table(rows))
    else:
        story.append(para(_("No survey round closed in the period.")))
    if surveys["quotes"]:
        story.append(para(_("In their own words (quoted with permission)"), kit.h3))
        story += [para(f"{q['question']}: “{q['text']}”", kit.small) for q in surveys["quotes"]]
    return story


def _pdf_review(kit: _PdfKit, review: dict[str, Any]) -> list[Any]:
    """Decisions and recommendations, then the sign-offs."""
    para = kit.para
    story = [para(_("Decisions and recommendations"), kit.h2)]
    if review["decisions"]:
        rows = [[_("Date"), _("Kind"), _("Text"), _("Owner"), _("Due"), _("Status")]]
        rows += [[d["date"], d["kind"], d["text"], d["owner"], d["due"], d["status"]] for d in review["decisions"]]
        story.append(kit.table(rows))
    else:
        story.append(para(_("None recorded yet.")))
    story.append(para(_("Sign-offs"), kit.h2))
    story.append(para(review["sign_off_text"]))
    return story


def report_pdf_write(out: Any, data: dict[str, Any], review: dict[str, Any]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    data = present(data)
    kit = _PdfKit()
    story: list[Any] = _pdf_heading(kit, data, review)
    story += _pdf_sections(kit, data)
    story += _pdf_surveys(kit, data)
    if followed := decisions_followed_present(data.get("decisions_followed")):
        story += [kit.para(_("Earlier decisions followed up"), kit.h2), kit.para(followed["summary"])]
        if followed["items"]:
            story.append(kit.table(decisions_followed_rows(followed)))
    story += _pdf_review(kit, review)
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=data["title"], author="Tandem", leftMargin=15 * mm, rightMargin=15 * mm
    )
    doc.build(story)


def _pdf_table(t: dict[str, Any], table: Any) -> Any:
    header = ["", *t["cols"]] + ([t["row_total_label"]] if t["row_totals"] else [])
    rows = [header]
    for row in t["body"]:
        line = [row["label"]] + [c["text"] + _pdf_change(c) for c in row["cells"]]
        if row["total"]:
            line.append(row["total"]["text"] + _pdf_change(row["total"]))
        rows.append(line)
    if t["footer"]:
        line = [_("Total")] + [c["text"] + _pdf_change(c) for c in t["footer"]["cells"]]
        if t["footer"]["total"]:
            line.append(t["footer"]["total"]["text"] + _pdf_change(t["footer"]["total"]))
        rows.append(line)
    return table(rows)


def _pdf_change(cell: dict[str, Any]) -> str:
    return "" if cell["change"] is None else f" ({cell['change_text']})"


def _pdf_chart(t: dict[str, Any], title: str, data: dict[str, Any]) -> Any:
    """A bar chart drawn with reportlab.graphics; a hidden bar is drawn as nothing, labelled in words."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    values = [c["value"] for c in t["cells"][0]]
    labels = [
        f"{col} ({hidden_text(data, c.get('why'))})" if c["value"] is None else col
        for col, c in zip(t["cols"], t["cells"][0], strict=True)
    ]
    drawing = Drawing(480, 190)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 50, 420, 110
    chart.data = [[v or 0 for v in values]]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 20
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#2f6f73")
    drawing.add(chart)
    drawing.add(String(40, 175, title, fontSize=9))
    return drawing


def review_summary(report: Report, decisions: Iterable[Any], sign_offs: Iterable[Any]) -> dict[str, Any]:
    """The review as the PDF prints it: decisions without their authors, sign-offs counted."""
    decisions = [
        {
            "date": short_date(timezone.localtime(d.created_at).date()),
            "kind": d.get_kind_display(),
            "text": d.text,
            "owner": str(d.owner) if d.owner else "",
            "due": short_date(d.due_on) if d.due_on else "",
            "status": d.get_status_display(),
        }
        for d in decisions
    ]
    sign_offs = list(sign_offs)
    n = len(sign_offs)
    if n:
        last = short_date(timezone.localtime(max(s.signed_at for s in sign_offs)).date())
        text = ngettext(
            "Signed off by %(count)s committee member (latest on %(date)s).",
            "Signed off by %(count)s committee members (latest on %(date)s).",
            n,
        ) % {"count": n, "date": last}
    else:
        text = _("Not signed off yet.")
    return {"status": str(report.get_status_display()), "decisions": decisions, "sign_off_text": text}
