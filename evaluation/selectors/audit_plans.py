"""The learning-environment audit acted on, read-only: each round's reporting units and their results, who leads
a unit, the trend from the round before, the coordinators' overview of plans and alerts, the team page's panel.

Reporting units. A team with at least TANDEM_MIN_GROUP_SIZE answers is its own unit; the teams with fewer roll up
to their department (the nearest unit of kind department at or above them), which is a unit when its small teams
together reach the minimum. What these pages print sits beside what the heat map and the round's results print
(the overall mean of every question), so the figures are chosen together, as the heat map chooses its rows:

1. the heat map's shown teams are units as the heat map shows them (the same figures);
2. the other candidates (teams the heat map holds back, departments' roll-ups) are shown largest first, each only
   if the people left in no shown unit stay none or at least the minimum: the round's overall figure minus the
   shown units can then never describe fewer than the minimum;
3. within a unit, a dimension's mean only when at least the minimum answered it, and the same rule for what is
   left of each dimension outside the shown cells; an item's mean only when every item of the dimension had at
   least the minimum answers in the unit (all of a dimension's items, or none, so that the dimension's mean minus
   its items tells nothing), and the same rule for what is left of each item.

Never a person's answer or comment: only means of at least the minimum, and numbers of answers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from programmes.models import OrgUnit, Person, Programme
from programmes.models.core import departments_of

from ..models import ActionPlan, Answer, AuditAction, AuditAlert, Question, Survey, SurveyResponse, SurveyRound
from .surveys import HeatCell, _heat_cell, heatmap_withheld

RESTRICTIVE_LEVEL = 2  # a dimension at level 2 ("rather restrictive") or below is restrictive


def dimension_choices() -> list[tuple[str, str]]:
    """The audit's dimensions, from the enum (it grows: nothing here names them)."""
    return [(value, str(label)) for value, label in Question.Dimension.choices if value]


@dataclass
class ItemResult:
    text: str
    mean: float
    answered: int


@dataclass
class DimensionResult:
    dimension: str
    label: str
    cell: HeatCell  # mean None: not shown
    people: int | None  # None: not shown
    items: list[ItemResult] = field(default_factory=list)
    previous: HeatCell | None = None  # the round before, when both rounds show this unit and dimension

    @property
    def change(self) -> float | None:
        if self.previous is None or self.previous.mean is None or self.cell.mean is None:
            return None
        return round(self.cell.mean - self.previous.mean, 1)


@dataclass
class AuditUnit:
    pk: int
    name: str
    rolled_up: bool  # a department standing for its teams with too few answers
    respondents: int
    shown: bool
    reason: str = ""
    dimensions: list[DimensionResult] = field(default_factory=list)
    team_names: list[str] = field(default_factory=list)  # a roll-up's teams


@dataclass
class RoundUnits:
    round: SurveyRound
    units: dict[int, AuditUnit]
    # team id -> the unit it counts in (itself, or its department)
    unit_of_team: dict[int, int]
    min_group: int
    names: dict[int, str] = field(default_factory=dict)
    # Small teams whose department's own people are a unit of their own (a heat map row): they are rolled up
    # nowhere, since the department's figures with them, minus its row, would give their answers away.
    left_out: dict[int, int] = field(default_factory=dict)  # team id -> its department's id

    def shown(self) -> list[AuditUnit]:
        return [u for u in self.units.values() if u.shown]


def _units_tree() -> dict[int, tuple[int | None, str, str, int | None]]:
    """unit id -> (parent id, kind, name, lead id): one query."""
    return {
        pk: (parent, kind, name, lead)
        for pk, parent, kind, name, lead in OrgUnit.objects.values_list("pk", "parent_id", "kind", "name", "lead_id")
    }


