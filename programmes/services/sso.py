"""Who a single sign-on login is: the person matched to what the identity provider says about them.

The protocol (redirects, tokens, signatures) is config.sso's; this module only decides which person the verified
claims belong to, and whether that person may come in. A refusal is an ``SsoRefused`` whose message is shown to
the person as it is, so it says what happened and whom to ask.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Person
from .audit import audit_record


@dataclass(frozen=True)
class SsoIdentity:
    """What a verified ID token and the userinfo endpoint say about the person (claims already mapped)."""

    subject: str
    email: str = ""
    name: str = ""
    employee_id: str = ""
    email_verified: bool = True


class SsoRefused(Exception):
    """A single sign-on login Tandem will not let in. ``reason`` is a short code for the audit log and the tests;
    ``message`` is for the person."""

    def __init__(self, reason: str, message: str, *, person: Person | None = None, email: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.person = person
        self.email = email


def help_contact() -> str:
    return settings.TANDEM_OIDC_HELP_CONTACT or gettext("a Tandem administrator in your organisation")


def _matched(identity: SsoIdentity) -> Person | None:
    """The person by the provider's stable subject, then by employee id, then by email.

    A person already linked to another subject never matches by employee id or email: whoever controls an email
    address at the provider later (a reused address, a renamed account) must not inherit that person's account.
    """
    person = Person.objects.filter(sso_subject=identity.subject).first()
    if person is not None:
        return person
    candidate = None
    if identity.employee_id:
        candidate = Person.objects.filter(employee_id=identity.employee_id).first()
    if candidate is None and identity.email and identity.email_verified:
        candidate = Person.objects.filter(email__iexact=identity.email).first()
    if candidate is not None and candidate.sso_subject and candidate.sso_subject != identity.subject:
        raise SsoRefused(
            "subject_mismatch",
            gettext(
                "Your single sign-on account does not match the Tandem account with this email address, which is "
                "linked to another single sign-on identity. Please ask %(contact)s to check it."
            )
            % {"contact": help_contact()},
            person=candidate,
        )
    return candidate


def _check_allowed(person: Person) -> None:
    if not person.is_active or (person.left_at is not None and person.left_at <= timezone.now()):
        raise SsoRefused(
            "deactivated",
            gettext(
                "Your Tandem account is closed (it was deactivated, or you have left the organisation), so you cannot "
                "log in. If this is a mistake, please ask %(contact)s to reopen it."
            )
            % {"contact": help_contact()},
            person=person,
        )


def _created(identity: SsoIdentity) -> Person:
    if not settings.TANDEM_OIDC_CREATE_USERS:
        raise SsoRefused(
            "unknown",
            gettext(
                "Your single sign-on account (%(email)s) has no Tandem account yet, "
                "and Tandem does not create accounts by itself here. Please ask %(contact)s to add you."
            )
            % {"email": identity.email or gettext("no email address"), "contact": help_contact()},
            email=identity.email,
        )
    if not identity.email or not identity.email_verified:
        raise SsoRefused(
            "no_email",
            gettext(
                "Your identity provider did not send a verified email address, which Tandem needs to create your "
                "account. Please ask %(contact)s."
            )
            % {"contact": help_contact()},
        )
    employee_id = identity.employee_id or None
    if employee_id and Person.objects.filter(employee_id=employee_id).exists():
        employee_id = None  # held by someone else already: the HR records, not a login, settle whose it is
    try:
        with transaction.atomic():
            person = Person.objects.create_user(
                identity.email,
                None,  # no password: this person logs in with single sign-on
                display_name=(identity.name or identity.email.split("@")[0])[:150],
                employee_id=employee_id,
                sso_subject=identity.subject,
            )
    except IntegrityError:  # the same person's second tab a moment earlier, or the address taken meanwhile
        person = Person.objects.filter(sso_subject=identity.subject).first()
        if person is None:
            raise SsoRefused(
                "unknown", gettext("Your account could not be created just now. Please try again.")
            ) from None
        return person
    audit_record(
        actor=None, action="person.created", obj=person, subject=person, summary="Created at first single sign-on."
    )
    return person


@transaction.atomic
def person_for_sso(*, identity: SsoIdentity) -> Person:
    """The person this verified identity logs in as: found (keeping the subject at the first login by email or
    employee id) or created if the organisation allows it. Raises ``SsoRefused`` with a message for the person."""
    if not identity.subject:
        raise SsoRefused("no_subject", gettext("Your identity provider did not say who you are. Please try again."))
    person = _matched(identity)
    if person is None:
        return _created(identity)
    _check_allowed(person)
    if person.sso_subject != identity.subject:
        person.sso_subject = identity.subject
        person.save(update_fields=["sso_subject"])
        audit_record(
            actor=None,
            action="person.sso_linked",
            obj=person,
            subject=person,
            summary="Single sign-on identity kept at the first single sign-on login.",
        )
    return person


def sso_refusal_record(*, refused: SsoRefused, request=None) -> None:
    """The audit row for a refused single sign-on login (never the token itself)."""
    who = refused.person.email if refused.person is not None else refused.email or "someone not identified"
    audit_record(
        actor=None,
        action="login.refused",
        obj=refused.person,
        subject=refused.person,
        summary=f"Single sign-on login of {who} refused: {refused.reason}.",
        request=request,
    )
