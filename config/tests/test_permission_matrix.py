"""Every URL pattern, every role: who gets the page, who gets 403, who gets 404, who goes to the login page, and
how many queries the page makes for each role it lets through.

MATRIX must name every pattern the resolver knows (outside the admin, which has one rule below); a pattern
added without an entry fails ``test_matrix_covers_every_url_pattern``, an entry without its query budget
``test_every_entry_carries_a_query_budget``.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import fresh_copy, make_cast, module_data
from programmes.models import BudgetLine, Spend, TimeAllocation
from programmes.tests.factories import BudgetLineFactory, SpendFactory

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
REDIRECT = "redirect"  # any redirect that is not to a login page (a POST handled, with its message)
ADMIN_LOGIN = "admin-login"  # a redirect to the admin's login page
TURNED_AWAY = (LOGIN, ADMIN_LOGIN, 403, 404)  # the answers that do not let a role through


@dataclass
class Entry:
    expect: dict[str, Any]  # role -> status code, LOGIN, ADMIN_LOGIN or ("redirect", url name)
    kwargs: Callable[[dict], dict] = field(default=lambda cast: {})
    method: str = "get"
    # The query budget: how many queries the request makes, in the matrix's world, for each role it lets through
    # (a page, or a redirect that is not to a login page); one number for all of them, or per_role(...). The walk
    # checks the exact count: a page that makes more queries, or fewer, says so in its entry.
    queries: int | dict[str, int] | None = None

    def budget(self, role: str) -> int | None:
        """The queries this entry may make for ``role``; None when the role is turned away (not counted)."""
        if self.expect[role] in TURNED_AWAY:
            return None
        return self.queries.get(role) if isinstance(self.queries, dict) else self.queries


def roles(default: Any, **overrides: Any) -> dict[str, Any]:
    expect = dict.fromkeys(ROLES, default)
    expect.update(overrides)
    return expect


def per_role(default: int, **overrides: int) -> dict[str, int]:
    """A query budget that differs by role (the coordinator's page shows more, say)."""
    return roles(default, **overrides)


def members_only(**overrides: Any) -> dict[str, Any]:
    """Anonymous to login; people with no role in the programme 404; the rest as given."""
    return roles(404, anonymous=LOGIN, **overrides)


def area_page(**allowed: Any) -> dict[str, Any]:
    """A page one area opens: anonymous to login, everyone else 403 unless allowed."""
    return roles(403, anonymous=LOGIN, **allowed)


PROGRAMME = lambda cast: {"pk": cast["pairing"].programme_id}  # noqa: E731
APPLICATION = lambda cast: {"pk": cast["application"].pk}  # noqa: E731


def coordinator_post(**overrides: Any) -> dict[str, Any]:
    """A change on a programme's set-up: its coordinators get through; other members 403; others 404."""
    return members_only(coordinator=REDIRECT, mentor=403, mentee=403, committee_member=403, **overrides)


def coordinator_page(**overrides: Any) -> dict[str, Any]:
    return members_only(coordinator=200, mentor=403, mentee=403, committee_member=403, **overrides)


def vocabulary(expected: Any) -> dict[str, Any]:
    """Organisation-wide data: coordinators of any programme and administrators; everyone else 403."""
    return roles(403, anonymous=LOGIN, coordinator=expected, administrator=expected)


PAIRING = lambda cast: {"pk": cast["pairing"].pk}  # noqa: E731


def budget_line_kwargs(cast: dict) -> dict:
    programme = cast["pairing"].programme
    line = BudgetLine.objects.filter(programme=programme).first() or BudgetLineFactory(programme=programme)
    return {"pk": programme.pk, "line_pk": line.pk}


def spend_kwargs(cast: dict) -> dict:
    programme = cast["pairing"].programme
    spend = Spend.objects.filter(line__programme=programme).first() or SpendFactory(
        line__programme=programme, created_by=cast["coordinator"]
    )
    return {"pk": programme.pk, "spend_pk": spend.pk}


COORDINATORS_ONLY = members_only(coordinator=200, mentor=403, mentee=403, committee_member=403)


def mentee_allocation(cast: dict) -> dict:
    """The mentee's pending time allocation (created on first use; the line manager is the mentee's)."""
    allocation, _ = TimeAllocation.objects.get_or_create(
        programme=cast["pairing"].programme,
        person=cast["mentee"],
        month=datetime.date(2026, 11, 1),
        defaults={"hours": Decimal("3.0")},
    )
    return {"pk": allocation.pk}


def PEOPLE_IMPORT(cast: dict) -> dict:  # noqa: N802 (named like the other kwargs helpers)
    """A fresh preview for each request: applying or discarding one uses it up."""
    from programmes.tests.factories import PeopleImportFactory

    return {"pk": PeopleImportFactory(uploaded_by=cast["coordinator"]).pk}


def MAPPING_IMPORT(cast: dict) -> dict:  # noqa: N802
    """An uploaded file waiting for its columns to be mapped."""
    from programmes.models import PeopleImport

    found = PeopleImport.objects.create(
        uploaded_by=cast["coordinator"], filename="hr.csv", status="mapping", source="mail,who\na@example.org,A\n"
    )
    return {"pk": found.pk}


def HR_SYNC_RUN(cast: dict) -> dict:  # noqa: N802
    """A run of the nightly HR file waiting for confirmation (the one open run: one confirmed is closed first)."""
    from programmes.models import HrSyncRun
    from programmes.tests.factories import PeopleImportFactory

    waiting = HrSyncRun.objects.filter(status="waiting").first()
    if waiting is not None:
        return {"pk": waiting.pk}
    HrSyncRun.objects.filter(is_open=True).update(is_open=None, status="discarded")
    run = HrSyncRun.objects.create(
        status="waiting", file_name="people.csv", people_import=PeopleImportFactory(uploaded_by=None)
    )
    return {"pk": run.pk}


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


# --- Learning opportunities (issue 20): the line manager publishes, the mentor hosts, the mentee asks ---


def _opportunity(cast: dict, title: str = "Matrix shadowing") -> Any:
    from programmes.models import Opportunity

    opportunity, _ = Opportunity.objects.get_or_create(
        title=title,
        defaults={
            "kind": "shadowing",
            "host": cast["mentor"],
            "hours": Decimal("2"),
            "published_by": cast["line_manager"],
        },
    )
    return opportunity


def _opportunity_request(cast: dict, status: str) -> Any:
    from programmes.models import OpportunityRequest

    opportunity = _opportunity(cast, f"Matrix {status}")
    request, _ = OpportunityRequest.objects.get_or_create(
        opportunity=opportunity,
        person=cast["mentee"],
        defaults={"programme": cast["pairing"].programme, "hours": Decimal("2"), "status": status},
    )
    return request


OPPORTUNITY = lambda cast: {"pk": _opportunity(cast).pk}  # noqa: E731
REQUESTED = lambda cast: {"pk": _opportunity_request(cast, "requested").pk}  # noqa: E731
APPROVED = lambda cast: {"pk": _opportunity_request(cast, "approved").pk}  # noqa: E731
SUGGEST = lambda cast: {"pk": cast["pairing"].pk, "opportunity_pk": _opportunity(cast).pk}  # noqa: E731

# --- Pairing lifecycle (matching issue): a proposal and a closed pairing of the cast's mentor and mentee ---


def _lifecycle_pairing(cast: dict, status: str) -> dict:
    from mentoring.tests.factories import PairingFactory

    pairing = cast["pairing"]
    found = pairing.programme.pairings.filter(mentor=pairing.mentor, mentee=pairing.mentee, status=status).first()
    if found is None:
        dates = {"started_on": None} if status == "proposed" else {"ended_on": datetime.date(2026, 6, 1)}
        found = PairingFactory(
            programme=pairing.programme, mentor=pairing.mentor, mentee=pairing.mentee, status=status, **dates
        )
    return {"pk": found.pk}


PROPOSED_PAIRING = lambda cast: _lifecycle_pairing(cast, "proposed")  # noqa: E731
CLOSED_PAIRING = lambda cast: _lifecycle_pairing(cast, "completed")  # noqa: E731
# The pair only (coordinators see the pairing, so 403); everyone else never learns it exists.
PAIR_ONLY = members_only(mentor=200, mentee=200, coordinator=403)
# The pair and the programme's coordinators.
PAIR_OR_COORDINATORS = members_only(mentor=200, mentee=200, coordinator=200)


# --- The relationship (issue 5): a session the mentor logged, a goal and an alert, made on first use ----------


def _session(cast: dict):
    from mentoring.models import MentoringSession

    pairing = cast["pairing"]
    # Logged by the mentor: CONFIRMED_SESSION's, logged by the mentee, is another one.
    return MentoringSession.objects.filter(
        pairing=pairing, logged_by=cast["mentor"]
    ).first() or MentoringSession.objects.create(
        pairing=pairing, logged_by=cast["mentor"], held_on=pairing.started_on, duration_minutes=60
    )


def SESSION(cast: dict) -> dict:  # noqa: N802 (named like the other kwargs helpers)
    return {"pk": cast["pairing"].pk, "session_pk": _session(cast).pk}


# --- Time to think (issue 20): the mentee's reflection time, a confirmed session ----------------------------


def REFLECTION_TIME(cast: dict) -> dict:  # noqa: N802 (named like the other kwargs helpers)
    from mentoring.models import ReflectionTime

    pairing = cast["pairing"]
    entry = ReflectionTime.objects.filter(person=cast["mentee"]).first() or ReflectionTime.objects.create(
        person=cast["mentee"], programme=pairing.programme, day=pairing.started_on, hours=Decimal("1.5")
    )
    return {"pk": entry.pk}


def CONFIRMED_SESSION(cast: dict) -> dict:  # noqa: N802
    from mentoring.models import MentoringSession

    pairing = cast["pairing"]
    # Logged by the mentee and confirmed by the mentor: never SESSION's (the mentor's, awaiting confirmation).
    session = MentoringSession.objects.filter(pairing=pairing, logged_by=cast["mentee"]).first()
    session = session or MentoringSession.objects.create(
        pairing=pairing,
        logged_by=cast["mentee"],
        held_on=pairing.started_on + datetime.timedelta(days=1),  # another day: SESSION's day stays its own
        duration_minutes=45,
        status=MentoringSession.Status.CONFIRMED,
        answered_by=cast["mentor"],
    )
    return {"pk": pairing.pk, "session_pk": session.pk}


def _briefing_course() -> None:
    """The catalogue's line manager briefing, as issue 20's migration made it: a test that flushes the database
    (the browser tests) takes it away for the tests after it, so the matrix makes sure of it."""
    from programmes.models import Course

    Course.objects.get_or_create(
        title="Line manager briefing", defaults={"kind": Course.Kind.BRIEFING, "validity_months": 36}
    )


def WITH_BRIEFING(cast: dict) -> dict:  # noqa: N802
    _briefing_course()
    return {}


def BRIEFING_PROGRAMME(cast: dict) -> dict:  # noqa: N802
    _briefing_course()
    return {"pk": cast["pairing"].programme_id}


PROGRAMME_LINE_MANAGER = lambda cast: {  # noqa: E731
    "pk": cast["pairing"].programme_id,
    "person_pk": cast["mentee"].line_manager_id,
}


def GOAL(cast: dict) -> dict:  # noqa: N802
    from mentoring.models import Goal

    goal = Goal.objects.filter(pairing=cast["pairing"]).first() or Goal.objects.create(
        pairing=cast["pairing"], title="Matrix goal"
    )
    return {"pk": cast["pairing"].pk, "goal_pk": goal.pk}


def ALERT(cast: dict) -> dict:  # noqa: N802
    from mentoring.models import Alert

    pairing = cast["pairing"]
    alert = Alert.objects.filter(pairing=pairing).first() or Alert.objects.create(
        programme=pairing.programme, pairing=pairing, kind=Alert.Kind.ESCALATION, reason="Overdue"
    )
    return {"pk": alert.pk}


PAIR_POSTS = members_only(mentor=REDIRECT, mentee=REDIRECT, coordinator=403)


# --- Planned sessions (issue 17): a meeting the mentor proposed, two days ahead, made on first use. The pair
# only: a coordinator gets 403 on every planned session's page. ---


def _planned(cast: dict):
    from django.utils import timezone

    from mentoring.models import PlannedSession, ProposedTime

    pairing = cast["pairing"]
    found = PlannedSession.objects.filter(pairing=pairing, state=PlannedSession.State.PROPOSED).first()
    if found is None:
        found = PlannedSession.objects.create(
            pairing=pairing, organiser=cast["mentor"], proposed_by=cast["mentor"], duration_minutes=60
        )
        ProposedTime.objects.create(planned=found, starts_at=timezone.now() + datetime.timedelta(days=2))
    return found


PLANNED = lambda cast: {"pk": cast["pairing"].pk, "planned_pk": _planned(cast).pk}  # noqa: E731


def _planned_past(cast: dict):
    """An accepted meeting whose time has passed: the one the record page is for."""
    from django.utils import timezone

    from mentoring.models import PlannedSession

    pairing, accepted = cast["pairing"], PlannedSession.State.ACCEPTED
    found = PlannedSession.objects.filter(pairing=pairing, state=accepted).first()
    if found is None:
        starts_at = timezone.now() - datetime.timedelta(hours=2)
        found = PlannedSession.objects.create(
            pairing=pairing,
            organiser=cast["mentor"],
            proposed_by=cast["mentor"],
            duration_minutes=60,
            state=accepted,
            starts_at=starts_at,
            starts_on=timezone.localdate(starts_at),
        )
    return found


PLANNED_PAST = lambda cast: {"pk": cast["pairing"].pk, "planned_pk": _planned_past(cast).pk}  # noqa: E731


def _webhook_channel(cast: dict):
    from mentoring.models import WebhookChannel

    programme = cast["pairing"].programme
    found = WebhookChannel.objects.filter(programme=programme).first()
    return found or WebhookChannel.objects.create(
        programme=programme, kind="slack", url="https://hooks.example.org/x", secret="s"
    )


WEBHOOK_CHANNEL = lambda cast: {"pk": cast["pairing"].programme_id, "channel_pk": _webhook_channel(cast).pk}  # noqa: E731


# --- Matching (issue 4): objects the matching URLs need, made on first use ----------------------------------


def _draft_round(cast: dict):
    from mentoring.models import MatchRound
    from mentoring.tests.factories import MatchRoundFactory

    programme = cast["pairing"].programme
    draft = MatchRound.objects.filter(programme=programme, status=MatchRound.Status.DRAFT).first()
    return draft or MatchRoundFactory(programme=programme, run_by=cast["coordinator"])


def _proposal(cast: dict):
    from mentoring.tests.factories import MatchProposalFactory

    match_round = _draft_round(cast)
    live = match_round.proposals.filter(removed=False).first()
    return live or MatchProposalFactory(round=match_round, mentor=cast["mentor"], mentee=cast["mentee"])


MATCH_ROUND = lambda cast: {"pk": cast["pairing"].programme_id, "round_pk": _draft_round(cast).pk}  # noqa: E731
PROPOSAL = lambda cast: {"pk": cast["pairing"].programme_id, "proposal_pk": _proposal(cast).pk}  # noqa: E731
PAIR = lambda cast: {  # noqa: E731
    "pk": cast["pairing"].programme_id,
    "mentor_pk": cast["mentor"].pk,
    "mentee_pk": cast["mentee"].pk,
}

# --- Calendar (issue 5, point 6) and the notification centre (issue 5, point 7): objects made on first use ---


def _feed_token(cast: dict) -> dict:
    """The mentee's feed address, read afresh: replacing it (an entry above) changes the token."""
    from mentoring.services.calendars import calendar_feed_create

    return {"token": calendar_feed_create(person=cast["mentee"]).token}


def _mentee_notification(cast: dict) -> dict:
    from programmes.models import Notification

    note = Notification.objects.filter(person=cast["mentee"]).first() or Notification.objects.create(
        person=cast["mentee"], text="Matrix news", url="/mentoring/"
    )
    return {"pk": note.pk}


# --- Alerts and interventions (issue 6): an alert and an open intervention, made on first use ---


def _intervention(cast: dict):
    from evaluation.models import Intervention

    pairing = cast["pairing"]
    return Intervention.objects.filter(programme=pairing.programme).first() or Intervention.objects.create(
        programme=pairing.programme, pairing=pairing, kind="call", note="Matrix note", created_by=cast["coordinator"]
    )


PROGRAMME_ALERT = lambda cast: {"pk": cast["pairing"].programme_id, "alert_pk": ALERT(cast)["pk"]}  # noqa: E731
INTERVENTION = lambda cast: {"pk": cast["pairing"].programme_id, "intervention_pk": _intervention(cast).pk}  # noqa: E731
# --- end of alerts and interventions ---
# --- surveys (issue 6): a programme survey with a question (never sent, so it can change), a round of the
# built-in feedback survey, and an invitation of the mentee to it; made on first use ---


def _survey(cast: dict):
    from evaluation.models import Question, Survey

    programme = cast["pairing"].programme
    survey = Survey.objects.filter(programme=programme, title="Matrix survey").first()
    if survey is None:
        survey = Survey.objects.create(programme=programme, title="Matrix survey")
        Question.objects.create(survey=survey, text="Matrix question")
    return survey


def _survey_round(cast: dict):
    from django.utils import timezone

    from evaluation.models import SurveyInvitation, SurveyRound
    from evaluation.services.surveys import surveys_ensure_builtin

    programme = cast["pairing"].programme
    found = SurveyRound.objects.filter(programme=programme, title="Matrix round").first()
    if found is None:
        today = timezone.localdate()
        found = SurveyRound.objects.create(
            survey=surveys_ensure_builtin()["feedback"],
            programme=programme,
            title="Matrix round",
            status=SurveyRound.Status.OPEN,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=14),
        )
        SurveyInvitation.objects.create(round=found, person=cast["mentee"], due_on=today)
    return found


