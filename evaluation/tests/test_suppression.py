"""Small-group suppression: cells under 5 are hidden, and no hidden cell can be worked out from the totals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.selectors.privacy import TOTAL, figure, figure_table, suppress_table

# --- One figure, one list of parts (the dashboard's helpers) -------------------------------------------------


def test_a_group_under_five_is_suppressed():
    assert str(figure("Mentors", 4)) == "fewer than 5"
    assert figure("Mentors", 4).value is None  # the real number is gone, not just hidden by the template
    assert str(figure("Mentors", 5)) == "5"


def test_one_hidden_part_of_a_shown_total_takes_the_next_smallest_with_it():
    figures = figure_table({"Finance": 2, "Engineering": 9, "Operations": 6})
    assert [str(f) for f in figures] == ["fewer than 5", "9", "fewer than 5"]
    assert [str(f) for f in figure_table({"A": 7, "B": 8})] == ["7", "8"]
    assert [str(f) for f in figure_table({"A": 1, "B": 2, "C": 8})] == ["fewer than 5", "fewer than 5", "8"]


# --- Tables -------------------------------------------------------------------------------------------------


def counts_table(matrix: list[list[int]]):
    rows = [f"r{i}" for i in range(len(matrix))]
    cols = [f"c{j}" for j in range(len(matrix[0]))]
    counts = {(r, c): matrix[i][j] for i, r in enumerate(rows) for j, c in enumerate(cols)}
    return rows, cols, counts


def test_a_small_cell_is_hidden_with_the_next_smallest_of_its_row_and_column():
    rows, cols, counts = counts_table([[3, 10, 12], [8, 9, 20]])
    table = suppress_table(rows, cols, counts, counts)
    assert table.cells["r0", "c0"] is None  # 3 people
    assert table.cells["r0", "c1"] is None  # the next smallest of row 0, so 3 is not 25 - 10 - 12
    assert table.cells["r1", "c0"] is None  # the next smallest of column 0
    assert table.cells["r1", "c1"] is None  # and then of row 1 and column 1
    assert table.cells["r0", "c2"] == 12 and table.cells["r1", "c2"] == 20
    # Totals are the true ones, shown.
    assert table.row_totals == {"r0": 25, "r1": 37}
    assert table.column_totals == {"c0": 11, "c1": 19, "c2": 32}
    assert table.total == 62


def test_nothing_is_hidden_when_every_cell_describes_five_or_more_or_nobody():
    rows, cols, counts = counts_table([[5, 0, 12], [8, 9, 0]])
    table = suppress_table(rows, cols, counts, counts)
    assert table.hidden == frozenset()
    assert table.cells["r0", "c1"] == 0  # a cell about nobody shows its 0


def test_a_hidden_zero_does_not_protect_its_partner():
    # The 0 sessions of a team's 3 mentees describe those 3 people: hidden. Hiding only one other cell beside
    # it would reveal that cell (the total minus the visible ones, as the hidden 0 adds nothing), so both go.
    rows, cols = ["Finance"], ["Sessions", "Other", "More"]
    counts = {("Finance", "Sessions"): 0, ("Finance", "Other"): 6, ("Finance", "More"): 9}
    people = {("Finance", "Sessions"): 3, ("Finance", "Other"): 7, ("Finance", "More"): 9}
    table = suppress_table(rows, cols, counts, people, column_totals=False)
    assert table.cells == {("Finance", "Sessions"): None, ("Finance", "Other"): None, ("Finance", "More"): None}
    assert table.row_totals == {"Finance": 15}


def test_a_total_under_five_people_is_hidden_and_its_line_protected():
    rows, cols, counts = counts_table([[2, 1], [20, 30], [25, 7]])
    table = suppress_table(rows, cols, counts, counts)
    assert table.row_totals["r0"] is None  # 3 people
    # The column of row totals then hides another so r0's total is not 85 - 50 - 32.
    assert sum(1 for r in rows if table.row_totals[r] is None) >= 2
    assert table.total == 85


def test_a_column_total_is_hidden_when_its_column_has_nothing_else_to_hide():
    # One team only: its 3 participants cannot be protected by another team, so the total goes too.
    counts = {("Finance", "Participants"): 3}
    table = suppress_table(["Finance"], ["Participants"], counts, counts, row_totals=False)
    assert table.cells["Finance", "Participants"] is None
    assert table.column_totals == {"Participants": None}


def test_column_groups_each_add_up_to_the_row_total():
    rows, cols = ["Mentors", "Mentees"], ["Paired", "Unpaired", "Trained", "Untrained"]
    matrix = {"Mentors": [10, 2, 12, 0], "Mentees": [9, 6, 11, 4]}
    counts = {(r, c): matrix[r][j] for r in rows for j, c in enumerate(cols)}
    table = suppress_table(rows, cols, counts, counts, column_groups=[cols[:2], cols[2:]])
    assert table.row_totals == {"Mentors": 12, "Mentees": 15}
    assert table.cells["Mentors", "Unpaired"] is None and table.cells["Mentees", "Untrained"] is None
    assert_no_hidden_cell_is_derivable(table, counts, groups=[cols[:2], cols[2:]])


def assert_no_hidden_cell_is_derivable(table, counts, *, groups=None) -> None:
    """For every line whose total is shown: no hidden cell equals the total minus the line's visible cells."""
    rows, cols = table.rows, table.cols
    groups = groups or [cols]
    value = dict(counts)
    for c in cols:
        value[TOTAL, c] = sum(counts[r, c] for r in rows)
    for r in rows:
        value[r, TOTAL] = sum(counts[r, c] for c in groups[0])
    value[TOTAL, TOTAL] = sum(value[r, TOTAL] for r in rows)
    lines = []
    if table.column_totals is not None:
        lines += [([(r, c) for r in rows], (TOTAL, c)) for c in cols]
    if table.row_totals is not None:
        lines += [([(r, c) for c in g], (r, TOTAL)) for r in rows for g in groups]
        lines += [([(r, TOTAL) for r in rows], (TOTAL, TOTAL))]
        if table.column_totals is not None:
            lines += [([(TOTAL, c) for c in g], (TOTAL, TOTAL)) for g in groups]
    for members, total in lines:
        if total in table.hidden:
            continue
        visible = sum(value[k] for k in members if k not in table.hidden)
        for k in members:
            if k in table.hidden:
                assert value[k] != value[total] - visible, f"{k} = {total} minus the visible cells of its line"


