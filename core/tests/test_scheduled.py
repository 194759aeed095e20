"""The run key of scheduled tasks (core.scheduled): one run of a task's work per slot of its schedule."""

from __future__ import annotations

import datetime
import importlib
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from config.celery import app
from core.models import FormSubmission, ScheduledRun
from core.scheduled import SLOT_HEADER, once_per_slot, slot_current, slot_next
from core.tasks import purge_old_form_submissions

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(text: str) -> datetime.datetime:
    """A wall-clock time in the installation's time zone (crontabs are read in it)."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


def beat_message(task, slot: datetime.datetime | None, task_id: str | None = None, **headers):
    """Run the task as a worker runs a message from Tandem's beat (the slot in its headers)."""
    if slot is not None:
        headers[SLOT_HEADER] = slot.isoformat()
    return task.apply(task_id=task_id or uuid.uuid4().hex, headers={"celery_beat_task": True, **headers}).get()


def an_old_form_token(person) -> FormSubmission:
    return FormSubmission.objects.create(
        token=uuid.uuid4().hex, person=person, path="/x/", created_at=timezone.now() - datetime.timedelta(days=30)
    )


# --- Slots --------------------------------------------------------------------------------------------------


def test_an_interval_slot_is_the_time_floored_to_the_interval():
    now = datetime.datetime(2026, 3, 4, 12, 14, 59, tzinfo=UTC)
    assert slot_current(schedule=15 * 60, now=now) == datetime.datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    later = now + datetime.timedelta(seconds=2)
    assert slot_current(schedule=15 * 60, now=later) == datetime.datetime(2026, 3, 4, 12, 15, tzinfo=UTC)
    assert slot_current(schedule=60 * 60 * 6, now=now) == datetime.datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def test_a_crontab_slot_is_its_latest_scheduled_time_not_after_now():
    daily = crontab(hour=6, minute=30)
    assert slot_current(schedule=daily, now=at("2026-03-04 05:00")) == at("2026-03-03 06:30")
    assert slot_current(schedule=daily, now=at("2026-03-04 06:30")) == at("2026-03-04 06:30")
    assert slot_current(schedule=daily, now=at("2026-03-04 23:59")) == at("2026-03-04 06:30")
    assert slot_current(schedule=daily, now=at("2026-07-04 07:00")) == at("2026-07-04 06:30")  # local, not UTC
    working_hours = crontab(hour="7-18", minute=5)
    assert slot_current(schedule=working_hours, now=at("2026-03-04 12:04")) == at("2026-03-04 11:05")
    assert slot_current(schedule=working_hours, now=at("2026-03-04 06:00")) == at("2026-03-03 18:05")
    mondays = crontab(hour=9, minute=0, day_of_week=1)
    assert slot_current(schedule=mondays, now=at("2026-03-04 10:00")) == at("2026-03-02 09:00")  # a Wednesday


def test_the_slot_after_a_crontab_slot_is_its_next_scheduled_time():
    # In summer time too: the crontab is read in the installation's time zone, not in UTC.
    assert slot_next(schedule=crontab(hour=6, minute=30), slot=at("2026-07-04 06:30")) == at("2026-07-05 06:30")
    working_hours = crontab(hour="7-18", minute=5)
    assert slot_next(schedule=working_hours, slot=at("2026-07-04 11:05")) == at("2026-07-04 12:05")
    assert slot_next(schedule=working_hours, slot=at("2026-07-04 18:05")) == at("2026-07-05 07:05")
    assert slot_next(schedule=900, slot=at("2026-07-04 11:00")) == at("2026-07-04 11:15")


# --- The run key --------------------------------------------------------------------------------------------


