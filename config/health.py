"""GET /healthz: can this process reach its database and its Celery broker, is its database migrated, are reminder
emails getting through, and is beat ticking?"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.beat import beat_last_tick
from mentoring.services.reminder_emails import reminder_mail_health

logger = logging.getLogger(__name__)


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the reason goes to the log, not to the caller
        logger.exception("health check: database unreachable")
        return False


def check_mail() -> str:
    # Reminder emails getting through (mentoring.services.reminder_emails.reminder_mail_health has the rule).
    try:
        return reminder_mail_health()
    except Exception:
        logger.exception("health check: the reminder outbox could not be read")
        return "unknown"  # e.g. not migrated yet: the migrations part says so; this one cannot tell


def check_broker() -> bool:
    if settings.REDIS_URL:
        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except Exception:
            logger.exception("health check: Redis unreachable")
            return False
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    folders = [options["data_folder_in"], options["data_folder_out"], options["control_folder"]]
    healthy = all(os.path.isdir(f) and os.access(f, os.R_OK | os.W_OK) for f in folders)
    if not healthy:
        logger.error("health check: broker folders missing or not writable: %s", folders)
    return healthy


# Set once this process has seen every migration applied. Migrations only change with a new release, and a new
# release restarts every process, so a process that saw them all applied need not look again: every later poll
# costs nothing here (the first reads the migration files and the django_migrations table, two queries).
_migrations_seen_applied = False


def check_migrations() -> str:
    """ "ok", or "pending" while the code has migrations the database has not had (a new release before `migrate`
    ran, or an empty database), or "unknown" when the database cannot tell."""
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return "ok"
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # the database part says why; this one cannot tell
        logger.exception("health check: could not read the applied migrations")
        return "unknown"
    if pending:
        # A warning: expected for the minutes between a release's new nodes starting and `migrate` finishing.
        logger.warning("health check: %d migrations not applied yet (run `manage.py migrate`)", len(pending))
        return "pending"
    _migrations_seen_applied = True
    return "ok"


# Beat rewrites its heartbeat at least every minute (CELERY_BEAT_MAX_LOOP_INTERVAL, core.beat.HEARTBEAT_EVERY);
# three missed minutes mean it stopped, or hangs. `make run` starts web a few seconds before beat's first tick:
# "silent" for those seconds is the truth.
BEAT_SILENT_AFTER = datetime.timedelta(minutes=3)


def check_beat() -> str:
    """ "ok" when beat ticked lately; "silent" when it stopped; "never started" when it never ticked here."""
    try:
        last = beat_last_tick()
    except DatabaseError:
        logger.exception("health check: beat's heartbeat unreadable")
        return "unknown"
    if last is None:
        logger.error("health check: beat never started (no heartbeat)")
        return "never started"
    if timezone.now() - last > BEAT_SILENT_AFTER:
        logger.error("health check: beat silent since %s", last.isoformat())
        return "silent"
    return "ok"


# Each part of the answer: its name, and a check that returns "ok" or a word saying what is wrong. Any part not
# "ok" makes the answer 503, so a load balancer or process manager sees trouble in any of them.
CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("database", lambda: "ok" if check_database() else "unreachable"),
    ("broker", lambda: "ok" if check_broker() else "unreachable"),
    ("migrations", check_migrations),
    ("mail", check_mail),
    ("beat", check_beat),
]


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    parts = {name: check() for name, check in CHECKS}
    status = 200 if all(v == "ok" for v in parts.values()) else 503
    return JsonResponse(parts, status=status)
