"""The learning-environment audit acted on (issue 20, point 3): each unit's results page, the roll-up of small
teams into their department and its suppression, the action plan, the trend and the two-round alert."""

from __future__ import annotations

import datetime
import itertools
import random

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import ActionPlan, AuditAction, AuditActionChange, AuditAlert, Question, SurveyRound
from evaluation.selectors.audit_plans import (
    audit_overview,
    dimension_choices,
    round_units,
    round_units_with_trend,
    team_audit_panel,
    unit_leads,
)
from evaluation.selectors.surveys import learning_environment_heatmap
from evaluation.services.audit_plans import action_plan_save, audit_alerts_raise
from evaluation.services.survey_rounds import survey_rounds_sweep
from evaluation.tests.audit_world import audit_round
from programmes.models import Notification, OrgUnit
from programmes.tests.factories import DepartmentFactory, OrgUnitFactory, PersonFactory

JAN, JUL = datetime.date(2026, 1, 5), datetime.date(2026, 7, 6)
DIMENSIONS = [value for value, _ in dimension_choices()]


def team(name, department, lead=None):
    return OrgUnitFactory(name=name, parent=department, lead=lead)


def actions(*dimensions, status="planned"):
    return [
        {"dimension": d, "text": f"Act on {d}", "due_on": datetime.date(2026, 3, 1), "status": status, "done_text": ""}
        for d in dimensions
    ]


# --- The 5-answer threshold and the roll-up ----------------------------------------------------------------


def test_a_team_with_five_answers_is_its_own_unit_and_one_with_four_is_not(programme):
    ops, sales = DepartmentFactory(name="Ops"), DepartmentFactory(name="Sales")
    big, small, lone = team("Big", ops), team("Small", ops), team("Lone", sales)
    # Small's 4 and Lone's 1 stay hidden together (5): Big can be shown without giving either away.
    found = round_units(audit_round(programme, opens_on=JAN, answers={big: [4] * 5, small: [2] * 4, lone: [1]}))
    assert found.units[big.pk].shown and found.units[big.pk].respondents == 5
    assert small.pk not in found.units  # rolled up
    department = found.units[ops.pk]
    assert not department.shown and "Fewer than 5" in department.reason
    assert all(d.cell.mean is None for d in department.dimensions)
    assert {d.cell.mean for d in found.units[big.pk].dimensions} == {4.0}


def test_small_teams_roll_up_into_their_department_when_together_they_reach_five(programme):
    ops, sales = DepartmentFactory(name="Ops"), DepartmentFactory(name="Sales")
    a, b = team("A", ops), team("B", ops)
    big1, big2 = team("Big1", sales), team("Big2", sales)
    found = round_units(
        audit_round(programme, opens_on=JAN, answers={a: [1, 1, 1], b: [4, 4], big1: [3] * 6, big2: [5] * 7})
    )
    unit = found.units[ops.pk]
    assert unit.shown and unit.rolled_up and unit.respondents == 5
    assert unit.team_names == ["A", "B"]
    assert {d.cell.mean for d in unit.dimensions} == {2.2}  # (3 * 1 + 2 * 4) / 5, never A's or B's own
    assert found.unit_of_team[a.pk] == ops.pk


def test_a_roll_up_that_would_leave_fewer_than_five_elsewhere_is_held_back(programme):
    ops, sales = DepartmentFactory(name="Ops"), DepartmentFactory(name="Sales")
    a, b, c = team("A", ops), team("B", ops), team("C", sales)
    big = team("Big", sales)
    # Ops' small teams make 5; Sales' small team C has 2. Showing Ops would leave C's 2 as overall minus shown.
    found = round_units(
        audit_round(programme, opens_on=JAN, answers={a: [1] * 3, b: [1] * 2, c: [5] * 2, big: [3] * 9})
    )
    assert not found.units[ops.pk].shown
    assert "Held back" in found.units[ops.pk].reason


