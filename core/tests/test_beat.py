"""Beat's database scheduler (core.beat): each entry sent once per slot, by one beat of several, and a heartbeat."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from config.celery import app
from core.beat import DatabaseScheduler, beat_last_tick
from core.models import BeatEntry
from core.scheduled import SLOT_HEADER

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
START = datetime.datetime(2026, 3, 4, 12, 0, 30, tzinfo=UTC)


class RecordingScheduler(DatabaseScheduler):
    """The real scheduler, its messages kept in a list instead of going to the broker."""

    def __init__(self, entries: dict[str, dict], **kwargs: Any) -> None:
        self.entries = entries
        self.sent: list[tuple[str, str]] = []
        kwargs.setdefault("schedule_filename", "/nonexistent/folder/celerybeat-schedule")
        super().__init__(app=app, **kwargs)

    def setup_schedule(self) -> None:
        self.merge_inplace(self.entries)

    def _publish(self, entry: Any, options: dict[str, Any]) -> None:
        self.sent.append((entry.name, options["headers"][SLOT_HEADER]))


ENTRIES = {
    "every-minute": {"task": "core.tasks.clear_expired_sessions", "schedule": 60},
    "every-hour": {"task": "core.tasks.purge_old_form_submissions", "schedule": 60 * 60},
}


def tick_at(scheduler: DatabaseScheduler, when: datetime.datetime) -> float:
    with time_machine.travel(when, tick=False):
        return scheduler.tick()


def test_a_new_entry_waits_for_its_next_slot_then_runs_once_per_slot():
    beat = RecordingScheduler(ENTRIES)
    tick_at(beat, START)
    assert beat.sent == []  # first sight: as Celery's own scheduler, the first run is at the next slot
    tick_at(beat, START + datetime.timedelta(seconds=31))  # 12:01:01
    tick_at(beat, START + datetime.timedelta(seconds=40))
    assert beat.sent == [("every-minute", "2026-03-04T12:01:00+00:00")]
    tick_at(beat, START + datetime.timedelta(minutes=59, seconds=45))  # 13:00:15
    assert sorted(beat.sent[1:]) == [
        ("every-hour", "2026-03-04T13:00:00+00:00"),
        ("every-minute", "2026-03-04T13:00:00+00:00"),
    ]


def test_two_beats_on_one_database_send_each_slot_once():
    first, second = RecordingScheduler(ENTRIES), RecordingScheduler(ENTRIES)
    for beat in (first, second):
        tick_at(beat, START)
    for seconds in range(31, 60 * 5, 7):
        tick_at(first, START + datetime.timedelta(seconds=seconds))
        tick_at(second, START + datetime.timedelta(seconds=seconds + 3))
    slots = first.sent + second.sent
    assert len(slots) == len(set(slots)) == 5  # 12:01 to 12:05, each once, whichever beat sent it
    assert first.sent and second.sent  # both beats were at work: whichever came first to a slot sent it


def test_a_beat_that_was_down_sends_each_missed_entry_once_when_it_comes_back():
    tick_at(RecordingScheduler(ENTRIES), START)
    back = RecordingScheduler(ENTRIES)  # three days later, a new process
    tick_at(back, START + datetime.timedelta(days=3))
    tick_at(back, START + datetime.timedelta(days=3, seconds=10))
    assert sorted(name for name, _slot in back.sent) == ["every-hour", "every-minute"]


def test_a_slot_that_could_not_be_sent_is_tried_again():
    class BrokerDown(RecordingScheduler):
        down = True

        def _publish(self, entry: Any, options: dict[str, Any]) -> None:
            if self.down:
                raise ConnectionError("broker down")
            super()._publish(entry, options)

    beat = BrokerDown({"every-minute": ENTRIES["every-minute"]})
    tick_at(beat, START)
    tick_at(beat, START + datetime.timedelta(seconds=31))
    assert beat.sent == []
    assert BeatEntry.objects.get().last_slot == datetime.datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    beat.down = False
    tick_at(beat, START + datetime.timedelta(seconds=35))
    assert beat.sent == [("every-minute", "2026-03-04T12:01:00+00:00")]


def test_each_tick_writes_the_heartbeat_and_sleeps_at_most_until_the_next_slot():
    beat = RecordingScheduler(ENTRIES, max_interval=60)
    assert beat_last_tick() is None
    wait = tick_at(beat, START)
    assert beat_last_tick() == START
    assert 29 <= wait <= 30.5  # the minute entry's next slot is 12:01:00


def test_beat_needs_no_schedule_file_and_writes_none(tmp_path):
    # Celery's beat passes its --schedule path (var/celerybeat-schedule): a folder that is not there is fine.
    beat = RecordingScheduler(ENTRIES, schedule_filename=str(tmp_path / "var" / "celerybeat-schedule"))
    tick_at(beat, START)
    beat.close()
    assert list(tmp_path.iterdir()) == []
    assert "no schedule file" in beat.info
