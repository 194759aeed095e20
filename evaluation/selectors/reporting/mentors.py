"""The report's "What mentors gained": mentors' own learning goals (rated by the mentor at the start and the close)
and the hours they gave, at group level only. The mean at the start reads the own goals set in the period; the
mean at the close and the gains, the pairings closed in it.

Every figure describes at least 5 mentors or is hidden. The two means are of the goals' self-ratings (1 to 5,
printed to a tenth) and are hidden as well when they read 1.0 or 5.0: under 20 goals such a mean says that every
mentor behind it gave the same rating, which would tell each of them what the others rated. How many mentors rated
themselves higher, the same or lower at the close is a line whose parts add up to a printed total, so it goes
through the disclosure checker like every other table (a small part hidden, and another beside it so that the
total cannot give it back).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Case, CharField, Count, Q, Value, When
from django.utils.translation import gettext_noop

from mentoring.models import Goal, Pairing
from programmes.models import Programme

from ...services import disclosure
from ..privacy import TOTAL, is_small_group
from .helpers import _active_during, _figure, _line, _moment_by, _moment_within, _single, _within
from .periods import Period

CLOSED = (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY)
GAINS = (
    ("higher", gettext_noop("Rated higher at the close")),
    ("same", gettext_noop("Rated the same")),
    ("lower", gettext_noop("Rated lower")),
)
EXTREMES = (1.0, 5.0)


def _closed_in(p: Period) -> Q:
    return Q(pairing__status__in=CLOSED) & _within("pairing__ended_on", p)


def _mentors(programme: Programme, period: Period, prev: Period, hours: tuple[Any, Any]) -> dict[str, Any]:
    """The section's figures and its one table. Two queries: the figures of both periods at once (13) and each
    mentor's mean ratings at both ends for the pairings closed in each period (14)."""
    mine = Goal.objects.filter(pairing__programme=programme, owner=Goal.Owner.MENTOR).order_by()
    aggregates = {}
    for suffix, p in (("cur", period), ("prev", prev)):
        held = _active_during(p, "pairing__") & _moment_by("created_at", p.end)
        # Each mean reads goals of events in the period only (goals set in it; pairings closed in it), so that the
        # period and the one before describe different goals: two means over nearly the same mentors, one more in
        # one of them, would give that mentor's rating away.
        rated = _moment_within("created_at", p) & Q(rating_start__isnull=False)
        closed = _closed_in(p) & Q(rating_end__isnull=False)
        aggregates |= {
            f"{suffix}_mentors": Count("pairing__mentor", distinct=True, filter=held),
            f"{suffix}_start": Avg("rating_start", filter=rated),
            f"{suffix}_start_people": Count("pairing__mentor", distinct=True, filter=rated),
            f"{suffix}_end": Avg("rating_end", filter=closed),
            f"{suffix}_end_people": Count("pairing__mentor", distinct=True, filter=closed),
        }
    row = mine.aggregate(**aggregates)  # query 14
    figures = [
        _figure(
            "mentor_goal_mentors",
            gettext_noop("Mentors with their own learning goals"),
            _single(row["cur_mentors"], row["cur_mentors"]),
            _single(row["prev_mentors"], row["prev_mentors"]),
            note=gettext_noop("in pairings running in the period"),
        ),
        _mean_figure(
            "mentor_rating_start",
            gettext_noop("Mean self-rating at the start"),
            row,
            "start",
            gettext_noop("1 to 5, mentors' own goals set in the period"),
        ),
        _mean_figure(
            "mentor_rating_end",
            gettext_noop("Mean self-rating at the close"),
            row,
            "end",
            gettext_noop("1 to 5, goals of pairings that closed in the period"),
        ),
        _figure(
            "mentoring_hours",
            gettext_noop("Mentoring hours given"),
            *hours,
            unit="h",
            note=gettext_noop("mentors' confirmed sessions: the programme's confirmed hours"),
        ),
    ]
    return {"figures": figures, "tables": [_gains_table(mine, period, prev)]}


def _mean_figure(key: str, label: str, row: dict[str, Any], end: str, note: str) -> dict[str, Any]:
    values = [_mean(row[f"{suffix}_{end}"], row[f"{suffix}_{end}_people"]) for suffix in ("cur", "prev")]
    figure = _figure(key, label, *values, note=note)
    # An empty or all-alike mean reads "hidden", never "fewer than 5", which would be untrue.
    for suffix, field in (("cur", "why"), ("prev", "previous_why")):
        people = row[f"{suffix}_{end}_people"]
        if figure[field] is not None and not is_small_group(people):
            figure[field] = disclosure.PROTECT
    # No goal behind it: empty, not hiding anything (what comparing overlapping periods asks).
    figure["empty"] = row[f"cur_{end}_people"] == 0
    return figure


def _mean(value: Any, people: int) -> float | None:
    if value is None or _single(1, people) is None:
        return None
    shown = round(float(value), 1)
    return None if shown in EXTREMES else shown


def _gains_table(mine, period: Period, prev: Period) -> dict[str, Any]:
    """Mentors whose pairing closed in each period, with their own goals rated at both ends: did their mean rating
    go up, stay or go down? One grouped query, a row per mentor and period (query 15)."""
    bucket = Case(
        When(_closed_in(period), then=Value("cur")),
        When(_closed_in(prev), then=Value("prev")),
        default=Value(""),
        output_field=CharField(),
    )
    rows = (
        mine.filter(rating_start__isnull=False, rating_end__isnull=False)
        .filter(_closed_in(period) | _closed_in(prev))
        .annotate(bucket=bucket)
        .values("bucket", "pairing__mentor")
        .annotate(start=Avg("rating_start"), end=Avg("rating_end"))
    )
    counts = {suffix: {str(label): 0 for _key, label in GAINS} for suffix in ("cur", "prev")}
    labels = dict(GAINS)
    for r in rows:
        if r["bucket"]:
            gain = "higher" if r["end"] > r["start"] else "lower" if r["end"] < r["start"] else "same"
            counts[r["bucket"]][str(labels[gain])] += 1
    people = {suffix: {**counts[suffix], TOTAL: sum(counts[suffix].values())} for suffix in counts}
    table = _line(
        "mentor_gains",
        gettext_noop("Mentors' own goals, the close beside the start"),
        gettext_noop("Mentors"),
        [str(label) for _key, label in GAINS],
        counts,
        people,
        row_total_label=gettext_noop("Mentors whose pairing closed, their goals rated at both ends"),
        kinds=disclosure.PEOPLE,
        note=gettext_noop("Each mentor counts once, by the mean of their own goals' ratings."),
    )
    # Fewer than 5 mentors closed: printed zeros beside a hidden part would say that all of them rated alike
    # ("every mentor who closed rated higher"), which tells each of them what the others rated. Withhold it all.
    for suffix, (value, why) in (("cur", ("value", "why")), ("prev", ("previous", "previous_why"))):
        if is_small_group(people[suffix][TOTAL]):
            for cell in [*table["cells"][0], *table["row_totals"]]:
                cell.update({value: None, why: disclosure.WITHHELD, "change": None})
    return table
