"""The relationship side: matching (settings, rounds, proposals, requests), pairings with their lifecycle,
and the relationship itself: agreement, goals, session log with private notes, check-ins, reminders, alerts.

Privacy: what the pair writes (goal titles, session summaries, next steps, private notes, closing
reflections) is theirs. Coordinators read metadata only (dates, durations, counts, states, goal status);
private notes are stored encrypted (mentoring.crypto) and are readable by their author, and by the partner
only when the author shares them. Everything else a pair writes in their own words is an EncryptedTextField
(mentoring.fields): unreadable at rest, plain text in the code.
"""

from mentoring.models.agreement import Agreement, AgreementCadence, MeetingPreference
from mentoring.models.alert import ALERT_ACKNOWLEDGED, ALERT_OPEN, Alert, AlertQuerySet
from mentoring.models.calendar import CalendarFeed
from mentoring.models.concern import Concern, FitAnswer
from mentoring.models.goal import Goal, GoalState
from mentoring.models.matching import (
    OBJECTIVE_DESCRIPTIONS,
    CriterionRule,
    DepartmentDirection,
    MatchOverride,
    MatchProposal,
    MatchRound,
    MatchSettings,
    MenteeRanking,
    MentorStance,
    Objective,
)
from mentoring.models.mentor_request import MentorRequest, MentorRequestQuerySet
from mentoring.models.note import PrivateNote
from mentoring.models.opportunity import OpportunitySuggestion
from mentoring.models.pairing import ClosingReflection, Pairing, PairingPause, PairingQuerySet
from mentoring.models.planning import (
    MeetingReminder,
    MeetingReminderChoice,
    PlannedSession,
    PlannedSessionQuerySet,
    PlanningSettings,
    ProposedTime,
)
from mentoring.models.reflection import ReflectionTime, SessionReflection
from mentoring.models.reminder import Reminder, ReminderDigest, ReminderRecipient
from mentoring.models.session import MentoringSession, MentoringSessionQuerySet, SessionMode, SessionState
from mentoring.models.webhook import WebhookChannel, WebhookDelivery

__all__ = [
    "CriterionRule",
    "DepartmentDirection",
    "PairingQuerySet",
    "Pairing",
    "ClosingReflection",
    "PairingPause",
    "MatchSettings",
    "MatchRound",
    "MatchProposal",
    "MatchOverride",
    "Objective",
    "OBJECTIVE_DESCRIPTIONS",
    "MenteeRanking",
    "MentorStance",
    "MentorRequestQuerySet",
    "MentorRequest",
    "MeetingPreference",
    "Agreement",
    "AgreementCadence",
    "Goal",
    "GoalState",
    "SessionMode",
    "MentoringSessionQuerySet",
    "MentoringSession",
    "SessionState",
    "OpportunitySuggestion",
    "PrivateNote",
    "Concern",
    "FitAnswer",
    "ALERT_OPEN",
    "ALERT_ACKNOWLEDGED",
    "AlertQuerySet",
    "Alert",
    "Reminder",
    "ReminderDigest",
    "ReminderRecipient",
    "CalendarFeed",
    "PlannedSession",
    "PlannedSessionQuerySet",
    "ProposedTime",
    "MeetingReminderChoice",
    "PlanningSettings",
    "MeetingReminder",
    "WebhookChannel",
    "WebhookDelivery",
    "ReflectionTime",
    "SessionReflection",
]
