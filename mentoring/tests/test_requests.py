"""Mentee requests: ask a suggested mentor; the mentor accepts or declines with a reason; silence expires."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.dates import long_date
from mentoring.models import MatchSettings, MentorRequest, Pairing
from mentoring.services.mentor_requests import (
    request_accept,
    request_create,
    request_decline,
    request_withdraw,
    requests_expire,
)
from mentoring.tests.factories import approved_profile
from programmes.models import Notification, Role, Skill
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(programme, line_manager):
    """A running programme with one mentee (whose line manager is the cast's) and two mentors who fit her."""
    negotiation = Skill.objects.create(name="Negotiation")
    finance = OrgUnitFactory(name="Accounts", parent=DepartmentFactory(name="Finance"))
    mentee = approved_profile(
        programme=programme,
        role=Role.MENTEE,
        skills=[(negotiation, 2)],
        display_name="Nia Mentee",
        line_manager=line_manager,
        org_unit=line_manager.org_unit,
        grade=2,
    ).person
    ann = approved_profile(
        programme=programme,
        role=Role.MENTOR,
        skills=[(negotiation, 4)],
        capacity=2,
        display_name="Ann Mentor",
        org_unit=finance,
        grade=5,
    ).person
    bob = approved_profile(
        programme=programme,
        role=Role.MENTOR,
        skills=[(negotiation, 3)],
        capacity=1,
        display_name="Bob Mentor",
        org_unit=finance,
        grade=4,
    ).person
    other = approved_profile(programme=programme, role=Role.MENTEE, display_name="Otto Othermentee").person
    return {"mentee": mentee, "ann": ann, "bob": bob, "other": other}


def test_a_mentee_asks_a_suggested_mentor_who_is_told(programme, cohort):
    request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"], message="Hi!")
    assert request.status == MentorRequest.Status.OPEN and request.score and request.explanation
    assert Notification.objects.filter(person=cohort["ann"], text__contains="asks you to be their mentor").exists()
    assert any(m.to == [cohort["ann"].email] for m in mail.outbox)


def test_only_a_current_suggestion_can_be_asked(programme, cohort):
    stranger = PersonFactory()
    with pytest.raises(ValidationError, match="not among your suggestions"):
        request_create(programme=programme, mentee=cohort["mentee"], mentor=stranger)


def test_one_open_request_at_a_time(programme, cohort):
    request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    with pytest.raises(ValidationError, match="already have a request waiting"):
        request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["bob"])


def test_requests_can_be_switched_off(programme, cohort):
    MatchSettings.objects.update_or_create(programme=programme, defaults={"allow_requests": False})
    with pytest.raises(ValidationError, match="does not take mentor requests"):
        request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])


def test_accepting_starts_the_pairing_and_tells_the_line_manager(programme, cohort, line_manager):
    request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    with pytest.raises(ValidationError, match="Only the mentor who was asked"):
        request_accept(request=request, by=cohort["bob"])
    pairing = request_accept(request=request, by=cohort["ann"])
    assert (pairing.status, pairing.source) == (Pairing.Status.ACTIVE, Pairing.Source.REQUEST)
    assert pairing.explanation == request.explanation
    request.refresh_from_db()
    assert (request.status, request.pairing) == (MentorRequest.Status.ACCEPTED, pairing)
    assert Notification.objects.filter(person=line_manager, text__contains="start mentoring").exists()


def test_declining_needs_a_reason_the_mentee_sees(client, programme, cohort):
    request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    with pytest.raises(ValidationError, match="Give the mentee a reason"):
        request_decline(request=request, by=cohort["ann"], reason=" ")
    mail.outbox.clear()
    request_decline(request=request, by=cohort["ann"], reason="Full this quarter.")
    # She reads it on her suggestions page and in the email; the notification's row (stored in clear) says
    # only that the request was declined, so the mentor's words stay encrypted at rest.
    assert Notification.objects.filter(person=cohort["mentee"], text__contains="declined your request").exists()
    assert not Notification.objects.filter(text__contains="Full this quarter.").exists()
    assert [m.to for m in mail.outbox] == [[cohort["mentee"].email]] and "Full this quarter." in mail.outbox[0].body
    client.force_login(cohort["mentee"])
    assert "Full this quarter." in client.get(reverse("mentoring:suggestions", args=[programme.pk])).content.decode()
    # Declined: she may ask someone else now.
    request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["bob"])


def test_only_the_mentee_withdraws(programme, cohort):
    request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    with pytest.raises(ValidationError, match="Only the mentee who asked"):
        request_withdraw(request=request, by=cohort["ann"])
    request_withdraw(request=request, by=cohort["mentee"])
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.WITHDRAWN


def test_an_unanswered_request_expires_once_and_the_mentee_is_told(programme, cohort):
    start = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    with time_machine.travel(start + datetime.timedelta(days=6), tick=False):
        assert requests_expire() == 0
    with time_machine.travel(start + datetime.timedelta(days=10), tick=False):
        assert requests_expire() == 1
        assert requests_expire() == 0  # the second sweep finds nothing left to claim
        with pytest.raises(ValidationError, match="already expired"):
            request_accept(request=request, by=cohort["ann"])
    assert Notification.objects.filter(person=cohort["mentee"], text__contains="expired").count() == 1


