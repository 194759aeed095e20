"""Enrolment rules, at the service level: apply, endorse, decide, withdraw, remind; and the skills vocabulary."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import Application, ApplicationSkill, Membership, Notification, Programme, Role, Skill
from programmes.services import enrolment as services
from programmes.services.enrolment import SkillChoice
from programmes.tests.factories import (
    ApplicationFactory,
    EnrolmentQuestionFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruiting(coordinator):
    programme = ProgrammeFactory(name="New Leaders", status=Programme.Status.RECRUITING)
    MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    return programme


@pytest.fixture
def applicant(line_manager):
    return PersonFactory(email="ana@example.org", display_name="Ana Applicant", line_manager=line_manager)


def apply(programme, person, role=Role.MENTEE, **overrides):
    skill = overrides.pop("skill", None) or Skill.objects.get_or_create(name="Public speaking")[0]
    data = {
        "programme": programme,
        "person": person,
        "role": role,
        "goals": "Lead my first team.",
        "meeting_mode": "either",
        "availability": ["mon-am", "thu-pm"],
        "languages": ["English"],
        "skills": [SkillChoice(skill=skill, level=2)],
        "capacity": 2 if role == Role.MENTOR else None,
    }
    data.update(overrides)
    return services.application_submit(**data)


def test_applying_asks_the_line_manager_and_tells_the_coordinators(recruiting, applicant, line_manager, coordinator):
    application = apply(recruiting, applicant)
    assert application.status == Application.Status.APPLIED
    assert application.endorsement == Application.Endorsement.PENDING
    assert Notification.objects.filter(person=line_manager, text__contains="Please endorse").exists()
    assert Notification.objects.filter(person=coordinator, text__startswith="New application").exists()
    manager_mail = next(m for m in mail.outbox if m.to == [line_manager.email])
    assert "Not answering is not taken as a yes" in manager_mail.body
    assert "3.0 hours a month" in manager_mail.body  # the mentee default of the programme


def test_without_a_line_manager_no_endorsement_is_needed(recruiting):
    application = apply(recruiting, PersonFactory())
    assert application.endorsement == Application.Endorsement.NOT_NEEDED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"skills": []}, "at least one skill"),
        ({"availability": []}, "Tick at least one time"),
        ({"availability": ["sun-am"]}, "Unknown time slot"),
        ({"languages": []}, "at least one language"),
    ],
)
def test_an_incomplete_application_is_refused_with_the_reason(recruiting, applicant, overrides, message):
    with pytest.raises(ValidationError, match=message):
        apply(recruiting, applicant, **overrides)
    assert not Application.objects.exists()


def test_a_mentor_must_say_how_many_mentees(recruiting, applicant):
    with pytest.raises(ValidationError, match="how many mentees"):
        apply(recruiting, applicant, role=Role.MENTOR, capacity=None)


def test_one_open_application_per_programme(recruiting, applicant):
    apply(recruiting, applicant)
    with pytest.raises(ValidationError, match="already have an application"):
        apply(recruiting, applicant, skill=SkillFactory())


def test_only_recruiting_programmes_take_applications(programme, applicant):
    with pytest.raises(ValidationError, match="not taking applications"):
        apply(programme, applicant)


def test_required_questions_must_be_answered(recruiting, applicant):
    question = EnrolmentQuestionFactory(programme=recruiting, text="Why now?", required=True)
    with pytest.raises(ValidationError, match="Why now"):
        apply(recruiting, applicant)
    application = apply(recruiting, applicant, answers={question.pk: "Because."})
    assert application.answers.get().text == "Because."


def test_only_the_own_line_manager_endorses(recruiting, applicant, line_manager):
    application = apply(recruiting, applicant)
    with pytest.raises(ValidationError, match="Only the applicant's line manager"):
        services.application_endorse(application=application, by=PersonFactory(), endorse=True)
    with pytest.raises(ValidationError, match="Say why"):
        services.application_endorse(application=application, by=line_manager, endorse=False)
    services.application_endorse(application=application, by=line_manager, endorse=True)
    application.refresh_from_db()
    assert application.endorsement == Application.Endorsement.ENDORSED
    with pytest.raises(ValidationError, match="already answered"):
        services.application_endorse(application=application, by=line_manager, endorse=False, reason="x")


def test_silence_is_not_consent_approval_waits_for_the_endorsement(recruiting, applicant, coordinator, line_manager):
    application = apply(recruiting, applicant)
    with pytest.raises(ValidationError, match="Silence is not consent"):
        services.application_decide(application=application, by=coordinator, decision="approve")
    services.application_endorse(application=application, by=line_manager, endorse=True)
    services.application_decide(application=application, by=coordinator, decision="approve")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert Membership.objects.filter(programme=recruiting, person=applicant, role=Role.MENTEE).exists()
    assert Notification.objects.filter(person=line_manager, text__contains="joins New Leaders").exists()


def test_a_declined_endorsement_blocks_approval(recruiting, applicant, coordinator, line_manager):
    application = apply(recruiting, applicant)
    services.application_endorse(application=application, by=line_manager, endorse=False, reason="Busy quarter")
    with pytest.raises(ValidationError, match="Busy quarter"):
        services.application_decide(application=application, by=coordinator, decision="approve")


def test_declining_needs_a_reason_the_applicant_sees(recruiting, applicant, coordinator):
    application = apply(recruiting, applicant)
    with pytest.raises(ValidationError, match="reason"):
        services.application_decide(application=application, by=coordinator, decision="decline")
    services.application_decide(application=application, by=coordinator, decision="decline", reason="Full this year")
    assert Notification.objects.filter(person=applicant, text__contains="Full this year").exists()
    assert any("declined" in m.subject for m in mail.outbox if m.to == [applicant.email])


def test_only_the_programmes_coordinators_decide(recruiting, applicant, line_manager):
    application = apply(recruiting, applicant)
    with pytest.raises(ValidationError, match="Only the programme's coordinators"):
        services.application_decide(application=application, by=line_manager, decision="waitlist")


def test_waitlisted_then_approved(recruiting, coordinator):
    application = apply(recruiting, PersonFactory())
    services.application_decide(application=application, by=coordinator, decision="waitlist")
    services.application_decide(application=application, by=coordinator, decision="approve")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED


def test_withdrawing_is_for_the_applicant_before_approval(recruiting, applicant, coordinator):
    application = apply(recruiting, applicant)
    with pytest.raises(ValidationError, match="Only the applicant"):
        services.application_withdraw(application=application, by=coordinator)
    services.application_withdraw(application=application, by=applicant)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    again = apply(recruiting, applicant, skill=SkillFactory())  # a withdrawn application does not block a new one
    assert again.status == Application.Status.APPLIED


def test_silent_managers_are_reported_to_coordinators_once(recruiting, applicant, coordinator):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC), tick=False):
        apply(recruiting, applicant)
    with time_machine.travel(datetime.datetime(2026, 11, 5, 9, tzinfo=datetime.UTC), tick=False):
        assert services.applications_remind_silent_managers() == 0  # 3 days: not yet (the default is 5)
    with time_machine.travel(datetime.datetime(2026, 11, 12, 9, tzinfo=datetime.UTC), tick=False):
        assert services.applications_remind_silent_managers() == 1
        assert services.applications_remind_silent_managers() == 0  # the second sweep finds it claimed
    note = Notification.objects.get(person=coordinator, text__contains="has not answered")
    assert "for 10 days" in note.text


def test_skill_merge_moves_every_use_and_keeps_the_synonym(recruiting, applicant):
    negotiating = SkillFactory(name="Negotiating")
    negotiation = SkillFactory(name="Negotiation")
    application = apply(recruiting, applicant, skills=[SkillChoice(negotiating, 3), SkillChoice(negotiation, 1)])
    other = apply(recruiting, PersonFactory(), skills=[SkillChoice(negotiating, 2)])
    services.skill_merge(source=negotiating, target=negotiation, by=applicant)
    assert list(application.skills.values_list("skill__name", "level")) == [("Negotiation", 3)]
    assert list(other.skills.values_list("skill__name", flat=True)) == ["Negotiation"]
    assert Skill.objects.canonical().filter(name="Negotiating").exists() is False
    assert Skill.objects.get(name="Negotiating").merged_into == negotiation
    with pytest.raises(ValidationError, match="already exists as “Negotiation”"):
        services.skill_create(name="negotiating", by=applicant)
    assert ApplicationSkill.objects.filter(skill=negotiating).count() == 0


def test_a_skill_cannot_be_merged_into_a_synonym(applicant):
    a, b, c = SkillFactory(), SkillFactory(), SkillFactory()
    services.skill_merge(source=a, target=b, by=applicant)
    with pytest.raises(ValidationError, match="itself a synonym"):
        services.skill_merge(source=c, target=a, by=applicant)


# --- Pages -------------------------------------------------------------------------------------------------


def test_the_application_form_end_to_end(client, recruiting, applicant):
    skill = SkillFactory(name="Budgeting")
    client.force_login(applicant)
    page = client.get(reverse("programmes:apply", args=[recruiting.pk]), {"role": "mentee"})
    assert b"Budgeting" in page.content
    response = client.post(
        reverse("programmes:apply", args=[recruiting.pk]),
        {
            "role": "mentee",
            "goals": "Run budgets",
            "meeting_mode": "video",
            "availability": ["tue-am"],
            "languages": "english, Finnish",
            "skill_0": skill.pk,
            "level_0": 1,
        },
        follow=True,
    )
    assert response.context.get("form") is None or not response.context["form"].errors, response.context["form"].errors
    application = Application.objects.get()
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert application.languages == ["English", "Finnish"]
    assert b"Waiting for the line manager" in response.content


def test_a_bad_application_shows_messages_and_saves_nothing(client, recruiting, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("programmes:apply", args=[recruiting.pk]),
        {"role": "mentor", "goals": "", "meeting_mode": "video", "languages": "", "skill_0": "999999"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tick at least one time" in content or "This field is required" in content
    assert "Select a valid choice" in content
    assert not Application.objects.exists()


def test_the_line_manager_sees_the_commitment_but_not_the_goals(client, recruiting, applicant, line_manager):
    application = apply(recruiting, applicant, goals="Secret ambition to move teams")
    client.force_login(line_manager)
    content = client.get(application.get_absolute_url()).content.decode()
    assert "Your endorsement" in content and "hours a month" in content
    assert "Secret ambition" not in content


def test_another_applicant_cannot_see_an_application(client, recruiting, applicant):
    application = apply(recruiting, applicant)
    client.force_login(PersonFactory())
    assert client.get(application.get_absolute_url()).status_code == 404


def test_open_programmes_show_my_application(client, recruiting, applicant):
    apply(recruiting, applicant)
    client.force_login(applicant)
    content = client.get(reverse("programmes:open")).content.decode()
    assert "Your application (applied)" in content


@pytest.mark.parametrize("extra", [3, 40])
def test_application_list_query_budget(client, recruiting, coordinator, django_assert_num_queries, extra):
    for _ in range(extra):
        application = ApplicationFactory(programme=recruiting, person=PersonFactory(line_manager=PersonFactory()))
        ApplicationSkill.objects.create(application=application, skill=SkillFactory())
    client.force_login(coordinator)
    # session, user, the programme, my roles, the status counts, the paginator's count, one page of
    # applications with people, teams and managers, the navigation's areas
    with django_assert_num_queries(8):
        assert client.get(reverse("programmes:applications", args=[recruiting.pk])).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_skill_list_query_budget(client, coordinator, django_assert_num_queries, extra):
    for i in range(extra):
        skill = SkillFactory()
        if i % 3 == 0:
            SkillFactory(merged_into=skill)
    client.force_login(coordinator)
    # session, user, areas (the access check), paginator count, one page of skills with use counts, synonyms,
    # and the two drop-downs of the merge form (one query each, whatever the number of skills)
    with django_assert_num_queries(8):
        assert client.get(reverse("programmes:skills")).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_open_programmes_query_budget(client, applicant, django_assert_num_queries, extra):
    for _ in range(extra):
        ProgrammeFactory(status=Programme.Status.RECRUITING)
    client.force_login(applicant)
    # session, user, recruiting programmes with my application, the navigation's areas
    with django_assert_num_queries(4):
        assert client.get(reverse("programmes:open")).status_code == 200


def test_the_decision_message_names_the_new_status(client, recruiting, applicant, coordinator, line_manager):
    application = apply(recruiting, applicant)
    services.application_endorse(application=application, by=line_manager, endorse=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("programmes:application_decide", args=[application.pk]), {"decision": "approve"}, follow=True
    )
    assert "Ana Applicant&#x27;s application is now approved." in response.content.decode()
