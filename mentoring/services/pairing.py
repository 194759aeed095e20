"""What every service of a pairing shares: the row locked for a change, which side a person is on, the rules
that refuse a change in words, and the notices to the pair, the mentee's line manager and the coordinators
(dates and names, never anything the pair wrote)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.models import Pairing
from programmes.models import Membership, Person, Role
from programmes.services.notifications import coordinators_of, notification_send


def pairing_lock(pairing: Pairing) -> Pairing:
    return (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("programme", "mentor", "mentee__line_manager")
        .get(pk=pairing.pk)
    )


def side_of(pairing: Pairing, person: Person) -> str | None:
    if person.pk == pairing.mentor_id:
        return Role.MENTOR
    if person.pk == pairing.mentee_id:
        return Role.MENTEE
    return None


def is_coordinator(pairing: Pairing, person: Person) -> bool:
    return Membership.objects.filter(programme_id=pairing.programme_id, person=person, role=Role.COORDINATOR).exists()


def require_side(pairing: Pairing, by: Person, doing: str) -> str:
    side = side_of(pairing, by)
    if side is None:
        raise ValidationError(f"Only {pairing.mentor} and {pairing.mentee} can {doing} their pairing.")
    return side


def require_side_or_coordinator(pairing: Pairing, by: Person, doing: str) -> None:
    if side_of(pairing, by) is None and not is_coordinator(pairing, by):
        raise ValidationError(
            f"Only {pairing.mentor}, {pairing.mentee} or a coordinator of {pairing.programme} can {doing} this pairing."
        )


def require_status(pairing: Pairing, allowed: tuple[str, ...], doing: str) -> None:
    if pairing.status in allowed:
        return
    state = pairing.get_status_display().lower()
    if pairing.status in (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY):
        raise ValidationError(f"This pairing is {state}, so it cannot {doing}; a closed pairing never restarts.")
    raise ValidationError(f"This pairing is {state}, so it cannot {doing}.")


def line_manager_of(pairing: Pairing) -> Person | None:
    manager = pairing.mentee.line_manager
    return manager if manager is not None and manager.is_active else None


def others(people: list[Person | None], by: Person | None) -> list[Person]:
    return [p for p in people if p is not None and (by is None or p.pk != by.pk)]


def tell_pair(pairing: Pairing, *, by: Person | None, text: str, subject: str, body: str = "") -> None:
    notification_send(
        people=others([pairing.mentor, pairing.mentee], by),
        text=text,
        url=pairing.get_absolute_url(),
        email_subject=subject,
        email_body=body or text,
    )


def tell_line_manager(pairing: Pairing, *, by: Person | None, text: str, subject: str) -> None:
    # The line manager sees no pairing page (they are not part of the relationship): they go to My team.
    notification_send(
        people=others([line_manager_of(pairing)], by), text=text, url=reverse("programmes:team"), email_subject=subject
    )


def tell_coordinators(pairing: Pairing, *, by: Person | None, text: str, subject: str, body: str = "") -> None:
    notification_send(
        people=others(coordinators_of(pairing.programme), by),
        text=text,
        url=pairing.get_absolute_url(),
        email_subject=subject,
        email_body=body or text,
    )


def pair_names(pairing: Pairing) -> str:
    return f"{pairing.mentor} and {pairing.mentee}"
