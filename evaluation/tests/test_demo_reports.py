"""The demo's committee reports: one awaiting review, one reviewed, signed off by Priya and published."""

from __future__ import annotations

import pytest
import time_machine

from evaluation.demo_reports import seed_reports
from evaluation.models import Report, ReportDecision
from evaluation.tests.report_world import NOW, backdate_memberships, populate
from programmes.models import Notification, Role
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
