"""``manage.py benchmark_reminders``: the check-in reminder sweep timed on made-up pairings, and nothing kept."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command

from mentoring.models import Alert, Pairing, Reminder, ReminderDigest
from programmes.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cold", [[], ["--cold"]])
def test_benchmark_reminders_runs_and_keeps_nothing(pairing, cold):
    def kept():
        return [m.objects.count() for m in (Pairing, Reminder, ReminderDigest, Notification, Alert)]

    before = kept()
    out = io.StringIO()
    call_command("benchmark_reminders", "--pairings", "50", "--check", *cold, stdout=out)
    assert "Built 50 active pairings" in out.getvalue()
    assert re.search(r"Recording: [1-9]\d* reminders for [1-9]\d* pairings due", out.getvalue())
    assert re.search(r"Sending: [1-9]\d* emails built", out.getvalue()) and "The sweep (recording" in out.getvalue()
    assert kept() == before and mail.outbox == []
