"""The report's interventions, by kind."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from programmes.models import Programme

from ...models import Intervention, InterventionKind
from ...services import disclosure
from ..privacy import TOTAL
from .helpers import _latest_by, _line, _moment_within
from .periods import Period


def _interventions(programme: Programme, period: Period, prev: Period) -> dict[str, Any]:
    kinds = list(Intervention.Kind)
    subject = Coalesce("pairing__mentee", "person")
    aggregates, kind_then = {}, {}
    for suffix, p in (("cur", period), ("prev", prev)):
        when = _moment_within("created_at", p)
        # The kind at the period's end (``InterventionKind``): a kind changed since does not move it.
        changes = _latest_by(InterventionKind.objects.filter(intervention=OuterRef("pk")), p.end)
        kind_then[f"kind_{suffix}"] = Coalesce(Subquery(changes.values("kind")[:1]), "kind")
        for kind in kinds:
            of_kind = when & Q(**{f"kind_{suffix}": kind})
            aggregates[f"{suffix}_{kind}"] = Count("pk", filter=of_kind)
            aggregates[f"{suffix}_{kind}_people"] = Count(subject, distinct=True, filter=of_kind)
        aggregates[f"{suffix}_people"] = Count(subject, distinct=True, filter=when)
    # Query 10: interventions recorded in each period, by kind (counts only: never a name or a note).
    row = Intervention.objects.filter(programme=programme).annotate(**kind_then).aggregate(**aggregates)
    counts = {suffix: {k.label: row[f"{suffix}_{k.value}"] for k in kinds} for suffix in ("cur", "prev")}
    people = {
        suffix: {**{k.label: row[f"{suffix}_{k.value}_people"] for k in kinds}, TOTAL: row[f"{suffix}_people"]}
        for suffix in ("cur", "prev")
    }
    return _line(
        "interventions",
        gettext_noop("Interventions recorded, by kind"),
        gettext_noop("Interventions"),
        [k.label for k in kinds],
        counts,
        people,
        row_total_label="Interventions",
        kinds=disclosure.PER_PERSON,
    )
