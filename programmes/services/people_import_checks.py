"""Checking a people import's rows against the organisation: the same code for the preview and for applying."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext

from core.single_line import single_line

from ..models import OrgUnit, Person
from .people_import_file import _heading_key, _quote
from .people_import_mapping import DATE_FORMATS, parse_date
from .people_import_match import _employee_emails, _flagged, _manager_by_id, _match
from .people_import_teams import SLASH_SEPARATOR, TEAM_SEPARATOR, _new_team_errors, _place

PROGRESS_EVERY = 500  # rows checked between two progress reports of the applying task
FLAG_SAMPLE = 50  # names of people to be flagged kept for the preview; the count is always exact
# Employment statuses, compared without case, spaces or punctuation. Leavers are deactivated (or not created);
# any other value is an error, so that a status Tandem does not know never silently keeps someone active.
STATUS_ACTIVE = {
    "",
    "active",
    "current",
    "employed",
    "working",
    "onleave",
    "leave",
    "leaveofabsence",
    "suspended",
    "probation",
}
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
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
MIDNIGHT = re.compile(r"(?:T|\s+)00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$")


@dataclass(frozen=True)
class _Reading:
    """How a file's cells are read: the date format and, when its mapping lists them, the status values meaning
    active and left (compared without case, spaces or punctuation; a value in neither list is an error)."""

    date_format: str = "%Y-%m-%d"
    status_active: frozenset[str] = frozenset()
    status_left: frozenset[str] = frozenset()
    create_teams: bool = False  # a team path Tandem does not have is created (the mapping's option)

    @classmethod
    def of(cls, mapping: dict[str, Any]) -> _Reading:
        return cls(
            date_format=mapping.get("date_format") or "%Y-%m-%d",
            create_teams=bool(mapping.get("create_teams")),
            status_active=frozenset(_heading_key(v) for v in mapping.get("status_active") or []),
            status_left=frozenset(_heading_key(v) for v in mapping.get("status_left") or []),
        )

    def status(self, value: str) -> str | None:
        """ "active", "left", or None for a value this reading does not know."""
        key = _heading_key(value)
        if self.status_active or self.status_left:
            if key in self.status_left:
                return "left"
            return "active" if key in self.status_active or key == "" else None
        return "left" if key in STATUS_LEFT else "active" if key in STATUS_ACTIVE else None


@dataclass
class _Organisation:
    """What the checks need from the database, read in two queries."""

    people: dict[str, dict[str, Any]]  # email (lower case) -> the person's fields
    email_of: dict[int, str]
    units: dict[tuple[str, ...], int | None]  # lower-case path -> unit id (None: two teams share the path)
    unit_path: dict[int, str]
    email_of_employee: dict[str, str] = field(default_factory=dict)  # employee id -> email (lower case)

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
            "employee_id",
            "left_at",
        )
        people = {row["email"].lower(): row for row in Person.objects.values(*fields)}
        return cls(
            people=people,
            email_of={row["pk"]: email for email, row in people.items()},
            units=units,
            unit_path={pk: " > ".join(parts) for pk, parts in unit_path.items()},
            email_of_employee={row["employee_id"]: email for email, row in people.items() if row["employee_id"]},
        )


@dataclass
class _Plan:
    """What applying does, with the values resolved; built only when no row has an error."""

    creates: list[dict[str, Any]] = field(default_factory=list)  # model field -> value
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)  # pk -> changed model fields
    managers: dict[str, str | None] = field(default_factory=dict)  # email -> manager's email, for every row
    flag: list[int] = field(default_factory=list)
    leave: list[int] = field(default_factory=list)  # people whose status says they left: people_leave
    come_back: list[int] = field(default_factory=list)  # people who had left and are active again
    # Teams to create (the mapping's option), parents first: lower-case path -> its parts as the file writes them.
    new_teams: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    placements: dict[str, tuple[str, ...]] = field(default_factory=dict)  # email -> new team's lower-case path


def _check_row(
    values: dict[str, str], org: _Organisation, file_emails: set[str], reading: _Reading
) -> tuple[list[str], dict]:
    """The row's errors and its resolved model fields (only for the columns the file has)."""
    errors: list[str] = []
    resolved: dict[str, Any] = {}
    # Every column is one line (names, titles, teams, email subjects carry them): a quoted cell with a line
    # break in it is read as one line.
    values = {column: single_line(value) for column, value in values.items()}
    email = values["email"].lower()
    errors += _email_errors(email, values["email"])
    name = values["name"]
    if not name:
        errors.append(gettext("The name is missing."))
    elif len(name) > 150:
        errors.append(gettext("The name is longer than 150 characters."))
    resolved["display_name"] = name
    if "team" in values:
        _resolve_team(values["team"], org, errors, resolved, reading.create_teams)
    if "employee_id" in values:
        if len(values["employee_id"]) > 64:
            errors.append(gettext("The employee id is longer than 64 characters."))
        resolved["employee_id"] = values["employee_id"] or None
    _resolve_details(values, errors, resolved, reading)
    if "manager_email" in values and (manager := values["manager_email"].lower()):
        errors += _manager_errors(manager, values["manager_email"], email, org, file_emails)
    return errors, resolved


