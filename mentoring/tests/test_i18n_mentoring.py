"""What mentoring sends is in its recipient's language (issue 18): check-in reminders, calendar invitations and
meeting reminders, notices to the pair; and a match's explanation reads in the reader's language."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from mentoring.models import Pairing
from mentoring.selectors.scoring import explained
from mentoring.services import planning
from mentoring.services.lifecycle import pairing_pause
from mentoring.services.reminders import reminders_sweep
from mentoring.tests.test_reminders import DUE, at, due_on, inbox, sweep
from mentoring.tests.test_scoring import BUDGETING, NEGOTIATION, part, profile
from mentoring.tests.test_scoring import mentor as mentor_profile
from programmes.models import Notification

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
MEETING = datetime.datetime(2026, 12, 10, 8, 0, tzinfo=UTC)


def speaks(person, language: str) -> None:
    person.language = language
    person.save(update_fields=["language"])


def test_a_german_mentee_is_reminded_in_german_and_an_english_mentor_in_english_in_the_same_sweep(
    pairing, mentor, mentee
):
    speaks(mentee, "de")
    speaks(mentor, "en-gb")
    due_on(pairing, DUE)
    sweep(at(7))

    german, english = inbox(mentee)[0], inbox(mentor)[0]
    assert german.subject == "Ihr Mentoring-Check-in steht bevor"
    assert german.body.startswith(f"Hallo {mentee.display_name.split()[0]},")
    assert f"Ihr Check-in mit {mentor} ist am 10 März 2026 fällig (in 3 Tagen)." in german.body
    assert "Sie erhalten höchstens eine Erinnerungs-E-Mail pro Tag." in german.body
    assert english.subject == "Your mentoring check-in is coming up"
    assert f"Your check-in with {mentee} is due on 10 March 2026 (in 3 days)." in english.body
    # The notice in the app too, each in their own language.
    assert Notification.objects.get(person=mentee).text.startswith("Ihr Check-in mit")
    assert Notification.objects.get(person=mentor).text.startswith("Your check-in with")


def test_a_spanish_partner_gets_the_invitation_and_the_meeting_reminder_in_spanish(pairing, mentor, mentee):
    speaks(mentee, "es")
    Pairing.objects.filter(pk=pairing.pk).update(checkin_due_on=datetime.date(2027, 1, 30))
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False):
        planned = planning.planned_propose(
            pairing=pairing, by=mentor, times=[MEETING], duration_minutes=60, mode="video",
            video_link="https://meet.example.org/abc",
        )  # fmt: skip
        mail.outbox.clear()
        planning.planned_accept(planned=planned, by=mentee, starts_at=MEETING)

    invitation = next(m for m in mail.outbox if m.to == [mentee.email])
    assert invitation.subject.startswith(f"Sesión de mentoría con {mentor}, ")
    assert "está planificada" in invitation.body and "Unirse: https://meet.example.org/abc" in invitation.body
    ics = next(content for name, content, kind in invitation.attachments if name == "invite.ics")
    ics = (ics.decode() if isinstance(ics, bytes) else ics).replace("\r\n ", "")  # unfolded
    assert f"SUMMARY:Sesión de mentoría: {mentor} y {mentee}" in ics
    assert "DESCRIPTION:Planificada en Tandem: " in ics
    english = next(m for m in mail.outbox if m.to == [mentor.email])
    assert english.subject.startswith(f"Mentoring session with {mentee}, ")
    assert "SUMMARY:Mentoring session:" in str(english.attachments[0][1])

    mail.outbox.clear()
    with time_machine.travel(MEETING - datetime.timedelta(days=1), tick=False):
        reminders_sweep(now=MEETING - datetime.timedelta(days=1))
    reminder = next(m for m in mail.outbox if m.to == [mentee.email])
    assert reminder.subject == f"Sesión de mentoría con {mentor} mañana"
    assert f"Tu sesión de mentoría con {mentor} es mañana:" in reminder.body
    assert next(m for m in mail.outbox if m.to == [mentor.email]).subject == f"Mentoring session with {mentee} tomorrow"


def test_a_notice_to_the_pair_is_in_the_language_of_whoever_receives_it(pairing, mentor, mentee):
    speaks(mentee, "de")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        pairing_pause(pairing=pairing, by=mentor, reason="Projektfrist", resume_on=datetime.date(2026, 4, 1))
    german = next(m for m in mail.outbox if m.to == [mentee.email])
    assert german.subject == "Ihr Mentoring-Paar ist pausiert"
    assert f"{mentor} hat Ihr Mentoring-Paar in {pairing.programme} bis zum 1 April 2026 pausiert." in german.body
    assert Notification.objects.get(person=mentee).text.startswith(f"{mentor} hat Ihr Mentoring-Paar")


def test_a_match_explanation_reads_in_german():
    mentee = profile(2, skills={NEGOTIATION: 2, BUDGETING: 3})
    skills = part(mentor_profile(skills={NEGOTIATION: 4, BUDGETING: 1}), mentee, "skills")
    assert skills["text"].startswith(f"+{skills['points']} skills: ")  # as stored, in English

    with translation.override("de"):
        assert explained(skills) == f"+{skills['points']} Fähigkeiten: Budgeting (teilweise), Negotiation"
        html = render_to_string("mentoring/matching_parts.html", {"parts": [skills]})
    assert "Fähigkeiten: Budgeting (teilweise), Negotiation" in html
    with translation.override("es"):
        assert explained(skills).endswith("habilidades: Budgeting (en parte), Negotiation")
    # A part stored before the words were kept as data shows its stored text.
    assert explained({"part": "skills", "points": 3, "text": "+3 skills: Budgeting"}) == "+3 skills: Budgeting"
