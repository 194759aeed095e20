"""The coordinators' alerts page: alerts grouped per pairing with their reasons in words, sorted by severity
then age, acknowledged or turned into interventions; and the daily sweep that raises "silence" alerts."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Answer, Survey, SurveyResponse
from evaluation.selectors.alerts import alerts_by_pairing
from evaluation.tasks import raise_silence_alerts
from evaluation.tests.factories import (
    BuiltinSurveyFactory,
    InterventionFactory,
    QuestionFactory,
    SurveyResponseFactory,
    SurveyRoundFactory,
)
from mentoring.models import Alert, FitAnswer, Pairing
from mentoring.selectors.alerts import Show, silent_pairings
from mentoring.services.alerts import silence_alerts_raise
from mentoring.tests.factories import AlertFactory, FitAnswerFactory, PairingFactory
from programmes.models import Notification, Role
from programmes.tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def on_today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=LONDON), tick=False):
        yield


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def alert(pairing, kind=Alert.Kind.ESCALATION, severity=Alert.Severity.HIGH, reason="Check-in overdue.", **fields):
    return AlertFactory(pairing=pairing, kind=kind, severity=severity, reason=reason, **fields)


def health_check(pairing, person, score_answers: list[int], *, on: datetime.date) -> SurveyResponse:
    """One health-check response of ``person`` about ``pairing`` with these Likert answers."""
    survey = BuiltinSurveyFactory(kind=Survey.Kind.HEALTH, title="Health")
    questions = list(survey.questions.order_by("position"))
    while len(questions) < len(score_answers):
        questions.append(QuestionFactory(survey=survey, position=len(questions), text=f"Q{len(questions)}"))
    round_ = SurveyRoundFactory(
        survey=survey, programme=pairing.programme, title=f"Health {on}", opens_on=on, closes_on=on
    )
    response = SurveyResponseFactory(round=round_, person=person, pairing=pairing, submitted_on=on)
    Answer.objects.bulk_create(
        Answer(response=response, question=q, likert=v) for q, v in zip(questions, score_answers, strict=False)
    )
    return response


def set_schedule(pairing, **fields) -> Pairing:
    Pairing.objects.filter(pk=pairing.pk).update(**fields)
    pairing.refresh_from_db()
    return pairing


def on_schedule(pairing) -> Pairing:
    """Met three days ago, next check-in in ten days: no fact of today is a reason."""
    return set_schedule(pairing, started_on=days_ago(40), last_session_on=days_ago(3), checkin_due_on=days_ago(-10))


# --- Reasons in words --------------------------------------------------------------------------------------------


def test_a_pairing_line_gathers_every_reason_in_words(client, cast):
    pairing = set_schedule(cast["pairing"], checkin_due_on=days_ago(12), last_session_on=days_ago(45))
    alert(pairing, reason="Check-in overdue by 5 days (due 3 June 2026).")
    alert(pairing, kind=Alert.Kind.FIT, reason="The mentee answered 'not good' to \"how is the fit?\".")
    alert(pairing, kind=Alert.Kind.CONCERN, reason="Mina Mentee asked for help with this relationship on 1 June 2026.")
    FitAnswerFactory(pairing=pairing, person=cast["mentee"], fit=FitAnswer.Fit.NOT_GOOD)
    health_check(pairing, cast["mentee"], [5, 4], on=days_ago(70))
    health_check(pairing, cast["mentee"], [2, 2], on=days_ago(10))

    client.force_login(cast["coordinator"])
    response = client.get(reverse("evaluation:alerts", args=[pairing.programme_id]))

    (group,) = response.context["groups"]
    assert group.summary == (
        "overdue by 12 days; no confirmed session in 45 days; fit answered 'not good' by the mentee; "
        "health score fell from 4.5 to 2.0; Mina Mentee asked for help with this relationship on 1 June 2026"
    )
    content = response.content.decode()
    assert "Overdue by 12 days; no confirmed session in 45 days" in content
    # The stale stored reason is shown on its own alert, but the line says what holds today.
    assert "Check-in overdue by 5 days" in content and "overdue by 5 days;" not in group.summary


def test_the_stored_reason_stands_in_when_no_fact_of_today_covers_it(cast):
    pairing = on_schedule(cast["pairing"])  # nothing overdue, no fit answer, no health check
    alert(pairing, kind=Alert.Kind.HEALTH, reason="Health score fell from 4.0 to 2.5 on 1 June 2026.")
    (group,) = alerts_by_pairing(programme=pairing.programme)
    assert group.reasons == ["Health score fell from 4.0 to 2.5 on 1 June 2026"]


def test_a_rising_health_score_is_no_reason_but_a_low_single_one_is(cast, mentor):
    pairing = on_schedule(cast["pairing"])
    alert(pairing, kind=Alert.Kind.CONCERN, reason="Help asked.")
    health_check(pairing, mentor, [2, 3], on=days_ago(70))
    health_check(pairing, mentor, [4, 4], on=days_ago(10))
    assert alerts_by_pairing(programme=pairing.programme)[0].reasons == ["Help asked"]

    other = on_schedule(PairingFactory(programme=pairing.programme))
    alert(other, kind=Alert.Kind.HEALTH, reason="Health low.")
    health_check(other, other.mentee, [2, 2], on=days_ago(3))
    lines = {g.pairing.pk: g.reasons for g in alerts_by_pairing(programme=pairing.programme)}
    assert lines[other.pk] == ["health score 2.0"]


def test_a_pairing_that_never_met_since_it_started_says_so(cast):
    pairing = set_schedule(cast["pairing"], started_on=days_ago(60), last_session_on=None, checkin_due_on=days_ago(2))
    alert(pairing, kind=Alert.Kind.SILENCE, reason="No confirmed session since the start.")
    (group,) = alerts_by_pairing(programme=pairing.programme)
    assert group.reasons == ["overdue by 2 days", "no confirmed session since it started 60 days ago"]


# --- Sorting and filters ----------------------------------------------------------------------------------------


def test_pairings_are_sorted_by_severity_then_by_age(cast):
    programme = cast["pairing"].programme
    old_medium, new_high, old_high = (PairingFactory(programme=programme) for _ in range(3))
    alert(old_medium, severity=Alert.Severity.MEDIUM, created_at=timezone.now() - datetime.timedelta(days=30))
    alert(new_high, created_at=timezone.now() - datetime.timedelta(days=1))
    alert(old_high, created_at=timezone.now() - datetime.timedelta(days=9))
    alert(old_high, kind=Alert.Kind.SILENCE, severity=Alert.Severity.LOW)

    groups = alerts_by_pairing(programme=programme)
    assert [g.pairing for g in groups] == [old_high, new_high, old_medium]
    assert [a.severity for a in groups[0].alerts] == [Alert.Severity.HIGH, Alert.Severity.LOW]


def test_filters_open_acknowledged_and_resolved_in_the_last_90_days(client, cast, coordinator):
    pairing = cast["pairing"]
    now = timezone.now()
    fresh = alert(pairing, reason="Fresh.")
    taken = alert(pairing, kind=Alert.Kind.FIT, reason="Taken up.", acknowledged_at=now, acknowledged_by=coordinator)
    alert(pairing, kind=Alert.Kind.SILENCE, reason="Done lately.", resolved_at=now - datetime.timedelta(days=89))
    alert(pairing, kind=Alert.Kind.HEALTH, reason="Done long ago.", resolved_at=now - datetime.timedelta(days=91))
    client.force_login(coordinator)
    url = reverse("evaluation:alerts", args=[pairing.programme_id])

    def shown(show: str | None) -> list[str]:
        response = client.get(url, {"show": show} if show else {})
        return [a.reason for g in response.context["groups"] for a in g.alerts]

    assert shown(None) == [fresh.reason]
    assert shown("acknowledged") == [taken.reason]
    assert shown("resolved") == ["Done lately."]
    assert shown("nonsense") == [fresh.reason]
    response = client.get(url)
    assert [(key, n) for key, _, n in response.context["filters"]] == [
        (Show.OPEN, 1),
        (Show.ACKNOWLEDGED, 1),
        (Show.RESOLVED, 1),
    ]


# --- Actions: acknowledge, turn into an intervention ------------------------------------------------------------


def test_acknowledging_from_the_alerts_page_moves_the_alert_to_acknowledged(client, cast, coordinator):
    pairing = cast["pairing"]
    found = alert(pairing)
    client.force_login(coordinator)
    response = client.post(reverse("evaluation:alert_acknowledge", args=[pairing.programme_id, found.pk]))
    assert response.status_code == 302 and response.url == reverse("evaluation:alerts", args=[pairing.programme_id])
    found.refresh_from_db()
    assert found.acknowledged_by == coordinator and found.resolved_at is None
    page = client.get(response.url, {"show": "acknowledged"})
    assert f"acknowledged {found.acknowledged_at:%-d %b} by Cora Coordinator" in page.content.decode()


def test_an_alert_of_another_programme_is_a_404_even_for_its_own_coordinator(client, cast, coordinator):
    other = PairingFactory()
    MembershipFactory(programme=other.programme, person=coordinator, role=Role.COORDINATOR)
    foreign = alert(other)
    client.force_login(coordinator)
    url = reverse("evaluation:alert_acknowledge", args=[cast["pairing"].programme_id, foreign.pk])
    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.acknowledged_at is None


def test_each_open_alert_offers_an_intervention_until_one_is_open(client, cast, coordinator):
    pairing = cast["pairing"]
    found = alert(pairing)
    client.force_login(coordinator)
    url = reverse("evaluation:alerts", args=[pairing.programme_id])
    create = reverse("evaluation:intervention_create", args=[pairing.programme_id]) + f"?alert={found.pk}"
    assert create in client.get(url).content.decode()

    intervention = InterventionFactory(pairing=pairing, kind="call", created_by=coordinator)
    intervention.alerts.add(found)
    content = client.get(url).content.decode()
    assert create not in content and intervention.get_absolute_url() in content


def test_alerts_page_is_for_the_programmes_coordinators_only(client, cast):
    url = reverse("evaluation:alerts", args=[cast["pairing"].programme_id])
    alert(cast["pairing"], reason="Mina Mentee asked for help.")
    for role, status in [("mentor", 403), ("mentee", 403), ("committee_member", 403), ("line_manager", 404)]:
        client.force_login(cast[role])
        response = client.get(url)
        assert response.status_code == status, role
        assert b"asked for help" not in response.content


# --- Query budget ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 40])
def test_alerts_page_query_budget(client, coordinator, programme, django_assert_num_queries, n):
    for i in range(n):
        pairing = set_schedule(PairingFactory(programme=programme), checkin_due_on=days_ago(i % 20))
        alert(pairing, severity=1 + i % 3)
        alert(pairing, kind=Alert.Kind.FIT, reason="Not good.")
        FitAnswerFactory(pairing=pairing, fit=FitAnswer.Fit.NOT_GOOD)  # the mentee's
        if i % 2:
            health_check(pairing, pairing.mentee, [4, 5], on=days_ago(60))
            health_check(pairing, pairing.mentee, [2, 1], on=days_ago(5))
    client.force_login(coordinator)
    url = reverse("evaluation:alerts", args=[programme.pk])
    # session; user; the programme; my roles in it; the count per filter; the alerts with pairing, people,
    # acknowledger, fit answers, health scores and open intervention (one query with subqueries); the audit
    # alerts' count per filter and this filter's audit alerts (issue 20: the learning environment's section); the
    # navigation's areas and unread badge (base template).
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["groups"]) == n


# --- The silence sweep -----------------------------------------------------------------------------------------


def test_silence_sweep_raises_one_alert_on_each_pair_silent_for_45_days(programme, coordinator):
    silent = set_schedule(PairingFactory(programme=programme), last_session_on=days_ago(45))
    never_met = set_schedule(PairingFactory(programme=programme), started_on=days_ago(50), last_session_on=None)
    set_schedule(PairingFactory(programme=programme), last_session_on=days_ago(44))  # not yet
    set_schedule(PairingFactory(programme=programme), started_on=days_ago(30), last_session_on=None)  # new
    set_schedule(
        PairingFactory(programme=programme), last_session_on=days_ago(90), resumed_on=days_ago(10)
    )  # back from a pause
    set_schedule(
        PairingFactory(programme=programme, status=Pairing.Status.PAUSED), last_session_on=days_ago(90)
    )  # paused

    assert silence_alerts_raise() == 2
    raised = Alert.objects.filter(kind=Alert.Kind.SILENCE)
    assert {a.pairing for a in raised} == {silent, never_met}
    by_pairing = {a.pairing_id: a.reason for a in raised}
    assert by_pairing[silent.pk] == "No confirmed session in 45 days (the last on 1 May 2026)."
    assert by_pairing[never_met.pk].startswith("No confirmed session since the pairing started on 26 April 2026")
    assert Notification.objects.filter(person=coordinator).count() == 2

    assert silence_alerts_raise() == 0  # an open silence alert already says it
    assert raised.count() == 2


def test_a_resolved_silence_alert_is_not_raised_again_for_the_same_silence(programme):
    silent = set_schedule(PairingFactory(programme=programme), last_session_on=days_ago(60))
    alert(silent, kind=Alert.Kind.SILENCE, resolved_at=timezone.now() - datetime.timedelta(days=1))
    assert raise_silence_alerts.delay().get() == 0  # the beat task (eager in tests): the coordinator dealt with it


def test_a_new_silence_after_a_later_session_raises_a_new_alert(programme):
    silent = set_schedule(PairingFactory(programme=programme), last_session_on=days_ago(60))
    # Resolved long ago, about an earlier silence: the pair met after it (60 days ago) and fell silent again.
    old = alert(silent, kind=Alert.Kind.SILENCE, resolved_at=timezone.now() - datetime.timedelta(days=80))
    Alert.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    assert raise_silence_alerts.delay().get() == 1


@pytest.mark.parametrize("n", [3, 40])
def test_silence_selection_is_one_query_whatever_the_number_of_pairings(programme, django_assert_num_queries, n):
    for _ in range(n):
        set_schedule(PairingFactory(programme=programme), last_session_on=days_ago(60))
    with django_assert_num_queries(1):
        assert len(list(silent_pairings(today=TODAY))) == n


def test_silence_sweep_is_bounded_and_the_next_run_takes_the_rest(programme):
    for _ in range(5):
        set_schedule(PairingFactory(programme=programme), last_session_on=days_ago(60))
    assert silence_alerts_raise(limit=3) == 3
    assert silence_alerts_raise(limit=3) == 2
    assert silence_alerts_raise(limit=3) == 0


def test_silence_sweep_for_one_programme_leaves_the_others(programme):
    here = set_schedule(PairingFactory(programme=programme), last_session_on=days_ago(60))
    set_schedule(PairingFactory(programme=ProgrammeFactory()), last_session_on=days_ago(60))
    assert silence_alerts_raise(programme=programme) == 1
    assert Alert.objects.get().pairing == here


def test_an_outsider_coordinator_sees_nothing_of_this_programme(client, cast):
    stranger = PersonFactory()
    MembershipFactory(programme=ProgrammeFactory(), person=stranger, role=Role.COORDINATOR)
    client.force_login(stranger)
    assert client.get(reverse("evaluation:alerts", args=[cast["pairing"].programme_id])).status_code == 404


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_silence_sweeps_at_the_same_moment_raise_one_alert(monkeypatch):
    import time

    from django.db import connection

    from conftest import at_once, require
    from mentoring.services import alerts

    require(connection.vendor == "postgresql", "the silence race needs PostgreSQL (set DATABASE_URL)")
    programme = ProgrammeFactory()
    set_schedule(PairingFactory(programme=programme), last_session_on=days_ago(60))
    tell = alerts.coordinators_alert

    def slowly(pairing, *, text):
        time.sleep(0.3)  # the first sweep holds the pairing while the second one tries
        return tell(pairing, text=text)

    monkeypatch.setattr(alerts, "coordinators_alert", slowly)
    results = at_once(lambda: silence_alerts_raise(today=TODAY), lambda: silence_alerts_raise(today=TODAY), timeout=30)
    assert sorted(results) == [0, 1]
    assert Alert.objects.filter(kind=Alert.Kind.SILENCE).count() == 1
