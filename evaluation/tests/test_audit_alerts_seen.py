"""The audit acted on, where coordinators look (issue 20, point 3): the two-round alerts on the programme's alerts
page, the dashboard and the programme overview; the heat map's trend from the round before, never a figure the
suppression rules hide; and a small team's page that says truthfully where its answers count."""

from __future__ import annotations

import datetime
import random

import pytest
from django.conf import settings
from django.urls import reverse

from config.tests.test_pseudo_locale import (  # noqa: F401 (fixtures)
    data_words,
    english_left,
    in_pseudo_locale,
    pseudo_locale,
    visible_text,
)
from evaluation.models import AuditAlert
from evaluation.selectors.audit_alerts import heatmap_with_trend
from evaluation.selectors.audit_plans import dimension_choices, round_units, round_units_with_trend
from evaluation.selectors.surveys import learning_environment_heatmap
from evaluation.services.audit_plans import action_plan_save, audit_alerts_raise
from evaluation.tests.audit_world import audit_round
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory

JAN, JUL = datetime.date(2026, 1, 5), datetime.date(2026, 7, 6)
DIMENSIONS = [value for value, _ in dimension_choices()]
REFLECTION = DIMENSIONS[3]


def team(name, department):
    return OrgUnitFactory(name=name, parent=department)


@pytest.fixture
def restrictive(programme):
    """Big stayed restrictive on one dimension over two rounds (an alert); Other (6) is expansive both times."""
    finance = DepartmentFactory(name="Finance")
    big, other = team("Big", finance), team("Other", finance)
    audit_round(programme, opens_on=JAN, answers={big: [{REFLECTION: 1}] * 5, other: [4] * 6})
    later = audit_round(programme, opens_on=JUL, answers={big: [{REFLECTION: 2}] * 5, other: [5] * 6})
    assert audit_alerts_raise(survey_round=later) == 1
    return later, big


def _page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params)
    return response, response.content.decode()


# --- The alerts page, the dashboard, the overview ---------------------------------------------------------------


def test_a_coordinator_sees_the_audit_alert_on_the_alerts_page_and_handles_it_there(
    client, programme, coordinator, line_manager, restrictive
):
    later, big = restrictive
    client.force_login(coordinator)
    response, page = _page(client, "evaluation:alerts", programme.pk)
    assert response.status_code == 200
    label = dict(dimension_choices())[REFLECTION]
    section = page[page.index('id="learning-environment"') :]
    assert "Learning environment" in section and "Big" in section and label in section
    assert "stayed restrictive" in section and "1.0" in section and "2.0" in section  # both rounds' means
    assert reverse("evaluation:audit_unit", args=[later.pk, big.pk]) in section  # the unit page and its plan
    assert "No pairing alert in this filter." in page  # not the empty page: there is something to do
    assert "No <a" in section  # no action plan yet
    alert = AuditAlert.objects.get()
    handle = reverse("evaluation:audit_alert_handle", args=[programme.pk, alert.pk])
    response = client.post(handle, {"status": "acknowledged", "next": "alerts"})
    assert response.status_code == 302 and response.url.startswith(reverse("evaluation:alerts", args=[programme.pk]))
    alert.refresh_from_db()
    assert alert.status == AuditAlert.Status.ACKNOWLEDGED and alert.handled_by == coordinator
    _, page = _page(client, "evaluation:alerts", programme.pk)
    assert 'id="learning-environment"' not in page  # the open filter: nothing left
    _, page = _page(client, "evaluation:alerts", programme.pk, show="acknowledged")
    assert "Big" in page and "Cora Coordinator" in page
    client.post(handle, {"status": "resolved", "next": "alerts"})
    _, page = _page(client, "evaluation:alerts", programme.pk, show="resolved")
    assert "Big" in page and 'value="resolved"' not in page  # a resolved alert has nothing left to press


