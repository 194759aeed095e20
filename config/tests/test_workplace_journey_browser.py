"""The workplace as a place to learn, end to end in a real browser (issue 20): a line manager publishes a shadowing
opportunity; the mentee's mentor suggests it in the pair's workspace; the mentee asks for it; the line manager
approves the time on the team page; the host confirms it happened; the mentee's protected-time use and learning
record show it. Then the audit acted on: the line manager follows their team page to the team's results after an
audit round, reads the figures per dimension and records an action plan of two actions. Then the committee's
decision followed through: a committee member records a decision with the line manager as owner, the owner updates
it on "Decisions for me", the coordinator makes and submits the next report, and the committee reads on it the
decision with its status and what was done.

Each step is its own function taking the page and the people; every form is the rendered one (CSRF on), and each
page passes axe at 1280 and 390 px.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, log_out, open_user_menu, screenshot
from evaluation.models import ActionPlan, Question, Report, ReportDecision
from evaluation.selectors.reporting import Period, last_quarter, report_figures
from evaluation.tests.audit_world import audit_round
from evaluation.tests.factories import ReportFactory
from programmes.models import ApplicationSkill, Opportunity, OpportunityRequest
from programmes.tests.factories import ApplicationFactory, PersonFactory, SkillFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Shadow the service desk lead"
DECISION = "Brief every line manager on protected time before the next quarter."
DONE = "Four of six managers briefed; the rest booked for January."


# The stacked tables whose scroller is wider than it shows: their cells would hide behind a sideways scroll.
STACKED_SCROLL = """() => [...document.querySelectorAll('table.table-stack')]
    .map(t => t.closest('.table-responsive') || t.parentElement)
    .filter(box => box.scrollWidth > box.clientWidth + 1).map(box => box.getAttribute('aria-label'))"""


def shot(page: Page, name: str, widths=(1280, 390)) -> None:
    """A screenshot (and axe's check) at each width; nothing but a table's own scroller wider than the screen."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"workplace-{name}-{width}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        if width < 768:  # a stacked table (requests, decisions, hosted) reads down the phone, nothing hidden sideways
            assert page.evaluate(STACKED_SCROLL) == [], name
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def world(cast):
    """The cast, the mentee wanting to develop negotiation (their approved mentee profile), and a host; two audit
    rounds that the line manager's team (Support: the mentee, four more of their reports) answered with 5 and 6;
    the programme's report on the quarter before last, submitted for the committee."""
    pairing = cast["pairing"]
    programme = pairing.programme
    negotiation = SkillFactory(name="Negotiation")
    application = ApplicationFactory(programme=programme, person=cast["mentee"], status="approved")
    ApplicationSkill.objects.create(application=application, skill=negotiation, level=1)
    host = PersonFactory(email="hana@example.org", display_name="Hana Host")
    manager = cast["line_manager"]
    support = manager.org_unit
    for _ in range(4):
        PersonFactory(org_unit=support, line_manager=manager)
    # Both rounds close in the current quarter (outside the reports' periods); reflection stays low, support rises.
    today = timezone.localdate()
    low = Question.Dimension.REFLECTION
    audit_round(
        programme,
        opens_on=today - datetime.timedelta(days=15),
        answers={support: [{low: 2, Question.Dimension.SUPPORT: 2}] * 5},
    )
    survey_round = audit_round(
        programme,
        opens_on=today - datetime.timedelta(days=14),
        answers={support: [{low: 2, Question.Dimension.SUPPORT: 4}] * 6},
    )
    next_quarter = last_quarter(today)
    earlier = last_quarter(next_quarter.start)
    report = ReportFactory(
        programme=programme,
        title=f"Report {earlier.label}",
        period_start=earlier.start,
        period_end=earlier.end,
        status=Report.Status.SUBMITTED,
        snapshot={
            **report_figures(programme=programme, period=Period(earlier.start, earlier.end)),
            "title": f"Report {earlier.label}",
            "narrative": "A quiet quarter.",
        },
    )
    return {**cast, "host": host, "skill": negotiation, "round": survey_round, "earlier": report}


def step_publish(page: Page, live_server, world) -> None:
    log_in(page, live_server, world["line_manager"].email)
    page.get_by_role("link", name="Learning opportunities").first.click()
    expect(page.get_by_role("heading", name="Learning opportunities", level=1)).to_be_visible()
    shot(page, "0-browse-empty")
    page.get_by_role("link", name="Publish an opportunity").click()
    page.get_by_label("Kind").select_option(label="Shadowing")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Host").select_option(label="Hana Host")
    page.get_by_label("Places").fill("2")
    page.get_by_label("Hours of protected time it takes").fill("3")
    page.get_by_label("What it helps to learn").select_option(label="Negotiation")
    shot(page, "1-publish")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text(f"“{TITLE}” is published.")
    shot(page, "2-detail")
    log_out(page)


def step_suggest(page: Page, live_server, world) -> None:
    pairing = world["pairing"]
    log_in(page, live_server, world["mentor"].email)
    page.goto(f"{live_server.url}{reverse('mentoring:pairing_detail', args=[pairing.pk])}")
    panel = page.locator("#opportunities")
    expect(panel.get_by_role("heading", name="Opportunities for your goals")).to_be_visible()
    shot(page, "3-workspace-mentor")
    panel.get_by_role("button", name=f"Suggest to {world['mentee'].get_short_name()}").click()
    expect(page.get_by_role("status")).to_contain_text(f"You suggested “{TITLE}”")
    log_out(page)


def step_ask(page: Page, live_server, world) -> None:
    pairing = world["pairing"]
    log_in(page, live_server, world["mentee"].email)
    page.goto(f"{live_server.url}{reverse('mentoring:pairing_detail', args=[pairing.pk])}")
    panel = page.locator("#opportunities")
    expect(panel.get_by_role("heading", name="Your mentor suggests")).to_be_visible()
    shot(page, "4-workspace-mentee")
    panel.get_by_role("link", name="Ask for it").first.click()
    expect(page.get_by_text("Suggested by your mentor")).to_be_visible()
    shot(page, "5-ask")
    page.get_by_role("button", name="Ask for this").click()
    expect(page.get_by_role("status")).to_contain_text(f"You asked for “{TITLE}”")
    shot(page, "6-my-requests")
    request = OpportunityRequest.objects.get(person=world["mentee"])
    assert (request.status, request.suggested_by_mentor, request.pairing_id) == ("requested", True, pairing.pk)
    log_out(page)


def step_approve(page: Page, live_server, world) -> None:
    log_in(page, live_server, world["line_manager"].email)
    page.get_by_role("link", name="My team").first.click()
    section = page.locator("section").filter(
        has=page.get_by_role("heading", name="Learning opportunities waiting for your approval")
    )
    expect(section).to_contain_text(TITLE)
    expect(section).to_contain_text("suggested by their mentor")
    shot(page, "7-team")
    section.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision")
    assert OpportunityRequest.objects.get(person=world["mentee"]).status == "approved"
    log_out(page)


def step_confirm(page: Page, live_server, world) -> None:
    log_in(page, live_server, world["host"].email)
    page.get_by_role("link", name="Learning opportunities").first.click()
    page.get_by_role("link", name="Opportunities you host").click()
    page.get_by_label("Date it happened").fill(timezone.localdate().isoformat())
    shot(page, "8-hosted")
    page.get_by_role("button", name="It happened").click()
    expect(page.get_by_role("status")).to_contain_text("record is updated")
    assert OpportunityRequest.objects.get(person=world["mentee"]).status == "taken_up"
    log_out(page)


def step_learning_record(page: Page, live_server, world) -> None:
    # The mentee's learning record shows the opportunity taken up.
    log_in(page, live_server, world["mentee"].email)
    open_user_menu(page)
    page.get_by_role("link", name="My learning record").click()
    record = page.get_by_role("region", name="Learning opportunities taken up").first
    expect(record).to_contain_text(TITLE)
    expect(record).to_contain_text("Hana Host")
    shot(page, "9-learning-record")
    log_out(page)
    # Their protected time this month counts the 3 hours, shown as their own part, on the coordinator's time page.
    log_in(page, live_server, world["coordinator"].email)
    page.goto(f"{live_server.url}{reverse('programmes:time', args=[world['pairing'].programme_id])}")
    row = page.get_by_role("row").filter(has_text=world["mentee"].display_name)
    expect(row).to_contain_text("Learning opportunities 3.0 h")
    shot(page, "10-time")
    log_out(page)


def step_team_audit(page: Page, live_server, world) -> None:
    # The line manager's team page leads to their team's results after the audit round.
    log_in(page, live_server, world["line_manager"].email)
    page.get_by_role("link", name="My team").first.click()
    panel = page.locator("section").filter(has=page.get_by_role("heading", name="Learning environment and action plan"))
    expect(panel).to_contain_text("No action plan yet.")
    panel.get_by_role("link", name=f"Support: results of “{world['round'].display_title}”").click()
    expect(page.get_by_role("heading", name="Learning environment: Support", level=1)).to_be_visible()
    expect(page.get_by_text("6 people answered.")).to_be_visible()
    results = page.get_by_role("region", name="Results by dimension")
    reflection = results.get_by_role("row").filter(has_text=str(Question.Dimension.REFLECTION.label))
    expect(reflection).to_contain_text("2.0")
    support = results.get_by_role("row").filter(has_text=str(Question.Dimension.SUPPORT.label))
    expect(support).to_contain_text("4.0")
    expect(support).to_contain_text("before: 2.0")  # the round before, for the trend
    shot(page, "11-team-audit")


def step_action_plan(page: Page, live_server, world) -> None:
    # Two actions through the form; the third left empty is no part of the plan.
    due = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    for number, dimension, text in (
        (1, Question.Dimension.REFLECTION, "Half an hour each Friday to think about the week"),
        (2, Question.Dimension.BOUNDARIES, "A visit to the Leeds site for each of the team"),
    ):
        action = page.get_by_role("group", name=f"Action {number}")
        action.get_by_label("Dimension").select_option(label=str(dimension.label))
        action.get_by_label("Action", exact=True).fill(text)
        action.get_by_label("Due").fill(due)
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("status")).to_contain_text("Action plan saved.")
    plan = page.locator("section").filter(has=page.get_by_role("heading", name="Action plan", exact=True))
    expect(plan.locator("ol > li")).to_have_count(2)
    expect(plan).to_contain_text("Half an hour each Friday to think about the week")
    expect(plan).to_contain_text("A visit to the Leeds site for each of the team")
    shot(page, "12-action-plan")
    assert ActionPlan.objects.get().actions.count() == 2
    # The team page now counts the plan's progress.
    page.get_by_role("link", name="My team").first.click()
    expect(page.get_by_text("Action plan: 0 of 2 actions done")).to_be_visible()
    log_out(page)