def test_a_second_run_in_the_same_slot_does_nothing_and_the_next_slot_runs(mentor):
    slot = datetime.datetime(2026, 3, 4, 3, 20, tzinfo=UTC)
    an_old_form_token(mentor)
    assert beat_message(purge_old_form_submissions, slot) == 1

    second = an_old_form_token(mentor)
    skipped = beat_message(purge_old_form_submissions, slot)  # a second beat's message for the same slot
    assert skipped.startswith("skipped")
    assert FormSubmission.objects.filter(pk=second.pk).exists()  # its work was not done again

    assert beat_message(purge_old_form_submissions, slot + datetime.timedelta(days=1)) == 1
    assert not FormSubmission.objects.filter(pk=second.pk).exists()


def test_a_message_delivered_again_after_its_worker_died_finishes_the_work(mentor):
    slot = datetime.datetime(2026, 3, 4, 3, 20, tzinfo=UTC)
    beat_message(purge_old_form_submissions, slot, task_id="the-one-message")
    an_old_form_token(mentor)
    # The same message again (acks_late: the worker died before it acknowledged it): it holds the key.
    assert beat_message(purge_old_form_submissions, slot, task_id="the-one-message") == 1


def test_a_run_asked_for_by_hand_is_never_stopped_by_the_key(mentor):
    slot = slot_current(
        schedule=settings.CELERY_BEAT_SCHEDULE["purge-old-form-submissions"]["schedule"], now=timezone.now()
    )
    beat_message(purge_old_form_submissions, slot)
    an_old_form_token(mentor)
    assert purge_old_form_submissions.delay().get() == 1  # a person's .delay(): no beat header, no key
    an_old_form_token(mentor)
    assert purge_old_form_submissions() == 1  # called directly
    assert ScheduledRun.objects.count() == 1


def test_a_message_from_another_scheduler_gets_its_slot_from_the_schedule(mentor):
    # An old release's beat (Celery's shelve scheduler) marks its messages but knows nothing of slots: the task
    # works the slot out from its schedule (daily at 03:20), so it runs once beside Tandem's own beat.
    with time_machine.travel(at("2026-03-04 03:20:02"), tick=False):
        assert beat_message(purge_old_form_submissions, None) == 0
        an_old_form_token(mentor)
        assert beat_message(purge_old_form_submissions, at("2026-03-04 03:20")).startswith("skipped")
    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == [at("2026-03-04 03:20")]


def test_keys_older_than_a_week_are_purged_when_the_task_takes_its_next(mentor):
    now = timezone.now()
    for days_ago in (8, 6):
        with time_machine.travel(now - datetime.timedelta(days=days_ago), tick=False):
            beat_message(purge_old_form_submissions, now - datetime.timedelta(days=days_ago))
    beat_message(purge_old_form_submissions, now)
    kept = sorted(ScheduledRun.objects.values_list("slot", flat=True))
    assert kept == [now - datetime.timedelta(days=6), now]


def test_every_scheduled_task_goes_through_the_run_key():
    """Walks CELERY_BEAT_SCHEDULE: each task, sent twice for one slot, does its work once (a task added to the
    schedule without @once_per_slot fails here)."""
    slot = datetime.datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        importlib.import_module(entry["task"].rsplit(".", 1)[0])  # as the worker's autodiscovery does
    missing = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        task = app.tasks[entry["task"]]
        beat_message(task, slot)
        second = beat_message(task, slot)
        if not (isinstance(second, str) and second.startswith("skipped")):
            missing.append(name)
    assert missing == []
    assert ScheduledRun.objects.count() == len({e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()})


def test_the_walk_would_catch_a_task_without_the_key():
    @app.task(name="core.tests.an_unkeyed_task")
    def unkeyed() -> int:
        return 1

    @app.task(name="core.tests.a_keyed_task")
    @once_per_slot
    def keyed() -> int:
        return 1

    slot = datetime.datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    assert [beat_message(unkeyed, slot), beat_message(unkeyed, slot)] == [1, 1]
    assert beat_message(keyed, slot) == 1
    assert beat_message(keyed, slot).startswith("skipped")
