"""The organisation's models, one module per part; import them from here."""

from .audit import AuditEvent
from .budget import BudgetLine, Spend
from .core import (
    PARTICIPANT_ROLES,
    Membership,
    MembershipQuerySet,
    OrgUnit,
    Person,
    PersonManager,
    PersonQuerySet,
    Programme,
    ProgrammeQuerySet,
    Role,
)
from .email import EmailFailure
from .enrolment import (
    Application,
    ApplicationAnswer,
    ApplicationSkill,
    EnrolmentQuestion,
    MeetingMode,
    Notification,
    Skill,
)
from .once import FormSubmission
from .people_import import PeopleImport
from .time import TimeAllocation, TimeAllocationState
from .training import Course, ProgrammeRequirement, ReadinessOverride, TrainingExpiryWarning, TrainingRecord

__all__ = [
    "PARTICIPANT_ROLES",
    "Application",
    "AuditEvent",
    "ApplicationAnswer",
    "ApplicationSkill",
    "BudgetLine",
    "Course",
    "EmailFailure",
    "EnrolmentQuestion",
    "FormSubmission",
    "MeetingMode",
    "Membership",
    "MembershipQuerySet",
    "Notification",
    "OrgUnit",
    "PeopleImport",
    "Person",
    "PersonManager",
    "PersonQuerySet",
    "Programme",
    "ProgrammeQuerySet",
    "ProgrammeRequirement",
    "ReadinessOverride",
    "Role",
    "Skill",
    "Spend",
    "TimeAllocation",
    "TimeAllocationState",
    "TrainingExpiryWarning",
    "TrainingRecord",
]
