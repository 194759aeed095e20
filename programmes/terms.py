"""One-line explanations of the words a coordinator meets and may not know, shown where the word appears (a
form's help text or a small muted line). One place, so every page explains a term the same way."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

TERMS: dict[str, Any] = {
    "grace_days": gettext_lazy(
        "Grace days: how many days a check-in may be overdue before you get an alert; the pair is nudged first."
    ),
    "intensive_start": gettext_lazy(
        "Intensive start: a new pairing's first days, when check-ins come closer together than the usual "
        "cadence to get it going."
    ),
    "readiness_override": gettext_lazy(
        "Readiness override: lets someone be matched before their required training is complete, "
        "with the reason recorded; it never counts as training met."
    ),
    "expansive_restrictive": gettext_lazy(
        "Expansive: a workplace with many chances to learn (rotation, autonomy, time to reflect, support); "
        "restrictive: one with few."
    ),
}
