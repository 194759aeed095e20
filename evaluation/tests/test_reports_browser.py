"""A committee member's review in a real browser: open the submitted report, comment, sign off, download the PDF;
the PDF has the report's headings and no person's name."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from config.tests.browser import log_in, screenshot
from evaluation.models import Report
from evaluation.selectors.reporting import last_quarter
from evaluation.services import reports as services
from evaluation.tests.report_world import backdate_memberships, populate
from evaluation.tests.test_report_exports import HEADINGS
from programmes.models import Notification, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_member_comments_signs_off_and_downloads_the_pdf(page: Page, live_server, cast):
    programme = cast["pairing"].programme
    quarter = last_quarter(timezone.localdate())
    populate(
        programme,
        {"Finance": 3, "Engineering": 8, "Operations": 6},
        started_on=quarter.start,
        session_on=quarter.start.replace(day=10),
    )
    backdate_memberships(programme)
    report = services.report_create(programme=programme, by=cast["coordinator"], period=quarter)
    services.report_update(report=report, title="Quarterly report", narrative="Engineering led the way.")
    services.report_submit(report=report, by=cast["coordinator"])

    log_in(page, live_server, cast["committee_member"].email)
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    page.get_by_role("link", name="Quarterly report").click()
    expect(page.get_by_role("heading", name="Quarterly report")).to_be_visible()
    expect(page.get_by_role("heading", name="By department")).to_be_visible()
    expect(page.get_by_role("img", name="Sessions held by month")).to_be_visible()
    expect(page.get_by_role("row", name="Finance").first).to_contain_text("fewer than 5")
    screenshot(page, "report-committee-submitted")

    page.get_by_label("Comment", exact=True).fill("Finance needs attention next quarter.")
    page.get_by_role("button", name="Add the comment").click()
    expect(page.get_by_role("status")).to_contain_text("Comment added.")
    expect(page.get_by_text("Finance needs attention next quarter.")).to_be_visible()
    expect(page.get_by_text("Under review")).to_be_visible()
    page.get_by_role("button", name="Sign off the report").click()
    expect(page.get_by_role("status")).to_contain_text("You signed off the report.")
    expect(page.get_by_text("You signed off this report.")).to_be_visible()
    screenshot(page, "report-committee-signed")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    for heading in HEADINGS:
        assert heading in text
    assert "Quarterly report" in text and "Signed off by 1 committee member" in text
    for person in Person.objects.all():
        assert person.display_name not in text

    report.refresh_from_db()
    assert report.status == Report.Status.UNDER_REVIEW and report.sign_offs.count() == 1
    told = Notification.objects.filter(person=cast["coordinator"]).values_list("text", flat=True)
    assert sorted(told) == [
        "Cleo Committee commented on the report “Quarterly report”.",
        "Cleo Committee signed off the report “Quarterly report”.",
    ]
