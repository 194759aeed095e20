"""Objectives in a real browser (issue 19): the coordinator runs "Most people matched", compares the objectives on
the round page at 1280 and 390 px, and runs another objective after confirming that it replaces the draft.

The solver lands separately: the comparison and the blocking pairs are added to whatever ``round_plan`` returns."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, screenshot
from mentoring.models import MatchRound, Objective
from mentoring.services import matching
from mentoring.tests.factories import approved_profile
from programmes.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def compared(monkeypatch):
    real_plan = matching.round_plan

    def plan(cohort, objective=Objective.BEST_TOTAL):
        result = real_plan(cohort, objective=objective)
        result.comparison = {
            "best_total": {"matched": 2, "total": 180, "worst": 80, "blocking": 1},
            "most_matched": {"matched": 3, "total": 166, "worst": 30, "blocking": 2},
            "fairest": {"matched": 3, "total": 160, "worst": 48, "blocking": 2},
            "stable": {"matched": 2, "total": 170, "worst": 70, "blocking": 0},
        }
        result.blocking = [{"mentor": 0, "mentee": 0, "mentor_name": "Ann Ames", "mentee_name": "Nico Park"}]
        result.blocking_count = 1
        return result

    monkeypatch.setattr(matching, "round_plan", plan)


def test_the_coordinator_runs_an_objective_compares_and_runs_another(page: Page, live_server, spring, compared):
    programme, negotiation, service, technology = spring
    for name in ("Mina Lee", "Nico Park", "Oli Ortiz"):
        approved_profile(programme=programme, display_name=name, skills=[(negotiation, 2)], grade=2, org_unit=service)
    for name in ("Ann Ames", "Ben Berg"):
        approved_profile(
            programme=programme,
            role=Role.MENTOR,
            display_name=name,
            skills=[(negotiation, 3)],
            capacity=1,
            grade=5,
            org_unit=technology,
        )

    log_in(page, live_server, "cora@example.org")
    page.goto(live_server.url + reverse("mentoring:matching", args=[programme.pk]))
    page.get_by_label("Most people matched").check()
    screenshot(page, "objectives-0-run-form")
    page.get_by_role("button", name="Run a round").click()
    expect(page.get_by_text("Objective: Most people matched.")).to_be_visible()
    ran = page.get_by_role("row").filter(has_text="ran")
    expect(ran).to_contain_text("Most people matched")
    expect(page.get_by_text("Best total: 1 fewer person matched, total 14 higher")).to_be_visible()
    expect(page.get_by_text("Ann Ames (mentor) and Nico Park (mentee)")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"objectives-1-round-{width}")
        # Nothing but the comparison table's own scroller is wider than the screen.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Run with this objective (Fairest)").click()
    expect(page.get_by_text("Objective: Fairest.")).to_be_visible()
    assert list(MatchRound.objects.values_list("objective", "status").order_by("pk")) == [
        ("most_matched", "discarded"),
        ("fairest", "draft"),
    ]
