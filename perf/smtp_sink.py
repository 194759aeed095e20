"""A local SMTP server that accepts every email and remembers who got what (aiosmtpd, in a thread): the mail
server of the delivery tests and of the delivery benchmark. It can be slow per message (so that a test can kill
a worker in the middle of a chunk) and can refuse every message (a mail outage), and it counts connections."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes

from aiosmtpd.controller import Controller

# aiosmtpd logs every command it reads at INFO: thousands of lines a benchmark.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 (aiosmtpd's name)
        # One EHLO per connection: Django's SMTP backend greets once when it connects.
        with self.sink.lock:
            self.sink.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.sink.delay:
            time.sleep(self.sink.delay)  # blocks the loop: one message at a time, as a slow server would
        with self.sink.lock:
            if self.sink.refusing or set(envelope.rcpt_tos) & self.sink.refuse_to:
                self.sink.refused += 1
                return "451 Requested action aborted: try again later"
            subject = message_from_bytes(envelope.original_content or b"")["Subject"] or ""
            for recipient in envelope.rcpt_tos:
                self.sink.received[recipient] += 1
                self.sink.subjects.append((recipient, subject))
        return "250 OK"


class SmtpSink:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.refusing = False  # every message refused (a mail outage)
        self.refuse_to: set[str] = set()  # messages to these addresses refused
        self.refused = 0
        self.connections = 0
        self.received: Counter = Counter()
        self.subjects: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def settings(self) -> dict[str, object]:
        """Django settings that send to this sink."""
        return {
            "TANDEM_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }

    def environment(self) -> dict[str, str]:
        """Environment variables that make a Tandem process send to this sink."""
        return {
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_USE_SSL": "0",
        }
