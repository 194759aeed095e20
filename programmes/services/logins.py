"""The audit row of every login, saying which way the person came in (a password or single sign-on)."""

from __future__ import annotations

from django.contrib.auth import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.module_loading import import_string

from ..models import Person
from .audit import audit_record

PASSWORD = "password"


def login_way(backend_path: str) -> str:
    """A backend says its way with a ``login_way`` attribute (config.sso's does); Django's own is the password."""
    try:
        backend = import_string(backend_path) if backend_path else None
    except ImportError:
        backend = None
    return getattr(backend, "login_way", PASSWORD)


@receiver(user_logged_in, dispatch_uid="tandem_login_audit")
def login_record(sender, request: HttpRequest | None, user: Person, **kwargs) -> None:
    way = login_way(getattr(user, "backend", ""))
    audit_record(
        actor=user,
        action="login.password" if way == PASSWORD else "login.sso",
        obj=user,
        subject=user,
        summary=f"Logged in with {'a password' if way == PASSWORD else way}.",
        request=request,
    )
