"""Demo learning opportunities (issue 20): one of each kind, published by Leo (Mia's line manager) for his team
and by the coordinator; Mia's mentor Marcus suggests one in their workspace; Mia took up a shadowing day (approved
by Leo, confirmed by its host) and a second request waits for Leo's decision.

Made through the services, as people would, so that the audit trail and the notifications are there too.
Idempotent: nothing is added when the demo's opportunities exist already.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from mentoring.models import OpportunitySuggestion, Pairing
from programmes.models import (
    Application,
    ApplicationSkill,
    Course,
    Opportunity,
    Person,
    Programme,
    Role,
    Skill,
)
from programmes.services.opportunities import (
    opportunity_publish,
    opportunity_request,
    opportunity_request_confirm,
    opportunity_request_decide,
)

SHADOWING = "Shadow a senior support lead for a day"


def _skills(names: list[str], fallback: list[Skill]) -> list[Skill]:
    found = list(Skill.objects.canonical().filter(name__in=names))
    return found or fallback[:2]


def seed_opportunities(*, programme: Programme, named: dict[str, Person]) -> list[Opportunity]:
    if Opportunity.objects.filter(title=SHADOWING).exists():
        return list(Opportunity.objects.all())
    mia, leo, coordinator = named["mentee"], named["manager"], named["coordinator"]
    # Mia's development skills, from her mentee profile in the running programme: the workspace suggests by them.
    wanted = list(
        Skill.objects.filter(
            application_skills__in=ApplicationSkill.objects.filter(
                application__person=mia,
                application__programme=programme,
                application__role=Role.MENTEE,
                application__status=Application.Status.APPROVED,
            )
        ).order_by("name")
    )
    if not wanted:
        wanted = list(Skill.objects.canonical().order_by("name")[:2])
    # Hosts: colleagues outside Mia's own reporting line, so the demo shows learning across teams.
    colleagues = list(
        Person.objects.filter(is_active=True, is_staff=False)
        .exclude(pk__in=[mia.pk, leo.pk])
        .exclude(Q(line_manager=leo))
        .exclude(grade__isnull=True)
        .order_by("-grade", "display_name")[:6]
    )
    colleagues += [coordinator] * (6 - len(colleagues))
    course = Course.objects.filter(is_active=True, kind=Course.Kind.COURSE).order_by("title").first()
    specs = [
        (leo, Opportunity.Kind.SHADOWING, SHADOWING, colleagues[0], leo.org_unit, 1, Decimal("3"), wanted),
        (
            coordinator,
            Opportunity.Kind.ROTATION,
            "Three-month rotation into Product Operations",
            colleagues[1],
            colleagues[1].org_unit,
            2,
            Decimal("40"),
            _skills(["Project planning", "Data analysis"], wanted),
        ),
        (
            leo,
            Opportunity.Kind.STRETCH,
            "Lead the knowledge-base clean-up project",
            leo,
            leo.org_unit,
            2,
            Decimal("8"),
            _skills(["Leading a team", "Project planning"], wanted),
        ),
        (
            coordinator,
            Opportunity.Kind.COMMUNITY,
            "Customer experience community of practice",
            colleagues[2],
            None,
            20,
            Decimal("2"),
            wanted + _skills(["Customer empathy"], []),
        ),
        (
            coordinator,
            Opportunity.Kind.VISIT,
            "Visit the Lisbon service centre",
            colleagues[3],
            colleagues[3].org_unit,
            4,
            Decimal("7.5"),
            _skills(["Customer empathy", "Giving feedback"], wanted),
        ),
    ]
    if course is not None:
        specs.append(
            (
                coordinator,
                Opportunity.Kind.COURSE,
                f"{course.title} (sponsored places)",
                coordinator,
                None,
                3,
                course.hours or Decimal("7"),
                _skills(["Public speaking"], wanted),
            )
        )
    today = timezone.localdate()
    made = []
    for by, kind, title, host, unit, places, hours, skills in specs:
        made.append(
            opportunity_publish(
                by=by,
                data={
                    "kind": kind,
                    "title": title,
                    "description": "",
                    "host": host,
                    "org_unit": unit,
                    "starts_on": None if kind in (Opportunity.Kind.COMMUNITY, Opportunity.Kind.STRETCH) else today,
                    "ends_on": None
                    if kind in (Opportunity.Kind.COMMUNITY, Opportunity.Kind.STRETCH)
                    else today + datetime.timedelta(days=90),
                    "places": places,
                    "hours": hours,
                    "course": course if kind == Opportunity.Kind.COURSE else None,
                    "skills": list(dict.fromkeys(skills)),
                },
            )
        )
    shadowing, _rotation, stretch, community = made[0], made[1], made[2], made[3]
    # Mia took up the shadowing day: asked, Leo approved, the host confirmed it happened this month.
    taken = opportunity_request(opportunity=shadowing, person=mia, programme=programme)
    opportunity_request_decide(request=taken, by=leo, approve=True)
    happened = max(today.replace(day=1), today - datetime.timedelta(days=2))
    opportunity_request_confirm(request=taken, by=shadowing.host, happened=True, happened_on=happened)
    # Marcus suggests the community of practice in their workspace.
    pairing = Pairing.objects.filter(programme=programme, mentee=mia, status__in=Pairing.CURRENT).first()
    if pairing is not None:
        OpportunitySuggestion.objects.get_or_create(
            pairing=pairing, opportunity=community, defaults={"suggested_by": pairing.mentor}
        )
    # A request waiting for Leo: one of his other reports in the programme, else Mia herself (the stretch task).
    other = (
        Person.objects.filter(
            line_manager=leo,
            is_active=True,
            memberships__programme=programme,
            memberships__role__in=(Role.MENTOR, Role.MENTEE),
        )
        .exclude(pk=mia.pk)
        .order_by("display_name")
        .first()
    )
    opportunity_request(opportunity=stretch, person=other or mia, programme=programme)
    return made
