"""Reads of the coordinators' alerts: the filters of the alerts page and their counts, a programme's or a
pairing's open alerts, and the pairings the silence sweep (mentoring.services.alerts) would raise an alert on.

The alerts page itself (its lines of reasons, with health-check scores and interventions) is evaluation's:
it reads evaluation's rows too (evaluation.selectors.alerts).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from mentoring.models import ALERT_ACKNOWLEDGED, ALERT_OPEN, Alert, Pairing
from programmes.models import Programme

SILENCE_DAYS = 45  # no confirmed session for this long: the sweep raises a "silence" alert
RESOLVED_WINDOW_DAYS = 90  # the "resolved" filter looks back this far
OPEN_SHOWN = 50  # open alerts listed on the relationships page


class Show:
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"

    CHOICES = (
        (OPEN, gettext_lazy("Open")),
        (ACKNOWLEDGED, gettext_lazy("Acknowledged")),
        (RESOLVED, format_lazy(gettext_lazy("Resolved in the last {days} days"), days=RESOLVED_WINDOW_DAYS)),
    )
    VALUES = (OPEN, ACKNOWLEDGED, RESOLVED)


def shown(which: str, *, now: datetime.datetime) -> Q:
    """Open: nobody has taken it up yet. Acknowledged: a coordinator is on it. Resolved: recently done."""
    return {
        Show.OPEN: ALERT_OPEN,
        Show.ACKNOWLEDGED: ALERT_ACKNOWLEDGED,
        Show.RESOLVED: Q(resolved_at__gte=now - datetime.timedelta(days=RESOLVED_WINDOW_DAYS)),
    }[which]


def alert_counts(*, programme: Programme, now: datetime.datetime | None = None) -> dict[str, int]:
    """How many alerts each filter shows: one grouped query."""
    now = now or timezone.now()
    return Alert.objects.filter(programme=programme).aggregate(
        **{which: Count("pk", filter=shown(which, now=now)) for which in Show.VALUES}
    )


def unresolved_counts(*, programme: Programme) -> dict[str, int]:
    """Open (nobody on it yet) and acknowledged (someone is) alerts of a programme, as the Alerts tab counts
    them: one grouped query."""
    return Alert.objects.filter(programme=programme).aggregate(
        open=Count("pk", filter=ALERT_OPEN), acknowledged=Count("pk", filter=ALERT_ACKNOWLEDGED)
    )


def programme_open_alerts(*, programme: Programme, limit: int = OPEN_SHOWN) -> list[Alert]:
    """The programme's unresolved alerts with both people of their pairing: one query."""
    return list(
        Alert.objects.open().filter(programme=programme).select_related("pairing__mentor", "pairing__mentee")[:limit]
    )


def pairing_open_alerts(*, pairing: Pairing) -> list[Alert]:
    """A pairing's unresolved alerts, with who acknowledged them and who raised a concern: one query."""
    return list(Alert.objects.open().filter(pairing=pairing).select_related("acknowledged_by", "concern__raised_by"))


def silent_pairings(*, today: datetime.date, programme: Programme | None = None) -> QuerySet[Pairing]:
    """Active pairings with no confirmed session for ``SILENCE_DAYS`` days (counted from the start or the last
    resumption when there is none since) and no open silence alert. One query; the index on status helps."""
    cutoff = today - datetime.timedelta(days=SILENCE_DAYS)
    found = Pairing.objects.filter(
        Q(last_session_on__isnull=True) | Q(last_session_on__lte=cutoff),
        Q(resumed_on__isnull=True) | Q(resumed_on__lte=cutoff),
        status=Pairing.Status.ACTIVE,
        started_on__lte=cutoff,
    ).exclude(Exists(Alert.objects.open().filter(pairing=OuterRef("pk"), kind=Alert.Kind.SILENCE)))
    # One alert per silence: once raised since the silence began, a coordinator who resolves it is not told
    # again every morning; a new silence (after a later session or resumption) raises a new one.
    this_silence = (
        Alert.objects.filter(
            pairing=OuterRef("pk"), kind=Alert.Kind.SILENCE, created_at__date__gte=F("pairing__started_on")
        )
        .filter(Q(pairing__resumed_on__isnull=True) | Q(created_at__date__gte=F("pairing__resumed_on")))
        .filter(Q(pairing__last_session_on__isnull=True) | Q(created_at__date__gte=F("pairing__last_session_on")))
    )
    found = found.exclude(Exists(this_silence))
    return found.filter(programme=programme) if programme is not None else found
