"""People who leave the organisation: deactivated, or no longer in the HR file.

Matching never proposes them (``mentoring.selectors.cohort.cohort_load`` leaves them out); here their open applications
(applied, wait-listed or approved) are withdrawn, and each programme's coordinators are told, once per programme,
so that they can look after any pairing the person still has.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import Application, Person
from .audit import audit_record
from .notifications import coordinators_of, notification_send

NAMES_IN_NOTICE = 3


def _names(people: list[str]) -> str:
    shown = people[:NAMES_IN_NOTICE]
    rest = len(people) - len(shown)
    if rest:
        return f"{', '.join(shown)} and {rest} other{'s' if rest != 1 else ''}"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


@transaction.atomic
def leavers_applications_withdraw(*, person_ids: Iterable[int], why: str) -> list[Application]:
    """Withdraw every open application of these people and tell each programme's coordinators (one notice per
    programme, however many leave). ``why`` finishes "… have left the organisation (…)", e.g. "deactivated"
    or "no longer in the HR file". Returns the applications withdrawn."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return []
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(person_id__in=ids, status__in=Application.OPEN)
        .select_related("person", "programme")
        .order_by("programme_id", "person__display_name", "pk")
    )
    if not applications:
        return []
    now = timezone.now()
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(
        status=Application.Status.WITHDRAWN, updated_at=now
    )
    by_programme: dict[int, list[Application]] = {}
    for application in applications:
        application.status, application.updated_at = Application.Status.WITHDRAWN, now
        by_programme.setdefault(application.programme_id, []).append(application)
    for group in by_programme.values():
        programme = group[0].programme
        names = _names([str(a.person) for a in group])
        one = len(group) == 1
        notification_send(
            people=coordinators_of(programme),
            text=(
                f"{names} {'has' if one else 'have'} left the organisation ({why}): "
                f"{'their application' if one else 'their applications'} to {programme.name} "
                f"{'is' if one else 'are'} withdrawn and they will not be matched. Check any pairing they had."
            ),
            url=group[0].get_absolute_url() if one else reverse("programmes:applications", args=[programme.pk]),
        )
    return applications


@transaction.atomic
def person_deactivate(*, person: Person, by: Person | None, source: str = "admin") -> Person:
    """Deactivate someone who has left: they can no longer log in, are never matched, and their open
    applications are withdrawn with a notice to the coordinators. Deactivating twice changes nothing."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
        audit_record(actor=by, action="person.deactivated", obj=person, subject=person, summary="Deactivated.")
    leavers_applications_withdraw(person_ids=[person.pk], why="deactivated")
    return person


# The one way in for every source of leavers and movers (the Django admin, the HR file upload and nightly sync,
# SCIM, an administrator's page): ``source`` is "admin", "hr_file" or "scim", and goes into the audit.


@transaction.atomic
def people_leave(*, person_ids: Iterable[int], by: Person | None, source: str, why: str) -> list[int]:
    """Several people leave at once (an HR file run): each as ``person_deactivate``; one notice per programme.
    Returns the ids of the people who were active and now are not. (Issue 16: filled in by the leavers work.)"""
    ids = list(dict.fromkeys(person_ids))
    left = list(Person.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    Person.objects.filter(pk__in=left).update(is_active=False, left_at=timezone.now())
    leavers_applications_withdraw(person_ids=ids, why=why)
    return left


@transaction.atomic
def person_reactivate(*, person: Person, by: Person | None, source: str = "admin") -> Person:
    """Someone who left comes back: they can log in again and keep their history. Reactivating someone
    active changes nothing. (Issue 16: filled in by the leavers work.)"""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        person.is_active, person.left_at = True, None
        person.save(update_fields=["is_active", "left_at"])
        audit_record(actor=by, action="person.reactivated", obj=person, subject=person, summary="Reactivated.")
    return person


def people_moved(*, person_ids: Iterable[int], by: Person | None, source: str) -> None:
    """Call after changing people's team or line manager (on commit): a pairing that now breaks a hard rule
    (the partner is now in the person's management chain) raises an alert to its coordinators with the reason.
    Pairings are kept. (Issue 16: filled in by the leavers work; a no-op until then.)"""