SURVEY = lambda cast: {"pk": cast["pairing"].programme_id, "survey_pk": _survey(cast).pk}  # noqa: E731
SURVEY_QUESTION = lambda cast: {  # noqa: E731
    "pk": cast["pairing"].programme_id,
    "survey_pk": _survey(cast).pk,
    "question_pk": _survey(cast).questions.first().pk,
}
SURVEY_ROUND = lambda cast: {"pk": cast["pairing"].programme_id, "round_pk": _survey_round(cast).pk}  # noqa: E731
INVITATION = lambda cast: {"invitation_pk": _survey_round(cast).invitations.get().pk}  # noqa: E731
# --- end of surveys ---
# --- The audit acted on (issue 20, point 3): a closed audit round where the line manager's team (Support, led by
# them as line manager of its members) answered with 5, its plan, and a two-round alert; made on first use ---


def _audit_round(cast: dict):
    from evaluation.models import ActionPlan, AuditAction, AuditAlert, Survey, SurveyRound
    from evaluation.tests.audit_world import audit_round

    programme = cast["pairing"].programme
    found = SurveyRound.objects.filter(programme=programme, survey__kind=Survey.Kind.LEARNING_ENVIRONMENT).first()
    if found is None:
        found = audit_round(programme, opens_on=datetime.date(2026, 7, 6), answers={cast["mentee"].org_unit: [2] * 5})
        plan = ActionPlan.objects.create(round=found, unit=cast["mentee"].org_unit, created_by=cast["line_manager"])
        AuditAction.objects.create(
            plan=plan, position=1, dimension="reflection", text="Reflection hour", due_on=datetime.date(2026, 9, 1)
        )
        AuditAlert.objects.create(
            programme=programme, round=found, previous_round=found, unit=cast["mentee"].org_unit,
            dimension="reflection", mean=2, previous_mean=2,
        )  # fmt: skip
    return found


