"""Demo organisation: 4 departments, 8 teams, 60 people with line managers, two programmes (a third, in matching,
is ``demo.matching``'s).

Deterministic and idempotent: running it again leaves the same data (rows are found by natural keys). The
programmes' records (skills, applications, budget, training, protected time) are seeded by
``demo.programme_records``.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from demo.programme_records import (
    seed_application,
    seed_budget,
    seed_recruiting,
    seed_skills,
    seed_time,
    seed_training,
)
from programmes.models import (
    Application,
    Membership,
    OrgUnit,
    Person,
    Programme,
    Role,
)
from programmes.services.teams import person_units_record, person_units_start

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
    DemoLogin("Coordinator", f"coordinator@{DEMO_DOMAIN}", "Claire Osei", "runs the three programmes"),
    DemoLogin(
        "Mentor",
        f"mentor@{DEMO_DOMAIN}",
        "Marcus Lindqvist",
        "mentors Mia in Growing Together; prefers a mentee in Spring Mentoring 2027",
    ),
    DemoLogin(
        "Mentee",
        f"mentee@{DEMO_DOMAIN}",
        "Mia Torres",
        "mentored by Marcus; ranked three mentors in Spring Mentoring 2027",
    ),
    DemoLogin("Line manager", f"manager@{DEMO_DOMAIN}", "Leo Hartmann", "manages Mia and the Customer Support team"),
    DemoLogin("Committee member", f"committee@{DEMO_DOMAIN}", "Priya Natarajan", "sits on both committees"),
    DemoLogin("Administrator", f"admin@{DEMO_DOMAIN}", "Ada Admin", "runs the installation (Django admin)"),
]


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose (about a third of a second); 61 demo people share one hash of the one password.
    return make_password(DEMO_PASSWORD)


def _person(email: str, name: str, *, title: str, grade: int, unit: OrgUnit, manager: Person | None) -> Person:
    person, created = Person.objects.get_or_create(email=email, defaults={"display_name": name})
    before = person.org_unit_id
    person.display_name = name
    person.job_title = title
    person.grade = grade
    person.org_unit = unit
    person.line_manager = manager
    person.is_active = True
    if created:
        person.password = _demo_password_hash()
    person.save()
    # The team history: the demo's people have been in their teams all along (its reports cover past quarters);
    # seeding again leaves it alone unless a person's team changed.
    if created:
        person_units_start(units=[(person.pk, person.org_unit_id)])
    else:
        person_units_record(moves={person.pk: (before, person.org_unit_id)})
    return person


def _generated_name(index: int) -> tuple[str, str]:
    first = FIRST[index % len(FIRST)]
    last = LAST[(index * 7) % len(LAST)]
    return f"{first} {last}", f"{first}.{last}@{DEMO_DOMAIN}".lower()


@transaction.atomic
def seed_organisation() -> dict[str, object]:
    """Create or refresh the demo organisation and programmes; returns the named demo people and programmes."""
    units = _seed_units()
    people, named = _seed_people(units)
    named["admin"] = _seed_admin()
    running, recruiting = _seed_programmes()
    plan = _membership_plan(running, recruiting, people, named)
    for programme, roles in plan.items():
        for role, members in roles.items():
            for person in members:
                Membership.objects.get_or_create(programme=programme, person=person, role=role)

    skills = seed_skills()
    for programme, roles in plan.items():
        for role in (Role.MENTOR, Role.MENTEE):
            for i, person in enumerate(roles[role]):
                seed_application(
                    programme,
                    person,
                    role,
                    skills,
                    i,
                    status=Application.Status.APPROVED,
                    decided_by=named["coordinator"],
                )
    seed_recruiting(recruiting, people, plan, skills, named)
    seed_budget(running, named["coordinator"])
    seed_training(running, recruiting, plan, named)
    seed_time(running, plan[running], named)

    return {
        "people": people,
        "named": named,
        "running": running,
        "recruiting": recruiting,
        "running_mentors": plan[running][Role.MENTOR],
        "running_mentees": plan[running][Role.MENTEE],
    }


def _seed_units() -> dict[str, OrgUnit]:
    """The departments and their teams, by name."""
    units: dict[str, OrgUnit] = {}
    for department, teams in DEPARTMENTS.items():
        dept, _ = OrgUnit.objects.get_or_create(
            name=department, parent=None, defaults={"kind": OrgUnit.Kind.DEPARTMENT}
        )
        units[department] = dept
        for team in teams:
            units[team], _ = OrgUnit.objects.get_or_create(name=team, parent=dept, defaults={"kind": OrgUnit.Kind.TEAM})
    return units


def _seed_people(units: dict[str, OrgUnit]) -> tuple[list[Person], dict[str, Person]]:
    """A director per department, a head and six staff per team: every person, and the demo logins by key."""
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
    return people, named


def _seed_admin() -> Person:
    admin, created = Person.objects.get_or_create(email=f"admin@{DEMO_DOMAIN}", defaults={"display_name": "Ada Admin"})
    admin.is_staff = admin.is_superuser = True
    admin.job_title = "Tandem administrator"
    if created:
        admin.password = _demo_password_hash()
    admin.save()
    return admin


def _seed_programmes() -> tuple[Programme, Programme]:
    """The running programme and the recruiting one."""
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
    return running, recruiting


def _membership_plan(
    running: Programme, recruiting: Programme, people: list[Person], named: dict[str, Person]
) -> dict[Programme, dict[str, list[Person]]]:
    """Who takes which role in each programme."""
    senior = [p for p in people if p.grade and 5 <= p.grade <= 7 and p.pk != named["manager"].pk]
    junior = [p for p in people if p.grade and p.grade <= 4]
    reserved = {named[key].pk for key in ("coordinator", "committee", "mentor", "mentee")}
    running_mentors = [named["mentor"]] + [p for p in senior if p.pk not in reserved][:11]
    running_mentees = [named["mentee"]] + [p for p in junior if p.pk not in reserved][:14]
    return {
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
