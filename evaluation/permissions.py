"""Access to committee reports: only a programme's committee members; they see aggregates only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from programmes.models import Membership, Person, Programme, Role
from programmes.permissions import get_programme_for

from .models import Report


def get_report_programme_for(person: Person, pk: int) -> Programme:
    programme = get_programme_for(person, pk)  # not a member at all: 404
    if Role.COMMITTEE not in programme.my_roles:
        raise PermissionDenied("Only the programme's committee members see its reports.")
    return programme


# --- Committee reports (issue 6, point 5) ---------------------------------------------------------------------
# A report is seen by the programme's coordinators (from its draft on) and by its committee members (once it is
# submitted: a draft is a 404 to them). Everyone else never learns it exists.


def _holds(person: Person, role: str) -> Exists:
    return Exists(Membership.objects.filter(programme=OuterRef("programme"), person=person, role=role))


def reports_visible_to(person: Person) -> QuerySet[Report]:
    if not person.is_authenticated:
        return Report.objects.none()
    committee = Q(_holds(person, Role.COMMITTEE)) & ~Q(status=Report.Status.DRAFT)
    return Report.objects.filter(Q(_holds(person, Role.COORDINATOR)) | committee)


def get_report_for(person: Person, pk: int, *, as_: str | None = None) -> Report:
    """A report the person may see (else 404), with ``report.viewer``: {"coordinator", "committee"}.

    ``as_`` requires one of those capacities (else 403): coordinators edit, submit and publish; committee members
    comment, decide and sign off.
    """
    report = get_object_or_404(
        reports_visible_to(person)
        .select_related("programme")
        .annotate(by_coordinator=_holds(person, Role.COORDINATOR), by_committee=_holds(person, Role.COMMITTEE)),
        pk=pk,
    )
    report.viewer = {name for name, held in (("coordinator", report.by_coordinator), ("committee", report.by_committee))
                     if held}  # fmt: skip
    if report.status == Report.Status.DRAFT:
        report.viewer.discard("committee")
    if as_ and as_ not in report.viewer:
        raise PermissionDenied("Your role in this programme does not do this with its reports.")
    return report
