"""Learning opportunities: publishing what the workplace offers, asking for it, the line manager's approval of
the time, and the host's word that it happened.

The approval follows protected time's rule: silence is never consent, and the person's own line manager decides.
Somebody with no line manager on record is decided by the coordinators of the programme whose time it uses (the
"no_manager" case of the time page), so a request never waits for nobody. Places are held by approved and
taken-up requests; approving locks the opportunity's row, so two managers approving at once cannot overfill it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import long_date

from ..models import (
    Membership,
    Opportunity,
    OpportunityRequest,
    OrgUnit,
    Person,
    Programme,
    Role,
    TrainingRecord,
)
from .audit import audit_record
from .notifications import coordinators_of, notification_send
from .time import active_line_manager
from .training import months_after

# A request uses the protected time of a programme that gives time: from enrolment to its close.
TIME_STATUSES = (
    Programme.Status.RECRUITING,
    Programme.Status.MATCHING,
    Programme.Status.RUNNING,
    Programme.Status.CLOSING,
)
FIELDS = ("kind", "title", "description", "host", "org_unit", "starts_on", "ends_on", "places", "hours", "course")


# --- Who may publish --------------------------------------------------------------------------------------


def is_coordinator(person: Person) -> bool:
    return Membership.objects.filter(person=person, role=Role.COORDINATOR).exists()


def teams_of_manager(person: Person) -> list[int]:
    """The teams a line manager may publish for: their own and their active reports' teams."""
    units = set(Person.objects.reports_of(person).exclude(org_unit=None).values_list("org_unit_id", flat=True))
    if person.org_unit_id:
        units.add(person.org_unit_id)
    return sorted(units)


def can_publish(person: Person) -> bool:
    return is_coordinator(person) or Person.objects.reports_of(person).exists()


def can_manage(person: Person, opportunity: Opportunity) -> bool:
    """The person who published it, and any coordinator (opportunities are the organisation's)."""
    return opportunity.published_by_id == person.pk or is_coordinator(person)


def _check_data(data: dict[str, Any], *, by: Person) -> None:
    if data.get("kind") != Opportunity.Kind.COURSE:
        data["course"] = None
    elif data.get("course") is None:
        raise ValidationError({"course": _("Choose the course from the catalogue that this opportunity offers.")})
    host = data.get("host")
    if host is not None and not host.is_active:
        raise ValidationError({"host": _("The host must be somebody who still works here.")})
    unit: OrgUnit | None = data.get("org_unit")
    if unit is not None and not is_coordinator(by) and unit.pk not in teams_of_manager(by):
        raise ValidationError(
            {"org_unit": _("As a line manager you publish for your own team or your reports' teams.")}
        )
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})


@transaction.atomic
def opportunity_publish(*, by: Person, data: dict[str, Any]) -> Opportunity:
    """A line manager (for their team) or a coordinator publishes an opportunity, open from now on."""
    if not can_publish(by):
        raise ValidationError(_("Only line managers and coordinators publish learning opportunities."))
    data = dict(data)
    skills = data.pop("skills", [])
    _check_data(data, by=by)
    opportunity = Opportunity(**{key: data.get(key) for key in FIELDS if key in data}, published_by=by)
    opportunity.full_clean()
    opportunity.save()
    opportunity.skills.set(skills)
    audit_record(actor=by, action="opportunity.published", obj=opportunity, summary=opportunity.title[:200])
    return opportunity


