"""Surveys (issue 6, point 4): templates, rounds told once and reminded once, automatic health checks and
end-of-relationship surveys, answers checked question by question, health alerts, results with small groups
suppressed, the learning-environment heat map, and the pages' query budgets."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from evaluation.forms.surveys import QuestionForm
from evaluation.models import Answer, Question, Survey, SurveyInvitation, SurveyResponse, SurveyRound
from evaluation.selectors import surveys as survey_selectors
from evaluation.services import survey_answers, survey_rounds, surveys
from mentoring.models import Alert, Pairing
from mentoring.services.lifecycle import pairing_complete
from mentoring.tests.factories import PairingFactory
from programmes.models import Notification, Role
from programmes.tests.factories import MembershipFactory, OrgUnitFactory, PersonFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 5, 4)  # a Monday; the cast's pairing started on 2 March 2026


def on(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=LONDON), tick=False)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def builtin(kind: str) -> Survey:
    return surveys.surveys_ensure_builtin()[kind]


def own_survey(programme, coordinator, *, anonymous: bool = False) -> Survey:
    survey = surveys.survey_create(programme=programme, by=coordinator, title="Onboarding", anonymous=anonymous)
    surveys.question_create(survey=survey, text="The onboarding was useful.", kind=Question.Kind.LIKERT)
    surveys.question_create(
        survey=survey, text="Which part helped most?", kind=Question.Kind.CHOICE, choices=["Buddy", "Handbook"]
    )
    surveys.question_create(survey=survey, text="Anything else?", kind=Question.Kind.TEXT, required=False)
    return survey


def send(survey, programme, coordinator, *, audience="participants", opens=TODAY, closes=None) -> SurveyRound:
    return survey_rounds.survey_round_send(
        survey=survey,
        programme=programme,
        by=coordinator,
        title=f"{survey.title} round",
        audience=audience,
        opens_on=opens,
        closes_on=closes or opens + days(14),
    )


def answer_all(invitation, likert: int = 4, *, choice: str | None = None, text: str = "", may_quote=False):
    raw = {}
    for question in invitation.round.survey.questions.all():
        if question.kind == Question.Kind.LIKERT:
            raw[question.pk] = likert
        elif question.kind == Question.Kind.CHOICE:
            raw[question.pk] = choice or question.choices[0]
        else:
            raw[question.pk] = text
    return survey_answers.survey_response_submit(
        invitation=invitation, by=invitation.person, answers=raw, may_quote=may_quote
    )


def participants(programme, n: int, *, team=None, role=Role.MENTEE) -> list:
    team = team or OrgUnitFactory()
    people = []
    for _ in range(n):
        person = PersonFactory(org_unit=team)
        MembershipFactory(programme=programme, person=person, role=role)
        people.append(person)
    return people


# --- Templates --------------------------------------------------------------------------------------------


def test_the_four_built_in_surveys_are_made_once_with_the_audit_on_every_dimension():
    first = surveys.surveys_ensure_builtin()
    again = surveys.surveys_ensure_builtin()
    assert {k: s.pk for k, s in first.items()} == {k: s.pk for k, s in again.items()}
    # Four kinds; the audit in its two shipped versions (the nine first items, and version 2 with the rest of
    # Fuller and Unwin's expansive features), the newest one returned.
    assert Survey.objects.filter(programme__isnull=True).count() == 5
    audit = first[Survey.Kind.LEARNING_ENVIRONMENT]
    assert audit.version == 2
    assert audit.anonymous and not first[Survey.Kind.HEALTH].anonymous
    dimensions = set(audit.questions.exclude(dimension="").values_list("dimension", flat=True))
    assert dimensions == {d for d in Question.Dimension.values if d}
    end = first[Survey.Kind.END].questions.get(kind=Question.Kind.CHOICE)
    assert end.choices == ["Yes", "No", "Not sure"]


def test_a_one_choice_question_needs_at_least_two_different_options(programme, coordinator):
    survey = surveys.survey_create(programme=programme, by=coordinator, title="Q", anonymous=False)
    with pytest.raises(ValidationError) as exc:
        surveys.question_create(survey=survey, text="Pick", kind=Question.Kind.CHOICE, choices=["Yes", " Yes "])
    assert "between 2 and 12" in str(exc.value)
    with pytest.raises(ValidationError):
        surveys.question_create(survey=survey, text="Scale", kind=Question.Kind.LIKERT, choices=["A", "B"])
    form = QuestionForm({"text": "Pick", "kind": "choice", "choices": "Only one", "required": "on"})
    assert not form.is_valid() and "choices" in form.errors
    form = QuestionForm({"text": "Pick", "kind": "choice", "choices": "Yes\n\nNo\n", "required": "on"})
    assert form.is_valid() and form.cleaned_data["choices"] == ["Yes", "No"]


def test_questions_reorder_and_stop_changing_once_the_survey_is_sent(programme, coordinator, mentee):
    survey = own_survey(programme, coordinator)
    likert, choice, text = survey.questions.order_by("position")
    surveys.question_move(question=text, direction="up")
    assert list(survey.questions.order_by("position")) == [likert, text, choice]
    surveys.question_move(question=likert, direction="up")  # already first: nothing moves
    assert list(survey.questions.order_by("position")) == [likert, text, choice]
    with on(TODAY):
        send(survey, programme, coordinator)
    with pytest.raises(ValidationError, match="has been sent"):
        surveys.question_create(survey=survey, text="Late", kind=Question.Kind.TEXT)
    with pytest.raises(ValidationError):
        surveys.question_delete(question=choice)
    with pytest.raises(ValidationError):
        surveys.survey_update(survey=survey, title="Renamed", anonymous=True)


def test_built_in_surveys_cannot_be_changed(programme, coordinator, login, client):
    health = builtin(Survey.Kind.HEALTH)
    with pytest.raises(PermissionDenied):
        surveys.question_create(survey=health, text="Extra", kind=Question.Kind.TEXT)
    login(coordinator)
    url = reverse("evaluation:survey_edit", args=[programme.pk, health.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Mine now", "anonymous": ""}).status_code == 403
    assert client.get(reverse("evaluation:question_add", args=[programme.pk, health.pk])).status_code == 403
    # The health check is sent automatically: no round by hand.
    assert client.get(reverse("evaluation:round_create", args=[programme.pk, health.pk])).status_code == 403


def test_coordinator_builds_a_survey_and_sends_it_through_the_pages(programme, coordinator, mentee, login, client):
    login(coordinator)
    response = client.post(
        reverse("evaluation:survey_create", args=[programme.pk]), {"title": "Kick-off day", "description": ""}
    )
    survey = Survey.objects.get(title="Kick-off day")
    assert response.url == reverse("evaluation:survey_edit", args=[programme.pk, survey.pk])
    add = reverse("evaluation:question_add", args=[programme.pk, survey.pk])
    response = client.post(add, {"text": "Pick one", "kind": "choice", "choices": "Just one", "required": "on"})
    assert response.status_code == 200 and "Give between 2 and 12" in response.content.decode()
    client.post(add, {"text": "Pick one", "kind": "choice", "choices": "Morning\nAfternoon", "required": "on"})
    assert survey.questions.get().choices == ["Morning", "Afternoon"]
    with on(TODAY):
        response = client.post(
            reverse("evaluation:round_create", args=[programme.pk, survey.pk]),
            {"title": "Kick-off", "audience": "mentees", "opens_on": "2026-05-04", "closes_on": "2026-05-18"},
        )
    survey_round = SurveyRound.objects.get(survey=survey)
    assert response.url == reverse("evaluation:round_results", args=[programme.pk, survey_round.pk])
    assert list(survey_round.invitations.values_list("person", flat=True)) == [mentee.pk]


# --- Rounds: told once when the round opens, reminded once before it closes -------------------------------


def test_a_round_opening_today_tells_everyone_once_in_the_app_and_by_email(programme, coordinator, mentor, mentee):
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        survey_round = send(survey, programme, coordinator)
        assert survey_round.status == SurveyRound.Status.OPEN
        assert set(survey_round.invitations.values_list("person", flat=True)) == {mentor.pk, mentee.pk}
        assert Notification.objects.filter(person=mentee, text__contains="Please answer").count() == 1
        assert len(mail.outbox) == 2
        survey_rounds.survey_rounds_sweep()
        survey_rounds.survey_rounds_sweep()
    assert Notification.objects.filter(text__contains="Please answer").count() == 2  # still once each
    assert len(mail.outbox) == 2


def test_a_later_round_is_told_on_its_day_by_the_sweep_and_only_once(programme, coordinator, mentor, mentee):
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        survey_round = send(survey, programme, coordinator, opens=TODAY + days(3))
        assert survey_round.status == SurveyRound.Status.DRAFT
        assert not Notification.objects.exists()
        assert survey_rounds.survey_rounds_sweep()["opened"] == 0
    with on(TODAY + days(3)):
        assert survey_rounds.survey_rounds_sweep()["opened"] == 1
        assert survey_rounds.survey_rounds_sweep()["opened"] == 0
    assert Notification.objects.filter(text__contains="Please answer").count() == 2


def test_one_reminder_goes_to_those_who_have_not_answered_and_the_round_then_closes(
    programme, coordinator, mentor, mentee
):
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        survey_round = send(survey, programme, coordinator, closes=TODAY + days(10))
    with on(TODAY + days(2)):
        answer_all(survey_round.invitations.get(person=mentor))
        assert survey_rounds.survey_rounds_sweep()["reminded"] == 0  # not yet: the round closes in 8 days
    mail.outbox.clear()
    with on(TODAY + days(7)):
        assert survey_rounds.survey_rounds_sweep()["reminded"] == 1
        assert survey_rounds.survey_rounds_sweep()["reminded"] == 0
    reminders = Notification.objects.filter(text__startswith="Reminder")
    assert list(reminders.values_list("person", flat=True)) == [mentee.pk]
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    with on(TODAY + days(11)):
        assert survey_rounds.survey_rounds_sweep()["closed"] == 1
        invitation = survey_round.invitations.get(person=mentee)
        with pytest.raises(ValidationError, match="closed"):
            answer_all(invitation)


def test_both_sides_of_each_pairing_are_asked_about_that_pairing(programme, coordinator, pairing, mentor):
    second = PairingFactory(programme=programme, mentor=mentor)
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        survey_round = send(survey, programme, coordinator, audience="pairs")
    assert set(survey_round.invitations.values_list("person", "pairing")) == {
        (mentor.pk, pairing.pk),
        (pairing.mentee_id, pairing.pk),
        (mentor.pk, second.pk),
        (second.mentee_id, second.pk),
    }
    # The mentor is asked twice but told once.
    assert Notification.objects.filter(person=mentor).count() == 1


def test_an_anonymous_survey_asks_each_person_once_and_about_no_pairing(programme, coordinator, pairing, mentor):
    PairingFactory(programme=programme, mentor=mentor)
    survey = own_survey(programme, coordinator, anonymous=True)
    with on(TODAY):
        survey_round = send(survey, programme, coordinator, audience="pairs")
    assert survey_round.invitations.filter(person=mentor).count() == 1
    assert not survey_round.invitations.filter(pairing__isnull=False).exists()


def test_a_round_needs_somebody_to_ask(programme, coordinator):
    survey = own_survey(programme, coordinator)
    with on(TODAY), pytest.raises(ValidationError, match="Nobody"):
        send(survey, programme, coordinator, audience="mentors")


# --- Automatic surveys --------------------------------------------------------------------------------------


def test_health_checks_come_30_days_after_the_start_then_every_60_and_only_once(pairing, mentor, mentee):
    start = pairing.started_on
    with on(start + days(29)):
        assert survey_rounds.health_checks_invite() == 0
    with on(start + days(30)):
        assert survey_rounds.health_checks_invite() == 2
        assert survey_rounds.health_checks_invite() == 0
    with on(start + days(31)):
        assert survey_rounds.health_checks_invite() == 0  # a later tick the same period sends nothing more
    with on(start + days(89)):
        assert survey_rounds.health_checks_invite() == 0
    with on(start + days(90)):
        assert survey_rounds.health_checks_invite() == 2
    invitations = SurveyInvitation.objects.filter(pairing=pairing)
    assert sorted(set(invitations.values_list("due_on", flat=True))) == [start + days(30), start + days(90)]
    assert SurveyRound.objects.filter(survey__kind=Survey.Kind.HEALTH).count() == 1  # one standing round
    told = Notification.objects.filter(person=mentee, text__contains="health check")
    assert told.count() == 2 and mentor.display_name in told.first().text


def test_paused_pairings_get_no_health_check(pairing):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.PAUSED)
    with on(pairing.started_on + days(30)):
        assert survey_rounds.health_checks_invite() == 0


def test_a_closed_pairing_is_asked_for_the_end_survey_once(pairing, mentor, mentee, coordinator):
    with on(TODAY):
        pairing_complete(pairing=pairing, by=coordinator)
        assert survey_rounds.end_surveys_invite() == 2
        assert survey_rounds.end_surveys_invite() == 0
    with on(TODAY + days(1)):
        assert survey_rounds.end_surveys_invite() == 0
    invitation = SurveyInvitation.objects.get(person=mentee)
    assert invitation.round.survey.kind == Survey.Kind.END and invitation.pairing == pairing
    assert Notification.objects.filter(person=mentee, text__contains="has closed. Tell us").count() == 1


def test_old_closings_and_declined_proposals_get_no_end_survey(programme, mentor):
    PairingFactory(programme=programme, status="completed", ended_on=TODAY - days(40))
    PairingFactory(programme=programme, status="ended_early", end_reason="no_fault", started_on=None, ended_on=TODAY)
    with on(TODAY):
        assert survey_rounds.end_surveys_invite() == 0


def test_an_unanswered_health_check_is_reminded_once_a_week_later(pairing, mentor, mentee):
    due = pairing.started_on + days(30)
    with on(due):
        survey_rounds.health_checks_invite()
        answer_all(SurveyInvitation.objects.get(person=mentor))
    with on(due + days(6)):
        assert survey_rounds.automatic_invitations_remind() == 0
    with on(due + days(7)):
        assert survey_rounds.automatic_invitations_remind() == 1
        assert survey_rounds.automatic_invitations_remind() == 0
    reminded = Notification.objects.filter(text__startswith="Reminder")
    assert list(reminded.values_list("person", flat=True)) == [mentee.pk]


# --- Answering ----------------------------------------------------------------------------------------------


def test_every_answer_is_checked(programme, coordinator, mentee):
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        invitation = send(survey, programme, coordinator, audience="mentees").invitations.get()
        likert, choice, text = survey.questions.order_by("position")
        bad = {likert.pk: 7, choice.pk: "Manual", text.pk: "x" * (surveys.TEXT_MAX_CHARS + 1)}
        with pytest.raises(ValidationError) as exc:
            survey_answers.survey_response_submit(invitation=invitation, by=mentee, answers=bad)
        assert set(exc.value.message_dict) == {f"q{likert.pk}", f"q{choice.pk}", f"q{text.pk}"}
        with pytest.raises(ValidationError, match="Please answer"):
            survey_answers.survey_response_submit(invitation=invitation, by=mentee, answers={choice.pk: "Buddy"})
        response = survey_answers.survey_response_submit(
            invitation=invitation, by=mentee, answers={likert.pk: "5", choice.pk: "Buddy"}
        )
        assert {(a.likert, a.choice) for a in response.answers.all()} == {(5, ""), (None, "Buddy")}
        invitation.refresh_from_db()
        assert invitation.responded_at is not None
        with pytest.raises(ValidationError, match="already answered"):
            answer_all(invitation)


def test_the_answer_page_is_for_the_invited_person_only(programme, coordinator, mentee, mentor, login, client):
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        invitation = send(survey, programme, coordinator, audience="mentees").invitations.get()
        url = reverse("evaluation:survey_answer", args=[invitation.pk])
        login(mentor)
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
        client.logout()
        login(mentee)
        page = client.get(url).content.decode()
        assert "The onboarding was useful." in page and "may quote my comments" in page
        likert, choice, text = survey.questions.order_by("position")
        response = client.post(url, {f"q{likert.pk}": "9"})
        assert response.status_code == 200 and "Please answer this question." in response.content.decode()
        response = client.post(url, {f"q{likert.pk}": "4", f"q{choice.pk}": "Handbook", "may_quote": "on"})
        assert response.url == reverse("evaluation:my_surveys")
    assert SurveyResponse.objects.get().may_quote is True
    assert SurveyResponse.objects.get().person == mentee  # not anonymous: the coordinators read it with the name


def test_my_surveys_lists_what_is_open_for_me(programme, coordinator, pairing, mentee, login, client):
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        send(survey, programme, coordinator)
    with on(pairing.started_on + days(30)):
        survey_rounds.health_checks_invite()
    with on(TODAY):
        login(mentee)
        page = client.get(reverse("evaluation:my_surveys")).content.decode()
    assert "Onboarding round" in page
    # The health check was due on 1 April; its 30 days to answer are over by 4 May.
    assert "Relationship health check" not in page


# --- Health alerts ------------------------------------------------------------------------------------------


def _health_answer(pairing, person, due, score):
    with on(due):
        survey_rounds.health_checks_invite()
        invitation = SurveyInvitation.objects.get(person=person, due_on=due)
        answer_all(invitation, likert=score)


def test_a_falling_health_score_raises_a_high_alert_with_its_reason(pairing, mentee):
    start = pairing.started_on
    _health_answer(pairing, mentee, start + days(30), 5)
    with on(start + days(90)):
        survey_rounds.health_checks_invite()
        invitation = SurveyInvitation.objects.get(person=mentee, due_on=start + days(90))
        questions = list(invitation.round.survey.questions.filter(kind=Question.Kind.LIKERT))
        raw = dict(zip([q.pk for q in questions], [4, 3, 3, 4], strict=True))  # 3.5: a drop of 1.5
        survey_answers.survey_response_submit(invitation=invitation, by=mentee, answers=raw)
    alert = Alert.objects.get(pairing=pairing)
    assert alert.kind == Alert.Kind.HEALTH and alert.severity == Alert.Severity.HIGH
    assert alert.reason.startswith("health score fell from 5.0 to 3.5")
    # The response carries its Likert sum and count, which the dashboard's health trend adds up.
    response = SurveyResponse.objects.get(person=mentee, submitted_on=start + days(90))
    assert (response.likert_total, response.likert_answers) == (14, 4)


def test_a_low_first_score_raises_an_alert_and_a_small_dip_does_not(pairing, mentor, mentee):
    start = pairing.started_on
    _health_answer(pairing, mentor, start + days(30), 4)
    _health_answer(pairing, mentor, start + days(90), 3)  # a dip of 1.0
    assert not Alert.objects.exists()
    _health_answer(pairing, mentee, start + days(30), 2)
    assert Alert.objects.get().reason.startswith("health score 2.0 out of 5")


# --- Results ------------------------------------------------------------------------------------------------


def test_results_hide_every_count_under_five_and_show_the_mean_from_five(programme, coordinator):
    people = participants(programme, 7)
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        survey_round = send(survey, programme, coordinator, audience="mentees")
        for person, score in zip(people, [5, 5, 5, 5, 5, 4, 2], strict=True):
            answer_all(survey_round.invitations.get(person=person), likert=score, choice="Buddy", text="Fine")
    results = survey_selectors.round_results(survey_round)
    assert results.invited == 7 and str(results.responded) == "7" and results.rate == 100
    likert, choice, text = results.questions
    assert [str(c) for c in likert.counts] == ["fewer than 5"] * 4 + ["5"]
    assert likert.mean == 4.4
    # "Handbook" (0) is hidden, so "Buddy" goes with it: otherwise it would be the total answered minus 7.
    assert [str(c) for c in choice.counts] == ["fewer than 5", "fewer than 5"]
    assert [t.name for t in text.texts] == [str(p) for p in people]  # not anonymous: with names


def test_a_likert_answer_given_by_five_is_shown(programme, coordinator):
    people = participants(programme, 10)
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        survey_round = send(survey, programme, coordinator, audience="mentees")
        for i, person in enumerate(people):
            answer_all(survey_round.invitations.get(person=person), likert=4 if i < 5 else 5)
    likert = survey_selectors.round_results(survey_round).questions[0]
    assert [str(c) for c in likert.counts] == ["fewer than 5"] * 3 + ["5", "5"]
    assert likert.mean == 4.5


# --- The learning-environment heat map ---------------------------------------------------------------------


def _audit(programme, coordinator, teams: dict[str, tuple[int, int]]):
    """An audit answered by ``n`` people of each team, all with ``score``."""
    for name, (n, _) in teams.items():
        participants(programme, n, team=OrgUnitFactory(name=name), role=Role.MENTOR)
    with on(TODAY):
        survey_round = send(builtin(Survey.Kind.LEARNING_ENVIRONMENT), programme, coordinator, audience="mentors")
        for invitation in survey_round.invitations.select_related("person__org_unit"):
            answer_all(invitation, likert=teams[invitation.person.org_unit.name][1])
    return survey_round


def test_heat_map_scores_teams_of_five_or_more_and_lists_the_others_without_figures(programme, coordinator):
    teams = {"Warehouse": (6, 2), "Design": (5, 5), "Legal": (2, 1), "Finance": (3, 3)}
    survey_round = _audit(programme, coordinator, teams)
    heatmap = survey_selectors.learning_environment_heatmap(programme=programme)
    assert heatmap.round == survey_round
    assert [d for d, _ in heatmap.dimensions] == [d for d in Question.Dimension.values if d]  # the items' version 2
    rows = {row.team: row for row in heatmap.rows}
    assert [c.mean for c in rows["Warehouse"].cells] == [2.0] * 10
    assert rows["Warehouse"].cells[0].label == "Rather restrictive"
    assert [c.level for c in rows["Design"].cells] == [5] * 10
    assert rows["Legal"].suppressed and rows["Legal"].cells == [] and rows["Finance"].suppressed
    html = render_to_string("evaluation/_learning_heatmap.html", {"heatmap": heatmap})
    assert "<strong>2.0</strong>" in html and "<strong>5.0</strong>" in html  # the number is in the cell
    assert "fewer than 5 answered" in html and "<strong>1.0</strong>" not in html
    assert "1 restrictive" in html and "5 expansive" in html  # the legend


def test_heat_map_holds_back_the_smallest_shown_team_when_the_hidden_ones_are_fewer_than_five(programme, coordinator):
    # Legal's two are hidden; with Warehouse shown too, Legal's score would be the overall mean minus Warehouse's.
    _audit(programme, coordinator, {"Warehouse": (5, 4), "Design": (6, 5), "Legal": (2, 1)})
    rows = {row.team: row for row in survey_selectors.learning_environment_heatmap(programme=programme).rows}
    assert rows["Legal"].suppressed
    assert rows["Warehouse"].withheld and rows["Warehouse"].cells == [] and str(rows["Warehouse"].respondents) == "5"
    assert not rows["Design"].withheld and rows["Design"].cells[0].mean == 5.0


def test_heat_map_is_none_before_any_audit(programme):
    assert survey_selectors.learning_environment_heatmap(programme=programme) is None
    assert "No learning-environment audit" in render_to_string("evaluation/_learning_heatmap.html", {"heatmap": None})


def test_round_results_page_shows_the_heat_map(programme, coordinator, login, client):
    survey_round = _audit(programme, coordinator, {"Warehouse": (5, 3)})
    login(coordinator)
    page = client.get(reverse("evaluation:round_results", args=[programme.pk, survey_round.pk])).content.decode()
    assert "Learning environment by team" in page and "<strong>3.0</strong>" in page


# --- Query budgets ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 40])
def test_the_survey_list_costs_the_same_queries_whatever_the_size(
    programme, coordinator, login, client, django_assert_num_queries, n
):
    participants(programme, 2)
    with on(TODAY):
        for i in range(n):
            survey = surveys.survey_create(programme=programme, by=coordinator, title=f"S{i}", anonymous=False)
            surveys.question_create(survey=survey, text="Q", kind=Question.Kind.LIKERT)
            send(survey, programme, coordinator)
    surveys.surveys_ensure_builtin()  # the first visit ever makes the built-ins (once per installation)
    login(coordinator)
    # session, user, programme, my roles; surveys with counts; rounds with counts; the navigation's areas.
    with django_assert_num_queries(7):
        assert client.get(reverse("evaluation:survey_list", args=[programme.pk])).status_code == 200


@pytest.mark.parametrize("n", [3, 40])
def test_round_results_cost_the_same_queries_whatever_the_size(
    programme, coordinator, login, client, django_assert_num_queries, n
):
    people = participants(programme, n)
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        survey_round = send(survey, programme, coordinator, audience="mentees")
        for person in people:
            answer_all(survey_round.invitations.get(person=person), text="Good")
    login(coordinator)
    # session, user, programme, my roles, round; invitation counts, response count, questions, grouped answer
    # counts, comments; the navigation's areas.
    with django_assert_num_queries(11):
        assert client.get(reverse("evaluation:round_results", args=[programme.pk, survey_round.pk])).status_code == 200


@pytest.mark.parametrize("n", [3, 40])
def test_an_audit_results_page_costs_the_same_queries_whatever_the_size(
    programme, coordinator, login, client, django_assert_num_queries, n
):
    survey_round = _audit(programme, coordinator, {"Warehouse": (n, 3), "Legal": (2, 4)})
    login(coordinator)
    # As above, plus the heat map: respondents per team, means per team and dimension; its trend: the round before
    # (none here).
    with django_assert_num_queries(14):
        assert client.get(reverse("evaluation:round_results", args=[programme.pk, survey_round.pk])).status_code == 200


@pytest.mark.parametrize("n", [3, 40])
def test_my_surveys_costs_the_same_queries_whatever_the_size(
    programme, coordinator, mentee, login, client, django_assert_num_queries, n
):
    with on(TODAY):
        for i in range(n):
            survey = surveys.survey_create(programme=programme, by=coordinator, title=f"S{i}", anonymous=False)
            surveys.question_create(survey=survey, text="Q", kind=Question.Kind.LIKERT)
            invitations = send(survey, programme, coordinator, audience="mentees").invitations.all()
            if i % 2:
                answer_all(invitations.get())
        login(mentee)
        # session, user, the navigation's areas (the page's role check); open invitations; answered lately.
        with django_assert_num_queries(5):
            assert client.get(reverse("evaluation:my_surveys")).status_code == 200


def test_answers_are_stored_one_row_per_question(programme, coordinator, mentee):
    survey = own_survey(programme, coordinator)
    with on(TODAY):
        invitation = send(survey, programme, coordinator, audience="mentees").invitations.get()
        answer_all(invitation, text="")
    assert Answer.objects.count() == 2  # the optional comment left empty is not stored
