"""Committee reports, read-only: the lists a coordinator or committee member sees, and a report's review.

The figures themselves are built and suppressed in ``evaluation.selectors.reporting``; a submitted report reads its
frozen snapshot (``services/reports.py::report_content``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from programmes.models import Membership, Person, Programme, Role

from ..models import Report, ReportComment, ReportDecision, ReportSignOff
from ..permissions import reports_visible_to


def _with_review_counts(reports: QuerySet[Report]) -> QuerySet[Report]:
    return reports.annotate(
        comment_count=Count("comments", distinct=True), sign_off_count=Count("sign_offs", distinct=True)
    )


def programmes_with_reports(*, person: Person) -> list[Programme]:
    """Every programme the person coordinates (drafts too) or sits on the committee of (submitted reports),
    each with ``report_rows``: the reports they may see, with review counts. Two queries."""

    def holds(role: str) -> Exists:
        return Exists(Membership.objects.filter(programme=OuterRef("pk"), person=person, role=role))

    programmes = list(
        Programme.objects.with_role(person, Role.COORDINATOR, Role.COMMITTEE)
        .annotate(coordinating=holds(Role.COORDINATOR), on_committee=holds(Role.COMMITTEE))
        .order_by("name")
    )
    reports = list(_with_review_counts(reports_visible_to(person)).order_by("-period_end", "-pk"))
    for programme in programmes:
        programme.report_rows = [r for r in reports if r.programme_id == programme.pk]
    return programmes


def reports_of_programme(*, programme: Programme) -> list[Report]:
    """A programme's reports, newest period first, with review counts: one query."""
    return list(_with_review_counts(Report.objects.filter(programme=programme)).order_by("-period_end", "-pk"))


@dataclass(frozen=True)
class Review:
    comments: list[ReportComment]
    decisions: list[ReportDecision]
    sign_offs: list[ReportSignOff]


def report_review(report: Report) -> Review:
    """A report's comments, decisions and sign-offs with their authors: three queries."""
    return Review(
        comments=list(report.comments.select_related("author")),
        decisions=list(report.decisions.select_related("author", "owner")),
        sign_offs=list(report.sign_offs.select_related("person").order_by("signed_at")),
    )


def report_review_for_export(report: Report) -> tuple[QuerySet[ReportDecision], QuerySet[ReportSignOff]]:
    """The decisions and sign-offs an export summarises (evaluated by the export)."""
    return report.decisions.select_related("owner"), report.sign_offs.all()


def decisions_for(*, person: Person) -> QuerySet[ReportDecision]:
    """The decisions a person follows through: those they own and, for a coordinator, every decision of the
    programmes they coordinate. Open ones first, the soonest due first; one query per page (with its count)."""
    coordinated = Exists(
        Membership.objects.filter(programme=OuterRef("report__programme"), person=person, role=Role.COORDINATOR)
    )
    closed = Case(When(status__in=ReportDecision.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        ReportDecision.objects.filter(Q(owner=person) | Q(coordinated, kind=ReportDecision.Kind.DECISION))
        .exclude(report__status=Report.Status.DRAFT)
        .select_related("report__programme", "owner")
        .annotate(closed=closed)
        .order_by("closed", "due_on", "pk")
    )


def decision_history(decision: ReportDecision) -> list:
    """A decision's changes of status and what was done, with who made them: one query."""
    return list(decision.updates.select_related("by"))
