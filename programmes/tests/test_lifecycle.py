"""Programme set-up and lifecycle: every status change is a service with rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import Membership, Notification, Programme, Role
from programmes.services import programme as services
from programmes.tests.factories import (
    ApplicationFactory,
    EnrolmentQuestionFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db
S = Programme.Status


def test_a_new_programme_is_a_draft_with_its_creator_as_coordinator(coordinator):
    programme = services.programme_create(by=coordinator, name="  Women in Tech  ", description="x")
    assert programme.status == S.DRAFT and programme.name == "Women in Tech"
    assert Membership.objects.filter(programme=programme, person=coordinator, role=Role.COORDINATOR).exists()


def test_enrolment_opens_only_with_a_start_date_and_a_description(coordinator):
    programme = services.programme_create(by=coordinator, name="P", description="")
    with pytest.raises(ValidationError, match="a start date and a description"):
        services.programme_transition(programme=programme, to=S.RECRUITING, by=coordinator)
    services.programme_update(
        programme=programme, by=coordinator, description="About", starts_on=datetime.date(2027, 1, 4)
    )
    assert services.programme_transition(programme=programme, to=S.RECRUITING, by=coordinator).status == S.RECRUITING


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.DRAFT, S.MATCHING),
        (S.DRAFT, S.RUNNING),
        (S.RECRUITING, S.RUNNING),
        (S.RUNNING, S.RECRUITING),
        (S.CLOSED, S.RUNNING),
    ],
)
def test_invalid_transitions_are_refused(coordinator, start, to):
    programme = ProgrammeFactory(status=start, starts_on=datetime.date(2027, 1, 4))
    with pytest.raises(ValidationError, match="cannot become"):
        services.programme_transition(programme=programme, to=to, by=coordinator)
    programme.refresh_from_db()
    assert programme.status == start


def test_no_matching_while_applications_wait_for_a_decision(coordinator):
    programme = ProgrammeFactory(status=S.RECRUITING)
    ApplicationFactory(programme=programme, status="applied")
    with pytest.raises(ValidationError, match="1 application still waits for your decision"):
        services.programme_transition(programme=programme, to=S.MATCHING, by=coordinator)


def test_matching_needs_approved_mentors_and_mentees(coordinator):
    programme = ProgrammeFactory(status=S.RECRUITING)
    MembershipFactory(programme=programme, role=Role.MENTEE)
    with pytest.raises(ValidationError, match="at least one approved mentor and one approved mentee"):
        services.programme_transition(programme=programme, to=S.MATCHING, by=coordinator)
    MembershipFactory(programme=programme, role=Role.MENTOR)
    assert services.programme_transition(programme=programme, to=S.MATCHING, by=coordinator).status == S.MATCHING


def test_no_going_back_to_draft_once_people_applied(coordinator):
    programme = ProgrammeFactory(status=S.RECRUITING)
    ApplicationFactory(programme=programme)
    with pytest.raises(ValidationError, match="already applied"):
        services.programme_transition(programme=programme, to=S.DRAFT, by=coordinator)


def test_closing_with_active_pairings_needs_confirmation(pairing, coordinator, committee_member):
    programme = pairing.programme
    with pytest.raises(ValidationError, match="1 pairing is still active"):
        services.programme_transition(programme=programme, to=S.CLOSING, by=coordinator)
    services.programme_transition(programme=programme, to=S.CLOSING, by=coordinator, confirm=True)
    programme.refresh_from_db()
    assert programme.status == S.CLOSING
    assert Notification.objects.filter(person=committee_member, text__contains="to closing").exists()


def test_a_programme_keeps_at_least_one_coordinator(programme, coordinator):
    membership = Membership.objects.get(programme=programme, person=coordinator)
    with pytest.raises(ValidationError, match="at least one coordinator"):
        services.membership_remove(membership=membership, by=coordinator)
    services.membership_add(programme=programme, person=PersonFactory(), role=Role.COORDINATOR, by=coordinator)
    services.membership_remove(membership=membership, by=coordinator)


def test_participants_are_not_added_by_hand(programme, coordinator):
    with pytest.raises(ValidationError, match="join by applying"):
        services.membership_add(programme=programme, person=PersonFactory(), role=Role.MENTEE, by=coordinator)


def test_making_a_mentee_the_coordinator_warns_and_needs_confirmation(programme, coordinator, mentee, pairing):
    """A participant made coordinator sees the other pairs' metadata; say so, ask first."""
    from django.test import Client

    from config.tests.html_forms import form_of

    web = Client(enforce_csrf_checks=True)
    web.force_login(coordinator)
    add = reverse("programmes:member_add", args=[programme.pk])
    data = form_of(web.get(reverse("programmes:settings", args=[programme.pk])).content.decode(), action=add).data()
    data.update(email=mentee.email, role=Role.COORDINATOR)
    warning = web.post(add, data)
    page = warning.content.decode()
    assert warning.status_code == 200
    assert "is a mentee in this programme" in page and "see every other pair&#x27;s metadata" in page
    assert not Membership.objects.filter(person=mentee, role=Role.COORDINATOR).exists()

    confirm = form_of(page, action=add).data()
    assert "participant_confirmed" not in confirm  # unticked: a browser sends nothing
    web.post(add, confirm)
    assert not Membership.objects.filter(person=mentee, role=Role.COORDINATOR).exists()
    web.post(add, form_of(web.post(add, data).content.decode(), action=add).data(participant_confirmed="on"))  # ticked
    assert Membership.objects.filter(person=mentee, role=Role.COORDINATOR).exists()


