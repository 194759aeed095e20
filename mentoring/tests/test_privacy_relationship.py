"""The privacy rule for the relationship, channel by channel: private note text reaches its author (and the
partner when shared), and nobody else: not coordinators, line managers, committee members or administrators;
not pages, exports, reports, emails, notifications, the Django admin, logs, error pages or a database dump.
Coordinators see metadata (dates, durations, counts, states), never the pair's words.
"""

from __future__ import annotations

import datetime
import io
import logging

import pytest
import time_machine
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from mentoring import crypto
from mentoring.models import MentoringSession, PrivateNote
from mentoring.selectors import relationship as relationship_selectors
from mentoring.services import concerns, relationship
from mentoring.services.relationship import SessionInput
from programmes.models import Notification

NOTE = "Mina told me about the burnout she fears"  # the mentor's private note
SHARED = "Sharing this: practise the pitch twice"  # the mentee's note, shared with the mentor
SUMMARY = "Worked through the quarterly plan"  # the shared summary: the pair's, not the coordinators'
GOAL_TITLE = "Present at the all-hands"
TODAY = datetime.date(2026, 5, 20)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 5, 20, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def history(pairing, mentor, mentee):
    goal = relationship.goal_create(pairing=pairing, by=mentee, data=relationship.GoalInput(title=GOAL_TITLE))
    session = relationship.session_log(
        pairing=pairing,
        by=mentor,
        data=SessionInput(
            held_on=TODAY,
            duration_minutes=75,
            mode="video",
            topics=[],
            goals=[goal],
            summary=SUMMARY,
            private_note=NOTE,
        ),
    )
    relationship.note_write(session=session, author=mentee, text=SHARED, shared=True)
    relationship.session_confirm(session=session, by=mentee)
    return session


def _secrets_in(text: str) -> list[str]:
    return [s for s in (NOTE, SHARED, SUMMARY, GOAL_TITLE) if s in text]


def test_the_note_is_encrypted_in_the_database_and_in_a_dump(history):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM mentoring_privatenote")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 2
    assert all(NOTE not in value and SHARED not in value for value in stored)
    assert crypto.decrypt(stored[0]) in (NOTE, SHARED)
    dump = io.StringIO()
    call_command("dumpdata", "mentoring", stdout=dump)
    assert NOTE not in dump.getvalue() and SHARED not in dump.getvalue()


def test_the_author_reads_their_note_and_the_partner_only_the_shared_one(history, mentor, mentee, login, client):
    login(mentor)
    page = client.get(history.get_absolute_url()).content.decode()
    assert NOTE in page and SHARED in page  # their own; the mentee's, shared with them
    client.logout()
    login(mentee)
    page = client.get(history.get_absolute_url()).content.decode()
    assert SHARED in page and NOTE not in page  # the mentor did not share theirs


def test_unsharing_takes_the_note_away_from_the_partner(history, mentee, mentor):
    relationship.note_write(session=history, author=mentee, text=SHARED, shared=False)
    readable = relationship_selectors.notes_readable_by(mentor, [history.pk])[history.pk]
    assert [n.text for n in readable] == [NOTE]


@pytest.mark.parametrize("role", ["coordinator", "line_manager", "committee_member", "outsider", "administrator"])
def test_nobody_outside_the_pair_reads_a_note_through_the_access_helper(history, cast, role):
    assert relationship_selectors.notes_readable_by(cast[role], [history.pk]) == {}


