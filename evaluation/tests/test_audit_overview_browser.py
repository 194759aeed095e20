"""The coordinators' overview of an audit round in a real browser: with ten dimensions beside them, the unit's and
the line manager's names keep their words whole (they once shrank to a column of letters: "Cust ome r Sup port")."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, screenshot
from evaluation.tests.audit_world import audit_round
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How many lines each cell's words take, and how many words it has: a name broken inside a word takes more lines
# than it has words.
LINES_AND_WORDS = """cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return [tops.size, cell.innerText.trim().split(/\\s+/).length];
}"""


def test_unit_and_line_manager_names_keep_their_words_whole(page: Page, live_server, cast):
    programme = cast["pairing"].programme
    department = DepartmentFactory(name="Operations and Logistics")
    lead = PersonFactory(display_name="Leonhard Hartmannsberger")
    support = OrgUnitFactory(name="Customer Support", parent=department, lead=lead)
    platform = OrgUnitFactory(name="Platform Engineering", parent=department, lead=PersonFactory())
    survey_round = audit_round(
        programme, opens_on=datetime.date(2026, 1, 5), answers={support: [2] * 6, platform: [4] * 5}
    )
    log_in(page, live_server, cast["coordinator"].email)
    page.goto(f"{live_server.url}{reverse('evaluation:audit_overview', args=[programme.pk, survey_round.pk])}")
    table = page.get_by_role("region", name="Units and their plans")
    expect(table.get_by_role("link", name="Customer Support")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name in ("Customer Support", "Leonhard Hartmannsberger", "Platform Engineering"):
            cell = table.locator("tbody th, tbody td").filter(has_text=name).first
            lines, words = cell.evaluate(LINES_AND_WORDS)
            assert lines <= words, f"{name} takes {lines} lines at {width} px"
        screenshot(page, f"audit-overview-{width}")
