"""Personal data rights (issue 8): the own-data export, erasure on request and retention after close."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from evaluation.models import SurveyResponse
from evaluation.selectors.personal_data import personal_data_collect, retention_due
from evaluation.selectors.reporting import report_figures
from evaluation.services.personal_data import person_erase
from evaluation.tests.factories import (
    AnswerFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
    SurveyRoundFactory,
)
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from mentoring.models import CalendarFeed, ClosingReflection, Concern, Goal, MentoringSession, PrivateNote
from mentoring.services.calendars import calendar_feed_create
from mentoring.services.concerns import concern_raise
from mentoring.services.relationship import note_write
from mentoring.tests.factories import ClosingReflectionFactory, MentoringSessionFactory, PairingFactory
from programmes.models import AuditEvent, Notification, Person, Programme, Role
from programmes.services.notifications import notification_send
from programmes.tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

MY_NOTE = "My own thoughts about confidence"
PARTNER_NOTE = "The mentor's shared note"
OTHER_NOTE = "Somebody else's note in another pairing"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(cast):
    """The mentee's pairing with notes both ways, a reflection, a concern, a notice, a feed, a linked survey
    answer; another pairing with its own note."""
    pairing = cast["pairing"]
    session = MentoringSessionFactory(
        pairing=pairing, held_on=datetime.date(2026, 3, 10), logged_by=cast["mentee"], summary="Talked about Mina"
    )
    note_write(session=session, author=cast["mentee"], text=MY_NOTE, shared=False)
    note_write(session=session, author=cast["mentor"], text=PARTNER_NOTE, shared=True)
    other = PairingFactory(programme=pairing.programme, mentor=PersonFactory(), mentee=PersonFactory())
    other_session = MentoringSessionFactory(pairing=other, held_on=datetime.date(2026, 3, 11))
    note_write(session=other_session, author=other.mentor, text=OTHER_NOTE, shared=True)
    concern_raise(pairing=pairing, by=cast["mentee"], text="Please help, Mina is stuck")
    notification_send(people=[cast["coordinator"]], text="Mina Mentee joined.", url="")
    notification_send(people=[cast["mentee"]], text="Welcome.", url="")
    calendar_feed_create(person=cast["mentee"])
    survey = SurveyFactory(programme=pairing.programme, title="Health check")
    question = QuestionFactory(survey=survey, position=1, text="How is it going?", kind="text")
    rnd = SurveyRoundFactory(
        survey=survey,
        programme=pairing.programme,
        title="Round",
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 3, 30),
    )
    response = SurveyResponseFactory(round=rnd, person=cast["mentee"], pairing=pairing)
    AnswerFactory(response=response, question=question, text="Mina says it goes well")
    return pairing


def test_the_export_holds_my_own_notes_decrypted_and_no_one_elses(client, cast, world):
    client.force_login(cast["mentee"])
    response = client.get(reverse("evaluation:my_data_zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    everything = " ".join(archive.read(name).decode() for name in archive.namelist())
    data = json.loads(archive.read("tandem-data.json"))
    assert [n["text"] for n in data["my_private_notes"]] == [MY_NOTE]
    assert MY_NOTE in archive.read("csv/my_private_notes.csv").decode()
    assert PARTNER_NOTE not in everything and OTHER_NOTE not in everything
    assert data["pairings"][0]["partner"] == "Max Mentor" and "mentor@example.org" not in everything
    assert data["sessions"][0]["summary"] == "Talked about Mina"
    assert data["concerns_raised"][0]["text"] == "Please help, Mina is stuck"
    assert data["survey_answers"][0]["text"] == "Mina says it goes well"
    assert data["profile"][0]["email"] == "mentee@example.org"
    assert AuditEvent.objects.filter(action="personal_data.exported", subject=cast["mentee"]).exists()


def test_the_partner_gets_their_own_note_but_not_mine(cast, world):
    data = personal_data_collect(person=cast["mentor"])
    assert [n["text"] for n in data["my_private_notes"]] == [PARTNER_NOTE]
    assert MY_NOTE not in json.dumps(data)


def test_your_data_page_and_its_download_need_a_login(client, cast):
    for name in ("evaluation:my_data", "evaluation:my_data_zip"):
        assert client.get(reverse(name)).status_code == 302
    client.force_login(cast["outsider"])
    assert "Download my data" in client.get(reverse("evaluation:my_data")).content.decode()


def _text_values() -> str:
    """Every text column of every row of every model, as one string to search."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if names:
            found += [str(v) for row in model._default_manager.values_list(*names) for v in row]
    return "\n".join(found)


