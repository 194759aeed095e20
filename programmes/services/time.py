"""Protected time: each participant's hours a month for the programme, approved by their line manager.

Silence is never consent: an allocation stays pending until the person's own line manager decides. A
participant without a line manager on record stays pending too; the coordinator's time page flags it and
the coordinators are told, so that someone records a manager instead of the time being waved through.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.dates import long_date
from core.history import history_reckon_until

from ..models import Membership, Person, Programme, Role, TimeAllocation, TimeAllocationState
from .audit import audit_record
from .notifications import coordinators_of, notification_send

MAX_HOURS = Decimal("80")
TENTH = Decimal("0.1")


# --- Months ------------------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    """The first day of the month ``day`` falls in (a datetime is read in the local time zone)."""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day.replace(day=1)


def month_after(month: datetime.date) -> datetime.date:
    return (month_start(month) + datetime.timedelta(days=32)).replace(day=1)


def month_label(month: datetime.date) -> str:
    """ "November 2026", with the month's name in the active language."""
    return date_format(month, "YEAR_MONTH_FORMAT")


def default_hours(programme: Programme, role: str) -> Decimal:
    return programme.mentor_hours_per_month if role == Role.MENTOR else programme.mentee_hours_per_month


def active_line_manager(person: Person) -> Person | None:
    """The person's line manager, if one is on record and still active (callers select_related it)."""
    manager = person.line_manager
    return manager if manager is not None and manager.is_active else None


def _require_coordinator(programme: Programme, by: Person) -> None:
    if not Membership.objects.filter(programme=programme, person=by, role=Role.COORDINATOR).exists():
        raise ValidationError(
            _("Only the coordinators of %(programme)s can change its protected time.") % {"programme": programme}
        )


def _time_page(programme: Programme, month: datetime.date) -> str:
    return f"{reverse('programmes:time', args=[programme.pk])}?month={month:%Y-%m}"


# --- Creating a month's allocations -------------------------------------------------------------------------


@dataclass
class AllocationRun:
    """What one pass over a programme and month did: the allocations it created, and who has no manager."""

    programme: Programme
    month: datetime.date
    created: list[TimeAllocation] = field(default_factory=list)

    @property
    def without_line_manager(self) -> list[Person]:
        return [a.person for a in self.created if active_line_manager(a.person) is None]


def _check_month_fits(programme: Programme, month: datetime.date) -> None:
    # Approved participants need time before pairs meet too (orientation, training), and pairs still meet
    # while a programme closes; a draft has nobody in it and a closed programme is over.
    if programme.status in (Programme.Status.DRAFT, Programme.Status.CLOSED):
        raise ValidationError(
            _(
                "Protected time is allocated from the moment enrolment opens until a programme closes; "
                "%(programme)s is %(status)s."
            )
            % {"programme": programme, "status": programme.get_status_display().lower()}
        )
    if programme.starts_on and month_after(month) <= programme.starts_on:
        raise ValidationError(
            _("%(month)s is before %(programme)s starts (%(date)s).")
            % {"month": month_label(month), "programme": programme, "date": long_date(programme.starts_on)}
        )
    if programme.ends_on and month > programme.ends_on:
        raise ValidationError(
            _("%(month)s is after %(programme)s ends (%(date)s).")
            % {"month": month_label(month), "programme": programme, "date": long_date(programme.ends_on)}
        )


def _allocations_create_missing(*, programme: Programme, month: datetime.date) -> AllocationRun:
    """Create the month's missing allocations at the programme's defaults; existing rows stay as they are."""
    existing = TimeAllocation.objects.filter(programme=programme, month=month).values("person_id")
    memberships = (
        Membership.objects.participants()
        .filter(programme=programme, person__is_active=True)
        .exclude(person_id__in=existing)
        .only("person_id", "role")
    )
    # One stamp for the whole batch: with ignore_conflicts the database keeps whichever insert came first
    # when two runs race, and the stamp tells which rows this run actually created (and must announce).
    stamp = timezone.now()
    rows = [
        TimeAllocation(
            programme=programme,
            person_id=m.person_id,
            month=month,
            hours=default_hours(programme, m.role),
            created_at=stamp,
        )
        for m in memberships
    ]
    for row in rows:
        # The keys come from rows just read; checking them again would cost a query per participant.
        row.full_clean(exclude=["programme", "person"], validate_unique=False, validate_constraints=False)
    if not rows:
        return AllocationRun(programme=programme, month=month)
    TimeAllocation.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        TimeAllocation.objects.filter(programme=programme, month=month, created_at=stamp)
        .select_related("programme", "person__line_manager")
        .order_by("person__display_name")
    )
    return AllocationRun(programme=programme, month=month, created=created)