@transaction.atomic
def opportunity_edit(*, opportunity: Opportunity, by: Person, data: dict[str, Any]) -> Opportunity:
    """Change an opportunity; its places never drop below the places already held."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not can_manage(by, opportunity):
        raise ValidationError(_("Only the person who published it or a coordinator can change this opportunity."))
    data = dict(data)
    skills = data.pop("skills", None)
    _check_data(data, by=by)
    host = data.get("host")
    if (
        host is not None
        and host.pk != opportunity.host_id
        and opportunity.requests.filter(person=host, status__in=OpportunityRequest.OPEN).exists()
    ):
        # The host confirms that a request happened: never somebody's own.
        raise ValidationError(
            {"host": _("%(person)s has asked for this opportunity, so cannot host it.") % {"person": host}}
        )
    held = opportunity.requests.holding_a_place().count()
    if data.get("places") is not None and data["places"] < held:
        raise ValidationError({"places": _("%(count)s places are already taken or approved.") % {"count": held}})
    changed = [key for key in FIELDS if key in data and getattr(opportunity, key) != data[key]]
    for key in changed:
        setattr(opportunity, key, data[key])
    opportunity.full_clean()
    opportunity.save()
    if skills is not None and {s.pk for s in skills} != set(opportunity.skills.values_list("pk", flat=True)):
        opportunity.skills.set(skills)
        changed.append("skills")
    if changed:
        audit_record(actor=by, action="opportunity.edited", obj=opportunity, summary=", ".join(changed))
    return opportunity


@transaction.atomic
def opportunity_close(*, opportunity: Opportunity, by: Person) -> Opportunity:
    """Nobody can ask for a closed opportunity; requests already made keep their course."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not can_manage(by, opportunity):
        raise ValidationError(_("Only the person who published it or a coordinator can close this opportunity."))
    if opportunity.status == Opportunity.Status.CLOSED:
        return opportunity
    opportunity.status = Opportunity.Status.CLOSED
    opportunity.closed_at = timezone.now()
    opportunity.save(update_fields=["status", "closed_at"])
    audit_record(actor=by, action="opportunity.closed", obj=opportunity, summary=opportunity.title[:200])
    return opportunity


# --- Asking for one ---------------------------------------------------------------------------------------


def programmes_for_request(person: Person) -> list[Programme]:
    """The programmes whose protected time a request of the person may use: those they are a mentor or a
    mentee in, while the programme gives time."""
    return list(
        Programme.objects.filter(
            memberships__person=person, memberships__role__in=(Role.MENTOR, Role.MENTEE), status__in=TIME_STATUSES
        )
        .distinct()
        .order_by("name")
    )


def deciders_of(request: OpportunityRequest) -> list[Person]:
    """Who decides a request: the person's line manager, else the programme's coordinators."""
    manager = active_line_manager(request.person)
    if manager is not None:
        return [manager]
    return [c for c in coordinators_of(request.programme) if c != request.person]


def may_decide(person: Person, request: OpportunityRequest) -> bool:
    manager = active_line_manager(request.person)
    if manager is not None:
        return manager.pk == person.pk and person.is_active
    return (
        person.pk != request.person_id
        and Membership.objects.filter(programme=request.programme_id, person=person, role=Role.COORDINATOR).exists()
    )


def _hours(value: Any) -> str:
    return number_format(value)


@transaction.atomic
def opportunity_request(
    *,
    opportunity: Opportunity,
    person: Person,
    programme: Programme,
    pairing_id: int | None = None,
    suggested_by_mentor: bool = False,
) -> OpportunityRequest:
    """A person asks to take up an opportunity with the protected time of one of their programmes."""
    opportunity = Opportunity.objects.select_for_update().select_related("host").get(pk=opportunity.pk)
    if opportunity.status != Opportunity.Status.OPEN:
        raise ValidationError(_("This opportunity is closed: nobody can ask for it any more."))
    if opportunity.host_id == person.pk:
        raise ValidationError(_("You host this opportunity, so you cannot ask for it."))
    if opportunity.ends_on and opportunity.ends_on < timezone.localdate():
        raise ValidationError(_("This opportunity ended on %(date)s.") % {"date": long_date(opportunity.ends_on)})
    if programme.pk not in {p.pk for p in programmes_for_request(person)}:
        raise ValidationError(
            _("Choose a programme you take part in as a mentor or mentee, whose protected time this uses.")
        )
    if OpportunityRequest.objects.filter(
        opportunity=opportunity, person=person, status__in=OpportunityRequest.OPEN
    ).exists():
        raise ValidationError(_("You have already asked for this opportunity."))
    if opportunity.requests.holding_a_place().count() >= opportunity.places:
        raise ValidationError(_("All places of this opportunity are taken."))
    request = OpportunityRequest(
        opportunity=opportunity,
        person=person,
        programme=programme,
        pairing_id=pairing_id,
        suggested_by_mentor=bool(suggested_by_mentor and pairing_id),
        hours=opportunity.hours,
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=person,
        action="opportunity.requested",
        obj=request,
        subject=person,
        summary=f"{opportunity.title[:150]} ({request.hours} h).",
    )
    manager = active_line_manager(person)
    notification_send(
        people=deciders_of(request),
        text=lambda: (
            _("%(person)s asks for %(hours)s h of protected time to take up “%(title)s”.")
            % {"person": person, "hours": _hours(request.hours), "title": opportunity.title}
        ),
        url=reverse("programmes:team") if manager is not None else reverse("programmes:opportunity_decisions"),
        email_subject=gettext_lazy("A learning opportunity waits for your approval"),
        email_body=lambda: (
            _(
                "%(person)s asks to take up “%(title)s” (hosted by %(host)s), using %(hours)s h of their protected "
                "time in %(programme)s.\n\nApprove or decline it in Tandem. Until you decide, it is not approved."
            )
            % {
                "person": person,
                "title": opportunity.title,
                "host": opportunity.host,
                "hours": _hours(request.hours),
                "programme": programme,
            }
        ),
    )
    return request