def test_erasure_keeps_report_totals_and_leaves_no_personal_data_behind(cast, world):
    programme = world.programme
    populate(programme, {"Engineering": 6, "Operations": 5})
    backdate_memberships(programme)
    mentee = cast["mentee"]
    ClosingReflectionFactory(pairing=world, author=mentee, text="What Mina learnt")
    # The partner's own words quote her name: encrypted at rest, so scrubbed after decrypting, not in SQL.
    Goal.objects.create(pairing=world, title="Help Mina Mentee present", created_by=cast["mentor"])
    before = report_figures(programme=programme, period=QUARTER)
    assert "Mina Mentee" in _text_values() and "mentee@example.org" in _text_values()

    person_erase(person=mentee, by=cast["administrator"])

    assert report_figures(programme=programme, period=QUARTER) == before
    text = _text_values()
    assert "Mina Mentee" not in text and "mentee@example.org" not in text
    mentee.refresh_from_db()
    assert mentee.display_name == f"Former participant #{mentee.pk}"
    assert mentee.email == f"erased-{mentee.pk}@invalid"
    assert not mentee.is_active and not mentee.has_usable_password() and mentee.org_unit is not None
    assert mentee.line_manager is None and mentee.job_title == ""
    assert not PrivateNote.objects.filter(author=mentee).exists()
    assert PrivateNote.objects.filter(author=cast["mentor"]).exists()  # the partner's note is theirs
    assert not ClosingReflection.objects.filter(author=mentee).exists()
    assert not Notification.objects.filter(person=mentee).exists()
    assert not CalendarFeed.objects.filter(person=mentee).exists()
    concern = Concern.objects.get()
    assert concern.text == "" and "stuck" not in concern.alert.reason
    assert SurveyResponse.objects.get().person is None
    assert MentoringSession.objects.get(logged_by=mentee).summary == ""
    assert Goal.objects.get(created_by=cast["mentor"]).title == f"Help Former participant #{mentee.pk} present"
    assert AuditEvent.objects.get(action="personal_data.erased").actor == cast["administrator"]


def test_an_erased_actor_is_labelled_in_the_audit_log(cast, world):
    from programmes.services.audit import audit_record

    audit_record(actor=cast["mentee"], action="report.submitted")
    person_erase(person=cast["mentee"], by=cast["administrator"])
    assert AuditEvent.objects.get(action="report.submitted").actor_label == "erased person"


def test_the_admin_erases_after_a_confirmation_page(client, cast, world):
    client.force_login(cast["administrator"])
    url = reverse("admin:programmes_person_changelist")
    data = {"action": "erase_personal_data", ACTION_CHECKBOX_NAME: [cast["mentee"].pk]}
    page = client.post(url, data)
    assert page.status_code == 200 and "This cannot be undone" in page.content.decode()
    assert Person.objects.get(pk=cast["mentee"].pk).email == "mentee@example.org"  # nothing yet
    client.post(url, {**data, "confirm": "yes"})
    assert Person.objects.get(pk=cast["mentee"].pk).email.startswith("erased-")


# --- Retention ---------------------------------------------------------------------------------------------------


def _closed_programme(ends_on: datetime.date) -> tuple[Programme, Person]:
    programme = ProgrammeFactory(status=Programme.Status.CLOSED, starts_on=datetime.date(2019, 1, 1), ends_on=ends_on)
    person = PersonFactory()
    MembershipFactory(programme=programme, person=person, role=Role.MENTEE)
    return programme, person


