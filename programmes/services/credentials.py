"""Telling a person that their password or email address changed.

A security notice: it goes whatever their email preferences say, to the address the change came from (the
old one, for an email change), so that someone who took over an account cannot hide it from its owner.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from core.i18n import in_language_of

from ..models import Person

_WHAT = {
    "password": gettext_lazy("Your Tandem password was changed"),
    "email": gettext_lazy("The email address of your Tandem account was changed"),
}


def person_notify_credentials_changed(*, person: Person, what: Literal["password", "email"], address: str = "") -> None:
    """Email ``person`` (at ``address``, by default their current one) that their ``what`` changed.

    Sent after the surrounding transaction commits (core.mail_backend queues it through Celery).
    """
    if what not in _WHAT:
        raise ValueError(f"what must be one of {', '.join(_WHAT)}; got {what!r}.")
    with in_language_of(person):
        when = date_format(timezone.localtime(), "j F Y, H:i")
        if what == "email":
            detail = gettext("The email address of your Tandem account was changed to %(email)s on %(when)s.") % {
                "email": person.email,
                "when": when,
            }
        else:
            detail = gettext("Your Tandem password was changed on %(when)s.") % {"when": when}
        body = gettext(
            "Hello %(name)s,\n\n%(detail)s\n\n"
            "If that was you, there is nothing to do. If it was not, reset your password now from the login page "
            "(Forgotten your password?) and tell your Tandem administrator.\n\nTandem\n"
        ) % {"name": person.get_short_name(), "detail": detail}
        subject = str(_WHAT[what])
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address or person.email])
