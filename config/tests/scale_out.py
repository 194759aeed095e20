"""The pieces of the scale-out test (test_scale_out.py): a throw-away PostgreSQL database, an SMTP sink, Tandem's
processes (gunicorn, Celery workers, beat) each with its own var folder, and a browser-like client.

Everything here is started by the test and stopped in its ``finally``: each process in its own process group, so
that a kill takes its children too (a gunicorn master's workers, a Celery worker's pool), as a machine that dies
takes all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import html
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import requests
from aiosmtpd.controller import Controller
from django.conf import settings

BIN = Path(sys.executable).parent
TIMEOUT = 60  # for a process to answer on a machine busy with other tests
# aiosmtpd logs every SMTP command at INFO: thousands of lines in a failing test's report otherwise.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], what: str, timeout: float = TIMEOUT, every: float = 0.2) -> object:
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(every)


# --- The database -------------------------------------------------------------------------------------------


class ThrowAwayDatabase:
    """A fresh PostgreSQL database on the server DATABASE_URL names, dropped by ``drop()`` whatever it holds."""

    def __init__(self, server_url: str) -> None:
        parsed = urlparse(server_url)
        self.name = f"tandem_scaleout_{uuid.uuid4().hex[:10]}"
        self.url = urlunparse(parsed._replace(path=f"/{self.name}"))
        self._admin = urlunparse(parsed._replace(path="/postgres"))

    def create(self) -> None:
        with psycopg.connect(self._admin, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with psycopg.connect(self._admin, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as db:
            return db.execute(sql, params).fetchall()


# --- The SMTP sink ------------------------------------------------------------------------------------------


class SmtpSink:
    """An SMTP server on loopback that counts each message per (recipient, subject). Each message takes
    ``delay`` seconds to accept, as a real mail server does, so that a worker is caught in the middle of sending."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.port = free_port()
        self.received: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        if self.delay:
            await asyncio.sleep(self.delay)
        subject = str(email.message_from_bytes(envelope.content)["Subject"] or "")
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.received[(recipient.lower(), subject)] += 1
        return "250 Message accepted"

    def counts(self) -> Counter[tuple[str, str]]:
        with self._lock:
            return Counter(self.received)

    def start(self) -> None:
        self._controller.start()
        self._started = True

    def stop(self) -> None:
        if getattr(self, "_started", False):
            self._controller.stop()
            self._started = False


# --- Tandem's processes -------------------------------------------------------------------------------------


class Processes:
    """Tandem's commands, each in its own process group, logging to a file; ``stop_all`` ends every one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: dict[str, tuple[subprocess.Popen, object]] = {}

    def finish(self, name: str, timeout: float = 300) -> str:
        """Wait for a command started with ``start`` to end; its output, or an AssertionError showing it."""
        process, log = self.running[name]
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{name} still running after {timeout} s:\n{self.log(name)[-3000:]}") from None
        log.flush()
        assert code == 0, f"{name} failed ({code}):\n{self.log(name)[-3000:]}"
        return self.log(name)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 (closed in stop_all)
        process = subprocess.Popen(
            args, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running[name] = (process, log)
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def alive(self, name: str) -> bool:
        return self.running[name][0].poll() is None

    def kill(self, name: str) -> None:
        """SIGKILL the process and everything it started: the machine it runs on died."""
        process, _ = self.running[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process, _log in self.running.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process, log in self.running.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            log.close()

    def tail(self) -> str:
        """The end of every log, for an assertion message."""
        return "\n".join(f"--- {name} ---\n{self.log(name)[-2500:]}" for name in self.running)


def unfinished_tasks(log: str, task: str) -> set[str]:
    """Ids of ``task`` a Celery worker's log says it received and has not finished."""
    received = set(re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", log))
    finished = set(re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] (?:succeeded|failed|raised)", log))
    return received - finished


def var_dir(root: Path, name: str) -> Path:
    """A node's own var folder: nothing in it is shared with any other node."""
    folder = root / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


# --- A browser ----------------------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAIN_NAV = re.compile(r'<nav class="navbar[^"]*" aria-label="[^"]*">(.*?)</nav>', re.S)
LINK = re.compile(r'href="(/[^"#?]*)"')


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "the page has no CSRF token in a form"
    return html.unescape(found.group(1))


def log_in(browser: requests.Session, node: str, email_address: str, password: str) -> None:
    """Through the login form as rendered, with its CSRF token; a login answers with a redirect away from it."""
    page = browser.get(f"{node}/accounts/login/", timeout=30)
    assert page.status_code == 200, f"login form on {node}: {page.status_code}"
    answer = browser.post(
        f"{node}/accounts/login/",
        data={"username": email_address, "password": password, "csrfmiddlewaretoken": csrf_of(page.text)},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302 and "/accounts/login/" not in answer.headers.get("Location", ""), (
        f"login of {email_address} on {node}: {answer.status_code} {answer.text[:500]}"
    )


def main_pages(page: str) -> list[str]:
    """The pages a person's main navigation links to (the Administration link aside, and the home page, which
    only sends each person on to their own first page)."""
    found = MAIN_NAV.search(page)
    assert found, "the page has no main navigation"
    links = [url for url in LINK.findall(found.group(1)) if url != "/" and not url.startswith(("/admin/", "/static/"))]
    return list(dict.fromkeys(links))
