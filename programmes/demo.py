"""Demo organisation: 4 departments, 8 teams, 60 people with line managers, two programmes.

Deterministic and idempotent: running it again leaves the same data (rows are found by natural keys).
Later issues extend it so that the demo always shows every feature.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from .models import (
    Application,
    ApplicationSkill,
    BudgetLine,
    Course,
    EnrolmentQuestion,
    Membership,
    OrgUnit,
    Person,
    Programme,
    ProgrammeRequirement,
    Role,
    Skill,
    Spend,
    TimeAllocation,
    TrainingRecord,
)
from .services.training import months_after

DEMO_PASSWORD = "tandem-demo"
DEMO_DOMAIN = "example.com"

DEPARTMENTS = {
    "Engineering": ["Platform", "Product Development"],
    "Operations": ["Logistics", "Customer Support"],
    "Finance": ["Accounting", "Procurement"],
    "People and Culture": ["Learning and Development", "Recruitment"],
}
FIRST = [
    "Aino",
    "Ben",
    "Carla",
    "Dev",
    "Elif",
    "Femi",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Lars",
    "Maya",
    "Nils",
    "Olga",
    "Pavel",
    "Rosa",
    "Sami",
    "Tuuli",
    "Umar",
    "Vera",
    "Wim",
    "Xenia",
    "Yusuf",
    "Zofia",
]
LAST = [
    "Aalto",
    "Brennan",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowalski",
    "Laine",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
]
JUNIOR_TITLES = ["Analyst", "Specialist", "Associate", "Coordinator", "Officer", "Advisor"]


# Where the demo logins sit in the organisation: (team, slot) -> (login, name, job title, grade).
DEMO_PLACES = {
    ("Customer Support", "head"): ("manager", "Leo Hartmann", "Head of Customer Support", 7),
    ("Customer Support", 0): ("mentee", "Mia Torres", "Support Associate", 2),
    ("Platform", 0): ("mentor", "Marcus Lindqvist", "Principal Engineer", 6),
    ("Learning and Development", 0): ("coordinator", "Claire Osei", "Mentoring Programme Lead", 6),
    ("Accounting", 0): ("committee", "Priya Natarajan", "Head of Internal Audit", 8),
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    what: str


DEMO_LOGINS = [
    DemoLogin("Coordinator", f"coordinator@{DEMO_DOMAIN}", "Claire Osei", "runs both programmes"),
    DemoLogin("Mentor", f"mentor@{DEMO_DOMAIN}", "Marcus Lindqvist", "mentors Mia in Growing Together"),
    DemoLogin("Mentee", f"mentee@{DEMO_DOMAIN}", "Mia Torres", "mentored by Marcus"),
    DemoLogin("Line manager", f"manager@{DEMO_DOMAIN}", "Leo Hartmann", "manages Mia and the Customer Support team"),
    DemoLogin("Committee member", f"committee@{DEMO_DOMAIN}", "Priya Natarajan", "sits on both committees"),
    DemoLogin("Administrator", f"admin@{DEMO_DOMAIN}", "Ada Admin", "runs the installation (Django admin)"),
]


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


def _seed_skills() -> list[Skill]:
    skills = [Skill.objects.get_or_create(name=name)[0] for name in SKILLS]
    by_name = {s.name: s for s in skills}
    for synonym, target in SYNONYMS.items():
        Skill.objects.update_or_create(name=synonym, defaults={"merged_into": by_name[target]})
    return skills


def _application(
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


def _seed_recruiting(recruiting: Programme, people: list[Person], plan: dict, skills: list[Skill], named: dict) -> None:
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
        _application(
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
    _application(recruiting, others[0], Role.MENTEE, skills, 50, status=Application.Status.APPLIED)
    _application(
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


def _seed_budget(programme: Programme, coordinator: Person) -> None:
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


def _seed_training(running: Programme, recruiting: Programme, plan: dict, named: dict) -> None:
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


def _seed_time(running: Programme, plan: dict, named: dict) -> None:
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


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose (about a third of a second); 61 demo people share one hash of the one password.
    return make_password(DEMO_PASSWORD)


def _person(email: str, name: str, *, title: str, grade: int, unit: OrgUnit, manager: Person | None) -> Person:
    person, created = Person.objects.get_or_create(email=email, defaults={"display_name": name})
    person.display_name = name
    person.job_title = title
    person.grade = grade
    person.org_unit = unit
    person.line_manager = manager
    person.is_active = True
    if created:
        person.password = _demo_password_hash()
    person.save()
    return person


def _generated_name(index: int) -> tuple[str, str]:
    first = FIRST[index % len(FIRST)]
    last = LAST[(index * 7) % len(LAST)]
    return f"{first} {last}", f"{first}.{last}@{DEMO_DOMAIN}".lower()


@transaction.atomic
def seed_organisation() -> dict[str, object]:
    """Create or refresh the demo organisation and programmes; returns the named demo people and programmes."""
    units: dict[str, OrgUnit] = {}
    for department, teams in DEPARTMENTS.items():
        dept, _ = OrgUnit.objects.get_or_create(
            name=department, parent=None, defaults={"kind": OrgUnit.Kind.DEPARTMENT}
        )
        units[department] = dept
        for team in teams:
            units[team], _ = OrgUnit.objects.get_or_create(name=team, parent=dept, defaults={"kind": OrgUnit.Kind.TEAM})

    people: list[Person] = []
    named: dict[str, Person] = {}
    index = 0

    def place(team: str, slot: str | int, *, title: str, grade: int, unit: OrgUnit, manager: Person | None) -> Person:
        """A demo login where the plan has one, else the next generated person."""
        nonlocal index
        if (team, slot) in DEMO_PLACES:
            key, name, title, grade = DEMO_PLACES[(team, slot)]
            person = _person(f"{key}@{DEMO_DOMAIN}", name, title=title, grade=grade, unit=unit, manager=manager)
            named[key] = person
        else:
            name, email = _generated_name(index)
            index += 1
            person = _person(email, name, title=title, grade=grade, unit=unit, manager=manager)
        people.append(person)
        return person

    for department, teams in DEPARTMENTS.items():
        director = place(
            department, "head", title=f"Director of {department}", grade=9, unit=units[department], manager=None
        )
        for team in teams:
            head = place(team, "head", title=f"Head of {team}", grade=7, unit=units[team], manager=director)
            for slot in range(6):
                grade = 2 + (slot % 4)
                title = ("Senior " if grade >= 5 else "") + JUNIOR_TITLES[slot % len(JUNIOR_TITLES)]
                place(team, slot, title=title, grade=grade, unit=units[team], manager=head)

    admin, created = Person.objects.get_or_create(email=f"admin@{DEMO_DOMAIN}", defaults={"display_name": "Ada Admin"})
    admin.is_staff = admin.is_superuser = True
    admin.job_title = "Tandem administrator"
    if created:
        admin.password = _demo_password_hash()
    admin.save()
    named["admin"] = admin

    running, _ = Programme.objects.update_or_create(
        name="Growing Together 2026",
        defaults={
            "status": Programme.Status.RUNNING,
            "starts_on": datetime.date(2026, 3, 1),
            "ends_on": datetime.date(2027, 2, 28),
            "description": (
                "Our year-long mentoring programme. Mentors from another department meet their mentee every two "
                "weeks, with protected time agreed by line managers. Goals: broaden networks across departments, "
                "build confidence in new roles, and share expertise."
            ),
        },
    )
    recruiting, _ = Programme.objects.update_or_create(
        name="New Leaders 2027",
        defaults={
            "status": Programme.Status.RECRUITING,
            "starts_on": datetime.date(2027, 1, 18),
            "ends_on": datetime.date(2027, 12, 17),
            "description": (
                "For people stepping into their first leadership role. Applications are open until mid-December; "
                "mentors are experienced managers from a different department."
            ),
        },
    )

    senior = [p for p in people if p.grade and 5 <= p.grade <= 7 and p.pk != named["manager"].pk]
    junior = [p for p in people if p.grade and p.grade <= 4]
    reserved = {named[key].pk for key in ("coordinator", "committee", "mentor", "mentee")}
    running_mentors = [named["mentor"]] + [p for p in senior if p.pk not in reserved][:11]
    running_mentees = [named["mentee"]] + [p for p in junior if p.pk not in reserved][:14]
    plan = {
        running: {
            Role.COORDINATOR: [named["coordinator"]],
            Role.COMMITTEE: [named["committee"], people[0]],
            Role.MENTOR: running_mentors,
            Role.MENTEE: running_mentees,
        },
        recruiting: {
            Role.COORDINATOR: [named["coordinator"]],
            Role.COMMITTEE: [named["committee"]],
            Role.MENTOR: [p for p in senior if p not in running_mentors and p.pk not in reserved][:3],
            # Leo's team is left free: two of them have applied and wait for his endorsement.
            Role.MENTEE: [
                p
                for p in junior
                if p not in running_mentees and p.pk not in reserved and p.line_manager_id != named["manager"].pk
            ][:4],
        },
    }
    for programme, roles in plan.items():
        for role, members in roles.items():
            for person in members:
                Membership.objects.get_or_create(programme=programme, person=person, role=role)

    skills = _seed_skills()
    for programme, roles in plan.items():
        for role in (Role.MENTOR, Role.MENTEE):
            for i, person in enumerate(roles[role]):
                _application(
                    programme,
                    person,
                    role,
                    skills,
                    i,
                    status=Application.Status.APPROVED,
                    decided_by=named["coordinator"],
                )
    _seed_recruiting(recruiting, people, plan, skills, named)
    _seed_budget(running, named["coordinator"])
    _seed_training(running, recruiting, plan, named)
    _seed_time(running, plan[running], named)

    return {
        "people": people,
        "named": named,
        "running": running,
        "recruiting": recruiting,
        "running_mentors": running_mentors,
        "running_mentees": running_mentees,
    }
