"""A draft report's figures, worked out again only when something they read has changed (PostgreSQL).

A draft's page and exports show live figures: what ``report_snapshot`` gives now. Working them out reads the
whole programme's history (about 0.6 s at 10,000 pairings); a coordinator writing the narrative opens the page
again and again while nothing has changed. So the figures are kept (``DraftFigures``) with the database
snapshot they were read in, and shown again while no transaction that wrote to a table they read has committed
since that snapshot. Which transactions wrote is logged by the database itself (``FiguresChange``, written by
the triggers of migration ``evaluation/0008``), so no write path can forget to say so.

Why this is exact, not "recent enough":
- The snapshot is taken by the first statement, before any figure is read. A transaction that commits while
  the figures are being read may be seen by some of their reads: it is not visible in the stored snapshot, so
  the next view works them out again. A transaction that committed before is seen by every read.
- A change that has not committed yet is not seen by the figures, nor by the check: once it commits, it is.
- Figures read by a transaction that has written something itself (a test, or a request that writes before it
  reads) are not kept: they include what may still be rolled back.
- The day (figures of an unfinished period depend on it) and the code and settings that work them out are
  part of the key, and a database restored into another server (whose transaction ids started lower) keeps
  nothing.

On SQLite (one machine, small programmes) there are no triggers: every view works the figures out.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from ..models import DraftFigures, FiguresChange, Report

KEEP_CHANGES = datetime.timedelta(days=2)  # a stored figure older than today is never shown, so two days is ample
OWN = ("title", "narrative")  # read from the report on every view: editing them changes no figure
_KEPT = ["content", "code", "computed_on", "computed_at", "db_snapshot"]

# The stored figures and whether anything they read has changed since, with the snapshot a fresh reading would
# be taken in and whether this transaction has written anything: one statement.
_READ = """
SELECT d.content, d.code, d.computed_on,
       EXISTS (
           SELECT 1 FROM evaluation_figureschange c
           WHERE c.programme_id IN (0, %(programme)s)
             AND c.xact >= pg_snapshot_xmin(d.db_snapshot::pg_snapshot)::text::bigint
             AND NOT pg_visible_in_snapshot(c.xact::text::xid8, d.db_snapshot::pg_snapshot)
       )
       -- a database restored into another server counts transactions from elsewhere: nothing kept holds there
       OR pg_snapshot_xmax(pg_current_snapshot()) < pg_snapshot_xmax(d.db_snapshot::pg_snapshot),
       pg_current_snapshot()::text,
       pg_current_xact_id_if_assigned() IS NOT NULL
FROM (SELECT 1) AS one LEFT JOIN evaluation_draftfigures d ON d.report_id = %(report)s
"""


@cache
def _code() -> str:
    """What works the figures out, hashed: the code of the apps they come from (a new release may count
    differently; tests and migrations aside) and the settings they read."""
    root = Path(__file__).resolve().parent.parent.parent
    digest = hashlib.sha256()
    for app in ("core", "programmes", "mentoring", "evaluation"):
        for path in sorted((root / app).rglob("*.py")):
            if not {"tests", "migrations"} & set(path.relative_to(root).parts):
                digest.update(path.read_bytes())
    read = ("TANDEM_MIN_GROUP_SIZE", "TANDEM_REMINDER_DAYS_BEFORE", "TIME_ZONE", "LANGUAGE_CODE")
    digest.update(repr([getattr(settings, name, None) for name in read]).encode())
    return digest.hexdigest()


def _plain(content: dict[str, Any]) -> dict[str, Any]:
    """As stored and as read back: JSON values only, so that a kept draft and a fresh one read the same."""
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder))


def kept_figures_check() -> int:
    """The queries a draft's view spends on kept figures beyond working them out: 1 on PostgreSQL (the check,
    which found nothing to show), 0 on SQLite."""
    return int(connection.vendor == "postgresql")


def draft_figures_read(*, report: Report, compute: Callable[[Report], dict[str, Any]]) -> dict[str, Any]:
    """``compute(report)`` (the report's snapshot as it would freeze now), or the same figures kept from an
    earlier view when nothing they read has changed since. Queries: one when kept; otherwise one, what
    ``compute`` runs, and one to keep them (none inside a transaction that has written)."""
    if connection.vendor != "postgresql":
        return _plain(compute(report))
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(_READ, {"programme": report.programme_id, "report": report.pk})
        content, code, computed_on, changed, db_snapshot, wrote = cursor.fetchone()
    if content is not None and changed is False and code == _code() and computed_on == today:
        if isinstance(content, str):  # a driver that hands jsonb over as text
            content = json.loads(content)
        return {**content, **{key: getattr(report, key) for key in OWN}}
    fresh = _plain(compute(report))
    if not wrote:
        kept = DraftFigures(
            report=report,
            content={key: value for key, value in fresh.items() if key not in OWN},
            code=_code(),
            computed_on=today,
            computed_at=timezone.now(),
            db_snapshot=db_snapshot,
        )
        # One statement, and two views working the figures out at once both keep theirs (either is right).
        DraftFigures.objects.bulk_create([kept], update_conflicts=True, unique_fields=["report"], update_fields=_KEPT)
    return fresh


def figure_changes_purge(*, now: datetime.datetime | None = None) -> int:
    """Forget changes older than two days, and figures kept from before yesterday (never shown again: a kept
    figure is shown only on the day it was worked out). Returns how many change rows went."""
    now = now or timezone.now()
    DraftFigures.objects.filter(computed_on__lt=timezone.localdate(now) - datetime.timedelta(days=1)).delete()
    deleted, _ = FiguresChange.objects.filter(at__lt=now - KEEP_CHANGES).delete()
    return deleted
