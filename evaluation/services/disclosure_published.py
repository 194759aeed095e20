"""The audit of a report's figures as published (run when a report is submitted): what a reader could work
out from the page, the PDF or the CSV of one report."""

from __future__ import annotations

from .disclosure import (
    MINUTES,
    PEOPLE,
    ROUNDED_MINUTES,
    SMALL,
    Cell,
    Protected,
    Relation,
    failures,
    mean_sum_range,
    total_relation,
)


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
