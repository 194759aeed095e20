"""Read-only budget queries: one grouped query per widget, sums computed by the database.

Money of different currencies is never added up: every total is grouped by currency.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ..models import BudgetLine, Programme, Spend

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _money(value: Decimal | None) -> Decimal:
    # SQLite hands sums back with float noise in the last places; amounts are whole cents.
    return Decimal(value or 0).quantize(CENT)


@dataclass(frozen=True)
class Figures:
    """Planned against spent for one line or one currency, with what a page shows about them."""

    planned: Decimal
    spent: Decimal
    currency: str

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent

    @property
    def is_overspent(self) -> bool:
        return self.spent > self.planned

    @property
    def overspent_by(self) -> Decimal:
        return max(self.spent - self.planned, ZERO)

    @property
    def percent(self) -> int:
        """How far the progress bar fills (0 to 100); a line spent without a plan counts as full."""
        if self.planned <= 0:
            return 100 if self.spent > 0 else 0
        return min(100, int(self.spent * 100 / self.planned))


def _spent_sum() -> Coalesce:
    return Coalesce(Sum("spends__amount"), Value(ZERO), output_field=MONEY)


def budget_lines_with_figures(*, programme: Programme) -> list[BudgetLine]:
    """The programme's lines, each with ``spent``, ``spend_count`` and ``figures``; one query."""
    lines = list(
        BudgetLine.objects.filter(programme=programme)
        .annotate(spent=_spent_sum(), spend_count=Count("spends"))
        .order_by("currency", "category", "description", "pk")
    )
    for line in lines:
        line.spent = _money(line.spent)
        line.figures = Figures(planned=line.planned_amount, spent=line.spent, currency=line.currency)
    return lines


def budget_line_figures(*, line: BudgetLine) -> Figures:
    """One line's planned against spent; one aggregate query."""
    spent = Spend.objects.filter(line=line).aggregate(total=Sum("amount", output_field=MONEY))["total"]
    return Figures(planned=line.planned_amount, spent=_money(spent), currency=line.currency)


def budget_totals_by_currency(*, programme: Programme) -> list[Figures]:
    """Planned and spent over all the programme's lines, one row per currency; one grouped query."""
    # A join to the spends would repeat each line's planned amount once per spend, so spends are summed
    # per line in a subquery and only then added up per currency.
    spent_per_line = (
        Spend.objects.filter(line=OuterRef("pk"))
        .order_by()
        .values("line")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = (
        BudgetLine.objects.filter(programme=programme)
        .order_by()
        .values("currency")
        .annotate(
            planned=Coalesce(Sum("planned_amount"), Value(ZERO), output_field=MONEY),
            spent=Coalesce(
                Sum(Coalesce(Subquery(spent_per_line, output_field=MONEY), Value(ZERO), output_field=MONEY)),
                Value(ZERO),
                output_field=MONEY,
            ),
        )
        .order_by("currency")
    )
    return [Figures(planned=_money(r["planned"]), spent=_money(r["spent"]), currency=r["currency"]) for r in rows]


def spends_for(
    *, programme: Programme, line_id: int | None = None, month: datetime.date | None = None
) -> QuerySet[Spend]:
    """The programme's spends, newest first, with what a list or an export shows about each."""
    spends = Spend.objects.filter(line__programme=programme).select_related("line", "course", "person")
    if line_id is not None:
        spends = spends.filter(line_id=line_id)
    if month is not None:
        spends = spends.filter(spent_on__year=month.year, spent_on__month=month.month)
    return spends.order_by("-spent_on", "-pk")


def spend_totals_by_currency(spends: QuerySet[Spend]) -> list[dict]:
    """The sum of the given spends per currency (``currency``, ``total``, ``count``); one grouped query."""
    rows = (
        spends.order_by()
        .values(currency=F("line__currency"))
        .annotate(total=Sum("amount", output_field=MONEY), count=Count("pk"))
        .order_by("currency")
    )
    return [{**row, "total": _money(row["total"])} for row in rows]


def budget_usual_currency(*, programme: Programme) -> str | None:
    """The currency of the programme's first budget line, to offer for the next one."""
    return BudgetLine.objects.filter(programme=programme).values_list("currency", flat=True).first()


def budget_has_lines(*, programme: Programme) -> bool:
    return BudgetLine.objects.filter(programme=programme).exists()


def budget_lines_of(*, programme: Programme) -> list[BudgetLine]:
    """The programme's lines by currency, category and description (for a filter's choices)."""
    return list(BudgetLine.objects.filter(programme=programme).order_by("currency", "category", "description", "pk"))


def budget_line_spend_count(*, line: BudgetLine) -> int:
    return line.spends.count()