AUDIT_UNIT = lambda cast: {"round_pk": _audit_round(cast).pk, "unit_pk": cast["mentee"].org_unit_id}  # noqa: E731
AUDIT_ROUND = lambda cast: {"pk": cast["pairing"].programme_id, "round_pk": _audit_round(cast).pk}  # noqa: E731


def AUDIT_ALERT(cast: dict) -> dict:  # noqa: N802
    from evaluation.models import AuditAlert

    _audit_round(cast)
    return {"pk": cast["pairing"].programme_id, "alert_pk": AuditAlert.objects.get().pk}


# The unit's line manager and the programme's coordinators; other members 403; anyone else never learns of it.
AUDIT_UNIT_READERS = members_only(line_manager=200, coordinator=200, mentor=403, mentee=403, committee_member=403)
# --- end of the audit acted on ---
# --- Committee reports (issue 6, point 5): a draft and a submitted report of the cast's programme -------------


def _report(cast: dict, status: str):
    from evaluation.models import Report
    from evaluation.selectors.reporting import Period, report_figures

    programme = cast["pairing"].programme
    found = Report.objects.filter(programme=programme, status=status).first()
    if found is None:
        period = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
        snapshot = None
        if status != "draft":
            figures = report_figures(programme=programme, period=period)
            snapshot = {**figures, "title": "Matrix report", "narrative": "Matrix narrative"}
        found = Report.objects.create(
            programme=programme,
            title=f"Matrix {status}",
            period_start=period.start,
            period_end=period.end,
            status=status,
            snapshot=snapshot,
        )
    return found


DRAFT_REPORT = lambda cast: {"pk": _report(cast, "draft").pk}  # noqa: E731
SUBMITTED_REPORT = lambda cast: {"pk": _report(cast, "submitted").pk}  # noqa: E731
# Coordinators see every report of their programme; its committee members the submitted ones (a draft is a 404
# to them); everyone else, participants included, never learns a report exists.
REPORT_READERS = roles(404, anonymous=LOGIN, coordinator=200, committee_member=200)
COMMITTEE_POST = roles(404, anonymous=LOGIN, committee_member=REDIRECT, coordinator=403)


def _decision(cast: dict):
    """A decision on the submitted report, owned by the line manager (the mentee's, so a line manager of one of
    the programme's participants)."""
    from evaluation.models import ReportDecision

    report = _report(cast, "submitted")
    return ReportDecision.objects.filter(report=report).first() or ReportDecision.objects.create(
        report=report,
        author=cast["committee_member"],
        kind=ReportDecision.Kind.DECISION,
        text="Matrix decision",
        owner=cast["line_manager"],
        due_on=datetime.date(2026, 12, 31),
    )


DECISION = lambda cast: {"pk": _decision(cast).pk}  # noqa: E731


def AUDIT_ITEM(cast: dict) -> dict:  # noqa: N802
    """The first item of the learning-environment audit's newest version."""
    from evaluation.services.audit import audit_current

    return {"pk": audit_current().questions.order_by("position", "pk").first().pk}


