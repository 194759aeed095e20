"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, nothing to download.

Each function returns the markup of one ``<svg role="img">`` whose accessible name is its ``<title>`` (and
``<desc>``), referenced by ``aria-labelledby``. Every label is escaped here, so a team called
``<script>`` is drawn as text. A chart is never the only way to read a figure: the page puts the same
numbers in a table beside it.

``svg_bars`` is the one exception: it returns the geometry of a bar chart for a template that draws it (the
committee report's page), with the same rule for a hidden value (no bar, only its words).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Colours reach at least 3:1 against white (WCAG's contrast for graphics) and differ in lightness too.
TEAL = "#1f4e5f"
ORANGE = "#b35c00"
GREEN = "#146c43"
BLUE = "#0a58ca"
RED = "#a52834"
GREY = "#6c757d"
LABEL_WIDTH, LABEL_CHARS = 200, 28  # room for "Department › Team" on the left of horizontal bars
FONT = 'font-family="system-ui, sans-serif" font-size="12" fill="#212529"'


def _number(value: float) -> str:
    """12 -> "12", 2.5 -> "2.5", 2.25 -> "2.3": short enough for a label, in the reader's way ("2,5" in German).
    Only for text a person reads: coordinates are written with a point whatever the language."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded == int(rounded) else number_format(rounded, 1)


def _no_data() -> str:
    return escape(_("No data"))


def _nice_max(value: float) -> float:
    """A round top for an axis: 7 -> 8, 23 -> 25, 0 -> 1."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body: list[str]) -> SafeString:
    cid = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" style="max-width:{width}px">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    # Safe: every piece of text above went through escape(); numbers are formatted by this module.
    return mark_safe("".join(parts))


def _legend(series: Sequence[tuple[str, str]], *, x: int, y: int) -> list[str]:
    parts, offset = [], x
    for name, colour in series:
        parts.append(f'<rect x="{offset}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{offset + 16}" y="{y}" {FONT}>{escape(name)}</text>')
        offset += 28 + 7 * len(name)
    return parts


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float]],
    unit: str = "",
    colour: str = TEAL,
    width: int = 640,
    height: int = 220,
) -> SafeString:
    """Vertical bars, one per (label, value), e.g. sessions per week. Long runs label every few bars."""
    left, right, top, bottom = 36, 8, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = float(_nice_max(max((float(v) for _, v in bars), default=0)))
    body = []
    for i in range(3):  # grid lines at 0, half and the top
        value = top_value * i / 2
        y = top + plot_h - plot_h * i / 2
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{_number(value)}</text>')
    n = len(bars)
    if n:
        slot = plot_w / n
        every = max(1, math.ceil(n / 12))
        for i, (label, value) in enumerate(bars):
            h = plot_h * float(value) / top_value
            x = left + i * slot + slot * 0.15
            y = top + plot_h - h
            tip = f"{label}: {_number(value)}{' ' + unit if unit else ''}"
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(tip)}</title></rect>'
            )
            if i % every == 0:
                cx = left + i * slot + slot / 2
                body.append(
                    f'<text x="{cx:.1f}" y="{height - bottom + 16}" text-anchor="middle" {FONT}>'
                    f"{escape(_short(label, 8))}</text>"
                )
    else:
        middle = f'x="{width / 2:.0f}" y="{top + plot_h / 2:.0f}" text-anchor="middle"'
        body.append(f"<text {middle} {FONT}>{_no_data()}</text>")
    return _svg(chart_id, title, description, width, height, body)


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[tuple[str, str]],
    rows: Sequence[tuple[str, Sequence[float]]],
    width: int = 640,
    label_width: int = LABEL_WIDTH,
    row_height: int = 30,
) -> SafeString:
    """Horizontal bars split into segments, one bar per row: (label, [value per series]). Each bar's length is
    its total against the largest total, so rows compare; each segment carries its number when it fits.
    ``label_width=0`` leaves the row labels out (a single bar needs none)."""
    left, right, top, row_h = label_width + 8, 40, 30, row_height
    height = top + row_h * max(len(rows), 1) + 8
    plot_w = width - left - right
    largest = float(max((sum(values) for _, values in rows), default=0) or 1)
    body = _legend(series, x=left, y=16)
    for r, (label, values) in enumerate(rows):
        y = top + r * row_h
        middle = y + row_h / 2 + 4
        if label_width:
            body.append(
                f'<text x="{left - 6}" y="{middle:.0f}" text-anchor="end" {FONT}>{escape(_short(label, LABEL_CHARS))}'
                f"<title>{escape(label)}</title></text>"
            )
        x = float(left)
        for (name, colour), value in zip(series, values, strict=True):
            if not value:
                continue
            w = plot_w * float(value) / largest
            body.append(
                f'<rect class="segment" x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{colour}"><title>{escape(f"{label}: {name} {_number(value)}")}</title></rect>'
            )
            if w >= 18:
                body.append(
                    f'<text x="{x + w / 2:.1f}" y="{middle:.0f}" text-anchor="middle" font-family="system-ui, '
                    f'sans-serif" font-size="12" fill="#fff">{_number(value)}</text>'
                )
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{middle:.0f}" {FONT}>{_number(sum(values))}</text>')
    if not rows:
        body.append(f'<text x="{left}" y="{top + 18}" {FONT}>{_no_data()}</text>')
    return _svg(chart_id, title, description, width, height, body)