def _lock_request(request: OpportunityRequest) -> OpportunityRequest:
    # The opportunity first, always in this order, so that deciding and confirming cannot deadlock.
    Opportunity.objects.select_for_update().filter(pk=request.opportunity_id).first()
    return (
        OpportunityRequest.objects.select_for_update(of=("self",))
        .select_related("opportunity__host", "opportunity__course", "person__line_manager", "programme")
        .get(pk=request.pk)
    )


@transaction.atomic
def opportunity_request_withdraw(*, request: OpportunityRequest, by: Person) -> OpportunityRequest:
    """The person takes back a request nobody has decided yet."""
    request = _lock_request(request)
    if request.person_id != by.pk:
        raise ValidationError(_("Only the person who asked can withdraw this request."))
    if request.status != OpportunityRequest.Status.REQUESTED:
        raise ValidationError(_("Only a request still waiting for a decision can be withdrawn."))
    request.status = OpportunityRequest.Status.WITHDRAWN
    request.save(update_fields=["status"])
    audit_record(
        actor=by, action="opportunity.withdrawn", obj=request, subject=by, summary=request.opportunity.title[:200]
    )
    return request


@transaction.atomic
def opportunity_request_decide(
    *, request: OpportunityRequest, by: Person, approve: bool, reason: str = ""
) -> OpportunityRequest:
    """The person's line manager (or, with none on record, a coordinator of the programme) approves the time or
    declines it with a reason. An approval takes a place; a full opportunity cannot be approved."""
    request = _lock_request(request)
    person, opportunity = request.person, request.opportunity
    if not may_decide(by, request):
        raise ValidationError(
            _("Only %(person)s's line manager (or, with none on record, the coordinators) can decide this request.")
            % {"person": person}
        )
    if request.status != OpportunityRequest.Status.REQUESTED:
        raise ValidationError(
            _("This request is already %(status)s.") % {"status": request.get_status_display().lower()}
        )
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(_("Say why you decline, so that %(person)s knows what would work.") % {"person": person})
    if approve and opportunity.requests.holding_a_place().count() >= opportunity.places:
        raise ValidationError(_("All places of “%(title)s” are taken.") % {"title": opportunity.title})
    request.status = OpportunityRequest.Status.APPROVED if approve else OpportunityRequest.Status.DECLINED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decline_reason = "" if approve else reason[:1000]
    request.full_clean()
    request.save()
    audit_record(
        actor=by,
        action="opportunity.decided",
        obj=request,
        subject=person,
        summary=f"{request.get_status_display()}: {opportunity.title[:150]}.",
    )
    values = {"by": by, "title": opportunity.title, "hours": _hours(request.hours), "host": opportunity.host}
    if approve:
        said = gettext_lazy("%(by)s approved your %(hours)s h for “%(title)s”. %(host)s hosts it.")
        subject = gettext_lazy("Your learning opportunity is approved")
    else:
        said = gettext_lazy("%(by)s declined your %(hours)s h for “%(title)s”.")
        subject = gettext_lazy("Your learning opportunity was declined")
    notification_send(
        people=[person],
        text=lambda: said % values,
        url=reverse("programmes:opportunity_requests_mine"),
        email_subject=subject,
        email_body=lambda: (
            str(said % values)
            if approve
            else str(said % values) + "\n\n" + _("Their reason: %(reason)s") % {"reason": reason}
        ),
    )
    if approve:
        notification_send(
            people=[opportunity.host],
            text=lambda: (
                _("%(person)s will take up “%(title)s”, which you host.")
                % {"person": person, "title": opportunity.title}
            ),
            url=reverse("programmes:opportunities_hosted"),
            email_subject=gettext_lazy("Someone will take up the opportunity you host"),
            email_body=lambda: (
                _(
                    "%(person)s's time for “%(title)s” is approved. Once it has happened, confirm it in Tandem "
                    "(Opportunities you host), so that it counts in their learning record."
                )
                % {"person": person, "title": opportunity.title}
            ),
        )
    return request


