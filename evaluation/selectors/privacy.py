"""Small-group suppression for committee figures: no figure may describe a group under the minimum size."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from ..services import disclosure


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | None  # None when suppressed: the real number never reaches the template

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None:
            return _("fewer than %(min)s") % {"min": settings.TANDEM_MIN_GROUP_SIZE}
        return str(self.value)


def figure(label: str, count: int) -> Figure:
    return Figure(label, count if count >= settings.TANDEM_MIN_GROUP_SIZE else None)


def figure_table(counts: dict[str, int]) -> list[Figure]:
    """Figures for the parts of a whole whose total is shown too.

    Hiding one small part is not enough when the total is printed beside the others: the hidden one is the
    total minus the rest. So when exactly one part is suppressed, the next smallest is suppressed with it.
    """
    figures = [figure(label, count) for label, count in counts.items()]
    hidden = [f for f in figures if f.suppressed]
    if len(hidden) == 1:
        shown = [(counts[f.label], i) for i, f in enumerate(figures) if not f.suppressed]
        if shown:
            _, index = min(shown)
            figures[index] = Figure(figures[index].label, None)
    return figures


# Committee reports: tables with complementary suppression
# A table shows its totals, so hiding a small cell is not enough: in a row or column with one hidden cell, that
# cell is the total minus the others. The rules, applied until nothing changes:
#   1. A cell (a total too) describing 1 to 4 people is hidden. A cell describing nobody shows its 0: it tells
#      nothing about anyone. (A caller counts the people a cell is *about*: the sessions of a team's mentees
#      describe those mentees, even when they held no session.)
#   2. In every line (a row or a column, or the row of column totals, or the column of row totals) whose total
#      is shown, the hidden cells are either none or at least two with a value other than 0 (two hidden cells
#      whose sum is known can each be anything; a hidden 0 beside one other hidden cell protects nothing). If
#      not, the line's next-smallest visible non-zero cell (fewest people, then smallest value) is hidden too;
#      if it has none left, its total is hidden instead.
# So no hidden cell equals its line's total minus the visible cells of the line. That rule of thumb is only the first
# choice: ``suppress_table`` then hands the table to the disclosure checker (``evaluation.services.disclosure``),
# which audits every line at once with integer programs, labels included, and hides more until no hidden cell can be
# worked out.

TOTAL = "__total__"


def is_small_group(people: int) -> bool:
    """A figure about 1 to 4 people (under the minimum group size) must not be shown."""
    return 0 < people < settings.TANDEM_MIN_GROUP_SIZE


def suppress_lines(cells: dict, lines: list[tuple[list, object]]) -> set:
    """The keys to hide, given every cell as ``key -> (value, people)`` and the lines as (member keys, total key).

    Totals are cells too (a row total is a member of the column of row totals). Deterministic: candidates are
    ordered by people, value, then their position in the line.
    """
    hidden = {key for key, (_, people) in cells.items() if is_small_group(people)}
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            if total in hidden:
                continue
            hidden_members = [k for k in members if k in hidden]
            if not hidden_members or sum(1 for k in hidden_members if cells[k][0] != 0) >= 2:
                continue
            candidates = [
                (cells[k][1], cells[k][0], i, k) for i, k in enumerate(members) if k not in hidden and cells[k][0] != 0
            ]
            hidden.add(min(candidates)[3] if candidates else total)
            changed = True
    return hidden


@dataclass(frozen=True)
class SuppressedTable:
    """What may be shown of a table: ``None`` wherever a value is hidden (the real number is gone)."""

    rows: list
    cols: list
    cells: dict  # (row, col) -> value or None
    row_totals: dict | None  # row -> value or None; None when the table shows no row totals
    column_totals: dict | None  # col -> value or None
    total: object  # the overall total (None when hidden or not shown)
    hidden: frozenset  # keys hidden: (row, col), (row, TOTAL), (TOTAL, col), (TOTAL, TOTAL)
    small: frozenset = frozenset()  # the hidden keys hidden because they are small (the rest protect them)
    withheld: bool = False  # the whole table is withheld: every cell reads "hidden", small or not

    def why(self, key: object) -> str | None:
        """Why a cell is hidden: ``disclosure.SMALL`` ("fewer than 5"), ``PROTECT`` ("hidden": it protects another)
        or ``WITHHELD`` (the whole table is withheld: "hidden")."""
        if key not in self.hidden:
            return None
        if self.withheld:
            return disclosure.WITHHELD
        return disclosure.SMALL if key in self.small else disclosure.PROTECT


def suppress_table(
    rows: list,
    cols: list,
    counts: dict,
    people_counts: dict,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    column_groups: list[list] | None = None,
    kinds: dict | str | None = None,
) -> SuppressedTable:
    """Suppress a 2-D table of ``counts[(row, col)]``, each describing ``people_counts[(row, col)]`` people.

    Shown totals are the true sums (never of the visible cells only). ``people_counts`` may also give the people
    of a total, keyed ``(row, TOTAL)``, ``(TOTAL, col)`` or ``(TOTAL, TOTAL)``, when it is not the sum of its
    cells' (people counted in several cells). ``column_groups`` splits the columns into groups that each add up
    to the row total (mentors and mentees: in a pairing or not, and trained or not): every group is a line.
    Without row totals the columns may measure different things (a team's participants, sessions and hours);
    there is then no overall total either.

    ``kinds`` says what each column counts (``disclosure.PEOPLE``, ``PER_PERSON``, ``AMOUNT``, ``MINUTES``), one for
    every column or a dict by column; by default people when every count is its people count, else an amount.
    The per-line rule of thumb below makes a first choice; the disclosure checker then audits the whole table
    with integer programs and hides more until no hidden cell can be worked out (``evaluation.services.disclosure``).
    """
    groups = column_groups or [list(cols)]
    cells, lines = _cells_and_lines(rows, cols, counts, people_counts, groups, row_totals, column_totals)
    hidden = suppress_lines(cells, lines)
    checked = _checked_cells(rows, cols, counts, people_counts, cells, groups, kinds)
    if not column_totals:
        # The overall total is printed only beside the column totals: unprinted, it ties nothing together.
        checked.pop((TOTAL, TOTAL), None)
    protected = disclosure.protect(
        checked,
        [disclosure.total_relation(members, total) for members, total in lines if total in checked],
        hidden={key: disclosure.PROTECT for key in hidden if key in checked},
    )
    hidden = set(protected.hidden)

    def shown(key: object) -> object:
        return None if key in hidden else cells[key][0]

    return SuppressedTable(
        rows=list(rows),
        cols=list(cols),
        cells={(r, c): shown((r, c)) for r in rows for c in cols},
        row_totals={r: shown((r, TOTAL)) for r in rows} if row_totals else None,
        column_totals={c: shown((TOTAL, c)) for c in cols} if column_totals else None,
        total=shown((TOTAL, TOTAL)) if row_totals and column_totals else None,
        hidden=frozenset(hidden),
        small=frozenset(k for k, why in protected.hidden.items() if why == disclosure.SMALL),
        withheld=disclosure.WITHHELD in protected.hidden.values(),
    )


def _cells_and_lines(
    rows: list,
    cols: list,
    counts: dict,
    people_counts: dict,
    groups: list[list],
    row_totals: bool,
    column_totals: bool,
) -> tuple[dict, list[tuple[list, object]]]:
    """A table's cells and totals as (value, people), and its lines: the cells that add up to each total."""
    cells: dict = {}
    lines: list[tuple[list, object]] = []
    for r in rows:
        for c in cols:
            cells[r, c] = (counts.get((r, c), 0), people_counts.get((r, c), 0))

    def total_of(keys: list, key: object) -> tuple:
        value = sum(cells[k][0] for k in keys)
        people = people_counts.get(key, sum(cells[k][1] for k in keys))
        return value, people

    if column_totals:
        for c in cols:
            cells[TOTAL, c] = total_of([(r, c) for r in rows], (TOTAL, c))
            lines.append(([(r, c) for r in rows], (TOTAL, c)))
    if row_totals:
        for r in rows:
            cells[r, TOTAL] = total_of([(r, c) for c in groups[0]], (r, TOTAL))
            lines.extend(([(r, c) for c in group], (r, TOTAL)) for group in groups)
        cells[TOTAL, TOTAL] = total_of([(r, TOTAL) for r in rows], (TOTAL, TOTAL))
        lines.append(([(r, TOTAL) for r in rows], (TOTAL, TOTAL)))
        if column_totals:
            lines.extend(([(TOTAL, c) for c in group], (TOTAL, TOTAL)) for group in groups)
    return cells, lines


def _checked_cells(
    rows: list,
    cols: list,
    counts: dict,
    people_counts: dict,
    cells: dict,
    groups: list[list],
    kinds: dict | str | None,
) -> dict:
    """The cells as the disclosure checker reads them: each with its people and the kind of thing it counts."""
    if kinds is None:
        same = all(counts.get((r, c), 0) == people_counts.get((r, c), 0) for r in rows for c in cols)
        kinds = disclosure.PEOPLE if same else disclosure.AMOUNT
    if isinstance(kinds, str):
        kinds = dict.fromkeys(cols, kinds)
    # A total's kind is its column's; the row totals' (and the overall total's) the first column's.
    row_kind = kinds[groups[0][0]] if cols else disclosure.PEOPLE
    return {
        key: disclosure.Cell(
            value=value,
            people=people,
            kind=kinds[key[1]] if key[1] != TOTAL else row_kind,
            total=TOTAL in key,
        )
        for key, (value, people) in cells.items()
    }
