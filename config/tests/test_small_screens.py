"""Small screens and the keyboard, in Chromium: every page of the permission matrix
fits a 390 px phone without scrolling sideways, its scrolling tables are named regions the keyboard reaches, and
"Skip to content" shows on top of the page when the first Tab gives it the focus."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from config.tests.browser import log_in
from config.tests.matrix_pages import matrix_pages, session_cookie
from config.tests.test_permission_matrix import world  # noqa: F401 (the matrix's fixture, reused)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# The first Tab on a page reaches "Skip to content" (the admin's "Skip to main content"): is it the link itself
# that shows at its centre?
SKIP_LINK_ON_TOP = """() => {
  const el = document.activeElement;
  if (!el || !el.textContent.trim().startsWith('Skip to')) return false;
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return box.width > 1 && box.height > 1 && (hit === el || el.contains(hit));
}"""
# What sticks out on the right, so a failure names the culprit rather than only a width.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  // An element sticks out when its right edge passes the screen and no ancestor clips it (a scroll container
  // it really sits in). An absolutely placed one is clipped only by the ancestors it is positioned within:
  // that is how a visually hidden span escapes a .table-responsive.
  const clipped = el => {
    let scheme = getComputedStyle(el).position;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      const contains = scheme !== 'absolute' || style.position !== 'static' || style.transform !== 'none';
      if (contains && style.overflowX !== 'visible') return true;
      if (contains && scheme === 'absolute') scheme = style.position;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')].filter(
    el => el.getBoundingClientRect().right > width + 0.5 && !clipped(el));
  const outer = wide.filter(el => !wide.includes(el.parentElement));
  // A table that scrolls sideways is a region the keyboard reaches and a screen reader names.
  const unreachable = [...document.querySelectorAll('.table-responsive, :has(> table)')].filter(el => {
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    if (!scrolls && !el.matches('.table-responsive')) return false;
    const named = (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || '').trim();
    return el.getAttribute('tabindex') !== '0' || el.getAttribute('role') !== 'region' || !named;
  });
  return {
    unreachable: unreachable.map(el => el.outerHTML.slice(0, 120)),
    scrollWidth: document.documentElement.scrollWidth,
    culprits: outer.slice(0, 3).map(el => {
      const names = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
      const cls = names.map(name => '.' + name).join('');
      const text = (el.textContent || '').trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}${cls} "${text}" (right ${Math.round(el.getBoundingClientRect().right)}px)`;
    }),
  };
}"""


def test_every_page_of_the_matrix_fits_a_390px_screen(browser: Browser, live_server, world):  # noqa: F811
    pages = matrix_pages(world)
    assert len(pages) > 60  # the walk is the whole matrix, not a chosen few
    too_wide, unreachable, skip_hidden, contexts = [], [], [], {}
    for page_info in pages:
        if page_info.role not in contexts:
            context = browser.new_context(viewport=PHONE)
            if cookie := session_cookie(world, page_info.role):
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
            contexts[page_info.role] = context.new_page()
        page = contexts[page_info.role]
        response = page.goto(f"{live_server.url}{page_info.url}", wait_until="load")
        assert response is not None and response.status == 200, f"{page_info.key} as {page_info.role}"
        measured = page.evaluate(OVERFLOW)
        if measured["scrollWidth"] > PHONE["width"]:
            too_wide.append(
                f"{page_info.key} as {page_info.role} ({page_info.url}): {measured['scrollWidth']} px wide; "
                + ", ".join(measured["culprits"])
            )
        unreachable += [f"{page_info.key}: {html}" for html in measured["unreachable"]]
        # A page that puts the focus in its first field (log in, change password) starts the Tab order there.
        autofocus = page.evaluate("() => document.activeElement !== document.body")
        page.keyboard.press("Tab")
        if not autofocus and not page.evaluate(SKIP_LINK_ON_TOP):
            skip_hidden.append(f"{page_info.key} as {page_info.role}")
    for page in contexts.values():
        page.context.close()
    assert not too_wide, "pages wider than a 390 px screen:\n" + "\n".join(too_wide)
    assert not skip_hidden, "the first Tab does not show Skip to content on top:\n" + "\n".join(skip_hidden)
    assert not unreachable, "tables scrolling sideways without tabindex=0, role=region and a name:\n" + "\n".join(
        unreachable
    )


def test_skip_to_content_shows_on_top_when_focused(page: Page, live_server, cast):
    # (The 390 px walk checks the first Tab on every page of the matrix too.)
    log_in(page, live_server, cast["coordinator"].email)
    expect(page.get_by_role("heading", name="My programmes")).to_be_visible()
    page.locator("body").focus()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    assert page.evaluate(SKIP_LINK_ON_TOP), "the focused skip link is drawn under something else"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
