"""People import: an HR system's CSV is parsed once into a preview, then applied in one transaction.

The file is the source of truth for the columns it has: a column that is present overwrites the field (an
empty cell clears it, and the preview says "cleared"), a column that is absent leaves the field alone. A row
with fewer cells than the header (a cut-off line, cells lost in an export) is an error, never a reason to
clear what the missing cells would have said; so is a row with more non-empty cells than the header (a comma
inside an unquoted name shifts every cell after it). A ``status`` column deactivates people whose status says
they have left (Terminated, Inactive, Leaver...) and does not create them. People in Tandem who are not in the
file are flagged with ``missing_from_hr_since``, never deleted; administrators are never flagged.

Stored previews (and discarded imports) hold names and emails: they are deleted after ``KEEP_PREVIEWS``.

The services are here; reading the file is in ``people_import_file``, checking its rows against the organisation
in ``people_import_checks``.
"""

from __future__ import annotations

import datetime
import os
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from ..models import PeopleImport, Person
from .leavers import leavers_applications_withdraw, people_leave, people_moved
from .people_import_checks import _evaluate, _Organisation, _Plan
from .people_import_file import _decode, _read_table
from .teams import person_units_record, person_units_start

MAX_BYTES = 5 * 1024 * 1024
BATCH = 500  # rows per bulk statement: well under SQLite's limit on query parameters

KEEP_PREVIEWS = datetime.timedelta(days=7)


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
    # The team history: new people in their team from the start, moves dated today.
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
    # Those whose status in the file says they have left leave as from every source (programmes.services.leavers).
    deactivated = [pk for pk, fields in plan.updates.items() if fields.get("is_active") is False]
    people_leave(person_ids=deactivated, by=by, source="hr_file", why="the HR file says they have left")
    # A new team or line manager may put a pairing in breach of a hard rule: the coordinators are alerted.
    moved = [pk for pk, fields in plan.updates.items() if "org_unit_id" in fields]
    people_moved(person_ids=[*moved, *(pk for pks in reports.values() for pk in pks)], by=by, source="hr_file")

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
