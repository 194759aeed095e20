"""Reads of a round's objectives: what each objective would give on the round's cohort, the price of each
choice in words, and the chart's bars. Pure: everything comes from the round's row (``MatchRound.comparison``),
so the round page runs no query for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, ngettext

from mentoring.models import OBJECTIVE_DESCRIPTIONS, MatchRound, Objective


@dataclass
class ObjectiveOption:
    """One objective as the run form offers it."""

    value: str
    label: str
    description: str


def objective_options() -> list[ObjectiveOption]:
    return [
        ObjectiveOption(value, str(label), str(OBJECTIVE_DESCRIPTIONS[value])) for value, label in Objective.choices
    ]


@dataclass
class ObjectiveResult:
    """What one objective gives on the round's cohort, against the objective that ran."""

    value: str
    label: str
    description: str
    matched: int | None
    total: int | None
    worst: int | None
    blocking: int | None
    ran: bool
    price: str  # the difference from the objective that ran, in words ("" for that one)
    matched_width: int  # percent of the largest among the objectives, for the chart
    total_width: int


def _number(values: Mapping[str, Any], key: str) -> int | None:
    value = values.get(key)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def price_in_words(label: str, this: Mapping[str, int | None], ran: Mapping[str, int | None]) -> str:
    """ "Most people matched: 2 more people matched, total 14 lower": what choosing this objective instead of the
    one that ran would change."""
    changes = []
    if this["matched"] is not None and ran["matched"] is not None and this["matched"] != ran["matched"]:
        difference = this["matched"] - ran["matched"]
        if difference > 0:
            words = ngettext("%(count)s more person matched", "%(count)s more people matched", difference)
        else:
            words = ngettext("%(count)s fewer person matched", "%(count)s fewer people matched", -difference)
        changes.append(words % {"count": abs(difference)})
    if this["total"] is not None and ran["total"] is not None and this["total"] != ran["total"]:
        difference = this["total"] - ran["total"]
        changes.append(
            (gettext("total %(count)s higher") if difference > 0 else gettext("total %(count)s lower"))
            % {"count": abs(difference)}
        )
    if this["worst"] is not None and ran["worst"] is not None and this["worst"] != ran["worst"]:
        difference = this["worst"] - ran["worst"]
        changes.append(
            (gettext("worst pair %(count)s better") if difference > 0 else gettext("worst pair %(count)s worse"))
            % {"count": abs(difference)}
        )
    if this["blocking"] is not None and ran["blocking"] is not None and this["blocking"] != ran["blocking"]:
        difference = this["blocking"] - ran["blocking"]
        if difference > 0:
            words = ngettext("%(count)s more blocking pair", "%(count)s more blocking pairs", difference)
        else:
            words = ngettext("%(count)s fewer blocking pair", "%(count)s fewer blocking pairs", -difference)
        changes.append(words % {"count": abs(difference)})
    if not changes:
        return gettext("%(objective)s: the same result") % {"objective": label}
    return gettext("%(objective)s: %(changes)s") % {
        "objective": label,
        "changes": ", ".join(changes),
    }


def _width(value: int | None, largest: int) -> int:
    if not value or largest <= 0:
        return 0
    return max(1, round(100 * value / largest))


def round_comparison(match_round: MatchRound) -> list[ObjectiveResult]:
    """Each objective the round compared, in Tandem's order; empty for a round run before objectives were
    compared."""
    stored = match_round.comparison if isinstance(match_round.comparison, dict) else {}
    found = {
        value: {key: _number(stored[value], key) for key in ("matched", "total", "worst", "blocking")}
        for value in Objective.values
        if isinstance(stored.get(value), dict)
    }
    if not found:
        return []
    ran = found.get(match_round.objective)
    most_matched = max((v["matched"] or 0 for v in found.values()), default=0)
    largest_total = max((v["total"] or 0 for v in found.values()), default=0)
    results = []
    for value, label in Objective.choices:
        if value not in found:
            continue
        values = found[value]
        is_ran = value == match_round.objective
        results.append(
            ObjectiveResult(
                value=value,
                label=str(label),
                description=str(OBJECTIVE_DESCRIPTIONS[value]),
                ran=is_ran,
                price="" if is_ran or ran is None else price_in_words(str(label), values, ran),
                matched_width=_width(values["matched"], most_matched),
                total_width=_width(values["total"], largest_total),
                **values,
            )
        )
    return results


BAR_SPACE = 220  # of the chart's 320 units: the rest holds each bar's number
ROW_HEIGHT = 44


def comparison_chart(results: list[ObjectiveResult]) -> dict[str, Any]:
    """Coordinates of the small bar chart beside the comparison table: per objective, a bar for the people
    matched and one for the total, each as a share of the largest."""
    rows = []
    for i, result in enumerate(results):
        top = 22 + i * ROW_HEIGHT
        matched_width = round(BAR_SPACE * result.matched_width / 100)
        total_width = round(BAR_SPACE * result.total_width / 100)
        rows.append(
            {
                "result": result,
                "label_y": top + 10,
                "matched_y": top + 15,
                "matched_width": matched_width,
                "matched_text_x": matched_width + 4,
                "matched_text_y": top + 24,
                "total_y": top + 28,
                "total_width": total_width,
                "total_text_x": total_width + 4,
                "total_text_y": top + 37,
            }
        )
    return {"width": 320, "height": 26 + len(results) * ROW_HEIGHT, "rows": rows}
