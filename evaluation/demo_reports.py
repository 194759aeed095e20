"""Demo committee reports for the running programme: last quarter's report, submitted and awaiting the
committee's review, and the quarter before's, reviewed (a comment, a decision, a recommendation), signed off by
the demo committee member (Priya, committee@example.com) and published.

Everything goes through the services, as in real use: the figures are those of the demo data, suppressed and
frozen on submission, and the people concerned get the notices real use would send. Dates are then set back to
when each step would have happened.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from programmes.demo import DEMO_DOMAIN
from programmes.models import Person, Programme, Role
from programmes.services.notifications import coordinators_of

from . import services_reports as services
from .models import Report, ReportComment, ReportDecision, ReportSignOff
from .reporting import last_quarter

NARRATIVE_EARLIER = """The first full quarter of pairings. Most pairs met every two to three weeks; the intensive \
start with two early check-ins worked well.

Engineering and Operations took up most of their protected hours; in smaller departments uptake was lower, and \
their figures are hidden because they describe fewer than five people.

We ask the committee to confirm mentor training as a condition for a second mentee."""

NARRATIVE_LAST = """Sessions held steady and more pairs are on track with their check-ins. A few escalations were \
followed up with a call; one pairing ended early by mutual agreement.

The programme feedback survey closed this quarter: people value the protected time and ask for shorter forms.

We propose a mid-point workshop for mentors and ask the committee to review the time allocations for next quarter."""


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _committee_member(programme: Programme) -> Person | None:
    members = Person.objects.filter(memberships__programme=programme, memberships__role=Role.COMMITTEE)
    return members.filter(email=f"committee@{DEMO_DOMAIN}").first() or members.order_by("pk").first()


@transaction.atomic
def seed_reports(*, programme: Programme) -> None:
    """Idempotent: a period that already has a report is left alone."""
    coordinators = coordinators_of(programme)
    committee = _committee_member(programme)
    if not coordinators or committee is None:
        return
    coordinator = coordinators[0]
    last = last_quarter(timezone.localdate())
    earlier = last.previous

    if not Report.objects.filter(programme=programme, period_start=earlier.start, period_end=earlier.end).exists():
        report = services.report_create(programme=programme, by=coordinator, period=earlier)
        services.report_update(report=report, title=report.title, narrative=NARRATIVE_EARLIER)
        services.report_submit(report=report, by=coordinator)
        comment = services.report_comment(
            report=report,
            by=committee,
            text="Thank you: a clear report. Could the next one say more about the smaller departments?",
        )
        decision = services.report_decision_record(
            report=report,
            by=committee,
            kind="decision",
            text="Mentor training is required before a mentor takes a second mentee.",
        )
        recommendation = services.report_decision_record(
            report=report,
            by=committee,
            kind="recommendation",
            text="Offer the smaller departments a joint information session next quarter.",
        )
        sign_off = services.report_sign_off(report=report, by=committee)
        services.report_publish(report=report, by=coordinator)
        after = earlier.end
        Report.objects.filter(pk=report.pk).update(
            created_at=_at(after - datetime.timedelta(days=6), 9),
            submitted_at=_at(after + datetime.timedelta(days=8), 16),
            published_at=_at(after + datetime.timedelta(days=24), 11),
        )
        ReportComment.objects.filter(pk=comment.pk).update(created_at=_at(after + datetime.timedelta(days=15), 10))
        for i, made in enumerate((decision, recommendation)):
            ReportDecision.objects.filter(pk=made.pk).update(
                created_at=_at(after + datetime.timedelta(days=21), 14 + i)
            )
        ReportSignOff.objects.filter(pk=sign_off.pk).update(signed_at=_at(after + datetime.timedelta(days=22), 9))

    if not Report.objects.filter(programme=programme, period_start=last.start, period_end=last.end).exists():
        report = services.report_create(programme=programme, by=coordinator, period=last)
        services.report_update(report=report, title=report.title, narrative=NARRATIVE_LAST)
        services.report_submit(report=report, by=coordinator)
