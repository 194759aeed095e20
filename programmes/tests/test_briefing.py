"""Line managers' part (issue 20): the line manager briefing in the catalogue, tracked as training; the
coordinators' view per programme with a reminder once a day; the team page's time per report, its parts, and a
fixed number of queries whatever the number of reports."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from mentoring.models import ReflectionTime
from programmes.models import BriefingReminder, Course, Membership, Notification, Role, TimeAllocation, TrainingRecord
from programmes.selectors.briefing import briefing_course, my_briefing
from programmes.services.briefing import briefing_record, briefing_remind
from programmes.tests.factories import MembershipFactory, PersonFactory, TimeAllocationFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def briefing_in_the_catalogue(db):
    # Made by issue 20's migration; a test that flushes the database (the browser tests) takes it away for the
    # tests after it on the same worker, so make sure of it as the migration does.
    Course.objects.get_or_create(
        title="Line manager briefing", defaults={"kind": Course.Kind.BRIEFING, "validity_months": 36}
    )


def test_the_catalogue_holds_the_line_manager_briefing_with_a_translated_title():
    course = briefing_course()
    assert course is not None and course.kind == Course.Kind.BRIEFING and course.is_active
    with translation.override("de"):
        assert course.display_title != "Line manager briefing"
        assert course.get_kind_display() != "Line manager briefing"
    assert course.display_title == "Line manager briefing"


def _managers_page(client, coordinator, programme, **query):
    client.force_login(coordinator)
    return client.get(reverse("programmes:briefings", args=[programme.pk]), query).content.decode()


def test_coordinators_see_who_of_their_participants_line_managers_is_briefed(
    client, programme, coordinator, mentee, line_manager
):
    expired_manager = PersonFactory(display_name="Ezra Expired")
    unbriefed = PersonFactory(display_name="Nora Notyet")
    for manager in (expired_manager, unbriefed):
        MembershipFactory(programme=programme, person=PersonFactory(line_manager=manager), role=Role.MENTOR)
    PersonFactory(display_name="Otto Otherteam")  # manages nobody in the programme
    course = briefing_course()
    TrainingRecordFactory(
        person=line_manager,
        course=course,
        status="completed",
        completed_on=datetime.date(2026, 1, 5),
        expires_on=datetime.date(2029, 1, 5),
    )
    TrainingRecordFactory(
        person=expired_manager,
        course=course,
        status="expired",
        completed_on=datetime.date(2022, 1, 5),
        expires_on=datetime.date(2025, 1, 5),
    )
    html = _managers_page(client, coordinator, programme)
    assert "Lena Manager" in html and "Mina Mentee" in html
    assert "Ezra Expired" in html and "Briefing expired" in html
    assert "Nora Notyet" in html and "Not briefed" in html
    assert "Otto Otherteam" not in html
    only_none = _managers_page(client, coordinator, programme, status="none")
    assert "Nora Notyet" in only_none and "Lena Manager" not in only_none and "Ezra Expired" not in only_none


def test_recording_a_briefing_keeps_a_training_record_and_the_team_page_says_so(
    client, programme, coordinator, mentee, line_manager
):
    client.force_login(line_manager)
    team = client.get(reverse("programmes:team")).content.decode()
    assert "You have not taken the line manager briefing yet." in team
    client.force_login(coordinator)
    url = reverse("programmes:briefing_record", args=[programme.pk, line_manager.pk])
    assert client.post(url, {"completed_on": "2026-11-20"}).status_code == 302
    record = TrainingRecord.objects.get(person=line_manager)
    assert record.course == briefing_course() and record.status == "completed"
    assert record.expires_on == datetime.date(2029, 11, 20)
    assert my_briefing(line_manager, today=TODAY).status == "briefed"
    client.force_login(line_manager)
    assert (
        "You took the briefing on 20 Nov 2026; it is valid until 20 Nov 2029."
        in client.get(reverse("programmes:team")).content.decode()
    )


def test_a_briefing_is_recorded_only_for_a_line_manager_of_the_programme(client, programme, coordinator, mentee):
    stranger = PersonFactory()
    client.force_login(coordinator)
    url = reverse("programmes:briefing_record", args=[programme.pk, stranger.pk])
    assert client.post(url, {"completed_on": "2026-11-20"}).status_code == 404
    assert not TrainingRecord.objects.exists()
    with pytest.raises(Exception, match="manages nobody"):
        briefing_record(programme=programme, manager=stranger, completed_on=TODAY, by=coordinator)


def test_a_future_or_missing_date_records_nothing(client, programme, coordinator, mentee, line_manager):
    client.force_login(coordinator)
    url = reverse("programmes:briefing_record", args=[programme.pk, line_manager.pk])
    for value in ("2026-12-24", "", "24/11/2026"):
        response = client.post(url, {"completed_on": value}, follow=True)
        assert response.status_code == 200
        assert "date" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_reminders_go_to_those_not_briefed_once_a_day_whoever_asks(programme, coordinator, mentee, line_manager):
    briefed = PersonFactory(display_name="Bea Briefed")
    MembershipFactory(programme=programme, person=PersonFactory(line_manager=briefed), role=Role.MENTOR)
    briefing_record(programme=programme, manager=briefed, completed_on=TODAY, by=coordinator)
    assert briefing_remind(programme=programme, by=coordinator) == 1
    assert briefing_remind(programme=programme, by=coordinator) == 0  # pressed again the same day
    assert Notification.objects.filter(person=line_manager).count() == 1
    assert not Notification.objects.filter(person=briefed).exists()
    assert [m.to for m in mail.outbox] == [[line_manager.email]]
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert briefing_remind(programme=programme, by=coordinator) == 1
    assert BriefingReminder.objects.filter(person=line_manager).count() == 2


@pytest.mark.parametrize("managers", [2, 12])
def test_the_briefing_page_runs_the_same_queries_whatever_the_line_managers(
    client, programme, coordinator, django_assert_num_queries, managers
):
    for index in range(managers):
        manager = PersonFactory(display_name=f"Manager {index}")
        for _ in range(2):
            MembershipFactory(programme=programme, person=PersonFactory(line_manager=manager), role=Role.MENTEE)
    client.force_login(coordinator)
    # Queries: the session, the user, the programme with the coordinator's roles, navigation and unread counts as
    # on every programme page, the totals (one), the paginator count, one page of line managers with their
    # briefing, their reports in the programme (one prefetch), the catalogue's briefing.
    with django_assert_num_queries(10):
        response = client.get(reverse("programmes:briefings", args=[programme.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Not briefed") == 1 + min(managers, 25)


def _report(manager, programme, index):
    person = PersonFactory(display_name=f"Report {index:02}", line_manager=manager)
    Membership.objects.create(programme=programme, person=person, role=Role.MENTEE)
    TimeAllocationFactory(
        programme=programme,
        person=person,
        month=datetime.date(2026, 11, 1),
        hours=Decimal("4.0"),
        status=TimeAllocation.Status.APPROVED,
    )
    ReflectionTime.objects.create(person=person, programme=programme, day=TODAY, hours=Decimal("1.5"))
    return person


@pytest.mark.parametrize("reports", [2, 20])
def test_the_team_page_shows_each_reports_time_with_its_parts_in_fixed_queries(
    client, programme, line_manager, django_assert_num_queries, reports
):
    for index in range(reports):
        _report(line_manager, programme, index)
    client.force_login(line_manager)
    # Queries: the session, the user, the areas check, the paginator count, one page of reports, their
    # participations with their time and its parts (one, summed in the database), the audit rows (one insert),
    # the allocations and the applications waiting, and the manager's own briefing: none per report. The panels
    # other apps add: the learning opportunities waiting and taken up (2), the audit panel of someone who leads no
    # unit (the unit tree and the leads, 2).
    with django_assert_num_queries(14):
        html = client.get(reverse("programmes:team")).content.decode()
    assert html.count("Reflection 1.5 h") == 2 * min(reports, 25)  # this month, and the programme so far
    assert "This month: 1.5 of 4.0 h" in html