def _email_errors(email: str, written: str) -> list[str]:
    """What is wrong with the row's email (``written`` as the file has it), if anything."""
    if not email:
        return [gettext("The email is missing.")]
    if len(email) > 254:
        return [gettext("The email is longer than 254 characters.")]
    try:
        validate_email(email)
    except ValidationError:
        return [gettext("%(email)s is not a valid email address.") % {"email": _quote(written)}]
    return []


def _resolve_team(
    team: str, org: _Organisation, errors: list[str], resolved: dict[str, Any], create: bool = False
) -> None:
    """The team path's unit (an empty cell clears it), or why it matches none or two. With ``create``, a path
    Tandem does not have is to be created: ``resolved["_new_team"]`` holds its parts as the file writes them."""
    resolved["org_unit_id"] = None
    if not team:
        return
    key = tuple(part.lower() for part in TEAM_SEPARATOR.split(team))
    if key not in org.units and "/" in team:
        slashed = tuple(piece for part in key for piece in SLASH_SEPARATOR.split(part) if piece)
        key = slashed if slashed in org.units else key
    unit = org.units.get(key)
    if unit is not None:
        resolved["org_unit_id"] = unit
    elif key in org.units:
        errors.append(
            gettext("The team %(team)s matches two teams in Tandem; rename one of them.") % {"team": _quote(team)}
        )
    elif create:
        del resolved["org_unit_id"]  # set when applying, once the team exists
        errors += _new_team_errors(team, org, resolved)
    else:
        near = [org.unit_path[pk] for k, pk in org.units.items() if pk and k[-1] == key[-1]]
        if len(near) == 1:
            unknown = gettext("Unknown team %(team)s: no team in Tandem has that path. Did you mean %(near)s?")
        else:
            unknown = gettext("Unknown team %(team)s: no team in Tandem has that path.")
        errors.append(unknown % {"team": _quote(team), "near": _quote(near[0]) if near else ""})


