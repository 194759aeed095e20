"""Every figure of a committee report, section by section (``report_figures``)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from programmes.models import Programme

from .enrolment import _enrolment, members_read
from .goals import _goals
from .held import held_read
from .helpers import _figure
from .interventions import _interventions
from .mentors import _mentors
from .pairings import _pairings
from .periods import Period
from .protected_time import _protected_time
from .surveys import _surveys
from .teams import _sessions_by_month, _teams

SNAPSHOT_VERSION = 1


def report_figures(*, programme: Programme, period: Period) -> dict[str, Any]:
    """Every figure of the report, suppressed, as plain JSON-ready data (what ``Report.snapshot`` freezes).

    Its words are the catalogue's English whoever asks (a snapshot is read later in every reader's language:
    ``services.exports.localized`` translates them then), and lazy ones (choice labels) are made plain text.
    """
    with translation.override(None):
        return json.loads(json.dumps(_report_figures(programme=programme, period=period), cls=DjangoJSONEncoder))


def _report_figures(*, programme: Programme, period: Period) -> dict[str, Any]:
    """The figures of ``report_figures``.

    Queries (fixed, whatever the programme's size): 1 applications; 2 participants (by role, and by department
    with queries 5 to 7), 2a the courses each role requires; 3 pairings, with 3a their sessions without a history,
    3b pauses and 3c cadence changes; 4 the sessions of the period and of the previous one (``held_read``: read
    once, added up by department, by month and by participant); 5 departments; 6 pairings and 7 the
    participants' team histories (added up by department); 8 protected time (each table's hours by person);
    9 goals; 10 interventions; 11 survey rounds; 12 survey answers, 12a their questions; 13 quotable answers;
    14 mentors' own goals; 15 mentors' ratings at both ends.
    """
    prev = period.previous
    members = members_read(programme, period, prev)  # queries 2 and 2a
    enrolment = _enrolment(programme, period, prev, members)  # query 1
    pairings = _pairings(programme, period, prev)  # queries 3 to 3c
    held = held_read(programme, period, prev)  # query 4
    team, totals, active, participants = _teams(programme, period, prev, held, members)  # queries 5 to 7
    months = _sessions_by_month(period, held[0], active, totals)
    time = _protected_time(programme, period, prev, held, participants)  # query 8
    goals = _goals(programme, period, prev)  # query 9
    interventions = _interventions(programme, period, prev)  # query 10
    surveys = _surveys(programme, period, prev)  # queries 11 to 13
    mentors = _mentors(programme, period, prev, _col_total(team, "Confirmed hours"))  # queries 14 and 15

    activity_figures = [
        _figure(
            "active_pairings",
            gettext_noop("Active pairings"),
            *_col_total(team, "Active pairings"),
            note=gettext_noop("running in the period"),
        ),
        _figure(
            "sessions",
            gettext_noop("Sessions held"),
            *_col_total(team, "Sessions held"),
            note=gettext_noop("confirmed by the period's end"),
        ),
        _figure("confirmed_hours", gettext_noop("Confirmed hours"), *_col_total(team, "Confirmed hours"), unit="h"),
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "programme": programme.name,
        "period": period.as_json(),
        "previous": prev.as_json(),
        "min_group": settings.TANDEM_MIN_GROUP_SIZE,
        "computed_at": timezone.now().isoformat(),
        "sections": [
            {"key": "enrolment", "title": gettext_noop("Enrolment and training"), **enrolment},
            {
                "key": "pairings",
                "title": gettext_noop("Pairings and sessions"),
                "figures": activity_figures,
                "tables": [months, pairings["states"], pairings["ended_early"]],
            },
            {"key": "time", "title": gettext_noop("Protected time"), "figures": time, "tables": []},
            {"key": "goals", "title": gettext_noop("Goals"), **goals},
            {"key": "interventions", "title": gettext_noop("Interventions"), "figures": [], "tables": [interventions]},
            {"key": "mentors", "title": gettext_noop("What mentors gained"), **mentors},
        ],
        "team": team,
        "surveys": surveys,
    }


def _col_total(table: dict, col: str) -> tuple[Any, Any]:
    cell = table["col_totals"][table["cols"].index(col)]
    return cell["value"], cell["previous"]
