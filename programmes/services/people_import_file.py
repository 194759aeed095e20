"""Reading a people import's file: every problem here refuses the whole file and saves nothing."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

MAX_ROWS = 10_000

REQUIRED = ("email", "name")
COLUMN_LABELS = {
    "email": gettext_lazy("email"),
    "name": gettext_lazy("name"),
    "team": gettext_lazy("team"),
    "job_title": gettext_lazy("job title"),
    "grade": gettext_lazy("grade"),
    "manager_email": gettext_lazy("line manager"),
    "start_date": gettext_lazy("start date"),
    "status": gettext_lazy("status"),
}
# Headings as HR systems spell them, compared without case, spaces or punctuation ("E-mail" -> "email").
HEADINGS = {
    "email": ["email", "e-mail", "email address", "e-mail address", "work email", "mail"],
    "name": ["name", "full name", "display name", "employee name", "employee"],
    "team": ["team", "team path", "org unit", "organisational unit", "organizational unit", "unit", "department"],
    "job_title": ["job title", "title", "job", "position", "role title"],
    "grade": ["grade", "level", "band", "pay grade"],
    "manager_email": [
        "manager email",
        "manager e-mail",
        "manager's email",
        "line manager email",
        "line manager e-mail",
        "line manager's email",
        "line manager",
        "manager",
        "reports to",
    ],
    "start_date": [
        "start date",
        "started",
        "start",
        "started on",
        "hire date",
        "date started",
        "joined",
        "date in job",
        "dateInJob",
    ],
    "status": ["status", "employment status", "employee status", "worker status", "active status"],
}


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


HEADING_TO_COLUMN = {_heading_key(h): column for column, headings in HEADINGS.items() for h in headings}


def _quote(value: str, limit: int = 60) -> str:
    """A cell as it goes into a message: quoted and short, so a stray megabyte cell cannot flood the page."""
    return f"“{value if len(value) <= limit else value[: limit - 1] + '…'}”"


def _decode(data: bytes) -> str:
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ValidationError(_("The file is empty. Export the people from your HR system as CSV and upload that."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(
            _("The file is saved as UTF-16 (“Unicode text”). Save it as CSV UTF-8 and upload it again.")
        )
    if _looks_utf16(data):
        raise ValidationError(
            _(
                "The file is saved as UTF-16 (“Unicode text”) without a byte-order mark. Save it as CSV UTF-8 and "
                "upload it again."
            )
        )
    if b"\x00" in data:
        if data.startswith(b"PK\x03\x04"):
            raise ValidationError(
                _(
                    "This is a ZIP archive or an Excel workbook, not a CSV text file. Export or save the people as "
                    "CSV (UTF-8) and upload that."
                )
            )
        raise ValidationError(
            _("This is a binary file, not a CSV text file. Export or save the people as CSV (UTF-8) and upload that.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            _(
                "The file is not UTF-8 text: line %(line)s has a character Tandem cannot read. It was probably saved "
                "as Latin-1 or Windows-1252. Save it as UTF-8 (in Excel: “CSV UTF-8 (Comma delimited)”; in "
                "LibreOffice: character set “Unicode (UTF-8)”) and upload it again."
            )
            % {"line": line}
        ) from exc


def _looks_utf16(data: bytes) -> bool:
    """Text saved as UTF-16 without a BOM: ASCII letters with a zero byte beside each, on one side only."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    return (zeros_odd > 0.6 and zeros_even < 0.1) or (zeros_even > 0.6 and zeros_odd < 0.1)


def _delimiter(text: str) -> str:
    # Exports from European locales often use semicolons; the header line tells which one this file uses.
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max([",", ";", "\t"], key=first.count)


def _read_table(text: str) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """(columns found, headings ignored, rows as {"line", "values"}) from the decoded text, by the standard
    headings (``HEADINGS``)."""
    header, raw_rows = _read_raw(text, need_rows=False)
    positions, ignored = _header_positions(header)
    if not raw_rows:
        raise ValidationError(NO_ROWS)
    return [column for column in COLUMN_LABELS if column in positions], ignored, _rows_at(raw_rows, positions)


