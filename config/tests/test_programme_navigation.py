"""A programme's navigation: every programme page of the permission matrix, opened by its
coordinator, shows at most six top-level entries, the same breadcrumb (My programmes / programme / group / ...
/ page) and the programme's status; participants see only what they may open; unexplained terms are explained
where they appear."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import get_resolver, reverse

from config.navigation import GROUPS, PAGES
from config.tests.test_permission_matrix import MATRIX, walk
from config.tests.test_permission_matrix import world as world  # noqa: F401, PLC0414 (the fixture)
from mentoring.tests.test_matching import add, skills, teams  # noqa: F401 (fixtures)
from programmes.terms import TERMS


class ProgrammeChrome(HTMLParser):
    """What a person sees of a page's programme navigation: the breadcrumb, the top-level and second-level
    entries (each with whether it is marked current) and the status badge."""

    def __init__(self) -> None:
        super().__init__()
        self.navs: list[str | None] = []  # aria-label of each open <nav>
        self.crumbs: list[list] = []  # [text, current]
        self.top: list[list] = []  # [text, aria-current]
        self.second: list[list] = []
        self.status: list[str] = []
        self._item: list | None = None
        self._in_status = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "nav":
            self.navs.append(a.get("aria-label"))
        where = self.navs[-1] if self.navs else None
        if tag == "li" and where == "Breadcrumb":
            self._item = ["", a.get("aria-current")]
            self.crumbs.append(self._item)
        elif tag == "a" and where == "Programme sections":
            self._item = ["", a.get("aria-current")]
            self.top.append(self._item)
        elif tag == "a" and where and where.endswith(" pages"):
            self._item = ["", a.get("aria-current")]
            self.second.append(self._item)
        if tag == "span" and "programme-status" in classes:
            self._in_status = 1
            self.status.append("")
        elif tag == "span" and self._in_status:
            self._in_status += 1

    def handle_endtag(self, tag):
        if tag == "nav" and self.navs:
            self.navs.pop()
        if tag in ("li", "a"):
            self._item = None
        if tag == "span" and self._in_status:
            self._in_status -= 1

    def handle_data(self, data):
        if self._item is not None:
            self._item[0] = (self._item[0] + " " + data.strip()).strip()
        if self._in_status:
            self.status[-1] = (self.status[-1] + " " + data.strip()).strip()


def chrome(response) -> ProgrammeChrome:
    parser = ProgrammeChrome()
    parser.feed(response.content.decode())
    return parser


def programme_pages() -> list[str]:
    """Every page of the matrix that belongs to one programme: its URL names the programme (programmes/<pk>/),
    or the navigation places it (a report is reached from its programme), as a GET its coordinators open; not
    a download (CSV, PDF)."""
    routes = {key: route for key, route, _ in walk(get_resolver().url_patterns)}
    keys = [key for key in MATRIX if "programmes/<int:pk>/" in routes.get(key, "") or key in PAGES]
    return [
        k
        for k in keys
        if MATRIX[k].method == "get"
        and MATRIX[k].expect["coordinator"] == 200
        and k != "programmes:apply"  # the page for applicants, of a programme open for enrolment
        and not routes.get(k, "").endswith((".csv", ".pdf"))
    ]


def test_every_programme_page_of_the_matrix_has_a_place_in_the_navigation():
    # A new programme page must be placed in a group (PAGES in its app's navigation.py), or it shows no navigation.
    missing = [k for k in programme_pages() if k not in PAGES]
    assert not missing, f"programme pages without a place in the navigation: {missing}"


def test_every_programme_page_shows_six_entries_at_most_the_same_breadcrumb_and_the_status(client, world):  # noqa: F811
    programme = world["pairing"].programme
    client.force_login(world["coordinator"])
    labels = {group.label for group in GROUPS}
    failures = []
    checked = 0
    for key in programme_pages():
        url = reverse(key, kwargs=MATRIX[key].kwargs(world))
        response = client.get(url)
        checked += 1
        page = chrome(response)
        group = next(g for g in GROUPS if any(e.key == PAGES[key][0] for e in g.entries))
        crumbs = [text for text, _ in page.crumbs]
        problems = []
        if not 2 <= len(page.top) <= 6 or {text for text, _ in page.top} != labels:
            problems.append(f"top-level entries {[t for t, _ in page.top]}")
        if [t for t, current in page.top if current] != [group.label]:
            problems.append(f"current top-level entry {[t for t, c in page.top if c]}, not {group.label}")
        if len(group.entries) > 1 and [e.label for e in group.entries] != [t for t, _ in page.second]:
            problems.append(f"second level {[t for t, _ in page.second]}")
        if crumbs[:3] != ["My programmes", programme.name, group.label] or len(crumbs) < 3:
            problems.append(f"breadcrumb {crumbs}")
        if [current for _, current in page.crumbs] != [None] * (len(crumbs) - 1) + ["page"]:
            problems.append("the breadcrumb's last item is not the current page")
        if page.status != [f"Programme status: {programme.get_status_display()}"]:
            problems.append(f"status badge {page.status}")
        if problems:
            failures.append(f"{key} ({url}): " + "; ".join(problems))
    assert checked >= 35, f"only {checked} programme pages rendered"
    assert not failures, "\n".join(failures)


def test_the_breadcrumb_names_the_page_under_its_group(client, cast):
    programme = cast["pairing"].programme
    client.force_login(cast["coordinator"])
    page = chrome(client.get(reverse("programmes:budget_line_create", args=[programme.pk])))
    assert [t for t, _ in page.crumbs] == ["My programmes", programme.name, "Set-up", "Budget", "New budget line"]
    # The group's own pages as a second level; the page is inside Budget, not Budget itself.
    assert page.second == [["Settings", None], ["Training requirements", None], ["Budget", "true"]]
    settings = chrome(client.get(reverse("programmes:settings", args=[programme.pk])))
    assert [t for t, _ in settings.crumbs] == ["My programmes", programme.name, "Set-up", "Settings"]
    assert ["Set-up", "page"] in settings.top and ["Settings", "page"] in settings.second


@pytest.mark.parametrize("role", ["mentor", "mentee", "committee_member"])
def test_participants_see_only_the_overview_they_may_open(client, cast, role):
    programme = cast["pairing"].programme
    client.force_login(cast[role])
    response = client.get(reverse("programmes:detail", args=[programme.pk]))
    page = chrome(response)
    assert page.top == [] and page.second == []  # no entry they could not open
    for name in ("programmes:settings", "programmes:members", "mentoring:matching", "evaluation:dashboard"):
        assert reverse(name, args=[programme.pk]) not in response.content.decode()
    assert [t for t, _ in page.crumbs] == ["Home", programme.name, "Overview"]
    assert page.status == [f"Programme status: {programme.get_status_display()}"]


# --- Terms explained where they appear ---------------------------------------------------------------------


def test_settings_explain_grace_days_and_the_intensive_start(client, cast):
    client.force_login(cast["coordinator"])
    html = client.get(reverse("programmes:settings", args=[cast["pairing"].programme_id])).content.decode()
    assert str(TERMS["grace_days"]) in html
    assert str(TERMS["intensive_start"]) in html


def test_readiness_override_is_explained_where_it_is_offered(client, cast):
    from programmes.tests.factories import ProgrammeRequirementFactory

    programme = cast["pairing"].programme
    ProgrammeRequirementFactory(programme=programme, role="mentee")  # the mentee is not ready: an override is offered
    client.force_login(cast["coordinator"])
    for url in (
        reverse("programmes:training_matrix", args=[programme.pk]),
        reverse("programmes:training_person", args=[programme.pk, cast["mentee"].pk]),
        reverse("programmes:readiness_override", args=[programme.pk, cast["mentee"].pk]),
    ):
        assert str(TERMS["readiness_override"]) in client.get(url).content.decode(), url


def test_expansive_and_restrictive_are_explained_on_the_heat_map(rf, db):
    from django.template.loader import render_to_string

    # The dashboard and a round's results include the heat map; the explanation comes with every request.
    heatmap = {"round": {"title": "Audit"}, "min_group": 5, "dimensions": [], "rows": []}
    html = render_to_string("evaluation/_learning_heatmap.html", {"heatmap": heatmap}, request=rf.get("/"))
    assert str(TERMS["expansive_restrictive"]) in html


def test_alerts_explain_grace_days(client, cast):
    client.force_login(cast["coordinator"])
    html = client.get(reverse("evaluation:alerts", args=[cast["pairing"].programme_id])).content.decode()
    assert str(TERMS["grace_days"]) in html


def test_a_pairings_pages_read_under_relationships_for_its_coordinator_and_from_my_mentoring_for_the_pair(client, cast):
    """Review of point 7: the pair pages a coordinator opens had their own short breadcrumb (programme / Pairing)
    and no status or navigation; they now sit under Relationships / Pairings like every programme page."""
    pairing = cast["pairing"]
    programme = pairing.programme
    pair = f"{pairing.mentor.display_name} and {pairing.mentee.display_name}"
    client.force_login(cast["coordinator"])
    detail = chrome(client.get(reverse("mentoring:pairing_detail", args=[pairing.pk])))
    assert [t for t, _ in detail.crumbs] == ["My programmes", programme.name, "Relationships", "Pairings", pair]
    assert detail.status == [f"Programme status: {programme.get_status_display()}"]
    assert ["Relationships", "true"] in detail.top
    sessions = chrome(client.get(reverse("mentoring:session_list", args=[pairing.pk])))
    assert [t for t, _ in sessions.crumbs] == [
        "My programmes",
        programme.name,
        "Relationships",
        "Pairings",
        pair,
        "Sessions",
    ]
    # The pair keeps its own way in, and sees no coordinator's navigation.
    client.force_login(cast["mentor"])
    html = client.get(reverse("mentoring:session_list", args=[pairing.pk])).content.decode()
    assert "My mentoring" in html and "Programme sections" not in html and "programme-status" not in html


def test_readiness_override_is_explained_on_the_cohort_the_dashboard_and_the_matching_settings(
    client,
    programme,
    coordinator,
    add,  # noqa: F811
):
    """Review of point 7 (and 11): three more pages name the readiness override; each explains it, and training
    reads 'met', not 'complete'."""
    from programmes.tests.factories import ProgrammeRequirementFactory

    add("Nell Newcomer")
    ProgrammeRequirementFactory(programme=programme, role="mentee")  # Nell has not met it: no mentor for her
    client.force_login(coordinator)
    cohort = client.get(reverse("mentoring:matching", args=[programme.pk])).content.decode()
    assert "no coordinator has recorded a readiness override" in cohort
    settings = client.get(reverse("mentoring:matching_settings", args=[programme.pk])).content.decode()
    assert "Required training met counts fully" in settings and "training complete" not in settings
    dashboard = client.get(reverse("evaluation:dashboard", args=[programme.pk])).content.decode()
    for html in (cohort, settings, dashboard):
        assert str(TERMS["readiness_override"]) in html