def round_units(survey_round: SurveyRound, tree: dict | None = None) -> RoundUnits:
    """A round's reporting units with their figures (see the module's docstring). Queries: the unit tree (unless
    given), respondents per team, answers per team and question, people per team and dimension, the questions."""
    minimum = settings.TANDEM_MIN_GROUP_SIZE
    tree = _units_tree() if tree is None else tree
    departments = departments_of({pk: (parent, kind, name) for pk, (parent, kind, name, _) in tree.items()})
    teams = {
        row["team"]: row["n"]
        for row in SurveyResponse.objects.filter(round=survey_round).values("team").annotate(n=Count("pk")).order_by()
    }
    sums: dict[tuple[int | None, int], tuple[int, int]] = {}
    for row in (
        Answer.objects.filter(response__round=survey_round, likert__isnull=False)
        .exclude(question__dimension="")
        .values("response__team", "question")
        .annotate(total=Sum("likert"), n=Count("pk"))
        .order_by()
    ):
        sums[(row["response__team"], row["question"])] = (row["total"], row["n"])
    people: dict[tuple[int | None, str], int] = {
        (row["response__team"], row["question__dimension"]): row["people"]
        for row in Answer.objects.filter(response__round=survey_round, likert__isnull=False)
        .exclude(question__dimension="")
        .values("response__team", "question__dimension")
        .annotate(people=Count("response", distinct=True))
        .order_by()
    }
    questions = list(
        Question.objects.filter(survey_id=survey_round.survey_id, kind=Question.Kind.LIKERT)
        .exclude(dimension="")
        .order_by("position", "pk")
    )
    names = {pk: name for pk, (_, _, name, _) in tree.items()}

    # 1. The heat map's rows; 2. the other candidates, largest first, while what is left stays safe.
    heat_shown = {t for t, n in teams.items() if n >= minimum} - heatmap_withheld(teams, minimum)
    heat_shown.discard(None)
    units: dict[int, AuditUnit] = {}
    members: dict[int, list[int | None]] = {}
    unit_of_team: dict[int, int] = {}
    left_out: dict[int, int] = {}
    for team in heat_shown:
        units[team] = AuditUnit(team, names.get(team, ""), False, teams[team], True)
        members[team] = [team]
        unit_of_team[team] = team
    candidates: dict[int, list[int]] = defaultdict(list)
    for team, n in teams.items():
        if team is None or team in heat_shown:
            continue
        if n >= minimum:
            candidates[team].append(team)
            unit_of_team[team] = team
        else:
            department = departments.get(team, (team, ""))[0]
            if department in heat_shown:  # its own people are on the heat map: a roll-up would give this team away
                left_out[team] = department
                continue
            unit_of_team[team] = department
            candidates[department].append(team)
    left = sum(n for t, n in teams.items() if t not in heat_shown)
    for unit, its_teams in sorted(candidates.items(), key=lambda c: (-sum(teams[t] for t in c[1]), c[0])):
        n = sum(teams[t] for t in its_teams)
        rolled = its_teams != [unit]
        found = AuditUnit(unit, names.get(unit, ""), rolled, n, False)
        found.team_names = sorted(names.get(t, "") for t in its_teams if t != unit) if rolled else []
        if n < minimum:
            found.reason = _(
                "Fewer than %(min)s people answered here, so nothing is shown: no figure describes fewer than "
                "%(min)s people."
            ) % {"min": minimum}
        elif 0 < left - n < minimum:
            found.reason = _(
                "Held back: with these figures shown, the answers of fewer than %(min)s people elsewhere could be "
                "worked out from the round's overall results."
            ) % {"min": minimum}
        else:
            found.shown = True
            left -= n
            members[unit] = its_teams
        units[unit] = found

    # 3. Each shown unit's dimensions and items.
    by_dimension: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_dimension[question.dimension].append(question)
    dimensions = [(value, label) for value, label in dimension_choices() if value in by_dimension]
    fixed = set(heat_shown)  # the heat map prints these cells: they are not ours to hold back
    for value, label in dimensions:
        cells: dict[int, tuple[int, int, int]] = {}  # unit -> (sum, answers, people)
        for unit, its_teams in members.items():
            total = sum(sums.get((t, q.pk), (0, 0))[0] for t in its_teams for q in by_dimension[value])
            answers = sum(sums.get((t, q.pk), (0, 0))[1] for t in its_teams for q in by_dimension[value])
            cells[unit] = (total, answers, sum(people.get((t, value), 0) for t in its_teams))
        everyone = sum(n for (_, d), n in people.items() if d == value)
        shown_cells = {u for u, c in cells.items() if c[2] >= minimum}
        left = everyone - sum(cells[u][2] for u in shown_cells)
        for unit in sorted(shown_cells - fixed, key=lambda u: (cells[u][2], u)):
            if not 0 < left < minimum:
                break
            shown_cells.discard(unit)
            left += cells[unit][2]
        items_shown = {
            u
            for u in shown_cells
            if all(sum(sums.get((t, q.pk), (0, 0))[1] for t in members[u]) >= minimum for q in by_dimension[value])
        }
        for question in by_dimension[value]:
            answered = sum(n for (_, q), (_, n) in sums.items() if q == question.pk)
            got = {u: sum(sums.get((t, question.pk), (0, 0))[1] for t in members[u]) for u in items_shown}
            left = answered - sum(got.values())
            for unit in sorted(items_shown, key=lambda u: (got[u], u)):
                if not 0 < left < minimum:
                    break
                items_shown.discard(unit)
                left += got[unit]
        for unit, (total, answers, n) in cells.items():
            shown = unit in shown_cells and answers
            result = DimensionResult(value, label, _heat_cell(total / answers if shown else None), n if shown else None)
            if unit in items_shown and shown:
                for question in by_dimension[value]:
                    q_total = sum(sums.get((t, question.pk), (0, 0))[0] for t in members[unit])
                    q_n = sum(sums.get((t, question.pk), (0, 0))[1] for t in members[unit])
                    result.items.append(ItemResult(question.text_in(), round(q_total / q_n, 1), q_n))
            units[unit].dimensions.append(result)
    return RoundUnits(survey_round, units, unit_of_team, minimum, names, left_out)


