"""The same round trip in Chromium itself: the reader in config/tests/html_forms.py models
what the browser does with a date input; here the browser does it. Open the edit page, change nothing, save."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from config.tests.browser import log_in
from programmes.tests.factories import TrainingRecordFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_programme_settings_saved_unchanged_in_chromium_keeps_dates(page: Page, live_server, cast):
    programme = cast["pairing"].programme
    programme.starts_on, programme.ends_on = datetime.date(2026, 3, 1), datetime.date(2027, 2, 28)
    programme.save()
    record = TrainingRecordFactory(person=cast["mentee"], completed_on=datetime.date(2026, 1, 5))
    log_in(page, live_server, "coordinator@example.org")

    page.goto(live_server.url + reverse("programmes:settings", args=[programme.pk]))
    expect(page.locator("#id_starts_on")).to_have_value("2026-03-01")  # the browser shows the date, not blank
    expect(page.locator("#id_ends_on")).to_have_value("2027-02-28")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    programme.refresh_from_db()
    assert (programme.starts_on, programme.ends_on) == (datetime.date(2026, 3, 1), datetime.date(2027, 2, 28))

    page.goto(live_server.url + reverse("programmes:training_record_edit", args=[programme.pk, record.pk]))
    expect(page.locator("#id_completed_on")).to_have_value("2026-01-05")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("is saved")).to_be_visible()
    record.refresh_from_db()
    assert record.completed_on == datetime.date(2026, 1, 5)
