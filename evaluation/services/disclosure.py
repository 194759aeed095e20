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

A committee reads every report of its programme, so ``joint_protect`` and ``reports_audit`` (below) put the figures
of all of them into one program per table (the same figure over the same period, a count over a period inside
another no larger, a count at the same period's end the same; hours, a department's and the headline protected
hours, tied like counts in the period, as printed) and hide more of the report being submitted until
no hidden figure of any of them fails; ``evaluation/tests/test_reports_together.py`` attacks them together.
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
    found = [s for s in range(centre - n, centre + n + 1) if round(s / n, 2) == mean]
    return min(found), max(found)


def _domain(cell: Cell, why: str, big: int) -> tuple[int, int, bool]:
    """(lowest, highest, zero-or-at-least-p) for a hidden cell, from what its label tells."""
    p = min_group()
    if cell.kind in (AMOUNT, MINUTES) or why == WITHHELD:
        return 0, big, False
    if why == SMALL:
        return 1, (p - 1 if cell.kind == PEOPLE else big), False
    return 0, big, True


def feasible_ranges(cells: dict, relations: list[Relation], protected: Protected) -> dict:
    """The smallest and largest value of each hidden cell over everything published; ``None`` when it has none
    (which only a contradiction in the figures would cause)."""
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
    for key in names:
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


# --- The audit of a report's published figures (run when a report is submitted) ----------------------------------


def report_audit(data: dict) -> list[str]:
    """What a reader could work out from a report's figures as published (its snapshot): one line per hidden
    figure the published figures give away; none is a pass. It reads only what is printed, like the attacker, so
    it checks what the page, the PDF and the CSV show (hours as printed, to a tenth: within 3 minutes)."""
    found = []
    tables = [t for section in data["sections"] for t in section["tables"]] + [data["team"]]
    for table in tables:
        for period in ("value", "previous") if table.get("compared", True) else ("value",):
            cells, relations, protected = _published_table(table, period)
            found += [f"{table['title']}: {_name(key)}" for key in failures(cells, relations, protected)]
    for question in data["surveys"]["questions"]:
        cells, relations, protected = _published_question(question)
        found += [f"{question['question']}: {key}" for key in failures(cells, relations, protected)]
    return found


def _name(key: tuple) -> str:
    return " / ".join("Total" if part == "__total__" else str(part) for part in key)


def _why(cell: dict, period: str) -> str:
    why = cell.get("why" if period == "value" else "previous_why")
    return why or SMALL


def _published_table(table: dict, period: str) -> tuple[dict, list, Protected]:
    total = "__total__"
    rows, cols = table["rows"], table["cols"]
    kinds = dict(zip(cols, table.get("kinds") or [PEOPLE] * len(cols), strict=True))
    groups = table.get("groups") or [cols]
    grid = {(r, c): table["cells"][i][j] for i, r in enumerate(rows) for j, c in enumerate(cols)}
    if table["row_totals"]:
        grid |= {(r, total): table["row_totals"][i] for i, r in enumerate(rows)}
    if table["col_totals"]:
        grid |= {(total, c): table["col_totals"][j] for j, c in enumerate(cols)}
    if table.get("total"):
        grid[total, total] = table["total"]
    row_kind = kinds[groups[0][0]] if cols else PEOPLE
    cells, protected = {}, Protected()
    for key, cell in grid.items():
        kind = kinds[key[1]] if key[1] != total else row_kind
        value = cell[period]
        cells[key] = _printed(value, kind)
        if value is None:
            protected.hidden[key] = _why(cell, period)
    relations = []

    def line(members: list, key: tuple) -> None:
        if key in cells and all(m in cells for m in members):
            relations.append(total_relation(members, key))

    if table["row_totals"]:
        for r in rows:
            for group in groups:
                line([(r, c) for c in group], (r, total))
        line([(r, total) for r in rows], (total, total))
    if table["col_totals"]:
        for c in cols:
            line([(r, c) for r in rows], (total, c))
        if table["row_totals"]:
            for group in groups:
                line([(total, c) for c in group], (total, total))
    return cells, relations, protected


