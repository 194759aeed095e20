"""Interventions: recorded from an alert, a pairing or a participant; a note for coordinators only; a
follow-up reminded once; an outcome; closing resolves the alerts it answers; a history per programme."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Intervention
from evaluation.selectors.interventions import intervention_counts_by_kind
from evaluation.services.interventions import (
    intervention_close,
    intervention_create,
    intervention_follow_ups_remind,
    intervention_update,
)
from evaluation.tasks import remind_intervention_follow_ups
from evaluation.tests.factories import InterventionFactory
from mentoring.models import Alert
from mentoring.tests.factories import AlertFactory, PairingFactory
from programmes.models import Membership, Notification, Role
from programmes.tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 6, 15)
NOTE = "Spoke to Max: workload at month end, suspects Mina feels unheard."


def on(day: datetime.date, hour: int = 9) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON), tick=False)


@pytest.fixture(autouse=True)
def on_today():
    with on(TODAY, 10):
        yield


def alert(pairing, kind=Alert.Kind.ESCALATION, **fields):
    fields.setdefault("reason", "Check-in overdue by 12 days.")
    return AlertFactory(pairing=pairing, kind=kind, **fields)


def make(cast, **fields) -> Intervention:
    fields.setdefault("kind", Intervention.Kind.CALL)
    fields.setdefault("note", NOTE)
    fields.setdefault("pairing", cast["pairing"])
    return intervention_create(programme=cast["pairing"].programme, by=cast["coordinator"], **fields)


def in_days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


# --- Services -----------------------------------------------------------------------------------------------


def test_an_intervention_answering_alerts_acknowledges_them_and_closing_resolves_them(cast, coordinator):
    pairing = cast["pairing"]
    escalation, fit = alert(pairing), alert(pairing, kind=Alert.Kind.FIT, reason="Not good.")
    untouched = alert(pairing, kind=Alert.Kind.SILENCE, reason="Silent.")
    intervention = intervention_create(
        programme=pairing.programme,
        by=coordinator,
        kind=Intervention.Kind.MEDIATION,
        note=NOTE,
        follow_up_on=in_days(5),
        alerts=[escalation, fit],
    )
    assert intervention.pairing == pairing  # taken from the alerts
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == coordinator and escalation.resolved_at is None

    with pytest.raises(ValidationError) as error:
        intervention_close(intervention=intervention, by=coordinator, outcome="  ")
    assert "outcome" in error.value.message_dict
    intervention_close(intervention=intervention, by=coordinator, outcome="Agreed a monthly rhythm.")

    intervention.refresh_from_db()
    assert intervention.status == Intervention.Status.CLOSED and intervention.closed_by == coordinator
    assert set(Alert.objects.filter(resolved_at__isnull=False)) == {escalation, fit}
    untouched.refresh_from_db()
    assert untouched.resolved_at is None
    with pytest.raises(ValidationError, match="closed"):
        intervention_close(intervention=intervention, by=coordinator, outcome="Again.")
    with pytest.raises(ValidationError, match="closed"):
        intervention_update(intervention=intervention, by=coordinator, kind="call", note="x", follow_up_on=None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"follow_up_on": TODAY - datetime.timedelta(days=1)}, "today or a later day"),
        ({"kind": "prayer"}, "what kind"),
        ({"pairing": None}, "pairing or the participant"),
        ({"note": "x" * 5001}, "under 5000"),
    ],
)
def test_create_refuses_bad_input_with_words_a_coordinator_understands(cast, change, message):
    with pytest.raises(ValidationError, match=message):
        make(cast, **change)


def test_create_refuses_what_belongs_elsewhere(cast, coordinator):
    other = PairingFactory()
    with pytest.raises(ValidationError, match="another programme"):
        make(cast, pairing=other)
    with pytest.raises(ValidationError, match="alerts of this pairing"):
        make(cast, alerts=[alert(other)])
    with pytest.raises(ValidationError, match="mentors and mentees"):
        make(cast, pairing=None, person=cast["committee_member"])
    stranger = PersonFactory()
    MembershipFactory(programme=cast["pairing"].programme, person=stranger, role=Role.MENTEE)
    with pytest.raises(ValidationError, match="not part of the pairing"):
        make(cast, person=stranger)
    with pytest.raises(ValidationError, match="already resolved"):
        make(cast, alerts=[alert(cast["pairing"], resolved_at=timezone.now())])
    with pytest.raises(ValidationError, match="Only the programme's coordinators"):
        intervention_create(programme=cast["pairing"].programme, by=cast["mentor"], kind="call", person=cast["mentee"])
    assert not Intervention.objects.exists()


def test_a_participant_alone_can_be_the_subject(cast):
    intervention = make(cast, pairing=None, person=cast["mentee"], kind=Intervention.Kind.EXTRA_TRAINING)
    assert intervention.person == cast["mentee"] and intervention.pairing is None


def test_a_new_follow_up_date_is_reminded_again_once(cast, coordinator):
    intervention = make(cast, follow_up_on=in_days(2))
    Intervention.objects.filter(pk=intervention.pk).update(follow_up_reminded_at=timezone.now())
    intervention.refresh_from_db()
    intervention_update(
        intervention=intervention, by=coordinator, kind="call", note="Same day.", follow_up_on=in_days(2)
    )
    intervention.refresh_from_db()
    assert intervention.follow_up_reminded_at is not None and intervention.note == "Same day."
    intervention_update(intervention=intervention, by=coordinator, kind="pause", note="Later.", follow_up_on=in_days(9))
    intervention.refresh_from_db()
    assert intervention.follow_up_reminded_at is None and intervention.kind == "pause"


def test_counts_by_kind_for_committee_reports_name_nobody(cast, coordinator):
    make(cast, kind=Intervention.Kind.CALL)
    closed = make(cast, kind=Intervention.Kind.CALL)
    intervention_close(intervention=closed, by=coordinator, outcome="Fine.")
    make(cast, pairing=None, person=cast["mentee"], kind=Intervention.Kind.PAUSE)
    counts = intervention_counts_by_kind(programme=cast["pairing"].programme, start=TODAY, end=TODAY)
    assert counts["call"] == {"label": "Call", "opened": 2, "closed": 1}
    assert counts["pause"]["opened"] == 1 and counts["rematch"]["opened"] == 0
    assert NOTE not in str(counts) and "Mina" not in str(counts)


# --- The follow-up reminder: once, to the creator (or the coordinators when they are gone), never the note ---


def test_the_follow_up_is_reminded_once_on_its_day_without_the_note(
    cast, coordinator, django_capture_on_commit_callbacks
):
    intervention = make(cast, follow_up_on=in_days(3))
    other = PersonFactory(display_name="Colin Coordinator")
    MembershipFactory(programme=cast["pairing"].programme, person=other, role=Role.COORDINATOR)

    with on(in_days(2)):
        assert intervention_follow_ups_remind() == 0  # not yet
    with on(in_days(3)), django_capture_on_commit_callbacks(execute=True):
        assert remind_intervention_follow_ups.delay().get() == 1
    with on(in_days(3), 15), django_capture_on_commit_callbacks(execute=True):
        assert remind_intervention_follow_ups.delay().get() == 0  # a second tick the same day
    with on(in_days(4)), django_capture_on_commit_callbacks(execute=True):
        assert intervention_follow_ups_remind() == 0  # and the next day

    (notice,) = Notification.objects.all()
    assert notice.person == coordinator  # the creator only, not every coordinator
    assert (
        notice.text == "Time to follow up the intervention “Call” with Max Mentor and Mina Mentee in Growing Together."
    )
    assert notice.url == intervention.get_absolute_url()
    (email,) = mail.outbox
    assert email.to == [coordinator.email] and email.subject == "Follow up: Call with Max Mentor and Mina Mentee"
    assert NOTE not in email.body and NOTE not in notice.text
    intervention.refresh_from_db()
    assert intervention.follow_up_reminded_at is not None


def test_two_sweeps_claim_each_follow_up_once(cast):
    intervention = make(cast, follow_up_on=in_days(1))
    with on(in_days(1)):
        # Both sweeps selected the intervention; the second one's conditional UPDATE finds it claimed.
        first = Intervention.objects.filter(pk=intervention.pk, follow_up_reminded_at__isnull=True)
        assert first.update(follow_up_reminded_at=timezone.now()) == 1
        assert intervention_follow_ups_remind() == 0
    assert not Notification.objects.exists()


def test_a_missed_day_is_caught_up_and_a_closed_intervention_is_not_reminded(cast, coordinator):
    late = make(cast, follow_up_on=in_days(1))
    closed = make(cast, follow_up_on=in_days(1))
    intervention_close(intervention=closed, by=coordinator, outcome="Sorted out.")
    with on(in_days(6)):
        assert intervention_follow_ups_remind() == 1
    assert Notification.objects.get().text.endswith("(due 16 June 2026).")
    late.refresh_from_db()
    assert late.follow_up_reminded_at is not None


@pytest.mark.parametrize("gone", ["inactive", "no longer coordinator"])
def test_when_the_creator_is_gone_the_programmes_coordinators_are_reminded(cast, coordinator, gone):
    intervention = make(cast, follow_up_on=in_days(1))
    colleague = PersonFactory(display_name="Colin Coordinator")
    MembershipFactory(programme=cast["pairing"].programme, person=colleague, role=Role.COORDINATOR)
    if gone == "inactive":
        coordinator.is_active = False
        coordinator.save(update_fields=["is_active"])
    else:
        Membership.objects.filter(person=coordinator, role=Role.COORDINATOR).delete()
    with on(in_days(1)):
        assert intervention_follow_ups_remind() == 1
    assert [n.person for n in Notification.objects.all()] == [colleague]
    assert intervention.get_absolute_url() == Notification.objects.get().url


# --- Pages ----------------------------------------------------------------------------------------------------


def test_turning_an_alert_into_an_intervention(client, cast, coordinator):
    pairing = cast["pairing"]
    found = alert(pairing)
    other_open = alert(pairing, kind=Alert.Kind.FIT, reason="Not good.")
    client.force_login(coordinator)
    url = reverse("evaluation:intervention_create", args=[pairing.programme_id]) + f"?alert={found.pk}"

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["alerts"] == [found.pk]  # pre-filled with the alert
    assert [value for value, _ in page.context["form"].fields["alerts"].choices] == [found.pk, other_open.pk]
    assert "Max Mentor and Mina Mentee" in page.content.decode()

    response = client.post(url, {"kind": "mediation", "alerts": [found.pk], "follow_up_on": "2026-06-20", "note": NOTE})
    intervention = Intervention.objects.get()
    assert response.status_code == 302 and response.url == intervention.get_absolute_url()
    assert intervention.pairing == pairing and list(intervention.alerts.all()) == [found]
    assert intervention.created_by == coordinator and intervention.follow_up_on == datetime.date(2026, 6, 20)
    detail = client.get(response.url).content.decode()
    assert NOTE in detail  # the coordinators read it


def test_an_intervention_on_a_pairing_or_a_participant_from_the_query_string(client, cast, coordinator):
    programme_pk = cast["pairing"].programme_id
    client.force_login(coordinator)
    base = reverse("evaluation:intervention_create", args=[programme_pk])
    response = client.post(f"{base}?person={cast['mentee'].pk}", {"kind": "extra_training", "note": ""})
    assert response.status_code == 302
    assert Intervention.objects.get().person == cast["mentee"]
    assert client.get(f"{base}?pairing={cast['pairing'].pk}").status_code == 200


@pytest.mark.parametrize("param", ["alert", "pairing", "person"])
def test_ids_of_another_programme_or_nonsense_are_a_404_not_a_500(client, cast, coordinator, param):
    other = PairingFactory()
    MembershipFactory(programme=other.programme, person=coordinator, role=Role.COORDINATOR)  # coordinates both
    foreign = {"alert": alert(other).pk, "pairing": other.pk, "person": other.mentee_id}[param]
    MembershipFactory(programme=other.programme, person=other.mentee, role=Role.MENTEE)
    client.force_login(coordinator)
    base = reverse("evaluation:intervention_create", args=[cast["pairing"].programme_id])
    for value in (foreign, "abc", "", "999999"):
        assert client.get(f"{base}?{param}={value}").status_code == 404, value
        assert client.post(f"{base}?{param}={value}", {"kind": "call"}).status_code == 404, value
    if param == "person":  # a member who is no participant (the committee member) is no subject either
        assert client.get(f"{base}?person={cast['committee_member'].pk}").status_code == 404
    assert not Intervention.objects.exists()


def test_without_a_subject_the_coordinator_is_sent_to_the_alerts(client, cast, coordinator):
    client.force_login(coordinator)
    programme_pk = cast["pairing"].programme_id
    response = client.get(reverse("evaluation:intervention_create", args=[programme_pk]))
    assert response.status_code == 302 and response.url == reverse("evaluation:alerts", args=[programme_pk])


def test_editing_and_closing_from_the_detail_page(client, cast, coordinator):
    found = alert(cast["pairing"])
    intervention = make(cast, alerts=[found])
    client.force_login(coordinator)
    detail = reverse("evaluation:intervention_detail", args=[intervention.programme_id, intervention.pk])
    close = reverse("evaluation:intervention_close", args=[intervention.programme_id, intervention.pk])

    response = client.post(detail, {"kind": "call", "note": "Rang again.", "follow_up_on": "2026-07-01"})
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.note == "Rang again." and intervention.follow_up_on == datetime.date(2026, 7, 1)

    response = client.post(detail, {"kind": "call", "note": "", "follow_up_on": "2026-01-01"})
    assert response.status_code == 200 and "today or a later day" in response.content.decode()

    response = client.post(close, {"outcome": ""})
    assert response.status_code == 200 and response.context["close_form"].errors["outcome"]
    response = client.post(close, {"outcome": "They meet monthly again."})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.resolved_at is not None
    page = client.get(detail).content.decode()
    assert "They meet monthly again." in page and "Close the intervention" not in page
    response = client.post(close, {"outcome": "Twice?"}, follow=True)
    assert "stays as it was recorded" in response.content.decode()


def test_an_intervention_of_another_programme_is_a_404(client, cast, coordinator):
    other = PairingFactory()
    MembershipFactory(programme=other.programme, person=coordinator, role=Role.COORDINATOR)
    foreign = InterventionFactory(pairing=other, kind="call", note=NOTE)
    client.force_login(coordinator)
    for name in ("evaluation:intervention_detail", "evaluation:intervention_close"):
        url = reverse(name, args=[cast["pairing"].programme_id, foreign.pk])
        assert client.post(url, {"outcome": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Intervention.Status.OPEN


def test_the_list_filters_by_status_and_kind(client, cast, coordinator):
    call = make(cast, kind="call")
    pause = make(cast, kind="pause")
    intervention_close(intervention=pause, by=coordinator, outcome="Resumed.")
    client.force_login(coordinator)
    url = reverse("evaluation:intervention_list", args=[cast["pairing"].programme_id])

    def listed(**params) -> list:
        return list(client.get(url, params).context["page"].object_list)

    assert listed() == [pause, call]
    assert listed(status="open") == [call]
    assert listed(status="closed", kind="pause") == [pause]
    assert listed(kind="rematch") == []
    assert listed(kind="nonsense") == [pause, call]  # an unknown filter shows everything


@pytest.mark.parametrize("n", [3, 40])
def test_intervention_list_query_budget(client, cast, coordinator, django_assert_num_queries, n):
    programme = cast["pairing"].programme
    for i in range(n):
        pairing = PairingFactory(programme=programme)
        InterventionFactory(
            programme=programme,
            pairing=pairing if i % 2 else None,
            person=None if i % 2 else pairing.mentee,
            kind=Intervention.Kind.values[i % 6],
            created_by=coordinator,
            follow_up_on=TODAY,
        )
    client.force_login(coordinator)
    url = reverse("evaluation:intervention_list", args=[programme.pk])
    # session; user; the programme; my roles in it; the count per status; the paginator's count; one page
    # of interventions with their pairing, both people, the participant and the creator; the navigation.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["page"].object_list) == min(n, 25)


# --- Privacy: the note is for the programme's coordinators only --------------------------------------------------


def test_the_note_never_reaches_the_pair_the_line_manager_or_the_committee(client, cast, coordinator):
    found = alert(cast["pairing"])
    intervention = make(cast, alerts=[found], follow_up_on=in_days(1))
    programme_pk = intervention.programme_id
    urls = [
        reverse("evaluation:alerts", args=[programme_pk]),
        reverse("evaluation:intervention_list", args=[programme_pk]),
        reverse("evaluation:intervention_detail", args=[programme_pk, intervention.pk]),
        reverse("evaluation:intervention_create", args=[programme_pk]) + f"?alert={found.pk}",
    ]
    expected = {"mentor": 403, "mentee": 403, "committee_member": 403, "line_manager": 404, "outsider": 404}
    for role, status in expected.items():
        client.force_login(cast[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == status, (role, url)
            assert NOTE.encode() not in response.content
        close = reverse("evaluation:intervention_close", args=[programme_pk, intervention.pk])
        assert client.post(close, {"outcome": "Mine now."}).status_code == status
    # Their own pages do not carry it either.
    for role in ("mentor", "mentee"):
        client.force_login(cast[role])
        assert NOTE.encode() not in client.get(cast["pairing"].get_absolute_url()).content
    client.force_login(cast["committee_member"])
    assert NOTE.encode() not in client.get(reverse("evaluation:reports")).content

    with on(in_days(1)):
        intervention_follow_ups_remind()
    intervention_close(intervention=intervention, by=coordinator, outcome="Done.")
    assert Notification.objects.exists() and mail.outbox
    assert not any(NOTE in n.text for n in Notification.objects.all())
    assert not any(NOTE in m.body or NOTE in m.subject for m in mail.outbox)
    assert NOTE not in str(intervention) and NOTE not in repr(intervention)


def test_a_coordinator_of_another_programme_gets_404(client, cast):
    intervention = make(cast)
    stranger = PersonFactory()
    MembershipFactory(programme=ProgrammeFactory(), person=stranger, role=Role.COORDINATOR)
    client.force_login(stranger)
    url = reverse("evaluation:intervention_detail", args=[intervention.programme_id, intervention.pk])
    assert client.get(url).status_code == 404


# --- Two sweeps at the same moment (PostgreSQL, two threads) -------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_remind_once(monkeypatch):
    import time

    from django.db import connection

    from conftest import at_once, require
    from evaluation.services import interventions

    require(connection.vendor == "postgresql", "the follow-up race needs PostgreSQL (set DATABASE_URL)")
    programme = ProgrammeFactory()
    coordinator = PersonFactory()
    MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    pairing = PairingFactory(programme=programme)
    InterventionFactory(pairing=pairing, kind="call", note=NOTE, follow_up_on=TODAY, created_by=coordinator)
    send = interventions.notification_send

    def slowly(**kwargs):
        time.sleep(0.3)  # holds the claimed row while the other sweep tries to claim it
        return send(**kwargs)

    monkeypatch.setattr(interventions, "notification_send", slowly)
    results = at_once(
        lambda: intervention_follow_ups_remind(today=TODAY),
        lambda: intervention_follow_ups_remind(today=TODAY),
        timeout=30,
    )
    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(person=coordinator).count() == 1


def test_a_german_coordinator_is_reminded_in_german(cast, coordinator, django_capture_on_commit_callbacks):
    coordinator.language = "de"
    coordinator.save()
    make(cast, follow_up_on=in_days(3))
    with on(in_days(3)), django_capture_on_commit_callbacks(execute=True):
        assert intervention_follow_ups_remind() == 1
    (notice,) = Notification.objects.all()
    assert notice.text == (
        "Zeit, bei der Intervention „Anruf“ mit Max Mentor und Mina Mentee in Growing Together nachzufassen."
    )
    (email,) = mail.outbox
    assert email.subject == "Nachfassen: Anruf mit Max Mentor und Mina Mentee"