def test_the_alerts_page_shows_the_plans_progress_of_the_alerts_unit(
    client, programme, coordinator, line_manager, restrictive
):
    later, big = restrictive
    action_plan_save(
        survey_round=later, unit_pk=big.pk, unit_name="Big", by=line_manager,
        actions=[{"dimension": REFLECTION, "text": "A reflection hour", "due_on": JUL, "status": "done",
                  "done_text": ""},
                 {"dimension": REFLECTION, "text": "Rotation", "due_on": JUL, "status": "planned", "done_text": ""}],
    )  # fmt: skip
    client.force_login(coordinator)
    _, page = _page(client, "evaluation:alerts", programme.pk)
    assert "1 of 2 actions done" in page


def test_line_managers_mentees_and_outsiders_never_see_the_alerts_page(
    client, programme, restrictive, line_manager, mentee, mentor, committee_member, outsider
):
    for person, status in ((line_manager, 404), (outsider, 404), (mentee, 403), (mentor, 403), (committee_member, 403)):
        client.force_login(person)
        response, page = _page(client, "evaluation:alerts", programme.pk)
        assert response.status_code == status and "stayed restrictive" not in page
        # Nor can they handle one.
        alert = AuditAlert.objects.get()
        response = client.post(
            reverse("evaluation:audit_alert_handle", args=[programme.pk, alert.pk]),
            {"status": "resolved", "next": "alerts"},
        )
        assert response.status_code == status
    assert AuditAlert.objects.get().status == AuditAlert.Status.OPEN


def test_the_dashboard_and_the_overview_count_the_alerts_nobody_resolved(
    client, programme, coordinator, mentee, restrictive
):
    client.force_login(coordinator)
    response, page = _page(client, "evaluation:dashboard", programme.pk)
    assert response.context["audit_alerts"] == 1
    tile = page[page.index('id="audit-alerts-tile"') :][:600]
    assert "Restrictive over two rounds" in tile and ">1 <" in tile
    _, page = _page(client, "programmes:detail", programme.pk)
    assert "1 team result stayed restrictive over two audit rounds" in page
    assert reverse("evaluation:alerts", args=[programme.pk]) + "#learning-environment" in page
    # A mentee's view of the programme has no such panel.
    client.force_login(mentee)
    _, page = _page(client, "programmes:detail", programme.pk)
    assert "stayed restrictive" not in page
    # Resolved: the overview's panel goes, the tile says 0.
    AuditAlert.objects.update(status=AuditAlert.Status.RESOLVED)
    client.force_login(coordinator)
    _, page = _page(client, "programmes:detail", programme.pk)
    assert "stayed restrictive" not in page
    assert _page(client, "evaluation:dashboard", programme.pk)[0].context["audit_alerts"] == 0


# --- The heat map's trend ---------------------------------------------------------------------------------------


def _trend(heatmap, name):
    row = next(r for r in heatmap.rows if r.team.endswith(name))
    return [(c.previous, c.change) for c in row.cells]


def test_the_heat_map_shows_each_teams_change_as_its_unit_page_does(client, programme, coordinator, restrictive):
    later, big = restrictive
    heatmap = heatmap_with_trend(learning_environment_heatmap(programme=programme, round=later))
    found, _ = round_units_with_trend(later)
    for (previous, change), dimension in zip(_trend(heatmap, "Big"), found.units[big.pk].dimensions, strict=True):
        assert (previous, change) == (dimension.previous.mean, dimension.change)  # the unit page's figures
    assert set(_trend(heatmap, "Other")) == {(4.0, 1.0)}
    client.force_login(coordinator)
    for url in (
        reverse("evaluation:dashboard", args=[programme.pk]),
        reverse("evaluation:round_results", args=[programme.pk, later.pk]),
    ):
        page = client.get(url).content.decode()
        assert "▲ +1.0" in page and "up 1.0 from 4.0" in page  # the arrow, and words for screen readers
        assert "the change since “Audit 2026-01”" in page