def step_decision(page: Page, live_server, world) -> None:
    # A committee member records a decision on the submitted report, its owner the line manager.
    report = world["earlier"]
    log_in(page, live_server, world["committee_member"].email)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    expect(page.get_by_role("heading", name=report.title)).to_be_visible()
    page.get_by_label("This is a").select_option(label="Decision")
    page.get_by_label("Decision or recommendation").fill(DECISION)
    page.get_by_label("Owner").select_option(label=str(world["line_manager"]))
    due = timezone.localdate() + datetime.timedelta(days=90)
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded.")
    expect(page.get_by_text(DECISION)).to_be_visible()
    expect(page.get_by_text(f"Owner: {world['line_manager']}")).to_be_visible()
    shot(page, "13-decision-recorded")
    log_out(page)


def step_decision_update(page: Page, live_server, world) -> None:
    # The owner finds it on "Decisions for me" and says what was done.
    log_in(page, live_server, world["line_manager"].email)
    page.get_by_role("link", name="Decisions for me").first.click()
    row = page.get_by_role("row").filter(has_text=DECISION)
    expect(row).to_contain_text("You")
    expect(row).to_contain_text("Open")
    shot(page, "14-decisions-for-me")
    row.get_by_role("link", name=DECISION).click()
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_label("What was done").fill(DONE)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Decision updated")
    history = page.locator("section").filter(has=page.get_by_role("heading", name="History"))
    expect(history).to_contain_text("In progress")
    expect(history).to_contain_text(DONE)
    shot(page, "15-decision-updated")
    decision = ReportDecision.objects.get(text=DECISION)
    assert (decision.status, decision.outcome) == ("in_progress", DONE)
    log_out(page)


