"""Password reset emails are limited per address: 25 requests in a second send at most
TANDEM_PASSWORD_RESET_LIMIT emails, and every request gets the same page, so nobody learns whether an address
has an account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def without_csrf_token(page: bytes) -> bytes:
    """The page without its CSRF token (the footer's language form carries one, masked anew at each rendering)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", page)


def ask(client: Client, email: str):
    page = client.get(reverse("password_reset"))
    token = page.cookies["csrftoken"].value
    return client.post(reverse("password_reset"), {"email": email, "csrfmiddlewaretoken": token})


def test_twenty_five_reset_requests_send_at_most_three_emails(mentee, settings, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        responses = [ask(client, mentee.email) for _ in range(25)]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, reverse("password_reset_done"))}
    assert len(mail.outbox) == settings.TANDEM_PASSWORD_RESET_LIMIT == 3
    assert {tuple(m.to) for m in mail.outbox} == {(mentee.email,)}


def test_a_limited_request_looks_like_one_for_an_unknown_address(mentee, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            ask(client, mentee.email)
        limited = ask(client, mentee.email)
        unknown = ask(client, "nobody@example.org")
    assert (limited.status_code, limited["Location"]) == (unknown.status_code, unknown["Location"])
    limited_page, unknown_page = (client.get(r["Location"]).content for r in (limited, unknown))
    assert without_csrf_token(limited_page) == without_csrf_token(unknown_page)


def test_the_limit_counts_one_hour_and_each_address_on_its_own(mentee, mentor, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(T0, tick=False) as traveller, django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            ask(client, mentee.email)
        ask(client, mentor.email)
        assert [m.to for m in mail.outbox] == [[mentee.email]] * 3 + [[mentor.email]]
        traveller.shift(dt.timedelta(minutes=61))
        ask(client, mentee.email)
    assert len(mail.outbox) == 5


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_ten_reset_requests_at_the_same_moment_still_send_at_most_three(settings):
    from django.db import connection

    from conftest import at_once, require
    from programmes.tests.factories import PersonFactory

    require(connection.vendor == "postgresql", "the reset race needs PostgreSQL (set DATABASE_URL)")
    person = PersonFactory(email="racer@example.org")

    def one():
        return Client().post(reverse("password_reset"), {"email": person.email}).status_code

    assert at_once(*[one] * 10) == [302] * 10
    assert len(mail.outbox) == settings.TANDEM_PASSWORD_RESET_LIMIT
