"""A mentor's CPD record: hours, completed pairings, mentor training and own goals; a PDF and a CSV; no mentee name."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from mentoring.models import Goal, Pairing
from mentoring.tests.factories import GoalFactory, MentoringSessionFactory, PairingFactory
from programmes.models import Role
from programmes.tests.factories import CourseFactory, MembershipFactory, PersonFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def _completed(programme, mentor, n: int, *, mentee_name: str = "Zelda Secretname") -> list[Pairing]:
    made = []
    for i in range(n):
        mentee = PersonFactory(display_name=f"{mentee_name} {i}")
        pairing = PairingFactory(
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            status=Pairing.Status.COMPLETED,
            started_on=datetime.date(2025, 1, 6),
            ended_on=datetime.date(2025, 6, 30),
        )
        for day in (datetime.date(2025, 2, 3), datetime.date(2025, 3, 3)):
            MentoringSessionFactory(pairing=pairing, held_on=day, duration_minutes=90)
        MentoringSessionFactory(pairing=pairing, held_on=datetime.date(2025, 4, 1), status="awaiting")
        GoalFactory(pairing=pairing, owner=Goal.Owner.MENTOR, title=f"Coach better {i}", rating_start=2, rating_end=4)
        GoalFactory(pairing=pairing, title=f"The mentee's own words {i}")
        made.append(pairing)
    return made


def test_the_record_shows_hours_pairings_training_and_own_goals_without_mentee_names(client, pairing, mentor):
    _completed(pairing.programme, mentor, 2)
    TrainingRecordFactory(person=mentor, course=CourseFactory(title="Mentoring skills"))
    client.force_login(mentor)
    page = client.get(reverse("mentoring:cpd_record")).content.decode()
    assert "Mentoring hours: 6.0 · confirmed sessions: 4 · completed pairings: 2" in page
    assert "Mentoring skills" in page and "Coach better 0" in page and "2 of 5" in page and "4 of 5" in page
    assert "Secretname" not in page and pairing.mentee.display_name not in page
    assert "The mentee&#x27;s own words" not in page and "The mentee's own words" not in page
    assert "personal data" in page  # why no mentee is named


def test_the_pdf_and_csv_show_the_same_and_no_mentee_name(client, pairing, mentor):
    _completed(pairing.programme, mentor, 1)
    client.force_login(mentor)
    response = client.get(reverse("mentoring:cpd_record_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert "Mentoring hours: 3.0 · confirmed sessions: 2 · completed pairings: 1" in text
    assert "Completed pairings" in text and "Coach better 0" in text
    assert "Secretname" not in text and pairing.mentee.display_name not in text
    csv = b"".join(client.get(reverse("mentoring:cpd_record_csv")).streaming_content).decode()
    assert "Coach better 0" in csv and "Secretname" not in csv and pairing.mentee.display_name not in csv


def test_the_pdf_is_in_the_mentors_language(client, pairing, mentor):
    _completed(pairing.programme, mentor, 1)
    client.force_login(mentor)
    with translation.override("de"):
        response = client.get(reverse("mentoring:cpd_record_pdf"), HTTP_ACCEPT_LANGUAGE="de")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert "Abgeschlossene Paare" in text and "Fortbildungsnachweis: Mentoring" in text


@pytest.mark.parametrize("size", [1, 12])
def test_the_record_runs_the_same_queries_with_1_and_many_pairings(
    client, pairing, mentor, size, django_assert_num_queries
):
    _completed(pairing.programme, mentor, size)
    for i in range(size):
        TrainingRecordFactory(person=mentor, course=CourseFactory(title=f"Course {i}"))
    client.force_login(mentor)
    # session, user, my areas; am I a mentor; hours per programme and year; completed pairings; mentor training;
    # my own goals.
    with django_assert_num_queries(8):
        assert client.get(reverse("mentoring:cpd_record")).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(reverse("mentoring:cpd_record_pdf")).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(reverse("mentoring:cpd_record_csv")).status_code == 200


def test_only_mentors_have_a_record_and_only_their_own(client, pairing, mentor, mentee, coordinator):
    other = PersonFactory(display_name="Olga Othermentor")
    MembershipFactory(programme=pairing.programme, person=other, role=Role.MENTOR)
    _completed(pairing.programme, other, 1)
    client.force_login(mentor)
    page = client.get(reverse("mentoring:cpd_record")).content.decode()
    assert "Coach better" not in page and "completed pairings: 0" in page  # never another mentor's record
    for person in (mentee, coordinator):
        client.force_login(person)
        for name in ("mentoring:cpd_record", "mentoring:cpd_record_pdf", "mentoring:cpd_record_csv"):
            assert client.get(reverse(name)).status_code == 403
    client.logout()
    assert "/login" in client.get(reverse("mentoring:cpd_record"))["Location"]


def test_my_mentoring_links_to_the_record_for_mentors(client, pairing, mentor):
    client.force_login(mentor)
    assert reverse("mentoring:cpd_record") in client.get(reverse("mentoring:home")).content.decode()