def _rows_at(raw_rows: list[dict[str, Any]], positions: dict[str, int]) -> list[dict[str, Any]]:
    """Rows as {"line", "values"} (and "cells_error"), each column's cell read at its position."""
    rows = []
    for raw in raw_rows:
        cells = raw["cells"]
        values = {column: cells[index].strip() if index < len(cells) else "" for column, index in positions.items()}
        row: dict[str, Any] = {"line": raw["line"], "values": values}
        if raw["cells_error"]:
            row["cells_error"] = raw["cells_error"]
        rows.append(row)
    return rows


NO_ROWS = gettext_lazy("The file has a header line but no people under it.")


def _read_raw(text: str, *, need_rows: bool = True) -> tuple[list[str], list[dict[str, Any]]]:
    """The header line and the rows under it as {"line", "cells", "cells_error"}, whatever the headings say."""
    # strict: a quote that is never closed raises instead of swallowing the rest of the file into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    row_start = [1]  # the line the row being read starts on (a quoted cell may span lines)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise ValidationError(_("The file is empty. Export the people from your HR system as CSV and upload that."))
        rows = _read_rows(reader, len(header), row_start)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ValidationError(
                _(
                    'Line %(line)s opens a quoted cell (a " character) that is never closed, so the rest of the '
                    "file would be read as one cell. Close or remove that quote and upload the file again."
                )
                % {"line": row_start[0]}
            ) from exc
        raise ValidationError(
            _(
                "Line %(line)s could not be read as CSV (%(error)s). Check the quotes on that line and upload the "
                "file again."
            )
            % {"line": row_start[0], "error": exc}
        ) from exc
    if not rows and need_rows:
        raise ValidationError(NO_ROWS)
    return [heading.strip() for heading in header], rows


def _header_positions(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Each known column's position in the header line, and the headings ignored; refuses a header that names a
    column twice, names none, or misses a required one."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, heading in enumerate(header):
        column = HEADING_TO_COLUMN.get(_heading_key(heading))
        if column is None:
            if heading.strip():
                ignored.append(heading.strip())
        elif column in positions:
            raise ValidationError(
                _(
                    "Two columns mean the %(column)s: %(first)s and %(second)s. Keep one of them and upload the "
                    "file again."
                )
                % {
                    "column": COLUMN_LABELS[column],
                    "first": _quote(header[positions[column]].strip()),
                    "second": _quote(heading.strip()),
                }
            )
        else:
            positions[column] = index
    if not positions:
        raise ValidationError(
            _(
                "The first line should name the columns (email, name, team, job title, grade, line manager email, "
                "start date), but it reads %(header)s. Add a header line and upload the file again."
            )
            % {"header": _quote(", ".join(c.strip() for c in header))}
        )
    for column in REQUIRED:
        if column not in positions:
            raise ValidationError(
                _("The file has no “%(column)s” column, which every import needs. The columns found: %(found)s.")
                % {"column": column, "found": ", ".join(_quote(h.strip()) for h in header if h.strip())}
            )
    return positions, ignored


def _read_rows(reader: Any, width: int, row_start: list[int]) -> list[dict[str, Any]]:
    """The rows under the header, blank lines skipped; ``row_start[0]`` follows the line each row starts on."""
    rows: list[dict[str, Any]] = []
    while True:
        row_start[0] = reader.line_num + 1
        cells = next(reader, None)
        if cells is None:
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(max)s people; Tandem imports at most %(max)s at a time.")
                % {"max": number_format(MAX_ROWS, force_grouping=True)}
            )
        rows.append({"line": reader.line_num, "cells": cells, "cells_error": _cells_error(cells, width)})
    return rows


def _cells_error(cells: list[str], width: int) -> str:
    """Why a line with fewer cells than the header, or more that are not empty, is not imported."""
    if len(cells) < width:
        return ngettext(
            "This line has %(count)s cell but the header has %(width)s: "
            "cells are missing, so nothing in it is imported (a missing cell never clears a field). Add "
            "the missing separators; an empty cell between two separators clears that field on purpose.",
            "This line has %(count)s cells but the header has %(width)s: "
            "cells are missing, so nothing in it is imported (a missing cell never clears a field). Add "
            "the missing separators; an empty cell between two separators clears that field on purpose.",
            len(cells),
        ) % {"count": len(cells), "width": width}
    if any(cell.strip() for cell in cells[width:]):
        return _(
            "This line has %(count)s cells but the header has %(width)s: probably a comma inside a "
            "name or title without quotes around it, which moves every cell after it. Put quotes around "
            "that cell."
        ) % {"count": len(cells), "width": width}

    return ""