def test_retention_erases_participants_only_after_every_programme_has_been_closed_long_enough(cast, settings):
    settings.TANDEM_RETENTION_DAYS_AFTER_CLOSE = 730
    old, gone = _closed_programme(datetime.date(2024, 1, 31))
    _, recent = _closed_programme(datetime.date(2025, 6, 30))
    still = PersonFactory()
    MembershipFactory(programme=old, person=still, role=Role.MENTOR)
    MembershipFactory(programme=cast["pairing"].programme, person=still, role=Role.MENTEE)  # still running
    coordinator = PersonFactory()
    MembershipFactory(programme=old, person=coordinator, role=Role.COORDINATOR)

    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "1 people would be erased" in out.getvalue()
    assert gone.email not in out.getvalue() and gone.display_name not in out.getvalue()
    assert Person.objects.get(pk=gone.pk).is_active  # a dry run changes nothing

    call_command("apply_retention", stdout=io.StringIO())
    gone.refresh_from_db()
    assert gone.email == f"erased-{gone.pk}@invalid"
    for person in (recent, still, coordinator):
        person.refresh_from_db()
        assert person.is_active and not person.email.startswith("erased-")
    assert retention_due() == []  # erased once, not selected again

    with time_machine.travel(datetime.datetime(2027, 7, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert [p.pk for p in retention_due()] == [recent.pk]


def test_the_latest_pairing_end_counts_when_later_than_the_programme_end(settings):
    settings.TANDEM_RETENTION_DAYS_AFTER_CLOSE = 730
    programme, person = _closed_programme(datetime.date(2024, 1, 31))
    PairingFactory(
        programme=programme,
        mentee=person,
        status="completed",
        started_on=datetime.date(2023, 9, 1),
        ended_on=datetime.date(2024, 9, 1),
    )
    assert retention_due() == []
    with time_machine.travel(datetime.datetime(2026, 9, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert [p.pk for p in retention_due()] == [person.pk]


def test_retention_zero_keeps_everything(settings):
    settings.TANDEM_RETENTION_DAYS_AFTER_CLOSE = 0
    _closed_programme(datetime.date(2020, 1, 31))
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "Retention is off" in out.getvalue() and retention_due() == []


def test_retention_runs_daily_on_the_beat(settings):
    from evaluation.tasks import apply_retention

    assert "evaluation.tasks.apply_retention" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    settings.TANDEM_RETENTION_DAYS_AFTER_CLOSE = 730
    _closed_programme(datetime.date(2020, 1, 31))
    assert apply_retention() == 1


def test_my_export_holds_the_teams_i_was_in_and_when(cast):
    from programmes.services.teams import person_units_record
    from programmes.tests.factories import OrgUnitFactory

    mentee = cast["mentee"]
    billing = OrgUnitFactory(name="Billing", parent=mentee.org_unit.parent)
    Person.objects.filter(pk=mentee.pk).update(org_unit=billing)
    person_units_record(moves={mentee.pk: (mentee.org_unit_id, billing.pk)}, on=datetime.date(2026, 3, 2))
    data = personal_data_collect(person=mentee)
    assert data["team_history"] == [
        {"team": "Support", "since": "", "until": "2026-03-02"},
        {"team": "Billing", "since": "2026-03-02", "until": None},
    ]


def test_erasure_is_a_leaving_the_running_pairing_pauses_and_the_organisations_ids_go(cast, world):
    mentee = cast["mentee"]
    Person.objects.filter(pk=mentee.pk).update(employee_id="E-1042", sso_subject="idp|8f3a")
    assert world.status == "active"

    person_erase(person=mentee, by=cast["administrator"])

    world.refresh_from_db()
    mentee.refresh_from_db()
    assert world.status == "paused"  # the partner is not left with a pairing that expects check-ins
    assert mentee.left_at is not None and mentee.employee_id is None and mentee.sso_subject is None
    assert "E-1042" not in _text_values() and "idp|8f3a" not in _text_values()
    # The partner hears of it by name only; the erased person's words are nowhere in what they are told.
    told = " ".join(Notification.objects.filter(person=cast["mentor"]).values_list("text", flat=True))
    assert "left" in told and "stuck" not in told and MY_NOTE not in told


@pytest.mark.django_db
def test_the_export_holds_my_ranking_and_my_wishes_but_never_a_wish_about_me():
    from mentoring.models import MenteeRanking, MentorStance

    programme = ProgrammeFactory(name="Autumn")
    mentee, mentor = PersonFactory(display_name="Mia Mentee"), PersonFactory(display_name="Ann Mentor")
    MenteeRanking.objects.create(programme=programme, mentee=mentee, mentor=mentor, rank=1)
    MentorStance.objects.create(programme=programme, mentor=mentor, mentee=mentee, stance="prefer_not")
    mine = personal_data_collect(person=mentee)
    assert mine["my_mentor_ranking"] == [{"programme": "Autumn", "rank": 1, "mentor": "Ann Mentor"}]
    assert mine["my_preferences_about_mentees"] == [] and "prefer_not" not in json.dumps(mine, default=str)
    theirs = personal_data_collect(person=mentor)
    assert theirs["my_preferences_about_mentees"] == [
        {"programme": "Autumn", "mentee": "Mia Mentee", "stance": "prefer_not"}
    ]
    assert theirs["my_mentor_ranking"] == []