matrices = st.integers(min_value=1, max_value=5).flatmap(
    lambda n_cols: st.lists(
        st.lists(st.integers(min_value=0, max_value=14), min_size=n_cols, max_size=n_cols), min_size=1, max_size=6
    )
)


@settings(max_examples=400, deadline=None)
@given(matrices)
def test_property_no_hidden_cell_equals_a_total_minus_the_visible_cells_of_its_row_or_column(matrix):
    rows, cols, counts = counts_table(matrix)
    table = suppress_table(rows, cols, counts, counts)
    for key, n in counts.items():
        if 0 < n < 5:
            assert table.cells[key] is None
    assert_no_hidden_cell_is_derivable(table, counts)
    # What is shown is true: a visible cell or total is the real number.
    for key, shown in table.cells.items():
        assert shown is None or shown == counts[key]
    if table.total is not None:
        assert table.total == sum(counts.values())


@settings(max_examples=300, deadline=None)
@given(
    matrices,
    st.lists(st.integers(min_value=0, max_value=12), min_size=30, max_size=30),
)
def test_property_holds_when_values_are_not_people_counts(matrix, people_list):
    # Hours or sessions per team, each cell describing some number of people; column totals only.
    rows, cols, counts = counts_table(matrix)
    people = {key: people_list[i % len(people_list)] for i, key in enumerate(counts)}
    table = suppress_table(rows, cols, counts, people, row_totals=False)
    for key, n in people.items():
        if 0 < n < 5:
            assert table.cells[key] is None
    assert table.row_totals is None and table.total is None
    assert_no_hidden_cell_is_derivable(table, counts)
