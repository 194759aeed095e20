"""The column mapping of an HR file: which of the file's own headings holds which Tandem field.

HR systems export their own headings (``employeeId,firstName,lastName,supervisorId,status``); an administrator maps
them once (``PeopleImportMapping``) from a sample's header, with guesses pre-filled from the standard headings, and
every upload or nightly file with that header is read through it. Rows come out as the standard import's rows
(``{"line", "values"}`` keyed by the import's columns), so the preview's checks are the same for every source.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from .people_import_file import COLUMN_LABELS, HEADINGS, _heading_key, _quote, _rows_at

# Tandem's fields, in the order the mapping screen asks for them, with their labels.
FIELDS: dict[str, Any] = {
    "employee_id": gettext_lazy("Employee id"),
    "email": gettext_lazy("Email"),
    "name": gettext_lazy("Full name (one column)"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "manager_employee_id": gettext_lazy("Line manager by employee id (e.g. supervisorId)"),
    "manager_email": gettext_lazy("Line manager by email"),
    "status": gettext_lazy("Status"),
    "team": gettext_lazy("Team or department path"),
    "job_title": gettext_lazy("Job title"),
    "grade": gettext_lazy("Grade"),
    "start_date": gettext_lazy("Start date"),
}
EXTRA_HEADINGS = {
    "employee_id": ["employee id", "employee number", "employee no", "staff id", "staff number", "person id", "emp id"],
    "first_name": ["first name", "given name", "forename", "first"],
    "last_name": ["last name", "surname", "family name", "last"],
    "manager_employee_id": [
        "supervisor id",
        "manager id",
        "manager employee id",
        "line manager id",
        "reports to id",
        "supervisor employee id",
    ],
}
GUESS = {
    _heading_key(heading): field
    for field, headings in {**HEADINGS, **EXTRA_HEADINGS}.items()
    for heading in headings
    if field in FIELDS
}
# The date formats the mapping offers: strptime format -> how people write it.
# Translators: Y, M and D stand for the letters of year, month and day in your language (German: JJJJ-MM-TT).
DATE_FORMATS = {
    "%Y-%m-%d": gettext_lazy("YYYY-MM-DD"),
    "%d/%m/%Y": gettext_lazy("DD/MM/YYYY"),
    "%m/%d/%Y": gettext_lazy("MM/DD/YYYY"),
    "%d.%m.%Y": gettext_lazy("DD.MM.YYYY"),
    "%Y/%m/%d": gettext_lazy("YYYY/MM/DD"),
    "%d-%m-%Y": gettext_lazy("DD-MM-YYYY"),
}
SAMPLE_ROWS = 5  # rows of the file the mapping screen shows under its header


def mapping_guess(header: list[str]) -> dict[str, str]:
    """field -> heading, for the headings the standard spellings recognise (the first heading wins)."""
    guessed: dict[str, str] = {}
    for heading in header:
        field = GUESS.get(_heading_key(heading))
        if field and field not in guessed:
            guessed[field] = heading
    if "first_name" in guessed and "last_name" in guessed:
        guessed.pop("name", None)
    return guessed


def status_values_guess(values: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """The distinct status values of a sample as (understood as active, understood as left, not understood)."""
    from .people_import_checks import STATUS_ACTIVE, STATUS_LEFT

    active, left, unknown = [], [], []
    for value in dict.fromkeys(v.strip() for v in values if v.strip()):
        key = _heading_key(value)
        (active if key in STATUS_ACTIVE else left if key in STATUS_LEFT else unknown).append(value)
    return active, left, unknown


def mapping_errors(mapping: Any, header: list[str] | None = None, *, raise_: bool = False) -> list[str]:
    """What is wrong with a mapping (a PeopleImportMapping or anything with its fields), in words for the screen;
    with ``header``, also each heading it names that the file lacks."""
    columns: dict[str, str] = {k: v for k, v in (mapping.columns or {}).items() if v}
    errors = [
        gettext("Unknown field %(field)s in the mapping.") % {"field": _quote(k)} for k in columns if k not in FIELDS
    ]
    if "email" not in columns:
        errors.append(gettext("Choose the column that holds the email: every person needs one."))
    if "name" in columns and ("first_name" in columns or "last_name" in columns):
        errors.append(gettext("Choose either one column for the full name, or first name and last name, not both."))
    elif "name" not in columns and "first_name" not in columns:
        errors.append(gettext("Choose the column with the full name, or the first name (and last name) columns."))
    if "manager_employee_id" in columns and "manager_email" in columns:
        errors.append(gettext("Choose the line manager by employee id or by email, not both."))
    seen: dict[str, str] = {}
    for field, heading in columns.items():
        if heading in seen:
            errors.append(
                gettext("The column %(column)s is chosen for both %(first)s and %(second)s.")
                % {"column": _quote(heading), "first": seen[heading], "second": FIELDS[field]}
            )
        seen[heading] = FIELDS.get(field, field)
        if header is not None and heading not in header:
            errors.append(
                gettext("The file has no column %(column)s (chosen for %(field)s).")
                % {"column": _quote(heading), "field": FIELDS.get(field, field)}
            )
    active = {_heading_key(v) for v in mapping.status_active or []}
    both = [v for v in mapping.status_left or [] if _heading_key(v) in active]
    if both:
        errors.append(gettext("%(value)s cannot mean both active and left.") % {"value": _quote(both[0])})
    if (mapping.status_active or mapping.status_left) and "status" not in columns:
        errors.append(gettext("Status values are listed but no status column is chosen."))
    if mapping.date_format not in DATE_FORMATS:
        errors.append(gettext("Unknown date format %(format)s.") % {"format": _quote(mapping.date_format)})
    if raise_ and errors:
        raise ValidationError(errors)
    return errors


def mapping_rows(
    header: list[str], raw_rows: list[dict[str, Any]], columns: dict[str, str]
) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """(the import's columns, headings ignored, rows) read through a checked mapping: names joined from first and
    last name; every other field one cell of its column."""
    columns = {k: v for k, v in columns.items() if v}
    positions = {field: header.index(heading) for field, heading in columns.items()}
    rows = _rows_at(raw_rows, positions)
    if "first_name" in positions:
        for row in rows:
            values = row["values"]
            parts = [values.pop("first_name", ""), values.pop("last_name", "")]
            values["name"] = " ".join(part for part in parts if part)
    import_columns = [c for c in ["employee_id", *COLUMN_LABELS, "manager_employee_id"] if c in positions]
    if "first_name" in positions:
        import_columns.insert(import_columns.index("email") + 1, "name")
    used = set(columns.values())
    return import_columns, [h for h in header if h and h not in used], rows


def parse_date(value: str, date_format: str) -> datetime.date:
    """A date cell in the mapping's format; ``ValueError`` when it is not one."""
    return datetime.datetime.strptime(value, date_format).date()  # noqa: DTZ007 (a date, no time or zone)
