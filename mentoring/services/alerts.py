"""The coordinators' alerts: raising one (for the parts that spot trouble: the check-in escalation, a concern,
a 'not good' fit answer, a health check, the silence sweep below), acknowledging and resolving it.

Coordinators are told that a pairing needs them, never what was said: a concern's words stay on its page.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.dates import long_date
from mentoring.models import Alert, Pairing
from mentoring.said import words
from mentoring.selectors.alerts import silent_pairings
from mentoring.services.pairing import tell_coordinators
from programmes.models import Person, Programme


def coordinators_alert(pairing: Pairing, *, text: str) -> None:
    """Tell the programme's coordinators that a pairing needs them (an in-app notice and an email)."""
    # The coordinators learn that something needs them; what was said stays on the alert's page.
    tell_coordinators(
        pairing,
        by=None,
        text=text,
        subject=words(
            gettext_noop("A mentoring pairing needs you: %(mentor)s and %(mentee)s"),
            mentor=pairing.mentor,
            mentee=pairing.mentee,
        ),
    )


@transaction.atomic
def alert_raise(*, pairing: Pairing, kind: str, reason: str, severity: int = Alert.Severity.MEDIUM) -> Alert | None:
    """Raise an alert for the coordinators unless one of the same kind is still open on the pairing.

    For other parts (the evaluation side's health checks) that spot trouble: they call this instead of writing
    mentoring's rows themselves. Returns the new alert, or None when an open one already says it.
    """
    if Alert.objects.open().filter(pairing=pairing, kind=kind).exists():
        return None
    alert = Alert.objects.create(
        programme_id=pairing.programme_id, pairing=pairing, kind=kind, severity=severity, reason=reason[:300]
    )
    coordinators_alert(
        pairing,
        text=words(
            gettext_noop("A pairing in %(programme)s needs attention: %(kind)s."),
            programme=pairing.programme,
            kind=lazy(lambda: str(Alert.Kind(alert.kind).label).lower(), str)(),
        ),
    )
    return alert


@transaction.atomic
def alert_acknowledge(*, alert: Alert, by: Person) -> Alert:
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = by
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, by: Person) -> Alert:
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, by
    alert.resolved_at = alert.resolved_at or now
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "resolved_at"])
    return alert


# --- The silence sweep (Celery beat: evaluation.tasks.raise_silence_alerts) -------------------------------------


def _silence_reason(pairing: Pairing, *, today: datetime.date) -> str:
    # Counted from the latest of the start, the last resumption and the last confirmed session.
    anchors = [(pairing.started_on, 0, "started"), (pairing.resumed_on, 1, "resumed"), (pairing.last_session_on, 2, "")]
    since, _kind, what = max(anchor for anchor in anchors if anchor[0] is not None)
    days = (today - since).days
    values = {"days": days, "date": long_date(since)}
    if what == "started":
        return _("No confirmed session since the pairing started on %(date)s (%(days)s days ago).") % values
    if what == "resumed":
        return _("No confirmed session since the pairing resumed on %(date)s (%(days)s days ago).") % values
    return _("No confirmed session in %(days)s days (the last on %(date)s).") % values


def silence_alerts_raise(
    *, today: datetime.date | None = None, programme: Programme | None = None, limit: int = 500
) -> int:
    """Raise a "silence" alert on each silent pairing (``silent_pairings``); returns how many were raised.

    Bounded: one query selects at most ``limit`` pairings (the next run takes the rest), then each is raised
    through ``alert_raise`` in its own short transaction with the pairing row locked, so two sweeps at once
    raise one alert, and a repeated run raises none (an open one already says it).
    """
    today = today or timezone.localdate()
    found = list(
        silent_pairings(today=today, programme=programme)
        .select_related("programme", "mentor", "mentee")
        .order_by("pk")[:limit]
    )
    raised = 0
    for pairing in found:
        with transaction.atomic():
            locked = list(
                Pairing.objects.select_for_update().filter(pk=pairing.pk, status=Pairing.Status.ACTIVE).values("pk")
            )
            if locked and alert_raise(
                pairing=pairing,
                kind=Alert.Kind.SILENCE,
                reason=_silence_reason(pairing, today=today),
                severity=Alert.Severity.MEDIUM,
            ):
                raised += 1
    return raised
