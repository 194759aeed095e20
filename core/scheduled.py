"""Exactly one beat's worth of scheduled work: the slot a run belongs to, and the run key taken before the work.

Every task in CELERY_BEAT_SCHEDULE is decorated with ``@once_per_slot`` (under ``@shared_task``). A run first
inserts a ``ScheduledRun`` row keyed on (task name, slot), ignoring a conflict; a run that finds the row already
taken by another message does nothing and says so in its log and result. So a second beat started by mistake
(two ``make run`` in one folder, two beat nodes, an old release's beat still running during a deploy) never
doubles scheduled work, whichever task it is, even where the task itself would not be idempotent.

The slot is the period of the schedule a run belongs to: for an interval, the time floored to the interval
(counted from the Unix epoch, so every beat agrees on the boundaries); for a crontab, the scheduled time itself.

Where the slot comes from, in this order:
1. The message's ``tandem_slot`` header, set by Tandem's scheduler (core.beat.DatabaseScheduler) from the slot
   it decided was due. Only the scheduler knows which scheduled time it is sending for: a task computing it when
   it starts would put one tick in two slots when the queue is slow (a 15-minute sweep queued at 12:14:59 and
   started at 12:15:02 lands in the next slot, beside the next tick's run) or two ticks in one.
2. Without it, a message from another scheduler (Celery marks every beat message ``celery_beat_task``: an old
   release's beat with its shelve file, a beat started with ``-S``): the slot is computed here when the task
   starts, from the task's schedule in settings. Good enough to keep two beats from doubling work.
3. Neither (a person's ``.delay()``, a management command, a test calling the task): a run asked for on purpose,
   not a tick; it runs without a key.

A message delivered again after its worker died (acks_late) carries the same task id as the one that took the
key, so it goes on and finishes the work rather than losing the slot.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from celery import current_task
from celery.schedules import crontab
from celery.schedules import schedule as interval
from celery.utils.time import ffwd
from django.conf import settings
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)

SLOT_HEADER = "tandem_slot"
KEEP = datetime.timedelta(days=7)  # a week of run keys: enough to see what ran, and far past any redelivery
SKIPPED = "skipped"


# --- Slots --------------------------------------------------------------------------------------------------


def _as_schedule(value: Any) -> Any:
    if isinstance(value, int | float):
        return interval(datetime.timedelta(seconds=value))
    if isinstance(value, datetime.timedelta):
        return interval(value)
    return value


def slot_current(*, schedule: Any, now: datetime.datetime) -> datetime.datetime | None:
    """The slot ``now`` falls in: the interval's start, or the crontab's latest scheduled time not after now.
    None for a crontab with no time in the past year (it never runs), or a kind of schedule Tandem does not use."""
    schedule = _as_schedule(schedule)
    if isinstance(schedule, crontab):
        return _crontab_latest(schedule, now)
    if isinstance(schedule, interval):
        seconds = schedule.run_every.total_seconds()
        floored = (now.timestamp() // seconds) * seconds
        return datetime.datetime.fromtimestamp(floored, tz=datetime.UTC)
    return None


def slot_next(*, schedule: Any, slot: datetime.datetime) -> datetime.datetime:
    """When the slot after ``slot`` starts (for beat: how long it may sleep)."""
    schedule = _as_schedule(schedule)
    if isinstance(schedule, interval):
        return slot + schedule.run_every
    # A crontab's next time after the slot, as Celery works it out (in the crontab's time zone).
    start, delta, _now = schedule.remaining_delta(slot, ffwd=ffwd)
    return (start + delta).astimezone(datetime.UTC)


def _crontab_latest(schedule: crontab, now: datetime.datetime) -> datetime.datetime | None:
    # Day by day backwards in the crontab's time zone, the latest (hour, minute) of the first day that matches.
    # A year is enough: Tandem's crontabs are daily or hourly, and a yearly one still finds its day.
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    hours, minutes = sorted(schedule.hour, reverse=True), sorted(schedule.minute, reverse=True)
    for back in range(367):
        day = local.date() - datetime.timedelta(days=back)
        weekday = (day.weekday() + 1) % 7  # Celery counts weekdays from Sunday = 0
        if (
            day.month not in schedule.month_of_year
            or day.day not in schedule.day_of_month
            or weekday not in schedule.day_of_week
        ):
            continue
        for hour in hours:
            for minute in minutes:
                if back == 0 and (hour, minute) > (local.hour, local.minute):
                    continue
                at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
                return at.astimezone(datetime.UTC)
    return None


def slot_for_task(*, task: str, now: datetime.datetime) -> datetime.datetime | None:
    """The slot of the schedule entry that runs ``task`` (None when no entry does)."""
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        if entry["task"] == task:
            return slot_current(schedule=entry["schedule"], now=now)
    return None


# --- The run key --------------------------------------------------------------------------------------------


def scheduled_run_claim(*, task: str, slot: datetime.datetime, task_id: str) -> str | None:
    """Take the key of (task, slot) for this message; None when it is taken, else the key's task id back."""
    ScheduledRun.objects.bulk_create([ScheduledRun(task=task, slot=slot, task_id=task_id)], ignore_conflicts=True)
    holder = ScheduledRun.objects.filter(task=task, slot=slot).values_list("task_id", flat=True).first()
    if holder != task_id:
        return None
    # Keys of this task taken over a week ago go as the next one is taken: no schedule entry of its own needed.
    ScheduledRun.objects.filter(task=task, started_at__lt=timezone.now() - KEEP).delete()
    return holder


def _slot_of(request: Any, task: str) -> datetime.datetime | None:
    sent = getattr(request, SLOT_HEADER, None) or (request.headers or {}).get(SLOT_HEADER)
    if sent:
        return datetime.datetime.fromisoformat(sent)
    from_beat = getattr(request, "celery_beat_task", None) or (request.headers or {}).get("celery_beat_task")
    if from_beat:
        return slot_for_task(task=task, now=timezone.now())
    return None


def once_per_slot(run: Callable[..., Any]) -> Callable[..., Any]:
    """Run a scheduled task's work at most once per slot of its schedule (see this module's docstring)."""

    @wraps(run)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        task = current_task._get_current_object() if current_task else None  # a proxy: None outside a task
        request = task.request if task is not None else None
        if request is None or request.called_directly or not request.id:
            return run(*args, **kwargs)
        slot = _slot_of(request, task.name)
        if slot is None:
            return run(*args, **kwargs)
        if scheduled_run_claim(task=task.name, slot=slot, task_id=request.id) is None:
            logger.info("%s: slot %s already run by another message; nothing done", task.name, slot.isoformat())
            return f"{SKIPPED}: slot {slot.isoformat()} already run"
        logger.info("%s: running slot %s", task.name, slot.isoformat())
        return run(*args, **kwargs)

    wrapper.once_per_slot = True  # looked for by the test that walks CELERY_BEAT_SCHEDULE
    return wrapper