def test_an_item_mean_needs_five_answers_to_it_and_a_person_answer_never_shows(programme):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops)
    survey_round = audit_round(programme, opens_on=JAN, answers={big: [2, 3, 4, 5, 5]})
    unit = round_units(survey_round).units[big.pk]
    assert all(len(d.items) >= 1 and all(i.answered == 5 for i in d.items) for d in unit.dimensions)
    # A sixth answer to one item only (someone skipped the rest): the dimension shows, and each item has 5 or more.
    question = Question.objects.filter(survey=survey_round.survey).exclude(dimension="").first()
    survey_round.responses.first().answers.filter(question=question).delete()
    unit = round_units(survey_round).units[big.pk]
    dimension = next(d for d in unit.dimensions if d.dimension == question.dimension)
    assert dimension.items == []  # the item had 4 answers: none of the dimension's items is shown


# --- The attacker: solve for a small group from everything shown -------------------------------------------------


def _published_groups(survey_round) -> list[frozenset]:
    """Every group of teams whose sum a reader can read: the heat map's rows, the unit pages', and the whole round
    (the round's results print each question's overall mean and answers)."""
    found = round_units(survey_round)
    groups = [frozenset(survey_round.responses.values_list("team", flat=True))]
    heatmap = learning_environment_heatmap(programme=survey_round.programme, round=survey_round)
    names = {u.name: u.pk for u in OrgUnit.objects.all()}
    for row in heatmap.rows:
        if row.cells and any(c.mean is not None for c in row.cells):
            groups.append(frozenset({names[row.team.split(" › ")[-1]]}))
    for unit in found.shown():
        members = [t for t, u in found.unit_of_team.items() if u == unit.pk]
        groups.append(frozenset(members))
    return groups


def _solvable(groups: list[frozenset], atoms: list, target: frozenset) -> bool:
    """Whether the target group's sum is a linear combination of the published groups' sums."""
    matrix = np.array([[1.0 if a in g else 0.0 for a in atoms] for g in groups])
    vector = np.array([1.0 if a in target else 0.0 for a in atoms])
    return np.linalg.matrix_rank(np.vstack([matrix, vector])) == np.linalg.matrix_rank(matrix)


@pytest.mark.parametrize("seed", range(12))
def test_no_group_of_fewer_than_five_can_be_solved_from_the_pages(programme, seed):
    rng = random.Random(seed)
    departments = [DepartmentFactory(name=f"D{seed}-{i}") for i in range(3)]
    teams = [team(f"T{seed}-{i}", rng.choice(departments)) for i in range(rng.randint(3, 7))]
    answers = {t: [rng.randint(1, 5) for _ in range(rng.choice([1, 2, 3, 4, 5, 6, 8]))] for t in teams}
    if rng.random() < 0.4:
        answers[None] = [3] * rng.randint(1, 3)
    survey_round = audit_round(programme, opens_on=JAN, answers=answers)
    groups = _published_groups(survey_round)
    atoms = [t.pk if t else None for t in answers]
    sizes = {(t.pk if t else None): len(people) for t, people in answers.items()}
    for r in range(1, len(atoms) + 1):
        for combo in itertools.combinations(atoms, r):
            n = sum(sizes[t] for t in combo)
            if 0 < n < 5:
                assert not _solvable(groups, atoms, frozenset(combo)), (seed, combo, sizes)


# --- The trend -----------------------------------------------------------------------------------------------


def test_the_next_round_shows_the_change_per_unit_and_dimension(programme):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops)
    audit_round(programme, opens_on=JAN, answers={big: [2] * 5})
    later = audit_round(programme, opens_on=JUL, answers={big: [4] * 6})
    found, before = round_units_with_trend(later)
    assert before is not None and before.opens_on == JAN
    dimension = found.units[big.pk].dimensions[0]
    assert (dimension.previous.mean, dimension.cell.mean, dimension.change) == (2.0, 4.0, 2.0)


