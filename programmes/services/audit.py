"""The audit log. ``audit_record`` is a one-liner for every service that changes something that
matters and every view that shows personal data to someone who does not own it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from ..models import AuditEvent, Person, Programme

ERASED_LABEL = "erased person"


def _label(actor: Person | None) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return actor.email


def _ip(request: HttpRequest | None) -> str | None:
    # The address the login lockout counts: REMOTE_ADDR, or behind TANDEM_PROXY_COUNT proxies the one
    # the outermost proxy saw (django-ipware through axes); never an address a client wrote in a header itself.
    if request is None:
        return None
    return get_client_ip_address(request) or None


def audit_event(
    *,
    actor: Person | None,
    action: str,
    obj: models.Model | None = None,
    programme: Programme | None = None,
    subject: Person | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """An unsaved row: for callers that record many at once with ``audit_record_many``."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if programme is None and obj is not None:
        programme = obj if isinstance(obj, Programme) else getattr(obj, "programme", None)
    return AuditEvent(
        at=timezone.now(),
        actor=actor,
        actor_label=_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        programme=programme,
        subject=subject,
        summary=summary[:300],
        ip_address=_ip(request),
    )


def audit_record(
    *,
    actor: Person | None,
    action: str,
    obj: models.Model | None = None,
    programme: Programme | None = None,
    subject: Person | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit row in the caller's transaction: when the change rolls back, so does its row.

    ``summary`` is words about the action (names, dates, statuses), never private content.
    """
    event = audit_event(
        actor=actor, action=action, obj=obj, programme=programme, subject=subject, summary=summary, request=request
    )
    event.save()
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    return AuditEvent.objects.bulk_create(list(events))


def audit_events_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete audit rows older than TANDEM_AUDIT_RETENTION_DAYS (0 keeps them for ever)."""
    days = settings.TANDEM_AUDIT_RETENTION_DAYS
    if not days:
        return 0
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
