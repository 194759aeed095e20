"""Issue 18 in evaluation: survey questions in each respondent's language (English when the coordinator gave
none), the coordinators' form for them, the built-ins shipped translated, and survey notices and emails in each
recipient's language. (The committee report's PDF and CSV: test_report_exports.py; the report's and the
follow-up's notices: test_reports.py, test_interventions.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from evaluation.models import Question, Survey
from evaluation.services import survey_rounds, surveys
from evaluation.tests.test_surveys import TODAY, on, own_survey, send
from programmes.models import Notification

pytestmark = pytest.mark.django_db


def _answer_page(survey, programme, coordinator, person, login, client) -> str:
    with on(TODAY):
        invitation = send(survey, programme, coordinator, audience="mentees").invitations.get(person=person)
        login(person)
        return client.get(reverse("evaluation:survey_answer", args=[invitation.pk])).content.decode()


def test_a_german_respondent_reads_the_german_question(programme, coordinator, mentee, login, client):
    survey = own_survey(programme, coordinator)
    likert = survey.questions.get(kind=Question.Kind.LIKERT)
    likert.translations = {"de": "Die Einarbeitung war nützlich.", "es": "La incorporación fue útil."}
    likert.save()
    mentee.language = "de"
    mentee.save()
    page = _answer_page(survey, programme, coordinator, mentee, login, client)
    assert "Die Einarbeitung war nützlich." in page
    assert "The onboarding was useful." not in page
    assert "Which part helped most?" in page  # no German given: the English


def test_a_spanish_respondent_without_a_spanish_text_reads_the_english(programme, coordinator, mentee, login, client):
    survey = own_survey(programme, coordinator)
    likert = survey.questions.get(kind=Question.Kind.LIKERT)
    likert.translations = {"de": "Die Einarbeitung war nützlich."}
    likert.save()
    mentee.language = "es"
    mentee.save()
    page = _answer_page(survey, programme, coordinator, mentee, login, client)
    assert "The onboarding was useful." in page
    assert "Die Einarbeitung" not in page


def test_coordinators_give_a_question_in_each_other_language(programme, coordinator, login, client):
    survey = surveys.survey_create(programme=programme, by=coordinator, title="Kick-off", anonymous=False)
    login(coordinator)
    add = reverse("evaluation:question_add", args=[programme.pk, survey.pk])
    form = client.get(add).content.decode()
    assert 'name="text_de"' in form and 'name="text_es"' in form
    assert "Deutsch" in form and "Español" in form  # each labelled in its own language's name
    client.post(
        add,
        {"text": "The day was useful.", "kind": "likert", "required": "on", "text_de": " Der Tag war nützlich. "},
    )
    question = survey.questions.get()
    assert question.translations == {"de": "Der Tag war nützlich."}  # trimmed; no empty Spanish kept
    edit = reverse("evaluation:question_edit", args=[programme.pk, survey.pk, question.pk])
    assert 'value="Der Tag war nützlich."' in client.get(edit).content.decode()
    client.post(edit, {"text": "The day was useful.", "kind": "likert", "required": "on", "text_de": ""})
    question.refresh_from_db()
    assert question.translations == {}  # emptied: the English again


def test_the_learning_environment_audit_ships_in_german_and_spanish():
    audit = surveys.surveys_ensure_builtin()[Survey.Kind.LEARNING_ENVIRONMENT]
    first = Survey.objects.get(programme__isnull=True, kind=Survey.Kind.LEARNING_ENVIRONMENT, version=1)
    questions = list(audit.questions.order_by("position"))
    assert len(questions) == 19 and first.questions.count() == 10  # version 2 adds nine items to the first ten
    for question in [*questions, *first.questions.all()]:
        assert set(question.translations) == {"de", "es"}, question.text
        assert question.text_in("de") != question.text and question.text_in("es") != question.text
    assert questions[8].text_in("de") == "Meine Kolleginnen und Kollegen unterstützen mein Lernen."
    assert questions[8].text_in("en-gb") == "My colleagues support my learning."


def test_a_round_is_announced_to_each_person_in_their_language(programme, coordinator, mentee):
    mentee.language = "de"
    mentee.save()
    survey = own_survey(programme, coordinator, anonymous=True)
    with on(TODAY):
        send(survey, programme, coordinator, audience="mentees")
    note = Notification.objects.get(person=mentee)
    assert (
        note.text.startswith("Bitte beantworten Sie „Onboarding round“") and "Ihre Antworten sind anonym." in note.text
    )
    assert [m.subject for m in mail.outbox] == ["Eine kurze Umfrage: Onboarding round"]


def test_a_health_check_reaches_a_spanish_mentee_in_spanish(pairing, mentor, mentee):
    mentee.language = "es"
    mentee.save()
    with on(pairing.started_on + datetime.timedelta(days=30)):
        survey_rounds.health_checks_invite()
    note = Notification.objects.get(person=mentee)
    assert note.text.startswith(f"¿Qué tal va tu mentoría con {mentor.display_name}?")
    assert "¿Qué tal va tu mentoría?" in [m.subject for m in mail.outbox]
    assert Notification.objects.get(person=mentor).text.startswith("How is your mentoring with")


def test_a_built_in_options_read_in_german_and_are_stored_as_they_are():
    from evaluation.forms.surveys import AnswerForm

    end = surveys.surveys_ensure_builtin()[Survey.Kind.END]
    choice = end.questions.get(kind=Question.Kind.CHOICE)
    with translation.override("de"):
        form = AnswerForm(questions=[choice])
        field = form.fields[f"q{choice.pk}"]
        assert field.label == "Würden Sie Mentoring in diesem Programm einem Kollegen empfehlen?"
        assert list(field.choices) == [("Yes", "Ja"), ("No", "Nein"), ("Not sure", "Weiß nicht")]
        bound = AnswerForm({f"q{choice.pk}": "Yes"}, questions=[choice])
        assert bound.is_valid() and bound.answers() == {choice.pk: "Yes"}