def previous_round(survey_round: SurveyRound) -> SurveyRound | None:
    """The programme's audit round sent before this one (one query)."""
    return (
        SurveyRound.objects.filter(
            programme_id=survey_round.programme_id,
            survey__kind=Survey.Kind.LEARNING_ENVIRONMENT,
            sent_at__isnull=False,
        )
        .filter(Q(opens_on__lt=survey_round.opens_on) | Q(opens_on=survey_round.opens_on, pk__lt=survey_round.pk))
        .select_related("survey")
        .order_by("-opens_on", "-pk")
        .first()
    )


def same_group(unit: AuditUnit, was: AuditUnit | None) -> bool:
    """Whether a unit of this round and the same unit of the round before stand for the same kind of group, shown
    in both: a department's own people and a department standing for its small teams share an id, but comparing
    them would set one group's mean against another's."""
    return was is not None and was.shown and was.rolled_up == unit.rolled_up


def round_units_with_trend(
    survey_round: SurveyRound, tree: dict | None = None
) -> tuple[RoundUnits, SurveyRound | None]:
    """The round's units, each dimension with the round before's mean where both rounds show it. Queries: the
    tree, the round's four, the previous round, and its four when there is one."""
    tree = _units_tree() if tree is None else tree
    found = round_units(survey_round, tree)
    before = previous_round(survey_round)
    if before is not None:
        earlier = round_units(before, tree)
        for unit in found.shown():
            was = earlier.units.get(unit.pk)
            if not same_group(unit, was):
                continue
            cells = {d.dimension: d.cell for d in was.dimensions}
            for dimension in unit.dimensions:
                previous = cells.get(dimension.dimension)
                if previous is not None and previous.mean is not None and dimension.cell.mean is not None:
                    dimension.previous = previous
    return found, before


