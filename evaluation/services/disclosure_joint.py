"""Every report of a programme read together by the disclosure checker.

The committee reads every submitted report of its programme, so the figures of all of them make one integer
program. Each report prints a table for its period (its "value" column) and for the period before (its
"previous" column): each is a *view* of the table over a period. Views of the same table are tied together:
- over the same period, a figure is the same figure (the same table printed in two reports);
- over a period inside another, a count of things in the period (sessions, interventions, pairings running, ...)
  cannot be more in the shorter period: the longer one's figure is the shorter one's plus a non-negative unknown
  (the days only the longer one covers);
- a count at the period's end (participants, check-in states, goal statuses) is the same figure when both
  periods end on the same day, and unrelated otherwise.
The report being submitted is then hidden further (its cells only: the others are frozen and read already) until
no hidden figure of any report fails the protection rule, counting only what its own earlier reports did not
already give away.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .disclosure import (
    MINUTES,
    PRINTED_MINUTES,
    PROTECT,
    SMALL,
    WITHHELD,
    Protected,
    Relation,
    failures,
    feasible_ranges,
)
from .disclosure_published import _name, _printed, _published_question, _published_table, _why

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
    by_key = _views_by_key(snapshots)
    for table_key, all_views in by_key.items():
        included = _tied_views(all_views, mine_id)
        if len(included) < 2:
            continue
        cells, relations, protected, mine, views = {}, [], Protected(), set(), {}
        own: list = []
        for sid, column, span, table in included:
            view = (sid, column, table_key)
            views[view] = (snapshots[sid], table, column)
            t_cells, t_relations, t_protected = _view_program(table_key, table, column)
            cells |= {(view, k): c for k, c in t_cells.items()}
            protected.hidden |= {(view, k): why for k, why in t_protected.hidden.items()}
            relations += [
                Relation({(view, k): c for k, c in r.terms.items()}, r.low, r.high, tuple((view, t) for t in r.tags))
                for r in t_relations
            ]
            own.append((view, span, t_cells))
            if sid == mine_id:
                mine |= {(view, k) for k in t_cells}
        relations += _span_relations(table_key, own)
        yield cells, relations, protected, mine, views


def _views_by_key(snapshots: list[dict]) -> dict:
    """Every view of each table (and of each question's answers and each hours figure) in the snapshots, by the
    table's key: (snapshot id, column, span, table)."""
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
    return by_key


def _tied(a: tuple, b: tuple) -> bool:
    """Two views whose spans nest (one within the other)."""
    (s1, e1), (s2, e2) = a[2], b[2]
    return (s1 <= s2 and e2 <= e1) or (s2 <= s1 and e1 <= e2)


def _tied_views(all_views: list, mine_id: int) -> list:
    """The submitted report's views of a table and every view tied to them, directly or through another."""
    included = [v for v in all_views if v[0] == mine_id]
    if not included:
        return included
    changed = True
    while changed:
        changed = False
        for v in all_views:
            if v not in included and any(_tied(v, w) for w in included):
                included.append(v)
                changed = True
    return included


def _view_program(table_key: Any, table: dict, column: str) -> tuple[dict, list, Protected]:
    """One view's cells, relations and hidden cells, keyed as in its table (a figure, a question or a table)."""
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
    return t_cells, t_relations, t_protected


def _span_relations(table_key: Any, own: list) -> list:
    """What ties the views of a table over spans that nest: the same period's cells are equal; an outer span's
    count is at least an inner one's (a figure at the period's end only equal when the two end together)."""
    relations = []
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
    return relations


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
        settled: dict = {}  # this report's figures the other reports pin down alone (True) or not (False)
        while True:
            failing = [k for k in failures(cells, relations, protected) if k not in (ignore or ())]
            if failing and ignore is None and any(k not in mine for k in failing):
                ignore = _already_given(cells, relations, protected, mine)
                continue
            if not failing:
                break
            key = failing[0]
            near = {k for r in relations if key in r.terms for k in r.terms}
            # Only a figure tied to the failing one, however indirectly, can protect it: this report's views over
            # a period nested in no other report's (its own period, say) are left alone.
            tied = _linked(relations, protected, key)
            # A shown 0 tells of nobody, except hours: no time taken is a figure about the people who took none.
            shown = [k for k in mine if k in tied and k not in protected.hidden and k not in public
                     and (cells[k].value != 0 or cells[k].kind == MINUTES)]  # fmt: skip
            candidates = [k for k in shown if k in near] or [k for k in shown if k[1] == key[1]] or shown
            candidates.sort(key=lambda k: (k[1][0] == "__total__" or k[1][1] == "__total__",
                                           cells[k].value == 0, cells[k].value, order.index(k)))  # fmt: skip
            pick = next((k for k in candidates if not _settled(cells, relations, protected, mine, [k], settled)), None)
            if pick is not None:
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
                settled.clear()  # a relation fewer: what the other reports pinned down may be loose again
                continue
            # Last, this report's views of the table (or question) tied to the failing figure withheld whole: every
            # figure but its zeros (a zero tied to a zero of the other report would come back as 0: it describes
            # nobody, so it stays) and those the earlier reports give already (one prints it for the same period,
            # or pins it down: hours inside an earlier period's printed 0.0, say): hidden, they would come back.
            tied_views = {k[0] for k in tied}
            whole = [k for k in mine if k[0] in tied_views
                     and (k in protected.hidden or (cells[k].value != 0 and k not in public))]  # fmt: skip
            given = _settled(
                cells, relations, protected, mine, [k for k in whole if k not in protected.hidden], settled
            )
            whole = [k for k in whole if k not in given]
            if all(protected.hidden.get(k) == WITHHELD for k in whole):
                break  # nothing of this report left to hide: the audit at submission refuses it
            for k in whole:
                protected.hidden[k] = WITHHELD
                _hide(views[k[0]], k[1], WITHHELD)
    _sync_headlines(current)


def _linked(relations: list, protected: Protected, key: Any) -> set:
    """Every figure tied to ``key`` through published relations, directly or through others."""
    neighbours: dict = {}
    for relation in relations:
        if not any(t in protected.withheld for t in relation.tags):
            for k in relation.terms:
                neighbours.setdefault(k, set()).update(relation.terms)
    found, todo = {key}, [key]
    while todo:
        for k in neighbours.get(todo.pop(), ()):
            if k not in found:
                found.add(k)
                todo.append(k)
    return found


def _settled(cells: dict, relations: list, protected: Protected, mine: set, keys: list, known: dict) -> set:
    """Those of ``keys`` (shown figures of this report) that the other reports pin down on their own, every figure
    of this report taken as unknown: hiding one protects nothing (a reader works it out without it), and a
    hidden figure pinned down fails the audit. ``known`` keeps the answers already found."""
    todo = [k for k in keys if k not in known]
    if todo:
        unknown = {k: w for k, w in protected.hidden.items() if k not in mine} | dict.fromkeys(mine, WITHHELD)
        free = Protected(hidden=unknown, withheld=set(protected.withheld))
        for k, found in feasible_ranges(cells, relations, free, keys=todo).items():
            resolution = PRINTED_MINUTES if cells[k].kind == MINUTES else 1
            known[k] = found is not None and found[1] - found[0] < resolution
    return {k for k in keys if known[k]}


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
