"""What every service of a pairing shares: the row locked for a change, which side a person is on, the rules
that refuse a change in words, and the notices to the pair, the mentee's line manager and the coordinators
(dates and names, never anything the pair wrote)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.i18n import in_language_of
from mentoring.models import Pairing
from mentoring.said import words
from programmes.models import Membership, Person, Role
from programmes.services.notifications import Group, coordinators_of, notification_send


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
        raise ValidationError(
            _("Only %(mentor)s and %(mentee)s can %(doing)s their pairing.")
            % {"mentor": pairing.mentor, "mentee": pairing.mentee, "doing": _(doing)}
        )
    return side


def require_side_or_coordinator(pairing: Pairing, by: Person, doing: str) -> None:
    if side_of(pairing, by) is None and not is_coordinator(pairing, by):
        raise ValidationError(
            _("Only %(mentor)s, %(mentee)s or a coordinator of %(programme)s can %(doing)s this pairing.")
            % {"mentor": pairing.mentor, "mentee": pairing.mentee, "programme": pairing.programme, "doing": _(doing)}
        )


def require_status(pairing: Pairing, allowed: tuple[str, ...], doing: str) -> None:
    if pairing.status in allowed:
        return
    values = {"state": pairing.get_status_display().lower(), "doing": _(doing)}
    if pairing.status in (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY):
        raise ValidationError(
            _("This pairing is %(state)s, so it cannot %(doing)s; a closed pairing never restarts.") % values
        )
    raise ValidationError(_("This pairing is %(state)s, so it cannot %(doing)s.") % values)


# The verbs the rules above are given ("cannot %(doing)s"), for the catalogue.
DOINGS = (
    gettext_noop("start"),
    gettext_noop("accept"),
    gettext_noop("be accepted"),
    gettext_noop("decline"),
    gettext_noop("be declined"),
    gettext_noop("pause"),
    gettext_noop("be paused"),
    gettext_noop("resume"),
    gettext_noop("be resumed"),
    gettext_noop("complete"),
    gettext_noop("be completed"),
    gettext_noop("end"),
    gettext_noop("be ended early"),
    gettext_noop("write a closing reflection on"),
    gettext_noop("be signed"),
    gettext_noop("change its agreement"),
    gettext_noop("change its goals"),
    gettext_noop("take new goals"),
)


def line_manager_of(pairing: Pairing) -> Person | None:
    manager = pairing.mentee.line_manager
    return manager if manager is not None and manager.is_active else None


def others(people: list[Person | None], by: Person | None) -> list[Person]:
    return [p for p in people if p is not None and (by is None or p.pk != by.pk)]


def notify(
    people: Iterable[Person | None],
    *,
    text: str,
    url: str = "",
    email_subject: str = "",
    email_body: str = "",
    group: Group | None = None,
) -> None:
    """``notification_send`` one person at a time, each in their own language: ``text``, the subject and the
    body may be lazy words (mentoring.said.words), put into words here for each person."""
    for person in dict.fromkeys(p for p in people if p is not None):
        with in_language_of(person):
            notification_send(
                people=[person],
                text=str(text),
                url=url,
                email_subject=str(email_subject),
                email_body=str(email_body),
                group=group,
            )


def tell_pair(pairing: Pairing, *, by: Person | None, text: str, subject: str, body: str = "") -> None:
    notify(
        others([pairing.mentor, pairing.mentee], by),
        text=text,
        url=pairing.get_absolute_url(),
        email_subject=subject,
        email_body=body or text,
    )


def tell_line_manager(pairing: Pairing, *, by: Person | None, text: str, subject: str) -> None:
    # The line manager sees no pairing page (they are not part of the relationship): they go to My team.
    notify(others([line_manager_of(pairing)], by), text=text, url=reverse("programmes:team"), email_subject=subject)


def tell_coordinators(pairing: Pairing, *, by: Person | None, text: str, subject: str, body: str = "") -> None:
    notify(
        others(coordinators_of(pairing.programme), by),
        text=text,
        url=pairing.get_absolute_url(),
        email_subject=subject,
        email_body=body or text,
    )


def pair_names(pairing: Pairing) -> str:
    """ "Ana and Ben", in the language of whoever reads it (lazy)."""
    return words(gettext_noop("%(mentor)s and %(mentee)s"), mentor=pairing.mentor, mentee=pairing.mentee)
