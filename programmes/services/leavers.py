"""People who leave the organisation: deactivated, or no longer in the HR file.

Matching never proposes them (``mentoring.selectors.cohort.cohort_load`` leaves them out); here their open applications
(applied, wait-listed or approved) are withdrawn, and each programme's coordinators are told, once per programme,
so that they can look after any pairing the person still has.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.security import sessions_end

from ..hooks import PEOPLE_LEFT, PEOPLE_MOVED
from ..models import Application, Membership, Person, Programme, Role, TimeAllocation
from .audit import audit_event, audit_record, audit_record_many
from .notifications import coordinators_of, notification_send
from .opportunities import opportunity_requests_of_leavers_withdraw

NAMES_IN_NOTICE = 3


def _names(people: list[str]) -> str:
    """The first few names, in the active language ("A, B and 2 others")."""
    shown = people[:NAMES_IN_NOTICE]
    rest = len(people) - len(shown)
    if rest:
        return ngettext("%(names)s and %(count)s other", "%(names)s and %(count)s others", rest) % {
            "names": ", ".join(shown),
            "count": rest,
        }
    return get_text_list(shown, _("and"))


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
        people = [str(a.person) for a in group]
        one = len(group) == 1
        notification_send(
            people=coordinators_of(programme),
            text=functools.partial(
                lambda people, programme: (
                    ngettext(
                        "%(names)s has left the organisation (%(why)s): their application to %(programme)s "
                        "is withdrawn and they will not be matched. Check any pairing they had.",
                        "%(names)s have left the organisation (%(why)s): their applications to %(programme)s "
                        "are withdrawn and they will not be matched. Check any pairing they had.",
                        len(people),
                    )
                    % {"names": _names(people), "why": why, "programme": programme.name}
                ),
                people,
                programme,
            ),
            url=group[0].get_absolute_url() if one else reverse("programmes:applications", args=[programme.pk]),
        )
    return applications


# --- Leaving and coming back: the one way in for every source -------------------------------------------------
# The Django admin (the Active box, the "Mark as left" action), the HR file upload and nightly sync, SCIM: each
# calls ``person_deactivate`` or ``people_leave`` with its ``source`` ("admin", "hr_file" or "scim"), which goes
# into the audit. Leaving is idempotent: someone who has left (inactive, with ``left_at``) is not processed again.

LEFT_REASON = "left the organisation"


@transaction.atomic
def person_deactivate(*, person: Person, by: Person | None, source: str = "admin") -> Person:
    """Someone has left: as ``people_leave`` for one person. Deactivating twice changes nothing."""
    people_leave(person_ids=[person.pk], by=by, source=source, why=gettext_lazy("deactivated"))
    return Person.objects.get(pk=person.pk)


@transaction.atomic
def people_leave(*, person_ids: Iterable[int], by: Person | None, source: str, why: str) -> list[int]:
    """These people have left the organisation. Each who had not yet left: cannot log in (inactive, and logged
    out now), ``left_at`` set, audited with ``source``; the apps above pause their pairings and withdraw their
    requests and proposals (``hooks.PEOPLE_LEFT``); their open applications are withdrawn; the coordinators are
    told, one notice per programme, also of the people they line-managed. ``why`` finishes the coordinators'
    "… have left the organisation (…)", e.g. "deactivated". Returns the ids of the people who left now.

    Someone already inactive without ``left_at`` (made inactive by a raw update, e.g. the HR file's status
    column applied just before) is processed once, then carries ``left_at``."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return []
    leaving = list(
        Person.objects.select_for_update()
        .filter(pk__in=ids)
        .filter(Q(is_active=True) | Q(left_at__isnull=True))
        .order_by("display_name", "pk")
    )
    left = [p.pk for p in leaving]
    if left:
        now = timezone.now()
        Person.objects.filter(pk__in=left).update(is_active=False)
        Person.objects.filter(pk__in=left, left_at__isnull=True).update(left_at=now)
        audit_record_many(
            audit_event(
                actor=by,
                action="person.left",
                obj=person,
                subject=person,
                summary=f"Left the organisation ({why}); source: {source}.",
            )
            for person in leaving
        )
        sessions_end(user_ids=left)
        for entry in PEOPLE_LEFT:
            entry(person_ids=left, by=by, reason=LEFT_REASON)
        opportunity_requests_of_leavers_withdraw(person_ids=left, by=by)
    leavers_applications_withdraw(person_ids=ids, why=why)
    if left:
        _managers_left_tell(left)
        _coordinators_left_tell(left)
    return left


