"""Ids no database row can have, in every URL pattern and in query strings: a 404, never a 500.

The walk reuses the permission matrix: each pattern is requested as a role that normally opens it, with each of
its id parameters in turn replaced by 2**63, 2**64 and -1 (the others kept real). SQLite raised OverflowError
on a foreign-key lookup of 2**63 (``person_id=...``); PostgreSQL must answer the same.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, get_resolver, reverse
from django.urls.converters import IntConverter

from config.tests.test_permission_matrix import ADMIN_LOGIN, CAST, LOGIN, MATRIX, matrix_world, shared_world, walk
from core.ids import LARGEST_ID, IdConverter, id_or_404

SHARED_FIXTURES = (shared_world, matrix_world)  # the permission matrix's, used here by name
HUGE = [2**63, 2**64, -1]
OPENERS = ["coordinator", "mentor", "mentee", "committee_member", "administrator", "line_manager", "outsider"]
PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")


@pytest.fixture
def world(matrix_world):
    """The permission matrix's cast plus its objects, made once for this file; each test starts from it
    unchanged (conftest.module_data)."""
    return matrix_world


@pytest.fixture
def cast(matrix_world):
    """The shared world's cast (a cast of the test's own would be the same people twice)."""
    return {key: matrix_world[key] for key in CAST}


def routes() -> dict[str, tuple[str, URLPattern]]:
    return {key: (route, pattern) for key, route, pattern in walk(get_resolver().url_patterns)}


def opener(expect: dict) -> str | None:
    """A role the matrix lets through (a page, a redirect after a POST), the coordinator first."""
    for role in OPENERS:
        if expect[role] not in (LOGIN, ADMIN_LOGIN, 403, 404):
            return role
    return None


def url_with(route: str, kwargs: dict, name: str, value: object) -> str:
    """The URL of ``route`` with ``kwargs``, one of them replaced by ``value`` (reverse() would refuse it)."""
    values = {**kwargs, name: value}
    return "/" + PLACEHOLDER.sub(lambda m: str(values[m.group(2)]), route)


def id_parameters(pattern: URLPattern) -> list[str]:
    """The numeric parameters (<id:...>, and <int:...> should one come back)."""
    numeric = (IdConverter, IntConverter)
    return [name for name, converter in pattern.pattern.converters.items() if isinstance(converter, numeric)]


def test_every_id_in_a_url_pattern_is_bounded_to_a_database_id():
    """A new pattern written with <int:...> takes 2**63 to the view; Tandem's patterns use <id:...>."""
    unbounded = [
        route
        for key, route, pattern in walk(get_resolver().url_patterns)
        if not route.startswith("admin/")
        and any(isinstance(c, IntConverter) for c in getattr(pattern.pattern, "converters", {}).values())
    ]
    assert unbounded == [], "use <id:...> instead of <int:...> in these routes"


@pytest.mark.parametrize("value", ["0", "1", str(LARGEST_ID)])
def test_an_id_a_row_can_have_is_read_as_a_number(value):
    assert id_or_404(value) == int(value)


@pytest.mark.parametrize("value", [str(2**63), str(2**64), "9" * 30, "-1", "x", "", " ", "1.5", "²", "1e3", None])
def test_an_id_no_row_can_have_is_a_404(value):
    from django.http import Http404

    with pytest.raises(Http404):
        id_or_404(value)


@pytest.mark.parametrize("role", OPENERS)
def test_every_url_pattern_answers_404_to_an_id_no_row_can_have(client, world, role):
    """Each pattern as the first role of OPENERS the matrix lets through (one database per role, as the matrix's
    own walk): the real URL answers as the matrix says, and each id no row can have is a 404."""
    client.raise_request_exception = False  # a server error is a 500 response here, counted as a failure
    client.force_login(world[role])
    known = routes()
    failures: list[str] = []
    for key, entry in MATRIX.items():
        route, pattern = known[key]
        names = id_parameters(pattern)
        if not names or opener(entry.expect) != role:
            continue
        kwargs = entry.kwargs(world)
        real = getattr(client, entry.method)(reverse(key, kwargs=kwargs))
        if real.status_code >= 400:
            failures.append(f"{key} as {role}: the real URL answered {real.status_code}")
        for name in names:
            for value in HUGE:
                url = url_with(route, kwargs, name, value)
                response = getattr(client, entry.method)(url)
                if response.status_code != 404:
                    failures.append(f"{entry.method.upper()} {url} ({key}, {name}={value}) as {role}: "
                                    f"{response.status_code}")  # fmt: skip
    assert not failures, "\n".join(failures)


def test_the_walk_reaches_every_id_parameter_of_the_matrix():
    known = routes()
    reached = [key for key, entry in MATRIX.items() if id_parameters(known[key][1]) and opener(entry.expect)]
    with_ids = [key for key in MATRIX if id_parameters(known[key][1])]
    assert len(with_ids) > 100
    assert reached == with_ids, "every pattern with an id has a role that opens it"


class GetFormFields(HTMLParser):
    """The names of the fields of a page's GET forms (its filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self._in_get = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_get = (a.get("method") or "get").lower() == "get"
        elif self._in_get and tag in ("input", "select") and a.get("name"):
            self.names.add(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get = False


ID_QUERY_KEYS = ["person", "pairing", "alert", "line", "team", "unit", "course", "round", "mentor", "mentee"]


def test_every_page_answers_an_id_no_row_can_have_in_its_query_string_without_a_server_error(client, world):
    """Every GET page, as a role that opens it, with every filter of its own and every usual id parameter set to an
    id no row can have: the page (its filter refused), a 400 or a 404, never a 500."""
    client.raise_request_exception = False
    failures: list[str] = []
    current = None
    for key, entry in MATRIX.items():
        role = opener(entry.expect)
        if entry.method != "get" or role is None or entry.expect[role] != 200 or key == "logout":
            continue
        if role != current:
            client.logout()
            client.force_login(world[role])
            current = role
        url = reverse(key, kwargs=entry.kwargs(world))
        page = client.get(url)
        finder = GetFormFields()
        if page.get("Content-Type", "").startswith("text/html"):
            finder.feed(page.content.decode())
        names = sorted(finder.names | set(ID_QUERY_KEYS))
        for value in [*HUGE, "x"]:  # every parameter at once: a form cleans each field, whatever the others hold
            response = client.get(url, dict.fromkeys(names, value))
            if response.status_code >= 500:
                failures.append(f"GET {url} with {names} = {value} ({key}) as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("parameter", ["person", "pairing", "alert"])
@pytest.mark.parametrize("value", [2**63, 2**64, -1, "x"])
def test_a_new_intervention_for_an_id_no_row_can_have_is_a_404(client, cast, parameter, value):
    """Found in the browser: ?person=9223372036854775808 was a 500 on SQLite (OverflowError)."""
    client.raise_request_exception = False
    client.force_login(cast["coordinator"])
    url = reverse("evaluation:intervention_create", kwargs={"pk": cast["pairing"].programme_id})
    assert client.get(url, {parameter: value}).status_code == 404


@pytest.mark.parametrize("value", [2**63, 2**64])
def test_a_training_page_for_a_person_id_no_row_can_have_is_a_404(client, cast, value):
    """Found in the browser: /programmes/1/training/people/9223372036854775808/ was a 500 on SQLite."""
    client.raise_request_exception = False
    client.force_login(cast["coordinator"])
    assert client.get(f"/programmes/{cast['pairing'].programme_id}/training/people/{value}/").status_code == 404
