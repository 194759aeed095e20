"""What a pair writes in their own words is unreadable at rest.

A marker goes into every free-text field a pair can write, through the services the pages call; then the whole
database is dumped (``pg_dump`` on PostgreSQL, the raw database file on SQLite) and no marker may appear in it.
The list of fields is complete by construction: the markers must cover every ``EncryptedTextField`` of every
model, and every other text field of a mentoring model must be named below as metadata, with the reason.
"""

from __future__ import annotations

import datetime
import io
import os
import secrets
import shutil
import sqlite3
import subprocess
from decimal import Decimal

import pytest
import time_machine
from cryptography.fernet import Fernet, MultiFernet
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

from mentoring.fields import UNREADABLE_NOTICE, EncryptedTextField, encrypted_fields
from mentoring.forms.relationship import GoalForm
from mentoring.models import Concern, Goal, MentoringSession, Pairing
from mentoring.selectors import relationship as relationship_selectors
from mentoring.services import concerns, lifecycle, mentor_requests, planning, reflection, relationship
from mentoring.services.relationship import GoalInput, SessionInput
from mentoring.tests.factories import ProposedPairingFactory, approved_profile
from programmes.models import Role, Skill
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory

TODAY = datetime.date(2026, 5, 20)

# Text fields of mentoring models that are not the pair's own words, each with the reason it stays in clear.
# Choice fields (a status, a kind) are metadata by nature and are not listed.
METADATA = {
    "mentoring.Pairing.explanation": "the match score's parts, written by the matcher from profiles",
    "mentoring.MatchRound.weights": "the matching settings' numbers",
    "mentoring.MatchRound.unmatched": "the matcher's reasons for not matching a mentee, written by the software",
    "mentoring.MatchRound.comparison": "numbers the matcher computed for each objective",
    "mentoring.MatchRound.blocking": "ids and display names of blocking pairs, computed by the matcher",
    "mentoring.MatchProposal.parts": "the match score's parts, written by the matcher from profiles",
    "mentoring.MatchOverride.reason": "a coordinator's record of their own decision, not the pair's words",
    "mentoring.MentorRequest.explanation": "the match score's parts, written by the matcher from profiles",
    "mentoring.PrivateNote.ciphertext": "already a token: encrypted by mentoring.services.relationship, rotated too",
    "mentoring.Alert.reason": "written by the software from dates and names (the concern's words are on Concern)",
    "mentoring.ReminderDigest.last_error": "the mail server's error message",
    "mentoring.MeetingReminder.last_error": "the mail server's error message",
    "mentoring.WebhookChannel.url": "a coordinator's Slack or Teams address, not the pair's words",
    "mentoring.WebhookChannel.secret": "a random signing key made by the software",
    "mentoring.WebhookDelivery.payload": "names, dates and links written by the software, never the pair's words",
    "mentoring.WebhookDelivery.last_error": "the receiving server's answer or the connection error",
    "mentoring.CalendarFeed.token": "a random secret made by the software, looked up by value",
    "mentoring.PlanningSettings.link_pattern": "a coordinator's default meeting link pattern, not the pair's words",
}
TEXT_TYPES = (models.CharField, models.TextField, models.JSONField)
PROPOSAL_DECLINE = "email.pairing_decline.reason"  # a pair's words that are emailed, never stored


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 5, 20, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _mark(label: str) -> str:
    # Unique per field and per run, and nothing else in the database can contain it by chance.
    return f"Marker{label.split('.', 1)[1].replace('.', '')}{secrets.token_hex(6)}"


