"""People import: an HR system's CSV is parsed once into a preview, then applied in one transaction.

The file is the source of truth for the columns it has: a column that is present overwrites the field (an
empty cell clears it, and the preview says "cleared"), a column that is absent leaves the field alone. A row
with fewer cells than the header (a cut-off line, cells lost in an export) is an error, never a reason to
clear what the missing cells would have said; so is a row with more non-empty cells than the header (a comma
inside an unquoted name shifts every cell after it). A ``status`` column deactivates people whose status says
they have left (Terminated, Inactive, Leaver...) and does not create them. People in Tandem who are not in the
file are flagged with ``missing_from_hr_since``, never deleted; administrators are never flagged.

Stored previews (and discarded imports) hold names and emails: they are deleted after ``KEEP_PREVIEWS``.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from core.single_line import single_line

from ..models import OrgUnit, PeopleImport, Person
from .leavers import leavers_applications_withdraw
from .teams import person_units_record, person_units_start

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
FLAG_SAMPLE = 50  # names of people to be flagged kept for the preview; the count is always exact
BATCH = 500  # rows per bulk statement: well under SQLite's limit on query parameters

KEEP_PREVIEWS = datetime.timedelta(days=7)

REQUIRED = ("email", "name")
COLUMN_LABELS = {
    "email": "email",
    "name": "name",
    "team": "team",
    "job_title": "job title",
    "grade": "grade",
    "manager_email": "line manager",
    "start_date": "start date",
    "status": "status",
}
# Employment statuses, compared without case, spaces or punctuation. Leavers are deactivated (or not created);
# any other value is an error, so that a status Tandem does not know never silently keeps someone active.
STATUS_ACTIVE = {"", "active", "current", "employed", "working", "onleave", "leave", "suspended", "probation"}
STATUS_LEFT = {
    "terminated",
    "inactive",
    "leaver",
    "left",
    "former",
    "formeremployee",
    "resigned",
    "retired",
    "dismissed",
    "separated",
    "ended",
    "deceased",
    "withdrawn",
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
    "start_date": ["start date", "started", "start", "started on", "hire date", "date started", "joined"],
    "status": ["status", "employment status", "employee status", "worker status", "active status"],
}


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


HEADING_TO_COLUMN = {_heading_key(h): column for column, headings in HEADINGS.items() for h in headings}
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
TEAM_SEPARATOR = re.compile(r"\s*[>›]\s*")


def _quote(value: str, limit: int = 60) -> str:
    """A cell as it goes into a message: quoted and short, so a stray megabyte cell cannot flood the page."""
    return f"“{value if len(value) <= limit else value[: limit - 1] + '…'}”"


# --- Reading the file: every problem here refuses the whole file and saves nothing -------------------------


def _decode(data: bytes) -> str:
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ValidationError("The file is empty. Export the people from your HR system as CSV and upload that.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError("The file is saved as UTF-16 (“Unicode text”). Save it as CSV UTF-8 and upload it again.")
    if _looks_utf16(data):
        raise ValidationError(
            "The file is saved as UTF-16 (“Unicode text”) without a byte-order mark. Save it as CSV UTF-8 and "
            "upload it again."
        )
    if b"\x00" in data:
        kind = "a ZIP archive or an Excel workbook" if data.startswith(b"PK\x03\x04") else "a binary file"
        raise ValidationError(
            f"This is {kind}, not a CSV text file. Export or save the people as CSV (UTF-8) and upload that."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            f"The file is not UTF-8 text: line {line} has a character Tandem cannot read. It was probably saved "
            "as Latin-1 or Windows-1252. Save it as UTF-8 (in Excel: “CSV UTF-8 (Comma delimited)”; in "
            "LibreOffice: character set “Unicode (UTF-8)”) and upload it again."
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
    """(columns found, headings ignored, rows as {"line", "values"}) from the decoded text."""
    # strict: a quote that is never closed raises instead of swallowing the rest of the file into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    row_start = 1  # the line the row being read starts on (a quoted cell may span lines)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise ValidationError("The file is empty. Export the people from your HR system as CSV and upload that.")
        positions: dict[str, int] = {}
        ignored: list[str] = []
        for index, heading in enumerate(header):
            column = HEADING_TO_COLUMN.get(_heading_key(heading))
            if column is None:
                if heading.strip():
                    ignored.append(heading.strip())
            elif column in positions:
                raise ValidationError(
                    f"Two columns mean the {COLUMN_LABELS[column]}: {_quote(header[positions[column]].strip())} and "
                    f"{_quote(heading.strip())}. Keep one of them and upload the file again."
                )
            else:
                positions[column] = index
        if not positions:
            raise ValidationError(
                f"The first line should name the columns (email, name, team, job title, grade, line manager email, "
                f"start date), but it reads {_quote(', '.join(c.strip() for c in header))}. Add a header line and "
                "upload the file again."
            )
        for column in REQUIRED:
            if column not in positions:
                raise ValidationError(
                    f"The file has no “{column}” column, which every import needs. The columns found: "
                    f"{', '.join(_quote(h.strip()) for h in header if h.strip())}."
                )
        rows: list[dict[str, Any]] = []
        width = len(header)
        while True:
            row_start = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise ValidationError(
                    f"The file has more than {MAX_ROWS:,} people; Tandem imports at most {MAX_ROWS:,} at a time."
                )
            values = {column: cells[index].strip() if index < len(cells) else "" for column, index in positions.items()}
            row: dict[str, Any] = {"line": reader.line_num, "values": values}
            if len(cells) < width:
                row["cells_error"] = (
                    f"This line has {len(cells)} cell{'s' if len(cells) != 1 else ''} but the header has {width}: "
                    "cells are missing, so nothing in it is imported (a missing cell never clears a field). Add "
                    "the missing separators; an empty cell between two separators clears that field on purpose."
                )
            elif any(cell.strip() for cell in cells[width:]):
                row["cells_error"] = (
                    f"This line has {len(cells)} cells but the header has {width}: probably a comma inside a "
                    "name or title without quotes around it, which moves every cell after it. Put quotes around "
                    "that cell."
                )
            rows.append(row)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ValidationError(
                f'Line {row_start} opens a quoted cell (a " character) that is never closed, so the rest of the '
                "file would be read as one cell. Close or remove that quote and upload the file again."
            ) from exc
        raise ValidationError(
            f"Line {row_start} could not be read as CSV ({exc}). Check the quotes on that line and upload the file "
            "again."
        ) from exc
    if not rows:
        raise ValidationError("The file has a header line but no people under it.")
    columns = [column for column in COLUMN_LABELS if column in positions]
    return columns, ignored, rows


# --- Checking the rows against the organisation: the same code for the preview and for applying -----------


@dataclass
class _Organisation:
    """What the checks need from the database, read in two queries."""

    people: dict[str, dict[str, Any]]  # email (lower case) -> the person's fields
    email_of: dict[int, str]
    units: dict[tuple[str, ...], int | None]  # lower-case path -> unit id (None: two teams share the path)
    unit_path: dict[int, str]

    @classmethod
    def load(cls) -> _Organisation:
        names: dict[int, tuple[str, int | None]] = {
            pk: (name, parent) for pk, name, parent in OrgUnit.objects.values_list("pk", "name", "parent_id")
        }
        unit_path: dict[int, list[str]] = {}
        for pk in names:
            parts, seen, unit = [], set(), pk
            while unit is not None and unit not in seen:  # a broken tree must not hang the import
                seen.add(unit)
                parts.append(names[unit][0])
                unit = names[unit][1]
            unit_path[pk] = parts[::-1]
        units: dict[tuple[str, ...], int | None] = {}
        for pk, parts in unit_path.items():
            key = tuple(p.lower() for p in parts)
            units[key] = None if key in units else pk
        fields = (
            "pk",
            "email",
            "display_name",
            "job_title",
            "grade",
            "org_unit_id",
            "line_manager_id",
            "start_date",
            "missing_from_hr_since",
            "is_active",
            "is_staff",
            "is_superuser",
        )
        people = {row["email"].lower(): row for row in Person.objects.values(*fields)}
        return cls(
            people=people,
            email_of={row["pk"]: email for email, row in people.items()},
            units=units,
            unit_path={pk: " > ".join(parts) for pk, parts in unit_path.items()},
        )


@dataclass
class _Plan:
    """What applying does, with the values resolved; built only when no row has an error."""

    creates: list[dict[str, Any]] = field(default_factory=list)  # model field -> value
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)  # pk -> changed model fields
    managers: dict[str, str | None] = field(default_factory=dict)  # email -> manager's email, for every row
    flag: list[int] = field(default_factory=list)


def _check_row(values: dict[str, str], org: _Organisation, file_emails: set[str]) -> tuple[list[str], dict]:
    """The row's errors and its resolved model fields (only for the columns the file has)."""
    errors: list[str] = []
    resolved: dict[str, Any] = {}
    # Every column is one line (names, titles, teams, email subjects carry them): a quoted cell with a line
    # break in it is read as one line (issue 13, point 19).
    values = {column: single_line(value) for column, value in values.items()}
    email = values["email"].lower()
    if not email:
        errors.append("The email is missing.")
    elif len(email) > 254:
        errors.append("The email is longer than 254 characters.")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"{_quote(values['email'])} is not a valid email address.")
    name = values["name"]
    if not name:
        errors.append("The name is missing.")
    elif len(name) > 150:
        errors.append("The name is longer than 150 characters.")
    resolved["display_name"] = name
    if "team" in values:
        resolved["org_unit_id"] = None
        if team := values["team"]:
            key = tuple(part.lower() for part in TEAM_SEPARATOR.split(team))
            unit = org.units.get(key)
            if unit is not None:
                resolved["org_unit_id"] = unit
            elif key in org.units:
                errors.append(f"The team {_quote(team)} matches two teams in Tandem; rename one of them.")
            else:
                near = [org.unit_path[pk] for k, pk in org.units.items() if pk and k[-1] == key[-1]]
                also = f" Did you mean {_quote(near[0])}?" if len(near) == 1 else ""
                errors.append(f"Unknown team {_quote(team)}: no team in Tandem has that path.{also}")
    if "job_title" in values:
        if len(values["job_title"]) > 150:
            errors.append("The job title is longer than 150 characters.")
        resolved["job_title"] = values["job_title"]
    if "grade" in values:
        grade = values["grade"]
        resolved["grade"] = None
        if grade:
            if re.fullmatch(r"\d{1,2}", grade) and int(grade) <= 30:
                resolved["grade"] = int(grade)
            else:
                errors.append(f"The grade {_quote(grade)} is not a whole number from 0 to 30.")
    if "start_date" in values:
        start = values["start_date"]
        resolved["start_date"] = None
        if start:
            try:
                if not DATE_RE.fullmatch(start):
                    raise ValueError
                resolved["start_date"] = datetime.date.fromisoformat(start)
            except ValueError:
                errors.append(f"The start date {_quote(start)} is not a date written as YYYY-MM-DD.")
    if "status" in values:
        status = _heading_key(values["status"])
        if status in STATUS_LEFT:
            resolved["is_active"] = False
        elif status not in STATUS_ACTIVE:
            errors.append(
                f"Unknown status {_quote(values['status'])}: Tandem understands Active, or Terminated, Inactive and "
                "Leaver (and similar words) for people who have left."
            )
        # An active status never reactivates an account: that stays a decision in the admin.
    if "manager_email" in values and (manager := values["manager_email"].lower()):
        try:
            validate_email(manager)
        except ValidationError:
            errors.append(f"The line manager's email {_quote(values['manager_email'])} is not a valid email address.")
        else:
            if manager == email:
                errors.append("Manager cycle: this person is set as their own line manager.")
            elif manager not in file_emails and manager not in org.people:
                errors.append(f"Unknown manager {_quote(manager)}: not in the file and not in Tandem.")
    return errors, resolved


