"""The relationship: agreement, goals, the session log and its rules, the check-in schedule, concerns and fit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.models import Alert, Concern, FitAnswer, Goal, MentoringSession, Pairing
from mentoring.services import concerns, relationship
from mentoring.services.checkins import CheckinState, checkin_state, checkins_refresh
from mentoring.services.lifecycle import pairing_pause, pairing_resume
from mentoring.services.relationship import GoalInput, SessionInput
from mentoring.tests.factories import GoalFactory, MentoringSessionFactory, PairingFactory
from programmes.models import Notification
from programmes.tests.factories import SkillFactory

TODAY = datetime.date(2026, 5, 20)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 5, 20, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def session_input(**overrides) -> SessionInput:
    values = dict(held_on=TODAY, duration_minutes=60, mode="video", topics=[], goals=[], summary="Talked about X")
    values.update(overrides)
    return SessionInput(**values)


# --- Logging sessions: the rules -------------------------------------------------------------------------------


def test_a_logged_session_waits_for_the_partner_who_is_told_without_content(pairing, mentor, mentee):
    session = relationship.session_log(
        pairing=pairing, by=mentor, data=session_input(summary="Salary worries", private_note="She seems tired")
    )
    assert session.status == MentoringSession.Status.AWAITING
    note = Notification.objects.get(person=mentee)
    assert "logged a session on 20 May 2026 (60 minutes)" in note.text
    assert "Salary" not in note.text and "tired" not in note.text
    assert not Notification.objects.filter(person=mentor).exists()
    assert all("Salary" not in m.body and "tired" not in m.body for m in mail.outbox)


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "choose today or earlier"),
        (datetime.date(2026, 3, 1), "Your pairing started on 2 March 2026"),
    ],
)
def test_sessions_in_the_future_or_before_the_start_are_refused(pairing, mentor, held_on, message):
    with pytest.raises(ValidationError) as caught:
        relationship.session_log(pairing=pairing, by=mentor, data=session_input(held_on=held_on))
    assert message in str(caught.value)
    assert not MentoringSession.objects.exists()


@pytest.mark.parametrize("status", [Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY, Pairing.Status.PROPOSED])
def test_no_session_is_logged_in_a_pairing_that_is_closed_or_not_started(programme, mentor, mentee, status):
    pairing = PairingFactory(
        programme=programme, mentor=mentor, mentee=mentee, status=status, end_reason="other", ended_on=TODAY
    )
    with pytest.raises(ValidationError):
        relationship.session_log(pairing=pairing, by=mentor, data=session_input())
    assert not MentoringSession.objects.exists()


def test_a_second_session_on_the_same_day_is_warned_about_and_allowed_when_confirmed(pairing, mentor, mentee):
    relationship.session_log(pairing=pairing, by=mentor, data=session_input())
    with pytest.raises(ValidationError) as caught:
        relationship.session_log(pairing=pairing, by=mentee, data=session_input())
    assert "already in your log" in str(caught.value)
    relationship.session_log(pairing=pairing, by=mentee, data=session_input(), duplicate_ok=True)
    assert MentoringSession.objects.filter(pairing=pairing).count() == 2


def test_only_the_pair_logs_sessions(pairing, coordinator):
    with pytest.raises(ValidationError):
        relationship.session_log(pairing=pairing, by=coordinator, data=session_input())


def test_goals_of_another_pairing_cannot_be_attached(pairing, mentor, programme):
    other = GoalFactory(pairing=PairingFactory(programme=programme))
    with pytest.raises(ValidationError) as caught:
        relationship.session_log(pairing=pairing, by=mentor, data=session_input(goals=[other]))
    assert "goals" in caught.value.error_dict


# --- Confirming, disputing, correcting -------------------------------------------------------------------------


def test_the_partner_confirms_and_the_next_check_in_moves(pairing, mentor, mentee):
    session = relationship.session_log(pairing=pairing, by=mentor, data=session_input(held_on=TODAY))
    pairing.refresh_from_db()
    before = pairing.checkin_due_on
    with pytest.raises(ValidationError):
        relationship.session_confirm(session=session, by=mentor)  # not one's own
    relationship.session_confirm(session=session, by=mentee)
    pairing.refresh_from_db()
    assert pairing.last_session_on == TODAY
    assert pairing.checkin_due_on == TODAY + datetime.timedelta(days=14)
    assert pairing.checkin_due_on != before


def test_a_disputed_session_is_corrected_by_its_author_and_asked_again(pairing, mentor, mentee):
    session = relationship.session_log(pairing=pairing, by=mentor, data=session_input(duration_minutes=120))
    relationship.session_dispute(session=session, by=mentee, reason="It was one hour")
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.DISPUTED
    with pytest.raises(ValidationError):
        relationship.session_update(session=session, by=mentee, data=session_input(duration_minutes=60))
    relationship.session_update(session=session, by=mentor, data=session_input(duration_minutes=60))
    session.refresh_from_db()
    assert (session.status, session.duration_minutes, session.dispute_reason) == ("awaiting", 60, "")


def test_a_disputed_session_cannot_be_disputed_again(
    pairing, mentor, mentee, client, django_capture_on_commit_callbacks
):
    """The second dispute kept the page open, replaced the reason and told the pair again."""
    session = relationship.session_log(pairing=pairing, by=mentor, data=session_input())
    relationship.session_dispute(session=session, by=mentee, reason="It was one hour")
    told = Notification.objects.filter(person=mentor).count()
    with pytest.raises(ValidationError, match="already disputed"):
        relationship.session_dispute(session=session, by=mentee, reason="Another reason")
    client.force_login(mentee)
    url = reverse("mentoring:session_dispute", args=[pairing.pk, session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "And once more"}, follow=True)
    assert "already disputed this session" in response.content.decode()
    session.refresh_from_db()
    assert session.dispute_reason == "It was one hour"
    assert Notification.objects.filter(person=mentor).count() == told


def test_a_confirmed_session_can_no_longer_be_changed_or_deleted(pairing, mentor, mentee):
    session = relationship.session_log(pairing=pairing, by=mentor, data=session_input())
    relationship.session_confirm(session=session, by=mentee)
    with pytest.raises(ValidationError):
        relationship.session_update(session=session, by=mentor, data=session_input(duration_minutes=30))
    with pytest.raises(ValidationError):
        relationship.session_delete(session=session, by=mentor)


def test_confirmed_hours_count_as_protected_time_used(pairing, mentor, mentee, programme):
    from programmes.models import Membership
    from programmes.selectors.time import with_time

    relationship.session_confirm(
        session=relationship.session_log(pairing=pairing, by=mentor, data=session_input(duration_minutes=90)),
        by=mentee,
    )
    relationship.session_log(
        pairing=pairing, by=mentor, data=session_input(held_on=TODAY - datetime.timedelta(days=1))
    )  # not confirmed: does not count
    row = with_time(Membership.objects.filter(person=mentee, programme=programme), month=TODAY).get()
    assert row.time_used_tenths == 15  # 1.5 hours
    assert Decimal(row.time_used_tenths) / 10 == Decimal("1.5")


# --- The check-in schedule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_session", "state"),
    [
        (TODAY - datetime.timedelta(days=5), CheckinState.ON_TRACK),
        (TODAY - datetime.timedelta(days=12), CheckinState.DUE_SOON),
        (TODAY - datetime.timedelta(days=14), CheckinState.DUE_SOON),
        (TODAY - datetime.timedelta(days=15), CheckinState.OVERDUE),
        (TODAY - datetime.timedelta(days=21), CheckinState.OVERDUE),
        (TODAY - datetime.timedelta(days=22), CheckinState.ESCALATED),
    ],
)
def test_check_in_states_follow_the_last_confirmed_session_and_the_grace_days(pairing, last_session, state):
    MentoringSessionFactory(pairing=pairing, held_on=last_session)
    checkins_refresh(instances=[pairing])
    assert checkin_state(pairing, today=TODAY) == state


def test_the_intensive_start_brings_the_first_check_ins_closer(programme, mentor, mentee):
    programme.intensive_days, programme.intensive_checkins = 30, 2
    programme.save()
    pairing = PairingFactory(programme=programme, mentor=mentor, mentee=mentee, started_on=TODAY)
    assert pairing.checkin_due_on == TODAY + datetime.timedelta(days=10)  # 30 days hold two check-ins
    MentoringSessionFactory(pairing=pairing, held_on=TODAY + datetime.timedelta(days=0))
    later = PairingFactory(programme=programme, started_on=TODAY - datetime.timedelta(days=60))
    assert later.checkin_due_on == TODAY - datetime.timedelta(days=60) + datetime.timedelta(days=10)
    MentoringSessionFactory(pairing=later, held_on=TODAY - datetime.timedelta(days=2))
    checkins_refresh(instances=[later])
    assert later.checkin_due_on == TODAY + datetime.timedelta(days=12)  # after the intensive start: cadence 14


def test_paused_pairings_have_no_schedule_and_resume_from_the_day_they_resume(pairing, mentor):
    pairing_pause(pairing=pairing, by=mentor, reason="Leave", resume_on=TODAY + datetime.timedelta(days=30))
    pairing.refresh_from_db()
    assert pairing.checkin_due_on is None
    assert checkin_state(pairing, today=TODAY) == CheckinState.NONE
    pairing_resume(pairing=pairing, by=mentor)
    pairing.refresh_from_db()
    assert pairing.resumed_on == TODAY
    assert pairing.checkin_due_on == TODAY + datetime.timedelta(days=14)


def test_a_new_cadence_within_the_limits_moves_the_next_check_in(pairing, mentor, mentee):
    with pytest.raises(ValidationError) as caught:
        relationship.agreement_update(pairing=pairing, by=mentor, cadence_days=60, preferred_mode="video")
    assert "between every 7 and every 28 days" in str(caught.value)
    MentoringSessionFactory(pairing=pairing, held_on=TODAY)
    relationship.agreement_update(pairing=pairing, by=mentor, cadence_days=21, preferred_mode="video")
    pairing.refresh_from_db()
    assert pairing.checkin_due_on == TODAY + datetime.timedelta(days=21)
    assert Notification.objects.filter(person=mentee, text__contains="every 21 days").exists()


def test_both_sides_sign_the_confidentiality_acknowledgement(pairing, mentor, mentee, coordinator):
    agreement = relationship.agreement_sign(pairing=pairing, by=mentor)
    assert agreement.mentor_signed_at and not agreement.signed
    agreement = relationship.agreement_sign(pairing=pairing, by=mentee)
    assert agreement.signed
    with pytest.raises(ValidationError):
        relationship.agreement_sign(pairing=pairing, by=coordinator)


# --- Goals ---------------------------------------------------------------------------------------------------


def test_only_the_mentee_sets_the_self_ratings_and_achieved_means_100(pairing, mentor, mentee):
    goal = relationship.goal_create(
        pairing=pairing, by=mentor, data=GoalInput(title="Lead a meeting", rating_start=4, status="in_progress")
    )
    assert goal.rating_start is None
    goal = relationship.goal_update(
        goal=goal, by=mentee, data=GoalInput(title="Lead a meeting", rating_start=2, status="achieved", progress=60)
    )
    assert (goal.rating_start, goal.progress) == (2, 100)


# --- Concerns and the fit question --------------------------------------------------------------------------------


def test_a_concern_reaches_the_coordinators_and_not_the_partner(pairing, mentor, mentee, coordinator):
    concerns.concern_raise(pairing=pairing, by=mentee, text="He keeps cancelling")
    concern = Concern.objects.get()
    alert = Alert.objects.get()
    assert (alert.kind, alert.concern, alert.severity) == (Alert.Kind.CONCERN, concern, Alert.Severity.HIGH)
    assert "asked for help" in alert.reason and "cancelling" not in alert.reason
    assert Notification.objects.filter(person=coordinator).exists()
    assert not Notification.objects.filter(person=mentor).exists()
    assert all("cancelling" not in m.body for m in mail.outbox)


def test_the_fit_question_opens_after_the_first_session_and_not_good_raises_one_alert(pairing, mentor, mentee):
    with pytest.raises(ValidationError):
        concerns.fit_answer(pairing=pairing, by=mentee, fit="good")
    MentoringSessionFactory(pairing=pairing, held_on=TODAY)
    concerns.fit_answer(pairing=pairing, by=mentee, fit="not_good")
    concerns.fit_answer(pairing=pairing, by=mentee, fit="not_good")
    concerns.fit_answer(pairing=pairing, by=mentor, fit="deciding")
    assert FitAnswer.objects.filter(pairing=pairing).count() == 2
    assert Alert.objects.filter(kind=Alert.Kind.FIT).count() == 1


# --- Pages ---------------------------------------------------------------------------------------------------------


def test_the_pair_logs_a_session_on_the_page_and_the_partner_confirms_it(pairing, mentor, mentee, login, client):
    skill = SkillFactory(name="Negotiation")
    login(mentor)
    url = reverse("mentoring:session_create", args=[pairing.pk])
    response = client.post(
        url,
        {
            "held_on": "2026-05-19",
            "duration_minutes": "45",
            "mode": "video",
            "topics": [skill.pk],
            "summary": "Prepared the negotiation",
            "private_note": "Nervous about Friday",
        },
    )
    session = MentoringSession.objects.get()
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Nervous about Friday" in page and "Prepared the negotiation" in page
    client.logout()
    login(mentee)
    workspace = client.get(pairing.get_absolute_url()).content.decode()
    assert "Sessions for you to confirm" in workspace and "Nervous about Friday" not in workspace
    client.post(reverse("mentoring:session_confirm", args=[pairing.pk, session.pk]))
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.CONFIRMED


def test_bad_session_input_is_a_message_on_the_form_and_nothing_is_saved(pairing, mentor, login, client):
    login(mentor)
    url = reverse("mentoring:session_create", args=[pairing.pk])
    for data in (
        {"held_on": "2026-06-30", "duration_minutes": "60", "mode": "video"},
        {"held_on": "not a date", "duration_minutes": "600", "mode": "nonsense"},
        {"held_on": "2026-05-19", "duration_minutes": "10", "mode": "video", "topics": ["x"]},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()
    assert not MentoringSession.objects.exists()


def test_a_same_day_session_shows_the_warning_and_the_tick_box(pairing, mentor, login, client):
    MentoringSessionFactory(pairing=pairing, held_on=TODAY)
    login(mentor)
    url = reverse("mentoring:session_create", args=[pairing.pk])
    data = {"held_on": "2026-05-20", "duration_minutes": "60", "mode": "video"}
    page = client.post(url, data).content.decode()
    assert "already in your log" in page and 'type="checkbox" name="duplicate_ok"' in page
    assert client.post(url, {**data, "duplicate_ok": "on"}).status_code == 302
    assert MentoringSession.objects.count() == 2


def test_coordinators_get_no_session_content_pages(pairing, coordinator, login, client):
    session = MentoringSessionFactory(pairing=pairing, held_on=TODAY)
    goal = GoalFactory(pairing=pairing)
    login(coordinator)
    for name, args in [
        ("mentoring:session_detail", [pairing.pk, session.pk]),
        ("mentoring:session_create", [pairing.pk]),
        ("mentoring:goal_edit", [pairing.pk, goal.pk]),
        ("mentoring:agreement_edit", [pairing.pk]),
        ("mentoring:concern_raise", [pairing.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_the_relationships_tab_counts_pairings_by_check_in_state(programme, coordinator, pairing, login, client):
    PairingFactory(programme=programme, started_on=TODAY - datetime.timedelta(days=60))  # escalated
    login(coordinator)
    response = client.get(reverse("mentoring:relationships", args=[programme.pk]) + "?state=escalated")
    assert response.status_code == 200
    states = {key: n for key, _label, n in response.context["states"]}
    assert states[CheckinState.ESCALATED] == 2  # the cast's pairing started in March too
    assert len(response.context["page"].object_list) == 2
    assert client.get(reverse("mentoring:relationships", args=[programme.pk]) + "?state=<script>").status_code == 200


def test_alerts_are_acknowledged_and_resolved_by_coordinators_only(pairing, coordinator, mentee, login, client):
    concerns.concern_raise(pairing=pairing, by=mentee, text="Help")
    alert = Alert.objects.get()
    login(mentee)
    assert client.post(reverse("mentoring:alert_resolve", args=[alert.pk])).status_code == 404
    client.logout()
    login(coordinator)
    client.post(reverse("mentoring:alert_acknowledge", args=[alert.pk]))
    client.post(reverse("mentoring:alert_resolve", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.acknowledged_by == coordinator and alert.resolved_at is not None


def _many_sessions(pairing, n):
    for i in range(n):
        MentoringSessionFactory(pairing=pairing, held_on=TODAY - datetime.timedelta(days=i))
        GoalFactory(pairing=pairing)


@pytest.mark.parametrize("n", [3, 40])
def test_the_workspace_costs_the_same_queries_whatever_the_history(
    pairing, mentor, coordinator, login, client, django_assert_num_queries, n
):
    _many_sessions(pairing, n)
    login(mentor)
    url = pairing.get_absolute_url()
    # session, user, pairing (with programme, people, agreement); workspace: totals, latest sessions, their
    # topics, their goals, readable notes, sessions to confirm, goals, my fit answer; planned sessions; the
    # navigation's areas; the learning-opportunity panel (the mentee's development skills, the suggestions).
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200
    client.logout()
    login(coordinator)
    # session, user, pairing; totals, latest sessions, goal counts by status, fit answers, open alerts; the next
    # planned date; areas.
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [3, 40])
def test_the_relationships_tab_costs_the_same_queries_whatever_the_size(
    programme, coordinator, login, client, django_assert_num_queries, n
):
    for _ in range(n):
        PairingFactory(programme=programme)
    login(coordinator)
    # session, user, programme, my roles; state counts; page count; page of pairings; unresolved alerts; their
    # open and acknowledged counts; proposed pairings (count, oldest 50); areas.
    with django_assert_num_queries(12):
        assert client.get(reverse("mentoring:relationships", args=[programme.pk])).status_code == 200


@pytest.mark.parametrize("n", [3, 40])
def test_the_session_list_costs_the_same_queries_whatever_the_size(
    pairing, mentor, login, client, django_assert_num_queries, n
):
    _many_sessions(pairing, n)
    login(mentor)
    # session, user, pairing, areas; count; page; its topics.
    with django_assert_num_queries(7):
        assert client.get(reverse("mentoring:session_list", args=[pairing.pk])).status_code == 200


def test_goal_self_ratings_field_only_on_the_mentees_form(pairing, mentor, mentee, login, client):
    login(mentor)
    assert "rating_start" not in client.get(reverse("mentoring:goal_create", args=[pairing.pk])).content.decode()
    client.logout()
    login(mentee)
    assert "rating_start" in client.get(reverse("mentoring:goal_create", args=[pairing.pk])).content.decode()
    client.post(
        reverse("mentoring:goal_create", args=[pairing.pk]),
        {"title": "Speak up", "status": "not_started", "progress": "0", "rating_start": "2"},
    )
    assert Goal.objects.get().rating_start == 2


def test_my_mentoring_shows_the_next_check_in_and_sessions_waiting_for_me(pairing, mentor, mentee, login, client):
    relationship.session_log(pairing=pairing, by=mentor, data=session_input())
    login(mentee)
    page = client.get(reverse("mentoring:home")).content.decode()
    assert "Next check-in 12 Mar 2026" in page and "Escalated" in page  # nothing confirmed since the start
    assert "1 session for you to confirm" in page
    client.logout()
    login(mentor)
    assert "for you to confirm" not in client.get(reverse("mentoring:home")).content.decode()


def test_the_coordinators_read_the_concern_on_the_pairing_page_and_the_partner_never(
    pairing, mentor, mentee, coordinator, login, client
):
    concerns.concern_raise(pairing=pairing, by=mentee, text="He keeps cancelling our meetings")
    login(coordinator)
    assert "He keeps cancelling our meetings" in client.get(pairing.get_absolute_url()).content.decode()
    client.logout()
    login(mentor)
    assert "cancelling" not in client.get(pairing.get_absolute_url()).content.decode()
    from programmes.models import AuditEvent

    assert AuditEvent.objects.filter(action="concern.raised", subject=mentee).exists()


def test_after_the_close_only_the_mentees_closing_rating_changes(programme, mentor, mentee):
    pairing = PairingFactory(
        programme=programme, mentor=mentor, mentee=mentee, status=Pairing.Status.COMPLETED, ended_on=TODAY
    )
    goal = GoalFactory(pairing=pairing, title="Lead a meeting")
    relationship.goal_update(goal=goal, by=mentee, data=GoalInput(title="Rewritten", rating_end=4, status="achieved"))
    goal.refresh_from_db()
    assert (goal.title, goal.rating_end, goal.status) == ("Lead a meeting", 4, Goal.Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        relationship.goal_update(goal=goal, by=mentor, data=GoalInput(title="Rewritten", rating_end=2))


def test_each_confirmed_session_knows_the_days_since_the_one_before(pairing, mentor, mentee):
    """The dashboard's median gap reads ``gap_days``: confirming a session out of order moves the next one's
    gap, and a confirmed session disputed afterwards drops out of the chain."""

    def logged(days_ago: int) -> MentoringSession:
        return relationship.session_log(
            pairing=pairing, by=mentor, data=session_input(held_on=TODAY - datetime.timedelta(days=days_ago))
        )

    first, third, second = logged(14), logged(0), logged(7)
    awaiting = logged(3)
    for session in (first, third):
        relationship.session_confirm(session=session, by=mentee)

    def gaps() -> list[int | None]:
        return [MentoringSession.objects.get(pk=s.pk).gap_days for s in (first, second, awaiting, third)]

    assert gaps() == [None, None, None, 14]  # unconfirmed sessions have no gap
    relationship.session_confirm(session=second, by=mentee)
    assert gaps() == [None, 7, None, 7]
    relationship.session_dispute(session=second, by=mentee, reason="We did not meet that day after all")
    assert gaps() == [None, None, None, 14]


def test_the_workspace_shows_the_oldest_sessions_to_confirm_and_links_to_the_rest(
    pairing, mentor, mentee, login, client
):
    for i in range(12):
        MentoringSessionFactory(
            pairing=pairing, logged_by=mentor, held_on=TODAY - datetime.timedelta(days=i), status="awaiting"
        )
    login(mentee)
    page = client.get(pairing.get_absolute_url())
    assert len(page.context["to_confirm"]) == 10
    assert page.context["to_confirm"][0].held_on == TODAY - datetime.timedelta(days=11)  # the oldest first
    rest = reverse("mentoring:session_list", args=[pairing.pk]) + "?status=awaiting"
    assert rest in page.content.decode()
    login(mentor)  # the mentor logged them all: nothing for them to confirm
    assert client.get(pairing.get_absolute_url()).context["to_confirm"] == []


class _GoalChoices(HTMLParser):
    """The goal tick boxes of a rendered form, as a browser shows them: value -> the text of its label."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") == "goals" and a.get("type") == "checkbox":
            self.ids[a["id"]] = a["value"]
        elif tag == "label" and a.get("for") in self.ids:
            self._label_for = a["for"]
            self.labels[self.ids[a["for"]]] = ""

    def handle_data(self, data: str) -> None:
        if self._label_for:
            self.labels[self.ids[self._label_for]] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None


