"""Ranked preferences end to end in a real browser (issue 19): a mentee ranks three mentors, the coordinator runs
"Most people matched", compares the objectives on the round page and publishes, and the mentee reads why the
proposed mentor was chosen: "+12 your 1st choice". A mentor marks mentees "prefer" and "prefer not" on their page.

The cohort is built so that the objectives differ: Nico speaks only German and Oli only Spanish, and the shared
language is required, so Nico can only have Ben and Oli only Ben or Cal. Best total gives Ben to Oli (a strong
fit) and leaves Nico out; most people matched gives Ben to Nico and Cal to Oli. Either way Mina gets Ann, her
first choice. The weights add up to 100 with the ranking at 12, so a first choice is worth exactly 12 points."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, log_out, screenshot
from mentoring.models import MatchRound, MenteeRanking, MentorStance, Pairing
from mentoring.selectors.cohort import match_settings_get
from mentoring.tests.factories import approved_profile
from programmes.models import Programme, Role
from programmes.tests.factories import SkillFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEIGHTS = {
    "skills_weight": 33,
    "different_team_weight": 15,
    "experience_gap_weight": 15,
    "availability_weight": 10,
    "meeting_mode_weight": 5,
    "language_weight": 5,
    "readiness_weight": 5,
    "time_zone_weight": 0,
    "ranking_weight": 12,  # 12 of 100: a first choice adds exactly 12 points
    "mentor_wish_weight": 0,
}


def shot(page: Page, name: str, widths=(1280, 390)) -> None:
    """A screenshot (and axe's check) at each width; nothing but a table's own scroller wider than the screen."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"preferences-{name}-{width}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def cohort(spring):
    programme, negotiation, service, technology = spring
    programme.status = Programme.Status.MATCHING
    programme.save(update_fields=["status"])
    settings = match_settings_get(programme=programme)
    for field, value in WEIGHTS.items():
        setattr(settings, field, value)
    settings.language_rule = "required"
    settings.min_score = 20
    settings.suggestion_spread = 0
    settings.save()
    budgeting = SkillFactory(name="Budgeting")

    def mentee(name, email, skill, languages, availability):
        approved_profile(
            programme=programme,
            display_name=name,
            email=email,
            skills=[(skill, 2)],
            grade=2,
            org_unit=service,
            languages=languages,
            availability=availability,
        )

    def mentor(name, skills, languages, team, availability):
        approved_profile(
            programme=programme,
            role=Role.MENTOR,
            display_name=name,
            email=f"{name.split()[0].lower()}@example.org",
            skills=skills,
            capacity=1,
            grade=5,
            org_unit=team,
            languages=languages,
            availability=availability,
        )

    # Scores (of 100): Mina-Ann 100 (her 1st choice), Oli-Ben 88; Nico-Ben 48 and Oli-Cal 30, together less.
    mentee("Mina Lee", "mina@example.org", negotiation, ["English"], availability=["mon-am", "wed-pm", "fri-pm"])
    mentee("Nico Park", "nico@example.org", negotiation, ["German"], availability=["mon-am"])
    mentee("Oli Ortiz", "oli@example.org", budgeting, ["Spanish"], availability=["tue-pm", "thu-am", "fri-pm"])
    mentor("Ann Ames", [(negotiation, 3)], ["English"], technology, availability=["mon-am", "wed-pm", "fri-pm"])
    mentor(
        "Ben Berg",
        [(budgeting, 3)],
        ["English", "German", "Spanish"],
        technology,
        availability=["mon-am", "tue-pm", "thu-am", "fri-pm"],
    )
    mentor("Cal Cruz", [(negotiation, 2)], ["English", "Spanish"], service, availability=["wed-am"])
    return programme


def test_a_mentee_ranks_three_the_coordinator_runs_most_matched_and_the_mentee_reads_their_1st_choice(
    page: Page, live_server, cohort
):
    programme = cohort

    # Mina opens her suggestions and ranks three mentors, Ann first.
    log_in(page, live_server, "mina@example.org")
    page.get_by_role("link", name="Suggested mentors").first.click()
    expect(page.get_by_role("heading", name="Suggested mentors in Spring Mentoring")).to_be_visible()
    shot(page, "0-suggestions")
    page.get_by_role("link", name="Rank your mentors").first.click()
    expect(page.get_by_role("heading", name="Rank your mentors in Spring Mentoring")).to_be_visible()
    page.get_by_label("Choice 1").select_option(label="Ann Ames")
    page.get_by_label("Choice 2").select_option(label="Cal Cruz")
    page.get_by_label("Choice 3").select_option(label="Ben Berg")
    shot(page, "1-ranking")
    page.get_by_role("button", name="Save my ranking").click()
    expect(page.get_by_role("status")).to_contain_text("Your ranking is saved.")
    expect(page.locator("ol:not(.breadcrumb) li")).to_have_text(["Ann Ames", "Cal Cruz", "Ben Berg"])
    shot(page, "2-ranked")
    assert list(
        MenteeRanking.objects.filter(mentee__email="mina@example.org")
        .order_by("rank")
        .values_list("mentor__display_name", "rank")
    ) == [("Ann Ames", 1), ("Cal Cruz", 2), ("Ben Berg", 3)]
    log_out(page)

    # The coordinator runs "Most people matched" from the Matching tab.
    log_in(page, live_server, "cora@example.org")
    page.get_by_role("link", name="Spring Mentoring").click()
    page.get_by_role("link", name="Matching", exact=True).click()
    page.get_by_label("Most people matched").check()
    shot(page, "3-run-form")
    page.get_by_role("button", name="Run a round").click()
    expect(page.get_by_text("Objective: Most people matched.")).to_be_visible()

    # The round page compares the objectives with the figures the round stored.
    match_round = MatchRound.objects.get(programme=programme)
    assert match_round.objective == "most_matched"
    stored = match_round.comparison
    assert stored["most_matched"]["matched"] == 3
    assert stored["best_total"]["matched"] == 2  # best total leaves Nico out ...
    assert stored["best_total"]["total"] > stored["most_matched"]["total"]  # ... for a higher total
    table = page.get_by_role("region", name="What each objective gives")
    labels = {
        "best_total": "Best total",
        "most_matched": "Most people matched",
        "fairest": "Fairest",
        "stable": "Stable",
    }
    for value, label in labels.items():
        heading = page.locator("th > span.fw-semibold").get_by_text(label, exact=True)
        cells = table.locator("tbody tr").filter(has=heading).get_by_role("cell")
        figures = [str(stored[value][key]) for key in ("matched", "total", "worst", "blocking")]
        expect(cells.nth(0)).to_have_text(figures[0])
        expect(cells.nth(1)).to_have_text(figures[1])
        expect(cells.nth(2)).to_have_text(figures[2])
        expect(cells.nth(3)).to_have_text(figures[3])
    ran = table.get_by_role("row").filter(has_text="ran")
    expect(ran).to_have_count(1)
    expect(ran).to_contain_text("Most people matched")
    gained = stored["best_total"]["total"] - stored["most_matched"]["total"]
    expect(page.get_by_text(f"Best total: 1 fewer person matched, total {gained} higher")).to_be_visible()
    proposals = page.get_by_role("row").filter(has_text="Mina Lee")
    expect(proposals.first).to_contain_text("Ann Ames")
    shot(page, "4-round")

    # She publishes.
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_role("heading", name="Publish 3 proposals?")).to_be_visible()
    shot(page, "5-publish")
    page.get_by_role("button", name="Publish and tell the pairs").click()
    expect(page.get_by_text("3 pairings are proposed.")).to_be_visible()
    log_out(page)

    # Mina reads why Ann was proposed: her first choice, worth 12 points.
    log_in(page, live_server, "mina@example.org")
    page.get_by_role("link", name="Details and why you were matched").click()
    expect(page.get_by_role("heading", name="Why you were matched")).to_be_visible()
    expect(page.get_by_text("+12 your 1st choice", exact=True)).to_be_visible()
    expect(page.get_by_text("Mina Lee's 1st choice")).to_have_count(0)
    shot(page, "6-why")

    assert sorted(
        Pairing.objects.filter(programme=programme).values_list(
            "mentee__display_name", "mentor__display_name", "status", "source"
        )
    ) == [
        ("Mina Lee", "Ann Ames", "proposed", "round"),
        ("Nico Park", "Ben Berg", "proposed", "round"),
        ("Oli Ortiz", "Cal Cruz", "proposed", "round"),
    ]


