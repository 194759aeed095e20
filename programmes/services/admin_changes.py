"""What an administrator changes about a person's place in Tandem, through the Django admin.

An administrator runs the installation, not a programme: they must not slip into a pairing, and every change
they make to who holds which role (memberships, line manager, staff and superuser flags, groups, permissions,
whether the account is active) is written to the audit log and told to the person it concerns, in the app and
by email. The email is a security notice: it goes whatever the person's email preferences say, so that nobody
can be given a role, or have one taken away, without hearing of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from core.i18n import in_language_of, noun_in_sentence

from ..models import PARTICIPANT_ROLES, Membership, Notification, Person
from .audit import audit_record

SELF_PARTICIPANT_MESSAGE = gettext_lazy(
    "An administrator cannot make themselves a mentor or mentee through the admin. To take part in a "
    "programme, apply like everyone else; a coordinator approves the application."
)

# The Person fields that decide what someone may do or see, in words for the notice.
ACCESS_FIELDS = {
    "is_active": gettext_lazy("whether the account can log in"),
    "is_staff": gettext_lazy("access to the administration site"),
    "is_superuser": gettext_lazy("full administrator rights"),
    "groups": gettext_lazy("permission groups"),
    "user_permissions": gettext_lazy("individual permissions"),
    "line_manager": gettext_lazy("line manager"),
}

# What the person is told, one sentence per kind of change.
_TOLD = {
    "added": gettext_lazy("An administrator gave you the role %(role)s in %(programme)s."),
    "changed": gettext_lazy("An administrator changed your role to %(role)s in %(programme)s."),
    "removed": gettext_lazy("An administrator removed your %(role)s role in %(programme)s."),
}


def membership_check_not_self_participant(*, actor: Person | None, person: Person | None, role: str | None) -> None:
    """Refuse an administrator making themselves a mentor or mentee: a participant reads the pairing's pages."""
    if actor is not None and person is not None and person.pk == actor.pk and role in PARTICIPANT_ROLES:
        raise ValidationError(SELF_PARTICIPANT_MESSAGE)


def _tell(*, person: Person, text: Callable[[], str], subject: Callable[[], str]) -> None:
    """Tell ``person`` in the app and by email, in their language: ``text`` and ``subject`` build the words."""
    with in_language_of(person):
        said, said_subject = str(text()), str(subject())
        body = gettext(
            "Hello %(name)s,\n\n%(text)s\n\n"
            "If you did not expect this, tell your Tandem administrator or your programme coordinator.\n\nTandem\n"
        ) % {"name": person.get_short_name(), "text": said}
    Notification.objects.create(person=person, text=said[:300])
    if not person.email:
        return
    send_mail(said_subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


def membership_record_admin_change(
    *,
    actor: Person,
    membership: Membership,
    change: Literal["added", "changed", "removed"],
    request: HttpRequest | None = None,
) -> None:
    """Audit one membership an administrator added, changed or removed, and tell its person."""
    if change not in _TOLD:
        raise ValueError(f"change must be one of {', '.join(_TOLD)}; got {change!r}.")
    person, programme = membership.person, membership.programme
    with translation.override(None):  # the audit log is in English, whoever reads the admin
        role = membership.get_role_display().lower()
    summary = f"Administrator {change} the {role} role of {person.email} in {programme.name}."
    audit_record(
        actor=actor,
        action=f"membership.{change}_by_admin",
        obj=membership if change != "removed" else None,
        programme=programme,
        subject=person,
        summary=summary,
        request=request,
    )
    _tell(
        person=person,
        text=lambda: (
            _TOLD[change] % {"role": noun_in_sentence(membership.get_role_display()), "programme": programme.name}
        ),
        subject=lambda: gettext("Your roles in Tandem were changed"),
    )


def memberships_record_admin_changes(
    *, actor: Person, changes: Iterable[tuple[Membership, str]], request: HttpRequest | None = None
) -> None:
    for membership, change in changes:
        membership_record_admin_change(actor=actor, membership=membership, change=change, request=request)


def person_record_admin_access_change(
    *, actor: Person, person: Person, fields: Iterable[str], request: HttpRequest | None = None
) -> None:
    """Audit a change an administrator made to what ``person`` may do (see ACCESS_FIELDS), and tell them."""
    changed = [f for f in fields if f in ACCESS_FIELDS]
    if not changed:
        return
    with translation.override(None):  # the audit log is in English, whoever reads the admin
        words = ", ".join(str(ACCESS_FIELDS[f]) for f in changed)
    flags = f"staff={'yes' if person.is_staff else 'no'}, superuser={'yes' if person.is_superuser else 'no'}"
    flags += f", active={'yes' if person.is_active else 'no'}"
    audit_record(
        actor=actor,
        action="person.access_changed_by_admin",
        obj=person,
        subject=person,
        summary=f"Administrator changed {words} of {person.email} ({flags}).",
        request=request,
    )
    _tell(
        person=person,
        text=lambda: (
            gettext("An administrator changed your account: %(what)s.")
            % {"what": ", ".join(str(ACCESS_FIELDS[f]) for f in changed)}
        ),
        subject=lambda: gettext("Your access to Tandem was changed"),
    )
