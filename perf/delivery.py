"""Delivery of reminder emails, timed (issue 21, point 12): a cold day's outbox (every reminder of ``pairings``
active pairings due at once) emailed through Django's SMTP backend to a local SMTP server (aiosmtpd, in a
process of its own, accepting and discarding), by 1, 2 and 4 sender processes side by side, each sending as a
worker's task does (``reminder_digests_send``: chunks of ``SEND_CHUNK`` claimed with ``SKIP LOCKED``, one
connection each, every email marked sent as the server takes it).

The outbox is committed (senders in other processes must see it), so this runs only in a throwaway database:
``manage.py bench``'s, or the one ``manage.py benchmark_delivery`` makes. Senders are forked from this process.
On SQLite, or inside the caller's transaction (a test's), one sender is timed in this process.

Target: a cold 100,000-pairing day delivered within 15 minutes by ``TANDEM_REMINDER_SENDERS`` senders (the
sweep's follow-up tasks, run side by side by workers of concurrency 2 or more). Measured at a smaller size, the
figure is extrapolated linearly to 100,000 pairings (sending costs the same per email however long the outbox:
the claim reads the outbox's index in order, a chunk at a time). The sink's own ceiling (several plain SMTP
clients, no database) is measured too: it stands in for a real relay and must not be what is timed."""

from __future__ import annotations

import multiprocessing
import random
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from mentoring.models import ReminderDigest
from mentoring.services.reminder_emails import reminder_digests_send
from mentoring.services.reminders import reminders_record
from perf.reminders import build_pairings

COLD_DAY_PAIRINGS = 100_000
DELIVERY_PAIRINGS = 10_000  # what ``make bench`` measures (about 11,000 emails), extrapolated to a cold day
DELIVERY_S = 15 * 60  # the target: a cold 100,000-pairing day delivered within 15 minutes
SENDERS = (1, 2, 4)
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SINK_SECONDS = 4.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server() -> Iterator[int]:
    """A local SMTP server that takes every email and keeps none, in its own process; yields its port."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the local SMTP server did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _sink_client(port: int, seconds: float, results: Any) -> None:
    body = b"Subject: Ceiling\r\nFrom: a@example.org\r\nTo: b@example.org\r\n\r\n" + b"A line of a reminder.\r\n" * 12
    sent = 0
    with smtplib.SMTP("127.0.0.1", port) as client:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            client.sendmail("a@example.org", ["b@example.org"], body)
            sent += 1
    results.put(sent)


def sink_ceiling(port: int, *, clients: int = 4, seconds: float = SINK_SECONDS) -> float:
    """Emails per second the sink takes from ``clients`` plain SMTP clients at once (no database, no Django)."""
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    workers = [fork.Process(target=_sink_client, args=(port, seconds, results)) for _ in range(clients)]
    for worker in workers:
        worker.start()
    total = sum(results.get(timeout=seconds + 30) for _ in workers)
    for worker in workers:
        worker.join(timeout=10)
    return total / seconds


def _sender(now: Any, people: range, results: Any) -> None:
    """One sender process: what a worker's follow-up task does, until the outbox is empty."""
    connections.close_all()  # never the parent's sockets: a connection of its own
    try:
        sent = reminder_digests_send(now=now, email_backend=SMTP_BACKEND, person_ids=people)
        results.put((sent.sent, sent.failed))
    finally:
        connections.close_all()