# --- end of committee reports ---


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
        ),
        queries=4,
    ),
    # SELECT 1, the reminder outbox (mail) and beat's heartbeat, and the session for a logged-in person; the
    # migrations part costs nothing once the process has seen them all applied (``migrations_seen_applied`` below:
    # the walk counts what every poll after the first costs).
    "healthz": Entry(roles(200), queries=per_role(4, anonymous=3)),
    # --- languages (issue 18): the switcher and the JavaScript strings, for everyone ---
    "language_set": Entry(roles(REDIRECT), method="post", queries=per_role(1, anonymous=0)),
    "javascript-catalog": Entry(roles(200), queries=per_role(1, anonymous=0)),  # the session: the language
    "login": Entry(roles(("redirect", "home"), anonymous=200), queries=per_role(2, anonymous=0)),
    "logout": Entry(roles(("redirect", "login")), method="post", queries=per_role(6, anonymous=1)),
    # --- single sign-on (issue 16), walked switched on (``sso_on`` below): doors of the login, open to everyone
    # like login and logout. The callback without a login started in this browser is a 400 page with its message;
    # the logged-out page, with no provider logout waiting, goes to the login page. (The button is added last,
    # after MATRIX.)
    "oidc_authentication_callback": Entry(roles(400), queries=per_role(3, anonymous=0)),
    "sso_logged_out": Entry(roles(("redirect", "login")), queries=per_role(1, anonymous=0)),
    # --- end of single sign-on ---
    "password_change": Entry(roles(200, anonymous=LOGIN), queries=3),
    "password_change_done": Entry(roles(200, anonymous=LOGIN), queries=3),
    "password_reset": Entry(roles(200), queries=per_role(3, anonymous=0)),
    "password_reset_done": Entry(roles(200), queries=per_role(3, anonymous=0)),
    "password_reset_confirm": Entry(
        roles(200), kwargs=lambda cast: {"uidb64": "MQ", "token": "not-a-token"}, queries=per_role(4, anonymous=1)
    ),
    "password_reset_complete": Entry(roles(200), queries=per_role(3, anonymous=0)),
    "programmes:list": Entry(area_page(coordinator=200, administrator=200), queries=per_role(4, coordinator=5)),
    # with the audit panel (5), the reports' learning opportunities waiting and taken up (2) and the manager's own
    # briefing (1)
    "programmes:team": Entry(area_page(line_manager=200), queries=17),
    "programmes:detail": Entry(
        members_only(coordinator=200, mentor=200, mentee=200, committee_member=200),
        kwargs=PROGRAMME,
        # A coordinator's 13 include evaluation's panel of audit alerts nobody resolved (1, issue 20).
        queries=per_role(6, coordinator=14),
    ),
    "programmes:members": Entry(
        members_only(coordinator=200, mentor=403, mentee=403, committee_member=403),
        kwargs=PROGRAMME,
        queries=8,
    ),
    # Resource budgets (issue 3, item 8): the programme's coordinators only.
    "programmes:budget": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=7),
    "programmes:budget_line_create": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=6),
    "programmes:budget_line_edit": Entry(COORDINATORS_ONLY, kwargs=budget_line_kwargs, queries=6),
    "programmes:budget_line_delete": Entry(COORDINATORS_ONLY, kwargs=budget_line_kwargs, queries=7),
    "programmes:spend_list": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=8),
    "programmes:spend_create": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=9),
    "programmes:spend_delete": Entry(COORDINATORS_ONLY, kwargs=spend_kwargs, queries=6),
    "programmes:budget_export": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=5),
    "programmes:budget_lines_export": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=5),
    "mentoring:home": Entry(area_page(mentor=200, mentee=200), queries=5),
    # A mentor's own CPD record (no id: nobody reaches another's); a mentee is not a mentor (403). Queries: session,
    # user, my areas, am I a mentor, hours per programme and year, completed pairings, mentor training, my own goals.
    "mentoring:cpd_record": Entry(area_page(mentor=200), queries=8),
    "mentoring:cpd_record_pdf": Entry(area_page(mentor=200), queries=8),
    "mentoring:cpd_record_csv": Entry(area_page(mentor=200), queries=8),
    # Queries: 9 as before, plus the planned sessions (the pair's list, or the coordinator's next date).
    # (issue 20: the pair's panel of learning opportunities, two more: the mentee's skills and the suggestions)
    "mentoring:pairing_detail": Entry(
        members_only(coordinator=200, mentor=200, mentee=200),
        kwargs=PAIRING,
        queries=per_role(10, mentor=12, mentee=12),
    ),
    "send_test_email": Entry(roles(ADMIN_LOGIN, administrator=200), queries=3),
    # --- Programme set-up and lifecycle ---
    "programmes:create": Entry(vocabulary(200), queries=3),
    "programmes:settings": Entry(coordinator_page(), kwargs=PROGRAMME, queries=7),
    "programmes:transition": Entry(coordinator_post(), kwargs=PROGRAMME, method="post", queries=4),
    "programmes:member_add": Entry(coordinator_post(), kwargs=PROGRAMME, method="post", queries=4),
    "programmes:member_remove": Entry(
        coordinator_post(),
        kwargs=lambda cast: {"pk": cast["pairing"].programme_id, "membership_pk": cast["committee_membership"].pk},
        method="post",
        queries=12,
    ),
    "programmes:question_add": Entry(coordinator_post(), kwargs=PROGRAMME, method="post", queries=4),
    "programmes:question_remove": Entry(
        coordinator_post(),
        kwargs=lambda cast: {"pk": cast["pairing"].programme_id, "question_pk": cast["question"].pk},
        method="post",
        queries=10,
    ),
    # --- Enrolment ---
    "programmes:open": Entry(roles(200, anonymous=LOGIN), queries=4),
    "programmes:apply": Entry(
        roles(200, anonymous=LOGIN), kwargs=lambda cast: {"pk": cast["recruiting"].pk}, queries=6
    ),
    "programmes:applications": Entry(coordinator_page(), kwargs=PROGRAMME, queries=8),
    # Bulk decisions (issue 13, point 10): with nothing ticked the coordinator is sent back with a message.
    "programmes:applications_decide": Entry(coordinator_post(), kwargs=PROGRAMME, method="post", queries=4),
    # The application is the mentee's: they, their line manager and the coordinators see it.
    "programmes:application_detail": Entry(
        members_only(mentee=200, line_manager=200, coordinator=200),
        kwargs=APPLICATION,
        queries=per_role(6, mentee=7, coordinator=8),
    ),
    "programmes:application_endorse": Entry(
        members_only(line_manager=REDIRECT, mentee=403, coordinator=403),
        kwargs=APPLICATION,
        method="post",
        queries=4,
    ),
    "programmes:application_decide": Entry(
        members_only(coordinator=REDIRECT, mentee=403, line_manager=403),
        kwargs=APPLICATION,
        method="post",
        queries=4,
    ),
    "programmes:application_withdraw": Entry(
        members_only(mentee=200, line_manager=403, coordinator=403),
        kwargs=APPLICATION,
        queries=5,
    ),
    "programmes:notifications": Entry(roles(200, anonymous=LOGIN), queries=4),
    "programmes:notifications_read": Entry(roles(REDIRECT, anonymous=LOGIN), method="post", queries=3),
    "programmes:skills": Entry(vocabulary(200), queries=8),
    "programmes:skill_merge": Entry(vocabulary(REDIRECT), queries=per_role(2, coordinator=3)),
    "programmes:skill_rename": Entry(
        vocabulary(REDIRECT),
        kwargs=lambda cast: {"pk": cast["skill"].pk},
        method="post",
        queries=per_role(3, coordinator=4),
    ),
    # Protected time. The POSTs carry no data: a coordinator or the line manager is sent back with a message.
    "programmes:time": Entry(
        members_only(coordinator=200, mentor=403, mentee=403, committee_member=403),
        kwargs=PROGRAMME,
        queries=8,
    ),
    "programmes:allocations_create": Entry(
        members_only(coordinator=302, mentor=403, mentee=403, committee_member=403),
        kwargs=PROGRAMME,
        method="post",
        queries=4,
    ),
    "programmes:allocation_adjust": Entry(
        members_only(coordinator=302, mentor=403, mentee=403, committee_member=403),
        kwargs=mentee_allocation,
        method="post",
        queries=4,
    ),
    # Only the person's own line manager; everyone else without reports is the wrong role (the mentee too).
    "programmes:allocation_decide": Entry(
        area_page(line_manager=("redirect", "programmes:team")),
        kwargs=mentee_allocation,
        method="post",
        queries=4,
    ),
    # People import (issue 3, part 4): coordinators of any programme and administrators; previews are shared
    # among them. Apply and discard answer with a redirect to the preview or the upload page.
    "programmes:people_import": Entry(area_page(coordinator=200, administrator=200), queries=4),
    "programmes:people_import_preview": Entry(
        area_page(coordinator=200, administrator=200), kwargs=PEOPLE_IMPORT, queries=5
    ),
    # Applying queues a task (the preview's run checked, the row marked "applying", read again for the message).
    "programmes:people_import_apply": Entry(
        area_page(coordinator=302, administrator=302),
        kwargs=PEOPLE_IMPORT,
        method="post",
        queries=per_role(9, coordinator=10),
    ),
    "programmes:people_import_discard": Entry(
        area_page(coordinator=302, administrator=302),
        kwargs=PEOPLE_IMPORT,
        method="post",
        queries=per_role(9, coordinator=10),
    ),
    # The column mapping screen (issue 16, point 6): as the import pages; the status JSON the progress bar polls.
    # session, user, areas, the import, the remembered mapping to pre-fill from
    "programmes:people_import_map": Entry(
        area_page(coordinator=200, administrator=200), kwargs=MAPPING_IMPORT, queries=5
    ),
    "programmes:people_import_status": Entry(
        area_page(coordinator=200, administrator=200), kwargs=PEOPLE_IMPORT, queries=per_role(3, coordinator=4)
    ),
    # The nightly HR file (issue 16, point 5): administrators only; the POSTs carry no data and come back with a
    # message (a sample is needed; the run is confirmed or discarded once).
    # session, user, areas, the sync mapping, the paginator's count (no runs yet in the matrix's world: no page)
    "programmes:hr_sync": Entry(area_page(administrator=200), queries=5),
    "programmes:hr_sync_sample": Entry(area_page(administrator=REDIRECT), method="post", queries=2),
    "programmes:hr_sync_run_detail": Entry(area_page(administrator=200), kwargs=HR_SYNC_RUN, queries=4),
    "programmes:hr_sync_run_confirm": Entry(
        area_page(administrator=REDIRECT), kwargs=HR_SYNC_RUN, method="post", queries=8
    ),
    "programmes:hr_sync_run_discard": Entry(
        area_page(administrator=REDIRECT), kwargs=HR_SYNC_RUN, method="post", queries=12
    ),
    # --- Training records (training part) ---
    # One more than with an empty catalogue: it always holds the line manager briefing (issue 20's migration), so
    # the page of courses is always read.
    "programmes:course_list": Entry(area_page(coordinator=200, administrator=200), kwargs=WITH_BRIEFING, queries=5),
    "programmes:course_create": Entry(area_page(coordinator=200, administrator=200), queries=3),
    "programmes:course_edit": Entry(area_page(coordinator=200, administrator=200), kwargs=COURSE, queries=4),
    "programmes:course_deactivate": Entry(area_page(coordinator=200, administrator=200), kwargs=COURSE, queries=4),
    "programmes:course_reactivate": Entry(
        area_page(coordinator=302, administrator=302), kwargs=COURSE, method="post", queries=per_role(6, coordinator=7)
    ),
    "programmes:course_delete": Entry(area_page(coordinator=200, administrator=200), kwargs=COURSE, queries=5),
    # --- Learning opportunities (issue 20): the organisation's, readable by everyone logged in; changed by their
    # publisher and coordinators; a request is its person's, its decider's (the line manager) and its host's. ---
    "programmes:opportunities": Entry(roles(200, anonymous=LOGIN), queries=5),
    "programmes:opportunity_create": Entry(
        area_page(line_manager=200, coordinator=200), queries=per_role(8, coordinator=7)
    ),
    "programmes:opportunity_requests_mine": Entry(roles(200, anonymous=LOGIN), queries=4),
    "programmes:opportunities_hosted": Entry(roles(200, anonymous=LOGIN), queries=4),
    "programmes:opportunity_decisions": Entry(area_page(line_manager=200, coordinator=200), queries=4),
    "programmes:opportunity_detail": Entry(roles(200, anonymous=LOGIN), kwargs=OPPORTUNITY, queries=8),
    "programmes:opportunity_edit": Entry(
        roles(403, anonymous=LOGIN, line_manager=200, coordinator=200),
        kwargs=OPPORTUNITY,
        queries=per_role(10, coordinator=9),
    ),
    "programmes:opportunity_close": Entry(
        roles(403, anonymous=LOGIN, line_manager=200, coordinator=200), kwargs=OPPORTUNITY, queries=4
    ),
    "programmes:opportunity_ask": Entry(roles(200, anonymous=LOGIN), kwargs=OPPORTUNITY, queries=5),
    "programmes:opportunity_request_withdraw": Entry(
        roles(404, anonymous=LOGIN, mentee=200), kwargs=REQUESTED, queries=4
    ),
    # Without data the line manager is sent back with a message; a coordinator of the programme sees the request
    # exists but only the line manager decides (403).
    "programmes:opportunity_request_decide": Entry(
        roles(404, anonymous=LOGIN, line_manager=("redirect", "programmes:opportunity_decisions"), coordinator=403),
        kwargs=REQUESTED,
        method="post",
        queries=3,
    ),
    "programmes:opportunity_request_confirm": Entry(
        roles(404, anonymous=LOGIN, mentor=("redirect", "programmes:opportunities_hosted")),
        kwargs=APPROVED,
        method="post",
        queries=3,
    ),
    "mentoring:pairing_opportunity_suggest": Entry(
        members_only(mentor=REDIRECT, mentee=403, coordinator=403), kwargs=SUGGEST, method="post", queries=11
    ),
    # (issue 20: one more, the learning opportunities taken up, for the learning record)
    "programmes:my_training": Entry(roles(200, anonymous=LOGIN), queries=per_role(6, mentee=9, mentor=8)),
    # The mentee's own evidence: the mentee and the coordinators of their programme; nobody else learns it exists.
    "programmes:training_evidence": Entry(
        roles(404, anonymous=LOGIN, mentee=200, coordinator=200), kwargs=EVIDENCE, queries=per_role(3, coordinator=5)
    ),
    "programmes:training_matrix": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=9),
    "programmes:training_requirements": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=7),
    "programmes:training_requirement_remove": Entry(COORDINATORS_ONLY, kwargs=REQUIREMENT, queries=6),
    "programmes:training_export": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=6),
    "programmes:training_person": Entry(COORDINATORS_ONLY, kwargs=MENTEE_IN_PROGRAMME, queries=13),
    "programmes:training_record_create": Entry(COORDINATORS_ONLY, kwargs=MENTEE_IN_PROGRAMME, queries=7),
    "programmes:training_record_edit": Entry(COORDINATORS_ONLY, kwargs=RECORD, queries=8),
    "programmes:training_record_verify": Entry(
        members_only(coordinator=302, mentor=403, mentee=403, committee_member=403),
        kwargs=RECORD,
        method="post",
        queries=8,
    ),
    "programmes:readiness_override": Entry(COORDINATORS_ONLY, kwargs=MENTEE_IN_PROGRAMME, queries=9),
    "programmes:readiness_override_withdraw": Entry(COORDINATORS_ONLY, kwargs=OVERRIDE, queries=6),
    # --- end of training records ---
    # --- Pairing lifecycle (matching issue). The POSTs carry no data or meet the wrong state: the people
    # allowed are sent back to the pairing with a message. ---
    "mentoring:pairing_accept": Entry(
        members_only(mentor=REDIRECT, mentee=REDIRECT, coordinator=403),
        kwargs=PROPOSED_PAIRING,
        method="post",
        queries=26,
    ),
    "mentoring:pairing_decline": Entry(PAIR_ONLY, kwargs=PROPOSED_PAIRING, queries=4),
    "mentoring:pairing_pause": Entry(PAIR_OR_COORDINATORS, kwargs=PAIRING, queries=4),
    "mentoring:pairing_resume": Entry(
        members_only(mentor=REDIRECT, mentee=REDIRECT, coordinator=REDIRECT),
        kwargs=PAIRING,
        method="post",
        queries=per_role(7, coordinator=8),
    ),
    "mentoring:pairing_complete": Entry(PAIR_OR_COORDINATORS, kwargs=PAIRING, queries=4),
    "mentoring:pairing_end_early": Entry(PAIR_OR_COORDINATORS, kwargs=PAIRING, queries=4),
    # Queries: as before (5), plus my own goals to rate at the close.
    "mentoring:pairing_reflection": Entry(PAIR_ONLY, kwargs=CLOSED_PAIRING, queries=6),
    # --- end of pairing lifecycle ---
    # --- The relationship (issue 5). The pair's words are the pair's: coordinators 403 on every content page,
    # 200 on the metadata ones (the session list). The mentor logged the matrix's session: the mentee is sent
    # back from changing it, the mentor from confirming or disputing it. ---
    "mentoring:agreement_edit": Entry(PAIR_ONLY, kwargs=PAIRING, queries=8),
    "mentoring:agreement_sign": Entry(PAIR_POSTS, kwargs=PAIRING, method="post", queries=9),
    "mentoring:goal_create": Entry(PAIR_ONLY, kwargs=PAIRING, queries=4),
    "mentoring:goal_edit": Entry(PAIR_ONLY, kwargs=GOAL, queries=5),
    "mentoring:session_list": Entry(PAIR_OR_COORDINATORS, kwargs=PAIRING, queries=5),
    "mentoring:session_create": Entry(PAIR_ONLY, kwargs=PAIRING, queries=6),
    "mentoring:session_detail": Entry(PAIR_ONLY, kwargs=SESSION, queries=8),
    "mentoring:session_edit": Entry(
        members_only(mentor=200, mentee=REDIRECT, coordinator=403), kwargs=SESSION, queries=per_role(4, mentor=10)
    ),
    "mentoring:session_delete": Entry(
        members_only(mentor=200, mentee=REDIRECT, coordinator=403), kwargs=SESSION, queries=per_role(4, mentor=5)
    ),
    # Confirming writes the session's new state and closes the one before it (its ``until``): one more for the mentee.
    "mentoring:session_confirm": Entry(PAIR_POSTS, kwargs=SESSION, method="post", queries=per_role(8, mentee=14)),
    "mentoring:session_dispute": Entry(
        members_only(mentor=REDIRECT, mentee=200, coordinator=403), kwargs=SESSION, queries=per_role(4, mentee=5)
    ),
    "mentoring:note_save": Entry(PAIR_POSTS, kwargs=SESSION, method="post", queries=7),
    "mentoring:concern_raise": Entry(PAIR_ONLY, kwargs=PAIRING, queries=4),
    "mentoring:fit_save": Entry(PAIR_POSTS, kwargs=PAIRING, method="post", queries=3),
    "mentoring:relationships": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=12),
    # Alerts exist for the programme's coordinators only: everyone else never learns one exists.
    "mentoring:alert_acknowledge": Entry(
        roles(404, anonymous=LOGIN, coordinator=REDIRECT),
        kwargs=ALERT,
        method="post",
        queries=6,
    ),
    "mentoring:alert_resolve": Entry(
        roles(404, anonymous=LOGIN, coordinator=REDIRECT), kwargs=ALERT, method="post", queries=6
    ),
    # --- Planned sessions (issue 17): the pair's pages; a coordinator 403 (the pairing page shows them the date) ---
    "mentoring:planning_settings": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=6),
    "mentoring:webhooks": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=7),
    # Queries: session, user, programme, role, the channel; its deliveries and itself deleted (in a savepoint).
    "mentoring:webhook_remove": Entry(coordinator_post(), kwargs=WEBHOOK_CHANNEL, method="post", queries=9),
    "mentoring:planned_create": Entry(PAIR_ONLY, kwargs=PAIRING, queries=5),
    "mentoring:planned_detail": Entry(PAIR_ONLY, kwargs=PLANNED, queries=6),
    "mentoring:planned_accept": Entry(PAIR_POSTS, kwargs=PLANNED, method="post", queries=5),
    "mentoring:planned_counter": Entry(PAIR_ONLY, kwargs=PLANNED, queries=5),
    "mentoring:planned_decline": Entry(PAIR_POSTS, kwargs=PLANNED, method="post", queries=4),
    "mentoring:planned_move": Entry(PAIR_ONLY, kwargs=PLANNED, queries=5),
    "mentoring:planned_cancel": Entry(PAIR_POSTS, kwargs=PLANNED, method="post", queries=4),
    # An accepted meeting two hours past: the pair get the record form (5 queries), a coordinator 403 (4).
    "mentoring:planned_record": Entry(PAIR_ONLY, kwargs=PLANNED_PAST, queries=per_role(5, coordinator=4)),
    # --- end of planned sessions ---
    # --- end of the relationship ---
    # --- Matching (issue 4): the programme's coordinators only; mentees never see anyone's scores ---
    "mentoring:matching": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=23),
    "mentoring:matching_settings": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=6),
    "mentoring:matching_settings_reset": Entry(coordinator_post(), kwargs=PROGRAMME, method="post", queries=9),
    "mentoring:matching_run": Entry(coordinator_post(), kwargs=PROGRAMME, method="post", queries=29),
    "mentoring:matching_history": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=7),
    # The confirmation page of "Match late joiners into free places" (its POST drafts a round: the service's tests).
    "mentoring:matching_late_joiners": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=20),
    "mentoring:matching_round": Entry(COORDINATORS_ONLY, kwargs=MATCH_ROUND, queries=7),
    "mentoring:matching_publish": Entry(COORDINATORS_ONLY, kwargs=MATCH_ROUND, queries=7),
    "mentoring:matching_swap": Entry(COORDINATORS_ONLY, kwargs=PROPOSAL, queries=20),
    "mentoring:matching_remove": Entry(coordinator_post(), kwargs=PROPOSAL, method="post", queries=13),
    "mentoring:matching_override": Entry(COORDINATORS_ONLY, kwargs=PAIR, queries=8),
    # --- end of matching ---
    # --- Single proposals (issue 13, points 8 and 9). With no data the coordinator is sent back with a message;
    # the cast's proposal can be reminded about by its programme's coordinators only (the pair 403). ---
    "mentoring:matching_propose": Entry(coordinator_post(), kwargs=PROGRAMME, method="post", queries=4),
    "mentoring:pairing_remind": Entry(
        members_only(coordinator=REDIRECT, mentor=403, mentee=403),
        kwargs=PROPOSED_PAIRING,
        method="post",
        queries=13,
    ),
    # --- end of single proposals ---
    # --- Mentee requests: the mentee who asked and the mentor who was asked ---
    "mentoring:suggestions": Entry(
        members_only(mentee=200, mentor=403, coordinator=403, committee_member=403),
        kwargs=PROGRAMME,
        queries=23,
    ),
    "mentoring:request_send": Entry(
        members_only(mentee=REDIRECT, mentor=403, coordinator=403, committee_member=403),
        kwargs=PROGRAMME,
        method="post",
        queries=4,
    ),
    "mentoring:requests": Entry(roles(200, anonymous=LOGIN), queries=4),
    # --- Ranked preferences (issue 19): a mentee's ranking page, a mentor's page of waiting mentees. The matrix's
    # programme is running, so both say they are not open (mentoring/tests/test_preferences.py walks them open). ---
    "mentoring:ranking": Entry(
        members_only(mentee=200, mentor=403, coordinator=403, committee_member=403), kwargs=PROGRAMME, queries=6
    ),
    "mentoring:mentor_stances": Entry(
        members_only(mentor=200, mentee=403, coordinator=403, committee_member=403), kwargs=PROGRAMME, queries=5
    ),
    "mentoring:request_answer": Entry(
        roles(404, anonymous=LOGIN, mentor=REDIRECT, mentee=403),
        kwargs=lambda cast: {"pk": cast["mentor_request"].pk},
        method="post",
        queries=3,
    ),
    "mentoring:request_cancel": Entry(
        roles(404, anonymous=LOGIN, mentee=REDIRECT, mentor=403),
        kwargs=lambda cast: {"pk": cast["mentor_request"].pk},
        method="post",
        queries=9,
    ),
    # --- Calendar (issue 5, point 6): the participant's own feed; the feed itself needs no login (the token
    # is the key, so every role, even anonymous, reads the mentee's feed); one session's .ics for the pair. ---
    "mentoring:calendar": Entry(area_page(mentor=200, mentee=200), queries=5),
    # An empty form is valid (the organisation's zone, no reminders): the person saved, their choice made.
    "mentoring:meeting_preferences": Entry(area_page(mentor=REDIRECT, mentee=REDIRECT), method="post", queries=12),
    "mentoring:calendar_create": Entry(area_page(mentor=REDIRECT, mentee=REDIRECT), method="post", queries=9),
    "mentoring:calendar_replace": Entry(area_page(mentor=REDIRECT, mentee=REDIRECT), method="post", queries=7),
    # The confirmation page needs a feed to turn off: calendar_create above made one for mentor and mentee.
    "mentoring:calendar_delete": Entry(area_page(mentor=200, mentee=200), queries=4),
    "mentoring:calendar_feed": Entry(roles(200), kwargs=_feed_token, queries=per_role(5, anonymous=4)),
    "mentoring:session_ics": Entry(PAIR_ONLY, kwargs=SESSION, queries=4),
    # --- end of calendar ---
    # --- Notification centre (issue 5, point 7): a notice is its person's own (the mentee's here) ---
    "programmes:notification_open": Entry(
        roles(404, anonymous=LOGIN, mentee=REDIRECT),
        kwargs=_mentee_notification,
        method="post",
        queries=4,
    ),
    "programmes:email_preferences": Entry(roles(200, anonymous=LOGIN), queries=3),
    # --- end of notification centre ---
    # --- coordinator dashboard (issue 6): the programme's coordinators only; anyone coordinating somewhere
    # sees the overview of their own programmes ---
    # 21: the audit alerts nobody resolved (1, issue 20), the time by team's learning opportunities and reflection
    # time (2, issue 20); no audit here, so the heat map's trend costs nothing.
    "evaluation:dashboard": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=21),
    "evaluation:dashboard_all": Entry(area_page(coordinator=200), queries=5),
    # --- end of coordinator dashboard ---
    # --- Alerts and interventions (issue 6): the programme's coordinators only; the pair, the committee and
    # everyone else never see an alert, an intervention or its note. A new intervention without an alert,
    # pairing or participant sends the coordinator back to the alerts; closing without an outcome re-shows
    # the page with the error. ---
    # 9: the learning environment's audit alerts (issue 20): their count per filter, this filter's alerts.
    "evaluation:alerts": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=9),
    "evaluation:alert_acknowledge": Entry(coordinator_post(), kwargs=PROGRAMME_ALERT, method="post", queries=7),
    "evaluation:intervention_list": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=7),
    "evaluation:intervention_create": Entry(
        members_only(coordinator=REDIRECT, mentor=403, mentee=403, committee_member=403),
        kwargs=PROGRAMME,
        queries=4,
    ),
    "evaluation:intervention_detail": Entry(COORDINATORS_ONLY, kwargs=INTERVENTION, queries=7),
    "evaluation:intervention_close": Entry(COORDINATORS_ONLY, kwargs=INTERVENTION, method="post", queries=7),
    # --- end of alerts and interventions ---
    # --- surveys (issue 6): templates, rounds and results for the programme's coordinators only; "My surveys"
    # for participants; an invitation is its person's own (the mentee's here), everyone else never learns of it ---
    "evaluation:survey_list": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=29),
    "evaluation:survey_create": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=5),
    "evaluation:survey_edit": Entry(COORDINATORS_ONLY, kwargs=SURVEY, queries=9),
    "evaluation:question_add": Entry(COORDINATORS_ONLY, kwargs=SURVEY, queries=7),
    "evaluation:question_edit": Entry(COORDINATORS_ONLY, kwargs=SURVEY_QUESTION, queries=8),
    "evaluation:question_delete": Entry(COORDINATORS_ONLY, kwargs=SURVEY_QUESTION, queries=7),
    "evaluation:question_move": Entry(coordinator_post(), kwargs=SURVEY_QUESTION, method="post", queries=10),
    "evaluation:round_create": Entry(COORDINATORS_ONLY, kwargs=SURVEY, queries=6),
    "evaluation:round_results": Entry(COORDINATORS_ONLY, kwargs=SURVEY_ROUND, queries=10),
    "evaluation:my_surveys": Entry(area_page(mentor=200, mentee=200), queries=5),
    "evaluation:survey_answer": Entry(roles(404, anonymous=LOGIN, mentee=200), kwargs=INVITATION, queries=5),
    # --- end of surveys ---
    # --- The audit acted on (issue 20, point 3): a unit's page (its line manager and the coordinators), its plan
    # (its line manager only: an empty form is sent back with its message), the coordinators' overview and alerts ---
    "evaluation:audit_unit": Entry(AUDIT_UNIT_READERS, kwargs=AUDIT_UNIT, queries=per_role(19, coordinator=17)),
    "evaluation:audit_plan_save": Entry(
        members_only(line_manager=REDIRECT, coordinator=403, mentor=403, mentee=403, committee_member=403),
        kwargs=AUDIT_UNIT,
        method="post",
        queries=12,
    ),
    "evaluation:audit_overview": Entry(COORDINATORS_ONLY, kwargs=AUDIT_ROUND, queries=16),
    "evaluation:audit_alert_handle": Entry(coordinator_post(), kwargs=AUDIT_ALERT, method="post", queries=5),
    # --- end of the audit acted on ---
    # --- Committee reports (issue 6, point 5). The POSTs carry no data or meet the wrong state: the people
    # allowed are sent back to the report with a message (a committee member's sign-off goes through). ---
    "evaluation:reports": Entry(area_page(committee_member=200, coordinator=200), queries=5),
    "evaluation:report_list_programme": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=6),
    "evaluation:report_create": Entry(COORDINATORS_ONLY, kwargs=PROGRAMME, queries=5),
    "evaluation:report_detail": Entry(REPORT_READERS, kwargs=SUBMITTED_REPORT, queries=per_role(7, committee_member=8)),
    "evaluation:report_edit": Entry(roles(404, anonymous=LOGIN, coordinator=200), kwargs=DRAFT_REPORT, queries=4),
    "evaluation:report_submit": Entry(
        roles(404, anonymous=LOGIN, coordinator=REDIRECT),
        kwargs=DRAFT_REPORT,
        method="post",
        queries=7,
    ),
    "evaluation:report_comment": Entry(COMMITTEE_POST, kwargs=SUBMITTED_REPORT, method="post", queries=3),
    "evaluation:report_decision": Entry(COMMITTEE_POST, kwargs=SUBMITTED_REPORT, method="post", queries=3),
    "evaluation:report_sign_off": Entry(COMMITTEE_POST, kwargs=SUBMITTED_REPORT, method="post", queries=13),
    "evaluation:report_publish": Entry(
        roles(404, anonymous=LOGIN, coordinator=REDIRECT, committee_member=403),
        kwargs=SUBMITTED_REPORT,
        method="post",
        queries=8,
    ),
    "evaluation:report_pdf": Entry(REPORT_READERS, kwargs=SUBMITTED_REPORT, queries=5),
    "evaluation:report_csv": Entry(REPORT_READERS, kwargs=SUBMITTED_REPORT, queries=3),
    # Decisions followed through (issue 20, point 6): the owner (here the line manager) and the programme's
    # coordinators update a decision; its committee members read it; everyone else never learns it exists.
    "evaluation:decisions_mine": Entry(area_page(coordinator=200, line_manager=200), queries=4),  # none yet: no page
    "evaluation:decision_update": Entry(
        roles(404, anonymous=LOGIN, line_manager=200, coordinator=200, committee_member=200),
        kwargs=DECISION,
        queries=5,
    ),
    # The learning-environment audit's items (issue 20, point 3): the organisation's, for coordinators and staff.
    "evaluation:audit_items": Entry(vocabulary(200), queries=per_role(8, coordinator=9)),
    "evaluation:audit_item_add": Entry(vocabulary(200), queries=per_role(3, coordinator=4)),
    "evaluation:audit_item_edit": Entry(vocabulary(200), kwargs=AUDIT_ITEM, queries=per_role(5, coordinator=6)),
    "evaluation:audit_item_retire": Entry(vocabulary(200), kwargs=AUDIT_ITEM, queries=per_role(5, coordinator=6)),
    "evaluation:audit_item_move": Entry(
        vocabulary(REDIRECT), kwargs=AUDIT_ITEM, method="post", queries=per_role(7, coordinator=8)
    ),
    "evaluation:audit_reset": Entry(vocabulary(200), queries=per_role(3, coordinator=4)),
    # --- end of committee reports ---
    # --- personal data (issue 8): everyone's own data, by their login alone (no id to ask for anyone else's) ---
    "evaluation:my_data": Entry(roles(200, anonymous=LOGIN), queries=3),
    "evaluation:my_data_zip": Entry(
        # (issue 19: two more, the person's own ranking and wishes; issue 20: three more, their learning-opportunity
        # requests, session reflections and reflection time)
        roles(200, anonymous=LOGIN),
        queries=per_role(36, mentee=42, mentor=41, line_manager=37),
    ),
    # --- end of personal data ---
    # --- SCIM provisioning (issue 16): bearer tokens only. A session authenticates nothing here, so every role,
    # the administrator too, gets SCIM's 401 (programmes/tests/test_scim_api.py covers the token holders) ---
    **{
        # The one query is the session's row, read by the session limits middleware (never to authenticate).
        f"scim:{name}": Entry(roles(401), method=method, queries=per_role(1, anonymous=0))
        for name, method in [
            ("search", "post"),
            ("users-search", "post"),
            ("users", "get"),
            ("groups-search", "post"),
            ("groups", "get"),
            ("service-provider-config", "get"),
            ("resource-types", "get"),
            ("schemas", "get"),
            ("not-found", "get"),
        ]
    },
    # --- end of SCIM provisioning ---
    # --- Time to think and line managers' briefing (issue 20) ---
    # One's own protected time and reflection time: mentors and mentees; an entry is its author's alone (404).
    "mentoring:reflection_list": Entry(area_page(mentor=200, mentee=200), queries=5),
    "mentoring:reflection_create": Entry(area_page(mentor=200, mentee=200), queries=5),
    "mentoring:reflection_edit": Entry(roles(404, anonymous=LOGIN, mentee=200), kwargs=REFLECTION_TIME, queries=6),
    "mentoring:reflection_delete": Entry(roles(404, anonymous=LOGIN, mentee=200), kwargs=REFLECTION_TIME, queries=4),
    # A confirmed session's private reflection: the pair, each their own (an empty POST removes nothing).
    "mentoring:session_reflection": Entry(PAIR_POSTS, kwargs=CONFIRMED_SESSION, method="post", queries=7),
    "programmes:briefings": Entry(COORDINATORS_ONLY, kwargs=BRIEFING_PROGRAMME, queries=10),
    "programmes:briefing_remind": Entry(coordinator_post(), kwargs=PROGRAMME, method="post", queries=10),
    # The line manager of the matrix's mentee; the POST carries no date: sent back with a message.
    "programmes:briefing_record": Entry(coordinator_post(), kwargs=PROGRAMME_LINE_MANAGER, method="post", queries=5),
}
# Single sign-on's button, walked last: it gives an anonymous visitor a session (state, nonce and PKCE verifier for
# the provider's answer), which would cost every later anonymous entry a query to read it. Anonymous: off to the
# provider, the new session saved (4 queries); logged in: home (the session and the person, 2).
MATRIX["oidc_authentication_init"] = Entry(
    roles(("redirect", "home"), anonymous=REDIRECT), queries=per_role(2, anonymous=4)
)
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


