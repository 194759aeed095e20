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

from demo.decisions import decision_owner
from demo.organisation import DEMO_DOMAIN
from evaluation.models import Report, ReportComment, ReportDecision, ReportSignOff
from evaluation.selectors.reporting import last_quarter
from evaluation.services import reports as services
from programmes.models import Person, Programme, Role
from programmes.services.notifications import coordinators_of

# What the coordinator asks of the committee: requests, not figures, so they are written out. Everything the
# narrative says about the period is worded from the report's own figures (``narrative_from``), as suppressed
# and frozen on submission: it can neither contradict them nor state a number the report hides.
ASKS_EARLIER = "We ask the committee to confirm mentor training as a condition for a second mentee."
ASKS_LAST = (
    "We propose a mid-point workshop for mentors and ask the committee to review the time allocations for next quarter."
)


def _num(value: float | int) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _table_total(table: dict | None) -> int | None:
    """The total of a one-row table as shown (None when it is suppressed or missing)."""
    if not table or not table.get("row_totals"):
        return None
    return table["row_totals"][0]["value"]


def _compared(value: float, previous: float | None, what: str) -> str:
    if not previous:
        return ""
    if abs(value - previous) <= previous / 10:
        return f", about as many {what} as the quarter before ({_num(previous)})"
    return f", {'more' if value > previous else 'fewer'} than the {_num(previous)} of the quarter before"


def narrative_from(content: dict, *, asks: str) -> str:
    """A report's narrative worded from its figures as the committee sees them: a hidden figure is not
    mentioned, and a claim (an early ending, an intervention) is made only when the figure shows it."""
    sections = content["sections"]
    figures = {f["key"]: f for section in sections for f in section["figures"]}
    tables = {t["key"]: t for section in sections for t in section.get("tables", [])}
    activity = []

    sessions = figures.get("sessions", {})
    if sessions.get("value") is not None:
        held = sessions["value"]
        compared = _compared(held, sessions.get("previous"), "sessions")
        activity.append(f"Pairs held {_plural(held, 'session', 'sessions')} this quarter{compared}.")
    states = tables.get("checkin_states")
    if states:
        cells = dict(zip(states["cols"], states["cells"][0], strict=True))
        on_track, before = cells["On track"]["value"], cells["On track"]["previous"]
        late = [cells[c]["value"] for c in ("Overdue", "Escalated")]
        if on_track is not None:
            change = (
                ""
                if before is None
                else (
                    " (as many as the quarter before)"
                    if on_track == before
                    else f" ({'up' if on_track > before else 'down'} from {before})"
                )
            )
            tail = ", and none was overdue" if late == [0, 0] else ""
            activity.append(
                f"At the quarter's end {_plural(on_track, 'pairing was', 'pairings were')} on track with their "
                f"check-ins{change}{tail}."
            )
    interventions = _table_total(tables.get("interventions"))
    if interventions == 0:
        activity.append("No intervention was needed.")
    elif interventions:
        activity.append(f"The coordinators recorded {_plural(interventions, 'intervention', 'interventions')}.")
    ended = _table_total(tables.get("ended_early"))
    if ended == 0:
        activity.append("No pairing ended early.")
    elif ended:
        activity.append(f"{_plural(ended, 'pairing', 'pairings')} ended early.")

    uptake = []
    allocated, used = figures.get("hours_allocated", {}).get("value"), figures.get("hours_used", {}).get("value")
    if allocated and used is not None:
        uptake.append(
            f"The workplace allocated {_num(allocated)} protected hours and people used {_num(used)} of them "
            f"({round(100 * used / allocated)}%)."
        )
    surveys = content.get("surveys") or {}
    answers = (surveys.get("responses") or {}).get("value")
    rounds = [r["title"] for r in surveys.get("rounds", [])]
    if answers and rounds:
        uptake.append(f"The {' and '.join(rounds)} brought {_plural(answers, 'answer', 'answers')}.")

    return "\n\n".join(" ".join(part) for part in (activity, uptake, [asks]) if part)


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
        narrative = narrative_from(services.report_content(report), asks=ASKS_EARLIER)
        services.report_update(report=report, title=report.title, narrative=narrative)
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
            owner=decision_owner(programme, coordinator),
            due_on=timezone.localdate() + datetime.timedelta(days=45),
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
        narrative = narrative_from(services.report_content(report), asks=ASKS_LAST)
        services.report_update(report=report, title=report.title, narrative=narrative)
        services.report_submit(report=report, by=coordinator)
