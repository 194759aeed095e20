"""The dashboard's charts: well-formed SVG with an accessible name, escaped labels, honest proportions."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from core import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # fails on anything that is not well-formed XML


def all_(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{SVG}{tag}")
    return [e for e in found if cls is None or e.get("class") == cls]


def text_of(root: ET.Element) -> str:
    return " ".join(t for t in root.itertext())


EVERY_CHART = {
    "bar": lambda label: charts.bar_chart(
        chart_id="c", title="Sessions", description="Per week", bars=[(label, 3), ("b", 1)]
    ),
    "stacked": lambda label: charts.stacked_bars(
        chart_id="c", title="States", description="Now", series=[("A", charts.GREEN)], rows=[(label, [2])]
    ),
    "paired": lambda label: charts.paired_bars(
        chart_id="c",
        title="Time",
        description="Hours",
        series=(("Allocated", charts.TEAL), ("Used", charts.ORANGE)),
        groups=[(label, 4, 2)],
    ),
    "line": lambda label: charts.line_chart(
        chart_id="c", title="Health", description="Monthly", points=[(label, 4.0), ("b", 3.0)]
    ),
}


@pytest.mark.parametrize("kind", EVERY_CHART)
def test_every_chart_is_an_image_named_by_its_title_and_description(kind):
    root = parse(EVERY_CHART[kind]("Team A"))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    (title,) = [e for e in root if e.tag == f"{SVG}title"]
    (desc,) = [e for e in root if e.tag == f"{SVG}desc"]
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text and desc.text


@pytest.mark.parametrize("kind", EVERY_CHART)
def test_labels_are_escaped_so_a_team_name_cannot_inject_markup(kind):
    markup = EVERY_CHART[kind]('<script>alert("x")</script>&')
    assert "<script>" not in markup
    root = parse(markup)  # still well-formed
    assert not all_(root, "script")
    assert '<script>alert("x")</script>&'[:8] in text_of(root)  # shown as text (perhaps shortened)


def test_chart_titles_and_descriptions_are_escaped_too():
    markup = charts.bar_chart(chart_id='x" onload="evil', title="<b>T</b>", description="a & b", bars=[])
    root = parse(markup)
    assert root.get("onload") is None
    assert root.find(f"{SVG}title").text == "<b>T</b>"


def test_bars_are_as_tall_as_their_values():
    root = parse(charts.bar_chart(chart_id="s", title="t", description="d", bars=[("w1", 4), ("w2", 2), ("w3", 0)]))
    heights = [float(r.get("height")) for r in all_(root, "rect", "bar")]
    assert heights[0] == pytest.approx(2 * heights[1])
    assert heights[2] == 0
    assert [r.find(f"{SVG}title").text for r in all_(root, "rect", "bar")] == ["w1: 4", "w2: 2", "w3: 0"]


def test_a_chart_without_data_says_so_instead_of_dividing_by_zero():
    for markup in (
        charts.bar_chart(chart_id="a", title="t", description="d", bars=[]),
        charts.bar_chart(chart_id="a", title="t", description="d", bars=[("w", 0)]),
        charts.stacked_bars(chart_id="b", title="t", description="d", series=[("A", "#000")], rows=[]),
        charts.paired_bars(chart_id="c", title="t", description="d", series=(("A", "#000"), ("B", "#111")), groups=[]),
        charts.line_chart(chart_id="d", title="t", description="d", points=[("Jan", None)]),
    ):
        root = parse(markup)
        if not all_(root, "rect", "bar"):
            assert "No data" in text_of(root)


def test_stacked_segments_share_the_bar_in_proportion_and_rows_compare():
    root = parse(
        charts.stacked_bars(
            chart_id="s",
            title="t",
            description="d",
            series=[("On track", charts.GREEN), ("Overdue", charts.ORANGE), ("Escalated", charts.RED)],
            rows=[("Programme A", [6, 0, 2]), ("Programme B", [2, 2, 0])],
        )
    )
    widths = {r.find(f"{SVG}title").text: float(r.get("width")) for r in all_(root, "rect", "segment")}
    assert widths["Programme A: On track 6"] == pytest.approx(3 * widths["Programme A: Escalated 2"])
    assert "Programme A: Overdue 0" not in widths  # an empty segment is not drawn
    a = widths["Programme A: On track 6"] + widths["Programme A: Escalated 2"]
    b = widths["Programme B: On track 2"] + widths["Programme B: Overdue 2"]
    assert a == pytest.approx(2 * b)  # 8 pairings against 4


def test_paired_bars_put_allocated_and_used_side_by_side_per_team():
    root = parse(
        charts.paired_bars(
            chart_id="p",
            title="t",
            description="d",
            series=(("Allocated", charts.TEAL), ("Used", charts.ORANGE)),
            groups=[("Support", 10, 5), ("Platform", 4, 6)],
            unit="h",
        )
    )
    bars = {r.find(f"{SVG}title").text: float(r.get("width")) for r in all_(root, "rect", "bar")}
    assert bars["Support: Allocated 10 h"] == pytest.approx(2 * bars["Support: Used 5 h"])
    assert bars["Platform: Used 6 h"] > bars["Platform: Allocated 4 h"]
    assert "Allocated" in text_of(root) and "Used" in text_of(root)  # the legend


def test_a_month_without_answers_breaks_the_health_line():
    root = parse(
        charts.line_chart(
            chart_id="h",
            title="t",
            description="d",
            points=[("Jan", 4.0), ("Feb", 3.5), ("Mar", None), ("Apr", 2.0), ("May", 2.5)],
        )
    )
    assert len(all_(root, "circle", "point")) == 4
    assert len(all_(root, "polyline")) == 2  # Jan–Feb and Apr–May, nothing drawn across March
    ys = {c.find(f"{SVG}title").text: float(c.get("cy")) for c in all_(root, "circle", "point")}
    assert ys["Jan: 4"] < ys["Apr: 2"]  # higher scores sit higher on the chart


def test_a_hidden_figure_gets_no_bar_only_its_words():
    chart = charts.svg_bars([("Jan", 8), ("Feb", None, "< 5"), ("Mar", None, "hidden"), ("Apr", 4)])
    bars = {bar["label"]: bar for bar in chart["bars"]}
    assert bars["Jan"]["height"] == pytest.approx(2 * bars["Apr"]["height"])  # the biggest fills the plot
    assert bars["Feb"]["height"] == 0 and bars["Mar"]["height"] == 0
    assert bars["Mar"]["hidden_word"] == "hidden" and bars["Feb"]["hidden_word"] == ""
