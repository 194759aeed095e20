"""Login protection: lockout of an account from an address, the lockout page, the administrator
unlock, the client address behind a proxy."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from programmes.tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db
LIMIT = 10
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def attempt(client: Client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def fail(client: Client, email: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = attempt(client, email, "not-the-password", address)
        assert response.status_code in {200, 429}


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(client, mentee):
    fail(client, mentee.email, LIMIT)
    response = attempt(client, mentee.email, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Logging in is paused" in page
    assert "try again in 15 minutes" in page
    assert "administrator" in page
    stored = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert stored and "not-the-password" not in stored and PASSWORD not in stored  # the admin never shows them


def test_nine_failures_still_let_the_right_password_in(client, mentee):
    fail(client, mentee.email, LIMIT - 1)
    response = attempt(client, mentee.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_before_the_limit_starts_the_count_again(client, mentee):
    fail(client, mentee.email, LIMIT - 1)
    assert attempt(client, mentee.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    fail(client, mentee.email, LIMIT - 1)
    assert attempt(client, mentee.email, PASSWORD).status_code == 302
    assert logged_in(client)


# The lock is on the account and the address together


def test_failures_from_another_address_do_not_lock_the_account_here(client, mentee):
    fail(client, mentee.email, LIMIT, address="10.9.9.9")
    assert attempt(Client(), mentee.email, PASSWORD, address="10.9.9.9").status_code == 429  # that address: locked
    # The person at their own desk still logs in: one address cannot lock a known account for everyone.
    assert attempt(Client(), mentee.email, PASSWORD, address="10.0.0.7").status_code == 302


def test_failures_spread_over_addresses_lock_none_of_them(client, mentee):
    for n in range(LIMIT):
        fail(client, mentee.email, 1, address=f"10.0.1.{n}")
    assert attempt(client, mentee.email, PASSWORD, address="10.0.1.0").status_code == 302


def test_a_locked_address_still_reaches_other_accounts(client, mentee, mentor):
    fail(client, mentee.email, LIMIT, address="10.9.9.9")
    assert attempt(Client(), mentor.email, PASSWORD, address="10.9.9.9").status_code == 302


def test_the_account_is_counted_without_case_or_spaces(client, mentee):
    for n in range(LIMIT):
        fail(client, f"  {mentee.email.upper()} " if n % 2 else mentee.email, 1, address="10.0.3.1")
    assert attempt(client, mentee.email, PASSWORD, address="10.0.3.1").status_code == 429


def proxied(client: Client, email: str, password: str, forwarded_for: str):
    """A login through the reverse proxy at 10.0.0.1, which appends the address it saw to X-Forwarded-For."""
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_one_proxy(settings, monkeypatch, tmp_path):
    """The settings TANDEM_PROXY_COUNT=1 produces."""
    from config.tests.test_settings import load

    loaded = load(monkeypatch, tmp_path, TANDEM_PROXY_COUNT="1", DEBUG="1")
    for name in ("AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT", "AXES_IPWARE_PROXY_ORDER"):
        setattr(settings, name, loaded[name])
    settings.IPWARE_STRICT = loaded["IPWARE_STRICT"]


def test_behind_a_proxy_each_client_is_counted_by_its_own_address(client, mentee, behind_one_proxy):
    for _ in range(LIMIT):
        proxied(client, mentee.email, "not-the-password", "203.0.113.5")
    assert proxied(Client(), mentee.email, PASSWORD, "203.0.113.5").status_code == 429
    # Another client behind the same proxy is not locked out with them ...
    assert proxied(Client(), mentee.email, PASSWORD, "198.51.100.7").status_code == 302
    # ... and the locked client cannot slip out by writing another address in front of the proxy's entry.
    assert proxied(Client(), mentee.email, PASSWORD, "198.51.100.7, 203.0.113.5").status_code == 429


def test_without_a_proxy_setting_a_forwarded_for_header_is_ignored(client, mentee):
    for n in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": mentee.email, "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert attempt(Client(), mentee.email, PASSWORD, address="10.0.0.9").status_code == 429


def test_the_lockout_ends_after_fifteen_minutes(client, mentee):
    with time_machine.travel(T0, tick=False) as traveller:
        fail(client, mentee.email, LIMIT)
        traveller.shift(dt.timedelta(minutes=14))
        assert attempt(client, mentee.email, PASSWORD).status_code == 429
        # Trying during the lockout starts the 15 minutes again; after them, the right password works.
        traveller.shift(dt.timedelta(minutes=16))
        assert attempt(client, mentee.email, PASSWORD).status_code == 302


def test_an_administrator_lifts_the_lockout_in_the_admin(client, mentee, administrator):
    fail(client, mentee.email, LIMIT)
    assert attempt(client, mentee.email, PASSWORD).status_code == 429

    admin_client = Client()
    admin_client.force_login(administrator)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert mentee.email in changelist.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302

    assert attempt(client, mentee.email, PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_admin_login_is_protected_too(client, db):
    staff = PersonFactory(email="staff@example.org", is_staff=True)
    url = reverse("admin:login")
    for _ in range(LIMIT):
        client.post(url, {"username": staff.email, "password": "wrong"}, REMOTE_ADDR="10.0.5.1")
    response = client.post(url, {"username": staff.email, "password": PASSWORD}, REMOTE_ADDR="10.0.5.1")
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_test_clients_login_still_works(client, mentee):
    # client.login() authenticates without a request: no address to count, so the lockout check steps aside
    # (it cannot be reached from the web, where every login form passes the request).
    assert client.login(username=mentee.email, password=PASSWORD)
    assert not client.login(username=mentee.email, password="wrong")
