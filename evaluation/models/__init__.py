"""Oversight: interventions, surveys (including the learning-environment audit) and committee reports; one module
per entity, imported from here (``evaluation.models.Report`` and the migrations keep working).

evaluation reads mentoring and programmes and writes only these models (a mentoring alert is resolved
through mentoring's own service). Privacy: an intervention's note is for coordinators only; an anonymous
survey's response carries no person (only a keyed hash to stop a second answer); a committee report holds
figures about groups, frozen in ``snapshot`` when it is submitted.
"""

from .audit_plans import ActionPlan, AuditAction, AuditActionChange, AuditAlert
from .interventions import Intervention, InterventionKind
from .reports import (
    DraftFigures,
    FiguresChange,
    Report,
    ReportComment,
    ReportDecision,
    ReportDecisionUpdate,
    ReportSignOff,
)
from .surveys import Answer, Question, Survey, SurveyInvitation, SurveyResponse, SurveyRound

__all__ = [
    "ActionPlan",
    "AuditAction",
    "AuditActionChange",
    "AuditAlert",
    "Answer",
    "DraftFigures",
    "FiguresChange",
    "Intervention",
    "InterventionKind",
    "Question",
    "Report",
    "ReportComment",
    "ReportDecision",
    "ReportDecisionUpdate",
    "ReportSignOff",
    "Survey",
    "SurveyInvitation",
    "SurveyResponse",
    "SurveyRound",
]