def _resolve_details(values: dict[str, str], errors: list[str], resolved: dict[str, Any], reading: _Reading) -> None:
    """Job title, grade, start date and status, for the columns the file has."""
    if "job_title" in values:
        if len(values["job_title"]) > 150:
            errors.append(gettext("The job title is longer than 150 characters."))
        resolved["job_title"] = values["job_title"]
    if "grade" in values:
        grade = values["grade"]
        resolved["grade"] = None
        if grade:
            if re.fullmatch(r"\d{1,2}", grade) and int(grade) <= 30:
                resolved["grade"] = int(grade)
            else:
                errors.append(
                    gettext("The grade %(grade)s is not a whole number from 0 to 30.") % {"grade": _quote(grade)}
                )
    if "start_date" in values:
        start = values["start_date"]
        resolved["start_date"] = None
        if start:
            # Exports through a spreadsheet or a database often add a midnight time ("2019-03-01T00:00:00"):
            # the date is what counts. Any other time is left in, so it is refused as not a date.
            start = MIDNIGHT.sub("", start)
            try:
                if reading.date_format == "%Y-%m-%d":
                    if not DATE_RE.fullmatch(start):
                        raise ValueError
                    resolved["start_date"] = datetime.date.fromisoformat(start)
                else:
                    resolved["start_date"] = parse_date(start, reading.date_format)
            except ValueError:
                written = DATE_FORMATS.get(reading.date_format, reading.date_format)
                errors.append(
                    gettext("The start date %(date)s is not a date written as %(format)s.")
                    % {"date": _quote(values["start_date"]), "format": written}
                )
    if "status" in values:
        status = reading.status(values["status"])
        if status == "left":
            resolved["is_active"] = False
        elif status == "active":
            # Only someone who left through a source (an HR file, SCIM) comes back by a status saying active; an
            # account an administrator deactivated stays that administrator's decision.
            resolved["_back"] = True
        elif reading.status_active or reading.status_left:
            errors.append(
                gettext(
                    "Unknown status %(status)s: the column mapping lists it neither as active nor as "
                    "left. Add it to one of them."
                )
                % {"status": _quote(values["status"])}
            )
        else:
            errors.append(
                gettext(
                    "Unknown status %(status)s: Tandem understands Active, or Terminated, Inactive and "
                    "Leaver (and similar words) for people who have left."
                )
                % {"status": _quote(values["status"])}
            )


def _manager_errors(manager: str, written: str, email: str, org: _Organisation, file_emails: set[str]) -> list[str]:
    """What is wrong with the line manager's email (``written`` as the file has it), if anything."""
    try:
        validate_email(manager)
    except ValidationError:
        return [
            gettext("The line manager's email %(email)s is not a valid email address.") % {"email": _quote(written)}
        ]
    if manager == email:
        return [gettext("Manager cycle: this person is set as their own line manager.")]
    if manager not in file_emails and manager not in org.people:
        return [
            gettext("Unknown manager %(manager)s: not in the file and not in Tandem.") % {"manager": _quote(manager)}
        ]
    return []


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

    def account(active: bool) -> str:
        if not active:
            return gettext("deactivated: the status says they have left")
        return gettext("active again: the status says they are back") if not person["is_active"] else gettext("active")

    changes = []
    for model_field, label, show in (
        ("is_active", gettext("account"), account),
        ("email", gettext("email"), text),
        ("employee_id", gettext("employee id"), text),
        ("display_name", gettext("name"), text),
        ("org_unit_id", gettext("team"), team),
        ("job_title", gettext("job title"), text),
        ("grade", gettext("grade"), text),
        ("start_date", gettext("start date"), text),
    ):
        if model_field in resolved and resolved[model_field] != person[model_field]:
            new = show(resolved[model_field])
            if new == "" and model_field != "is_active":
                new = gettext("cleared (the cell is empty in the file)")
            old = show(person[model_field])
            if model_field == "is_active":
                old = gettext("active") if person["is_active"] else gettext("left")
            changes.append({"field": label, "old": old, "new": new})
    if manager != "keep":
        current = org.email_of.get(person["line_manager_id"]) if person["line_manager_id"] else None
        if manager != current:
            new = manager or gettext("cleared (the cell is empty in the file)")
            changes.append({"field": gettext("line manager"), "old": current or "", "new": new})
    if person["missing_from_hr_since"] is not None:
        since = timezone.localtime(person["missing_from_hr_since"]).date().isoformat()
        changes.append(
            {
                "field": gettext("missing from HR"),
                "old": gettext("since %(date)s") % {"date": since},
                "new": gettext("back in the file"),
            }
        )
    return changes