def _cycles(managers: dict[str, str | None], org: _Organisation, in_file: list[str]) -> dict[str, list[str]]:
    """email -> the cycle it sits in, for people in the file, in the management chain once the file is applied."""

    def boss(email: str) -> str | None:
        if email in managers:
            return managers[email]
        person = org.people.get(email)
        return org.email_of.get(person["line_manager_id"]) if person and person["line_manager_id"] else None

    found: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in in_file:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = boss(node)
        if node is not None and node in on_path:
            cycle = path[on_path[node] :]
            for member in cycle:
                found[member] = cycle
        done.update(path)
    return found


def _changes(person: dict[str, Any], resolved: dict[str, Any], manager: str | None, org: _Organisation) -> list:
    """What an update changes, in words for the preview ("job title", "Analyst", "Senior Analyst")."""

    def team(pk: int | None) -> str:
        return org.unit_path.get(pk, "") if pk else ""

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    changes = []
    for model_field, label, show in (
        ("is_active", "account", lambda active: "active" if active else "deactivated: the status says they have left"),
        ("display_name", "name", text),
        ("org_unit_id", "team", team),
        ("job_title", "job title", text),
        ("grade", "grade", text),
        ("start_date", "start date", text),
    ):
        if model_field in resolved and resolved[model_field] != person[model_field]:
            new = show(resolved[model_field])
            if new == "" and model_field != "is_active":
                new = "cleared (the cell is empty in the file)"
            changes.append({"field": label, "old": show(person[model_field]), "new": new})
    if manager != "keep":
        current = org.email_of.get(person["line_manager_id"]) if person["line_manager_id"] else None
        if manager != current:
            new = manager or "cleared (the cell is empty in the file)"
            changes.append({"field": "line manager", "old": current or "", "new": new})
    if person["missing_from_hr_since"] is not None:
        since = timezone.localtime(person["missing_from_hr_since"]).date().isoformat()
        changes.append({"field": "missing from HR", "old": f"since {since}", "new": "back in the file"})
    return changes