def test_the_coordinator_sees_date_and_duration_but_never_the_pairs_words(
    history, pairing, programme, coordinator, login, client
):
    login(coordinator)
    pages = [
        pairing.get_absolute_url(),
        reverse("mentoring:session_list", args=[pairing.pk]),
        reverse("mentoring:relationships", args=[programme.pk]),
        reverse("programmes:detail", args=[programme.pk]),
        reverse("programmes:members", args=[programme.pk]),
        reverse("programmes:time", args=[programme.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _secrets_in(response.content.decode()) == [], url
    detail = client.get(pairing.get_absolute_url()).content.decode()
    assert "20 May 2026" in detail and "75 min" in detail
    assert client.get(history.get_absolute_url()).status_code == 403


def test_line_managers_and_committee_members_do_not_reach_the_pairing(history, pairing, cast, login, client):
    for role in ("line_manager", "committee_member"):
        client.logout()
        login(cast[role])
        assert client.get(pairing.get_absolute_url()).status_code == 404
        assert client.get(history.get_absolute_url()).status_code == 404
        for url in (reverse("programmes:team"), reverse("evaluation:reports"), reverse("home")):
            response = client.get(url, follow=True)
            assert response.status_code in (200, 403), url
            assert _secrets_in(response.content.decode()) == [], url


def test_exports_never_carry_the_pairs_words(history, programme, coordinator, login, client):
    login(coordinator)
    for name in ("programmes:training_export", "programmes:budget_export", "programmes:budget_lines_export"):
        response = client.get(reverse(name, args=[programme.pk]))
        assert response.status_code == 200, name
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert _secrets_in(body.decode()) == [], name


def test_notices_and_emails_never_carry_the_pairs_words(history, pairing, mentor, mentee):
    relationship.session_dispute(session=history, by=mentee, reason="Not 75 minutes")
    concerns.concern_raise(pairing=pairing, by=mentee, text="Please call me")
    texts = list(Notification.objects.values_list("text", flat=True))
    assert texts, "the pair and the coordinators were told"
    assert all(_secrets_in(t) == [] for t in texts)
    assert all(_secrets_in(m.subject + m.body) == [] for m in mail.outbox)


def test_the_django_admin_has_no_door_to_notes_or_session_content(history, pairing, administrator, client):
    registered = {model.__name__ for model in admin.site._registry}
    assert "PrivateNote" not in registered and "ClosingReflection" not in registered
    client.force_login(administrator)
    pages = [reverse("admin:index"), reverse("admin:mentoring_pairing_change", args=[pairing.pk])]
    pages += [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _secrets_in(response.content.decode()) == [], url


def test_logging_a_session_logs_no_content(pairing, mentor, caplog):
    with caplog.at_level(logging.DEBUG):
        relationship.session_log(
            pairing=pairing,
            by=mentor,
            data=SessionInput(held_on=TODAY, duration_minutes=30, mode="phone", topics=[], goals=[], private_note=NOTE),
        )
    assert NOTE not in caplog.text
    assert NOTE not in repr(PrivateNote.objects.get()) and NOTE not in str(PrivateNote.objects.get())


@override_settings(DEBUG=False)
def test_an_error_page_shows_no_note(history, mentor, client, monkeypatch):

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom near {history.pk}")

    monkeypatch.setattr(relationship_selectors, "session_totals", broken)
    client.raise_request_exception = False
    client.force_login(mentor)
    response = client.get(history.pairing.get_absolute_url())
    assert response.status_code == 500
    assert _secrets_in(response.content.decode()) == []


def test_rotating_the_key_keeps_notes_readable_and_drops_the_old_key(history, mentor, settings):
    from cryptography.fernet import Fernet

    old = list(settings.TANDEM_NOTE_KEYS)
    settings.TANDEM_NOTE_KEYS = [Fernet.generate_key().decode(), *old]
    out = io.StringIO()
    call_command("rotate_note_keys", stdout=out)
    assert "Re-encrypted 2 private notes" in out.getvalue()
    settings.TANDEM_NOTE_KEYS = settings.TANDEM_NOTE_KEYS[:1]  # the old key is gone
    readable = relationship_selectors.notes_readable_by(mentor, [history.pk])[history.pk]
    assert sorted(n.text for n in readable) == sorted([NOTE, SHARED])


def test_a_note_no_key_opens_reads_as_a_notice_not_an_error(history, mentor, settings):
    from cryptography.fernet import Fernet

    settings.TANDEM_NOTE_KEYS = [Fernet.generate_key().decode()]
    readable = relationship_selectors.notes_readable_by(mentor, [history.pk])[history.pk]
    assert all("cannot be read" in n.text for n in readable)


def test_sessions_count_without_content_for_the_coordinator_in_the_session_list(history, coordinator, login, client):
    login(coordinator)
    page = client.get(reverse("mentoring:session_list", args=[history.pairing_id])).content.decode()
    assert "Confirmed" in page and "75 min" in page
    assert MentoringSession.objects.get().summary == SUMMARY  # the summary exists; it just is not shown