def _plant(*, programme, pairing, mentor, mentee, line_manager) -> dict[str, str]:
    """Write a marker into every free-text field a pair can write, as the pages do (through the services)."""
    m = {
        label: _mark(label)
        for label in [
            *(f"{model._meta.label}.{name}" for model, names in encrypted_fields().items() for name in names),
            "mentoring.PrivateNote.ciphertext",
        ]
    }
    relationship.agreement_update(
        pairing=pairing,
        by=mentor,
        cadence_days=14,
        preferred_mode="mixed",
        arrangements=m["mentoring.Agreement.arrangements"],
    )
    goal = relationship.goal_create(
        pairing=pairing,
        by=mentee,
        data=GoalInput(title=m["mentoring.Goal.title"], success=m["mentoring.Goal.success"]),
    )
    session = relationship.session_log(
        pairing=pairing,
        by=mentor,
        data=SessionInput(
            held_on=TODAY,
            duration_minutes=60,
            mode="video",
            topics=[],
            goals=[goal],
            summary=m["mentoring.MentoringSession.summary"],
            next_steps=m["mentoring.MentoringSession.next_steps"],
            private_note=m["mentoring.PrivateNote.ciphertext"],
        ),
    )
    # Time to think (issue 20): reflection time's private note, and the private reflection on a confirmed session.
    reflection.reflection_time_log(
        person=mentee, programme=programme, day=TODAY, hours=Decimal("1.0"), note=m["mentoring.ReflectionTime.note"]
    )
    confirmed = relationship.session_log(
        pairing=pairing,
        by=mentee,
        data=SessionInput(
            held_on=TODAY - datetime.timedelta(days=3),
            duration_minutes=30,
            mode="phone",
            topics=[],
            goals=[],
            summary="",
            next_steps="",
            private_note="",
        ),
    )
    confirmed = relationship.session_confirm(session=confirmed, by=mentor)
    reflection.session_reflection_write(session=confirmed, author=mentor, text=m["mentoring.SessionReflection.text"])
    relationship.session_dispute(session=session, by=mentee, reason=m["mentoring.MentoringSession.dispute_reason"])
    concerns.concern_raise(pairing=pairing, by=mentee, text=m["mentoring.Concern.text"])
    # A planned session: its place and link, moved, then cancelled with a reason (issue 17).
    soon = datetime.datetime(2026, 5, 22, 9, 0, tzinfo=datetime.UTC)
    planned = planning.planned_propose(
        pairing=pairing,
        by=mentor,
        times=[soon],
        duration_minutes=60,
        mode="video",
        place=m["mentoring.PlannedSession.place"],
        video_link="https://meet.example.org/" + m["mentoring.PlannedSession.video_link"],
    )
    m["mentoring.PlannedSession.video_link"] = "https://meet.example.org/" + m["mentoring.PlannedSession.video_link"]
    planning.planned_accept(planned=planned, by=mentee, starts_at=soon)
    later = soon + datetime.timedelta(days=1)
    planning.planned_move(planned=planned, by=mentee, starts_at=later, reason="A clash")
    # Cancelled by the pair with their reason (closing the pairing would cancel it with its own words otherwise).
    planning.planned_cancel(planned=planned, by=mentor, reason=m["mentoring.PlannedSession.reason"])
    pairing = lifecycle.pairing_pause(
        pairing=pairing,
        by=mentor,
        reason=m["mentoring.Pairing.paused_reason"],
        resume_on=TODAY + datetime.timedelta(days=30),
    )
    # The pause reason is read back before the pairing closes (closing does not clear it, but be explicit).
    assert Pairing.objects.get(pk=pairing.pk).paused_reason == m["mentoring.Pairing.paused_reason"]
    pairing = lifecycle.pairing_complete(pairing=pairing, by=mentor)
    lifecycle.reflection_write(pairing=pairing, author=mentee, text=m["mentoring.ClosingReflection.text"])
    # A mentee's request to a suggested mentor, declined with a reason.
    skill = Skill.objects.create(name="Negotiation")
    finance = OrgUnitFactory(name="Accounts", parent=DepartmentFactory(name="Finance"))
    asking = approved_profile(
        programme=programme,
        role=Role.MENTEE,
        skills=[(skill, 2)],
        display_name="Nia Mentee",
        line_manager=line_manager,
        org_unit=line_manager.org_unit,
        grade=2,
    ).person
    asked = approved_profile(
        programme=programme, role=Role.MENTOR, skills=[(skill, 4)], display_name="Ann Mentor", org_unit=finance, grade=5
    ).person
    request = mentor_requests.request_create(
        programme=programme, mentee=asking, mentor=asked, message=m["mentoring.MentorRequest.message"]
    )
    mentor_requests.request_decline(request=request, by=asked, reason=m["mentoring.MentorRequest.decline_reason"])
    # Declining a proposed pairing: the reason goes to the coordinators by email and is stored nowhere.
    m[PROPOSAL_DECLINE] = _mark(PROPOSAL_DECLINE)
    proposal = ProposedPairingFactory(programme=programme, mentor=asked, mentee=asking)
    lifecycle.pairing_decline(pairing=proposal, by=asking, reason=m[PROPOSAL_DECLINE])
    return m


def _assert_readable(markers: dict[str, str], reader) -> None:
    """Every marker reads back in clear through the models: the planting really reached each field."""
    for label, marker in markers.items():
        if label == PROPOSAL_DECLINE:
            continue
        if label == "mentoring.PrivateNote.ciphertext":
            session = MentoringSession.objects.get(private_notes__isnull=False)
            notes = relationship_selectors.notes_readable_by(reader, [session.pk])[session.pk]
            assert [n.text for n in notes] == [marker]
            continue
        app_model, name = label.rsplit(".", 1)
        values = apps.get_model(app_model)._base_manager.values_list(name, flat=True)
        assert marker in values, label


