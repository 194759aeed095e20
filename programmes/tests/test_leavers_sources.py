"""Leavers from every source (issue 16, point 7 and 8), on the organisation's side: a leaver cannot log in and is
logged out at once, ``left_at`` and the audit say when and from where, leaving twice changes nothing, the
coordinators hear of the people a leaver line-managed, the admin's actions ask first, and someone who comes back
can log in again with their history. The relationship side (pairings, requests, proposals, movers):
mentoring/tests/test_leavers.py."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from programmes.models import Application, AuditEvent, Notification, Person, Role, TimeAllocation
from programmes.selectors.time import programme_participants_time
from programmes.services.leavers import people_leave, person_deactivate, person_reactivate
from programmes.tests.factories import (
    PASSWORD,
    ApplicationFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
)


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Grow")


@pytest.fixture
def coordinator(programme):
    person = PersonFactory(display_name="Cora Coordinator", email="cora@example.org")
    MembershipFactory(programme=programme, person=person, role=Role.COORDINATOR)
    return person


@pytest.fixture
def admin_person(db):
    return PersonFactory(email="hr-admin@example.org", display_name="Hana Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def leaver(programme):
    person = PersonFactory(display_name="Gil Gone", email="gil@example.org")
    MembershipFactory(programme=programme, person=person, role=Role.MENTEE)
    return person


def login(client, email: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


# --- Cannot log in, and is out at once ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_leaver_with_the_right_password_is_told_the_account_is_closed_and_is_not_logged_in(client, leaver):
    people_leave(person_ids=[leaver.pk], by=None, source="scim", why="deactivated")
    response = login(client, "gil@example.org")
    assert response.status_code == 200
    assert "This account is closed because you have left the organisation" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A wrong password says nothing about the account.
    response = login(client, "gil@example.org", "not-the-password")
    assert "closed" not in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_leaver_who_is_logged_in_is_out_at_once_and_nobody_else_is(client, leaver, coordinator):
    client.force_login(leaver)
    other = type(client)()
    other.force_login(coordinator)
    assert Session.objects.count() == 2
    person_deactivate(person=leaver, by=None, source="admin")
    assert Session.objects.count() == 1
    response = client.get(reverse("programmes:notifications"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert other.get(reverse("programmes:notifications")).status_code == 200


# --- When, from where, and only once --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["admin", "hr_file", "scim"])
def test_leaving_records_when_and_the_source_and_twice_changes_nothing_more(programme, coordinator, leaver, source):
    ApplicationFactory(programme=programme, person=leaver, role=Role.MENTOR)
    assert people_leave(person_ids=[leaver.pk], by=None, source=source, why="deactivated") == [leaver.pk]
    leaver.refresh_from_db()
    assert not leaver.is_active and leaver.left_at is not None
    left_at = leaver.left_at
    [event] = AuditEvent.objects.filter(action="person.left", subject=leaver)
    assert event.summary == f"Left the organisation (deactivated); source: {source}."
    notices = Notification.objects.filter(person=coordinator).count()

    assert people_leave(person_ids=[leaver.pk], by=None, source=source, why="deactivated") == []
    person_deactivate(person=leaver, by=None, source=source)
    assert Person.objects.get(pk=leaver.pk).left_at == left_at
    assert AuditEvent.objects.filter(action="person.left", subject=leaver).count() == 1
    assert Notification.objects.filter(person=coordinator).count() == notices


@pytest.mark.django_db
def test_someone_made_inactive_without_a_date_is_processed_once_when_passed(programme, coordinator, leaver):
    # The HR file's status column writes is_active directly, then calls people_leave.
    ApplicationFactory(programme=programme, person=leaver, role=Role.MENTOR)
    Person.objects.filter(pk=leaver.pk).update(is_active=False)
    assert people_leave(person_ids=[leaver.pk], by=None, source="hr_file", why="the HR file says they have left")
    assert Person.objects.get(pk=leaver.pk).left_at is not None
    assert Application.objects.get(person=leaver).status == Application.Status.WITHDRAWN


# --- Their line management of others ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_coordinators_hear_that_a_leavers_reports_need_a_new_line_manager(programme, coordinator):
    boss = PersonFactory(display_name="Bea Boss")
    ann = PersonFactory(display_name="Ann Archer", line_manager=boss)
    bob = PersonFactory(display_name="Bob Baker", line_manager=boss)
    PersonFactory(display_name="Una Unrelated", line_manager=boss)  # in no programme: nobody to tell
    MembershipFactory(programme=programme, person=ann, role=Role.MENTEE)
    other = ProgrammeFactory(name="Lead")
    other_coordinator = PersonFactory(display_name="Olga Other")
    MembershipFactory(programme=other, person=other_coordinator, role=Role.COORDINATOR)
    # Bob takes part in no programme, but has protected time in "Lead" that Bea approved.
    TimeAllocation.objects.create(programme=other, person=bob, month=datetime.date(2026, 3, 1), hours=4)
    third = ProgrammeFactory(name="Quiet")
    quiet_coordinator = PersonFactory(display_name="Quinn Quiet")
    MembershipFactory(programme=third, person=quiet_coordinator, role=Role.COORDINATOR)

    people_leave(person_ids=[boss.pk], by=None, source="scim", why="deactivated")

    [notice] = Notification.objects.filter(person=coordinator)
    assert notice.text == "Bea Boss managed Ann Archer: their protected-time approvals need a new line manager."
    assert notice.url == reverse("programmes:time", args=[programme.pk])
    [notice] = Notification.objects.filter(person=other_coordinator)
    assert notice.text == "Bea Boss managed Bob Baker: their protected-time approvals need a new line manager."
    assert not Notification.objects.filter(person=quiet_coordinator).exists()


@pytest.mark.django_db
def test_a_report_whose_manager_left_shows_no_line_manager_on_the_time_page(programme, coordinator):
    boss = PersonFactory(display_name="Bea Boss")
    ann = PersonFactory(display_name="Ann Archer", line_manager=boss)
    MembershipFactory(programme=programme, person=ann, role=Role.MENTEE)
    month = datetime.date(2026, 3, 1)
    [row] = programme_participants_time(programme.pk, month=month, today=month)
    assert not row.time_flag_no_manager
    people_leave(person_ids=[boss.pk], by=None, source="admin", why="deactivated")
    [row] = programme_participants_time(programme.pk, month=month, today=month)
    assert row.time_flag_no_manager


# --- Coming back ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_someone_who_comes_back_can_log_in_again_with_their_history(client, programme, coordinator, leaver):
    application = ApplicationFactory(programme=programme, person=leaver, role=Role.MENTEE)
    person_deactivate(person=leaver, by=None)
    Notification.objects.all().delete()

    person_reactivate(person=leaver, by=None, source="scim")
    person_reactivate(person=leaver, by=None, source="scim")  # twice: nothing more

    leaver.refresh_from_db()
    assert leaver.is_active and leaver.left_at is None
    response = login(client, "gil@example.org")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(leaver.pk)
    # History kept: the membership is there, the withdrawn application stays withdrawn.
    assert leaver.memberships.filter(programme=programme, role=Role.MENTEE).exists()
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    [notice] = Notification.objects.filter(person=coordinator)
    assert notice.text.startswith("Gil Gone is back in the organisation and can log in again, with their history.")
    assert "stay paused until you resume them" in notice.text
    [event] = AuditEvent.objects.filter(action="person.reactivated", subject=leaver)
    assert event.summary == "Back; source: scim."


# --- The Django admin: actions that ask first, and the Active box ---------------------------------------------


def changelist_action(client, action: str, people: list[Person], **extra):
    data = {"action": action, "_selected_action": [p.pk for p in people], **extra}
    return client.post(reverse("admin:programmes_person_changelist"), data)


@pytest.mark.django_db
def test_mark_as_left_in_the_admin_asks_first_then_makes_them_leave(client, admin_person, coordinator, leaver):
    client.force_login(admin_person)
    response = changelist_action(client, "mark_as_left", [leaver])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Gil Gone (gil@example.org)" in page and "Yes, mark as left" in page
    assert Person.objects.get(pk=leaver.pk).is_active  # nothing done yet

    response = changelist_action(client, "mark_as_left", [leaver], confirm="yes")
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active and leaver.left_at is not None
    [event] = AuditEvent.objects.filter(action="person.left", subject=leaver)
    assert event.actor == admin_person and event.summary.endswith("source: admin.")


@pytest.mark.django_db
def test_an_administrator_cannot_mark_themselves_as_left(client, admin_person):
    client.force_login(admin_person)
    response = changelist_action(client, "mark_as_left", [admin_person], confirm="yes")
    assert response.status_code == 302
    assert Person.objects.get(pk=admin_person.pk).is_active


@pytest.mark.django_db
def test_reactivate_in_the_admin_asks_first_then_brings_them_back(client, admin_person, coordinator, leaver):
    person_deactivate(person=leaver, by=None)
    client.force_login(admin_person)
    response = changelist_action(client, "reactivate", [leaver])
    assert response.status_code == 200 and "Yes, reactivate" in response.content.decode()
    assert not Person.objects.get(pk=leaver.pk).is_active

    changelist_action(client, "reactivate", [leaver], confirm="yes")
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.left_at is None
    assert Notification.objects.filter(person=coordinator, text__startswith="Gil Gone is back").exists()


def change_form_post(client, person: Person, **changes):
    url = reverse("admin:programmes_person_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("groups", "user_permissions", "password", "last_login", "left_at")
    }
    data["date_joined_0"] = person.date_joined.strftime("%Y-%m-%d")
    data["date_joined_1"] = person.date_joined.strftime("%H:%M:%S")
    data.pop("date_joined", None)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)  # an unticked box: a browser sends nothing
        else:
            data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


@pytest.mark.django_db
def test_unticking_and_ticking_active_in_the_admin_goes_through_the_leavers_services(
    client, admin_person, coordinator, leaver
):
    client.force_login(admin_person)
    change_form_post(client, leaver, is_active=None)
    leaver.refresh_from_db()
    assert not leaver.is_active and leaver.left_at is not None
    assert AuditEvent.objects.filter(action="person.left", subject=leaver).exists()

    change_form_post(client, leaver, is_active="on")
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.left_at is None
    assert AuditEvent.objects.filter(action="person.reactivated", subject=leaver).exists()
