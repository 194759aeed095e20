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
    PersonUnitHistory,
    PersonUnitHistoryQuerySet,
    Programme,
    ProgrammeQuerySet,
    Role,
)
from .enrolment import (
    Application,
    ApplicationAnswer,
    ApplicationSkill,
    EnrolmentQuestion,
    MeetingMode,
    Notification,
    Skill,
)
from .opportunities import Opportunity, OpportunityRequest
from .people_import import HrSyncRun, PeopleImport, PeopleImportMapping
from .scim import ScimToken, ScimTokenQuerySet
from .time import TimeAllocation, TimeAllocationState
from .training import (
    BriefingReminder,
    Course,
    ProgrammeRequirement,
    ReadinessOverride,
    TrainingExpiryWarning,
    TrainingRecord,
)

__all__ = [
    "PARTICIPANT_ROLES",
    "Application",
    "AuditEvent",
    "ApplicationAnswer",
    "ApplicationSkill",
    "BudgetLine",
    "Course",
    "EnrolmentQuestion",
    "MeetingMode",
    "Membership",
    "MembershipQuerySet",
    "Notification",
    "Opportunity",
    "OpportunityRequest",
    "OrgUnit",
    "HrSyncRun",
    "PeopleImport",
    "PeopleImportMapping",
    "Person",
    "PersonManager",
    "PersonQuerySet",
    "PersonUnitHistory",
    "PersonUnitHistoryQuerySet",
    "Programme",
    "ProgrammeQuerySet",
    "ProgrammeRequirement",
    "ReadinessOverride",
    "Role",
    "ScimToken",
    "ScimTokenQuerySet",
    "Skill",
    "Spend",
    "TimeAllocation",
    "TimeAllocationState",
    "TrainingExpiryWarning",
    "BriefingReminder",
    "TrainingRecord",
]