@transaction.atomic
def opportunity_request_confirm(
    *, request: OpportunityRequest, by: Person, happened: bool, happened_on: datetime.date | None = None
) -> OpportunityRequest:
    """The host says whether an approved request happened, and when. A course taken up this way is also a
    completed training record of the person (its hours count once, as the opportunity's)."""
    request = _lock_request(request)
    opportunity = request.opportunity
    if opportunity.host_id != by.pk:
        raise ValidationError(_("Only the host of this opportunity can confirm it happened."))
    if request.person_id == by.pk:
        raise ValidationError(_("Nobody confirms their own request: the host of this opportunity has changed."))
    if request.status != OpportunityRequest.Status.APPROVED:
        raise ValidationError(_("Only an approved request can be confirmed."))
    today = timezone.localdate()
    if happened:
        if happened_on is None:
            raise ValidationError({"happened_on": _("Enter the date it happened.")})
        if happened_on > today:
            raise ValidationError({"happened_on": _("The date it happened cannot be in the future.")})
        if happened_on < request.created_at.date() - datetime.timedelta(days=366):
            raise ValidationError({"happened_on": _("That date is more than a year before the request.")})
    request.status = OpportunityRequest.Status.TAKEN_UP if happened else OpportunityRequest.Status.NOT_HAPPENED
    request.happened_on = happened_on if happened else None
    request.confirmed_by = by
    request.confirmed_at = timezone.now()
    if happened and opportunity.kind == Opportunity.Kind.COURSE and opportunity.course_id:
        record = TrainingRecord(
            person=request.person,
            course=opportunity.course,
            status=TrainingRecord.Status.COMPLETED,
            completed_on=happened_on,
            hours=request.hours,
            verified_by=by,
            verified_at=request.confirmed_at,
        )
        if opportunity.course.validity_months:
            record.expires_on = months_after(happened_on, opportunity.course.validity_months)
        record.full_clean()
        record.save()
        request.training_record = record
    request.full_clean()
    request.save()
    audit_record(
        actor=by,
        action="opportunity.confirmed",
        obj=request,
        subject=request.person,
        summary=f"{request.get_status_display()}: {opportunity.title[:150]}.",
    )
    if happened:
        values = {"title": opportunity.title, "hours": _hours(request.hours), "host": by}
        notification_send(
            people=[request.person],
            text=lambda: (
                _("%(host)s confirmed that you took up “%(title)s”: %(hours)s h in your learning record.") % values
            ),
            url=reverse("programmes:my_training"),
            email_subject=gettext_lazy("Your learning opportunity is in your learning record"),
            email_body=lambda: (
                _(
                    "%(host)s confirmed that you took up “%(title)s”. Its %(hours)s h count as protected time "
                    "used and appear in your learning record."
                )
                % values
            ),
        )
    return request


@transaction.atomic
def opportunity_requests_of_leavers_withdraw(*, person_ids: list[int], by: Person | None) -> int:
    """People who left take up nothing: their requests still waiting or approved are withdrawn, so that they
    hold no place, and the opportunities they host close (programmes.services.leavers, when they leave).
    Idempotent. Returns how many requests were withdrawn."""
    requests = list(
        OpportunityRequest.objects.select_for_update()
        .filter(person_id__in=person_ids, status__in=OpportunityRequest.OPEN)
        .select_related("opportunity")
        .order_by("pk")
    )
    for request in requests:
        request.status = OpportunityRequest.Status.WITHDRAWN
        request.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="opportunity.withdrawn",
            obj=request,
            subject=request.person,
            summary=f"Left the organisation: {request.opportunity.title[:150]}.",
        )
    # Nobody can ask for what nobody will host: the leavers' open opportunities close (approved requests keep
    # their course; a coordinator sees them on the opportunity's page).
    hosted = Opportunity.objects.filter(host_id__in=person_ids, status=Opportunity.Status.OPEN)
    for opportunity in hosted.select_for_update().order_by("pk"):
        opportunity.status, opportunity.closed_at = Opportunity.Status.CLOSED, timezone.now()
        opportunity.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=by, action="opportunity.closed", obj=opportunity, summary=f"Host left: {opportunity.title[:150]}."
        )
    return len(requests)


def hours_of(requests: list[OpportunityRequest]) -> Decimal:
    return sum((r.hours for r in requests), Decimal("0"))
