"""The audit log (issue 8): a row for each audited change and each look at personal data one does not own,
never the private content itself; read-only and exportable in the admin; purged after the retention time."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from evaluation.services import reports as reports
from evaluation.tests.report_world import NOW, QUARTER
from mentoring.services import lifecycle
from mentoring.services.relationship import note_write
from mentoring.tests.factories import MentoringSessionFactory, ProposedPairingFactory, approved_profile
from programmes.models import AuditEvent, Membership, Person, Role
from programmes.services import programme as programme_services
from programmes.services import time as time_services
from programmes.services.audit import audit_events_purge, audit_record
from programmes.services.enrolment import application_decide
from programmes.tests.factories import ApplicationFactory, TimeAllocationFactory

pytestmark = pytest.mark.django_db

SECRET = "I worry my manager is bullying me"  # private content that must never reach the audit log


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _settings(cast):
    programme_services.programme_update(programme=cast["pairing"].programme, by=cast["coordinator"], description="New")


def _role(cast):
    programme_services.membership_add(
        programme=cast["pairing"].programme, person=cast["outsider"], role=Role.COMMITTEE, by=cast["coordinator"]
    )


def _remove(cast):
    membership = Membership.objects.get(person=cast["committee_member"], role=Role.COMMITTEE)
    programme_services.membership_remove(membership=membership, by=cast["coordinator"])


def _member_added(cast):
    programme = cast["pairing"].programme
    programme.status = programme.Status.RECRUITING
    programme.save()
    application = ApplicationFactory(programme=programme, person=cast["outsider"], endorsement="endorsed")
    application_decide(application=application, by=cast["coordinator"], decision="approve")


def _pause(cast):
    lifecycle.pairing_pause(
        pairing=cast["pairing"], by=cast["mentee"], reason=SECRET, resume_on=datetime.date(2026, 5, 30)
    )


def _accept(cast):
    programme = cast["pairing"].programme
    cast["pairing"].delete()
    approved_profile(programme=programme, role="mentor", person=cast["mentor"])
    approved_profile(programme=programme, role="mentee", person=cast["mentee"])
    pairing = ProposedPairingFactory(programme=programme, mentor=cast["mentor"], mentee=cast["mentee"])
    lifecycle.pairing_accept(pairing=pairing, by=cast["mentor"])
    lifecycle.pairing_accept(pairing=pairing, by=cast["mentee"])


def _complete(cast):
    lifecycle.pairing_complete(pairing=cast["pairing"], by=cast["mentor"])


def _end_early(cast):
    lifecycle.pairing_end_early(pairing=cast["pairing"], by=cast["mentee"], reason_code="no_fault", rematch=False)


def _allocation(cast):
    allocation = TimeAllocationFactory(programme=cast["pairing"].programme, person=cast["mentee"])
    time_services.allocation_decide(allocation=allocation, by=cast["line_manager"], approve=False, reason=SECRET)


def _report(cast):
    report = reports.report_create(programme=cast["pairing"].programme, by=cast["coordinator"], period=QUARTER)
    report = reports.report_update(report=report, title=report.title, narrative="Grew.")
    reports.report_submit(report=report, by=cast["coordinator"])
    reports.report_sign_off(report=report, by=cast["committee_member"])
    reports.report_publish(report=report, by=cast["coordinator"])


AUDITED = [
    (_settings, "programme.settings_changed", "coordinator", None),
    (_role, "role.granted", "coordinator", "outsider"),
    (_remove, "membership.removed", "coordinator", "committee_member"),
    (_member_added, "membership.added", "coordinator", "outsider"),
    (_accept, "pairing.status_changed", "mentee", None),
    (_pause, "pairing.status_changed", "mentee", None),
    (_complete, "pairing.status_changed", "mentor", None),
    (_end_early, "pairing.status_changed", "mentee", None),
    (_allocation, "allocation.decided", "line_manager", "mentee"),
    (_report, "report.submitted", "coordinator", None),
    (_report, "report.signed_off", "committee_member", None),
    (_report, "report.published", "coordinator", None),
]


@pytest.mark.parametrize(
    ("act", "action", "actor", "subject"), AUDITED, ids=[a[1] + ":" + a[0].__name__ for a in AUDITED]
)
def test_each_audited_change_leaves_a_row_with_time_and_actor(cast, act, action, actor, subject):
    note_write(
        session=MentoringSessionFactory(pairing=cast["pairing"]), author=cast["mentee"], text=SECRET, shared=True
    )
    act(cast)
    event = AuditEvent.objects.filter(action=action).latest("pk")
    assert event.actor == cast[actor] and event.actor_label == cast[actor].email
    assert event.at == NOW
    if subject:
        assert event.subject == cast[subject]
    assert not AuditEvent.objects.filter(summary__icontains="bullying").exists()


def test_a_rolled_back_change_leaves_no_audit_row(cast):
    with pytest.raises(ValidationError), transaction.atomic():
        audit_record(actor=cast["coordinator"], action="programme.settings_changed", obj=cast["pairing"].programme)
        raise ValidationError("no")
    assert not AuditEvent.objects.exists()
    # and a failing service writes none either
    with pytest.raises(ValidationError):
        lifecycle.pairing_resume(pairing=cast["pairing"], by=cast["mentor"])  # it is not paused
    assert not AuditEvent.objects.exists()


def test_a_coordinator_opening_a_participants_training_page_is_recorded(client, cast):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:training_person", args=[cast["pairing"].programme_id, cast["mentor"].pk])
    assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 200
    event = AuditEvent.objects.get(action="personal_data.viewed")
    assert (event.actor, event.subject, event.ip_address) == (cast["coordinator"], cast["mentor"], "10.1.2.3")


def test_an_application_is_recorded_when_the_coordinator_reads_it_not_when_its_applicant_does(client, cast):
    application = ApplicationFactory(programme=cast["pairing"].programme, person=cast["outsider"])
    client.force_login(cast["outsider"])
    assert client.get(application.get_absolute_url()).status_code == 200
    assert not AuditEvent.objects.exclude(action__startswith="login.").exists()  # (logins are audited too)
    client.force_login(cast["coordinator"])
    assert client.get(application.get_absolute_url()).status_code == 200
    assert AuditEvent.objects.get(action="personal_data.viewed").subject == cast["outsider"]


def test_a_line_manager_reading_their_reports_time_is_recorded(client, cast):
    TimeAllocationFactory(programme=cast["pairing"].programme, person=cast["mentee"])
    client.force_login(cast["line_manager"])
    assert client.get(reverse("programmes:team")).status_code == 200
    event = AuditEvent.objects.get(action="personal_data.viewed")
    assert (event.actor, event.subject) == (cast["line_manager"], cast["mentee"])


def test_the_admin_lists_the_log_read_only_and_exports_it_as_safe_csv(client, cast):
    audit_record(actor=cast["coordinator"], action="role.granted", subject=cast["mentee"], summary="=HYPERLINK(1)")
    client.force_login(cast["administrator"])
    changelist = reverse("admin:programmes_auditevent_changelist")
    page = client.get(changelist, {"q": "mentee@example.org"})
    assert page.status_code == 200 and "role.granted" in page.content.decode()
    admin = site._registry[AuditEvent]
    request = page.wsgi_request
    assert not admin.has_add_permission(request) and not admin.has_delete_permission(request)
    assert not admin.has_change_permission(request)
    event = AuditEvent.objects.get(action="role.granted")
    response = client.post(changelist, {"action": "export_audit_csv", "_selected_action": [event.pk]})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][2] == "role.granted" and rows[1][6] == "mentee@example.org"
    assert rows[1][7] == "'=HYPERLINK(1)"  # a formula is neutralised


def test_old_audit_rows_are_purged_after_the_retention_time(cast, settings):
    settings.TANDEM_AUDIT_RETENTION_DAYS = 730
    audit_record(actor=cast["coordinator"], action="role.granted")
    with time_machine.travel(NOW + datetime.timedelta(days=729), tick=False):
        audit_record(actor=cast["coordinator"], action="role.granted")
        assert audit_events_purge() == 0
    with time_machine.travel(NOW + datetime.timedelta(days=731), tick=False):
        assert audit_events_purge() == 1
    assert AuditEvent.objects.count() == 1
    settings.TANDEM_AUDIT_RETENTION_DAYS = 0
    with time_machine.travel(NOW + datetime.timedelta(days=5000), tick=False):
        assert audit_events_purge() == 0


def test_the_purge_task_is_on_the_daily_beat(settings):
    from programmes.tasks import purge_old_audit_events

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "programmes.tasks.purge_old_audit_events" in tasks
    assert purge_old_audit_events() == 0


def test_erased_people_leave_their_label_behind(cast):
    event = audit_record(actor=cast["outsider"], action="role.granted")
    Person.objects.filter(pk=cast["outsider"].pk).delete()
    event.refresh_from_db()
    assert event.actor is None and event.actor_label == "outsider@example.org"
