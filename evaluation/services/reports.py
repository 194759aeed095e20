"""Committee reports: draft, submitted (figures frozen), under review, published.

A coordinator creates a draft for a period and writes the narrative; submitting freezes every figure, already
suppressed, with the title and narrative, in ``Report.snapshot``, which the page and the exports read from then
on. The programme's committee members comment, record decisions and recommendations and sign off; the first
of these moves a submitted report to "under review". A coordinator publishes once at least one committee
member has signed off. Notices carry names and the report's title, never what a comment says.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.dates import long_date
from core.i18n import in_language_of
from programmes.models import Person, Programme, Role
from programmes.services.audit import audit_record
from programmes.services.notifications import coordinators_of, notification_send

from ..models import Report, ReportComment, ReportDecision, ReportSignOff
from ..selectors.reporting import Period, quarter_key, report_figures
from .decisions import decision_owner_check, decision_tell_owner, decisions_followed
from .disclosure_joint import joint_protect, previous_from_report, reports_audit
from .disclosure_published import report_audit
from .draft_figures import draft_figures_read

MAX_PERIOD_DAYS = 366
REVIEWABLE = (Report.Status.SUBMITTED, Report.Status.UNDER_REVIEW)


def committee_of(programme: Programme | int) -> list[Person]:
    return list(
        Person.objects.filter(
            is_active=True, memberships__programme=programme, memberships__role=Role.COMMITTEE
        ).distinct()
    )


def default_title(period: Period) -> str:
    if period.is_quarter:
        year, number = quarter_key(period).split("-")
        return _("%(quarter)s %(year)s report") % {"quarter": number, "year": year}
    return _("Report for %(period)s") % {"period": period.label}


EARLIEST_PERIOD_START = datetime.date(2000, 1, 1)


def _check_period(programme: Programme, period: Period, *, exclude: int | None = None, creating: bool = True) -> None:
    if period.end < period.start:
        raise ValidationError({"period_end": _("The period must end on or after the day it starts.")})
    if period.days > MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": _("A report covers at most a year; choose a shorter period.")})
    if creating and period.start > timezone.localdate():
        raise ValidationError({"period_start": _("The period has not started yet.")})
    if period.start < EARLIEST_PERIOD_START:
        # A report compares with the period before it: year 1 would have none, and Tandem holds nothing so old.
        raise ValidationError(
            {"period_start": _("Choose a period from %(date)s on.") % {"date": long_date(EARLIEST_PERIOD_START)}}
        )
    same = Report.objects.filter(programme=programme, period_start=period.start, period_end=period.end)
    if exclude:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError(
            _("%(programme)s already has a report for %(period)s: open that one instead.")
            % {"programme": programme, "period": period.label}
        )
    # Two reports over overlapping periods differ by the days only one of them covers: 1 June to 3 December
    # beside 1 June to 2 December gives away the one session held on 3 December. So the periods of a programme's
    # reports never overlap, except one inside the other (a quarter and its half-year) when the
    # difference is proven safe: the figures of the days only the longer one covers would hide nothing.
    for other in Report.objects.filter(
        programme=programme, period_start__lte=period.end, period_end__gte=period.start
    ).exclude(pk=exclude):
        _check_overlap(programme, period, Period(other.period_start, other.period_end))


def _difference(outer: Period, inner: Period) -> list[Period] | None:
    """The days of ``outer`` outside ``inner`` as periods; ``None`` unless one lies inside the other."""
    if not (outer.start <= inner.start and inner.end <= outer.end):
        return None
    day = datetime.timedelta(days=1)
    pieces = [Period(outer.start, inner.start - day), Period(inner.end + day, outer.end)]
    return [p for p in pieces if p.start <= p.end]


def _hides_anything(data: dict) -> bool:
    """Whether a report's figures hide any figure of their own period (the previous period's are not theirs)."""
    tables = {t["key"]: t for s in data["sections"] for t in s["tables"]}
    goals = tables.get("goals_by_status")
    no_open_goal = goals and [c["value"] for c in goals["cells"][0][:2]] == [0, 0]
    # The average progress of open goals is empty, not hidden, when there is no open goal; so is a mentors' mean
    # self-rating with no goal behind it (marked "empty").
    figures = {f["key"]: f for s in data["sections"] for f in s["figures"]}
    empty = {"goal_progress"} if no_open_goal else set()
    empty |= {key for key, f in figures.items() if f.get("empty")}
    values = [f["value"] for key, f in figures.items() if key not in empty]
    for t in [*(t for s in data["sections"] for t in s["tables"]), data["team"]]:
        values += [c["value"] for row in t["cells"] for c in row]
        values += [c["value"] for c in (t["row_totals"] or []) + (t["col_totals"] or [])]
    surveys = data["surveys"]
    values += [surveys["responses"]["value"], *(r["responses"] for r in surveys["rounds"])]
    for q in surveys["questions"]:
        values += [q["answers"], *(d["value"] for d in q["distribution"] or [])]
    return any(v is None for v in values)


def _check_overlap(programme: Programme, period: Period, other: Period) -> None:
    pieces = _difference(period, other) or _difference(other, period)
    if pieces is not None and not any(_hides_anything(report_figures(programme=programme, period=p)) for p in pieces):
        return  # the days between them describe nobody too few to show: comparing the two reports hides nothing
    raise ValidationError(
        _(
            "%(programme)s already has a report for %(period)s, which overlaps this period: comparing the two would "
            "give away figures about fewer than the minimum group (the days only one of them covers). Choose a "
            "period before or after it."
        )
        % {"programme": programme, "period": other.label}
    )


@transaction.atomic
def report_create(*, programme: Programme, by: Person, period: Period, title: str = "") -> Report:
    _check_period(programme, period)
    report = Report(
        programme=programme,
        title=title.strip() or default_title(period),
        period_start=period.start,
        period_end=period.end,
        created_by=by,
    )
    report.full_clean()
    report.save()
    return report


def _draft_only(report: Report) -> None:
    if report.status != Report.Status.DRAFT:
        raise ValidationError(_("This report was submitted: its figures and narrative are frozen."))


@transaction.atomic
def report_update(*, report: Report, title: str, narrative: str) -> Report:
    _draft_only(report)
    report.title = title.strip() or report.title
    report.narrative = narrative
    report.full_clean()
    report.save(update_fields=["title", "narrative"])
    return report


def report_period(report: Report) -> Period:
    return Period(report.period_start, report.period_end)


def report_content(report: Report) -> dict:
    """What the page and the exports show: the frozen snapshot once submitted; a draft's live figures (kept
    while nothing they read has changed: ``draft_figures``)."""
    if report.status != Report.Status.DRAFT:
        return report.snapshot
    return draft_figures_read(report=report, compute=report_snapshot)


def report_snapshot(report: Report) -> dict:
    """What submitting freezes: the period's figures with the title and narrative as they stand, the previous
    period's column read from that period's own report when it was submitted, and hidden more where the
    programme's other reports, read together with this one, would give a hidden figure away."""
    period = report_period(report)
    figures = report_figures(programme=report.programme, period=period)
    earlier = _submitted(report.programme, exclude=report.pk)
    before = next((s for s in earlier if s["period"]["start"] == period.previous.start.isoformat()
                   and s["period"]["end"] == period.previous.end.isoformat()), None)  # fmt: skip
    if before:
        previous_from_report(figures, before)
    joint_protect(figures, earlier)
    # The earlier decisions the committee follows up, frozen with the figures (not figures about people: no
    # suppression; the decision's words, its owner and status as they stand at submit).
    followed = decisions_followed(report)
    return {**figures, "title": report.title, "narrative": report.narrative, "decisions_followed": followed}