def test_no_trend_when_the_earlier_round_did_not_show_the_unit(programme):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops)
    audit_round(programme, opens_on=JAN, answers={big: [2] * 4})
    later = audit_round(programme, opens_on=JUL, answers={big: [4] * 6})
    found, _ = round_units_with_trend(later)
    assert all(d.previous is None for d in found.units[big.pk].dimensions)


def test_no_trend_nor_alert_between_a_departments_small_teams_and_its_own_people(programme):
    # January: Ops' small teams A and B stand together as Ops; July: Ops' own people answer as Ops. Same id,
    # different people: neither a change nor "restrictive over two rounds" may be read across them.
    ops, sales = DepartmentFactory(name="Ops"), DepartmentFactory(name="Sales")
    a, b = team("A", ops), team("B", ops)
    big1, big2 = team("Big1", sales), team("Big2", sales)
    first = audit_round(programme, opens_on=JAN, answers={a: [1] * 3, b: [1] * 2, big1: [3] * 6, big2: [3] * 7})
    assert round_units(first).units[ops.pk].rolled_up
    later = audit_round(programme, opens_on=JUL, answers={ops: [1] * 6, big1: [3] * 6, big2: [3] * 7})
    found, _ = round_units_with_trend(later)
    assert found.units[ops.pk].shown and not found.units[ops.pk].rolled_up
    assert all(d.previous is None for d in found.units[ops.pk].dimensions)
    assert audit_alerts_raise(survey_round=later) == 0


# --- The two-round alert ------------------------------------------------------------------------------------


def test_a_unit_restrictive_over_two_rounds_raises_one_alert_per_dimension_once(programme):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops)
    reflection = DIMENSIONS[3]
    audit_round(programme, opens_on=JAN, answers={big: [{reflection: 1}] * 5})
    later = audit_round(programme, opens_on=JUL, answers={big: [{reflection: 2}] * 5})
    assert audit_alerts_raise(survey_round=later) == 1
    assert audit_alerts_raise(survey_round=later) == 0  # run twice: nothing new
    alert = AuditAlert.objects.get()
    assert (alert.unit, alert.dimension, float(alert.previous_mean), float(alert.mean)) == (big, reflection, 1.0, 2.0)
    reason = audit_overview(later)["alerts"][0].reason
    assert "Big" in reason and "1.0" in reason and "2.0" in reason and "Audit 2026-01" in reason


def test_one_restrictive_round_raises_no_alert(programme):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops)
    first = audit_round(programme, opens_on=JAN, answers={big: [1] * 5})
    assert audit_alerts_raise(survey_round=first) == 0
    later = audit_round(programme, opens_on=JUL, answers={big: [4] * 5})
    assert audit_alerts_raise(survey_round=later) == 0
    assert not AuditAlert.objects.exists()


def test_closing_an_audit_round_raises_its_alerts_and_a_repeated_sweep_adds_none(programme):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops)
    audit_round(programme, opens_on=JAN, answers={big: [2] * 5})
    later = audit_round(programme, opens_on=JUL, answers={big: [2] * 5}, status="open")
    today = later.closes_on + datetime.timedelta(days=1)
    survey_rounds_sweep(today=today)
    later.refresh_from_db()
    assert later.status == SurveyRound.Status.CLOSED
    assert AuditAlert.objects.count() == len(DIMENSIONS_IN_SURVEY())
    survey_rounds_sweep(today=today)
    assert AuditAlert.objects.count() == len(DIMENSIONS_IN_SURVEY())


def DIMENSIONS_IN_SURVEY():  # noqa: N802
    return set(Question.objects.exclude(dimension="").values_list("dimension", flat=True))


# --- The plan -----------------------------------------------------------------------------------------------------


