"""Anonymous surveys (issue 6 acceptance): no page, export or admin view available to a coordinator links an
anonymous answer to a person. The response carries no person and no pairing; a keyed hash stops a second
answer; the invitation says only that (and on which day) the person answered."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from evaluation.models import Answer, Question, Survey, SurveyInvitation, SurveyResponse, SurveyRound
from evaluation.selectors import surveys as survey_selectors
from evaluation.services import survey_answers, survey_rounds, surveys
from programmes.models import Role
from programmes.tests.factories import MembershipFactory, OrgUnitFactory, PersonFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 5, 4)
SECRET_COMMENT = "My manager never lets me go to courses"


def on(day: datetime.date, hour: int = 9) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour, 37), tzinfo=LONDON), tick=False)


def feedback_round(programme, coordinator) -> SurveyRound:
    survey = surveys.surveys_ensure_builtin()[Survey.Kind.FEEDBACK]
    return survey_rounds.survey_round_send(
        survey=survey,
        programme=programme,
        by=coordinator,
        title="Feedback: mid-point",
        audience=SurveyRound.Audience.PARTICIPANTS,
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=14),
    )


def answer(invitation, *, text: str = "", likert: int = 4, may_quote: bool = False) -> SurveyResponse:
    raw = {}
    for q in invitation.round.survey.questions.all():
        raw[q.pk] = likert if q.kind == Question.Kind.LIKERT else text
    return survey_answers.survey_response_submit(
        invitation=invitation, by=invitation.person, answers=raw, may_quote=may_quote
    )


def people(programme, n: int, team_name: str = "Warehouse") -> list:
    team = OrgUnitFactory(name=team_name)
    found = []
    for i in range(n):
        person = PersonFactory(org_unit=team, display_name=f"Respondent Number{i}")
        MembershipFactory(programme=programme, person=person, role=Role.MENTEE)
        found.append(person)
    return found


def test_an_anonymous_response_stores_no_person_and_only_a_keyed_hash(programme, coordinator, mentee, pairing):
    with on(TODAY):
        invitation = feedback_round(programme, coordinator).invitations.get(person=mentee)
        response = answer(invitation, text=SECRET_COMMENT)
    assert response.person_id is None and response.pairing_id is None
    assert response.team_id == mentee.org_unit_id and response.role == Role.MENTEE  # for group figures only
    assert len(response.respondent_hash) == 64  # a SHA-256 digest in hex
    assert response.respondent_hash == survey_answers.respondent_hash(survey_round=invitation.round, person=mentee)
    with override_settings(SECRET_KEY="another-installation-secret"):
        # Without the server's secret the hash cannot be recomputed from the round and a person's id.
        assert response.respondent_hash != survey_answers.respondent_hash(survey_round=invitation.round, person=mentee)
    invitation.refresh_from_db()
    # Only the day they answered, not the moment: nothing to line up with the order responses arrived in.
    assert invitation.responded_at == datetime.datetime.combine(TODAY, datetime.time(), tzinfo=LONDON)
    # No field of the invitation points at the response, nor the response at the invitation.
    assert not [f for f in SurveyInvitation._meta.get_fields() if f.related_model is SurveyResponse]
    assert not [f for f in SurveyResponse._meta.get_fields() if f.related_model is SurveyInvitation]


def test_an_anonymous_answer_on_a_later_day_carries_only_the_rounds_opening_day(
    programme, coordinator, mentee, pairing
):
    with on(TODAY):
        survey_round = feedback_round(programme, coordinator)
    with on(TODAY + datetime.timedelta(days=3)):
        response = answer(survey_round.invitations.get(person=mentee), text=SECRET_COMMENT)
    invitation = survey_round.invitations.get(person=mentee)
    # Neither row says on which day this person answered, so a lone answer that day cannot be lined up.
    assert response.submitted_on == survey_round.opens_on
    assert timezone.localtime(invitation.responded_at).date() == survey_round.opens_on


def test_the_hash_stops_a_second_answer_even_if_the_invitation_were_reset(programme, coordinator, mentee, pairing):
    with on(TODAY):
        invitation = feedback_round(programme, coordinator).invitations.get(person=mentee)
        answer(invitation)
        SurveyInvitation.objects.filter(pk=invitation.pk).update(responded_at=None)
        with pytest.raises(ValidationError, match="already answered"):
            answer(invitation)
    assert SurveyResponse.objects.count() == 1


def test_results_show_anonymous_comments_without_names_or_teams_once_five_answered(
    programme, coordinator, login, client
):
    respondents = people(programme, 5)
    with on(TODAY):
        survey_round = feedback_round(programme, coordinator)
        url = reverse("evaluation:round_results", args=[programme.pk, survey_round.pk])
        for i, person in enumerate(respondents[:4]):
            answer(survey_round.invitations.get(person=person), text=f"{SECRET_COMMENT} ({i})")
        login(coordinator)
        page = client.get(url).content.decode()
        assert SECRET_COMMENT not in page and "Comments appear once 5 people have answered." in page
        answer(survey_round.invitations.get(person=respondents[4]), text=f"{SECRET_COMMENT} (4)", may_quote=True)
        page = client.get(url).content.decode()
    assert page.count(SECRET_COMMENT) == 5
    for person in respondents:
        assert person.display_name not in page and person.email not in page
    assert "Warehouse" not in page  # no team either


def test_anonymous_comments_are_listed_by_their_words_not_by_when_they_came(programme, coordinator):
    respondents = people(programme, 5)
    with on(TODAY):
        survey_round = feedback_round(programme, coordinator)
        for person, text in zip(respondents, ["Echo", "Delta", "Charlie", "Bravo", "Alpha"], strict=True):
            answer(survey_round.invitations.get(person=person), text=text)
    comments = survey_selectors.round_results(survey_round).questions[-1].texts
    assert [c.text for c in comments] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert all(c.name == "" for c in comments)


def test_no_coordinator_page_names_who_answered_an_anonymous_survey(programme, coordinator, login, client):
    respondents = people(programme, 6)
    with on(TODAY):
        survey_round = feedback_round(programme, coordinator)
        answer(survey_round.invitations.get(person=respondents[0]), text=SECRET_COMMENT)
    login(coordinator)
    for url in (
        reverse("evaluation:survey_list", args=[programme.pk]),
        reverse("evaluation:survey_edit", args=[programme.pk, survey_round.survey_id]),
        reverse("evaluation:round_results", args=[programme.pk, survey_round.pk]),
    ):
        page = client.get(url).content.decode()
        assert respondents[0].display_name not in page, url
        assert SECRET_COMMENT not in page, url  # one answer: not even the words


def test_the_django_admin_offers_no_survey_answers(client, administrator, programme, coordinator, mentee, pairing):
    with on(TODAY):
        invitation = feedback_round(programme, coordinator).invitations.get(person=mentee)
        response = answer(invitation, text=SECRET_COMMENT)
    for model in (SurveyResponse, Answer, SurveyInvitation):
        assert model not in admin.site._registry
    client.force_login(administrator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "response" not in index.lower() and "invitation" not in index.lower()
    # The response's change page would sit here were the model registered: the admin knows no such page.
    change = reverse("admin:index") + f"evaluation/surveyresponse/{response.pk}/change/"
    assert client.get(change).status_code == 404
    assert client.get(reverse("admin:index") + "evaluation/answer/").status_code == 404
    client.logout()  # an anonymous visitor is sent to the admin's login page, as for any admin address
    answer_page = client.get(change)
    assert answer_page.status_code == 302 and answer_page.url.startswith(reverse("admin:login"))


def test_committee_members_cannot_open_survey_results(programme, coordinator, committee_member, login, client):
    with on(TODAY):
        people(programme, 1)
        survey_round = feedback_round(programme, coordinator)
    login(committee_member)
    assert client.get(reverse("evaluation:round_results", args=[programme.pk, survey_round.pk])).status_code == 403
    assert client.get(reverse("evaluation:survey_list", args=[programme.pk])).status_code == 403


def test_an_audit_keeps_team_figures_under_five_out_of_every_page(programme, coordinator, login, client):
    big, small = people(programme, 5, "Warehouse") + people(programme, 6, "Design"), people(programme, 2, "Legal")
    audit = surveys.surveys_ensure_builtin()[Survey.Kind.LEARNING_ENVIRONMENT]
    with on(TODAY):
        survey_round = survey_rounds.survey_round_send(
            survey=audit,
            programme=programme,
            by=coordinator,
            title="Audit",
            audience="mentees",
            opens_on=TODAY,
            closes_on=TODAY + datetime.timedelta(days=7),
        )
        for i, person in enumerate(big + small):
            score = 1 if person in small else (3 if i < 5 else 5)
            answer(survey_round.invitations.get(person=person), likert=score, text=f"T{i}")
    login(coordinator)
    page = client.get(reverse("evaluation:round_results", args=[programme.pk, survey_round.pk])).content.decode()
    assert "fewer than 5 answered" in page and "<strong>5.0</strong>" in page
    # Legal's own score appears nowhere, and Warehouse's is held back so that it cannot be worked out.
    assert "<strong>1.0</strong>" not in page and "<strong>3.0</strong>" not in page
    assert "so that the smaller teams" in page