def goal_choices(html: str) -> dict[str, str]:
    parser = _GoalChoices()
    parser.feed(html)
    return {value: " ".join(text.split()) for value, text in parser.labels.items()}


def test_the_session_form_shows_the_pair_their_goal_titles(pairing, mentor, coordinator, login, client):
    lead = GoalFactory(pairing=pairing, title="Lead the quarterly review")
    budget = GoalFactory(pairing=pairing, title="Own a budget line")
    login(mentor)
    url = reverse("mentoring:session_create", args=[pairing.pk])
    choices = goal_choices(client.get(url).content.decode())
    assert choices == {str(lead.pk): "Lead the quarterly review", str(budget.pk): "Own a budget line"}
    # Submitted as rendered, with the goal ticked by its title, the session records that goal.
    ticked = next(value for value, title in choices.items() if title == "Own a budget line")
    data = {"held_on": "2026-05-19", "duration_minutes": "60", "mode": "video", "goals": [ticked]}
    assert client.post(url, data).status_code == 302
    assert list(MentoringSession.objects.get().goals.all()) == [budget]
    # The edit form (the author changes it until it is confirmed) shows the titles too.
    session = MentoringSession.objects.get()
    edit = client.get(reverse("mentoring:session_edit", args=[pairing.pk, session.pk])).content.decode()
    assert goal_choices(edit)[str(budget.pk)] == "Own a budget line"
    # The coordinator's views stay metadata-only: no goal title on the pairing page or the relationships tab.
    client.logout()
    login(coordinator)
    for page in (
        client.get(pairing.get_absolute_url()),
        client.get(reverse("mentoring:relationships", args=[pairing.programme.pk])),
    ):
        assert page.status_code == 200
        assert "Lead the quarterly review" not in page.content.decode()
        assert "Own a budget line" not in page.content.decode()