def test_a_plan_holds_up_to_three_actions_each_on_a_dimension(programme, coordinator, line_manager):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops, lead=line_manager)
    survey_round = audit_round(programme, opens_on=JAN, answers={big: [2] * 5})
    with pytest.raises(ValidationError):
        action_plan_save(
            survey_round=survey_round,
            unit_pk=big.pk,
            unit_name="Big",
            by=line_manager,
            actions=actions(*DIMENSIONS[:4]),
        )
    with pytest.raises(ValidationError):
        action_plan_save(
            survey_round=survey_round, unit_pk=big.pk, unit_name="Big", by=line_manager, actions=actions("weather")
        )
    assert not ActionPlan.objects.exists()
    plan = action_plan_save(
        survey_round=survey_round, unit_pk=big.pk, unit_name="Big", by=line_manager, actions=actions(*DIMENSIONS[:3])
    )
    assert plan.actions.count() == 3


def test_a_status_change_is_kept_in_the_history_and_the_coordinators_are_told_once(
    programme, coordinator, line_manager, django_capture_on_commit_callbacks
):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops, lead=line_manager)
    survey_round = audit_round(programme, opens_on=JAN, answers={big: [2] * 5})
    with django_capture_on_commit_callbacks(execute=True):
        action_plan_save(
            survey_round=survey_round, unit_pk=big.pk, unit_name="Big", by=line_manager, actions=actions(DIMENSIONS[0])
        )
    with django_capture_on_commit_callbacks(execute=True):
        action_plan_save(
            survey_round=survey_round,
            unit_pk=big.pk,
            unit_name="Big",
            by=line_manager,
            actions=actions(DIMENSIONS[0], status="done"),
        )
    assert list(AuditActionChange.objects.values_list("status", flat=True)) == ["planned", "done"]
    assert Notification.objects.filter(person=coordinator, text__contains="Big made an action plan").count() == 1


# --- Who leads a unit, and who sees it ----------------------------------------------------------------------


def test_a_unit_without_a_lead_is_led_by_the_line_manager_of_most_of_its_members(db):
    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops)
    boss, other = PersonFactory(), PersonFactory()
    for manager in (boss, boss, other):
        PersonFactory(org_unit=big, line_manager=manager)
    leads = unit_leads()
    assert leads[big.pk] == boss.pk
    assert leads[ops.pk] == boss.pk  # the department's people include its teams'
    big.lead = other
    big.save()
    assert unit_leads()[big.pk] == other.pk


@pytest.fixture
def audited(programme, line_manager):
    """The line manager's team (Support, led by them as line manager of its members) answered with 5; another
    team of 6 with its own lead."""
    support = line_manager.org_unit
    for _ in range(4):
        PersonFactory(org_unit=support, line_manager=line_manager)
    other = team("Elsewhere", DepartmentFactory(name="Finance"), lead=PersonFactory())
    survey_round = audit_round(programme, opens_on=JAN, answers={support: [2] * 5, other: [4] * 6})
    return survey_round, support, other


def test_a_line_manager_sees_their_own_unit_and_never_another(client, audited, line_manager):
    survey_round, support, other = audited
    client.force_login(line_manager)
    page = client.get(reverse("evaluation:audit_unit", args=[survey_round.pk, support.pk]))
    assert page.status_code == 200 and "Save the plan" in page.content.decode()
    assert client.get(reverse("evaluation:audit_unit", args=[survey_round.pk, other.pk])).status_code == 404


def test_a_mentee_never_sees_a_teams_results(client, audited, mentee, mentor, committee_member):
    survey_round, support, _ = audited
    for person in (mentee, mentor, committee_member):
        client.force_login(person)
        assert client.get(reverse("evaluation:audit_unit", args=[survey_round.pk, support.pk])).status_code == 403


def test_a_coordinator_reads_a_unit_page_but_does_not_write_its_plan(client, audited, coordinator):
    survey_round, support, _ = audited
    client.force_login(coordinator)
    page = client.get(reverse("evaluation:audit_unit", args=[survey_round.pk, support.pk]))
    assert page.status_code == 200 and "Save the plan" not in page.content.decode()
    post = client.post(reverse("evaluation:audit_plan_save", args=[survey_round.pk, support.pk]), {})
    assert post.status_code == 403


def _plan_post(**extra):
    data = {}
    for i in (1, 2, 3):
        data |= {f"a{i}_dimension": "", f"a{i}_text": "", f"a{i}_due_on": "", f"a{i}_status": "planned"}
        data[f"a{i}_done_text"] = ""
    data |= extra
    return data


