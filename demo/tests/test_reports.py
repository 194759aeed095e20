"""The demo's committee reports: one awaiting review, one reviewed, signed off by Priya and published."""

from __future__ import annotations

import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from demo.reports import seed_reports
from evaluation.models import Report, ReportDecision
from evaluation.tests.report_world import NOW, backdate_memberships, populate
from programmes.models import Notification, Person, Role
from programmes.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_seed_reports_makes_a_submitted_and_a_published_report(cast):
    programme = cast["pairing"].programme
    priya = PersonFactory(email="committee@example.com", display_name="Priya Natarajan")
    MembershipFactory(programme=programme, person=priya, role=Role.COMMITTEE)
    populate(programme, {"Engineering": 6, "Finance": 2})
    backdate_memberships(programme)

    seed_reports(programme=programme)
    seed_reports(programme=programme)  # a second run adds nothing

    published, submitted = Report.objects.filter(programme=programme).order_by("period_end")
    assert (published.title, published.status) == ("Q4 2025 report", Report.Status.PUBLISHED)
    assert (submitted.title, submitted.status) == ("Q1 2026 report", Report.Status.SUBMITTED)
    assert submitted.snapshot["period"]["label"] == "1 Jan 2026 to 31 Mar 2026"
    assert published.comments.get().author == priya
    assert sorted(published.decisions.values_list("kind", flat=True)) == [
        ReportDecision.Kind.DECISION,
        ReportDecision.Kind.RECOMMENDATION,
    ]
    assert published.sign_offs.get().person == priya
    assert published.submitted_at < published.sign_offs.get().signed_at < published.published_at
    # The committee heard of both submissions, the coordinator of the review.
    assert Notification.objects.filter(person=priya, text__contains="submitted").count() == 2
    assert Notification.objects.filter(person=cast["coordinator"], text__startswith="Priya Natarajan").count() == 4


# --- The demo's narratives against their figures --------------------------------------------------------------

WORDS = {"no": 0, "none": 0, "one": 1, "two": 2, "three": 3}


def _count(word: str) -> int:
    return WORDS[word] if word in WORDS else int(word)


def _claims_against_figures(snapshot: dict) -> list[str]:
    """Read the narrative as a committee member would and check each claim it makes against the figures shown
    beside it; returns what does not hold."""
    narrative = " ".join(snapshot["narrative"].lower().split())
    figures = {f["key"]: f for s in snapshot["sections"] for f in s["figures"]}
    tables = {t["key"]: t for s in snapshot["sections"] for t in s.get("tables", [])}

    def total(key: str):
        return tables[key]["row_totals"][0]["value"]

    wrong = []
    allocated, used = figures["hours_allocated"]["value"], figures["hours_used"]["value"]
    # What the workplace offers cannot be nothing next to the hours people took up.
    if used and not allocated:
        wrong.append(f"protected hours allocated {allocated} next to {used} used")
    for match in re.finditer(r"\b(no|one|two|three|\d+) pairings? (?:\w+ )?ended early", narrative):
        if _count(match[1]) != total("ended_early"):
            wrong.append(f"'{match[0]}' next to {total('ended_early')} ended early")
    if re.search(r"escalations? (were|was) followed up|followed up with", narrative) and not total("interventions"):
        wrong.append(f"escalations followed up next to {total('interventions')} interventions")
    for match in re.finditer(r"\b(no|one|two|three|\d+) interventions?\b", narrative):
        if _count(match[1]) != total("interventions"):
            wrong.append(f"'{match[0]}' next to {total('interventions')} interventions")
    for match in re.finditer(r"\b(\d+) sessions\b", narrative):
        if int(match[1]) not in (figures["sessions"]["value"], figures["sessions"]["previous"]):
            wrong.append(f"'{match[0]}' next to {figures['sessions']['value']} sessions held")
    if "sessions held steady" in narrative and figures["sessions"]["change"] != 0:
        wrong.append(f"'sessions held steady' next to a change of {figures['sessions']['change']}")
    states = tables["checkin_states"]
    on_track = states["cells"][0][states["cols"].index("On track")]
    if "more pairs are on track" in narrative and not (on_track["change"] or 0) > 0:
        wrong.append(f"'more pairs are on track' next to {on_track['value']} (was {on_track['previous']})")
    for match in re.finditer(r"(\d+) pairings? (?:was|were) on track", narrative):
        if int(match[1]) != on_track["value"]:
            wrong.append(f"'{match[0]}' next to {on_track['value']} on track")
    for match in re.finditer(r"allocated ([\d.]+) protected hours and people used ([\d.]+)", narrative):
        if (float(match[1]), float(match[2])) != (allocated, used):
            wrong.append(f"'{match[0]}' next to {allocated} allocated and {used} used")
    rounds = " ".join(r["title"].lower() for r in snapshot["surveys"]["rounds"])
    for survey in ("programme feedback", "relationship health", "learning-environment"):
        if survey in narrative and survey not in rounds:
            wrong.append(f"the narrative speaks of the {survey} survey; the report's rounds are: {rounds or 'none'}")
    return wrong


def test_the_demo_reports_narratives_agree_with_their_figures(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    reports = list(Report.objects.exclude(status=Report.Status.DRAFT).order_by("period_end"))
    assert [r.status for r in reports] == [Report.Status.PUBLISHED, Report.Status.SUBMITTED]
    for report in reports:
        assert report.snapshot["narrative"].strip()
        assert _claims_against_figures(report.snapshot) == [], report.title
    # The committee reads the same on the page: the narrative beside an allocation that is not nothing.
    submitted = reports[-1]
    client.force_login(Person.objects.get(email="committee@example.com"))
    page = client.get(reverse("evaluation:report_detail", args=[submitted.pk])).content.decode()
    first = re.split(r"\.\s", submitted.snapshot["narrative"])[0].replace("'", "&#x27;")
    assert first in page
    allocated = next(f for s in submitted.snapshot["sections"] for f in s["figures"] if f["key"] == "hours_allocated")
    assert allocated["value"] > 0 and f"{allocated['value']:.1f} h" in page
    # The checker is not vacuous: next to the same figures, it refuses what the demo used to say.
    old = (
        "Sessions held steady and more pairs are on track with their check-ins. A few escalations were followed up "
        "with a call; one pairing ended early by mutual agreement.\n\nThe programme feedback survey closed this "
        "quarter: people value the protected time and ask for shorter forms."
    )
    wrong = _claims_against_figures({**reports[-1].snapshot, "narrative": old})
    assert any("ended early" in w for w in wrong) and any("followed up" in w for w in wrong)
    assert any("programme feedback" in w for w in wrong)
