"""How one batch of the reminder sweep writes its rows (mentoring.services.reminders decides what they are).

On PostgreSQL each kind of row is one set-based statement per batch, ``INSERT ... SELECT`` over arrays passed as
parameters (``unnest``): the reminders with ``ON CONFLICT DO NOTHING RETURNING``, which returns exactly the rows
this statement inserted (of two sweeps at once, only the one whose insert won gets them back, as the sweep's uuid
read back does elsewhere); the digests the same way; who is told and their in-app notifications as plain inserts.
That spares building a model instance and quoting five parameters for each of the ~300,000 rows of a first
sweep over 100,000 pairings (most of its time before). Elsewhere (SQLite: development and the test suite) the
ORM writes the same rows with ``bulk_create``, reading the reminders back by the sweep's uuid.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import connection
from django.db.models import Model

from mentoring.models import Reminder, ReminderDigest, ReminderRecipient
from programmes.models import Notification


def _set_based() -> bool:
    return connection.vendor == "postgresql"


def _array(values: list) -> str:
    """``values`` in PostgreSQL's array input syntax, ``{"a","b",NULL}``: Django's psycopg cursor binds parameters
    on the client, quoting a list element by element (a third of a first sweep's time); one string a column is
    quoted at once. The elements' text forms are what PostgreSQL reads for the column's type (numbers, ISO
    dates and times with their offset, text)."""
    return (
        "{"
        + ",".join(
            "NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values
        )
        + "}"
    )


def _insert(
    model: type[Model],
    columns: dict[str, tuple[str, list]],
    *,
    fixed: dict[str, object] | None = None,
    order_by: str = "",
    ignore_conflicts: bool = False,
    returning: str = "",
) -> list[tuple]:
    """One ``INSERT INTO model (...) SELECT ... FROM unnest(arrays)``: ``columns`` vary per row (name: (SQL type,
    values)), ``fixed`` are the same for all, and every other column gets its field's default, so that a field
    added to the model later is filled as ``bulk_create`` would fill it."""
    fixed = fixed or {}
    names, selected, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in columns:
            continue
        value = fixed[field.column] if field.column in fixed else field.get_default()
        names.append(connection.ops.quote_name(field.column))
        selected.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    aliases = list(columns)
    names += [connection.ops.quote_name(c) for c in aliases]
    selected += [f"r.{c}" for c in aliases]
    arrays = ", ".join(f"%s::{sql_type}[]" for sql_type, _ in columns.values())
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(names)}) "
        f"SELECT {', '.join(selected)} FROM unnest({arrays}) AS r({', '.join(aliases)})"
        + (f" ORDER BY {order_by}" if order_by else "")
        + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
        + (f" RETURNING {returning}" if returning else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(_array(values) for _, values in columns.values())])
        return cursor.fetchall() if returning else []


def reminders_insert(
    rows: list[tuple[int, str, datetime.date]], *, sweep: uuid.UUID, now: datetime.datetime
) -> list[tuple[int, int, str]]:
    """Insert reminders (pairing, kind, due date), ignoring those already recorded; return ``(pk, pairing_id,
    kind)`` of the ones this call inserted, in primary key order. ``rows`` are those of one batch: a range of
    pairing ids, sorted, so that two sweeps inserting the same keys take their locks in the same order."""
    if not rows:
        return []
    if _set_based():
        pairings, kinds, days = (list(column) for column in zip(*rows, strict=True))
        inserted = _insert(
            Reminder,
            {"pairing_id": ("bigint", pairings), "kind": ("varchar", kinds), "due_on": ("date", days)},
            fixed={"sweep": sweep, "created_at": now},
            order_by="r.pairing_id, r.kind",
            ignore_conflicts=True,
            returning="id, pairing_id, kind",
        )
        return sorted(inserted)
    Reminder.objects.bulk_create(
        [Reminder(pairing_id=p, kind=k, due_on=d, sweep=sweep, created_at=now) for p, k, d in rows],
        ignore_conflicts=True,
    )
    # Only the rows this sweep inserted; the batch is a range of pairing ids, found without a list of ids.
    return list(
        Reminder.objects.filter(sweep=sweep, pairing_id__gte=rows[0][0], pairing_id__lte=rows[-1][0])
        .order_by("pk")
        .values_list("pk", "pairing_id", "kind")
    )


def digests_insert(
    wanted: dict[int, datetime.date], *, now: datetime.datetime, next_attempt: dict[datetime.date, datetime.datetime]
) -> dict[int, int]:
    """Insert a digest per person for the day wanted, ignoring those that exist. On PostgreSQL, returns the ones
    this call inserted ({person: pk}; nobody else can see, let alone claim, them before the batch commits);
    elsewhere nothing, and the caller reads them back."""
    if not wanted:
        return {}
    people = sorted(wanted)
    if _set_based():
        inserted = _insert(
            ReminderDigest,
            {
                "person_id": ("bigint", people),
                "day": ("date", [wanted[p] for p in people]),
                "next_attempt_at": ("timestamptz", [next_attempt[wanted[p]] for p in people]),
            },
            fixed={"created_at": now},
            order_by="r.person_id",
            ignore_conflicts=True,
            returning="person_id, id",
        )
        return dict(inserted)
    ReminderDigest.objects.bulk_create(
        [
            ReminderDigest(person_id=p, day=wanted[p], next_attempt_at=next_attempt[wanted[p]], created_at=now)
            for p in people
        ],
        ignore_conflicts=True,
    )
    return {}


def recipients_insert(rows: list[tuple[int, int, int | None]]) -> None:
    """Who is told of each reminder: (reminder, person, their digest or None for in-app only)."""
    if not rows:
        return
    if _set_based():
        reminders, people, digests = (list(column) for column in zip(*rows, strict=True))
        _insert(
            ReminderRecipient,
            {"reminder_id": ("bigint", reminders), "person_id": ("bigint", people), "digest_id": ("bigint", digests)},
        )
        return
    ReminderRecipient.objects.bulk_create(
        [ReminderRecipient(reminder_id=r, person_id=p, digest_id=d) for r, p, d in rows]
    )


def notifications_insert(rows: list[tuple[int, str, str]], *, now: datetime.datetime) -> None:
    """In-app notifications (person, text, link), unread, made ``now``."""
    if not rows:
        return
    if _set_based():
        people, texts, urls = (list(column) for column in zip(*rows, strict=True))
        _insert(
            Notification,
            {"person_id": ("bigint", people), "text": ("varchar", texts), "url": ("varchar", urls)},
            fixed={"created_at": now},
        )
        return
    Notification.objects.bulk_create(
        [Notification(person_id=p, text=text, url=url, created_at=now) for p, text, url in rows]
    )