def _printed(value: float | None, kind: str) -> Cell:
    """A printed figure as the checker reads it: hours in minutes, within 3 of the truth (printed to a tenth)."""
    if kind == MINUTES:
        return Cell(
            value=round((value or 0) * 60), people=0, kind=MINUTES, spread=0 if value is None else ROUNDED_MINUTES
        )
    return Cell(value=value or 0, people=0, kind=kind)


def _published_question(question: dict) -> tuple[dict, list, Protected]:
    cells, protected, relations = {}, Protected(), []
    for d in question["distribution"] or []:
        cells[d["label"]] = Cell(value=d["value"] or 0, people=0)
        if d["value"] is None:
            protected.hidden[d["label"]] = d.get("why") or SMALL
    n, mean = question["answers"], question["mean"]
    if cells and n is not None:
        relations.append(Relation(dict.fromkeys(cells, 1), n, n))
        if mean is not None and all(label.isdigit() for label in cells):
            low, high = mean_sum_range(n, mean)
            relations.append(Relation({label: int(label) for label in cells}, low, high))
    return cells, relations, protected


# --- Every report of a programme read together (issue 14, points 3 and 5) -----------------------------------------
#
# The committee reads every submitted report of its programme, so the figures of all of them make one integer
# program. Each report prints a table for its period (its "value" column) and for the period before (its
# "previous" column): each is a *view* of the table over a period. Views of the same table are tied together:
# - over the same period, a figure is the same figure (the same table printed in two reports);
# - over a period inside another, a count of things in the period (sessions, interventions, pairings running, ...)
#   cannot be more in the shorter period: the longer one's figure is the shorter one's plus a non-negative unknown
#   (the days only the longer one covers);
# - a count at the period's end (participants, check-in states, goal statuses) is the same figure when both
#   periods end on the same day, and unrelated otherwise.
# The report being submitted is then hidden further (its cells only: the others are frozen and read already) until
# no hidden figure of any report fails the protection rule, counting only what its own earlier reports did not
# already give away.

AT_PERIOD_END = {"participants", "checkin_states", "goals_by_status"}
TEAM_AT_PERIOD_END = {"Participants"}
# Headline figures in hours (time allocated or taken in the period's months or days, summed over its people): each
# is a one-figure table, tied across reports like a department's confirmed hours (the same period: the same figure;
# a period inside another: no more). Printed to a tenth of an hour, read in minutes within 3 of the truth.
HOURS_FIGURES = {"hours_allocated", "hours_used"}


def _tables(snapshot: dict) -> list[dict]:
    return [t for s in snapshot["sections"] for t in s["tables"]] + [snapshot["team"]]


def _span(snapshot: dict, column: str) -> tuple[str, str]:
    p = snapshot["period" if column == "value" else "previous"]
    return p["start"], p["end"]


def _at_end(table_key: str, key: tuple) -> bool:
    return table_key in AT_PERIOD_END or (table_key == "team" and key[1] in TEAM_AT_PERIOD_END)