def _submitted(programme: Programme, *, exclude: int | None = None) -> list[dict]:
    """The frozen figures of the programme's submitted reports (everything its committee has read)."""
    reports = Report.objects.filter(programme=programme).exclude(status=Report.Status.DRAFT).exclude(pk=exclude)
    return [r.snapshot for r in reports.order_by("period_start", "pk") if r.snapshot]


@transaction.atomic
def report_submit(*, report: Report, by: Person) -> Report:
    """Freeze the figures, title and narrative; tell the committee (in the app and by email)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _draft_only(report)
    today = timezone.localdate()
    if report.period_end >= today:
        raise ValidationError(
            _("The period ends on %(date)s: submit the report once it has ended, so that its figures are complete.")
            % {"date": long_date(report.period_end)}
        )
    if not report.narrative.strip():
        raise ValidationError(_("Write the narrative before submitting: the committee reads the figures with it."))
    # Overlapping reports were proven safe when created; the data may have changed since: prove it again.
    _check_period(report.programme, report_period(report), exclude=report.pk, creating=False)
    report.snapshot = report_snapshot(report)
    # The disclosure checker over the figures as they will be read: no hidden one may be worked out from them.
    if leaks := report_audit(report.snapshot):
        raise ValidationError(
            _("These figures would let a reader work out a hidden one, so the report was not submitted: %(leaks)s")
            % {"leaks": "; ".join(leaks)}
        )
    # And over every report of the programme read together (a quarter beside its half-year, the same table in two
    # reports): the snapshot was hidden further where needed; what still gives a hidden figure away is refused.
    if leaks := reports_audit(report.snapshot, _submitted(report.programme, exclude=report.pk)):
        raise ValidationError(
            _(
                "These figures, read with the programme's earlier reports, would let a reader work out a hidden one, "
                "so the report was not submitted: %(leaks)s"
            )
            % {"leaks": "; ".join(leaks)}
        )
    report.status = Report.Status.SUBMITTED
    report.submitted_by = by
    report.submitted_at = timezone.now()
    report.save(update_fields=["snapshot", "status", "submitted_by", "submitted_at"])
    audit_record(actor=by, action="report.submitted", obj=report, summary=f"Submitted “{report.title}”.")
    words = {"programme": report.programme, "title": report.title}
    for person in committee_of(report.programme_id):
        with in_language_of(person):  # each member is told in their own language
            notification_send(
                people=[person],
                text=_("%(programme)s: the report “%(title)s” was submitted for the committee's review.") % words,
                url=report.get_absolute_url(),
                email_subject=_("A report to review: %(title)s") % words,
            )
    return report


def _review(report: Report, by: Person) -> Report:
    """The report as a committee member acts on it: locked, reviewable, moved to "under review"."""
    report = Report.objects.select_for_update().select_related("programme").get(pk=report.pk)
    if report.status not in REVIEWABLE:
        if report.status == Report.Status.PUBLISHED:
            raise ValidationError(_("This report is published: it takes no more comments, decisions or sign-offs."))
        raise ValidationError(_("This report is not submitted yet: it takes no more comments, decisions or sign-offs."))
    if not report.programme.memberships.filter(person=by, role=Role.COMMITTEE).exists():
        raise ValidationError(_("Only the programme's committee members review its reports."))
    if report.status == Report.Status.SUBMITTED:
        report.status = Report.Status.UNDER_REVIEW
        report.save(update_fields=["status"])
    return report


def _tell_coordinators(report: Report, message: str, words: dict) -> None:
    """``message`` (marked with gettext_noop) told to each coordinator in their own language."""
    for person in coordinators_of(report.programme_id):
        with in_language_of(person):
            text = _(message) % {**words, "title": report.title}
            notification_send(people=[person], text=text, url=report.get_absolute_url(), email_subject=text)


@transaction.atomic
def report_comment(*, report: Report, by: Person, text: str) -> ReportComment:
    report = _review(report, by)
    comment = ReportComment(report=report, author=by, text=text.strip())
    comment.full_clean()
    comment.save()
    # The notice says who commented, never what: the coordinators read it on the report.
    _tell_coordinators(report, gettext_noop("%(name)s commented on the report “%(title)s”."), {"name": by})
    return comment


@transaction.atomic
def report_decision_record(
    *,
    report: Report,
    by: Person,
    kind: str,
    text: str,
    owner: Person | None = None,
    due_on: datetime.date | None = None,
) -> ReportDecision:
    """A decision needs an owner and a due date, so that the next report can show it followed through; a
    recommendation may have them."""
    report = _review(report, by)
    if kind == ReportDecision.Kind.DECISION:
        errors = {}
        if owner is None:
            errors["owner"] = _("Choose who owns the decision.")
        if due_on is None:
            errors["due_on"] = _("Give the date it is due.")
        if errors:
            raise ValidationError(errors)
    decision_owner_check(report.programme, owner)
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date has passed: choose today or a later day.")})
    decision = ReportDecision(report=report, author=by, kind=kind, text=text.strip(), owner=owner, due_on=due_on)
    decision.full_clean()
    decision.save()
    decision_tell_owner(decision)
    if decision.kind == ReportDecision.Kind.DECISION:
        message = gettext_noop("%(name)s recorded a decision on “%(title)s”.")
    else:
        message = gettext_noop("%(name)s recorded a recommendation on “%(title)s”.")
    _tell_coordinators(report, message, {"name": by})
    return decision


@transaction.atomic
def report_sign_off(*, report: Report, by: Person) -> ReportSignOff:
    report = _review(report, by)
    if report.sign_offs.filter(person=by).exists():
        raise ValidationError(_("You have already signed off this report."))
    sign_off = ReportSignOff.objects.create(report=report, person=by)
    audit_record(actor=by, action="report.signed_off", obj=report, summary=f"Signed off “{report.title}”.")
    _tell_coordinators(report, gettext_noop("%(name)s signed off the report “%(title)s”."), {"name": by})
    return sign_off


@transaction.atomic
def report_publish(*, report: Report, by: Person) -> Report:
    """Publish once at least one committee member has signed off (our rule: one is enough, more are welcome)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status not in REVIEWABLE:
        raise ValidationError(_("Only a submitted report can be published, and only once."))
    if not report.sign_offs.exists():
        raise ValidationError(_("A committee member must sign off the report before it is published."))
    report.status = Report.Status.PUBLISHED
    report.published_by = by
    report.published_at = timezone.now()
    report.save(update_fields=["status", "published_by", "published_at"])
    audit_record(actor=by, action="report.published", obj=report, summary=f"Published “{report.title}”.")
    words = {"programme": report.programme, "title": report.title}
    for person in committee_of(report.programme_id):
        with in_language_of(person):
            notification_send(
                people=[person],
                text=_("%(programme)s: the report “%(title)s” was published.") % words,
                url=report.get_absolute_url(),
            )
    return report
