"""Fixtures shared by the mentoring tests."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from programmes.models import OrgUnit, Programme, Role, Skill
from programmes.tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    OrgUnitFactory,
    PersonFactory,
    ProgrammeFactory,
    SkillFactory,
)


class Spring(NamedTuple):
    programme: Programme
    negotiation: Skill
    service: OrgUnit  # the mentees' team
    technology: OrgUnit  # the mentors' team


@pytest.fixture
def spring(db) -> Spring:
    """The browser tests' world: "Spring Mentoring" coordinated by Cora (cora@example.org, the test password),
    the skill Negotiation, mentees' team Helpdesk (Service) and mentors' team Cloud (Technology)."""
    programme = ProgrammeFactory(name="Spring Mentoring")
    MembershipFactory(
        programme=programme, role=Role.COORDINATOR, person=PersonFactory(email="cora@example.org", display_name="Cora")
    )
    return Spring(
        programme=programme,
        negotiation=SkillFactory(name="Negotiation"),
        service=OrgUnitFactory(name="Helpdesk", parent=DepartmentFactory(name="Service")),
        technology=OrgUnitFactory(name="Cloud", parent=DepartmentFactory(name="Technology")),
    )