def _allocations_announce(created: list[TimeAllocation], *, by: Person | None = None) -> None:
    """Ask each line manager once for all their new allocations; tell coordinators who has no manager
    (except ``by``, the coordinator who pressed the button and sees it on the page)."""
    by_manager: dict[Person, list[TimeAllocation]] = defaultdict(list)
    unmanaged: dict[Programme, list[TimeAllocation]] = defaultdict(list)
    for allocation in created:
        manager = active_line_manager(allocation.person)
        if manager is None:
            unmanaged[allocation.programme].append(allocation)
        else:
            by_manager[manager].append(allocation)
    for manager, allocations in by_manager.items():
        notification_send(
            people=[manager],
            text=functools.partial(_approval_asked_text, allocations),
            url=reverse("programmes:team"),
            email_subject=gettext_lazy("Protected mentoring time waits for your approval"),
            email_body=functools.partial(_approval_asked_body, allocations),
        )
    for programme, allocations in unmanaged.items():
        month = allocations[0].month
        names = ", ".join(str(a.person) for a in allocations)
        notification_send(
            people=[c for c in coordinators_of(programme) if c != by],
            text=functools.partial(
                lambda values, month: (
                    _(
                        "No line manager on record for %(names)s in %(programme)s: nobody can approve their protected "
                        "time for %(month)s until one is recorded."
                    )
                    % (values | {"month": month_label(month)})
                ),
                {"names": names, "programme": programme},
                month,
            ),
            url=_time_page(programme, month),
        )


def _approval_asked_text(allocations: list[TimeAllocation]) -> str:
    months = ", ".join(sorted({month_label(a.month) for a in allocations}))
    return ngettext(
        "Protected time for %(count)s of your reports waits for your approval (%(months)s).",
        "Protected time for %(count)s of your reports waits for your approval (%(months)s).",
        len(allocations),
    ) % {"count": len(allocations), "months": months}


def _approval_asked_body(allocations: list[TimeAllocation]) -> str:
    lines = "\n".join(
        "- "
        + _("%(person)s: %(hours)s h a month in %(programme)s (%(month)s)")
        % {"person": a.person, "hours": number_format(a.hours), "programme": a.programme, "month": month_label(a.month)}
        for a in allocations
    )
    return _(
        "The mentoring programme asks you to approve protected time for your reports:\n\n%(lines)s\n\n"
        "Approve or decline it on your My team page. Until you decide, the time is not approved."
    ) % {"lines": lines}


@transaction.atomic
def allocations_ensure_month(*, programme: Programme, month: datetime.date, by: Person | None = None) -> AllocationRun:
    """Give every current participant of a running programme an allocation for ``month`` (idempotent).

    ``by`` is the coordinator who asked; ``None`` when the monthly task runs it.
    """
    month = month_start(month)
    if by is not None:
        _require_coordinator(programme, by)
    _check_month_fits(programme, month)
    run = _allocations_create_missing(programme=programme, month=month)
    _allocations_announce(run.created, by=by)
    return run


@transaction.atomic
def allocations_ensure_running(*, today: datetime.date | None = None) -> list[AllocationRun]:
    """The monthly sweep: this month's allocations for every running programme whose dates cover it.

    Safe to run every day: only allocations this run creates are announced, so each line manager hears once
    about a month's time (and again only when someone joins later in the month).
    """
    month = month_start(today or timezone.localdate())
    programmes = Programme.objects.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lt=month_after(month)),
        Q(ends_on__isnull=True) | Q(ends_on__gte=month),
        status=Programme.Status.RUNNING,
    ).order_by("pk")
    runs = [_allocations_create_missing(programme=programme, month=month) for programme in programmes]
    _allocations_announce([allocation for run in runs for allocation in run.created])
    return runs


# --- Changing one allocation ---------------------------------------------------------------------------------