def test_the_line_manager_writes_the_plan_and_bad_input_saves_nothing(client, audited, line_manager):
    survey_round, support, _ = audited
    client.force_login(line_manager)
    url = reverse("evaluation:audit_plan_save", args=[survey_round.pk, support.pk])
    bad = client.post(url, _plan_post(a1_text="Rotate weekly", a1_dimension="", a1_due_on="2026-03-01"))
    assert bad.status_code == 400 and "Choose the dimension" in bad.content.decode()
    assert not ActionPlan.objects.exists()
    made = client.post(
        url, _plan_post(a1_text="Rotate weekly", a1_dimension=DIMENSIONS[1], a1_due_on="2026-03-01", a2_text="")
    )
    assert made.status_code == 302
    action = AuditAction.objects.get()
    assert (action.text, action.dimension, action.due_on) == ("Rotate weekly", DIMENSIONS[1], datetime.date(2026, 3, 1))
    page = client.get(reverse("evaluation:audit_unit", args=[survey_round.pk, support.pk])).content.decode()
    assert "Rotate weekly" in page and 'value="2026-03-01"' in page


def test_the_team_page_shows_the_line_manager_their_units_results_and_plan(client, audited, line_manager):
    survey_round, support, _ = audited
    action_plan_save(
        survey_round=survey_round, unit_pk=support.pk, unit_name="Support", by=line_manager,
        actions=actions(DIMENSIONS[0], status="done") + actions(DIMENSIONS[1]),
    )  # fmt: skip
    panel = team_audit_panel(line_manager)
    assert [(e["unit_pk"], e["progress"]["done"], e["progress"]["total"]) for e in panel["entries"]] == [
        (support.pk, 1, 2)
    ]
    client.force_login(line_manager)
    page = client.get(reverse("programmes:team")).content.decode()
    assert "1 of 2 actions done" in page
    assert reverse("evaluation:audit_unit", args=[survey_round.pk, support.pk]) in page


def test_the_coordinators_overview_lists_every_unit_with_its_plan(client, audited, coordinator, line_manager):
    survey_round, support, other = audited
    action_plan_save(
        survey_round=survey_round, unit_pk=support.pk, unit_name="Support", by=line_manager,
        actions=[{**actions(DIMENSIONS[0])[0], "due_on": datetime.date(2026, 1, 1)}],
    )  # fmt: skip
    client.force_login(coordinator)
    page = client.get(reverse("evaluation:audit_overview", args=[survey_round.programme_id, survey_round.pk]))
    text = page.content.decode()
    assert "0 of 1 done" in text and "1 overdue" in text and "no plan yet" in text


# --- Query budgets ----------------------------------------------------------------------------------------------


def _world(programme, line_manager, size: int):
    support = line_manager.org_unit
    for _ in range(4):
        PersonFactory(org_unit=support, line_manager=line_manager)
    others = {team(f"T{i}", DepartmentFactory(name=f"D{i}")): [3] * (i % 7 + 1) for i in range(size)}
    audit_round(programme, opens_on=JAN, answers={support: [2] * 5, **others})
    survey_round = audit_round(programme, opens_on=JUL, answers={support: [3] * 6, **others})
    action_plan_save(
        survey_round=survey_round, unit_pk=support.pk, unit_name="Support", by=line_manager,
        actions=actions(*DIMENSIONS[:3]),
    )  # fmt: skip
    return survey_round, support