def _uploader_limits(email: str, values: dict[str, str], org: _Organisation, by: Person | None) -> list[str]:
    """What a coordinator who is not an administrator may not do through an import.

    Being someone's line manager opens their applications, endorsements and protected time, so nobody may
    make themselves a line manager by uploading a file; and administrators' own records are theirs to keep.
    The nightly HR file (``by`` None) is the administrators' own set-up: no limits.
    """
    if by is None or by.is_staff:
        return []
    errors = []
    person = org.people.get(email)
    if person and (person["is_staff"] or person["is_superuser"]):
        errors.append(gettext("Only an administrator can change an administrator's record through an import."))
    manager = (values.get("manager_email") or "").lower()
    current = org.email_of.get(person["line_manager_id"]) if person and person["line_manager_id"] else None
    if manager and manager == by.email.lower() and manager != current:
        errors.append(
            gettext("You cannot make yourself someone's line manager through an import: ask an administrator.")
        )
    return errors


def _own_account(email: str, values: dict[str, str], by: Person | None, reading: _Reading) -> list[str]:
    if by is not None and email == by.email.lower() and reading.status(values.get("status", "")) == "left":
        return [gettext("You cannot deactivate your own account through an import.")]
    return []


def _evaluate(
    columns: list[str],
    rows: list[dict[str, Any]],
    org: _Organisation,
    by: Person | None,
    reading: _Reading | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list, dict, _Plan]:
    """Each row's outcome and reasons, the summary, and (when every row is valid) the plan to apply.

    ``progress`` is told how many rows are checked, every ``PROGRESS_EVERY`` rows (the applying task's bar)."""
    reading = reading or _Reading()
    counts = Counter(row["values"]["email"].lower() for row in rows if row["values"]["email"])
    file_emails = set(counts)
    has_managers = "manager_email" in columns or "manager_employee_id" in columns
    checked, managers = _check_rows(rows, counts, org, by, has_managers, reading, progress)
    # A leaver the file names for the first time gets no account (see _outcome), so nobody can report to them
    # and they have no manager to set.
    never_created = {e for _, e, match, _, res in checked if match not in org.people and res.get("is_active") is False}
    for email in never_created:
        managers.pop(email, None)
    for _, email, _, errors, _ in checked:
        if managers.get(email) in never_created:
            errors.append(
                gettext(
                    "The line manager %(manager)s has left (by the file's status) and has no account "
                    "in Tandem, so nobody can report to them. Give this row another line manager."
                )
                % {"manager": _quote(managers[email])}
            )

    # In file order, so each cycle is described the same way at the preview and when applying.
    cycles = _cycles(managers, org, [email for _, email, _, _, _ in checked if email in managers])
    out_rows: list[dict[str, Any]] = []
    plan = _Plan(managers=managers)
    summary = Counter(
        {"create": 0, "update": 0, "unchanged": 0, "error": 0, "deactivate": 0, "reactivate": 0, "manager_changes": 0}
    )
    present = set(file_emails)
    for row, email, match, errors, resolved in checked:
        present.add(match)
        if email in cycles:
            errors.append(
                gettext("Manager cycle: %(cycle)s.") % {"cycle": " → ".join([*cycles[email], cycles[email][0]])}
            )
        manager = managers.get(email) if has_managers else "keep"
        outcome, changes = _outcome(email, match, errors, resolved, manager, org, plan, summary)
        summary[outcome] += 1
        out_rows.append({**row, "outcome": outcome, "errors": errors, "changes": changes})

    flagged = _flagged(org, present)
    plan.flag = [pk for _, _, pk in flagged]
    return (
        out_rows,
        {
            **summary,
            "flag": len(flagged),
            "flag_sample": [name or email for name, email, _ in flagged[:FLAG_SAMPLE]],
            "new_teams": [" › ".join(parts) for parts in plan.new_teams.values()],
            "rows": len(rows),
            "columns": columns,
        },
        plan,
    )


