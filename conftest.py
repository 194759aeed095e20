"""The fixed cast every test can use, and the rule that CI runs every test.

The cast: one running programme; its ``coordinator``; a ``mentor`` and a ``mentee`` in an active ``pairing``;
the mentee's ``line_manager`` (a line manager only: no programme role); a ``committee_member``; an
``outsider`` who holds no role anywhere; an ``administrator`` (staff).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Model

from mentoring.tests.factories import PairingFactory
from programmes.models import Role
from programmes.tests.factories import (
    PASSWORD,
    DepartmentFactory,
    MembershipFactory,
    OrgUnitFactory,
    PersonFactory,
    ProgrammeFactory,
)

REQUIRE_SERVICES = os.environ.get("TANDEM_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes", "on"}
CHROMIUM = "/usr/bin/chromium"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose service or browser is missing; in CI (TANDEM_REQUIRE_SERVICES) fail it instead."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"required but missing: {reason}")
    pytest.skip(reason)


def at_once(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Run the calls in threads released together (races need PostgreSQL: see ``require``); each result is a
    return value or the exception raised. Each thread closes its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 (handed to the test, which asserts on it)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Belt and braces: whatever skipped a test (a marker, a plugin), CI must not pass with it unrun.
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped while TANDEM_REQUIRE_SERVICES=1: {report.longrepr}"


def make_cast() -> dict[str, Any]:
    """The cast, made without fixtures: for data a module's tests share (``shared_data``). The fixtures below
    make the very same people, one by one."""
    programme = ProgrammeFactory(name="Growing Together")
    coordinator = make_coordinator(programme)  # made in the order the fixtures make them: the same ids
    mentor = make_mentor(programme)
    line_manager = make_line_manager(DepartmentFactory(name="Operations"))
    mentee = make_mentee(programme, line_manager)
    return {
        "coordinator": coordinator,
        "mentor": mentor,
        "mentee": mentee,
        "line_manager": line_manager,
        "committee_member": make_committee_member(programme),
        "outsider": make_outsider(),
        "administrator": make_administrator(),
        "pairing": PairingFactory(programme=programme, mentor=mentor, mentee=mentee),
    }


def make_coordinator(programme):
    person = PersonFactory(email="coordinator@example.org", display_name="Cora Coordinator")
    MembershipFactory(programme=programme, person=person, role=Role.COORDINATOR)
    return person


def make_line_manager(department):
    team = OrgUnitFactory(name="Support", parent=department)
    return PersonFactory(email="manager@example.org", display_name="Lena Manager", org_unit=team, grade=7)


def make_mentee(programme, line_manager):
    person = PersonFactory(
        email="mentee@example.org",
        display_name="Mina Mentee",
        line_manager=line_manager,
        org_unit=line_manager.org_unit,
        grade=2,
    )
    MembershipFactory(programme=programme, person=person, role=Role.MENTEE)
    return person


def make_mentor(programme):
    team = OrgUnitFactory(name="Platform", parent=DepartmentFactory(name="Engineering"))
    person = PersonFactory(email="mentor@example.org", display_name="Max Mentor", org_unit=team, grade=6)
    MembershipFactory(programme=programme, person=person, role=Role.MENTOR)
    return person


def make_committee_member(programme):
    person = PersonFactory(email="committee@example.org", display_name="Cleo Committee")
    MembershipFactory(programme=programme, person=person, role=Role.COMMITTEE)
    return person


def make_outsider():
    return PersonFactory(email="outsider@example.org", display_name="Otto Outsider")


def make_administrator():
    return PersonFactory(email="admin@example.org", display_name="Ada Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def department(db):
    return DepartmentFactory(name="Operations")


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Growing Together")


@pytest.fixture
def coordinator(programme):
    return make_coordinator(programme)


@pytest.fixture
def line_manager(department):
    return make_line_manager(department)


@pytest.fixture
def mentee(programme, line_manager):
    return make_mentee(programme, line_manager)


@pytest.fixture
def mentor(programme):
    return make_mentor(programme)


@pytest.fixture
def committee_member(programme):
    return make_committee_member(programme)


@pytest.fixture
def outsider(db):
    return make_outsider()


@pytest.fixture
def administrator(db):
    return make_administrator()


@pytest.fixture
def pairing(programme, mentor, mentee):
    return PairingFactory(programme=programme, mentor=mentor, mentee=mentee)


@pytest.fixture
def cast(coordinator, mentor, mentee, line_manager, committee_member, outsider, administrator, pairing):
    """Everyone at once, by role name, for tests that walk every role."""
    return {
        "coordinator": coordinator,
        "mentor": mentor,
        "mentee": mentee,
        "line_manager": line_manager,
        "committee_member": committee_member,
        "outsider": outsider,
        "administrator": administrator,
        "pairing": pairing,
    }


def module_data(django_db_blocker, build: Callable[[], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """For a module-scoped fixture that the slow sweeps share (``yield from module_data(...)``): ``build()``
    runs once per module (per xdist worker), inside a transaction rolled back after the module's last test.
    Each test still runs in its own savepoint inside it (pytest-django's ``db``), so whatever a test changes is
    gone before the next one starts, as with function-scoped data: pair it with a function-scoped fixture that
    requests ``db`` and returns ``fresh_copy(...)``. Not for tests that need ``transaction=True`` or a live
    server (they commit): a module with those keeps function-scoped data."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            data = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fresh_copy(data: dict[str, Any]) -> dict[str, Any]:
    """A test's own copy of shared data, its model instances read again from the database: a change the last
    test made to an instance in memory (then rolled back in the database) does not leak into the next."""
    for value in data.values():
        if isinstance(value, Model):
            value.refresh_from_db()
    return dict(data)


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in German leaves German active in the test's thread (a server thread gets the next request's
    language; a test does not): every test starts in the installation's language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def login(client):
    """Log a person in on the test client (with their real password, through the real backend)."""

    def _login(person):
        assert client.login(username=person.email, password=PASSWORD)
        return client

    return _login


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium; `playwright install` cannot download a browser here."""
    require(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def _serve_one_request_at_a_time() -> None:
    """On SQLite's in-memory test database the live server shares the test's one connection (Django's documented
    arrangement); a threaded server lets two requests use it at once (a double click posts twice), and one
    request's savepoint is then rolled back inside the other's transaction: a 500 no user could meet on a real
    database. PostgreSQL gives each request its own connection and keeps the threaded server."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args: Any, connections_override: dict | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)  # requests run in the server thread, which holds the override

    LiveServerThread.server_class = SerialWSGIServer


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        _serve_one_request_at_a_time()