def test_a_mentor_marks_one_mentee_prefer_and_another_prefer_not(page: Page, live_server, cohort):
    programme = cohort
    log_in(page, live_server, "ann@example.org")
    page.get_by_role("link", name="Mentees you could mentor").click()
    expect(page.get_by_role("heading", name="Mentees you could mentor in Spring Mentoring")).to_be_visible()
    page.get_by_role("group", name="Your preference for Mina Lee").get_by_label("Prefer", exact=True).check()
    page.get_by_role("group", name="Your preference for Oli Ortiz").get_by_label("Prefer not").check()
    shot(page, "7-mentor-wishes")
    page.get_by_role("button", name="Save my preferences on this page").click()
    expect(page.get_by_role("status")).to_contain_text("Your preferences are saved. Mentees never see them.")
    expect(
        page.get_by_role("group", name="Your preference for Mina Lee").get_by_label("Prefer", exact=True)
    ).to_be_checked()
    expect(
        page.get_by_role("group", name="Your preference for Nico Park").get_by_label("No preference")
    ).to_be_checked()
    assert sorted(
        MentorStance.objects.filter(programme=programme, mentor__email="ann@example.org").values_list(
            "mentee__display_name", "stance"
        )
    ) == [("Mina Lee", "prefer"), ("Oli Ortiz", "prefer_not")]
