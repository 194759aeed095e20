"""The demo's committee decision followed through: the published report's decision is owned by Leo Hartmann (the
line manager, when he manages a participant of the programme; else its coordinator), in progress with what was
done so far, and carried into the programme's draft report for the current quarter."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from demo.organisation import DEMO_DOMAIN
from evaluation.models import Report, ReportDecision, ReportDecisionUpdate
from evaluation.selectors.reporting.periods import quarter_from_key, recent_quarters
from evaluation.services import reports as report_services
from evaluation.services.decisions import decision_owners, decision_update
from programmes.models import Person, Programme
from programmes.services.notifications import coordinators_of

DONE_SO_FAR = (
    "Two of the three mentors with a second mentee have booked the mentor training; the third starts it next month."
)


def decision_owner(programme: Programme, fallback: Person) -> Person:
    """The demo line manager if he may own the programme's decisions, else ``fallback`` (its coordinator)."""
    return decision_owners(programme).filter(email=f"manager@{DEMO_DOMAIN}").first() or fallback


@transaction.atomic
def seed_decisions(*, programme: Programme) -> None:
    """Idempotent: a decision already updated is left alone; the current quarter's report is made once."""
    decision = (
        ReportDecision.objects.filter(
            report__programme=programme,
            report__status=Report.Status.PUBLISHED,
            kind=ReportDecision.Kind.DECISION,
            owner__isnull=False,
        )
        .select_related("owner", "report")
        .first()
    )
    coordinators = coordinators_of(programme)
    if decision is None or not coordinators:
        return
    if decision.status == ReportDecision.Status.OPEN:
        decision = decision_update(
            decision=decision, by=decision.owner, status=ReportDecision.Status.IN_PROGRESS, outcome=DONE_SO_FAR
        )
        when = decision.created_at + datetime.timedelta(days=20)
        ReportDecision.objects.filter(pk=decision.pk).update(updated_at=when)
        ReportDecisionUpdate.objects.filter(decision=decision).update(at=when)
    # The next report, a draft for the quarter under way: it lists the decision with its status as it stands.
    today = timezone.localdate()
    current = quarter_from_key(recent_quarters(today, 1)[0][0])
    if not Report.objects.filter(programme=programme, period_start=current.start).exists():
        report_services.report_create(programme=programme, by=coordinators[0], period=current)