def _check_rows(
    rows: list[dict[str, Any]],
    counts: Counter,
    org: _Organisation,
    by: Person | None,
    has_managers: bool,
    reading: _Reading,
    progress: Callable[[int], None] | None,
) -> tuple[list[tuple[dict[str, Any], str, str, list[str], dict[str, Any]]], dict[str, str | None]]:
    """Each row checked on its own and against the others (row, email, the email Tandem holds the person under,
    errors, resolved fields), and each email's manager (for the emails on one row only)."""
    lines_of: dict[str, list[int]] = {}
    ids = Counter(row["values"].get("employee_id", "") for row in rows)
    for row in rows:
        lines_of.setdefault(row["values"]["email"].lower(), []).append(row["line"])
    employees = _employee_emails(rows, org) if rows and "manager_employee_id" in rows[0]["values"] else {}
    file_emails = set(counts)
    checked = []
    managers: dict[str, str | None] = {}
    for number, row in enumerate(rows, start=1):
        values = dict(row["values"])
        manager_errors = _manager_by_id(values, employees)
        errors, resolved = _check_row(values, org, file_emails, reading)
        errors += manager_errors
        email = values["email"].lower()
        match, conflict = _match(values, email, org)
        errors += conflict
        if email and counts[email] > 1:
            others = ", ".join(str(line) for line in lines_of[email] if line != row["line"])
            errors.append(
                gettext("The email %(email)s is on more than one row (also line %(lines)s).")
                % {"email": _quote(email), "lines": others}
            )
        if values.get("employee_id") and ids[values["employee_id"]] > 1:
            errors.append(
                gettext("The employee id %(id)s is on more than one row.") % {"id": _quote(values["employee_id"])}
            )
        if has_managers and email and counts[email] == 1:
            manager = values["manager_email"].lower() or None
            managers[email] = manager if manager != email else None  # a self-manager is already reported
        errors += _uploader_limits(match, values, org, by) + _own_account(email, values, by, reading)
        if row.get("cells_error"):
            errors.insert(0, row["cells_error"])
        checked.append((row, email, match, errors, resolved))
        if progress and number % PROGRESS_EVERY == 0:
            progress(number)
    return checked, managers


def _outcome(
    email: str,
    match: str,
    errors: list[str],
    resolved: dict[str, Any],
    manager: str | None,
    org: _Organisation,
    plan: _Plan,
    summary: Counter,
) -> tuple[str, list[dict[str, str]]]:
    """One checked row's outcome and changes; what it creates or updates goes into ``plan``."""
    changes: list[dict[str, str]] = []
    resolved = dict(resolved)
    back = resolved.pop("_back", False)
    new_team = resolved.pop("_new_team", None)
    person = org.people.get(match)
    if person is not None and back and not person["is_active"] and person["left_at"] is not None:
        resolved["is_active"] = True
    if person is not None and email != match:
        resolved["email"] = email  # matched by employee id: the file's email is the new one
    if errors:
        return "error", changes
    if person is None and resolved.get("is_active") is False:
        # A leaver who never had an account: nothing to create (nor a team for them).
        return "unchanged", [
            {"field": gettext("account"), "old": "", "new": gettext("not created: the status says they have left")}
        ]
    if new_team:
        old = org.unit_path.get(person["org_unit_id"], "") if person and person["org_unit_id"] else ""
        changes.append(
            {
                "field": gettext("team"),
                "old": old,
                "new": gettext("%(team)s (a new team)") % {"team": " > ".join(new_team)},
            }
        )
        _place(plan, email, new_team, org)
    if person is None:
        plan.creates.append({"email": email, **resolved})
        return "create", changes
    changes = _changes(person, resolved, manager, org) + changes
    outcome = "update" if changes else "unchanged"
    fields = {k: v for k, v in resolved.items() if v != person[k]}
    if person["missing_from_hr_since"] is not None:
        fields["missing_from_hr_since"] = None
    if fields:
        plan.updates[person["pk"]] = fields
    if fields.get("is_active") is False:
        summary["deactivate"] += 1
        plan.leave.append(person["pk"])
    if fields.get("is_active") is True:
        summary["reactivate"] += 1
        plan.come_back.append(person["pk"])
    if any(change["field"] == gettext("line manager") for change in changes):
        summary["manager_changes"] += 1
    return outcome, changes
