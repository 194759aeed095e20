"""An attacker who holds a committee report's CSV and tries to solve every hidden cell back.

Written apart from ``evaluation.services.disclosure`` on purpose (it imports nothing of the checker): it reads only
what the committee downloads, knows the report's public layout (which columns add up to which total, what a label
means), and runs its own integer programs with ``scipy.optimize.milp``. For each hidden cell it finds the smallest and
the largest value that fit everything published. It wins when a hidden cell comes out as a single value, or when
a "hidden" cell is proven to be between 1 and 4, or a "fewer than 5" count is narrowed to fewer than three
possible values (the protection interval the README promises).

What it assumes, as an attacker who has read the README would:
- a cell reading "fewer than 5" is about 1 to 4 people: a count of people is 1 to 4, a count of things those
  people did (goals, sessions, interventions, pairings) is at least 1; an amount (hours, sessions of a team) at
  least 0;
- a cell reading "hidden" is about nobody or at least 5 people: a count of people or of their things is 0 or at
  least 5; except in a table withheld whole, where every cell reads "hidden" (the README says so), which tells
  nothing of a size;
- a 0 is printed as 0; a mean printed with 2 decimals puts the sum of the answers within half a hundredth of it;
- hours are printed to a tenth: a printed figure is within 3 minutes of the true one. A "fewer than 5" hours figure
  is the time of 1 to 4 people: the attacker wins when it proves them to have taken some time (the range does not
  reach 0) or pins their time to within an hour (``HOURS_SPREAD``, the README's protection interval for hours).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

SMALL = "fewer than 5"
HIDDEN = "hidden"
WITHHELD = "hidden, in a table withheld whole"  # what the attacker makes of "hidden" there: nothing of a size
BIG = 10**5
# Hours: printed to a tenth (6 minutes; within 3 of the truth); a "fewer than 5" hours figure must keep a range
# from 0 to at least an hour (the README's protection interval for hours).
ROUNDING = 3
HOURS_SPREAD = 60
# Headline figures in hours (no table): what the README says they are, each a sum over the period's people.
HOURS_FIGURES = {"Protected hours allocated", "Protected hours used"}

# The report's public layout: a table's row total (its last column when it has one), the groups of columns that
# each add up to it, and what each column counts.
LAYOUT = {
    "Participants at the period's end": {
        "row_total": "Participants",
        "groups": [["In a pairing", "Not in a pairing"], ["Training met", "Training not met"]],
        "kind": "people",
    },
    "Sessions held by month": {"row_total": "Sessions held", "kind": "things"},
    "Check-in states at the period's end": {"row_total": "Active pairings with a check-in schedule", "kind": "people"},
    "Pairings ended early, by reason": {"row_total": "Ended early", "kind": "people"},
    "Goals by status at the period's end": {"row_total": "Goals", "kind": "things"},
    "Interventions recorded, by kind": {"row_total": "Interventions", "kind": "things"},
    "Mentors' own goals, the close beside the start": {
        "row_total": "Mentors whose pairing closed, their goals rated at both ends",
        "kind": "people",
    },
    "Participants, pairings, sessions and hours by department": {
        "row_total": None,
        "kinds": {
            "Participants": "people",
            "Active pairings": "things",
            "Sessions held": "amount",
            "Confirmed hours": "hours",
        },
    },
}


@dataclass
class Var:
    name: str
    label: str  # SMALL or HIDDEN
    kind: str  # people, things, amount, hours


@dataclass
class Problem:
    """Hidden cells as variables; each equation: sum(coef * var) + constant within [lo, hi]."""

    title: str
    variables: dict[str, Var] = field(default_factory=dict)
    equations: list[tuple[dict[str, float], float, float]] = field(default_factory=list)
    # A table's cells as printed, (row, metric) -> (variable name, 0) or (None, value), and what each metric counts:
    # what reading two reports together needs.
    cells: dict[tuple[str, str], tuple[str | None, float]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def parse_cell(text: str) -> float | str:
    text = text.strip()
    if text in (SMALL, HIDDEN):
        return text
    return float(text.replace(",", ""))


def problems_from_csv(content: str) -> list[Problem]:
    rows = list(csv.reader(io.StringIO(content)))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["section", "table", "row", "metric", "value"], header
    found: list[Problem] = []
    tables: dict[str, dict] = defaultdict(dict)
    earlier: dict[str, dict] = defaultdict(dict)  # the previous period's column: a table of its own
    questions: dict[tuple[str, str], dict] = defaultdict(dict)
    figures: list[tuple[str, str, str]] = []
    for section, table, row, metric, value, previous, *_ in body:
        if table:
            tables[table][row.lstrip("'"), metric] = parse_cell(value)
            if previous != "":
                earlier[table][row.lstrip("'"), metric] = parse_cell(previous)
        elif section.startswith("Survey: "):
            questions[section, row][metric] = value
        elif metric in HOURS_FIGURES:
            figures.append((metric, value, previous))
    for title, cells in tables.items():
        assert title in LAYOUT, f"the attacker does not know the layout of {title!r}"
        found.append(_table_problem(title, cells, LAYOUT[title]))
        if len(earlier[title]) == len(cells):
            found.append(_table_problem(title, earlier[title], LAYOUT[title], suffix=" (previous period)"))
    for metric, value, previous in figures:  # a headline figure in hours: a one-cell table of its own
        found.append(
            _table_problem(metric, {("", metric): parse_cell(value)}, {"row_total": None, "kinds": {metric: "hours"}})
        )
        if previous != "":
            found.append(
                _table_problem(metric, {("", metric): parse_cell(previous)}, {"row_total": None,
                               "kinds": {metric: "hours"}}, suffix=" (previous period)")
            )  # fmt: skip
    for (survey, question), metrics in questions.items():
        problem = _question_problem(f"{survey}: {question}", metrics)
        if problem:
            found.append(problem)
    return found


def _table_problem(title: str, cells: dict, layout: dict, suffix: str = "") -> Problem:
    problem = Problem(title + suffix)
    rows = list(dict.fromkeys(r for r, _ in cells))
    metrics = list(dict.fromkeys(m for _, m in cells))
    total_metric = layout["row_total"]
    cols = [m for m in metrics if m != total_metric]
    groups = layout.get("groups", [cols])
    kinds = layout.get("kinds") or dict.fromkeys(metrics, layout["kind"])
    if total_metric:
        kinds[total_metric] = layout["kind"]

    def term(row: str, metric: str) -> tuple[str | None, float]:
        """A cell as (variable name, 0) when hidden, (None, value) when printed. Hours are read in minutes."""
        value = cells[row, metric]
        name = f"{row} / {metric}"
        if isinstance(value, str):
            problem.variables.setdefault(name, Var(name, value, kinds[metric]))
            return name, 0.0
        return None, value * 60 if kinds[metric] == "hours" else value

    def equation(members: list[tuple[str, str]], total: tuple[str, str]) -> None:
        if any(k not in cells for k in [*members, total]):
            return
        coefs: dict[str, float] = defaultdict(float)
        constant, slack = 0.0, 0.0
        for key, sign in [*((m, 1) for m in members), (total, -1)]:
            name, value = term(*key)
            if name:
                coefs[name] += sign
            else:
                constant += sign * value
                if kinds[key[1]] == "hours":
                    slack += ROUNDING  # printed to a tenth of an hour: within 3 minutes
        problem.equations.append((dict(coefs), constant - slack, constant + slack))

    for r in rows:
        if r == "Total":
            continue
        if total_metric:
            for group in groups:
                equation([(r, c) for c in group], (r, total_metric))
    if "Total" in rows:
        body_rows = [r for r in rows if r != "Total"]
        for m in metrics:
            equation([(r, m) for r in body_rows], ("Total", m))
        if total_metric:
            for group in groups:
                equation([("Total", c) for c in group], ("Total", total_metric))
    for r in rows:  # every cell gets a variable or is a constant; hidden ones with no equation still count
        for m in metrics:
            if (r, m) in cells:
                problem.cells[r, m] = term(r, m)
    problem.kinds = kinds
    return problem


def _question_problem(title: str, metrics: dict[str, str]) -> Problem | None:
    answers = metrics.pop("answers")
    mean = metrics.pop("mean", None)
    if not metrics:
        return None
    problem = Problem(title)
    n = parse_cell(answers)
    coefs: dict[str, float] = {}
    weights: dict[str, float] = {}
    known, known_weighted = 0.0, 0.0
    for label, text in metrics.items():
        value = parse_cell(text)
        weight = float(label) if label in {"1", "2", "3", "4", "5"} else None
        problem.cells["answers", label] = (label, 0.0) if isinstance(value, str) else (None, value)
        problem.kinds[label] = "people"
        if isinstance(value, str):
            problem.variables[label] = Var(label, value, "people")
            coefs[label] = 1.0
            if weight is not None:
                weights[label] = weight
        else:
            known += value
            known_weighted += (weight or 0) * value
    if isinstance(n, float):
        problem.equations.append((coefs, known - n, known - n))
        if mean not in (None, "", "withheld") and len(weights) == len(coefs):
            m = float(mean)
            lo, hi = n * (m - 0.005), n * (m + 0.005)
            problem.equations.append((weights, known_weighted - hi, known_weighted - lo))
    return problem


def solve(problem: Problem, *, trust_labels: bool = True) -> dict[str, tuple[float, float]] | None:
    """The smallest and largest value of every hidden cell that fit everything published; ``None`` when nothing
    fits what the labels say (then the labels are false)."""
    names = list(problem.variables)
    if not names:
        return {}
    n = len(names)
    # A "hidden" count of people or things is 0 or at least 5: a 0/1 switch per such cell.
    switched = [i for i, name in enumerate(names) if trust_labels and _switched(problem.variables[name])]
    size = n + len(switched)
    lower, upper = np.zeros(size), np.full(size, float(BIG))
    for i, name in enumerate(names):
        var = problem.variables[name]
        if trust_labels and var.label == SMALL:
            lower[i] = 0 if var.kind in ("amount", "hours") else 1
            if var.kind == "people":
                upper[i] = 4
    for j in range(len(switched)):
        upper[n + j] = 1
    rows, lo, hi = [], [], []
    for coefs, e_lo, e_hi in problem.equations:
        if not coefs:
            continue
        a = np.zeros(size)
        for name, c in coefs.items():
            a[names.index(name)] = c
        # sum(coef * var) + constant in [0, 0] -> sum(coef * var) in [-e_hi, -e_lo]
        rows.append(a)
        lo.append(-e_hi)
        hi.append(-e_lo)
    for j, i in enumerate(switched):
        a = np.zeros(size)  # x <= BIG * z
        a[i], a[n + j] = 1, -BIG
        rows.append(a)
        lo.append(-np.inf)
        hi.append(0)
        b = np.zeros(size)  # x >= 5 * z
        b[i], b[n + j] = 1, -5
        rows.append(b)
        lo.append(0)
        hi.append(np.inf)
    constraints = [LinearConstraint(np.array(rows), lo, hi)] if rows else []
    integrality = np.ones(size)
    found = {}
    for i, name in enumerate(names):
        ends = []
        for sign in (1, -1):
            c = np.zeros(size)
            c[i] = sign
            result = milp(c, constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper))
            if result.status == 2:  # infeasible
                return None
            assert result.status == 0, f"{problem.title}: {result.message}"
            ends.append(round(result.x[i]))
        found[name] = (ends[0], ends[1])
    return found


def _switched(var: Var) -> bool:
    return var.label == HIDDEN and var.kind in ("people", "things")


def attack(content: str) -> list[str]:
    """What the attacker learns from a report's CSV: one line per hidden cell solved back (none is a pass)."""
    learnt = []
    for problem in problems_from_csv(content):
        # A table withheld whole (every cell "hidden", the small ones too): its labels say nothing of a size.
        withheld = problem.variables and all(v.label == HIDDEN for v in problem.variables.values())
        ranges = solve(problem, trust_labels=not withheld)
        if ranges is None:
            learnt.append(f"{problem.title}: the labels are false (nothing fits what they say)")
            ranges = solve(problem, trust_labels=False)
            assert ranges is not None, f"{problem.title}: the figures contradict each other"
        for name, (lo, hi) in ranges.items():
            var = problem.variables[name]
            resolution = 6 if var.kind == "hours" else 1  # minutes: an hour printed to a tenth
            if hi - lo < resolution:
                learnt.append(f"{problem.title} / {name} = {lo}")
            elif _narrowed(var, lo, hi):
                learnt.append(f"{problem.title} / {name} is between {lo} and {hi}")
    return learnt