def paired_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: tuple[tuple[str, str], tuple[str, str]],
    groups: Sequence[tuple[str, float, float]],
    unit: str = "",
    width: int = 640,
) -> SafeString:
    """Two horizontal bars side by side per group, e.g. hours allocated against hours used per team."""
    left, right, top, group_h = LABEL_WIDTH + 8, 56, 30, 40
    height = top + group_h * max(len(groups), 1) + 8
    plot_w = width - left - right
    largest = float(max((max(a, b) for _, a, b in groups), default=0) or 1)
    body = _legend(series, x=left, y=16)
    suffix = f" {unit}" if unit else ""
    for g, (label, first, second) in enumerate(groups):
        y = top + g * group_h
        body.append(
            f'<text x="{left - 6}" y="{y + 20}" text-anchor="end" {FONT}>{escape(_short(label, LABEL_CHARS))}'
            f"<title>{escape(label)}</title></text>"
        )
        for k, ((name, colour), value) in enumerate(zip(series, (first, second), strict=True)):
            w = plot_w * float(value) / largest
            by = y + 4 + k * 16
            body.append(
                f'<rect class="bar" x="{left}" y="{by}" width="{w:.1f}" height="14" fill="{colour}">'
                f"<title>{escape(f'{label}: {name} {_number(value)}{suffix}')}</title></rect>"
            )
            body.append(f'<text x="{left + w + 4:.1f}" y="{by + 11}" {FONT}>{_number(value)}</text>')
    if not groups:
        body.append(f'<text x="{left}" y="{top + 18}" {FONT}>{_no_data()}</text>')
    return _svg(chart_id, title, description, width, height, body)


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, float | None]],
    y_min: float = 1,
    y_max: float = 5,
    colour: str = TEAL,
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """A line through (label, value) points on a fixed scale (1 to 5 by default); ``None`` leaves a gap."""
    left, right, top, bottom = 36, 16, 12, 32
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (y_max - y_min) or 1
    body = []
    for step in range(int(y_min), int(y_max) + 1):
        y = top + plot_h - plot_h * (step - y_min) / span
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{step}</text>')
    n = len(points)
    slot = plot_w / max(n, 1)
    runs: list[list[str]] = [[]]
    for i, (label, value) in enumerate(points):
        cx = left + i * slot + slot / 2
        body.append(
            f'<text x="{cx:.1f}" y="{height - bottom + 18}" text-anchor="middle" {FONT}>'
            f"{escape(_short(label, 9))}</text>"
        )
        if value is None:
            runs.append([])
            continue
        cy = top + plot_h - plot_h * (min(max(float(value), y_min), y_max) - y_min) / span
        runs[-1].append(f"{cx:.1f},{cy:.1f}")
        body.append(
            f'<circle class="point" cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}">'
            f"<title>{escape(f'{label}: {_number(value)}')}</title></circle>"
        )
    for run in runs:
        if len(run) > 1:
            body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>')
    if not any(v is not None for _, v in points):
        middle = f'x="{width / 2:.0f}" y="{top + plot_h / 2:.0f}" text-anchor="middle"'
        body.append(f"<text {middle} {FONT}>{_no_data()}</text>")
    return _svg(chart_id, title, description, width, height, body)


def svg_bars(items: list[tuple], *, width: int = 560, height: int = 180) -> dict[str, Any]:
    """Bar geometry for an inline SVG, from (label, value) or (label, value, words when hidden). A hidden value
    gets no bar, only its words ("< 5", or "hidden" for one hidden to protect another) under the axis."""
    top, bottom, left = 16, 40, 8
    plot = height - top - bottom
    biggest = max([item[1] for item in items if item[1]] or [1])
    step = (width - left) / max(len(items), 1)
    bars = []
    for i, (label, value, *words) in enumerate(items):
        bar_height = 0 if not value else round(plot * value / biggest, 1)
        bars.append(
            {
                "x": round(left + i * step + step * 0.15, 1),
                "width": round(step * 0.7, 1),
                "y": round(top + plot - bar_height, 1),
                "height": bar_height,
                "middle": round(left + i * step + step / 2, 1),
                "value_y": round(top + plot - bar_height - 4, 1),
                "label": label,
                "value": value,
                "hidden_word": _("hidden") if words and words[0] == "hidden" else "",
            }
        )
    baseline = top + plot
    return {"width": width, "height": height, "baseline": baseline, "hidden_y": baseline - 4, "label_y": baseline + 16,
            "bars": bars}  # fmt: skip
