"""Hostile input: every URL pattern and every form, fed random, oversized, malformed and hostile
values, answers with a page, a redirect or a 4xx; never a 500, never the payload unescaped, never half-saved.

The walk reuses the permission matrix: each pattern is requested by every role the matrix lets through (GET
pages with hostile query strings, POST-only patterns with hostile bodies), and every form a page renders is
posted back with hostile values for its own field names. Hypothesis runs with a fixed seed (derandomize) and a
small number of examples so that the file stays well under a minute and a half on SQLite.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from config.tests.test_permission_matrix import ADMIN_LOGIN, CAST, LOGIN, MATRIX, matrix_world, shared_world

SHARED_FIXTURES = (shared_world, matrix_world)  # the permission matrix's, used here by name

SCRIPT = "<script>alert(1)</script>"
HOSTILE_STRINGS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE programmes_person; --",
    "1 OR 1=1",
    "' UNION SELECT password FROM programmes_person --",
    "\x00",
    "a\x00b",
    "x" * 10_001,
    "é" * 12_000,
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "3.5",
    "2026-02-30",
    "0000-00-00",
    "9999-99-99",
    "yesterday",
    "../../etc/passwd",
    "%00",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "",
    " ",
    "true",
    "[]",
    "\u202e\ufeff",
]
QUERY_KEYS = ["page", "status", "state", "period", "team", "from", "to", "alert", "pairing", "person", "q"]
CREATE_FORMS = {  # a sample of create forms: refused input must leave no row behind
    "programmes:course_create": "programmes.Course",
    "programmes:budget_line_create": "programmes.BudgetLine",
    "programmes:spend_create": "programmes.Spend",
    "mentoring:goal_create": "mentoring.Goal",
    "mentoring:session_create": "mentoring.MentoringSession",
    "mentoring:concern_raise": "mentoring.Concern",
    "evaluation:survey_create": "evaluation.Survey",
    "evaluation:report_create": "evaluation.Report",
}
VALUES = 8  # hostile values drawn per example
RANDOM_KEY = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12)
HOSTILE_SETTINGS = settings(
    max_examples=4,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure lists every request that failed
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NOT_LET_IN = (LOGIN, ADMIN_LOGIN, 403, 404)


@pytest.fixture
def world(matrix_world):
    """The permission matrix's cast plus its objects, made once for this file; each test starts from it
    unchanged (conftest.module_data)."""
    return matrix_world


@pytest.fixture
def cast(matrix_world):
    """The shared world's cast (a cast of the test's own would be the same people twice)."""
    return {key: matrix_world[key] for key in CAST}


def hostile_values(ids: list[str]) -> st.SearchStrategy[str]:
    """Hostile text, random text, numbers of any size, and the ids of other people's rows."""
    return st.one_of(
        st.sampled_from(HOSTILE_STRINGS),
        st.just(SCRIPT),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(ids),
    )


def other_ids(world: dict) -> list[str]:
    """Primary keys of rows that belong to someone else (the outsider, another programme, the pairing)."""
    return [str(world[name].pk) for name in ("outsider", "mentor", "mentee", "pairing", "recruiting", "application")]


def users_of(entry) -> list[str]:
    return [role for role, expected in entry.expect.items() if expected not in NOT_LET_IN]


def plan() -> dict[str, list[tuple[str, Any]]]:
    """role -> the (url name, entry) pairs that role may use. The logout pattern is left out (it ends the walk)."""
    by_role: dict[str, list[tuple[str, Any]]] = {}
    for key, entry in MATRIX.items():
        if key == "logout":
            continue
        for role in users_of(entry):
            by_role.setdefault(role, []).append((key, entry))
    return by_role