def attack_rows(rows: list[list]) -> list[str]:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return attack(out.getvalue())


def _narrowed(var: Var, lo: float, hi: float) -> bool:
    """A "hidden" count proven to be 1 to 4, or a "fewer than 5" count left with fewer than three values; a "fewer
    than 5" hours figure proven to be more than nothing, or told to within an hour."""
    if var.kind == "hours" and var.label == SMALL:
        return lo > 0 or hi - lo < HOURS_SPREAD
    if var.kind not in ("people", "things") or var.label == WITHHELD:
        return False
    if var.label == HIDDEN:
        return lo >= 1 and hi <= 4
    return hi - lo < 2


# --- Reports read together -----------------------------------------------------------------------------------------
#
# The committee holds every submitted report of its programme, each with its period (and the previous period its
# "previous" column describes) in its title. The attacker reads them together, knowing what the README says a
# figure counts:
# - the same table (or survey question) over the same period is the same figure;
# - a table of things in the period (sessions, interventions, pairings running in it, pairings ended early, a
#   question's answers in the rounds closing in it) counts no fewer over a period than over a period inside it;
# - a table at the period's end (participants, check-in states, goal statuses; a department's participants) is
#   the same figure when the two periods end on the same day;
# - hours (a department's confirmed hours, the protected hours allocated and used) are time taken in the period:
#   the same over the same period, no less over a period around it; each printed figure within 3 minutes.

