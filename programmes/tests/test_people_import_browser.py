"""People import in a real browser: a leaver in the HR file is shown as deactivated in the preview, and a
short row is an error, at 1280 and 390 px (Debian's Chromium driven by Playwright)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, screenshot
from programmes.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_preview_says_who_is_deactivated_and_which_row_is_short(page: Page, live_server, cast, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    hr_file = tmp_path / "people.csv"
    hr_file.write_text(
        "email,name,job_title,status\nmentor@example.org,Max Mentor,Engineer,Terminated\nmentee@example.org,Mina\n"
    )
    log_in(page, live_server, "coordinator@example.org")
    page.goto(f"{live_server.url}{reverse('programmes:people_import')}")
    page.get_by_label("CSV file from your HR system").set_input_files(str(hr_file))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_text("account: active → deactivated: the status says they have left")).to_be_visible()
    expect(page.get_by_text("This line has 2 cells but the header has 4")).to_be_visible()
    expect(page.get_by_text("1 person will be deactivated once the file can be applied")).to_be_visible()
    screenshot(page, f"people-import-preview-leaver-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert Person.objects.get(email="mentor@example.org").is_active  # nothing happens before applying