def unbudgeted(matrix: dict[str, Entry]) -> set[str]:
    """The entries that let some role through without saying how many queries that takes."""
    return {
        key
        for key, entry in matrix.items()
        if any(entry.expect[role] not in TURNED_AWAY and entry.budget(role) is None for role in ROLES)
    }


def test_every_entry_carries_a_query_budget():
    assert unbudgeted(MATRIX) == set(), "every MATRIX entry needs queries= (the walk below checks it)"


def test_an_entry_without_a_budget_is_reported():
    without = {**MATRIX, "programmes:members": Entry(MATRIX["programmes:members"].expect, kwargs=PROGRAMME)}
    assert unbudgeted(without) == {"programmes:members"}


def world_build(cast: dict) -> dict:
    """The cast plus the objects the newer pages need."""
    from django.utils import timezone

    from core.beat import beat_heartbeat_write

    beat_heartbeat_write(node="matrix")  # beat ticking, so /healthz answers 200

    from mentoring.models import MentorRequest
    from programmes.models import Membership, Programme, Role
    from programmes.tests.factories import (
        ApplicationFactory,
        EnrolmentQuestionFactory,
        ProgrammeFactory,
        SkillFactory,
    )

    programme = cast["pairing"].programme
    return {
        **cast,
        "application": ApplicationFactory(programme=programme, person=cast["mentee"], status="approved"),
        "recruiting": ProgrammeFactory(status=Programme.Status.RECRUITING),
        "question": EnrolmentQuestionFactory(programme=programme),
        "skill": SkillFactory(),
        "committee_membership": Membership.objects.get(programme=programme, role=Role.COMMITTEE),
        "mentor_request": MentorRequest.objects.create(
            programme=programme,
            mentee=cast["mentee"],
            mentor=cast["mentor"],
            expires_at=timezone.now() + datetime.timedelta(days=7),
        ),
    }