AT_PERIOD_END = {
    "Participants at the period's end",
    "Check-in states at the period's end",
    "Goals by status at the period's end",
}
PREVIOUS = " (previous period)"


@dataclass
class Published:
    """One report as the committee holds it: its CSV, its period and its previous period (first and last day)."""

    content: str
    period: tuple
    previous: tuple


def attack_together(reports: list[Published]) -> list[str]:
    """What the attacker learns from several reports of one programme read together (none is a pass)."""
    by_title: dict[str, list] = defaultdict(list)
    for n, report in enumerate(reports, start=1):
        for problem in problems_from_csv(report.content):
            if not problem.cells:
                continue
            previous = problem.title.endswith(PREVIOUS)
            span = report.previous if previous else report.period
            view = f"report {n} ({span[0]} to {span[1]})"
            by_title[problem.title.removesuffix(PREVIOUS)].append((view, tuple(span), problem))
    learnt = []
    for title, group in by_title.items():
        if len(group) < 2:
            continue
        joint = Problem(f"{title}, reports read together")
        for view, _span, problem in group:
            withheld = problem.variables and all(v.label == HIDDEN for v in problem.variables.values())
            for name, var in problem.variables.items():
                joint.variables[f"{view}: {name}"] = Var(
                    f"{view}: {name}", WITHHELD if withheld else var.label, var.kind
                )
            for coefs, lo, hi in problem.equations:
                joint.equations.append(({f"{view}: {k}": c for k, c in coefs.items()}, lo, hi))
        for i, (view_a, span_a, a) in enumerate(group):
            for view_b, span_b, b in group[i + 1 :]:
                _tie(joint, title, (view_a, span_a, a), (view_b, span_b, b))
        ranges = solve(joint)
        assert ranges is not None, f"{joint.title}: nothing fits what the reports say together"
        for name, (lo, hi) in ranges.items():
            var = joint.variables[name]
            resolution = 6 if var.kind == "hours" else 1
            if hi - lo < resolution:
                learnt.append(f"{joint.title} / {name} = {lo}")
            elif _narrowed(var, lo, hi):
                learnt.append(f"{joint.title} / {name} is between {lo} and {hi}")
    return learnt


