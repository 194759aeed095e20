"""Demo records of the two programmes: the skills people offer and seek, applications (approved in both
programmes, a few still open in the recruiting one), the running programme's budget, the training catalogue with
its requirements and records, and protected time. Called by ``demo.organisation.seed_organisation`` once the
people and memberships exist; idempotent like it (rows are found by natural keys).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from programmes.models import (
    Application,
    ApplicationSkill,
    BudgetLine,
    Course,
    EnrolmentQuestion,
    Person,
    Programme,
    ProgrammeRequirement,
    Role,
    Skill,
    Spend,
    TimeAllocation,
    TrainingRecord,
)
from programmes.services.training import months_after

SKILLS = [
    "Negotiation",
    "Budgeting",
    "Public speaking",
    "Leading a team",
    "Giving feedback",
    "Project planning",
    "Data analysis",
    "Python",
    "Customer empathy",
    "Stakeholder management",
    "Coaching",
    "Writing for the web",
    "Procurement law",
    "Financial reporting",
    "Change management",
    "Time management",
    "Conflict resolution",
    "Career planning",
    "Presenting to executives",
    "Hiring well",
]
# Synonyms coordinators have already merged: typing the old name still finds the skill.
SYNONYMS = {
    "Negotiating": "Negotiation",
    "Public presentation": "Public speaking",
    "People leadership": "Leading a team",
}
SLOTS = ["mon-am", "mon-pm", "tue-am", "tue-pm", "wed-am", "wed-pm", "thu-am", "thu-pm", "fri-am", "fri-pm"]


def seed_skills() -> list[Skill]:
    skills = [Skill.objects.get_or_create(name=name)[0] for name in SKILLS]
    by_name = {s.name: s for s in skills}
    for synonym, target in SYNONYMS.items():
        Skill.objects.update_or_create(name=synonym, defaults={"merged_into": by_name[target]})
    return skills


def seed_application(
    programme: Programme,
    person: Person,
    role: str,
    skills: list[Skill],
    i: int,
    *,
    status: str,
    decided_by: Person | None = None,
    endorsement: str | None = None,
    reason: str = "",
) -> Application:
    """One demo application with a deterministic profile (skills, slots, languages) for later matching."""
    manager = person.line_manager
    application, created = Application.objects.get_or_create(
        programme=programme,
        person=person,
        defaults={
            "role": role,
            "status": status,
            "goals": (
                "Share what I have learnt about leading people and planning work."
                if role == Role.MENTOR
                else "Grow my confidence and understand how other departments work."
            ),
            "meeting_mode": ["either", "video", "in_person"][i % 3],
            "availability": [SLOTS[(i + k) % len(SLOTS)] for k in (0, 3, 6)],
            "languages": ["English", "Finnish"] if i % 3 == 0 else ["English"],
            "capacity": 2 if role == Role.MENTOR else None,
            "endorsement": endorsement
            or (Application.Endorsement.ENDORSED if manager else Application.Endorsement.NOT_NEEDED),
            "endorsed_by": manager if endorsement in (None, Application.Endorsement.ENDORSED) else None,
            "decided_by": decided_by,
            "decided_at": timezone.now() if decided_by else None,
            "decision_reason": reason,
        },
    )
    if created:
        picked = [skills[(i * 3 + k) % len(skills)] for k in range(3)]
        ApplicationSkill.objects.bulk_create(
            ApplicationSkill(application=application, skill=skill, level=3 if role == Role.MENTOR else 1 + k % 2)
            for k, skill in enumerate(picked)
        )
    return application


def seed_recruiting(recruiting: Programme, people: list[Person], plan: dict, skills: list[Skill], named: dict) -> None:
    """Open applications in the recruiting programme: some wait for a line manager, one is wait-listed."""
    EnrolmentQuestion.objects.get_or_create(
        programme=recruiting,
        text="What would a good first year as a leader look like for you?",
        defaults={"required": True, "for_role": Role.MENTEE, "position": 1},
    )
    EnrolmentQuestion.objects.get_or_create(
        programme=recruiting,
        text="Anything the coordinators should know (access needs, part-time hours)?",
        defaults={"required": False, "position": 2},
    )
    taken = {p.pk for members in plan[recruiting].values() for p in members} | {named["mentee"].pk}
    support = [p for p in people if p.line_manager_id == named["manager"].pk and p.pk not in taken]
    for i, person in enumerate(support[:2]):  # Leo has two endorsements to give
        seed_application(
            recruiting,
            person,
            Role.MENTEE,
            skills,
            40 + i,
            status=Application.Status.APPLIED,
            endorsement=Application.Endorsement.PENDING,
        )
    others = [
        p for p in people if p.pk not in taken and p.line_manager_id != named["manager"].pk and (p.grade or 0) <= 4
    ]
    seed_application(recruiting, others[0], Role.MENTEE, skills, 50, status=Application.Status.APPLIED)
    seed_application(
        recruiting,
        others[1],
        Role.MENTEE,
        skills,
        51,
        status=Application.Status.WAITLISTED,
        decided_by=named["coordinator"],
        reason="We start with the first 20; you are next in line.",
    )


BUDGET = [
    # category, description, planned, [(date, amount, description)]
    (
        "training",
        "Mentor training days",
        "4000.00",
        [
            ("2026-02-20", "2400.00", "Mentor training, spring cohort"),
            ("2026-06-12", "1950.00", "Mentor training, summer cohort"),
        ],
    ),
    ("materials", "Workbooks and printing", "800.00", [("2026-03-02", "310.00", "Mentoring workbooks")]),
    ("venue", "Kick-off and closing events", "1500.00", [("2026-03-05", "640.00", "Kick-off venue and lunch")]),
    ("travel", "Travel between sites", "1200.00", [("2026-05-14", "185.40", "Train tickets, Tampere visits")]),
]


def seed_budget(programme: Programme, coordinator: Person) -> None:
    """A budget where the training line is overspent, so the warning shows."""
    for category, description, planned, spends in BUDGET:
        line, _ = BudgetLine.objects.get_or_create(
            programme=programme,
            category=category,
            description=description,
            defaults={"planned_amount": Decimal(planned), "currency": "EUR"},
        )
        for day, amount, what in spends:
            Spend.objects.get_or_create(
                line=line,
                spent_on=datetime.date.fromisoformat(day),
                description=what,
                defaults={"amount": Decimal(amount), "created_by": coordinator},
            )


COURSES = [
    # title, kind, provider, external, hours, validity in months, qualification
    ("Mentor essentials", "mentor_training", "Learning and Development", False, "6.0", 24, ""),
    ("Safeguarding basics", "course", "Learning and Development", False, "1.5", 12, ""),
    ("Mentee orientation", "mentee_orientation", "Learning and Development", False, "2.0", None, ""),
    (
        "Coaching certificate",
        "qualification",
        "Institute of Leadership",
        True,
        "40.0",
        None,
        "Level 5 Certificate in Coaching and Mentoring",
    ),
]


def _record(
    person: Person,
    course: Course,
    *,
    completed_on: datetime.date | None,
    status: str = "completed",
    verified_by: Person | None = None,
) -> None:
    expires = months_after(completed_on, course.validity_months) if completed_on and course.validity_months else None
    TrainingRecord.objects.get_or_create(
        person=person,
        course=course,
        defaults={
            "status": status,
            "completed_on": completed_on,
            "expires_on": expires,
            "hours": course.hours,
            "verified_by": verified_by,
            "verified_at": timezone.now() if verified_by else None,
        },
    )


def seed_training(running: Programme, recruiting: Programme, plan: dict, named: dict) -> None:
    """A catalogue, requirements, and records: most complete, some expiring within 30 days, some missing."""
    courses = {}
    for title, kind, provider, external, hours, validity, qualification in COURSES:
        courses[title], _ = Course.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "provider": provider,
                "is_external": external,
                "hours": Decimal(hours),
                "validity_months": validity,
                "qualification": qualification,
            },
        )
    for programme, role, title in [
        (running, Role.MENTOR, "Mentor essentials"),
        (running, Role.MENTOR, "Safeguarding basics"),
        (running, Role.MENTEE, "Mentee orientation"),
        (recruiting, Role.MENTOR, "Mentor essentials"),
        (recruiting, Role.MENTEE, "Mentee orientation"),
    ]:
        ProgrammeRequirement.objects.get_or_create(programme=programme, role=role, course=courses[title])
    today = timezone.localdate()
    coordinator = named["coordinator"]
    # Dates are relative to today so that "expiring soon" stays true whenever the demo is seeded.
    for i, mentor in enumerate(plan[running][Role.MENTOR]):
        _record(
            mentor,
            courses["Mentor essentials"],
            completed_on=today - datetime.timedelta(days=200 + 10 * i),
            verified_by=coordinator,
        )
        if i in (9, 10):
            continue  # two mentors still lack safeguarding: not ready until a coordinator overrides
        lapse = 15 if i in (0, 3) else 120 + 5 * i  # Marcus (the demo mentor) and one more expire within 30 days
        _record(
            mentor,
            courses["Safeguarding basics"],
            completed_on=months_after(today, -12) + datetime.timedelta(days=lapse),
        )
    for i, mentee in enumerate(plan[running][Role.MENTEE]):
        if i in (12, 13, 14):
            continue  # three mentees have not done the orientation yet
        _record(mentee, courses["Mentee orientation"], completed_on=today - datetime.timedelta(days=230 - i))
    for i, mentee in enumerate(plan[recruiting][Role.MENTEE]):
        _record(mentee, courses["Mentee orientation"], completed_on=None, status="booked" if i % 2 else "planned")
    _record(
        plan[running][Role.MENTOR][1],
        courses["Coaching certificate"],
        completed_on=today - datetime.timedelta(days=400),
    )


def seed_time(running: Programme, plan: dict, named: dict) -> None:
    """Protected time for every month since the start of the quarter before last (the periods of the demo's
    committee reports, whose hours allocated must not read 0 beside the hours used): mostly approved, Leo's
    reports still waiting for this month."""
    this_month = timezone.localdate().replace(day=1)
    month = months_after(this_month.replace(month=3 * ((this_month.month - 1) // 3) + 1), -6)
    months = []
    while month <= this_month:
        months.append(month)
        month = months_after(month, 1)
    for month in months:
        if running.starts_on and month < running.starts_on.replace(day=1):
            continue
        for role, hours in (
            (Role.MENTOR, running.mentor_hours_per_month),
            (Role.MENTEE, running.mentee_hours_per_month),
        ):
            for person in plan[role]:
                waiting = month == this_month and person.line_manager_id == named["manager"].pk
                # Allocated on the month's first day (a report of a period reads the time made by its end).
                made = min(timezone.make_aware(datetime.datetime.combine(month, datetime.time(9))), timezone.now())
                TimeAllocation.objects.get_or_create(
                    programme=running,
                    person=person,
                    month=month,
                    defaults={
                        "hours": hours,
                        "status": TimeAllocation.Status.PENDING if waiting else TimeAllocation.Status.APPROVED,
                        "decided_by": None if waiting else person.line_manager,
                        "decided_at": None if waiting else made,
                        "created_at": made,
                    },
                )
