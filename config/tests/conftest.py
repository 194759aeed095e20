"""Fixtures the config tests share: the test OpenID provider and single sign-on switched on against it."""

import pytest

from config.tests.sso import oidc_provider, sso  # noqa: F401 (fixtures, found by name)


@pytest.fixture(autouse=True)
def beat_heartbeat_stays_fresh(request, monkeypatch):
    """A beat heartbeat written when a test's data was built counts as fresh for the whole test.

    Long walks (the permission matrix, hostile input, huge ids) build their world once and can outlast beat's three
    minutes of silence on a busy machine, after which /healthz rightly answers 503. The heartbeat is still read (the
    same queries as in production); only its age is taken as now. test_health tests the age itself.
    """
    if request.module.__name__.endswith("test_health"):
        return
    from django.utils import timezone

    from config import health

    real = health.beat_last_tick
    monkeypatch.setattr(health, "beat_last_tick", lambda: real() and timezone.now())
