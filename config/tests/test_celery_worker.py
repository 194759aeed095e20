"""A real Celery worker takes a task from a real broker and its effect lands in the database.

Runs against the embedded filesystem broker always, and against Redis when REDIS_URL is set (in CI it is, and
a missing Redis fails the run instead of skipping).
"""

from __future__ import annotations

import datetime
import os
import threading
import uuid

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from conftest import require


def make_app(broker_url: str, transport_options: dict) -> Celery:
    # A separate app so the suite's eager default and the running `make run` worker stay untouched.
    app = Celery("tandem-worker-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        broker_transport_options=transport_options,
        task_always_eager=False,
        worker_hijack_root_logger=False,
    )
    app.autodiscover_tasks(force=True)  # as the real worker does at start-up
    return app


def run_through_worker(app: Celery) -> None:
    expired = Session.objects.create(
        session_key=uuid.uuid4().hex, session_data="x", expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    live = Session.objects.create(
        session_key=uuid.uuid4().hex, session_data="x", expire_date=timezone.now() + datetime.timedelta(days=1)
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"  # nobody else's worker listens here
    task = app.tasks["core.tasks.clear_expired_sessions"]
    # Wait for the worker's own "task finished" signal rather than polling the table: the worker runs in a thread
    # of this process, and on SQLite's shared in-memory test database a poll that reads the table while the task
    # deletes from it makes the task fail with "table is locked" (shared-cache locks do not wait).
    finished = threading.Event()

    def _finished(sender=None, **kwargs) -> None:
        if getattr(sender, "name", "") == task.name:
            finished.set()

    task_postrun.connect(_finished, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
            task.apply_async(queue=queue)
            finished.wait(timeout=30)
    finally:
        task_postrun.disconnect(_finished)
    assert not Session.objects.filter(pk=expired.pk).exists(), "the worker did not run the task"
    assert Session.objects.filter(pk=live.pk).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_a_task_through_the_filesystem_broker(tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    app = make_app(
        "filesystem://",
        {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "processed_folder": str(folders["processed"]),
            "control_folder": str(folders["control"]),
        },
    )
    run_through_worker(app)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_a_task_through_redis():
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "REDIS_URL is not set")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {url} does not answer: {exc}")
    run_through_worker(make_app(url, {"visibility_timeout": settings.CELERY_TASK_TIME_LIMIT * 12}))