def _coordinators_left_tell(left: list[int]) -> None:
    """A coordinator who left: the programme's other coordinators hear it; a programme left with no active
    coordinator is told to the administrators, who name one (nobody else would see its applications)."""
    rows = (
        Membership.objects.filter(person_id__in=left, role=Role.COORDINATOR)
        .select_related("programme", "person")
        .order_by("programme_id", "person__display_name")
    )
    by_programme: dict[int, tuple[Programme, list[str]]] = {}
    for membership in rows:
        by_programme.setdefault(membership.programme_id, (membership.programme, []))[1].append(str(membership.person))
    administrators: list[Person] | None = None
    for programme, names in by_programme.values():
        values = {"names": names, "programme": programme.name}
        remaining = coordinators_of(programme)
        if remaining:
            notification_send(
                people=remaining,
                text=functools.partial(
                    lambda values: (
                        ngettext(
                            "%(names)s has left the organisation and no longer coordinates %(programme)s.",
                            "%(names)s have left the organisation and no longer coordinate %(programme)s.",
                            len(values["names"]),
                        )
                        % (values | {"names": _names(values["names"])})
                    ),
                    values,
                ),
                url=reverse("programmes:members", args=[programme.pk]),
            )
            continue
        if administrators is None:
            administrators = list(Person.objects.filter(is_staff=True, is_active=True).order_by("pk"))
        notification_send(
            people=administrators,
            text=functools.partial(
                lambda values: (
                    ngettext(
                        "%(names)s has left the organisation: %(programme)s has no coordinator now. Please name one.",
                        "%(names)s have left the organisation: %(programme)s has no coordinator now. Please name one.",
                        len(values["names"]),
                    )
                    % (values | {"names": _names(values["names"])})
                ),
                values,
            ),
            url=reverse("admin:programmes_programme_change", args=[programme.pk]),
        )


def _managers_left_tell(manager_ids: list[int]) -> None:
    """The coordinators of each programme in which a report of someone who left takes part (or has protected time)
    hear that those reports need a new line manager: nobody approves their time until one is recorded."""
    reports = Q(person__line_manager_id__in=manager_ids, person__is_active=True)
    rows = {
        *Membership.objects.filter(reports, role__in=(Role.MENTOR, Role.MENTEE)).values_list(
            "programme_id", "person__line_manager__display_name", "person__display_name"
        ),
        *TimeAllocation.objects.filter(reports).values_list(
            "programme_id", "person__line_manager__display_name", "person__display_name"
        ),
    }
    by_programme: dict[int, dict[str, list[str]]] = {}
    for programme_id, manager, report in sorted(rows):
        by_programme.setdefault(programme_id, {}).setdefault(manager, []).append(report)
    for programme_id, managed in by_programme.items():
        notification_send(
            people=coordinators_of(programme_id),
            text=functools.partial(
                lambda managed: (
                    _("%(lines)s: their protected-time approvals need a new line manager.")
                    % {
                        "lines": "; ".join(
                            _("%(manager)s managed %(names)s")
                            % {"manager": manager, "names": _names(sorted(set(names)))}
                            for manager, names in managed.items()
                        )
                    }
                ),
                managed,
            ),
            url=reverse("programmes:time", args=[programme_id]),
        )


@transaction.atomic
def person_reactivate(*, person: Person, by: Person | None, source: str = "admin") -> Person:
    """Someone who left comes back: they can log in again and keep their history (sessions, notes, pairings).
    Their pairings stay paused and their withdrawn applications stay withdrawn: the coordinators of their
    programmes are told they are back, so that they resume a pairing when the pair is ready. Reactivating someone
    who has not left changes nothing."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_active and person.left_at is None:
        return person
    person.is_active, person.left_at = True, None
    person.save(update_fields=["is_active", "left_at"])
    audit_record(actor=by, action="person.reactivated", obj=person, subject=person, summary=f"Back; source: {source}.")
    programme_ids = set(
        Membership.objects.filter(person=person).exclude(role=Role.COORDINATOR).values_list("programme_id", flat=True)
    )
    for programme in Programme.objects.filter(pk__in=programme_ids).order_by("pk"):
        notification_send(
            people=coordinators_of(programme),
            text=functools.partial(
                lambda programme: (
                    _(
                        "%(person)s is back in the organisation and can log in again, with their history. Their "
                        "pairings in %(programme)s stay paused until you resume them; a withdrawn application "
                        "needs a new one."
                    )
                    % {"person": person, "programme": programme.name}
                ),
                programme,
            ),
            url=reverse("programmes:members", args=[programme.pk]),
        )
    return person


@transaction.atomic
def people_moved(*, person_ids: Iterable[int], by: Person | None, source: str) -> None:
    """Call after changing people's team or line manager: a current pairing that now breaks a hard rule (the
    partner is now in the person's management chain) raises an alert to its coordinators with the rule and the
    reason (``hooks.PEOPLE_MOVED``, filled by mentoring). Pairings are kept. ``source`` says who moved them
    ("admin", "hr_file", "scim"); the move itself is already audited by its source."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return
    for entry in PEOPLE_MOVED:
        entry(person_ids=ids, by=by)
