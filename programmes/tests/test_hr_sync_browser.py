"""Applying a people import in a real browser: the work runs outside the request, and the page's progress bar
(static/js/progress.js polling the status endpoint) climbs to 100% before the result appears, at 1280 and 390 px
(Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, screenshot
from programmes import tasks
from programmes.models import PeopleImport, Person
from programmes.services import people_import as people_import_service
from programmes.services import people_import_checks
from programmes.services.people_import import people_import_parse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 12
SHOWN_WATCH = """
new MutationObserver(function () {
  var bar = document.querySelector("[role=progressbar] .progress-bar");
  var seen = (sessionStorage.getItem("bar-shown") || "").split(" ").filter(Boolean);
  if (bar && bar.textContent.trim() && seen[seen.length - 1] !== bar.textContent.trim()) {
    seen.push(bar.textContent.trim());
    sessionStorage.setItem("bar-shown", seen.join(" "));
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


@pytest.fixture
def slow_worker(monkeypatch):
    """The Celery worker, played by a thread that checks three rows at a time and pauses after each batch's
    progress is saved, so that the page sees the bar move. It shares the live server's database connection (the
    in-memory SQLite test database exists in that one connection)."""
    shared = connections["default"]
    threads: list[threading.Thread] = []
    monkeypatch.setattr(people_import_checks, "PROGRESS_EVERY", 3)
    save = people_import_service._progress_save

    def slow_save(pk: int, done: int) -> None:
        save(pk, done)
        time.sleep(0.7)

    monkeypatch.setattr(people_import_service, "_progress_save", slow_save)

    def run(pk: int, by_pk: int) -> None:
        connections["default"] = shared
        try:
            people_import_service.people_import_apply_task(people_import_id=pk, by_id=by_pk)
        finally:
            shared.dec_thread_sharing()

    def delay(pk: int, by_pk: int) -> None:
        shared.inc_thread_sharing()
        thread = threading.Thread(target=run, args=(pk, by_pk), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.apply_people_import, "delay", delay)
    yield
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_progress_bar_climbs_to_100_and_the_result_appears(page: Page, live_server, cast, slow_worker, width):
    page.set_viewport_size({"width": width, "height": 900})
    # Every text the bar shows, kept in the tab's session storage (it outlives the reload to the result): the
    # bar holds 100% for a moment only, which a look now and then can miss on a busy machine.
    page.add_init_script(SHOWN_WATCH)
    lines = "\n".join(f"p{i}@example.org,Person {i}" for i in range(ROWS))
    upload = SimpleUploadedFile("people.csv", f"email,name\n{lines}\n".encode())
    preview = people_import_parse(upload=upload, by=cast["coordinator"])
    log_in(page, live_server, "coordinator@example.org")
    page.goto(f"{live_server.url}{reverse('programmes:people_import_preview', args=[preview.pk])}")
    page.get_by_role("button", name="Apply this import").click()

    bar = page.get_by_role("progressbar", name="Rows applied")
    expect(bar).to_be_visible()
    # Part way: some rows checked, not all (the worker pauses after each three).
    expect(page.get_by_text(f"of {ROWS} rows checked")).to_be_visible()
    expect(bar).not_to_have_attribute("aria-valuenow", "0", timeout=10_000)
    screenshot(page, f"people-import-progress-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.get_by_text(f"{ROWS} created, 0 updated")).to_be_visible(timeout=30_000)
    expect(bar).to_be_hidden()
    shown = [int(text.rstrip("%")) for text in page.evaluate("sessionStorage.getItem('bar-shown')").split()]
    assert shown[-1] == 100, shown  # the bar reached 100% before the result replaced it
    assert shown == sorted(shown) and len(shown) >= 2, shown  # climbing: a step below 100% seen first
    assert PeopleImport.objects.get(pk=preview.pk).status == PeopleImport.Status.APPLIED
    assert Person.objects.filter(email__startswith="p", email__endswith="@example.org").count() >= ROWS