def test_no_trend_where_the_round_before_rolled_the_team_up(programme):
    finance, ops = DepartmentFactory(name="Finance"), DepartmentFactory(name="Ops")
    small_a, small_b, big, other = team("A", ops), team("B", ops), team("Big", finance), team("Other", finance)
    held = team("Held", finance)
    first = audit_round(
        programme, opens_on=JAN, answers={small_a: [1] * 3, small_b: [5] * 2, big: [2] * 7, other: [4] * 9}
    )
    assert round_units(first).units[ops.pk].shown and round_units(first).units[ops.pk].rolled_up
    later = audit_round(
        programme, opens_on=JUL,
        answers={small_a: [3] * 5, small_b: [3] * 5, big: [3] * 7, other: [4] * 9, held: [3] * 5},
    )  # fmt: skip
    heatmap = heatmap_with_trend(learning_environment_heatmap(programme=programme, round=later))
    assert all(c.mean is not None for r in heatmap.rows for c in r.cells)  # every team shown now
    assert set(_trend(heatmap, "A")) == set(_trend(heatmap, "B")) == {(None, None)}  # Ops' roll-up is not A's
    assert set(_trend(heatmap, "Held")) == {(None, None)}  # did not answer before
    assert set(_trend(heatmap, "Big")) == {(2.0, 1.0)}
    assert set(_trend(heatmap, "Other")) == {(4.0, 0.0)}


def test_no_trend_where_the_round_before_had_fewer_than_five_or_held_the_team_back(programme):
    finance, legal = DepartmentFactory(name="Finance"), DepartmentFactory(name="Legal")
    four, lone, big, mid = team("Four", finance), team("Lone", legal), team("Big", finance), team("Mid", legal)
    # Four (4) alone hidden: Big (6) is held back on the heat map, and so nothing shows. Then Mid (5) with Lone (1)
    # alone hidden is held back on the heat map and as a unit (it would leave 1 person as the round minus the rest).
    first = audit_round(programme, opens_on=JAN, answers={four: [2] * 4, big: [2] * 6})
    assert not round_units(first).shown()
    second = audit_round(programme, opens_on=JUL, answers={four: [4] * 6, big: [3] * 7, mid: [3] * 5, lone: [1]})
    assert not round_units(second).units[mid.pk].shown
    heatmap = heatmap_with_trend(learning_environment_heatmap(programme=programme, round=second))
    assert set(_trend(heatmap, "Four")) == {(None, None)}
    assert set(_trend(heatmap, "Big")) == {(None, None)}  # held back before
    third = audit_round(programme, opens_on=datetime.date(2027, 1, 4), answers={mid: [4] * 5, big: [3] * 6})
    heatmap = heatmap_with_trend(learning_environment_heatmap(programme=programme, round=third))
    assert set(_trend(heatmap, "Mid")) == {(None, None)}  # held back before: no "before" to print
    assert first.pk != second.pk


def test_no_trend_on_a_dimension_the_round_before_did_not_show(programme):
    finance = DepartmentFactory(name="Finance")
    big, other = team("Big", finance), team("Other", finance)
    first = audit_round(programme, opens_on=JAN, answers={big: [3] * 6, other: [4] * 6})
    # One person of Big skipped the reflection items: 5 answered it then; remove two more so 4 did.
    for response in first.responses.filter(team=big)[:2]:
        response.answers.filter(question__dimension=REFLECTION).delete()
    was = round_units(first).units[big.pk]
    assert next(d for d in was.dimensions if d.dimension == REFLECTION).cell.mean is None
    later = audit_round(programme, opens_on=JUL, answers={big: [4] * 6, other: [4] * 6})
    heatmap = heatmap_with_trend(learning_environment_heatmap(programme=programme, round=later))
    trend = dict(zip([v for v, _ in heatmap.dimensions], _trend(heatmap, "Big"), strict=True))
    assert trend[REFLECTION] == (None, None)
    assert all(t == (3.0, 1.0) for d, t in trend.items() if d != REFLECTION)