# --- Who leads a unit -------------------------------------------------------------------------------------------


def unit_leads(tree: dict | None = None) -> dict[int, int]:
    """unit id -> the id of the person who leads it: its ``lead``, else the line manager of most of its current
    active members (a department's: of everyone in the units whose department it is; a tie goes to the lowest id).
    Units with neither are left out. Queries: the tree (unless given), people per unit and line manager."""
    tree = _units_tree() if tree is None else tree
    departments = departments_of({pk: (parent, kind, name) for pk, (parent, kind, name, _) in tree.items()})
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Person.objects.filter(is_active=True, org_unit__isnull=False, line_manager__isnull=False)
        .values("org_unit", "line_manager")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        unit, manager = row["org_unit"], row["line_manager"]
        counts[unit][manager] += row["n"]
        department = departments.get(unit, (unit, ""))[0]
        if department != unit:
            counts[department][manager] += row["n"]
    leads = {}
    for pk, row in tree.items():
        lead = row[3]
        if lead is not None:
            leads[pk] = lead
        elif counts.get(pk):
            leads[pk] = min(counts[pk].items(), key=lambda item: (-item[1], item[0]))[0]
    return leads


def units_led_by(person: Person, tree: dict | None = None) -> set[int]:
    return {unit for unit, lead in unit_leads(tree).items() if lead == person.pk}


# --- Plans ------------------------------------------------------------------------------------------------------


def plan_for(survey_round: SurveyRound, unit_pk: int) -> ActionPlan | None:
    """The unit's plan after the round with its actions and their history (three queries, or one without a plan)."""
    return ActionPlan.objects.filter(round=survey_round, unit_id=unit_pk).prefetch_related("actions__changes").first()


def plans_progress(
    rounds: Iterable[int] | QuerySet, *, today: datetime.date | None = None
) -> dict[tuple[int, int], dict]:
    """(round id, unit id) -> {"pk", "total", "done", "overdue"} of every plan after the rounds (one query)."""
    today = today or timezone.localdate()
    return {
        (row["round"], row["unit"]): row
        for row in ActionPlan.objects.filter(round__in=rounds if isinstance(rounds, QuerySet) else list(rounds))
        .values("pk", "round", "unit")
        .annotate(
            total=Count("actions"),
            done=Count("actions", filter=Q(actions__status=AuditAction.Status.DONE)),
            overdue=Count("actions", filter=Q(actions__due_on__lt=today) & ~Q(actions__status=AuditAction.Status.DONE)),
        )
        .order_by()
    }


@dataclass
class OverviewRow:
    unit: AuditUnit
    lead: str
    progress: dict | None


def audit_overview(survey_round: SurveyRound) -> dict:
    """The coordinators' page of a round: every unit, its lead, whether it has a plan and how far it is, the trend,
    and the programme's audit alerts. Queries: the round's units with the trend (up to 10), the leads' people
    count, their names, the plans, the alerts."""
    tree = _units_tree()
    found, before = round_units_with_trend(survey_round, tree)
    leads = unit_leads(tree)
    wanted = {leads[u] for u in found.units if u in leads}
    lead_names = {p.pk: str(p) for p in Person.objects.filter(pk__in=wanted)} if wanted else {}
    progress = plans_progress([survey_round.pk])
    rows = [
        OverviewRow(unit, lead_names.get(leads.get(unit.pk), ""), progress.get((survey_round.pk, unit.pk)))
        for unit in sorted(found.units.values(), key=lambda u: (not u.shown, u.name.lower()))
    ]
    return {
        "units": found,
        "rows": rows,
        "previous": before,
        "dimensions": dimension_choices(),
        "alerts": audit_alerts(survey_round.programme),
    }


# --- Alerts -----------------------------------------------------------------------------------------------------


