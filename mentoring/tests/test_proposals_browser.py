"""Single proposals in a real browser, at 1280 and 390 px: the coordinator proposes one pair from a
suggestion card, sees it waiting on the overview and reminds the mentee, then approves two applications at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from config.tests.browser import log_in, screenshot
from mentoring.models import Pairing
from mentoring.tests.factories import approved_profile
from programmes.models import Application, Notification, Programme, Role
from programmes.tests.factories import ApplicationFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390])
def test_the_coordinator_proposes_by_hand_reminds_and_decides_in_bulk(page: Page, live_server, spring, width):
    page.set_viewport_size({"width": width, "height": 900})
    programme, negotiation, service, technology = spring
    approved_profile(
        programme=programme, display_name="Zofia Nowak", skills=[(negotiation, 2)], grade=2, org_unit=service
    )
    approved_profile(
        programme=programme,
        role=Role.MENTOR,
        display_name="Ann Ames",
        skills=[(negotiation, 3)],
        capacity=1,
        grade=5,
        org_unit=technology,
    )

    # Point 8: one pair from the suggestion card.
    log_in(page, live_server, "cora@example.org")
    page.goto(f"{live_server.url}/mentoring/programmes/{programme.pk}/matching/")
    fits(page, width)
    screenshot(page, f"proposals-cohort-{width}")
    page.get_by_role("button", name="Propose this pairing (Ann Ames for Zofia Nowak)").click()
    expect(page.get_by_text("Ann Ames is proposed as Zofia Nowak's mentor.")).to_be_visible()
    assert Pairing.objects.get(mentee__display_name="Zofia Nowak").status == Pairing.Status.PROPOSED

    # Point 9: the overview says who has not answered, and the reminder goes once.
    page.goto(f"{live_server.url}{programme.get_absolute_url()}")
    expect(page.get_by_text("1 proposed, waiting for Ann Ames and Zofia Nowak to accept.")).to_be_visible()
    fits(page, width)
    screenshot(page, f"proposals-overview-{width}")
    page.get_by_role("button", name="Remind Ann Ames and Zofia Nowak").click()
    expect(page.get_by_text("Reminder sent to Ann Ames and Zofia Nowak.")).to_be_visible()
    expect(page.get_by_text("next reminder possible from")).to_be_visible()
    assert Notification.objects.filter(text__startswith="Reminder:").count() == 2

    # Point 10: two applications ticked and approved at once.
    programme.status = Programme.Status.RECRUITING
    programme.save()
    for name in ("Ben Berg", "Cal Cruz"):
        ApplicationFactory(
            programme=programme,
            person=PersonFactory(display_name=name),
            endorsement=Application.Endorsement.NOT_NEEDED,
        )
    page.goto(f"{live_server.url}/programmes/{programme.pk}/applications/")
    page.get_by_label("Select Ben Berg").check()
    page.get_by_label("Select Cal Cruz").check()
    page.get_by_label("Approve").check()
    fits(page, width)
    screenshot(page, f"proposals-applications-{width}")
    page.get_by_role("button", name="Apply to the ticked applications").click()
    expect(page.get_by_text("2 applications approved: Ben Berg and Cal Cruz.")).to_be_visible()
    assert set(
        Application.objects.filter(person__display_name__in=["Ben Berg", "Cal Cruz"]).values_list("status", flat=True)
    ) == {"approved"}