@pytest.mark.parametrize("seed", range(8))
def test_every_earlier_figure_the_heat_map_prints_is_one_the_earlier_unit_pages_show(programme, seed):
    """Random teams and sizes over two rounds: each 'before' the heat map prints is the earlier round's own unit
    page figure of that very team (shown, not rolled up), never anything else."""
    rng = random.Random(seed)
    departments = [DepartmentFactory(name=f"D{i}") for i in range(3)]
    teams = [team(f"T{i}", rng.choice(departments)) for i in range(8)]

    def answers():
        return {t: [rng.randint(1, 5) for _ in range(rng.choice([0, 1, 3, 4, 5, 6, 9]))] for t in teams}

    first = audit_round(programme, opens_on=JAN, answers={t: a for t, a in answers().items() if a})
    later = audit_round(programme, opens_on=JUL, answers={t: a for t, a in answers().items() if a})
    earlier = round_units(first)
    heatmap = heatmap_with_trend(learning_environment_heatmap(programme=programme, round=later))
    for row in heatmap.rows:
        if row.withheld or row.suppressed:
            assert not row.cells  # nothing printed, so no trend either
            continue
        for (value, _), cell in zip(heatmap.dimensions, row.cells, strict=True):
            if cell.previous is None:
                continue
            unit = earlier.units[row.team_pk]
            assert unit.shown and not unit.rolled_up
            shown = next(d.cell.mean for d in unit.dimensions if d.dimension == value)
            assert shown == cell.previous and cell.mean is not None
            assert cell.change == round(cell.mean - shown, 1)


