"""A coordinator's training journey in a real browser (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from config.tests.browser import check_axe
from programmes.models import Role
from programmes.tests.factories import (
    PASSWORD,
    CourseFactory,
    ProgrammeRequirementFactory,
    TrainingRecordFactory,
    evidence_pdf,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PDF = evidence_pdf()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_records_missing_training_and_the_matrix_shows_the_mentor_ready(
    page: Page, live_server, cast, tmp_path
):
    programme = cast["pairing"].programme
    course = CourseFactory(title="Mentor training", validity_months=12)
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTOR, course=course)
    orientation = CourseFactory(title="Mentee orientation", validity_months=None)
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTEE, course=orientation)
    TrainingRecordFactory(person=cast["mentee"], course=orientation)

    page.goto(f"{live_server.url}/")
    page.get_by_label("Email address").fill("coordinator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Growing Together").click()
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Training", exact=True).click()

    mentor_row = page.get_by_role("row").filter(has_text="Max Mentor")
    expect(mentor_row.get_by_text("Not met", exact=True)).to_be_visible()
    expect(mentor_row.get_by_text("Training not met", exact=True)).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "training-matrix-before.png"), full_page=True)
    check_axe(page, "training-matrix-before")

    mentor_row.get_by_role("link", name="Add record").click()
    page.get_by_label("Course").select_option(label="Mentor training")
    page.get_by_label("Status").select_option(label="Completed")
    page.get_by_label("Completed on").fill(timezone.localdate().isoformat())
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("Evidence file").set_input_files(str(certificate))
    page.screenshot(path=str(SCREENSHOTS / "training-record-form.png"), full_page=True)
    check_axe(page, "training-record-form")
    page.get_by_role("button", name="Save the record").click()

    expect(page.get_by_text("record of “Mentor training” is saved")).to_be_visible()
    expect(page.get_by_text("Training met", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert Path(download.value.path()).read_bytes() == PDF
    page.screenshot(path=str(SCREENSHOTS / "training-person.png"), full_page=True)
    check_axe(page, "training-person")

    page.get_by_role("link", name="Training").first.click()
    mentor_row = page.get_by_role("row").filter(has_text="Max Mentor")
    expect(mentor_row.get_by_text("Training met", exact=True)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "training-matrix-after.png"), full_page=True)
    check_axe(page, "training-matrix-after")
