"""Fixtures the config tests share: the test OpenID provider and single sign-on switched on against it."""

from config.tests.sso import oidc_provider, sso  # noqa: F401 (fixtures, found by name)