def _uploader_limits(email: str, values: dict[str, str], org: _Organisation, by: Person) -> list[str]:
    """What a coordinator who is not an administrator may not do through an import.

    Being someone's line manager opens their applications, endorsements and protected time, so nobody may
    make themselves a line manager by uploading a file; and administrators' own records are theirs to keep.
    """
    if by.is_staff:
        return []
    errors = []
    person = org.people.get(email)
    if person and (person["is_staff"] or person["is_superuser"]):
        errors.append("Only an administrator can change an administrator's record through an import.")
    manager = (values.get("manager_email") or "").lower()
    current = org.email_of.get(person["line_manager_id"]) if person and person["line_manager_id"] else None
    if manager and manager == by.email.lower() and manager != current:
        errors.append("You cannot make yourself someone's line manager through an import: ask an administrator.")
    return errors


def _own_account(email: str, values: dict[str, str], by: Person) -> list[str]:
    if email == by.email.lower() and _heading_key(values.get("status", "")) in STATUS_LEFT:
        return ["You cannot deactivate your own account through an import."]
    return []


def _evaluate(
    columns: list[str], rows: list[dict[str, Any]], org: _Organisation, by: Person
) -> tuple[list, dict, _Plan]:
    """Each row's outcome and reasons, the summary, and (when every row is valid) the plan to apply."""
    counts = Counter(row["values"]["email"].lower() for row in rows if row["values"]["email"])
    lines_of: dict[str, list[int]] = {}
    for row in rows:
        lines_of.setdefault(row["values"]["email"].lower(), []).append(row["line"])
    file_emails = set(counts)
    has_managers = "manager_email" in columns

    checked = []
    managers: dict[str, str | None] = {}
    for row in rows:
        values = row["values"]
        errors, resolved = _check_row(values, org, file_emails)
        email = values["email"].lower()
        if email and counts[email] > 1:
            others = ", ".join(str(line) for line in lines_of[email] if line != row["line"])
            errors.append(f"The email {_quote(email)} is on more than one row (also line {others}).")
        if has_managers and email and counts[email] == 1:
            manager = values["manager_email"].lower() or None
            managers[email] = manager if manager != email else None  # a self-manager is already reported
        errors += _uploader_limits(email, values, org, by) + _own_account(email, values, by)
        if row.get("cells_error"):
            errors.insert(0, row["cells_error"])
        checked.append((row, email, errors, resolved))

    # In file order, so each cycle is described the same way at the preview and when applying.
    cycles = _cycles(managers, org, [email for _, email, _, _ in checked if email in managers])
    out_rows: list[dict[str, Any]] = []
    plan = _Plan(managers=managers)
    summary = Counter({"create": 0, "update": 0, "unchanged": 0, "error": 0, "deactivate": 0})
    for row, email, errors, resolved in checked:
        if email in cycles:
            errors.append(f"Manager cycle: {' → '.join([*cycles[email], cycles[email][0]])}.")
        changes: list[dict[str, str]] = []
        person = org.people.get(email)
        if errors:
            outcome = "error"
        elif person is None and resolved.get("is_active") is False:
            outcome = "unchanged"  # a leaver who never had an account: nothing to create
            changes = [{"field": "account", "old": "", "new": "not created: the status says they have left"}]
        elif person is None:
            outcome = "create"
            plan.creates.append({"email": email, **resolved})
        else:
            changes = _changes(person, resolved, managers.get(email) if has_managers else "keep", org)
            outcome = "update" if changes else "unchanged"
            fields = {k: v for k, v in resolved.items() if v != person[k]}
            if person["missing_from_hr_since"] is not None:
                fields["missing_from_hr_since"] = None
            if fields:
                plan.updates[person["pk"]] = fields
            if fields.get("is_active") is False:
                summary["deactivate"] += 1
        summary[outcome] += 1
        out_rows.append({**row, "outcome": outcome, "errors": errors, "changes": changes})

    flagged = sorted(
        (
            (person["display_name"], email, person["pk"])
            for email, person in org.people.items()
            if email not in file_emails
            and person["missing_from_hr_since"] is None
            and not (person["is_staff"] or person["is_superuser"])
        ),
    )
    plan.flag = [pk for _, _, pk in flagged]
    return (
        out_rows,
        {
            **summary,
            "flag": len(flagged),
            "flag_sample": [name or email for name, email, _ in flagged[:FLAG_SAMPLE]],
            "rows": len(rows),
            "columns": columns,
        },
        plan,
    )