def test_the_suggestions_page_explains_and_shows_no_other_mentee(client, programme, cohort):
    client.force_login(cohort["mentee"])
    content = client.get(reverse("mentoring:suggestions", args=[programme.pk])).content.decode()
    assert "Ann Mentor" in content and "skills: Negotiation" in content
    assert "Otto Othermentee" not in content


def test_asking_and_answering_through_the_pages(client, programme, cohort):
    client.force_login(cohort["mentee"])
    client.post(reverse("mentoring:request_send", args=[programme.pk]), {"mentor": cohort["bob"].pk})
    request = MentorRequest.objects.get()
    client.force_login(cohort["bob"])
    page = client.get(reverse("mentoring:requests")).content.decode()
    assert "Nia Mentee" in page
    response = client.post(reverse("mentoring:request_answer", args=[request.pk]), {"decision": "accept"})
    assert response.status_code == 302 and Pairing.objects.get(source="request").mentor == cohort["bob"]


@pytest.mark.parametrize("decision", ["", "maybe", "ACCEPT", None])
def test_an_answer_other_than_accept_or_decline_changes_nothing(client, programme, cohort, decision):
    """Any value but "accept" used to decline the request."""
    client.force_login(cohort["mentee"])
    client.post(reverse("mentoring:request_send", args=[programme.pk]), {"mentor": cohort["bob"].pk})
    request = MentorRequest.objects.get()
    client.force_login(cohort["bob"])
    data = {} if decision is None else {"decision": decision}
    response = client.post(reverse("mentoring:request_answer", args=[request.pk]), data, follow=True)
    assert "Choose Accept or Decline; the request is unchanged." in response.content.decode()
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.OPEN
    assert not Pairing.objects.filter(source="request").exists()


def test_a_bad_mentor_id_says_so(client, programme, cohort):
    client.force_login(cohort["mentee"])
    response = client.post(reverse("mentoring:request_send", args=[programme.pk]), {"mentor": "x"}, follow=True)
    assert "Choose a mentor from your suggestions" in response.content.decode()
    assert not MentorRequest.objects.exists()


@pytest.mark.parametrize("extra", [3, 40])
def test_suggestions_page_query_budget(client, programme, cohort, django_assert_num_queries, extra):
    negotiation = Skill.objects.get(name="Negotiation")
    for _ in range(extra):
        approved_profile(programme=programme, role=Role.MENTOR, skills=[(negotiation, 3)], capacity=1)
    client.force_login(cohort["mentee"])
    # session, user, the programme, my roles, my requests, whether requests are allowed (settings), the
    # cohort for the suggestions (at most thirteen, see mentoring.selectors.cohort.cohort_load), the mentors'
    # teams, the navigation's areas: the same whatever the number of mentors.
    with django_assert_num_queries(22):
        assert client.get(reverse("mentoring:suggestions", args=[programme.pk])).status_code == 200


def test_after_an_accepted_request_the_mentee_hears_it_started_and_is_not_asked_to_accept(programme, cohort):
    request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    Notification.objects.all().delete()
    request_accept(request=request, by=cohort["ann"])
    texts = list(Notification.objects.filter(person=cohort["mentee"]).values_list("text", flat=True))
    assert len(texts) == 1 and "start mentoring" in texts[0]


def test_a_request_past_its_date_does_not_block_a_new_one_before_the_sweep(programme, cohort):
    start = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    with time_machine.travel(start + datetime.timedelta(days=9), tick=False):
        request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["bob"])
    assert MentorRequest.objects.filter(status="expired").count() == 1


def test_a_pairing_made_another_way_closes_the_open_request(programme, cohort, coordinator):
    from mentoring.services.matching import pairing_propose

    request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    pairing_propose(programme=programme, mentor=cohort["bob"], mentee=cohort["mentee"], by=coordinator)
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.WITHDRAWN
    assert Notification.objects.filter(person=cohort["ann"], text__contains="matched with another mentor").exists()


def test_requests_switched_off_cannot_be_accepted(programme, cohort):
    request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    MatchSettings.objects.filter(programme=programme).update(allow_requests=False)
    with pytest.raises(ValidationError, match="no longer takes mentor requests"):
        request_accept(request=request, by=cohort["ann"])


def test_an_odd_mentor_id_is_a_message_not_a_crash(client, programme, cohort):
    client.force_login(cohort["mentee"])
    response = client.post(reverse("mentoring:request_send", args=[programme.pk]), {"mentor": "²"}, follow=True)
    assert "Choose a mentor from your suggestions" in response.content.decode()


def test_a_request_accepted_before_the_programme_starts_begins_on_its_start_date(client, programme, cohort):
    start = timezone.localdate() + datetime.timedelta(days=40)
    programme.starts_on = start
    programme.save(update_fields=["starts_on"])
    client.force_login(cohort["mentee"])
    client.post(reverse("mentoring:request_send", args=[programme.pk]), {"mentor": cohort["bob"].pk})
    client.force_login(cohort["bob"])
    request = MentorRequest.objects.get()
    response = client.post(reverse("mentoring:request_answer", args=[request.pk]), {"decision": "accept"}, follow=True)
    pairing = Pairing.objects.get(source="request")
    assert pairing.started_on == start and pairing.checkin_due_on > start
    assert f"You and Nia Mentee start mentoring on {long_date(start)}." in response.content.decode()