@pytest.fixture
def world(cast):
    """The cast plus the objects the newer pages need, made for this test alone."""
    return world_build(cast)


CAST = ("coordinator", "mentor", "mentee", "line_manager", "committee_member", "outsider", "administrator", "pairing")


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The same world, made once per module for the sweeps that walk it as every role (this file, hostile input,
    huge ids); each test still starts from it unchanged (conftest.module_data)."""
    yield from module_data(django_db_blocker, lambda: world_build(make_cast()))


@pytest.fixture(autouse=True)
def sso_on(settings):
    """Single sign-on switched on for the walk, its provider's endpoints already discovered (no network)."""
    from config import sso

    issuer = "https://id.example.org"
    settings.TANDEM_OIDC_ISSUER = issuer
    settings.TANDEM_OIDC_CLIENT_ID, settings.TANDEM_OIDC_CLIENT_SECRET = "tandem", "secret"
    endpoints = {"authorization_endpoint": f"{issuer}/authorize", "token_endpoint": f"{issuer}/token"}
    sso._metadata[issuer] = (time.monotonic(), {"issuer": issuer, "jwks_uri": f"{issuer}/jwks", **endpoints})
    yield
    sso._metadata.pop(issuer, None)


@pytest.fixture
def migrations_seen_applied(db):
    """/healthz reads the migrations on a process's first poll only (config.health); look once, for real, so that
    the walk counts the same queries whichever test ran first in this process."""
    from config.health import check_migrations

    assert check_migrations() == "ok"