# --- The services -----------------------------------------------------------------------------------------


def people_imports_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete previews and discarded imports older than ``KEEP_PREVIEWS``: their rows are names and emails
    that nobody applied. Applied imports stay, as the record of what changed."""
    cutoff = (now or timezone.now()) - KEEP_PREVIEWS
    stale = PeopleImport.objects.filter(
        status__in=[PeopleImport.Status.PREVIEW, PeopleImport.Status.DISCARDED], created_at__lt=cutoff
    )
    deleted, _ = stale.delete()
    return deleted


def people_import_parse(*, upload: UploadedFile, by: Person) -> PeopleImport:
    """Read an uploaded CSV once and keep it as a preview: each row with its outcome and, if bad, why.

    Problems with the file itself (too big, too many rows, not UTF-8, binary, empty, no header, a required
    column missing) raise ``ValidationError`` and save nothing. Bad rows do not: the preview lists them.
    """
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB."
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB, the limit.")
    columns, ignored, raw_rows = _read_table(_decode(data))
    rows, summary, _ = _evaluate(columns, raw_rows, _Organisation.load(), by)
    people_import = PeopleImport(
        uploaded_by=by,
        filename=os.path.basename(upload.name or "people.csv")[:255] or "people.csv",
        rows=rows,
        summary={**summary, "ignored_columns": ignored},
    )
    people_import.full_clean()
    people_import.save()
    people_imports_purge()  # at each upload too, so that a missed periodic task does not keep them longer
    return people_import


def _applicable(people_import: PeopleImport) -> None:
    if people_import.status == PeopleImport.Status.APPLIED:
        raise ValidationError("This import has already been applied; a preview can be applied once.")
    if people_import.status == PeopleImport.Status.DISCARDED:
        raise ValidationError("This import was discarded. Upload the file again to import it.")


def _lock(people_import: PeopleImport) -> PeopleImport:
    locked = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    _applicable(locked)
    return locked


@dataclass
class _Prepared:
    """An import checked and made ready to write: everything slow is done before the writing transaction."""

    org: _Organisation
    plan: _Plan
    new_people: list[Person]
    updates: dict[tuple[str, ...], list[list[Any]]]  # columns changed -> [values in the database's form + pk]
    password: str  # the hash every new person gets (see below); "" when nobody is created


def _prepare(people_import: PeopleImport, by: Person, *, password: str = "") -> _Prepared:
    """Check the file again against the database as it is now, and build the rows to write.

    Raises ``ValidationError`` (nothing written) when any row has an error, or the outcome would differ from
    what the preview showed.
    """
    columns = people_import.summary.get("columns", [])
    raw_rows = [{"line": row["line"], "values": row["values"]} for row in people_import.rows]
    if not raw_rows:
        raise ValidationError("This import has no people in it.")
    org = _Organisation.load()
    rows, summary, plan = _evaluate(columns, raw_rows, org, by)
    if people_import.summary.get("error"):
        raise ValidationError(
            f"{people_import.summary['error']} row(s) have errors, so nothing was imported. Fix them in the file "
            "and upload it again."
        )
    if summary["error"]:
        raise ValidationError(
            f"People or teams in Tandem changed since this preview and {summary['error']} row(s) no longer fit "
            "(for example a manager or a team that is gone). Nothing was imported; upload the file again."
        )
    expected = {**summary, "ignored_columns": people_import.summary.get("ignored_columns")}
    if rows != people_import.rows or expected != people_import.summary:
        raise ValidationError(
            "People in Tandem changed since this preview, so it no longer shows what applying would do. Nothing "
            "was imported; upload the file again for a fresh preview."
        )
    # Each object's fields are checked, but not Person.clean(): it walks one person's management chain in the
    # database, which is half-written during a batch. The whole chain was checked above, file and database.
    new_people = []
    # A random password nobody knows: they set their own through "Forgot your password?" (Django's reset form
    # skips accounts whose password is unusable, so it must be a real one). Hashed once for the whole batch:
    # hashing is slow on purpose, and 10,000 hashes would take an hour.
    password = password or (make_password(secrets.token_urlsafe(32)) if plan.creates else "")
    for values in plan.creates:
        person = Person(**values)
        person.password = password
        person.clean_fields(exclude=["line_manager"])
        new_people.append(person)
    people = Person.objects.in_bulk(list(plan.updates))
    updates: dict[tuple[str, ...], list[list[Any]]] = {}
    for pk, fields in plan.updates.items():
        person = people[pk]
        for name, value in fields.items():
            setattr(person, name, value)
        person.clean_fields(exclude=["password", "line_manager"])
        model_fields = sorted(Person._meta.get_field(name.removesuffix("_id")) for name in fields)
        updates.setdefault(tuple(f.column for f in model_fields), []).append(
            [f.get_db_prep_save(getattr(person, f.attname), connection) for f in model_fields] + [pk]
        )
    return _Prepared(org, plan, new_people, updates, password)


def people_import_apply(*, people_import: PeopleImport, by: Person) -> PeopleImport:
    """Apply a preview all or nothing: create, update, set line managers, flag who left the file (and withdraw
    their open applications, telling the coordinators).

    The file is checked again against the database as it is now; if any row has an error, or the outcome
    would differ from what the preview showed, nothing is written and a ``ValidationError`` says why.

    The checking (thousands of rows) and the password hashing run outside any transaction: on SQLite a
    transaction holds the whole database's write lock, and everyone else's saves would wait for all of it. The
    writes run in one short transaction (``_import_write``), which checks again that nothing changed meanwhile.
    """
    now = timezone.now()  # when it was asked for: the time people are flagged and the import is applied
    current = PeopleImport.objects.get(pk=people_import.pk)
    _applicable(current)
    return _import_write(people_import=current, by=by, prepared=_prepare(current, by), now=now)


@transaction.atomic
def _import_write(
    *, people_import: PeopleImport, by: Person, prepared: _Prepared, now: datetime.datetime
) -> PeopleImport:
    locked = _lock(people_import)
    if _Organisation.load() != prepared.org:
        # Someone changed people or teams while the file was checked: check it again, now under the lock (rare).
        prepared = _prepare(locked, by, password=prepared.password)
    org, plan = prepared.org, prepared.plan
    Person.objects.bulk_create(prepared.new_people, batch_size=BATCH)
    # One statement run many times per set of columns changed: bulk_update's CASE takes seconds on SQLite
    # for a few thousand people, all of it holding the write lock.
    table, quote = Person._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        for columns, params in prepared.updates.items():
            assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
            cursor.executemany(
                f"UPDATE {quote(table)} SET {assignments} WHERE {quote(Person._meta.pk.column)} = %s", params
            )

    # Second pass: every manager now exists, including those created from later lines of the same file.
    # One UPDATE per manager and batch: a team's reports move together, and bulk_update's CASE is slow.
    pk_of = {email.lower(): pk for email, pk in Person.objects.values_list("email", "pk")}
    # The team history (issue 14, point 6): new people in their team from the start, moves dated today.
    person_units_start(units=[(pk_of[values["email"]], values.get("org_unit_id")) for values in plan.creates])
    person_units_record(
        moves={
            pk: (org.people[org.email_of[pk]]["org_unit_id"], fields["org_unit_id"])
            for pk, fields in plan.updates.items()
            if "org_unit_id" in fields
        },
        on=timezone.localdate(now),
    )
    reports: dict[int | None, list[int]] = {}
    for email, manager in plan.managers.items():
        target = pk_of[manager] if manager else None
        current = org.people[email]["line_manager_id"] if email in org.people else None
        if target != current:
            reports.setdefault(target, []).append(pk_of[email])
    for manager_pk, pks in reports.items():
        for start in range(0, len(pks), BATCH):
            Person.objects.filter(pk__in=pks[start : start + BATCH]).update(line_manager_id=manager_pk)

    for start in range(0, len(plan.flag), BATCH):
        Person.objects.filter(
            pk__in=plan.flag[start : start + BATCH], missing_from_hr_since__isnull=True, is_staff=False
        ).update(missing_from_hr_since=now)
    # Who left the file is never matched again; their open applications are withdrawn, coordinators told.
    leavers_applications_withdraw(person_ids=plan.flag, why="no longer in the HR file")
    # So are the open applications of those whose status in the file says they have left.
    deactivated = [pk for pk, fields in plan.updates.items() if fields.get("is_active") is False]
    leavers_applications_withdraw(person_ids=deactivated, why="the HR file says they have left")

    locked.status = PeopleImport.Status.APPLIED
    locked.applied_at = now
    locked.full_clean()
    locked.save(update_fields=["status", "applied_at"])
    return locked


@transaction.atomic
def people_import_discard(*, people_import: PeopleImport, by: Person) -> PeopleImport:
    """Set a preview aside; nothing in it is applied. An applied import cannot be discarded."""
    locked = _lock(people_import)
    locked.status = PeopleImport.Status.DISCARDED
    locked.full_clean()
    locked.save(update_fields=["status"])
    return locked