def _dump() -> bytes:
    """The whole database as a backup would hold it."""
    if connection.vendor == "postgresql":
        from conftest import require

        require(shutil.which("pg_dump") is not None, "pg_dump is not installed")
        db = connection.settings_dict
        command = ["pg_dump", "--no-owner", "--dbname", db["NAME"]]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                command += [flag, str(db[key])]
        env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
        return subprocess.run(command, check=True, capture_output=True, env=env, timeout=120).stdout
    assert connection.vendor == "sqlite"
    # The test database lives in memory: copy it, page by page, into a file and read that file's raw bytes.
    connection.ensure_connection()
    path = f"{connection.settings_dict['TEST'].get('NAME') or 'tandem'}-dump-{os.getpid()}.sqlite3"
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), os.path.basename(path))
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    try:
        with open(path, "rb") as raw:
            return raw.read()
    finally:
        os.remove(path)


@pytest.mark.django_db(transaction=True)  # committed, so that pg_dump (another connection) sees it
def test_a_database_dump_shows_none_of_what_a_pair_wrote(programme, pairing, mentor, mentee, line_manager):
    markers = _plant(programme=programme, pairing=pairing, mentor=mentor, mentee=mentee, line_manager=line_manager)
    _assert_readable(markers, mentor)
    dump = _dump()
    assert mentee.display_name.encode() in dump  # a real dump: what is not the pair's words shows in clear
    found = sorted(label for label, marker in markers.items() if marker.encode() in dump)
    assert found == []


@pytest.mark.django_db
def test_every_text_field_of_a_mentoring_model_is_encrypted_or_named_as_metadata():
    unaccounted, stale = [], []
    for model in apps.get_app_config("mentoring").get_models():
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if isinstance(field, EncryptedTextField):
                assert label not in METADATA, f"{label} is encrypted: remove it from METADATA"
            elif isinstance(field, TEXT_TYPES) and not field.choices and label not in METADATA:
                unaccounted.append(label)
    for label in METADATA:
        app_model, name = label.rsplit(".", 1)
        if name not in {f.name for f in apps.get_model(app_model)._meta.concrete_fields}:
            stale.append(label)
    assert unaccounted == [], "encrypt these (EncryptedTextField) or list them in METADATA with a reason"
    assert stale == []
    # And the pair's own words named below are among the encrypted ones.
    encrypted = {f"{m._meta.label}.{n}" for m, names in encrypted_fields().items() for n in names}
    assert encrypted >= {
        "mentoring.MentoringSession.summary",
        "mentoring.MentoringSession.next_steps",
        "mentoring.MentoringSession.dispute_reason",
        "mentoring.Goal.title",
        "mentoring.Goal.success",
        "mentoring.Agreement.arrangements",
        "mentoring.Concern.text",
        "mentoring.ClosingReflection.text",
        "mentoring.MentorRequest.message",
        "mentoring.MentorRequest.decline_reason",
        "mentoring.Pairing.paused_reason",
    }


@pytest.mark.django_db
def test_rotating_the_key_re_encrypts_everything_the_pair_wrote(
    programme, pairing, mentor, mentee, line_manager, settings
):
    markers = _plant(programme=programme, pairing=pairing, mentor=mentor, mentee=mentee, line_manager=line_manager)
    old = list(settings.TANDEM_NOTE_KEYS)
    new = Fernet.generate_key().decode()
    settings.TANDEM_NOTE_KEYS = [new, *old]
    out = io.StringIO()
    call_command("rotate_note_keys", stdout=out)
    assert "Re-encrypted 1 private note." in out.getvalue()
    assert "goals (title, success)" in out.getvalue() and "could not be opened" not in out.getvalue()
    settings.TANDEM_NOTE_KEYS = [new]  # the old key is gone
    _assert_readable(markers, mentor)
    # In the database, each value now opens with the new key alone.
    only_new = MultiFernet([Fernet(new.encode())])
    with connection.cursor() as cursor:
        for model, names in encrypted_fields().items():
            for name in names:
                column = model._meta.get_field(name).column
                cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE {column} <> ''")  # noqa: S608
                for (token,) in cursor.fetchall():
                    assert only_new.decrypt(token.encode()).decode() in markers.values()


