"""Proposing one pair by hand from a suggestion; proposals waiting for an answer,
shown on the programme's overview and Relationships tab, with a reminder that cannot be sent twice a day."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.tests.html_forms import form_of
from conftest import PASSWORD
from mentoring.models import Pairing
from mentoring.services.proposals import pairing_propose_by_hand, pairing_remind
from mentoring.tests.factories import ProposedPairingFactory
from mentoring.tests.test_matching import add, crossed, skills, teams  # noqa: F401 (fixtures)
from programmes.models import Notification, Programme
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def browser(person) -> Client:
    """A client that checks CSRF as the site does for a browser, logged in with the real password."""
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=person.email, password=PASSWORD)
    return client


def propose_form(client: Client, programme: Programme, mentor_name: str, mentee_name: str):
    page = client.get(reverse("mentoring:matching", args=[programme.pk]))
    action = reverse("mentoring:matching_propose", args=[programme.pk])
    # One 'Propose this pairing' button for the mentor and the mentee (form_of fails unless there is just one).
    return action, form_of(page.content.decode(), action=action, text=f"{mentor_name} for {mentee_name}")


# --- Point 8: proposing by hand -------------------------------------------------------------------------------


def test_coordinator_proposes_a_suggested_pairing_from_the_cohort_card(programme, coordinator, crossed):  # noqa: F811
    client = browser(coordinator)
    action, form = propose_form(client, programme, "Ben", "Mina")
    assert "Propose this pairing" in form.text

    response = client.post(action, form.data(), follow=True)

    assert response.status_code == 200
    pairing = Pairing.objects.get(programme=programme, mentee=crossed["mina"])
    assert (pairing.mentor, pairing.status, pairing.source) == (
        crossed["ben"],
        Pairing.Status.PROPOSED,
        Pairing.Source.MANUAL,
    )
    assert pairing.score is not None and pairing.explanation
    content = response.content.decode()
    assert "Ben is proposed as Mina&#x27;s mentor" in content
    assert "Proposed</span> with Ben" in content  # the card turned into the mentee's state
    assert Notification.objects.filter(person=crossed["ben"], text__contains="Mina").exists()
    assert Notification.objects.filter(person=crossed["mina"], text__contains="Ben").exists()


def test_a_double_click_on_propose_makes_one_pairing_and_shows_the_first_result(programme, coordinator, crossed):  # noqa: F811
    client = browser(coordinator)
    action, form = propose_form(client, programme, "Ann", "Nico")
    client.post(action, form.data())
    response = client.post(action, form.data(), follow=True)
    assert Pairing.objects.filter(programme=programme, mentee=crossed["nico"]).count() == 1
    # The repeat is answered with the first result (one-time token), not with an error about the first click.
    content = response.content.decode()
    assert "nothing was added twice" in content
    assert "already has a proposed pairing" not in content


def test_proposing_a_card_whose_mentor_filled_up_meanwhile_is_refused_with_the_reason(
    programme,
    coordinator,
    crossed,  # noqa: F811
):
    client = browser(coordinator)
    action, form = propose_form(client, programme, "Ann", "Mina")
    # While the page was open, another coordinator gave Ann (capacity 1) to Nico.
    pairing_propose_by_hand(programme=programme, mentor=crossed["ann"], mentee=crossed["nico"], by=coordinator)

    response = client.post(action, form.data(), follow=True)

    assert not Pairing.objects.filter(mentee=crossed["mina"]).exists()
    assert "Ann has no free place: 1 of 1 mentee already" in response.content.decode()


def test_proposing_by_hand_rechecks_the_hard_rules_in_the_service(programme, coordinator, crossed, add):  # noqa: F811
    boss = add("Bo Boss", "mentor", wants={"Negotiation": 2})
    report = add("Rita Report", wants={"Negotiation": 2}, line_manager=boss)
    with pytest.raises(ValidationError, match="Bo Boss is Rita Report's line manager"):
        pairing_propose_by_hand(programme=programme, mentor=boss, mentee=report, by=coordinator)
    with pytest.raises(ValidationError, match="Only the programme's coordinators"):
        pairing_propose_by_hand(programme=programme, mentor=crossed["ann"], mentee=crossed["mina"], by=crossed["ben"])
    programme.status = Programme.Status.RECRUITING
    programme.save()
    with pytest.raises(ValidationError, match="pairs are proposed while it matches or runs"):
        pairing_propose_by_hand(programme=programme, mentor=crossed["ann"], mentee=crossed["mina"], by=coordinator)
    assert not Pairing.objects.exists()


def test_a_tampered_proposal_naming_someone_outside_the_programme_says_so(programme, coordinator, crossed, outsider):  # noqa: F811
    client = browser(coordinator)
    action, form = propose_form(client, programme, "Ann", "Mina")
    response = client.post(action, form.data(mentor=str(outsider.pk)), follow=True)
    assert "Choose a mentor from one of the mentee&#x27;s suggestions." in response.content.decode()
    response = client.post(action, form.data(mentor="99999999999999999999"), follow=True)
    assert response.status_code == 200
    assert not Pairing.objects.exists()


# --- Point 9: proposals waiting for an answer, and reminders ----------------------------------------------------


@pytest.fixture
def zofia_waits(programme, mentor):
    """A proposal the mentor has accepted and the mentee, Zofia, has not answered; another nobody answered."""
    zofia = PersonFactory(display_name="Zofia Nowak", email="zofia@example.org")
    first = ProposedPairingFactory(programme=programme, mentor=mentor, mentee=zofia, mentor_accepted_at=timezone.now())
    second = ProposedPairingFactory(
        programme=programme,
        mentor=PersonFactory(display_name="Igor Mentor"),
        mentee=PersonFactory(display_name="Jan Mentee"),
    )
    return {"zofia": zofia, "first": first, "second": second}


def test_relationships_tab_and_overview_name_who_has_not_accepted_a_proposal(programme, coordinator, zofia_waits):
    client = browser(coordinator)
    for url in (reverse("mentoring:relationships", args=[programme.pk]), programme.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "2 proposed, waiting for Zofia Nowak, Igor Mentor and Jan Mentee to accept." in content, url
        assert "Max Mentor and Zofia Nowak" in content
        assert "waiting for Zofia Nowak</span>" in content  # Max has accepted: only Zofia is waited for


def test_overview_shows_no_proposal_panel_when_nothing_waits(programme, coordinator, pairing):
    content = browser(coordinator).get(programme.get_absolute_url()).content.decode()
    assert "Proposed pairings" not in content


def test_reminding_tells_only_who_has_not_answered_once_and_refuses_a_second_within_a_day(
    programme, coordinator, mentor, zofia_waits
):
    client = browser(coordinator)
    url = reverse("mentoring:relationships", args=[programme.pk])
    action = reverse("mentoring:pairing_remind", args=[zofia_waits["first"].pk])
    form = form_of(client.get(url).content.decode(), action=action)
    mail.outbox.clear()

    response = client.post(action, form.data(), follow=True)

    content = response.content.decode()
    assert "Reminder sent to Zofia Nowak." in content
    zofia = zofia_waits["zofia"]
    assert Notification.objects.filter(person=zofia, text__startswith="Reminder:").count() == 1
    assert not Notification.objects.filter(person=mentor, text__startswith="Reminder:").exists()
    assert [m.to for m in mail.outbox] == [[zofia.email]]
    assert "next reminder possible from" in content  # the button is gone until tomorrow

    # The same form again (a double click, or a second tab): refused with a message, nothing sent.
    response = client.post(action, form.data(), follow=True)
    assert "was already sent on" in response.content.decode()
    assert Notification.objects.filter(person=zofia, text__startswith="Reminder:").count() == 1
    assert len(mail.outbox) == 1

    # A day later the coordinator may remind again.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        client = browser(coordinator)  # a new day, a new session
        form = form_of(client.get(url).content.decode(), action=action)
        response = client.post(action, form.data(), follow=True)
    assert "Reminder sent to Zofia Nowak." in response.content.decode()
    assert Notification.objects.filter(person=zofia, text__startswith="Reminder:").count() == 2


def test_reminding_from_the_overview_comes_back_to_the_overview(programme, coordinator, zofia_waits):
    client = browser(coordinator)
    action = reverse("mentoring:pairing_remind", args=[zofia_waits["second"].pk])
    form = form_of(client.get(programme.get_absolute_url()).content.decode(), action=action)
    response = client.post(action, form.data())
    assert response.url == programme.get_absolute_url()
    assert Notification.objects.filter(text__startswith="Reminder:").count() == 2  # Igor and Jan


def test_only_a_coordinator_reminds_and_only_while_the_proposal_is_open(programme, coordinator, mentor, zofia_waits):
    first = zofia_waits["first"]
    with pytest.raises(ValidationError, match="Only the programme's coordinators"):
        pairing_remind(pairing=first, by=mentor)
    first.status = Pairing.Status.ACTIVE
    first.started_on = datetime.date(2026, 3, 2)
    first.save()
    with pytest.raises(ValidationError, match="there is no proposal left to answer"):
        pairing_remind(pairing=first, by=coordinator)
    assert not Notification.objects.filter(text__startswith="Reminder:").exists()


@pytest.mark.parametrize("n", [3, 40])
def test_proposals_waiting_cost_the_same_queries_whatever_their_number(
    programme, coordinator, cast, client, django_assert_num_queries, n
):
    for _ in range(n):
        ProposedPairingFactory(programme=programme)
    client.force_login(coordinator)
    # session, user, programme, my roles; state counts; page count; page of pairings; unresolved alerts, their
    # open and acknowledged counts; proposals waiting: their count, the oldest 50 with both people; areas.
    with django_assert_num_queries(12):
        response = client.get(reverse("mentoring:relationships", args=[programme.pk]))
    assert response.context["waiting"].count == n
    # The overview: its own 11 queries (programmes.tests.test_pages), the same two for the proposals, and
    # evaluation's panel of audit alerts nobody resolved (one, issue 20).
    with django_assert_num_queries(14):
        response = client.get(programme.get_absolute_url())
    assert f"{n} proposed, waiting for" in response.content.decode()
