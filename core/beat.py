"""Beat's scheduler: its state in the database, no file, one heartbeat row (CELERY_BEAT_SCHEDULER points here).

Celery's default scheduler keeps its last-run times in a shelve file (var/celerybeat-schedule): beat exited at
start-up when that folder was missing (a fresh checkout with REDIS_URL set: the worker ran and no reminder was
ever sent), and two beats in one folder fought over the one file. This scheduler keeps, per schedule entry, the
last slot sent (core.models.BeatEntry) in the database every process already shares, so:

- beat starts wherever it runs, with nothing to write on disk;
- each entry is sent once per slot of its schedule (core.scheduled: interval slots counted from the epoch, so
  every beat agrees on them; crontab slots are the scheduled times), claimed by a conditional UPDATE: when two
  beats run, whichever claims a slot first sends it, and the other logs that it was already sent. The task's own
  run key (core.scheduled.once_per_slot) is the second guard, for messages from any other scheduler;
- a new entry first runs at its next slot (as Celery's own scheduler does), a beat that was down sends each
  entry it missed once when it comes back (each task sweeps what is due up to now, so one catch-up is enough);
- each tick rewrites one heartbeat row (core.models.BeatHeartbeat) that /healthz reads, so a beat that never
  started or stopped ticking shows there without a worker.

A database error in a tick (PostgreSQL restarting) is logged and the tick tried again shortly; beat stays up.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import time
from typing import Any

from celery.beat import Scheduler
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from .models import BeatEntry, BeatHeartbeat
from .scheduled import SLOT_HEADER, slot_current, slot_next

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 15.0  # seconds between heartbeat writes; /healthz calls beat silent after 3 minutes
RETRY_AFTER_ERROR = 5.0


def beat_heartbeat_write(*, node: str = "", at: datetime.datetime | None = None) -> None:
    """Record that beat is alive (one row, rewritten: an upsert, so two beats starting together both succeed)."""
    BeatHeartbeat.objects.bulk_create(
        [BeatHeartbeat(pk=1, ticked_at=at or timezone.now(), node=node[:200])],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["ticked_at", "node"],
    )


def beat_last_tick() -> datetime.datetime | None:
    return BeatHeartbeat.objects.filter(pk=1).values_list("ticked_at", flat=True).first()


class DatabaseScheduler(Scheduler):
    """Sends each entry of CELERY_BEAT_SCHEDULE once per slot, its state in the database (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.node = f"{socket.gethostname()}:{os.getpid()}"
        self._last_slot: dict[str, datetime.datetime] = {}
        self._heartbeat_at = 0.0
        # Celery's beat passes schedule_filename (the --schedule option): there is no file, so it is ignored.
        kwargs.pop("schedule_filename", None)
        super().__init__(*args, **kwargs)

    def setup_schedule(self) -> None:
        self.merge_inplace(self.app.conf.beat_schedule)

    @property
    def info(self) -> str:
        return "    . db -> core.BeatEntry (no schedule file)"

    # --- One tick -----------------------------------------------------------------------------------------

    def tick(self, *args: Any, **kwargs: Any) -> float:
        """Send what is due, write the heartbeat; return how long beat may sleep."""
        try:
            self._fresh_connection()
            now = timezone.now()
            self._heartbeat()
            wake = now + datetime.timedelta(seconds=self.max_interval)
            for entry in list(self.schedule.values()):
                slot = slot_current(schedule=entry.schedule, now=now)
                if slot is None:
                    continue
                if self._due(entry.name, slot):
                    self._send(entry, slot, now)
                wake = min(wake, slot_next(schedule=entry.schedule, slot=slot))
            return max(0.05, min((wake - timezone.now()).total_seconds(), self.max_interval))
        except DatabaseError:
            logger.exception("beat: the database did not answer; trying again in %s s", RETRY_AFTER_ERROR)
            self._fresh_connection()
            return RETRY_AFTER_ERROR

    def _fresh_connection(self) -> None:
        # A connection PostgreSQL dropped while beat slept (a restart, an idle timeout) is opened again, as Django
        # does around each web request. Never inside a transaction (a test's): there is none in beat.
        if not connection.in_atomic_block:
            close_old_connections()

    def _heartbeat(self) -> None:
        if time.monotonic() - self._heartbeat_at < HEARTBEAT_EVERY:
            return
        beat_heartbeat_write(node=self.node)
        self._heartbeat_at = time.monotonic()

    def _due(self, name: str, slot: datetime.datetime) -> bool:
        last = self._last_slot.get(name)
        if last is None:
            # First sight of the entry in this process: its row, made at the current slot when there is none
            # (a new entry waits for its next slot; another beat may have made it a moment ago).
            BeatEntry.objects.bulk_create([BeatEntry(name=name, last_slot=slot)], ignore_conflicts=True)
            last = BeatEntry.objects.get(name=name).last_slot
            self._last_slot[name] = last
        return slot > last

    def _send(self, entry: Any, slot: datetime.datetime, now: datetime.datetime) -> None:
        previous = self._last_slot[entry.name]
        claimed = BeatEntry.objects.filter(name=entry.name, last_slot__lt=slot).update(
            last_slot=slot, sent_at=now, sent_by=self.node
        )
        if not claimed:
            self._last_slot[entry.name] = BeatEntry.objects.get(name=entry.name).last_slot
            logger.info("beat: %s for slot %s was already sent by another beat", entry.name, slot.isoformat())
            return
        self._last_slot[entry.name] = slot
        logger.info("beat: sending %s (%s) for slot %s", entry.name, entry.task, slot.isoformat())
        options = dict(entry.options)
        options["headers"] = {**options.get("headers", {}), "celery_beat_task": True, SLOT_HEADER: slot.isoformat()}
        try:
            self._publish(entry, options)
        except Exception:  # the broker refused it: logged, and beat stays up for the next tick
            # Not sent: give the slot back, so the next tick (of this beat or another) tries again.
            logger.exception("beat: could not send %s for slot %s", entry.name, slot.isoformat())
            BeatEntry.objects.filter(name=entry.name, last_slot=slot, sent_by=self.node).update(last_slot=previous)
            self._last_slot[entry.name] = previous

    def _publish(self, entry: Any, options: dict[str, Any]) -> None:
        task = self.app.tasks.get(entry.task)
        if task is not None:
            task.apply_async(entry.args, entry.kwargs, producer=self.producer, **options)
        else:
            self.app.send_task(entry.task, entry.args, entry.kwargs, producer=self.producer, **options)

    def sync(self) -> None:
        pass  # every change is written when it is made
