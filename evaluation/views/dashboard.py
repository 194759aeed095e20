"""The coordinator dashboards: one programme's figures and charts, and a row per programme across all of a
coordinator's programmes. Figures and charts only: no names, no summaries, notes or goal titles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import charts
from programmes.permissions import Area, area_required, get_programme_for

from ..forms.dashboard import DashboardFilterForm
from ..selectors import dashboard as selectors
from ..selectors.audit_alerts import audit_alerts_waiting, heatmap_with_trend
from ..selectors.overview import ProgrammeRow, coordinator_overview
from ..selectors.surveys import learning_environment_heatmap

STATE_COLOURS = {"on_track": charts.GREEN, "due_soon": charts.BLUE, "overdue": charts.ORANGE, "escalated": charts.RED}


def _state_series(states: list[selectors.StateCount]) -> list[tuple[str, str]]:
    return [(s.label, STATE_COLOURS[s.key]) for s in states]


def programme_charts(d: selectors.ProgrammeDashboard) -> dict[str, str]:
    """The dashboard's four charts as SVG markup; the template puts each one's numbers in a table beside it."""
    scored = [m for m in d.health.months if m.score is not None]
    return {
        "sessions": charts.bar_chart(
            chart_id="chart-sessions",
            title=_("Confirmed sessions per week"),
            description=_("%(sessions)s confirmed sessions in %(period)s, over %(weeks)s weeks starting on Mondays.")
            % {"sessions": d.sessions_in_period, "period": d.period.label, "weeks": len(d.sessions_per_week)},
            bars=[(date_format(week, _("j M")), n) for week, n in d.sessions_per_week],
            unit=_("sessions"),
        ),
        "states": charts.stacked_bars(
            chart_id="chart-states",
            title=_("Check-in states of the active pairings today"),
            description=", ".join(f"{s.label}: {s.count}" for s in d.states) + ".",
            series=_state_series(d.states),
            rows=[(_("Active pairings"), [s.count for s in d.states])],
            width=420,
            label_width=0,
            row_height=48,
        ),
        "time": charts.paired_bars(
            chart_id="chart-time",
            title=_("Protected hours by team: allocated against used"),
            description=_("Hours allocated and used in %(period)s, for %(teams)s teams.")
            % {"period": d.period.label, "teams": len(d.time_by_team)},
            series=((_("Allocated"), charts.TEAL), (_("Used"), charts.ORANGE)),
            groups=[(t.team, t.allocated, t.hours.used) for t in d.time_by_team],
            unit="h",
        ),
        "health": charts.line_chart(
            chart_id="chart-health",
            title=_("Relationship health by month (1 to 5)"),
            description=_("Mean health-check answer per month; %(scored)s of %(months)s months have answers.")
            % {"scored": len(scored), "months": len(d.health.months)}
            + f" {d.health.trend}",
            points=[(date_format(m.month, _("M Y")), m.score) for m in d.health.months],
        ),
    }


def overview_chart(rows: list[ProgrammeRow]) -> str:
    states = rows[0].states if rows else []
    return charts.stacked_bars(
        chart_id="chart-programmes",
        title=_("Check-in states of active pairings, per programme"),
        description=_("%(count)s programmes; the table below gives every number.") % {"count": len(rows)},
        series=_state_series(states),
        rows=[(row.programme.name, [s.count for s in row.states]) for row in rows],
    )


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    # Queries: session, user, the programme and my roles in it (access), the navigation's areas, every org
    # unit (team choices and labels), the team's sub-teams (only with a team chosen), then the figures (11, each
    # named in selectors.programme_dashboard).
    programme = get_programme_for(request.user, pk, manage=True)
    today = timezone.localdate()
    units = selectors.org_units()
    form = DashboardFilterForm(request.GET or None, units=units, today=today)
    period, team, problems = form.choice()
    team_ids = selectors.team_ids_under(team)
    figures = selectors.programme_dashboard(
        programme=programme,
        period=period,
        today=today,
        units={unit.pk: str(unit) for unit in units},
        team_ids=team_ids,
    )
    context = {
        "programme": programme,
        "form": form,
        "problems": problems,
        "team": team,
        "d": figures,
        "charts": programme_charts(figures),
        # The latest learning-environment audit, team by team (teams under 5 answers hidden): 1 query without an
        # audit, else 3, and its trend: the round before, then with one the unit tree and that round's 4.
        "heatmap": heatmap_with_trend(learning_environment_heatmap(programme=programme)),
        # The two-round audit alerts nobody has resolved: 1 query.
        "audit_alerts": audit_alerts_waiting(programme=programme),
        "today": today,
        "active_tab": "dashboard",
    }
    return render(request, "evaluation/dashboard.html", context)


@area_required(Area.COORDINATING)
def dashboard_all(request: HttpRequest) -> HttpResponse:
    # Queries: session, user, areas (access and navigation), the coordinated programmes with their figures,
    # the check-in states of their pairings grouped by programme.
    today = timezone.localdate()
    rows = coordinator_overview(person=request.user, today=today)
    return render(
        request, "evaluation/dashboard_all.html", {"rows": rows, "chart": overview_chart(rows), "today": today}
    )
