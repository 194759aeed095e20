"""Delivery of reminder emails, timed (issue 21, point 12): a cold day's outbox (every reminder of ``pairings``
active pairings due at once) emailed through Django's SMTP backend to a local SMTP server (aiosmtpd, in a
process of its own, accepting and discarding), one process sending as a worker does: chunks of ``SEND_CHUNK``
over one connection each, every email marked sent as the server takes it.

Target: a cold 100,000-pairing day delivered within 15 minutes by one worker. Measured at a smaller size, the
figure is extrapolated linearly to 100,000 pairings (sending costs the same per email however long the outbox:
the claim reads the outbox's index in order, a chunk at a time). Built inside the caller's transaction, which
rolls everything back; only the made-up people are emailed (nobody real: the server discards)."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.test import override_settings
from django.utils import timezone

from mentoring.services.reminder_emails import reminder_digests_send
from mentoring.services.reminders import reminders_record
from perf.reminders import build_pairings

COLD_DAY_PAIRINGS = 100_000
DELIVERY_PAIRINGS = 10_000  # what ``make bench`` measures (about 11,000 emails), extrapolated to a cold day
DELIVERY_S = 15 * 60  # the target: a cold 100,000-pairing day delivered within 15 minutes
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


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


def delivery_measure(*, pairings: int, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Record a cold day for ``pairings`` made-up pairings, then time emailing it to the local server. Returns
    the figures: emails, seconds, emails per second, and the seconds extrapolated to a cold 100,000-pairing
    day, with whether that meets the target."""
    now = timezone.now()
    programmes, people = build_pairings(pairings=pairings, rng=random.Random(21))
    recorded = reminders_record(now=now, programmes=programmes)
    log(f"Delivery: {recorded.recorded:,} reminders recorded for {pairings:,} pairings; emailing them…")
    with smtp_server() as port:
        mail = {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
        with override_settings(**mail):
            started = time.perf_counter()
            sent = reminder_digests_send(now=now, email_backend=SMTP_BACKEND, person_ids=people)
            seconds = time.perf_counter() - started
    per_second = sent.sent / seconds if seconds else 0.0
    cold_day = seconds * COLD_DAY_PAIRINGS / pairings
    return {
        "pairings": pairings,
        "emails": sent.sent,
        "failed": sent.failed,
        "seconds": round(seconds, 2),
        "emails_per_second": round(per_second, 1),
        "cold_day_seconds": round(cold_day, 1),
        "cold_day_extrapolated": pairings != COLD_DAY_PAIRINGS,
    }


def delivery_target(figures: dict[str, Any]) -> tuple[bool, str]:
    """Met or not, and the figure in words, for ``perf.run``'s list of targets."""
    cold_day = figures["cold_day_seconds"]
    how = f"extrapolated from {figures['pairings']:,} pairings" if figures["cold_day_extrapolated"] else "measured"
    said = f"{cold_day / 60:.1f} min ({how}; {figures['emails_per_second']:.0f} emails/s)"
    return cold_day <= DELIVERY_S, said