def _joint_programs(current: dict, earlier: list[dict]):
    """Per table of the report being submitted: (cells, relations, protected, mine, views) over every view of it
    in the programme's reports that its views are tied to. Keys are (view, cell key); ``mine`` are the keys of the
    report being submitted; ``views`` maps a view to (snapshot, table, column)."""
    snapshots = [*earlier, current]
    mine_id = len(earlier)
    by_key: dict = {}
    for sid, snapshot in enumerate(snapshots):
        for table in _tables(snapshot):
            for column in ("value", "previous") if table.get("compared", True) else ("value",):
                if snapshot.get("period" if column == "value" else "previous") and table.get("key"):
                    by_key.setdefault(table["key"], []).append((sid, column, _span(snapshot, column), table))
    for sid, snapshot in enumerate(snapshots):
        if not snapshot.get("period"):
            continue
        for q in snapshot.get("surveys", {}).get("questions", []):
            if q.get("distribution"):  # the answers of the rounds closing in the period (the previous ones: not shown)
                key = ("question", q.get("survey"), q.get("question"))
                by_key.setdefault(key, []).append((sid, "value", _span(snapshot, "value"), q))
        for section in snapshot["sections"]:
            for figure in section["figures"]:
                if figure["key"] in HOURS_FIGURES:
                    for column in ("value", "previous"):
                        if snapshot.get("period" if column == "value" else "previous"):
                            entry = (sid, column, _span(snapshot, column), figure)
                            by_key.setdefault(("figure", figure["key"]), []).append(entry)
    for table_key, all_views in by_key.items():
        included = [v for v in all_views if v[0] == mine_id]
        if not included:
            continue

        def tied(a: tuple, b: tuple) -> bool:
            (s1, e1), (s2, e2) = a[2], b[2]
            return (s1 <= s2 and e2 <= e1) or (s2 <= s1 and e1 <= e2)

        changed = True
        while changed:
            changed = False
            for v in all_views:
                if v not in included and any(tied(v, w) for w in included):
                    included.append(v)
                    changed = True
        if len(included) < 2:
            continue
        cells, relations, protected, mine, views = {}, [], Protected(), set(), {}
        own: list = []
        for sid, column, span, table in included:
            view = (sid, column, table_key)
            views[view] = (snapshots[sid], table, column)
            if isinstance(table_key, tuple) and table_key[0] == "figure":
                t_cells = {("figure", table_key[1]): _printed(table[column], MINUTES)}
                t_relations, t_protected = [], Protected()
                if table[column] is None:
                    t_protected.hidden[("figure", table_key[1])] = _why(table, column)
            elif isinstance(table_key, tuple):
                t_cells, t_relations, t_protected = _published_question(table)
                t_cells = {("answers", k): c for k, c in t_cells.items()}
                t_protected.hidden = {("answers", k): w for k, w in t_protected.hidden.items()}
                t_relations = [Relation({("answers", k): c for k, c in r.terms.items()}, r.low, r.high)
                               for r in t_relations]  # fmt: skip
            else:
                t_cells, t_relations, t_protected = _published_table(table, column)
            cells |= {(view, k): c for k, c in t_cells.items()}
            protected.hidden |= {(view, k): why for k, why in t_protected.hidden.items()}
            relations += [
                Relation({(view, k): c for k, c in r.terms.items()}, r.low, r.high, tuple((view, t) for t in r.tags))
                for r in t_relations
            ]
            own.append((view, span, t_cells))
            if sid == mine_id:
                mine |= {(view, k) for k in t_cells}
        for i, (view_a, span_a, cells_a) in enumerate(own):
            for view_b, span_b, cells_b in own[i + 1 :]:
                if span_a == span_b:
                    outer = inner = None
                elif span_a[0] <= span_b[0] and span_b[1] <= span_a[1]:
                    outer, inner = view_a, view_b
                elif span_b[0] <= span_a[0] and span_a[1] <= span_b[1]:
                    outer, inner = view_b, view_a
                else:
                    continue
                same_end = span_a[1] == span_b[1]
                for key in cells_a.keys() & cells_b.keys():
                    at_end = not isinstance(table_key, tuple) and _at_end(table_key, key)
                    if outer is None or (at_end and same_end):
                        relations.append(Relation({(view_a, key): 1, (view_b, key): -1}, 0, 0))
                    elif not at_end:
                        relations.append(Relation({(outer, key): 1, (inner, key): -1}, 0, np.inf))
        yield cells, relations, protected, mine, views


def _printed_elsewhere(cells: dict, relations: list, protected: Protected, mine: set) -> set:
    """This report's shown figures that an earlier report prints too (the same figure over the same period): hiding
    them protects nothing (the earlier report shows them), and a hidden one would come straight back."""
    found = set()
    for relation in relations:
        if relation.low == relation.high == 0 and sorted(relation.terms.values()) == [-1, 1]:
            a, b = relation.terms
            for here, there in ((a, b), (b, a)):
                if (
                    here in mine
                    and there not in mine
                    and there not in protected.hidden
                    and here not in protected.hidden
                ):
                    found.add(here)
    return found


def _already_given(cells: dict, relations: list, protected: Protected, mine: set) -> set:
    """What the earlier reports, read together without this one, give away already (nothing this report can mend)."""
    views = {k[0] for k in mine}
    theirs = {k: c for k, c in cells.items() if k[0] not in views}
    kept = [r for r in relations if not any(k[0] in views for k in r.terms)]
    hidden = Protected(hidden={k: w for k, w in protected.hidden.items() if k in theirs})
    return set(failures(theirs, kept, hidden)) if hidden.hidden else set()


