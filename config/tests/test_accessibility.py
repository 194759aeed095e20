"""Accessibility: every chart has a text alternative: an accessible name from text that exists
on the page, and a table with the same numbers after it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

SVG = re.compile(r"<svg\b[^>]*\brole=\"img\"[^>]*>", re.S)


def element_text(html: str, element_id: str) -> str:
    found = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(2)).strip() if found else ""


@pytest.mark.parametrize("page", ["evaluation:dashboard", "evaluation:dashboard_all"])
def test_every_chart_is_named_by_its_title_and_followed_by_a_table(client, cast, page):
    client.force_login(cast["coordinator"])
    kwargs = {"pk": cast["pairing"].programme_id} if page == "evaluation:dashboard" else {}
    html = client.get(reverse(page, kwargs=kwargs)).content.decode()
    charts = list(SVG.finditer(html))
    assert charts, "the page draws charts"
    for n, chart in enumerate(charts):
        labelledby = re.search(r'aria-labelledby="([^"]+)"', chart.group(0))
        assert labelledby, f"a chart without aria-labelledby: {chart.group(0)[:120]}"
        for element_id in labelledby.group(1).split():
            assert element_text(html, element_id), f"aria-labelledby points to missing or empty #{element_id}"
        up_to_next_chart = html[chart.end() : charts[n + 1].start() if n + 1 < len(charts) else len(html)]
        assert "<table" in up_to_next_chart, f"no table follows the chart {labelledby.group(1)}"