@pytest.mark.django_db
def test_text_no_key_opens_reads_as_a_notice_and_saving_the_row_keeps_it(pairing, mentee, settings):
    goal = relationship.goal_create(pairing=pairing, by=mentee, data=GoalInput(title="Chair a meeting"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM mentoring_goal WHERE id = %s", [goal.pk])
        (token,) = cursor.fetchone()
    old = list(settings.TANDEM_NOTE_KEYS)
    settings.TANDEM_NOTE_KEYS = [Fernet.generate_key().decode()]
    lost = Goal.objects.get(pk=goal.pk)
    assert lost.title == UNREADABLE_NOTICE
    lost.progress = 50
    lost.save()  # the lost text is not overwritten by the notice
    settings.TANDEM_NOTE_KEYS = old
    assert Goal.objects.get(pk=goal.pk).title == "Chair a meeting"
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM mentoring_goal WHERE id = %s", [goal.pk])
        assert cursor.fetchone() == (token,)


@pytest.mark.django_db
def test_searching_encrypted_text_in_sql_is_refused_not_silently_empty(pairing, mentee):
    relationship.goal_create(pairing=pairing, by=mentee, data=GoalInput(title="Chair a meeting"))
    with pytest.raises(FieldError, match="Unsupported lookup"):
        list(Goal.objects.filter(title__icontains="chair"))
    with pytest.raises(FieldError, match="encrypted"):
        list(Goal.objects.filter(title="Chair a meeting"))
    # Whether a value is empty is metadata, and still a query.
    assert Goal.objects.filter(success="").count() == 1
    assert not Concern.objects.exclude(text="").exists()


@pytest.mark.django_db
def test_a_goal_title_is_limited_by_its_own_length_not_by_its_longer_token(pairing, mentee):
    data = {"status": Goal.Status.NOT_STARTED, "progress": 0}
    too_long = GoalForm(data={**data, "title": "x" * 201}, side="mentee")
    assert not too_long.is_valid()
    assert "at most 200 characters" in str(too_long.errors["title"])
    assert 'type="text"' in str(too_long["title"]) and 'maxlength="200"' in str(too_long["title"])
    form = GoalForm(data={**data, "title": "é" * 200}, side="mentee")
    assert form.is_valid(), form.errors
    goal = relationship.goal_create(pairing=pairing, by=mentee, data=GoalInput(title=form.cleaned_data["title"]))
    assert Goal.objects.get(pk=goal.pk).title == "é" * 200


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_text_and_its_reverse_decrypts_it(pairing, mentee):
    goal = relationship.goal_create(pairing=pairing, by=mentee, data=GoalInput(title="Lead the stand-up"))
    concerns.concern_raise(pairing=pairing, by=mentee, text="We keep cancelling")

    def raw() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT title FROM mentoring_goal WHERE id = %s", [goal.pk])
            (title,) = cursor.fetchone()
            cursor.execute("SELECT text FROM mentoring_concern")
            (text,) = cursor.fetchone()
        return title, text

    assert "Lead" not in raw()[0] and "cancelling" not in raw()[1]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: going back may unapply other apps too
    try:
        executor.migrate([("mentoring", "0007_pairing_reminded_at")])
        assert raw() == ("Lead the stand-up", "We keep cancelling")  # the reverse decrypts
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    title, text = raw()
    assert "Lead" not in title and "cancelling" not in text  # encrypted again by the forward migration
    assert Goal.objects.get(pk=goal.pk).title == "Lead the stand-up"
    assert Concern.objects.get().text == "We keep cancelling"


@pytest.mark.django_db
def test_encrypted_text_keeps_exactly_its_readers(client, pairing, mentor, mentee, coordinator):
    """A request for help and a pause reason are the coordinators' to read; goals and summaries are not."""
    goal = relationship.goal_create(pairing=pairing, by=mentee, data=GoalInput(title="Chair the team meeting"))
    relationship.session_log(
        pairing=pairing,
        by=mentor,
        data=SessionInput(
            held_on=TODAY, duration_minutes=60, mode="video", topics=[], goals=[goal], summary="We rehearsed twice"
        ),
    )
    concerns.concern_raise(pairing=pairing, by=mentee, text="We keep cancelling at short notice")
    week = TODAY + datetime.timedelta(days=7)
    lifecycle.pairing_pause(pairing=pairing, by=mentor, reason="Project deadline", resume_on=week)
    client.force_login(coordinator)
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "We keep cancelling at short notice" in page and "Project deadline" in page
    assert "Chair the team meeting" not in page and "We rehearsed twice" not in page
    client.force_login(mentee)
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "Chair the team meeting" in page and "We rehearsed twice" in page and "Project deadline" in page
    assert "We keep cancelling" not in page  # to the coordinators, not back on the pair's page
