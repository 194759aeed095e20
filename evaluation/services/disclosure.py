"""The disclosure checker: no hidden figure of a committee report can be worked back from what is shown.

Every table of a report (and every survey question's answers) passes through ``protect`` before it is shown or
frozen; the page, the PDF and the CSV print what comes out. The method is statistical disclosure control's audit
of a table by integer programming:

- A *published relation* is anything a reader can write as a sum: a line's cells add up to its printed total; a
  question's answers add up to its printed number of answers; its mean, printed to 2 decimals, puts the sum of the
  answers inside a known interval (``mean_sum_range``).
- A hidden cell is a variable. What its label says bounds it: "fewer than 5" means 1 to 4 people (at least 1
  goal, session or intervention of them; an amount such as minutes at least 0); "hidden" means nobody or at
  least 5 people (0, or at least 5 goals or pairings of them; an amount at least 0). A printed 0 is a 0.
- For each hidden cell, ``scipy.optimize.milp`` finds the smallest and the largest value that fit every published
  relation and every label: the cell's *feasible range*.

The protection rule (the "protection interval"), with p the minimum group size (5):
1. No hidden cell is pinned: its feasible range holds more than one value (for minutes, at least 6 apart: an hour
   printed to a tenth).
2. A cell hidden because it is small keeps a protection interval: a count's range holds at least three values
   (``SMALL_SPREAD``: 1 to 3, 2 to 4, 1 to 4...; the label already says 1 to 4, and two small parts of a small
   total make it at least 2, so "the whole of 1 to 4" cannot be promised), an amount's reaches down to 0, and one
   of hours (minutes) spans at least an hour too (``HOURS_SPREAD``).
3. A cell hidden to protect another reads "hidden", never "fewer than 5" (it may hold 11), so no label states a
   falsehood; its range is never inside 1 to p - 1 (a reader must not learn that it is small).

Where a cell fails, ``protect`` hides more, one step at a time, until every hidden cell passes: the next smallest
printed non-zero cell of a relation the failing cell is in (fewest people, then smallest value; totals last),
then it withholds a printed figure that makes a relation (a mean, then the number of answers). As a last resort
(a table about too few people to show any of it, where small parts of a small total narrow each other down) it
withholds the whole table: every cell, zeros and small ones included, reads "hidden", and nothing ties it
together. The attacker test (``evaluation/tests/test_attacker.py``) checks the result from the CSV alone with an
integer program of its own.

``report_audit`` (``disclosure_published``) audits one report's figures as printed. A committee reads every
report of its programme, so ``joint_protect`` and ``reports_audit`` (``disclosure_joint``) put the figures of all
of them into one program per table (the same figure over the same period, a count over a period inside another no
larger, a count at the same period's end the same; hours, a department's and the headline protected hours, tied
like counts in the period, as printed) and hide more of the report being submitted until no hidden figure of any
of them fails; ``evaluation/tests/test_reports_together.py`` attacks them together.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from scipy.optimize import Bounds, LinearConstraint, milp

# What a cell counts, which decides what its label tells a reader.
PEOPLE = "people"  # a number of people: "fewer than 5" is 1 to 4
PER_PERSON = "per_person"  # things people have (goals, sessions, pairings): at least 1 per person
AMOUNT = "amount"  # an amount (minutes, sessions of a team): at least 0
MINUTES = "minutes"  # an amount printed in hours to a tenth

SMALL = "small"  # hidden because the cell describes 1 to 4 people: reads "fewer than 5"
PROTECT = "protect"  # hidden so that another cell cannot be worked out: reads "hidden"
WITHHELD = "withheld"  # the whole table is withheld (every cell reads "hidden", the small ones too)


@dataclass(frozen=True)
class Cell:
    value: int
    people: int
    kind: str = PEOPLE
    total: bool = False  # a total: hidden only after the cells it adds up
    spread: int = 0  # a printed figure rounded: the true one is within ``spread`` of ``value`` (hours: 3 minutes)


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient * cell)`` lies in ``[low, high]``. ``tags`` name the printed figures it rests on that may
    be withheld (a mean, the number of answers): withholding any of them removes the relation."""

    terms: dict
    low: float
    high: float
    tags: tuple = ()


@dataclass
class Protected:
    hidden: dict = field(default_factory=dict)  # key -> SMALL or PROTECT
    withheld: set = field(default_factory=set)  # tags of relations withheld


# A "fewer than 5" count keeps at least three possible values (say 1 to 3, or 2 to 4): never one, never two.
SMALL_SPREAD = 2
# Hours, in minutes. They are printed to a tenth of an hour (``PRINTED_MINUTES``: 6 minutes, so a printed figure is
# within ``ROUNDED_MINUTES`` of the true one), and a hidden one is pinned when its range is narrower than a tenth.
# The protection interval for hours: a "fewer than 5" figure of hours is the time of 1 to 4 people, so its range
# must reach down to 0 (nothing shown tells that they took any time at all) and span at least ``HOURS_SPREAD``, an
# hour: sessions are logged in minutes and most last about an hour, so a range narrower than that would tell one
# person's time to within a session (say "between 0 and 45 minutes": at most one short session), where a count's
# three values tell a person's sessions to no better than "1 to 3".
PRINTED_MINUTES = 6
ROUNDED_MINUTES = 3
HOURS_SPREAD = 60


def min_group() -> int:
    return settings.TANDEM_MIN_GROUP_SIZE


def is_small(people: int) -> bool:
    return 0 < people < min_group()


def total_relation(members: list, total: Hashable) -> Relation:
    terms = {k: 1 for k in members}
    terms[total] = terms.get(total, 0) - 1
    return Relation(terms, 0, 0)