@pytest.mark.parametrize("size", [5, 40])
def test_the_trend_and_the_alerts_cost_the_same_queries_whatever_the_size(
    client, programme, coordinator, size, django_assert_num_queries
):
    finance = DepartmentFactory(name="Finance")
    teams = [team(f"T{i}", finance) for i in range(size // 5 + 2)]
    for opens_on in (JAN, JUL):
        later = audit_round(programme, opens_on=opens_on, answers={t: [{REFLECTION: 1}] * 5 for t in teams})
    assert audit_alerts_raise(survey_round=later) == len(teams)
    client.force_login(coordinator)
    # The dashboard as in test_dashboard (20 without an audit, its round query included) with the heat map's two
    # and the trend's six: the round before, the unit tree, that round's four; and the audit alerts' count.
    with django_assert_num_queries(29):
        assert client.get(reverse("evaluation:dashboard", args=[programme.pk])).status_code == 200
    # The round's results as in test_surveys (13 with the heat map) and the trend's six.
    with django_assert_num_queries(19):
        assert client.get(reverse("evaluation:round_results", args=[programme.pk, later.pk])).status_code == 200
    # The alerts page (7 without audit alerts) with their count per filter and this filter's alerts.
    with django_assert_num_queries(9):
        page = client.get(reverse("evaluation:alerts", args=[programme.pk]))
    assert len(page.context["audit_alerts"]) == len(teams)


@pytest.mark.parametrize("size", [1, 30])
def test_the_overview_panel_costs_one_query_whatever_the_number_of_alerts(
    client, programme, coordinator, size, django_assert_num_queries
):
    finance = DepartmentFactory(name="Finance")
    teams = [team(f"T{i}", finance) for i in range(size)]
    first = audit_round(programme, opens_on=JAN, answers={})
    later = audit_round(programme, opens_on=JUL, answers={})
    AuditAlert.objects.bulk_create(
        AuditAlert(programme=programme, round=later, previous_round=first, unit=t, dimension=REFLECTION, mean=2,
                   previous_mean=1)
        for t in teams
    )  # fmt: skip
    client.force_login(coordinator)
    # As in the permission matrix (13 for a coordinator), and the audit alerts' panel: one.
    with django_assert_num_queries(14):
        page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert f"{size} team result" in page


# --- A small team's page says where its answers count ----------------------------------------------------------


def test_a_small_team_beside_its_departments_own_people_is_told_its_answers_are_shown_nowhere(
    client, programme, coordinator
):
    ops, sales = DepartmentFactory(name="Ops"), DepartmentFactory(name="Sales")
    small, big, tiny = team("Small", ops), team("Big", sales), team("Tiny", sales)
    # Ops' own people (6) are a heat map row; Small (3) could only roll up into Ops, which would give it away.
    survey_round = audit_round(
        programme, opens_on=JAN, answers={ops: [4] * 6, small: [1] * 3, big: [3] * 7, tiny: [2] * 2}
    )
    found = round_units(survey_round)
    assert found.left_out == {small.pk: ops.pk} and small.pk not in found.unit_of_team
    assert not found.units[ops.pk].rolled_up
    client.force_login(coordinator)
    page = client.get(reverse("evaluation:audit_unit", args=[survey_round.pk, small.pk])).content.decode()
    assert "its answers are not shown anywhere" in page and "Ops" in page
    assert "count in the results of" not in page


def test_a_small_team_whose_departments_results_are_held_back_is_told_so(client, programme, coordinator):
    ops = DepartmentFactory(name="Ops")
    a, b = team("A", ops), team("B", ops)
    big = team("Big", DepartmentFactory(name="Sales"))
    survey_round = audit_round(programme, opens_on=JAN, answers={a: [1] * 2, b: [2] * 2, big: [3] * 6})
    assert not round_units(survey_round).units[ops.pk].shown  # 4 together: fewer than 5
    client.force_login(coordinator)
    page = client.get(reverse("evaluation:audit_unit", args=[survey_round.pk, a.pk])).content.decode()
    assert "count in the results of Ops" in page and "Those results are not shown either" in page


# --- Every word translated ---------------------------------------------------------------------------------------


def test_the_alerts_trend_and_small_team_words_read_entirely_in_the_pseudo_locale(
    client,
    programme,
    coordinator,
    line_manager,
    restrictive,
    in_pseudo_locale,  # noqa: F811
):
    later, big = restrictive
    ops = DepartmentFactory(name="Ops")
    small = team("Small", ops)
    tiny = team("Tiny", DepartmentFactory(name="Sales"))
    left_out = audit_round(
        programme, opens_on=datetime.date(2025, 6, 2), answers={ops: [4] * 6, small: [1] * 3, tiny: [2] * 2}
    )
    action_plan_save(
        survey_round=later, unit_pk=big.pk, unit_name="Big", by=line_manager,
        actions=[{"dimension": REFLECTION, "text": "Hour", "due_on": JUL, "status": "done", "done_text": ""}],
    )  # fmt: skip
    type(coordinator).objects.filter(pk=coordinator.pk).update(language=in_pseudo_locale)
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = in_pseudo_locale
    known = data_words()
    for url in (
        reverse("evaluation:alerts", args=[programme.pk]),
        reverse("evaluation:dashboard", args=[programme.pk]),
        reverse("evaluation:round_results", args=[programme.pk, later.pk]),
        reverse("programmes:detail", args=[programme.pk]),
        reverse("evaluation:audit_overview", args=[programme.pk, later.pk]),
        reverse("evaluation:audit_unit", args=[left_out.pk, small.pk]),
    ):
        text = visible_text(client.get(url))
        assert english_left(text, known) == [], url
    AuditAlert.objects.update(status=AuditAlert.Status.ACKNOWLEDGED, handled_by=coordinator, handled_at=later.sent_at)
    text = visible_text(client.get(reverse("evaluation:alerts", args=[programme.pk]), {"show": "acknowledged"}))
    assert english_left(text, known) == []