def joint_protect(current: dict, earlier: list[dict]) -> None:
    """Hide more of ``current`` (a report's figures, as ``report_figures`` makes them) until no hidden figure of it
    or of the ``earlier`` reports' frozen figures can be worked out from all of them read together."""
    for cells, relations, protected, mine, views in _joint_programs(current, earlier):
        ignore = None
        order = list(cells)
        public = _printed_elsewhere(cells, relations, protected, mine)
        while True:
            failing = [k for k in failures(cells, relations, protected) if k not in (ignore or ())]
            if failing and ignore is None and any(k not in mine for k in failing):
                ignore = _already_given(cells, relations, protected, mine)
                continue
            if not failing:
                break
            key = failing[0]
            near = {k for r in relations if key in r.terms for k in r.terms}
            # A shown 0 tells of nobody, except hours: no time taken is a figure about the people who took none.
            shown = [k for k in mine if k not in protected.hidden and k not in public
                     and (cells[k].value != 0 or cells[k].kind == MINUTES)]  # fmt: skip
            candidates = [k for k in shown if k in near] or [k for k in shown if k[1] == key[1]] or shown
            if candidates:
                pick = min(candidates, key=lambda k: (k[1][0] == "__total__" or k[1][1] == "__total__",
                                                      cells[k].value == 0, cells[k].value, order.index(k)))  # fmt: skip
                protected.hidden[pick] = PROTECT
                _hide(views[pick[0]], pick[1])
                continue
            # Then a printed figure of this report that makes a relation (a mean, then the number of answers).
            tags = [t for r in relations if key in r.terms for t in r.tags if t[0] in mine_views(mine)]
            tags += [t for r in relations for t in r.tags if t[0] in mine_views(mine)]
            tags = [t for t in tags if t not in protected.withheld]
            if tags:
                protected.withheld.add(tags[0])
                _withhold(views[tags[0][0]], tags[0][1])
                continue
            # Last, this report's views of the table (or question) withheld whole: every figure but its zeros (a
            # zero tied to a zero of the other report would come back as 0: it describes nobody, so it stays) and
            # those an earlier report prints for the same period (public already: hidden, they would come back).
            whole = [k for k in mine if k in protected.hidden or (cells[k].value != 0 and k not in public)]
            if all(protected.hidden.get(k) == WITHHELD for k in whole):
                break  # nothing of this report left to hide: the audit at submission refuses it
            for k in whole:
                protected.hidden[k] = WITHHELD
                _hide(views[k[0]], k[1], WITHHELD)
    _sync_headlines(current)


def mine_views(mine: set) -> set:
    return {k[0] for k in mine}


def _withhold(view: tuple, tag: str) -> None:
    """Withhold a survey question's mean or number of answers (the only printed figures that carry a tag)."""
    _snapshot, question, _column = view
    if tag == "mean":
        question.update(mean=None, previous_mean=None, change=None, mean_withheld=True)
    elif tag == "answers":
        question.update(answers=None, answers_why=PROTECT)


def _hide(view: tuple, key: tuple, why: str = PROTECT) -> None:
    _snapshot, table, column = view
    if "rows" not in table and "distribution" not in table:  # a headline figure
        table.update({column: None, "why" if column == "value" else "previous_why": why, "change": None})
        return
    if "distribution" in table:  # a survey question: its answers by label
        entry = next(d for d in table["distribution"] if d["label"] == key[1])
        entry.update(value=None, why=why)
        if why == WITHHELD:
            _withhold(view, "mean")
            _withhold(view, "answers")
        return
    total = "__total__"
    r, c = key
    if r == total and c == total:
        cell = table["total"]
    elif r == total:
        cell = table["col_totals"][table["cols"].index(c)]
    elif c == total:
        cell = table["row_totals"][table["rows"].index(r)]
    else:
        cell = table["cells"][table["rows"].index(r)][table["cols"].index(c)]
    cell[column] = None
    cell["why" if column == "value" else "previous_why"] = why
    cell["change"] = None


HEADLINES = {"active_pairings": "Active pairings", "sessions": "Sessions held"}


