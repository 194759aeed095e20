"""The whole enrolment journey in a real browser: open enrolment, apply, endorse, approve, time, readiness."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, log_out, open_user_menu, screenshot
from programmes.models import Application, Programme, Role, TimeAllocation
from programmes.tests.factories import (
    CourseFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeRequirementFactory,
    SkillFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Page, name: str) -> None:
    screenshot(page, f"enrolment-{name}")


def test_from_opening_enrolment_to_the_mentee_seeing_missing_training(page: Page, live_server, line_manager):
    coordinator = PersonFactory(email="cora@example.org", display_name="Cora Coordinator")
    applicant = PersonFactory(email="nia@example.org", display_name="Nia Newcomer", line_manager=line_manager)
    programme = ProgrammeFactory(
        name="Spring Mentoring",
        status=Programme.Status.DRAFT,
        description="Mentoring across departments.",
        starts_on=timezone.localdate().replace(day=1),
    )
    MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    SkillFactory(name="Negotiation")
    orientation = CourseFactory(title="Mentee orientation", validity_months=None)
    ProgrammeRequirementFactory(programme=programme, role=Role.MENTEE, course=orientation)

    # The coordinator opens enrolment.
    log_in(page, live_server, "cora@example.org")
    page.get_by_role("link", name="Spring Mentoring").click()
    page.get_by_role("button", name="Open enrolment").click()
    expect(page.get_by_text("Spring Mentoring is now recruiting.")).to_be_visible()
    log_out(page)

    # The mentee applies.
    log_in(page, live_server, "nia@example.org")
    page.get_by_role("link", name="See the programmes you can join").click()
    page.get_by_role("link", name="Apply as a mentee").click()
    page.get_by_label("Your goals, in your own words").fill("Negotiate my first supplier contract.")
    page.get_by_label("Skill 1", exact=True).select_option(label="Negotiation")
    page.get_by_label("Tuesday morning").check()
    page.get_by_label("Video call").check()
    page.get_by_label("Languages you can meet in").fill("English")
    shot(page, "1-form")
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_text("Your application to Spring Mentoring is in.")).to_be_visible()
    expect(page.get_by_text("Waiting for the line manager")).to_be_visible()
    log_out(page)

    # The line manager endorses it in place on My team.
    log_in(page, live_server, line_manager.email)
    expect(page.get_by_role("heading", name="Applications waiting for your endorsement")).to_be_visible()
    page.get_by_role("button", name="Endorse Nia Newcomer").click()
    expect(page.get_by_text("the applicant and the coordinators have your answer")).to_be_visible()
    log_out(page)

    # The coordinator approves it, then gives this month's protected time.
    log_in(page, live_server, "cora@example.org")
    page.get_by_role("link", name="Spring Mentoring").click()
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Applications", exact=True).click()
    page.get_by_role("link", name="Nia Newcomer").click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Nia Newcomer's application is now approved.")).to_be_visible()
    page.get_by_role("link", name="Applications", exact=True).first.click()  # the breadcrumb
    page.get_by_role("link", name="Protected time", exact=True).click()
    page.get_by_role("button", name="Create this month's allocations").click()
    shot(page, "2-time")
    log_out(page)

    # The line manager approves the time.
    log_in(page, live_server, line_manager.email)
    expect(page.get_by_role("heading", name="Protected time waiting for your approval")).to_be_visible()
    page.get_by_role("row").filter(has_text="Nia Newcomer").get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Nothing waits for your approval")).to_be_visible()
    log_out(page)

    # The mentee sees what training is missing before she can be matched.
    log_in(page, live_server, "nia@example.org")
    open_user_menu(page)
    page.get_by_role("link", name="My learning record").click()
    card = page.locator(".card").filter(has_text="Spring Mentoring")
    expect(card.get_by_text("Training not met", exact=True)).to_be_visible()
    expect(card.get_by_text(re.compile("Mentee orientation"))).to_be_visible()
    expect(card.get_by_text("Not met", exact=True)).to_be_visible()
    shot(page, "3-readiness")

    application = Application.objects.get(person=applicant)
    assert (application.status, application.endorsement) == ("approved", "endorsed")
    assert TimeAllocation.objects.get(person=applicant).status == "approved"
