"""Small-group suppression for committee figures: no figure may describe a group under the minimum size."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | None  # None when suppressed: the real number never reaches the template

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"fewer than {settings.TANDEM_MIN_GROUP_SIZE}" if self.value is None else str(self.value)


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
