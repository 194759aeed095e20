"""One name per state, on every page that shows it (issue 13, point 11): training is "met" or "not met", open
alerts are counted alike on every tab, the PDF prints the status the page shows, availability slots read as
days, and a person who has applied sees their application on their home page. Each test reads rendered pages."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evaluation.services import reports as services
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from mentoring.models import Alert
from mentoring.tests.factories import AlertFactory, PairingFactory
from programmes.models import Application, Role
from programmes.tests.factories import (
    ApplicationFactory,
    CourseFactory,
    ProgrammeFactory,
    ProgrammeRequirementFactory,
    TrainingRecordFactory,
)

pytestmark = pytest.mark.django_db

OLD_TRAINING_WORDS = re.compile(r">\s*(Complete|Missing|Ready|Not ready|Cleared by override|Training missing)\s*<")


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- Training: met / not met ---------------------------------------------------------------------------------


def test_training_reads_met_or_not_met_on_every_tab(client, cast):
    programme = cast["pairing"].programme
    course = CourseFactory(title="Mentor training")
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTOR, course=course)
    mentor = cast["mentor"]
    pages = {
        "overview": reverse("programmes:detail", args=[programme.pk]),
        "members": reverse("programmes:members", args=[programme.pk]),
        "training matrix": reverse("programmes:training_matrix", args=[programme.pk]),
        "person": reverse("programmes:training_person", args=[programme.pk, mentor.pk]),
        "dashboard": reverse("evaluation:dashboard", args=[programme.pk]),
    }
    client.force_login(cast["coordinator"])
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert not OLD_TRAINING_WORDS.search(html), (name, OLD_TRAINING_WORDS.search(html)[0])
        assert re.search(r"\bnot met\b", text_of(html), re.I), name
    client.force_login(mentor)
    mine = client.get(reverse("programmes:my_training")).content.decode()
    assert not OLD_TRAINING_WORDS.search(mine) and "Training not met" in mine
    # Once the course is completed, each tab says "met", in the same words.
    TrainingRecordFactory(person=mentor, course=course, status="completed", completed_on=timezone.localdate())
    client.force_login(cast["coordinator"])
    for name in ("members", "training matrix", "person"):
        html = client.get(pages[name]).content.decode()
        assert "Training met" in html and not OLD_TRAINING_WORDS.search(html), name


# --- Open alerts: counted the same on every tab ------------------------------------------------------------------


def test_open_alerts_are_counted_the_same_on_the_relationships_and_alerts_tabs(client, cast):
    programme = cast["pairing"].programme
    other = PairingFactory(programme=programme)
    for pairing, kind in ((cast["pairing"], Alert.Kind.ESCALATION), (other, Alert.Kind.SILENCE)):
        AlertFactory(pairing=pairing, kind=kind, reason="Check-in overdue.")
    AlertFactory(
        pairing=other,
        kind=Alert.Kind.FIT,
        reason="Fit answered 'not good'.",
        acknowledged_at=timezone.now(),
        acknowledged_by=cast["coordinator"],
    )
    AlertFactory(pairing=other, kind=Alert.Kind.HEALTH, reason="Fell.", resolved_at=timezone.now())
    client.force_login(cast["coordinator"])
    alerts_tab = text_of(client.get(reverse("evaluation:alerts", args=[programme.pk])).content.decode())
    relationships = text_of(client.get(reverse("mentoring:relationships", args=[programme.pk])).content.decode())
    assert re.search(r"\bOpen 2\b", alerts_tab) and re.search(r"\bAcknowledged 1\b", alerts_tab)
    assert "2 open · 1 acknowledged" in relationships
    assert not re.search(r"Open alerts 3", relationships)


# --- The PDF's status ------------------------------------------------------------------------------------------


def _pdf_status(response) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    return re.search(r"Status: (.+)", text)[1].strip()


def _page_status(html: str) -> str:
    return text_of(re.search(r'<span class="badge text-bg-\w+">[^<]+</span>', html)[0])


def test_the_pdf_prints_the_status_the_page_shows_at_every_step(client, cast):
    with time_machine.travel(NOW, tick=False):
        programme = cast["pairing"].programme
        populate(programme, {"Engineering": 6})
        backdate_memberships(programme)
        report = services.report_create(programme=programme, by=cast["coordinator"], period=QUARTER)
        services.report_update(report=report, title=report.title, narrative="A steady quarter.")
        client.force_login(cast["coordinator"])
        seen = []
        for step in ("draft", "submit", "sign off", "publish"):
            if step == "submit":
                services.report_submit(report=report, by=cast["coordinator"])
            elif step == "sign off":
                services.report_sign_off(report=report, by=cast["committee_member"])
            elif step == "publish":
                services.report_publish(report=report, by=cast["coordinator"])
            report.refresh_from_db()
            page = _page_status(client.get(reverse("evaluation:report_detail", args=[report.pk])).content.decode())
            pdf = _pdf_status(client.get(reverse("evaluation:report_pdf", args=[report.pk])))
            assert page == pdf, step
            seen.append(page)
        assert seen == ["Draft", "Submitted", "Under review", "Published"]


# --- Raw codes -------------------------------------------------------------------------------------------------


def test_availability_slots_read_as_days_never_as_codes(client, cast):
    application = ApplicationFactory(
        programme=cast["pairing"].programme, person=cast["mentee"], role=Role.MENTEE, availability=["thu-pm", "mon-am"]
    )
    for viewer in ("mentee", "coordinator"):
        client.force_login(cast[viewer])
        html = client.get(reverse("programmes:application_detail", args=[application.pk])).content.decode()
        assert "Monday morning, Thursday afternoon" in html
        assert "mon-am" not in html and "thu-pm" not in html


# --- An applicant's home page ------------------------------------------------------------------------------------


def test_someone_who_has_applied_sees_their_application_on_their_home_page(client, outsider):
    programme = ProgrammeFactory(name="Spring Mentoring", status="recruiting")
    ApplicationFactory(programme=programme, person=outsider, role=Role.MENTEE, status=Application.Status.APPLIED)
    client.force_login(outsider)
    response = client.get(reverse("home"))
    page = text_of(response.content.decode())
    assert response.status_code == 200
    assert "Your application" in page and "Spring Mentoring · mentee" in page and "Applied" in page


def test_a_mentor_applying_to_a_second_programme_sees_it_on_their_home_page(client, cast):
    later = ProgrammeFactory(name="Autumn Mentoring", status="recruiting")
    ApplicationFactory(programme=later, person=cast["mentor"], role=Role.MENTOR, status=Application.Status.WAITLISTED)
    client.force_login(cast["mentor"])
    response = client.get(reverse("home"))
    assert response.status_code == 200  # not sent straight on to My mentoring, where the application is not shown
    page = text_of(response.content.decode())
    assert "Autumn Mentoring · mentor" in page and "Wait-listed" in page and "My mentoring" in page