def _clean_hours(hours: Decimal | int | str) -> Decimal:
    try:
        value = Decimal(str(hours).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter the hours as a number, e.g. 2.5.")) from None
    if not value.is_finite() or value < 0 or value > MAX_HOURS:
        raise ValidationError(_("Protected time is between 0 and %(max)s hours a month.") % {"max": MAX_HOURS})
    if value != value.quantize(TENTH):
        raise ValidationError(_("Use at most one decimal for the hours, e.g. 2.5."))
    return value.quantize(TENTH)


def _lock(allocation: TimeAllocation) -> TimeAllocation:
    return (
        TimeAllocation.objects.select_for_update(of=("self",))
        .select_related("programme", "person__line_manager")
        .get(pk=allocation.pk)
    )


def _history_start(allocation: TimeAllocation) -> None:
    """Before an allocation's first change, its history gets what it was until then (the report of a period that
    ended before reads it): waiting from its creation, and its decision if it had one."""
    if allocation.states.exists():
        return
    rows = [TimeAllocationState(allocation=allocation, status=TimeAllocation.Status.PENDING, hours=allocation.hours)]
    rows[0].since = allocation.created_at
    if allocation.status != TimeAllocation.Status.PENDING:
        rows.append(
            TimeAllocationState(
                allocation=allocation,
                status=allocation.status,
                hours=allocation.hours,
                since=allocation.decided_at or allocation.created_at,
            )
        )
    TimeAllocationState.objects.bulk_create(rows)


def _history_add(allocation: TimeAllocation, since: datetime.datetime) -> None:
    """The allocation's status and hours from ``since`` on; the row it follows ends there (``until``)."""
    TimeAllocationState.objects.create(
        allocation=allocation, status=allocation.status, hours=allocation.hours, since=since
    )
    history_reckon_until(TimeAllocationState.objects.filter(allocation=allocation))


@transaction.atomic
def allocation_adjust(*, allocation: TimeAllocation, hours: Decimal | int | str, by: Person) -> TimeAllocation:
    """A coordinator changes a person's hours for one month.

    A decided allocation whose hours change goes back to the line manager: approving 2 hours is not
    approving 6. The manager is told; an allocation that was already waiting needs no second message.
    """
    allocation = _lock(allocation)
    _require_coordinator(allocation.programme, by)
    hours = _clean_hours(hours)
    if hours == allocation.hours:
        return allocation
    _history_start(allocation)
    previous = allocation.hours
    reopened = allocation.status != TimeAllocation.Status.PENDING
    allocation.hours = hours
    if reopened:
        allocation.status = TimeAllocation.Status.PENDING
        allocation.decided_by = None
        allocation.decided_at = None
        allocation.decline_reason = ""
    allocation.full_clean()
    allocation.save()
    _history_add(allocation, timezone.now())
    audit_record(
        actor=by,
        action="allocation.adjusted",
        obj=allocation,
        subject=allocation.person,
        summary=f"{previous} h → {hours} h for {month_label(allocation.month)}.",
    )
    manager = active_line_manager(allocation.person)
    if reopened and manager is not None:
        notification_send(
            people=[manager],
            text=lambda: (
                _(
                    "%(person)s's protected time in %(programme)s for %(month)s changed from %(before)s h to "
                    "%(after)s h and waits for your approval again."
                )
                % {
                    "person": allocation.person,
                    "programme": allocation.programme,
                    "month": month_label(allocation.month),
                    "before": number_format(previous),
                    "after": number_format(hours),
                }
            ),
            url=reverse("programmes:team"),
            email_subject=gettext_lazy("Changed protected time waits for your approval"),
        )
    return allocation


@transaction.atomic
def allocation_decide(*, allocation: TimeAllocation, by: Person, approve: bool, reason: str = "") -> TimeAllocation:
    """The person's own line manager approves or declines a pending allocation; a decline says why."""
    allocation = _lock(allocation)
    person = allocation.person
    if person.line_manager_id != by.pk or not by.is_active:
        raise ValidationError(
            _("Only %(person)s's line manager can approve or decline their protected time.") % {"person": person}
        )
    if allocation.status != TimeAllocation.Status.PENDING:
        raise ValidationError(
            _(
                "%(person)s's time for %(month)s is already %(status)s. If it needs another look, the coordinator "
                "can change the hours, which asks you again."
            )
            % {
                "person": person,
                "month": month_label(allocation.month),
                "status": allocation.get_status_display().lower(),
            }
        )
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(
            _("Say why you decline, so that %(person)s and the coordinator know what would work.") % {"person": person}
        )
    _history_start(allocation)
    allocation.status = TimeAllocation.Status.APPROVED if approve else TimeAllocation.Status.DECLINED
    allocation.decided_by = by
    allocation.decided_at = timezone.now()
    allocation.decline_reason = "" if approve else reason
    allocation.full_clean()
    allocation.save()
    _history_add(allocation, allocation.decided_at)
    audit_record(
        actor=by,
        action="allocation.decided",
        obj=allocation,
        subject=person,
        summary=f"{allocation.get_status_display()} for {month_label(allocation.month)}.",
    )
    if approve:
        said = gettext_lazy(
            "%(by)s approved %(person)s's %(hours)s h of protected time in %(programme)s for %(month)s."
        )
        subject = gettext_lazy("Protected time approved")
    else:
        said = gettext_lazy(
            "%(by)s declined %(person)s's %(hours)s h of protected time in %(programme)s for %(month)s."
        )
        subject = gettext_lazy("Protected time declined")

    def text() -> str:
        return said % {
            "by": by,
            "person": person,
            "hours": number_format(allocation.hours),
            "programme": allocation.programme,
            "month": month_label(allocation.month),
        }

    def body() -> str:
        return text() if approve else text() + "\n\n" + _("Their reason: %(reason)s") % {"reason": reason}

    notification_send(
        people=[person], text=text, url=allocation.programme.get_absolute_url(), email_subject=subject, email_body=body
    )
    notification_send(
        people=[c for c in coordinators_of(allocation.programme) if c != person],
        text=text,
        url=_time_page(allocation.programme, allocation.month),
        email_subject=subject,
        email_body=body,
    )
    return allocation
