"""Every URL pattern, every role: who gets the page, who gets 403, who gets 404, who goes to the login page.

MATRIX must name every pattern the resolver knows (outside the admin, which has one rule below); a pattern
added without an entry fails ``test_matrix_covers_every_url_pattern``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = [
    "anonymous",
    "outsider",
    "mentee",
    "mentor",
    "line_manager",
    "coordinator",
    "committee_member",
    "administrator",
]
LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's login page


@dataclass
class Entry:
    expect: dict[str, Any]  # role -> status code, LOGIN, ADMIN_LOGIN or ("redirect", url name)
    kwargs: Callable[[dict], dict] = field(default=lambda cast: {})
    method: str = "get"


def roles(default: Any, **overrides: Any) -> dict[str, Any]:
    expect = dict.fromkeys(ROLES, default)
    expect.update(overrides)
    return expect


def members_only(**overrides: Any) -> dict[str, Any]:
    """Anonymous to login; people with no role in the programme 404; the rest as given."""
    return roles(404, anonymous=LOGIN, **overrides)


def area_page(**allowed: Any) -> dict[str, Any]:
    """A page one area opens: anonymous to login, everyone else 403 unless allowed."""
    return roles(403, anonymous=LOGIN, **allowed)


PROGRAMME = lambda cast: {"pk": cast["pairing"].programme_id}  # noqa: E731
PAIRING = lambda cast: {"pk": cast["pairing"].pk}  # noqa: E731


# --- Training records (training part): objects the training URLs need, made on first use ---------------


def _training_record(cast: dict):
    from django.core.files.base import ContentFile

    from programmes.models import Course, TrainingRecord

    course, _ = Course.objects.get_or_create(title="Matrix course", defaults={"kind": Course.Kind.MENTOR_TRAINING})
    record = TrainingRecord.objects.filter(person=cast["mentee"], course=course).first()
    if record is None:
        record = TrainingRecord(person=cast["mentee"], course=course, status="completed", completed_on="2026-01-05")
        record.evidence_file.save("certificate.pdf", ContentFile(b"%PDF-1.4 certificate"), save=True)
    return record


def _requirement(cast: dict):
    from programmes.models import ProgrammeRequirement

    course = _training_record(cast).course
    return ProgrammeRequirement.objects.get_or_create(
        programme=cast["pairing"].programme, role="mentee", course=course
    )[0]


def _override(cast: dict):
    from programmes.models import ReadinessOverride

    return ReadinessOverride.objects.get_or_create(
        programme=cast["pairing"].programme,
        person=cast["mentee"],
        defaults={"reason": "Starts the course next week.", "created_by": cast["coordinator"]},
    )[0]


COORDINATORS_ONLY = members_only(coordinator=200, mentor=403, mentee=403, committee_member=403)
COURSE = lambda cast: {"course_pk": _training_record(cast).course_id}  # noqa: E731
EVIDENCE = lambda cast: {"record_pk": _training_record(cast).pk}  # noqa: E731
RECORD = lambda cast: {"pk": cast["pairing"].programme_id, "record_pk": _training_record(cast).pk}  # noqa: E731
REQUIREMENT = lambda cast: {"pk": cast["pairing"].programme_id, "requirement_pk": _requirement(cast).pk}  # noqa: E731
MENTEE_IN_PROGRAMME = lambda cast: {"pk": cast["pairing"].programme_id, "person_pk": cast["mentee"].pk}  # noqa: E731
OVERRIDE = lambda cast: {"pk": cast["pairing"].programme_id, "person_pk": _override(cast).person_id}  # noqa: E731

MATRIX: dict[str, Entry] = {
    "home": Entry(
        roles(
            200,
            anonymous=LOGIN,
            mentee=("redirect", "mentoring:home"),
            mentor=("redirect", "mentoring:home"),
            line_manager=("redirect", "programmes:team"),
            coordinator=("redirect", "programmes:list"),
            committee_member=("redirect", "evaluation:reports"),
        )
    ),
    "healthz": Entry(roles(200)),
    "login": Entry(roles(("redirect", "home"), anonymous=200)),
    "logout": Entry(roles(("redirect", "login")), method="post"),
    "password_change": Entry(roles(200, anonymous=LOGIN)),
    "password_change_done": Entry(roles(200, anonymous=LOGIN)),
    "password_reset": Entry(roles(200)),
    "password_reset_done": Entry(roles(200)),
    "password_reset_confirm": Entry(roles(200), kwargs=lambda cast: {"uidb64": "MQ", "token": "not-a-token"}),
    "password_reset_complete": Entry(roles(200)),
    "programmes:list": Entry(area_page(coordinator=200)),
    "programmes:team": Entry(area_page(line_manager=200)),
    "programmes:detail": Entry(
        members_only(coordinator=200, mentor=200, mentee=200, committee_member=200), kwargs=PROGRAMME
    ),
    "programmes:members": Entry(
        members_only(coordinator=200, mentor=403, mentee=403, committee_member=403), kwargs=PROGRAMME
    ),
    "mentoring:home": Entry(area_page(mentor=200, mentee=200)),
    "mentoring:pairing_detail": Entry(members_only(coordinator=200, mentor=200, mentee=200), kwargs=PAIRING),
    "evaluation:reports": Entry(area_page(committee_member=200)),
    "evaluation:programme_report": Entry(
        members_only(committee_member=200, coordinator=403, mentor=403, mentee=403), kwargs=PROGRAMME
    ),
    "send_test_email": Entry(roles(ADMIN_LOGIN, administrator=200)),
    # --- Training records (training part) ---
    "programmes:course_list": Entry(area_page(coordinator=200, administrator=200)),
    "programmes:course_create": Entry(area_page(coordinator=200, administrator=200)),
    "programmes:course_edit": Entry(area_page(coordinator=200, administrator=200), kwargs=COURSE),
    "programmes:course_deactivate": Entry(area_page(coordinator=200, administrator=200), kwargs=COURSE),
    "programmes:course_reactivate": Entry(area_page(coordinator=302, administrator=302), kwargs=COURSE, method="post"),
    "programmes:course_delete": Entry(area_page(coordinator=200, administrator=200), kwargs=COURSE),
    "programmes:my_training": Entry(roles(200, anonymous=LOGIN)),
    # The mentee's own evidence: the mentee and the coordinators of their programme; nobody else learns it exists.
    "programmes:training_evidence": Entry(roles(404, anonymous=LOGIN, mentee=200, coordinator=200), kwargs=EVIDENCE),
    "programmes:training_matrix": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME),
    "programmes:training_requirements": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME),
    "programmes:training_requirement_remove": Entry(COORDINATORS_ONLY, kwargs=REQUIREMENT),
    "programmes:training_export": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME),
    "programmes:training_person": Entry(COORDINATORS_ONLY, kwargs=MENTEE_IN_PROGRAMME),
    "programmes:training_record_create": Entry(COORDINATORS_ONLY, kwargs=MENTEE_IN_PROGRAMME),
    "programmes:training_record_edit": Entry(COORDINATORS_ONLY, kwargs=RECORD),
    "programmes:training_record_verify": Entry(
        members_only(coordinator=302, mentor=403, mentee=403, committee_member=403), kwargs=RECORD, method="post"
    ),
    "programmes:readiness_override": Entry(COORDINATORS_ONLY, kwargs=MENTEE_IN_PROGRAMME),
    "programmes:readiness_override_withdraw": Entry(COORDINATORS_ONLY, kwargs=OVERRIDE),
    # --- end of training records ---
}
# The Django admin guards each of its views with AdminSite.admin_view: one rule covers them all, and the
# test still requests every admin pattern, as every role.
ADMIN_NAMESPACE = "admin"


def walk(patterns: list, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    """(key, route, pattern) for every leaf pattern; the key is the namespaced name or, unnamed, the route."""
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, inner, route)
        else:
            yield (f"{namespace}{p.name}" if p.name else route), route, p


def uncovered_patterns(matrix: dict[str, Entry]) -> set[str]:
    keys = {key for key, _, _ in walk(get_resolver().url_patterns)}
    non_admin = {k for k in keys if not k.startswith(f"{ADMIN_NAMESPACE}:") and not k.startswith("admin/")}
    return (non_admin - set(matrix)) | (set(matrix) - non_admin)


def test_matrix_covers_every_url_pattern():
    assert uncovered_patterns(MATRIX) == set(), "every URL pattern needs exactly one MATRIX entry"


def test_a_pattern_without_an_entry_is_reported():
    smaller = {k: v for k, v in MATRIX.items() if k != "programmes:members"}
    assert uncovered_patterns(smaller) == {"programmes:members"}


def as_role(client, cast: dict, role: str):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def check(response, expected: Any, url: str) -> str | None:
    if expected == LOGIN:
        ok = response.status_code == 302 and response.url.startswith(reverse("login"))
    elif expected == ADMIN_LOGIN:
        ok = response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    elif isinstance(expected, tuple):
        ok = response.status_code == 302 and response.url == reverse(expected[1])
    else:
        ok = response.status_code == expected
    if ok:
        return None
    where = getattr(response, "url", "")
    return f"{url}: expected {expected}, got {response.status_code} {where}"


@pytest.mark.parametrize("role", ROLES)
def test_every_pattern_answers_as_the_matrix_says(client, cast, role):
    as_role(client, cast, role)
    failures = []
    for key, entry in MATRIX.items():
        url = reverse(key, kwargs=entry.kwargs(cast))
        response = getattr(client, entry.method)(url)
        if problem := check(response, entry.expect[role], url):
            failures.append(f"{key} as {role}: {problem}")
        if entry.method == "post" and role != "anonymous":
            as_role(client, cast, role)  # logging out ends the session; the next entries need it back
    assert not failures, "\n".join(failures)


def admin_kwargs(pattern: URLPattern, cast: dict) -> dict[str, str]:
    values = {
        "app_label": "programmes",
        "object_id": str(cast["administrator"].pk),
        "content_type_id": str(ContentType.objects.get_for_model(cast["administrator"]).pk),
        "id": str(cast["administrator"].pk),
        "url": "no-such-page/",
    }
    return {name: values[name] for name in pattern.pattern.regex.groupindex}


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_pattern_is_for_administrators_only(client, cast, role):
    as_role(client, cast, role)
    failures = []
    for key, route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("admin/") or key == "send_test_email":
            continue
        kwargs = admin_kwargs(pattern, cast)
        if pattern.name:
            url = reverse(key, kwargs=kwargs)
        elif "(?P<url>" in route:
            url = "/admin/no-such-page/"
        else:  # the admin's unnamed redirects, e.g. admin/programmes/person/<path:object_id>/
            url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, kw=kwargs: kw[m.group(1)], route)
        if key in ("admin:login", "admin:logout"):
            continue  # the doors themselves: checked below
        response = client.get(url)
        if role == "administrator":
            if response.status_code >= 500:
                failures.append(f"{key}: {response.status_code}")
        elif problem := check(response, ADMIN_LOGIN, url):
            failures.append(f"{key} as {role}: {problem}")
    assert not failures, "\n".join(failures)
    login = client.get(reverse("admin:login"))
    assert login.status_code == (302 if role == "administrator" else 200)


def test_admin_registers_no_model_outside_the_known_list():
    # A new model in the admin must be reviewed against the privacy rule before it appears here.
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered == {
        "auth.group",
        "programmes.orgunit",
        "programmes.person",
        "programmes.programme",
        "programmes.membership",
        "mentoring.pairing",
    }
