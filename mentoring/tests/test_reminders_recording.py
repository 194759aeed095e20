"""Recording check-in reminders (step 1 of the sweep): every row a sweep writes for a small, varied set of
pairings, the same through PostgreSQL's set-based statements as through the ORM (mentoring.services.reminder_rows)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, transaction

from conftest import require
from mentoring import tasks
from mentoring.models import Alert, Reminder, ReminderDigest, ReminderRecipient
from mentoring.services import reminder_rows
from mentoring.services.reminders import reminders_record
from mentoring.tests.factories import PairingFactory
from programmes.models import Notification, Programme
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=LONDON)
TODAY = NOW.date()


@pytest.fixture
def seeded(programme, coordinator):
    """Coming up, overdue and escalated check-ins; people who read German or Spanish, one in the app only, one
    who left; a person whose email of the day has gone, one with an email still waiting from yesterday."""
    Programme.objects.filter(pk=programme.pk).update(escalation_grace_days=7)
    anna = PersonFactory(display_name="Anna Alpha", email="anna@example.org")
    bernd = PersonFactory(display_name="Bernd Beta", email="bernd@example.org", language="de")
    carla = PersonFactory(display_name="Carla Gamma", email="carla@example.org", language="es", email_reminders=False)
    dora = PersonFactory(display_name="Dora Delta", email="dora@example.org")
    # Quotes and a backslash in a name: written as they are, whichever way the rows are inserted.
    emil = PersonFactory(display_name='Emil "Ed" Ep\\silon', email="emil@example.org", is_active=False)
    pairings = {
        "upcoming": PairingFactory(programme=programme, mentor=anna, mentee=bernd),
        "overdue": PairingFactory(programme=programme, mentor=anna, mentee=carla),
        "escalated": PairingFactory(programme=programme, mentor=dora, mentee=emil),
    }
    due = {"upcoming": TODAY + datetime.timedelta(days=2), "overdue": TODAY - datetime.timedelta(days=2)}
    due["escalated"] = TODAY - datetime.timedelta(days=18)
    for name, pairing in pairings.items():
        type(pairing).objects.filter(pk=pairing.pk).update(
            checkin_due_on=due[name], last_session_on=datetime.date(2026, 2, 3) if name == "escalated" else None
        )
    yesterday = NOW - datetime.timedelta(days=1)
    ReminderDigest.objects.create(person=bernd, day=TODAY - datetime.timedelta(days=1), next_attempt_at=yesterday)
    ReminderDigest.objects.create(
        person=dora, day=TODAY, status=ReminderDigest.Status.SENT, next_attempt_at=NOW, sent_at=NOW, attempts=1
    )
    return {"programme": programme, "pairings": pairings}


def recorded() -> dict[str, list[tuple]]:
    """Every row recording wrote, by what a person would notice (no primary keys, no sweep uuid)."""
    return {
        "reminders": sorted(
            Reminder.objects.values_list("pairing__mentor__email", "pairing__mentee__email", "kind", "due_on")
        ),
        "recipients": sorted(
            ReminderRecipient.objects.values_list(
                "reminder__pairing__mentee__email", "reminder__kind", "person__email", "digest__day", "digest__status"
            ),
            key=str,
        ),
        "digests": sorted(
            ReminderDigest.objects.values_list("person__email", "day", "status", "attempts", "next_attempt_at")
        ),
        "notifications": sorted(Notification.objects.values_list("person__email", "text", "read_at", "count")),
        "alerts": sorted(Alert.objects.values_list("pairing__mentee__email", "kind", "severity", "reason")),
    }


def test_recording_writes_each_reminder_once_to_each_person_in_their_language(seeded):
    counts = reminders_record(now=NOW)
    assert (counts.due, counts.recorded) == (3, 4)  # the escalated one is overdue too
    rows = recorded()
    assert rows["reminders"] == sorted(
        [
            ("anna@example.org", "bernd@example.org", "upcoming", datetime.date(2026, 3, 12)),
            ("anna@example.org", "carla@example.org", "overdue", datetime.date(2026, 3, 8)),
            ("dora@example.org", "emil@example.org", "overdue", datetime.date(2026, 2, 20)),
            ("dora@example.org", "emil@example.org", "escalation", datetime.date(2026, 2, 20)),
        ]
    )
    tomorrow, yesterday = TODAY + datetime.timedelta(days=1), TODAY - datetime.timedelta(days=1)
    assert rows["recipients"] == sorted(
        [
            # Anna's two reminders share today's new digest; Bernd's joins yesterday's, still waiting.
            ("bernd@example.org", "upcoming", "anna@example.org", TODAY, "pending"),
            ("bernd@example.org", "upcoming", "bernd@example.org", yesterday, "pending"),
            ("carla@example.org", "overdue", "anna@example.org", TODAY, "pending"),
            ("carla@example.org", "overdue", "carla@example.org", None, None),  # in the app only
            # Dora's email of the day has gone: tomorrow's. Emil has left: nobody tells him.
            ("emil@example.org", "overdue", "dora@example.org", tomorrow, "pending"),
            ("emil@example.org", "escalation", "coordinator@example.org", TODAY, "pending"),
        ],
        key=str,
    )
    start_of_tomorrow = datetime.datetime(2026, 3, 11, tzinfo=LONDON)
    assert rows["digests"] == sorted(
        [
            ("anna@example.org", TODAY, "pending", 0, NOW),
            ("bernd@example.org", yesterday, "pending", 0, NOW - datetime.timedelta(days=1)),
            ("coordinator@example.org", TODAY, "pending", 0, NOW),
            ("dora@example.org", TODAY, "sent", 1, NOW),
            ("dora@example.org", tomorrow, "pending", 0, start_of_tomorrow),
        ]
    )
    notes = {}
    for email, text, read_at, count in rows["notifications"]:
        assert read_at is None and count == 1
        notes.setdefault(email, []).append(text)
    assert sorted(notes) == [
        "anna@example.org",
        "bernd@example.org",
        "carla@example.org",
        "coordinator@example.org",
        "dora@example.org",
    ]
    assert sorted(notes["anna@example.org"]) == [
        "Your check-in with Bernd Beta is due on 12 March 2026 (in 2 days).",
        "Your check-in with Carla Gamma was due on 8 March 2026. Meet, or log the session you had so that your "
        "partner can confirm it.",
    ]
    [german] = notes["bernd@example.org"]
    assert "Anna Alpha" in german and "12. März 2026" in german and "Your check-in" not in german
    [spanish] = notes["carla@example.org"]
    assert "Anna Alpha" in spanish and "8 de marzo de 2026" in spanish and "Your check-in" not in spanish
    [escalation] = notes["coordinator@example.org"]
    assert escalation.startswith('Dora Delta and Emil "Ed" Ep\\silon (Growing Together): Check-in overdue by 18 days')
    assert rows["alerts"] == [
        (
            "emil@example.org",
            "escalation",
            Alert.Severity.HIGH,
            "Check-in overdue by 18 days (due 20 February 2026); last confirmed session 3 February 2026",
        )
    ]
    # Again at once: nothing new, nobody told twice.
    assert reminders_record(now=NOW).recorded == 0 and recorded() == rows


def test_beats_task_records_then_hands_the_sending_to_a_worker(seeded, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.send_reminder_emails, "delay", lambda: queued.append("send"))
    with time_machine.travel(NOW, tick=False):
        counts = tasks.send_due_checkin_reminders()
    assert (counts["recorded"], counts["sent"]) == (4, 0) and mail.outbox == []
    assert (
        queued == ["send"] * settings.TANDEM_REMINDER_SENDERS
    )  # workers send the outbox: Anna's, Bernd's, the coordinator's (Dora's tomorrow)
    with time_machine.travel(NOW, tick=False):
        assert tasks.send_reminder_emails()["sent"] == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "bernd@example.org", "coordinator@example.org"]


class Undo(Exception):
    pass


@pytest.mark.services
def test_set_based_statements_write_the_same_rows_as_the_orm(seeded, monkeypatch):
    require(connection.vendor == "postgresql", "the set-based statements are PostgreSQL's (set DATABASE_URL)")
    found = {}
    for set_based in (False, True):
        monkeypatch.setattr(reminder_rows, "_set_based", lambda set_based=set_based: set_based)
        try:
            with transaction.atomic():
                reminders_record(now=NOW)
                found[set_based] = recorded()
                raise Undo
        except Undo:
            pass
    assert found[True] == found[False]
    assert len(found[True]["notifications"]) == 6 and len(found[True]["recipients"]) == 6