def audit_alerts(programme: Programme) -> list[AuditAlert]:
    """The programme's two-round alerts, open ones first (one query)."""
    alerts = list(
        AuditAlert.objects.filter(programme=programme)
        .select_related("unit", "round", "previous_round", "round__survey", "previous_round__survey")
        .order_by("status", "-raised_at", "-pk")[:50]
    )
    return alerts_worded(alerts)


def alerts_worded(alerts: list[AuditAlert]) -> list[AuditAlert]:
    """Each alert with its reason in the reader's language (``alert.reason``, ``alert.dimension_label``); needs
    their unit and both rounds with their surveys loaded."""
    labels = dict(dimension_choices())
    for alert in alerts:
        alert.dimension_label = labels.get(alert.dimension, alert.dimension)
        words = {
            "unit": alert.unit.name,
            "dimension": alert.dimension_label,
            # Decimals in the reader's notation (German and Spanish write 2,3).
            "mean": number_format(alert.mean, 1),
            "previous_mean": number_format(alert.previous_mean, 1),
            "round": alert.round.display_title,
            "previous_round": alert.previous_round.display_title,
        }
        alert.reason = (
            _(
                "%(unit)s stayed restrictive on “%(dimension)s” over two rounds: %(previous_mean)s in "
                "“%(previous_round)s”, then %(mean)s in “%(round)s” (1 restrictive to 5 expansive)."
            )
            % words
        )
    return alerts


# --- The team page's panel --------------------------------------------------------------------------------------


def team_audit_panel(person: Person) -> dict | None:
    """For a line manager who leads units: each unit's latest audit round per programme (its results page) and its
    plan's progress. None when they lead none. Queries: the tree, the leads' people count, the answers per round
    and team of their units, those rounds, the plans."""
    tree = _units_tree()
    mine = units_led_by(person, tree)
    if not mine:
        return None
    departments = departments_of({pk: (parent, kind, name) for pk, (parent, kind, name, _) in tree.items()})
    # Which of my units each audit round reached: a team when its people answered; a department when people of
    # its teams answered in teams too small to be their own unit (its roll-up), or directly in it.
    answered: dict[int, dict[int, int]] = defaultdict(dict)
    reach = {t for t in tree if t in mine or departments.get(t, (None, ""))[0] in mine}
    for row in (
        SurveyResponse.objects.filter(
            round__survey__kind=Survey.Kind.LEARNING_ENVIRONMENT, round__sent_at__isnull=False, team__in=reach
        )
        .values("round", "team")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        answered[row["round"]][row["team"]] = row["n"]
    rounds = {  # run whatever was answered: the team page's queries stay the same
        r.pk: r
        for r in SurveyRound.objects.filter(
            survey__kind=Survey.Kind.LEARNING_ENVIRONMENT, sent_at__isnull=False, responses__team__in=reach
        )
        .select_related("survey", "programme")
        .distinct()
    }
    minimum = settings.TANDEM_MIN_GROUP_SIZE
    latest: dict[tuple[int, int], SurveyRound] = {}  # (programme, unit) -> its latest round
    for survey_round in sorted(rounds.values(), key=lambda r: (r.opens_on, r.pk), reverse=True):
        for team, n in answered[survey_round.pk].items():
            department = departments.get(team, (team, ""))[0]
            if team in mine:  # its own page, or the word that it counts in its department's
                latest.setdefault((survey_round.programme_id, team), survey_round)
            if department in mine and (n < minimum or team == department):
                latest.setdefault((survey_round.programme_id, department), survey_round)
    progress = plans_progress(SurveyRound.objects.filter(action_plans__unit__in=mine).values("pk"))
    entries = [
        {"round": r, "unit_pk": unit, "unit": tree[unit][2], "progress": progress.get((r.pk, unit))}
        for (_, unit), r in sorted(latest.items(), key=lambda item: (tree[item[0][1]][2].lower(), -item[1].pk))
    ]
    return {"template": "evaluation/_team_audit_panel.html", "entries": entries}