def step_next_report(page: Page, live_server, world) -> None:
    # The coordinator makes the next report (the last quarter that has ended, offered first) and submits it.
    programme = world["pairing"].programme
    log_in(page, live_server, world["coordinator"].email)
    page.goto(f"{live_server.url}{reverse('evaluation:report_list_programme', args=[programme.pk])}")
    page.get_by_role("link", name="New report").click()
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("status")).to_contain_text("created")
    followed = page.locator("#followed")
    expect(followed).to_contain_text(DECISION)
    page.get_by_role("link", name="Edit the narrative").click()
    page.get_by_label("Narrative").fill("Protected time was used more; the managers' briefing is under way.")
    page.get_by_role("button", name="Save the narrative").click()
    expect(page.get_by_role("status")).to_contain_text("Narrative saved.")
    page.get_by_role("button", name="Submit to the committee").click()
    expect(page.get_by_role("status")).to_contain_text("Report submitted")
    log_out(page)


def step_followed_through(page: Page, live_server, world) -> None:
    # The committee member reads the decision on the next report: its status and what was done.
    report = Report.objects.exclude(pk=world["earlier"].pk).get()
    assert report.status == Report.Status.SUBMITTED
    log_in(page, live_server, world["committee_member"].email)
    page.goto(f"{live_server.url}{reverse('evaluation:reports')}")
    page.get_by_role("link", name=report.title).first.click()
    followed = page.locator("#followed")
    expect(followed.get_by_role("heading", name="Earlier decisions followed up")).to_be_visible()
    expect(followed).to_contain_text("0 of 1 earlier decision done.")
    row = followed.get_by_role("row").filter(has_text=DECISION)
    expect(row).to_contain_text(str(world["line_manager"]))
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text(DONE)
    shot(page, "16-followed-through")
    log_out(page)


def test_the_workplace_as_a_place_to_learn_from_an_opportunity_to_a_decision_followed_through(
    page: Page, live_server, world
):
    step_publish(page, live_server, world)
    assert Opportunity.objects.get(title=TITLE).hours == Decimal("3.0")
    step_suggest(page, live_server, world)
    step_ask(page, live_server, world)
    step_approve(page, live_server, world)
    step_confirm(page, live_server, world)
    step_learning_record(page, live_server, world)
    step_team_audit(page, live_server, world)
    step_action_plan(page, live_server, world)
    step_decision(page, live_server, world)
    step_decision_update(page, live_server, world)
    step_next_report(page, live_server, world)
    step_followed_through(page, live_server, world)