def _senders_run(now: Any, people: range, senders: int) -> tuple[float, int, int]:
    """Fork ``senders`` senders on the committed outbox; returns the seconds until the last one finished, and
    the emails sent and failed."""
    connections.close_all()  # a forked child must not share the parent's database socket
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    workers = [fork.Process(target=_sender, args=(now, people, results)) for _ in range(senders)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    counts = [results.get(timeout=3600) for _ in workers]
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.join(timeout=30)
    if any(worker.exitcode != 0 for worker in workers):
        raise RuntimeError("a sender process failed")
    return seconds, sum(c[0] for c in counts), sum(c[1] for c in counts)


def _outbox_refill(now: Any, people: range) -> None:
    """Every digest of the made-up people due again, unclaimed: the same cold day for the next run."""
    ReminderDigest.objects.filter(person_id__gte=people.start, person_id__lt=people.stop).update(
        status=ReminderDigest.Status.PENDING,
        attempts=0,
        claim=None,
        claimed_at=None,
        sent_at=None,
        last_error="",
        dropped=0,
        next_attempt_at=now,
    )


def _outbox_check(people: range, sent: int) -> None:
    """Every email went once and only once: as many digests marked emailed as the senders sent, none left
    claimed or waiting (a figure from a run that lost or repeated emails would mean nothing)."""
    mine = ReminderDigest.objects.filter(person_id__gte=people.start, person_id__lt=people.stop)
    emailed = mine.filter(status=ReminderDigest.Status.SENT, sent_at__isnull=False).count()
    left = mine.exclude(status=ReminderDigest.Status.SENT).count()
    if emailed != sent or left:
        raise RuntimeError(f"delivery went wrong: {sent} sent, {emailed} marked emailed, {left} not done")


def delivery_measure(
    *, pairings: int, senders: tuple[int, ...] = SENDERS, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Record a cold day for ``pairings`` made-up pairings (committed: a throwaway database only), then time
    emailing it to the local server with each number of ``senders`` (the outbox refilled between runs).
    Returns flat figures: per sender count, emails per second and the seconds for a cold 100,000-pairing day;
    the judged configuration (``TANDEM_REMINDER_SENDERS`` senders) as ``seconds``, ``emails_per_second``,
    ``cold_day_seconds``; and the sink's ceiling."""
    # Senders in other processes need PostgreSQL (SQLite takes one writer at a time: they would only wait on
    # its lock) and a committed outbox (inside the caller's transaction, a test's, they would see nothing).
    side_by_side = connection.vendor == "postgresql" and not connection.in_atomic_block
    if not side_by_side:
        senders = (1,)
    judged = settings.TANDEM_REMINDER_SENDERS if settings.TANDEM_REMINDER_SENDERS in senders else max(senders)
    now = timezone.now()
    programmes, people = build_pairings(pairings=pairings, rng=random.Random(21))
    recorded = reminders_record(now=now, programmes=programmes)
    figures: dict[str, Any] = {"pairings": pairings, "senders": judged}
    log(f"Delivery: {recorded.recorded:,} reminders recorded for {pairings:,} pairings; emailing them…")
    with smtp_server() as port:
        figures["sink_ceiling_emails_per_second"] = round(sink_ceiling(port), 1)
        log(f"  the SMTP sink alone takes {figures['sink_ceiling_emails_per_second']:.0f} emails/s (4 clients)")
        mail = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": port, "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False}
        with override_settings(**mail, EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD=""):
            for count in senders:
                _outbox_refill(now, people)
                if side_by_side:
                    seconds, sent, failed = _senders_run(now, people, count)
                else:
                    started = time.perf_counter()
                    counts = reminder_digests_send(now=now, email_backend=SMTP_BACKEND, person_ids=people)
                    seconds, sent, failed = time.perf_counter() - started, counts.sent, counts.failed
                _outbox_check(people, sent)
                per_second = sent / seconds if seconds else 0.0
                cold_day = seconds * COLD_DAY_PAIRINGS / pairings
                log(f"  {count} sender(s): {sent:,} emails in {seconds:.1f} s, {per_second:.0f}/s")
                figures.update(
                    {
                        f"senders_{count}.emails": sent,
                        f"senders_{count}.failed": failed,
                        f"senders_{count}.seconds": round(seconds, 2),
                        f"senders_{count}.emails_per_second": round(per_second, 1),
                        f"senders_{count}.cold_day_seconds": round(cold_day, 1),
                    }
                )
    for key in ("emails", "failed", "seconds", "emails_per_second", "cold_day_seconds"):
        figures[key] = figures[f"senders_{judged}.{key}"]
    figures["cold_day_extrapolated"] = pairings != COLD_DAY_PAIRINGS
    return figures


def delivery_target(figures: dict[str, Any]) -> tuple[bool, str]:
    """Met or not, and the figure in words, for ``perf.run``'s list of targets."""
    cold_day = figures["cold_day_seconds"]
    how = f"extrapolated from {figures['pairings']:,} pairings" if figures["cold_day_extrapolated"] else "measured"
    said = (
        f"{cold_day / 60:.1f} min ({how}; {figures.get('senders', 1)} senders, "
        f"{figures['emails_per_second']:.0f} emails/s)"
    )
    return cold_day <= DELIVERY_S, said
