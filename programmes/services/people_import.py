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
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from ..models import PeopleImport, PeopleImportMapping, Person
from .leavers import leavers_applications_withdraw, people_leave, people_moved, person_reactivate
from .people_import_checks import _evaluate, _Organisation, _Plan, _Reading
from .people_import_file import _decode, _read_raw, _read_table
from .people_import_mapping import mapping_errors, mapping_rows
from .people_import_teams import _teams_create
from .teams import person_units_record, person_units_start

MAX_BYTES = 5 * 1024 * 1024
BATCH = 500  # rows per bulk statement: well under SQLite's limit on query parameters

KEEP_PREVIEWS = datetime.timedelta(days=7)


def people_imports_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete previews and discarded imports older than ``KEEP_PREVIEWS``: their rows are names and emails
    that nobody applied. Applied imports stay, as the record of what changed."""
    cutoff = (now or timezone.now()) - KEEP_PREVIEWS
    kept = [PeopleImport.Status.APPLIED, PeopleImport.Status.APPLYING]
    # A nightly run waiting for an administrator keeps its preview until they decide.
    stale = PeopleImport.objects.filter(created_at__lt=cutoff).exclude(status__in=kept).exclude(sync_runs__is_open=True)
    deleted, _ = stale.delete()
    return deleted


def _read_upload(upload: UploadedFile) -> str:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            gettext("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": number_format(upload.size / 1024 / 1024, decimal_pos=1), "limit": MAX_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            gettext("The file is larger than %(limit)s MB, the limit.") % {"limit": MAX_BYTES // 1024 // 1024}
        )
    return _decode(data)


def _filename(name: str | None) -> str:
    return os.path.basename(name or "people.csv")[:255] or "people.csv"


def people_import_parse(*, upload: UploadedFile, by: Person) -> PeopleImport:
    """Read an uploaded CSV once, by the standard headings, and keep it as a preview: each row with its outcome
    and, if bad, why.

    Problems with the file itself (too big, too many rows, not UTF-8, binary, empty, no header, a required
    column missing) raise ``ValidationError`` and save nothing. Bad rows do not: the preview lists them.
    """
    text = _read_upload(upload)
    columns, ignored, raw_rows = _read_table(text)
    people_import = PeopleImport(uploaded_by=by, filename=_filename(upload.name), source=text)
    return _preview_save(people_import, columns, ignored, raw_rows, by)


def _preview_save(
    people_import: PeopleImport, columns: list[str], ignored: list[str], raw_rows: list[dict[str, Any]], by: Any
) -> PeopleImport:
    rows, summary, _ = _evaluate(columns, raw_rows, _Organisation.load(), by, _Reading.of(people_import.mapping))
    people_import.rows = rows
    people_import.summary = {**summary, "ignored_columns": ignored}
    people_import.status = PeopleImport.Status.PREVIEW
    people_import.full_clean()
    people_import.save()
    people_imports_purge()  # at each upload too, so that a missed periodic task does not keep them longer
    return people_import


def people_import_upload(*, upload: UploadedFile, by: Person, purpose: str = "upload") -> PeopleImport:
    """An upload from the page: straight to the preview when the remembered mapping fits the file's header (or,
    without one, the standard headings read it whole); otherwise kept for its columns to be mapped (status
    "mapping"). ``purpose`` "sync" is an administrator's sample for the nightly file: always mapped.
    Problems with the file itself raise ``ValidationError`` and save nothing."""
    text = _read_upload(upload)
    header, raw_rows = _read_raw(text, need_rows=False)
    if not raw_rows:
        _read_table(text)  # raises its own message: no header line, or no people under it
    people_import = PeopleImport(
        uploaded_by=by, filename=_filename(upload.name), source=text, status=PeopleImport.Status.MAPPING
    )
    if purpose == PeopleImportMapping.Purpose.SYNC:
        people_import.mapping = {"purpose": purpose}
        people_import.save()
        return people_import
    remembered = PeopleImportMapping.objects.filter(purpose=purpose).first()
    if remembered is not None and not mapping_errors(remembered, header):
        people_import.mapping = mapping_as_dict(remembered)
        columns, ignored, rows = mapping_rows(header, raw_rows, remembered.columns)
        return _preview_save(people_import, columns, ignored, rows, by)
    try:
        columns, ignored, rows = _read_table(text)
    except ValidationError:
        people_import.save()  # the header needs a mapping: the mapping screen shows it
        return people_import
    return _preview_save(people_import, columns, ignored, rows, by)


def mapping_as_dict(mapping: PeopleImportMapping) -> dict[str, Any]:
    return {
        "columns": {k: v for k, v in mapping.columns.items() if v},
        "status_active": list(mapping.status_active),
        "status_left": list(mapping.status_left),
        "date_format": mapping.date_format,
        "create_teams": mapping.create_teams,
        "purpose": mapping.purpose,
    }


def people_import_map(
    *, people_import: PeopleImport, mapping: PeopleImportMapping, by: Person, remember: bool = True
) -> PeopleImport:
    """Read an uploaded file again through ``mapping`` (unsaved fields from the mapping screen) and make its
    preview; the mapping is remembered for the next file of its purpose. A mapping that does not fit the file
    raises ``ValidationError`` with every reason, and nothing is saved."""
    if people_import.status not in (PeopleImport.Status.MAPPING, PeopleImport.Status.PREVIEW):
        raise ValidationError(gettext("This import is applied or discarded; upload the file again to map its columns."))
    if not people_import.source:
        raise ValidationError(gettext("This import no longer holds its file; upload it again."))
    _not_a_run(people_import)  # a waiting run's preview is what the administrator confirms: it does not change
    header, raw_rows = _read_raw(people_import.source)
    errors = mapping_errors(mapping, header)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if remember:
            saved, _ = PeopleImportMapping.objects.get_or_create(purpose=mapping.purpose)
            for name in ("columns", "status_active", "status_left", "date_format", "create_teams"):
                setattr(saved, name, getattr(mapping, name))
            saved.updated_by, saved.updated_at = by, timezone.now()
            saved.full_clean()
            saved.save()
        people_import.mapping = mapping_as_dict(mapping)
        columns, ignored, rows = mapping_rows(header, raw_rows, mapping.columns)
        return _preview_save(people_import, columns, ignored, rows, by)


def people_import_text(*, text: str, filename: str, mapping: PeopleImportMapping) -> PeopleImport:
    """A file the server read (the nightly HR file) as a preview through ``mapping``, checked as the system (no
    uploader's limits). Problems with the file or the mapping raise ``ValidationError``; nothing is saved."""
    header, raw_rows = _read_raw(text)
    errors = mapping_errors(mapping, header)
    if errors:
        raise ValidationError(errors)
    people_import = PeopleImport(uploaded_by=None, filename=filename[:255], source=text)
    people_import.mapping = mapping_as_dict(mapping)
    columns, ignored, rows = mapping_rows(header, raw_rows, mapping.columns)
    return _preview_save(people_import, columns, ignored, rows, None)


def _applicable(people_import: PeopleImport, *, applying_too: bool = True) -> None:
    Status = PeopleImport.Status  # noqa: N806
    if people_import.status == Status.APPLIED:
        raise ValidationError(gettext("This import has already been applied; a preview can be applied once."))
    if people_import.status == Status.DISCARDED:
        raise ValidationError(gettext("This import was discarded. Upload the file again to import it."))
    if people_import.status == Status.FAILED:
        raise ValidationError(gettext("Applying this import failed and changed nothing. Upload the file again."))
    if people_import.status == Status.MAPPING:
        raise ValidationError(gettext("Map the file's columns first; then check the preview and apply it."))
    if people_import.status == Status.APPLYING and not applying_too:
        raise ValidationError(gettext("This import is being applied; wait for it to finish."))


def _lock(people_import: PeopleImport, *, applying_too: bool = True) -> PeopleImport:
    locked = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    _applicable(locked, applying_too=applying_too)
    return locked


@dataclass
class _Prepared:
    """An import checked and made ready to write: everything slow is done before the writing transaction."""

    org: _Organisation
    plan: _Plan
    new_people: list[Person]
    updates: dict[tuple[str, ...], list[list[Any]]]  # columns changed -> [values in the database's form + pk]
    password: str  # the hash every new person gets (see below); "" when nobody is created


def _prepare(people_import: PeopleImport, by: Person | None, *, password: str = "", progress: Any = None) -> _Prepared:
    """Check the file again against the database as it is now, and build the rows to write.

    Raises ``ValidationError`` (nothing written) when any row has an error, or the outcome would differ from
    what the preview showed.
    """
    columns = people_import.summary.get("columns", [])
    raw_rows = [{"line": row["line"], "values": row["values"]} for row in people_import.rows]
    if not raw_rows:
        raise ValidationError(gettext("This import has no people in it."))
    org = _Organisation.load()
    rows, summary, plan = _evaluate(columns, raw_rows, org, by, _Reading.of(people_import.mapping), progress)
    if people_import.summary.get("error"):
        raise ValidationError(
            gettext("%(count)s row(s) have errors, so nothing was imported. Fix them in the file and upload it again.")
            % {"count": people_import.summary["error"]}
        )
    if summary["error"]:
        raise ValidationError(
            gettext(
                "People or teams in Tandem changed since this preview and %(count)s row(s) no longer fit "
                "(for example a manager or a team that is gone). Nothing was imported; upload the file again."
            )
            % {"count": summary["error"]}
        )
    expected = {**summary, "ignored_columns": people_import.summary.get("ignored_columns")}
    if rows != people_import.rows or expected != people_import.summary:
        raise ValidationError(
            gettext(
                "People in Tandem changed since this preview, so it no longer shows what applying would do. Nothing "
                "was imported; upload the file again for a fresh preview."
            )
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
        # Leaving and coming back go through the leavers service (people_leave, person_reactivate), not here.
        fields = {name: value for name, value in fields.items() if name != "is_active"}
        if not fields:
            continue
        person = people[pk]
        for name, value in fields.items():
            setattr(person, name, value)
        person.clean_fields(exclude=["password", "line_manager"])
        model_fields = sorted(Person._meta.get_field(name) for name in fields)
        updates.setdefault(tuple(f.column for f in model_fields), []).append(
            [f.get_db_prep_save(getattr(person, f.attname), connection) for f in model_fields] + [pk]
        )
    return _Prepared(org, plan, new_people, updates, password)


def people_import_apply(*, people_import: PeopleImport, by: Person | None, progress: Any = None) -> PeopleImport:
    """Apply a preview all or nothing: create, update, set line managers, flag who left the file (and withdraw
    their open applications, telling the coordinators).

    The file is checked again against the database as it is now; if any row has an error, or the outcome
    would differ from what the preview showed, nothing is written and a ``ValidationError`` says why.

    The checking (thousands of rows) and the password hashing run outside any transaction: on SQLite a
    transaction holds the whole database's write lock, and everyone else's saves would wait for all of it. The
    writes run in one short transaction (``_import_write``), which checks again that nothing changed meanwhile.
    ``by`` None is the nightly HR file (no uploader's limits); ``progress(rows checked)`` follows the checking.
    """
    now = timezone.now()  # when it was asked for: the time people are flagged and the import is applied
    current = PeopleImport.objects.get(pk=people_import.pk)
    _applicable(current)
    prepared = _prepare(current, by, progress=progress)
    return _import_write(people_import=current, by=by, prepared=prepared, now=now)


@transaction.atomic
def _import_write(
    *, people_import: PeopleImport, by: Person | None, prepared: _Prepared, now: datetime.datetime
) -> PeopleImport:
    locked = _lock(people_import)
    if _Organisation.load() != prepared.org:
        # Someone changed people or teams while the file was checked: check it again, now under the lock (rare).
        prepared = _prepare(locked, by, password=prepared.password)
    org, plan = prepared.org, prepared.plan
    # New teams first (the mapping's option), so that people are placed in them as they are written.
    unit_of = _teams_create(plan.new_teams, org)
    placed = {email: unit_of[key] for email, key in plan.placements.items()}
    for person in prepared.new_people:
        person.org_unit_id = placed.get(person.email, person.org_unit_id)
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
    created = {values["email"] for values in plan.creates}
    # People already in Tandem whose team is new: pk -> (their team before, the new one).
    new_team_moves = {
        pk_of[email]: (org.people[org.email_of[pk_of[email]]]["org_unit_id"], unit)
        for email, unit in placed.items()
        if email not in created
    }
    for unit in set(placed.values()):
        Person.objects.filter(pk__in=[pk for pk, (_, new) in new_team_moves.items() if new == unit]).update(
            org_unit_id=unit
        )
    # The team history: new people in their team from the start, moves dated today.
    person_units_start(
        units=[
            (pk_of[values["email"]], placed.get(values["email"], values.get("org_unit_id"))) for values in plan.creates
        ]
    )
    moves = {
        pk: (org.people[org.email_of[pk]]["org_unit_id"], fields["org_unit_id"])
        for pk, fields in plan.updates.items()
        if "org_unit_id" in fields
    }
    person_units_record(moves={**moves, **new_team_moves}, on=timezone.localdate(now))
    reports: dict[int | None, list[int]] = {}
    for email, manager in plan.managers.items():
        target = pk_of[manager] if manager else None
        current = org.people[email]["line_manager_id"] if email in org.people else None
        if target != current:
            reports.setdefault(target, []).append(pk_of[email])
    for manager_pk, pks in reports.items():
        for start in range(0, len(pks), BATCH):
            Person.objects.filter(pk__in=pks[start : start + BATCH]).update(line_manager_id=manager_pk)
    moved = [pk for pks in reports.values() for pk in pks]
    moved += [*moves, *new_team_moves]
    if moved:
        # After commit: a pairing that now breaks a hard rule raises an alert; the people are already moved.
        transaction.on_commit(lambda: people_moved(person_ids=sorted(set(moved)), by=by, source="hr_file"))

    for start in range(0, len(plan.flag), BATCH):
        Person.objects.filter(
            pk__in=plan.flag[start : start + BATCH], missing_from_hr_since__isnull=True, is_staff=False
        ).update(missing_from_hr_since=now)
    # Who left the file is never matched again; their open applications are withdrawn, coordinators told.
    leavers_applications_withdraw(person_ids=plan.flag, why=gettext_lazy("no longer in the HR file"))
    # Those whose status in the file says they have left leave through the leavers service (deactivated, their
    # open applications withdrawn, coordinators told); those who had left and are active again come back.
    people_leave(person_ids=plan.leave, by=by, source="hr_file", why=gettext_lazy("the HR file says they have left"))
    for person in Person.objects.filter(pk__in=plan.come_back):
        person_reactivate(person=person, by=by, source="hr_file")

    locked.status = PeopleImport.Status.APPLIED
    locked.applied_at = now
    locked.source = ""  # the file's text was kept to map its columns again; applied, only the rows stay
    locked.progress_done = locked.progress_total
    locked.full_clean()
    locked.save(update_fields=["status", "applied_at", "source", "progress_done"])
    return locked


@transaction.atomic
def people_import_discard(*, people_import: PeopleImport, by: Person | None, by_run: bool = False) -> PeopleImport:
    """Set a preview aside; nothing in it is applied. An applied import cannot be discarded, nor one being applied,
    nor a nightly run's preview but by its run (``by_run``)."""
    locked = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    if not by_run:
        _not_a_run(locked)
    if locked.status != PeopleImport.Status.MAPPING:
        _applicable(locked, applying_too=False)
    locked.status = PeopleImport.Status.DISCARDED
    locked.source = ""
    locked.full_clean()
    locked.save(update_fields=["status", "source"])
    return locked


# --- Applying in a Celery task, with progress -----------------------------------------------------------------


@transaction.atomic
def people_import_apply_queue(*, people_import: PeopleImport, by: Person) -> PeopleImport:
    """Ask for a preview to be applied: it is marked "applying" and a Celery task applies it after commit, telling
    its progress in the row (the page's bar). A preview with errors is refused here, before any task."""
    from ..tasks import apply_people_import

    locked = _lock(people_import, applying_too=False)
    _not_a_run(locked)
    if locked.summary.get("error"):
        raise ValidationError(
            gettext("%(count)s row(s) have errors, so nothing was imported. Fix them in the file and upload it again.")
            % {"count": locked.summary["error"]}
        )
    locked.status = PeopleImport.Status.APPLYING
    locked.progress_done, locked.progress_total = 0, len(locked.rows)
    locked.save(update_fields=["status", "progress_done", "progress_total"])
    transaction.on_commit(lambda: apply_people_import.delay(locked.pk, by.pk))
    return locked


def _not_a_run(people_import: PeopleImport) -> None:
    if people_import.sync_runs.exists():
        raise ValidationError(
            gettext(
                "This preview is a run of the nightly HR file: an administrator confirms or discards it "
                "on the run's page."
            )
        )


def _progress_save(people_import_id: int, done: int) -> None:
    """Each batch of rows checked, saved at once (outside the writing transaction) for the page to poll."""
    PeopleImport.objects.filter(pk=people_import_id, status=PeopleImport.Status.APPLYING).update(progress_done=done)


def people_import_apply_task(*, people_import_id: int, by_id: int | None) -> PeopleImport | None:
    """The task's work: apply an import marked "applying"; anything else (applied already by an earlier delivery
    of the task, discarded) is left alone. A refusal marks it failed with the reason, and changes nothing."""
    people_import = PeopleImport.objects.filter(pk=people_import_id, status=PeopleImport.Status.APPLYING).first()
    if people_import is None:
        return None
    by = Person.objects.filter(pk=by_id).first() if by_id else None
    try:
        return people_import_apply(
            people_import=people_import, by=by, progress=lambda done: _progress_save(people_import.pk, done)
        )
    except ValidationError as exc:
        _failed(people_import.pk, " ".join(exc.messages))
        return None
    except Exception:
        # The writing transaction rolled back: say so on the page rather than leave the bar waiting for ever.
        _failed(
            people_import.pk,
            gettext("Applying stopped on an unexpected error. Try again, or tell whoever runs Tandem."),
        )
        raise


def _failed(people_import_id: int, why: str) -> None:
    PeopleImport.objects.filter(pk=people_import_id, status=PeopleImport.Status.APPLYING).update(
        status=PeopleImport.Status.FAILED, failure=why
    )