class FormFinder(HTMLParser):
    """The POST forms of a page: their action and the names of their fields (file fields apart)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._open: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._open = {"action": a.get("action") or "", "fields": set(), "files": set()}
            self.forms.append(self._open)
        elif tag in ("input", "select", "textarea") and self._open is not None and a.get("name"):
            name = a["name"]
            if name == "csrfmiddlewaretoken":
                return
            (self._open["files"] if a.get("type") == "file" else self._open["fields"]).add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict[str, Any]]:
    finder = FormFinder()
    finder.feed(html)
    return finder.forms


def problems_with(response, what: str) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"{what}: {response.status_code}")
    elif (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and SCRIPT in response.content.decode(errors="replace")
    ):
        found.append(f"{what}: the script payload came back unescaped")
    return found


def as_role(client, world: dict, role: str):
    client.logout()
    if role != "anonymous":
        client.force_login(world[role])
    return client


def short(data: dict) -> str:
    return repr({k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in data.items()})[:300]


@pytest.fixture
def hostile_client(client):
    client.raise_request_exception = False  # a server error is a 500 response here, counted as a failure
    return client


def test_every_url_pattern_survives_hostile_query_strings(hostile_client, world):
    """GET pages with hostile query strings; POST-only patterns with the same values as their body.

    Each example draws a handful of hostile values and a random parameter name (its value the script payload);
    pattern number i gets four of the named parameters with the values rotated by i. Each example requests every
    pattern once, as the next of the roles that may use it (all of them are covered by the form walk's pages).
    """
    by_role = plan()
    ids = other_ids(world)
    runs = {"n": 0}

    @HOSTILE_SETTINGS
    @given(values=st.lists(hostile_values(ids), min_size=VALUES, max_size=VALUES), extra=RANDOM_KEY)
    def walk(values, extra):
        failures: list[str] = []
        runs["n"] += 1  # each example walks every pattern, as the next role in line that may use it
        for role, entries in by_role.items():
            as_role(hostile_client, world, role)
            for i, (key, entry) in enumerate(entries):
                users = users_of(entry)
                if users[(runs["n"] + i) % len(users)] != role:
                    continue
                url = reverse(key, kwargs=entry.kwargs(world))
                query = {QUERY_KEYS[(i + j) % len(QUERY_KEYS)]: values[(i + j) % VALUES] for j in range(4)}
                query[extra] = SCRIPT
                response = getattr(hostile_client, entry.method)(url, query)
                failures += problems_with(response, f"{entry.method.upper()} {key} as {role} {short(query)}")
        assert not failures, "\n".join(failures)

    walk()


def test_every_form_survives_hostile_posts(hostile_client, world):
    """Every POST form each page renders, posted back with hostile values for its own fields (and files)."""
    from django.apps import apps

    by_role = plan()  # every role that may use a page: its forms are found and posted as that role
    ids = other_ids(world)
    targets: list[tuple[str, str, str, dict]] = []  # role, page key, action url, form
    for role, entries in by_role.items():
        as_role(hostile_client, world, role)
        seen: set[str] = set()
        for key, entry in entries:
            if entry.method != "get":
                continue
            url = reverse(key, kwargs=entry.kwargs(world))
            response = hostile_client.get(url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            for form in post_forms(response.content.decode()):
                action = form["action"] or url
                if action == reverse("logout") or action in seen or not (form["fields"] or form["files"]):
                    continue
                seen.add(action)
                targets.append((role, key, action, form))
    assert len(targets) > 40, "the walk should find the app's forms"
    upload = st.tuples(
        st.sampled_from(["../../evil.csv", "x.pdf", "a" * 300 + ".pdf", "<b>.png", "people.csv"]),
        st.one_of(st.binary(max_size=200), st.just(b"MZ\x90\x00"), st.just(SCRIPT.encode())),
    )

    @HOSTILE_SETTINGS
    @given(values=st.lists(hostile_values(ids), min_size=VALUES, max_size=VALUES), file=upload)
    def post_all(values, file):
        failures: list[str] = []
        current = None
        for i, (role, key, action, form) in enumerate(targets):
            if role != current:
                as_role(hostile_client, world, role)
                current = role
            body: dict[str, Any] = {name: values[(i + j) % VALUES] for j, name in enumerate(sorted(form["fields"]))}
            body.update({name: SimpleUploadedFile(*file) for name in form["files"]})
            own = not form["action"]  # the create form posts to its own page
            model = apps.get_model(CREATE_FORMS[key]) if key in CREATE_FORMS and own else None
            before = model.objects.count() if model else None
            response = hostile_client.post(action, body)
            what = f"POST {action} (form on {key}) as {role} {short(body)}"
            failures += problems_with(response, what)
            if model and response.status_code != 302 and model.objects.count() != before:
                failures.append(f"{what}: refused, yet a {model.__name__} was saved")
        assert not failures, "\n".join(failures)

    post_all()


@pytest.mark.parametrize("path", ["/programmes/%00/", "/mentoring/calendar/feed/abc%00def.ics", "/?q=%00"])
def test_a_null_byte_anywhere_is_a_bad_request(hostile_client, cast, path):
    hostile_client.force_login(cast["coordinator"])
    response = hostile_client.get(path)
    assert response.status_code in (400, 404)


def test_a_null_byte_in_a_form_is_refused_before_anything_is_saved(hostile_client, cast):
    from mentoring.models import Goal

    hostile_client.force_login(cast["mentee"])
    url = reverse("mentoring:goal_create", kwargs={"pk": cast["pairing"].pk})
    response = hostile_client.post(url, {"title": "Speak up\x00 in meetings", "description": "x"})
    assert response.status_code == 400
    assert "null character" in response.content.decode()
    assert not Goal.objects.exists()


# --- CSV exports neutralise formula injection -------------------------------------------------------------------


FORMULA = '=HYPERLINK("http://evil.example","x")'
EXPORT_NAMES = {"programmes:budget_export", "programmes:budget_lines_export", "programmes:training_export",
                "evaluation:report_csv", "mentoring:cpd_record_csv"}  # fmt: skip
# An export that is a person's own (their CPD record): downloaded as that person.
EXPORTED_BY = {"mentoring:cpd_record_csv": "mentor"}


def plant_formulas(world: dict) -> None:
    """A name or title starting with =, +, - or @ in every export's rows."""
    from django.utils import timezone

    from evaluation.models import Report
    from evaluation.selectors.reporting import Period, report_figures
    from programmes.models import Course, TrainingRecord
    from programmes.tests.factories import BudgetLineFactory, SpendFactory

    programme = world["pairing"].programme
    course = Course.objects.create(title="+SUM(A1:A9)", kind=Course.Kind.MENTOR_TRAINING)
    TrainingRecord.objects.create(person=world["mentee"], course=course, status="completed", completed_on="2026-01-05")
    world["mentee"].display_name = "@cmd|' /C calc'!A0"
    world["mentee"].save()
    line = BudgetLineFactory(programme=programme, description=FORMULA)
    SpendFactory(line=line, description="-2+3", created_by=world["coordinator"], course=course, person=world["mentee"])
    period = Period(timezone.localdate().replace(month=1, day=1), timezone.localdate())
    figures = report_figures(programme=programme, period=period)
    figures["sections"][0]["title"] = FORMULA
    # A mentor's own learning goal titled like a formula: their CPD record's CSV.
    from mentoring.models import Goal

    Goal.objects.create(pairing=world["pairing"], owner=Goal.Owner.MENTOR, title=FORMULA, rating_start=2)
    Report.objects.create(
        programme=programme,
        title="Formula report",
        period_start=period.start,
        period_end=period.end,
        status="submitted",
        snapshot={**figures, "title": "Formula report", "narrative": "-"},
    )


def test_every_csv_export_neutralises_formulas(client, world):
    from evaluation.models import Report

    csv_patterns = {key for key in MATRIX if key.endswith(("_export", "_csv"))}
    assert csv_patterns == EXPORT_NAMES, "a new CSV export: plant a formula for it in plant_formulas"
    plant_formulas(world)
    client.force_login(world["coordinator"])
    kwargs = {key: MATRIX[key].kwargs(world) for key in csv_patterns}
    kwargs["evaluation:report_csv"] = {"pk": Report.objects.get(title="Formula report").pk}
    for key in sorted(csv_patterns):
        client.force_login(world[EXPORTED_BY.get(key, "coordinator")])
        response = client.get(reverse(key, kwargs=kwargs[key]))
        assert response.status_code == 200, key
        text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        planted = [cell for cell in cells if re.search(r"HYPERLINK|SUM\(A1|cmd\||^'?-2\+3$", cell)]
        assert planted, f"{key}: the planted text should be in the export"
        assert all(cell.startswith("'") for cell in planted), f"{key}: {planted}"


def test_an_id_past_any_database_integer_is_a_form_error_not_a_server_error(hostile_client, cast):
    """Found by the walk: SQLite raised OverflowError on a 26-digit topic id in the session form."""
    from django.core.exceptions import ValidationError

    from core.forms import IdsField
    from mentoring.models import MentoringSession
    from programmes.models import Skill

    hostile_client.force_login(cast["mentor"])
    url = reverse("mentoring:session_create", kwargs={"pk": cast["pairing"].pk})
    response = hostile_client.post(url, {"duration_minutes": "60", "mode": "video", "topics": "9" * 26})
    assert response.status_code == 200
    assert response.status_code == 200  # the form again, with its messages
    assert not MentoringSession.objects.exists()
    with pytest.raises(ValidationError, match="is not a valid value"):
        IdsField(queryset=Skill.objects.all()).clean(["9" * 26])