def mean_sum_range(n: int, mean: float) -> tuple[int, int]:
    """The sums of ``n`` answers whose mean prints as ``mean`` (rounded to 2 decimals, as the report does)."""
    centre = round(n * mean)
    # Every such sum lies within half a hundredth of n (plus rounding) of n * mean: look there, not at all 2n + 1
    # sums around it (a question answered by thousands).
    reach = min(n, n // 100 + 2)
    found = [s for s in range(centre - reach, centre + reach + 1) if round(s / n, 2) == mean]
    return min(found), max(found)


def _domain(cell: Cell, why: str, big: int) -> tuple[int, int, bool]:
    """(lowest, highest, zero-or-at-least-p) for a hidden cell, from what its label tells."""
    p = min_group()
    if cell.kind in (AMOUNT, MINUTES) or why == WITHHELD:
        return 0, big, False
    if why == SMALL:
        return 1, (p - 1 if cell.kind == PEOPLE else big), False
    return 0, big, True


def feasible_ranges(cells: dict, relations: list[Relation], protected: Protected, keys: list | None = None) -> dict:
    """The smallest and largest value of each hidden cell (or of those of ``keys``) over everything published;
    ``None`` when it has none (which only a contradiction in the figures would cause)."""
    names = list(protected.hidden)
    if not names:
        return {}
    index = {k: i for i, k in enumerate(names)}
    big = 4 * sum(abs(c.value) for c in cells.values()) + 100  # above anything a hidden cell could hold here
    switched = [k for k in names if _domain(cells[k], protected.hidden[k], big)[2]]
    size = len(names) + len(switched)
    lower, upper = np.zeros(size), np.ones(size)
    for k in names:
        lower[index[k]], upper[index[k]], _ = _domain(cells[k], protected.hidden[k], big)
    rows, lows, highs = [], [], []
    for relation in relations:
        if any(t in protected.withheld for t in relation.tags):
            continue
        row, constant, slack = np.zeros(size), 0.0, 0.0
        for key, coefficient in relation.terms.items():
            if key in index:
                row[index[key]] += coefficient
            else:
                constant += coefficient * cells[key].value
                slack += abs(coefficient) * cells[key].spread  # a rounded figure: the true one is near it
        if not row.any():
            continue
        rows.append(row)
        lows.append(relation.low - constant - slack)
        highs.append(relation.high - constant + slack)
    p = min_group()
    for j, key in enumerate(switched):  # 0, or from p up: x <= big * z and x >= p * z with z in {0, 1}
        for coefficient, low, high in ((-big, -np.inf, 0), (-p, 0, np.inf)):
            row = np.zeros(size)
            row[index[key]], row[len(names) + j] = 1, coefficient
            rows.append(row)
            lows.append(low)
            highs.append(high)
    constraints = [LinearConstraint(np.array(rows), lows, highs)] if rows else []
    found = {}
    for key in names if keys is None else keys:
        ends = []
        for sign in (1, -1):
            objective = np.zeros(size)
            objective[index[key]] = sign
            result = milp(objective, constraints=constraints, integrality=np.ones(size), bounds=Bounds(lower, upper))
            if result.status != 0:
                ends = None
                break
            ends.append(round(result.x[index[key]]))
        found[key] = tuple(ends) if ends else None
    return found


def failures(cells: dict, relations: list[Relation], protected: Protected) -> list:
    """The hidden cells the published figures give away, under the protection rule above."""
    p = min_group()
    failing = []
    for key, found in feasible_ranges(cells, relations, protected).items():
        cell, why = cells[key], protected.hidden[key]
        if found is None:
            failing.append(key)
            continue
        low, high = found
        resolution = PRINTED_MINUTES if cell.kind == MINUTES else 1
        pinned = high - low < resolution
        counted = cell.kind in (PEOPLE, PER_PERSON)
        narrowed = why == SMALL and (high - low < SMALL_SPREAD if counted else low > 0)
        narrowed = narrowed or (why == SMALL and cell.kind == MINUTES and high - low < HOURS_SPREAD)
        narrowed = narrowed or (why == PROTECT and counted and low >= 1 and high < p)
        if pinned or narrowed:
            failing.append(key)
    return failing


def protect(cells: dict, relations: list[Relation], *, hidden: dict | None = None) -> Protected:
    """Hide what must be hidden so that every hidden cell passes. ``cells`` maps keys to ``Cell``; ``hidden``
    may start the work (a cheaper rule of thumb's choice); small cells are always hidden as small."""
    protected = Protected(hidden=dict(hidden or {}))
    for key, cell in cells.items():
        if is_small(cell.people):
            protected.hidden[key] = SMALL
    order = list(cells)
    while True:
        failing = failures(cells, relations, protected)
        if not failing:
            return protected
        if not _hide_more(cells, relations, protected, failing[0], order):
            # Nothing left to hide around it: the table is about too few people to show any of it. Every cell
            # reads "hidden" (the small ones too, so that "hidden" then says nothing of a size), and every figure
            # that ties it together is withheld.
            protected.hidden = dict.fromkeys(cells, WITHHELD)
            protected.withheld |= {t for r in relations for t in r.tags}
            return protected


def _hide_more(cells: dict, relations: list[Relation], protected: Protected, failing: Hashable, order: list) -> bool:
    active = [r for r in relations if failing in r.terms and not any(t in protected.withheld for t in r.tags)]
    candidates = {
        key for r in active for key in r.terms if key in cells and key not in protected.hidden and cells[key].value != 0
    }
    if candidates:
        key = min(candidates, key=lambda k: (cells[k].total, cells[k].people, cells[k].value, order.index(k)))
        protected.hidden[key] = PROTECT
        return True
    for r in active:
        for tag in r.tags:
            if tag not in protected.withheld:
                protected.withheld.add(tag)
                return True
    return False
