"""Matching a people import's rows to the people Tandem holds: by employee id first, then by email; a line manager
given by employee id; and who Tandem holds that the file no longer lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from .people_import_file import _quote

if TYPE_CHECKING:
    from .people_import_checks import _Organisation


def _employee_emails(rows: list[dict[str, Any]], org: _Organisation) -> dict[str, str | None]:
    """employee id -> email: the file's rows first (None when two rows share the id), then Tandem's people."""
    in_file: dict[str, str | None] = {}
    for row in rows:
        employee = row["values"].get("employee_id", "")
        if employee:
            in_file[employee] = None if employee in in_file else row["values"]["email"].lower()
    return {**org.email_of_employee, **in_file}


def _match(values: dict[str, str], email: str, org: _Organisation) -> tuple[str, list[str]]:
    """The email under which Tandem holds this row's person (by employee id, then by email), and any conflict."""
    employee = values.get("employee_id", "")
    by_id = org.email_of_employee.get(employee) if employee else None
    if by_id is None:
        person = org.people.get(email)
        if employee and person and person["employee_id"] and person["employee_id"] != employee:
            return email, [
                gettext("The email %(email)s belongs to someone in Tandem with another employee id (%(id)s).")
                % {"email": _quote(email), "id": _quote(person["employee_id"])}
            ]
        return email, []
    if by_id != email and email in org.people:
        return by_id, [
            gettext("The email %(email)s belongs to another person in Tandem than employee %(id)s.")
            % {"email": _quote(email), "id": _quote(employee)}
        ]
    return by_id, []


def _manager_by_id(values: dict[str, str], employees: dict[str, str | None]) -> list[str]:
    """Puts the manager's email in ``values`` from their employee id (within the file or in Tandem)."""
    if "manager_employee_id" not in values:
        return []
    manager_id = values["manager_employee_id"]
    values["manager_email"] = ""
    if not manager_id:
        return []
    email = employees.get(manager_id)
    if email is None:
        if manager_id in employees:
            return [
                gettext("The manager's employee id %(id)s is on more than one row of the file.")
                % {"id": _quote(manager_id)}
            ]
        return [
            gettext("Unknown manager employee id %(id)s: not in the file and not in Tandem.")
            % {"id": _quote(manager_id)}
        ]
    values["manager_email"] = email
    return []


def _flagged(org: _Organisation, present: set[str]) -> list[tuple[str, str, int]]:
    """(name, email, pk) of the people Tandem holds, not in the file, not yet flagged and not administrators."""
    return sorted(
        (
            (person["display_name"], email, person["pk"])
            for email, person in org.people.items()
            if email not in present
            and person["missing_from_hr_since"] is None
            and not (person["is_staff"] or person["is_superuser"])
        ),
    )