@pytest.mark.parametrize("size", [2, 30])
def test_unit_page_and_overview_run_a_fixed_number_of_queries(
    client, programme, coordinator, line_manager, size, django_assert_num_queries
):
    survey_round, support = _world(programme, line_manager, size)
    client.force_login(line_manager)
    # session, user; access: round, unit, my roles, the unit tree and leads (2), the unit's subtree, whether it
    # answered; the page: the tree, the round's four, the previous round, its four; the plan, its actions, their
    # history; the menu's areas.
    with django_assert_num_queries(23):
        assert client.get(reverse("evaluation:audit_unit", args=[survey_round.pk, support.pk])).status_code == 200
    client.force_login(coordinator)
    # session, user, the programme and my roles, the round; the unit tree, the round's four, the previous round and
    # its four; the leads, their names, the plans, the alerts; the menu's areas.
    with django_assert_num_queries(20):
        page = client.get(reverse("evaluation:audit_overview", args=[programme.pk, survey_round.pk]))
        assert page.status_code == 200


def test_a_lone_small_team_keeps_its_big_neighbour_off_the_pages(programme):
    ops = DepartmentFactory(name="Ops")
    big, small = team("Big", ops), team("Small", ops)
    found = round_units(audit_round(programme, opens_on=JAN, answers={big: [4] * 5, small: [2] * 4}))
    # 9 answered: Big's figures would give Small's 4 away as the round's overall minus Big's.
    assert not found.shown()


def test_a_plan_saved_unchanged_writes_nothing(client, audited, line_manager):
    survey_round, support, _ = audited
    plan = action_plan_save(
        survey_round=survey_round, unit_pk=support.pk, unit_name="Support", by=line_manager,
        actions=actions(DIMENSIONS[0]),
    )  # fmt: skip
    stamp = plan.updated_at
    client.force_login(line_manager)
    url = reverse("evaluation:audit_plan_save", args=[survey_round.pk, support.pk])
    posted = client.post(
        url, _plan_post(a1_text="Act on " + DIMENSIONS[0], a1_dimension=DIMENSIONS[0], a1_due_on="2026-03-01")
    )
    assert posted.status_code == 302
    plan.refresh_from_db()
    assert plan.updated_at == stamp and AuditActionChange.objects.count() == 1


def test_an_empty_plan_is_refused_with_a_message_and_nothing_saved(client, audited, line_manager):
    survey_round, support, _ = audited
    client.force_login(line_manager)
    url = reverse("evaluation:audit_plan_save", args=[survey_round.pk, support.pk])
    page = client.post(url, _plan_post(), follow=True)
    assert "Write at least one action." in page.content.decode()
    assert not ActionPlan.objects.exists()


# --- Languages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [("de", ["Maßnahmenplan", "Plan speichern", "Mittelwert"]), ("es", ["Plan de acción", "Guardar el plan", "Media"])],
)
def test_the_unit_page_speaks_the_readers_language(client, audited, line_manager, language, words):
    survey_round, support, _ = audited
    line_manager.language = language
    line_manager.save(update_fields=["language"])
    client.force_login(line_manager)
    page = client.get(
        reverse("evaluation:audit_unit", args=[survey_round.pk, support.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    text = page.content.decode()
    assert all(word in text for word in words), [w for w in words if w not in text]


def test_the_coordinators_are_told_of_a_plan_in_their_own_language(
    audited, coordinator, line_manager, django_capture_on_commit_callbacks
):
    survey_round, support, _ = audited
    coordinator.language = "de"
    coordinator.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        action_plan_save(
            survey_round=survey_round, unit_pk=support.pk, unit_name="Support", by=line_manager,
            actions=actions(DIMENSIONS[0]),
        )  # fmt: skip
    note = Notification.objects.get(person=coordinator)
    assert "hat nach" in note.text and "Maßnahmenplan" in note.text


def test_the_alert_reason_is_worded_in_the_readers_language(programme):
    from django.utils import translation

    ops = DepartmentFactory(name="Ops")
    big = team("Big", ops)
    audit_round(programme, opens_on=JAN, answers={big: [1] * 5})
    later = audit_round(programme, opens_on=JUL, answers={big: [1] * 5})
    audit_alerts_raise(survey_round=later)
    with translation.override("es"):
        reason = audit_overview(later)["alerts"][0].reason
    assert "siguió siendo restrictivo" in reason
    assert "1,0" in reason and "1.0" not in reason  # the means in the reader's notation too