def _sync_headlines(snapshot: dict) -> None:
    """A table's total printed again as a headline figure is the same figure: hidden where the table hides it."""
    team = snapshot["team"]
    for section in snapshot["sections"]:
        for figure in section["figures"]:
            if figure["key"] in HEADLINES and team["col_totals"]:
                cell = team["col_totals"][team["cols"].index(HEADLINES[figure["key"]])]
                for column in ("value", "previous"):
                    if cell[column] is None and figure[column] is not None:
                        why = "why" if column == "value" else "previous_why"
                        figure.update({column: None, why: cell[why], "change": None})


def reports_audit(current: dict, earlier: list[dict]) -> list[str]:
    """What a reader of every report of the programme could work out that the earlier ones alone did not give
    away: one line per hidden figure; none is a pass."""
    found = []
    for cells, relations, protected, mine, views in _joint_programs(current, earlier):
        failing = failures(cells, relations, protected)
        if failing:
            ignore = _already_given(cells, relations, protected, mine)
            for view, key in failing:
                if (view, key) not in ignore:
                    snapshot, table, column = views[view]
                    when = snapshot["period" if column == "value" else "previous"]["label"]
                    if "label" in table:  # a headline figure
                        found.append(f"{table['label']} ({when})")
                        continue
                    title = table.get("title") or table.get("question")
                    found.append(f"{title} ({when}): {_name(key)}")
    return found


def previous_from_report(figures: dict, before: dict) -> None:
    """Print, as the previous period's figures, what that period's own report froze (``before``), not a recount:
    the same table then reads the same in both reports, and re-running a report gives the same figures."""
    old_figures = {f["key"]: f for s in before["sections"] for f in s["figures"]}
    for section in figures["sections"]:
        for figure in section["figures"]:
            _copy_previous(figure, old_figures.get(figure["key"]))
    old_tables = {t.get("key"): t for t in _tables(before)}
    for table in _tables(figures):
        if not table.get("compared", True):
            continue
        old = old_tables.get(table["key"])
        for cell, old_cell in _table_cells(table, old):
            _copy_previous(cell, old_cell)
    surveys, old_surveys = figures["surveys"], before["surveys"]
    _copy_previous(surveys["responses"], old_surveys["responses"])
    old_questions = {(q.get("survey"), q.get("question")): q for q in old_surveys.get("questions", [])}
    for q in surveys["questions"]:
        old = old_questions.get((q.get("survey"), q.get("question")))
        q["previous_mean"] = old["mean"] if old else None
        both = q["mean"] is not None and q["previous_mean"] is not None
        q["change"] = round(q["mean"] - q["previous_mean"], 2) if both else None


def _table_cells(table: dict, old: dict | None) -> list[tuple[dict, dict | None]]:
    """Each cell dict of ``table`` beside the cell of ``old`` at the same row and column (``None`` if it has none)."""
    pairs = []

    def find(kind: str, r: str | None, c: str | None) -> dict | None:
        if old is None:
            return None
        try:
            if kind == "cell":
                return old["cells"][old["rows"].index(r)][old["cols"].index(c)]
            if kind == "row":
                return (old["row_totals"] or [])[old["rows"].index(r)]
            if kind == "col":
                return (old["col_totals"] or [])[old["cols"].index(c)]
            return old["total"]
        except (ValueError, IndexError):
            return None

    for i, r in enumerate(table["rows"]):
        for j, c in enumerate(table["cols"]):
            pairs.append((table["cells"][i][j], find("cell", r, c)))
        if table["row_totals"]:
            pairs.append((table["row_totals"][i], find("row", r, None)))
    for j, c in enumerate(table["cols"]):
        if table["col_totals"]:
            pairs.append((table["col_totals"][j], find("col", None, c)))
    if table.get("total"):
        pairs.append((table["total"], find("total", None, None)))
    return pairs


def _copy_previous(cell: dict, old: dict | None) -> None:
    if old is None:
        cell.update(previous=None, previous_why=PROTECT, change=None)
        return
    value = old["value"]
    cell["previous"] = value
    cell["previous_why"] = None if value is not None else old.get("why") or SMALL
    if cell["value"] is None or value is None:
        cell["change"] = None
    else:
        change = cell["value"] - value
        cell["change"] = round(change, 1) if isinstance(change, float) else change
