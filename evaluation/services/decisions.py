"""Committee decisions followed through: evaluate, intervene, correct as one loop the committee sees closing.

A decision recorded on a report has an owner (a coordinator of the programme, or a line manager of one of its
participants), a due date and a status (open, in progress, done, dropped). The owner, or any of the programme's
coordinators, keeps the status and "what was done" up to date; each change is kept in ``ReportDecisionUpdate``.
The programme's next report lists every decision of its earlier reports that was still open when its period
started or was closed during it (``decisions_followed``); submitting freezes that list with the other figures.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import short_date
from core.i18n import in_language_of
from programmes.models import PARTICIPANT_ROLES, Person, Programme, Role
from programmes.services.notifications import notification_send

from ..models import Report, ReportDecision, ReportDecisionUpdate


def decision_owners(programme: Programme | int) -> QuerySet[Person]:
    """Who may own a decision on the programme's reports: its active coordinators and the line managers of its
    participants (one query when evaluated)."""
    coordinators = Q(memberships__programme=programme, memberships__role=Role.COORDINATOR)
    managers = Q(reports__memberships__programme=programme, reports__memberships__role__in=PARTICIPANT_ROLES)
    ids = Person.objects.filter(coordinators | managers).values("pk")
    return Person.objects.filter(is_active=True, pk__in=ids).order_by("display_name", "email")


def decision_owner_check(programme: Programme | int, owner: Person | None) -> None:
    if owner is not None and not decision_owners(programme).filter(pk=owner.pk).exists():
        raise ValidationError(
            {
                "owner": _(
                    "Choose a coordinator of the programme or a line manager of one of its participants as the owner."
                )
            }
        )


def decision_can_update(decision: ReportDecision, person: Person) -> bool:
    """The owner and the programme's coordinators keep a decision's status up to date."""
    if decision.owner_id == person.pk:
        return True
    return decision.report.programme.memberships.filter(person=person, role=Role.COORDINATOR).exists()


def decision_tell_owner(decision: ReportDecision) -> None:
    """The owner learns the decision is theirs, in their own language (the notification and an email)."""
    owner = decision.owner
    if owner is None or not owner.is_active:
        return
    with in_language_of(owner):
        words = {"title": decision.report.title, "programme": decision.report.programme}
        text = _("%(programme)s: the committee made you the owner of a decision on “%(title)s”.") % words
        notification_send(
            people=[owner],
            text=text,
            url=decision.get_absolute_url(),
            email_subject=_("A committee decision for you: %(title)s") % words,
        )


@transaction.atomic
def decision_update(*, decision: ReportDecision, by: Person, status: str, outcome: str) -> ReportDecision:
    """Change a decision's status and what was done (the owner's words); unchanged input writes nothing."""
    decision = ReportDecision.objects.select_for_update().select_related("report__programme").get(pk=decision.pk)
    if not decision_can_update(decision, by):
        raise PermissionDenied(_("Only the decision's owner and the programme's coordinators update it."))
    if decision.kind != ReportDecision.Kind.DECISION and decision.owner_id is None:
        raise ValidationError(_("This recommendation has no owner to follow it through."))
    # A browser sends a textarea's line breaks as CRLF: the same words saved again are no change.
    outcome = (outcome or "").replace("\r\n", "\n").strip()
    if status == decision.status and outcome == decision.outcome.replace("\r\n", "\n"):
        return decision
    if status not in ReportDecision.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses offered.")})
    if status in ReportDecision.CLOSED and not outcome:
        raise ValidationError({"outcome": _("Say what was done (or why it was dropped) before closing the decision.")})
    was_closed = decision.status in ReportDecision.CLOSED
    decision.status = status
    decision.outcome = outcome
    if status in ReportDecision.CLOSED:
        decision.closed_on = decision.closed_on if was_closed else timezone.localdate()
    else:
        decision.closed_on = None
    decision.updated_at = timezone.now()
    decision.updated_by = by
    decision.full_clean()
    decision.save(update_fields=["status", "outcome", "closed_on", "updated_at", "updated_by"])
    ReportDecisionUpdate.objects.create(
        decision=decision, by=by, at=decision.updated_at, status=status, outcome=outcome
    )
    return decision


def decisions_followed(report: Report, *, today: datetime.date | None = None) -> dict:
    """The decisions of the programme's earlier reports that the report follows up: still open when its period
    started, or closed during it or since (the list freezes at submit). As data for the snapshot: the names and
    words as they stand, the status as a value (worded when read), overdue as of ``as_of``. One query."""
    today = today or timezone.localdate()
    decisions = (
        ReportDecision.objects.filter(
            report__programme_id=report.programme_id,
            report__period_start__lt=report.period_start,
            kind=ReportDecision.Kind.DECISION,
        )
        .exclude(report=report)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=report.period_start))
        .select_related("report", "owner")
        .order_by("report__period_start", "created_at", "pk")
    )
    items = [
        {
            "id": d.pk,
            "report": d.report.title,
            "text": d.text,
            "owner": str(d.owner) if d.owner else "",
            "due_on": d.due_on.isoformat() if d.due_on else None,
            "status": d.status,
            "outcome": d.outcome,
            "closed_on": d.closed_on.isoformat() if d.closed_on else None,
            "overdue": d.is_overdue(today),
        }
        for d in decisions
    ]
    return {"as_of": today.isoformat(), "items": items}


def decisions_followed_present(block: dict | None) -> dict | None:
    """The followed-up decisions as the page and the exports show them, worded in the reader's language;
    ``None`` for a report frozen before decisions were followed (it reads as it always did)."""
    if block is None:
        return None
    items = []
    for item in block["items"]:
        due = datetime.date.fromisoformat(item["due_on"]) if item["due_on"] else None
        closed = datetime.date.fromisoformat(item["closed_on"]) if item["closed_on"] else None
        items.append(
            {
                **item,
                "status_label": str(ReportDecision.Status(item["status"]).label),
                "due_text": short_date(due) if due else "–",
                "closed_text": short_date(closed) if closed else "",
                "overdue_text": _("overdue") if item["overdue"] else "",
                "owner_text": item["owner"] or _("no owner"),
            }
        )
    done = sum(1 for i in items if i["status"] == ReportDecision.Status.DONE)
    summary = (
        ngettext(
            "%(done)s of %(count)s earlier decision done.",
            "%(done)s of %(count)s earlier decisions done.",
            len(items),
        )
        % {"done": done, "count": len(items)}
        if items
        else _("No earlier decision was open during the period.")
    )
    as_of = datetime.date.fromisoformat(block["as_of"])
    return {"items": items, "summary": summary, "as_of_text": short_date(as_of)}


def decisions_followed_rows(followed: dict | None) -> list[list[str]]:
    """The table the PDF prints and the CSV lists (a header, then one row per decision)."""
    if not followed:
        return []
    header = [_("Report"), _("Decision"), _("Owner"), _("Due"), _("Status"), _("What was done")]
    rows = [
        [
            i["report"],
            i["text"],
            i["owner_text"],
            i["due_text"],
            f"{i['status_label']} ({i['overdue_text']})" if i["overdue"] else i["status_label"],
            i["outcome"],
        ]
        for i in followed["items"]
    ]
    return [header, *rows]