@pytest.fixture
def matrix_world(shared_world, db):
    """The shared world, for one test (its objects read afresh)."""
    return fresh_copy(shared_world)


def as_role(client, cast: dict, role: str):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def check(response, expected: Any, url: str) -> str | None:
    if expected == LOGIN:
        ok = response.status_code == 302 and response.url.startswith(reverse("login"))
    elif expected == ADMIN_LOGIN:
        ok = response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    elif expected == REDIRECT:
        ok = response.status_code == 302 and not response.url.startswith((reverse("login"), reverse("admin:login")))
    elif isinstance(expected, tuple):
        ok = response.status_code == 302 and response.url == reverse(expected[1])
    else:
        ok = response.status_code == expected
    if ok:
        return None
    where = getattr(response, "url", "")
    return f"{url}: expected {expected}, got {response.status_code} {where}"


@pytest.mark.parametrize("role", ROLES)
def test_every_pattern_answers_as_the_matrix_says(client, matrix_world, migrations_seen_applied, role):
    cast = matrix_world
    as_role(client, cast, role)
    failures = []
    for key, entry in MATRIX.items():
        url = reverse(key, kwargs=entry.kwargs(cast))
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, entry.method)(url)
        if problem := check(response, entry.expect[role], url):
            failures.append(f"{key} as {role}: {problem}")
        elif (budget := entry.budget(role)) is not None and len(queries) != budget:
            failures.append(f"{key} as {role}: {len(queries)} queries, its budget is {budget}")
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
def test_every_admin_pattern_is_for_administrators_only(client, matrix_world, role):
    cast = matrix_world
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
        # Check-in reminder sweep (issue 5, point 5): the outbox, read-only; a digest holds no text of its own.
        "mentoring.reminderdigest",
        # --- login protection (issue 8) ---
        # django-axes: login attempts and logins (account, address, browser, time; passwords are masked).
        # Administrators unlock a paused login by deleting its access attempt.
        "axes.accessattempt",
        "axes.accessfailurelog",
        "axes.accesslog",
        # --- end of login protection ---
        # --- audit log (issue 8): read-only; summaries never carry private content ---
        "programmes.auditevent",
        # SCIM tokens (issue 16): name, dates, who made it; only a hash of the token itself, never shown again.
        "programmes.scimtoken",
        # --- end of audit log ---
        # Emails that could not be sent (issue 13, point 19): subject, recipients and reason; never a body.
        "core.emailfailure",
    }
