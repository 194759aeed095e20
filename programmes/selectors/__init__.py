"""Read-only queries of the organisation side, one module per part; they never write.

Training readiness is re-exported here because the matching side asks for it by this name.
"""

from .teams import org_unit_at
from .training import (
    EXPIRING_WITHIN_DAYS,
    CourseState,
    Readiness,
    RequirementStatus,
    is_matchable,
    participants_with_readiness,
    person_readiness,
    programme_requirements,
    readiness_for_memberships,
    training_export_rows,
    training_readiness,
)

__all__ = [
    "EXPIRING_WITHIN_DAYS",
    "CourseState",
    "Readiness",
    "RequirementStatus",
    "is_matchable",
    "org_unit_at",
    "participants_with_readiness",
    "person_readiness",
    "programme_requirements",
    "readiness_for_memberships",
    "training_export_rows",
    "training_readiness",
]