def test_only_a_participant_needs_confirming_to_become_coordinator(programme, coordinator, mentee):
    other = PersonFactory()
    services.membership_add(programme=programme, person=other, role=Role.COORDINATOR, by=coordinator)
    with pytest.raises(ValidationError, match="is a mentee in this programme") as exc:
        services.membership_add(programme=programme, person=mentee, role=Role.COORDINATOR, by=coordinator)
    assert exc.value.error_list[0].code == "participant_coordinator"
    services.membership_add(programme=programme, person=mentee, role=Role.COMMITTEE, by=coordinator)


def test_an_answered_question_cannot_be_removed(coordinator):
    programme = ProgrammeFactory(status=S.RECRUITING)
    question = EnrolmentQuestionFactory(programme=programme)
    application = ApplicationFactory(programme=programme)
    application.answers.create(question=question, text="yes")
    with pytest.raises(ValidationError, match="already answered"):
        services.question_remove(question=question, by=coordinator)


def test_settings_page_saves_and_rejects_bad_values(client, programme, coordinator):
    client.force_login(coordinator)
    url = reverse("programmes:settings", args=[programme.pk])
    data = {
        "name": programme.name,
        "description": "d",
        "goals": "g",
        "starts_on": "2026-03-01",
        "ends_on": "2026-02-01",
        "checkin_cadence_days": 3,
        "intensive_checkins": 2,
        "intensive_days": 30,
        "escalation_grace_days": 7,
        "mentor_hours_per_month": "2.0",
        "mentee_hours_per_month": "3.0",
        "default_mentor_capacity": 2,
        "endorsement_reminder_days": 5,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "cannot end before it starts" in content
    assert "greater than or equal to 7" in content
    data.update(ends_on="2027-02-28", checkin_cadence_days=21)
    assert client.post(url, data).status_code == 302
    programme.refresh_from_db()
    assert programme.checkin_cadence_days == 21


def test_status_buttons_move_the_programme_and_explain_refusals(client, coordinator):
    programme = ProgrammeFactory(status=S.DRAFT, description="")
    MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    client.force_login(coordinator)
    response = client.post(reverse("programmes:transition", args=[programme.pk]), {"to": "recruiting"}, follow=True)
    assert "Before opening enrolment" in response.content.decode()
    response = client.post(reverse("programmes:transition", args=[programme.pk]), {"to": "bogus"}, follow=True)
    assert "Unknown status" in response.content.decode()


def test_closing_a_programme_leaves_nobody_waiting(coordinator):
    from programmes.models import Application, TimeAllocation
    from programmes.tests.factories import TimeAllocationFactory

    programme = ProgrammeFactory(status=S.CLOSING)
    MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    waiting = ApplicationFactory(programme=programme, status="waitlisted")
    TimeAllocationFactory(programme=programme, status="pending")
    services.programme_transition(programme=programme, to=S.CLOSED, by=coordinator)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decision_reason) == (Application.Status.DECLINED, "The programme has closed.")
    assert Notification.objects.filter(person=waiting.person, text__contains="has closed").exists()
    assert not TimeAllocation.objects.filter(programme=programme, status="pending").exists()


def test_the_line_manager_does_not_see_the_coordinators_reason(client, coordinator, line_manager):
    programme = ProgrammeFactory(status=S.RECRUITING)
    application = ApplicationFactory(
        programme=programme,
        person=PersonFactory(line_manager=line_manager),
        status="waitlisted",
        decision_reason="Concerns about performance",
        endorsement="endorsed",
    )
    client.force_login(line_manager)
    assert "Concerns about performance" not in client.get(application.get_absolute_url()).content.decode()
    client.force_login(application.person)
    assert "Concerns about performance" in client.get(application.get_absolute_url()).content.decode()
