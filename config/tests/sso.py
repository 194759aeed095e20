"""The test OpenID provider (config/tests/oidc_provider.py) as pytest fixtures, and a person's way through its pages
without a browser (for the bad cases, at the HTTP level)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from conftest import require

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.py")
CLIENT_ID = "tandem"
CLIENT_SECRET = "tandem-test-secret"  # noqa: S105 (a test provider's client, on localhost)
PASSWORD = "provider-password"  # noqa: S105


@dataclass
class Provider:
    issuer: str
    log: str = ""  # the provider's stderr

    def post(self, path: str, data: dict) -> None:
        requests.post(f"{self.issuer}{path}", json=data, timeout=10).raise_for_status()

    def client(self, redirect_uri: str, client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> None:
        self.post("/_test/client", {"client_id": client_id, "secret": secret, "redirect_uris": [redirect_uri]})

    def user(self, username: str, *, sub: str, email: str, name: str = "", **claims: str) -> None:
        self.post(
            "/_test/user",
            {
                "username": username,
                "claims": {"password": PASSWORD, "sub": sub, "email": email, "name": name, **claims},
            },
        )

    def fault(self, **fault: object) -> None:
        """The next ID token the provider issues carries this (``aud="other"``, ``exp=-600``)."""
        self.post("/_test/fault", fault)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """The provider in its own process on a free port, for the whole session (one per xdist worker)."""
    env = {**os.environ, "PYTHONPATH": ""}
    # Its errors go to a file (a pipe nobody reads would fill and stall it); a failing test can show them.
    errors = tempfile.NamedTemporaryFile("w+", prefix="oidc-provider-", suffix=".log")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 (our own script, with this interpreter)
        [sys.executable, str(PROVIDER_SCRIPT)], stdout=subprocess.PIPE, stderr=errors, text=True, env=env
    )
    try:
        line = process.stdout.readline().strip() if process.stdout else ""
        if not line.startswith("READY "):
            errors.seek(0)
            require(False, f"the test OpenID provider did not start: {line} {errors.read()[-2000:]}")
        yield Provider(issuer=line.split(" ", 1)[1], log=errors.name)
    finally:
        process.terminate()
        process.wait(timeout=10)
        errors.close()


@pytest.fixture
def sso(oidc_provider: Provider, settings) -> Provider:
    """Tandem's single sign-on switched on against the test provider (endpoints discovered afresh)."""
    from config import sso as sso_module

    settings.TANDEM_OIDC_ISSUER = oidc_provider.issuer
    settings.TANDEM_OIDC_CLIENT_ID = CLIENT_ID
    settings.TANDEM_OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.TANDEM_OIDC_PROVIDER_NAME = "Test ID"
    settings.TANDEM_OIDC_HELP_CONTACT = "the people team (people@example.org)"
    sso_module._metadata.clear()
    oidc_provider.post("/_test/reset", {})
    oidc_provider.client("http://testserver/accounts/sso/callback/")
    return oidc_provider


def provider_login(start_location: str, username: str, *, allow: bool = True) -> str:
    """A person at the provider: its login page, its consent page, and the redirect back to Tandem's callback
    (returned, not followed: the test hands it to Tandem's test client)."""
    browser = requests.Session()
    page = browser.get(start_location, timeout=10)
    assert "Sign in" in page.text, page.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(start_location).query).items()}
    base = start_location.split("/authorize", 1)[0]
    signed_in = browser.post(f"{base}/login", data={**query, "username": username, "password": PASSWORD}, timeout=10)
    assert "allow access" in signed_in.text, signed_in.text
    back = browser.post(
        f"{base}/authorize", data={**query, "confirm": "yes" if allow else "no"}, allow_redirects=False, timeout=10
    )
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"
