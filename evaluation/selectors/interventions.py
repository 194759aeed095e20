"""Interventions, read-only: a programme's list and counts, the alerts an intervention may answer, and the
committee's counts by kind (never names or notes)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from mentoring.models import Alert, Pairing
from programmes.models import Programme

from ..models import Intervention


def intervention_status_counts(*, programme: Programme) -> dict[str, int]:
    """How many of the programme's interventions are open and closed: one query."""
    return Intervention.objects.filter(programme=programme).aggregate(
        open=Count("pk", filter=Q(status=Intervention.Status.OPEN)),
        closed=Count("pk", filter=Q(status=Intervention.Status.CLOSED)),
    )


def interventions_for_programme(*, programme: Programme, status: str = "", kind: str = "") -> QuerySet[Intervention]:
    """The programme's interventions, newest first, with who they are about and who created them; an empty
    ``status`` or ``kind`` does not filter."""
    shown = Intervention.objects.filter(programme=programme)
    shown = shown.filter(**{k: v for k, v in {"status": status, "kind": kind}.items() if v})
    return shown.select_related("pairing__mentor", "pairing__mentee", "person", "created_by").order_by(
        "-created_at", "-pk"
    )


def open_alerts_of(pairing: Pairing | None) -> list[Alert]:
    """The open alerts a new intervention on this pairing may answer, the most severe and oldest first."""
    open_alerts = Alert.objects.open().filter(pairing=pairing) if pairing else Alert.objects.none()
    return list(open_alerts.order_by("-severity", "created_at"))


def intervention_alerts(intervention: Intervention) -> list[Alert]:
    """The alerts an intervention answers, with who acknowledged them."""
    return list(intervention.alerts.select_related("acknowledged_by").order_by("-severity", "pk"))


def intervention_counts_by_kind(
    *, programme: Programme, start: datetime.date, end: datetime.date
) -> dict[str, dict[str, int]]:
    """Interventions opened in the period by kind, and how many of them are closed: one grouped query.
    {"call": {"label": "Call", "opened": 3, "closed": 2}, ...} for every kind (zero where none)."""
    rows = (
        Intervention.objects.filter(programme=programme, created_at__date__gte=start, created_at__date__lte=end)
        .order_by()
        .values("kind")
        .annotate(opened=Count("pk"), closed=Count("pk", filter=Q(status=Intervention.Status.CLOSED)))
    )
    found = {row["kind"]: row for row in rows}
    return {
        kind: {
            "label": label,
            "opened": found.get(kind, {}).get("opened", 0),
            "closed": found.get(kind, {}).get("closed", 0),
        }
        for kind, label in Intervention.Kind.choices
    }