def _tie(joint: Problem, title: str, a: tuple, b: tuple) -> None:
    (_, span_a, pa), (_, span_b, pb) = a, b
    if span_a[0] <= span_b[0] and span_b[1] <= span_a[1]:  # the same period too
        outer, inner = a, b
    elif span_b[0] <= span_a[0] and span_a[1] <= span_b[1]:
        outer, inner = b, a
    else:
        return  # overlapping, neither inside the other: their common days are printed nowhere
    same, same_end = span_a == span_b, span_a[1] == span_b[1]
    for key in pa.cells.keys() & pb.cells.keys():
        hours = pa.kinds.get(key[1]) == "hours"
        at_end = not hours and (title in AT_PERIOD_END or key[1] == "Participants")
        if at_end and not same_end:
            continue
        coefs: dict[str, float] = defaultdict(float)
        constant, slack = 0.0, 0.0
        for (view, _span, problem), sign in ((outer, 1), (inner, -1)):
            name, value = problem.cells[key]
            if name:
                coefs[f"{view}: {name}"] += sign
            else:
                constant += sign * value
                slack += ROUNDING if hours else 0
        if not any(coefs.values()):
            continue
        # outer - inner = 0 (the same figure), or >= 0 (the days only the outer one covers add, never take away)
        equal = same or at_end
        joint.equations.append((dict(coefs), constant - slack if equal else -np.inf, constant + slack))
