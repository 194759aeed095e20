"""A made-up matching cohort for ``manage.py benchmark_matching`` and ``manage.py bench``: built inside the
caller's transaction, which rolls it back."""

from __future__ import annotations

import random
import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from mentoring.models import MenteeRanking, MentorStance
from programmes.models import (
    Application,
    ApplicationSkill,
    MeetingMode,
    Membership,
    OrgUnit,
    Person,
    Programme,
    Role,
    Skill,
)
from programmes.models.enrolment import AVAILABILITY_SLOTS

SLOTS = [slot for slot, _ in AVAILABILITY_SLOTS]
LANGUAGES = ["English", "English", "English", "French", "German", "Spanish"]


def preferences_draw(
    *, mentee_ids: list[int], mentor_ids: list[int], rng: random.Random
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """Preferences as people give them (issue 19): four mentees in ten rank three to five mentors, mostly among the
    most popular tenth (everyone is shown the same popular mentors), and one mentor in twenty marks four mentees
    "prefer" (two in three) or "prefer not". Returns (mentee id, mentor id) -> rank and (mentor id, mentee id) -> +1
    or -1, as ``Cohort.rankings`` and ``Cohort.stances`` hold them."""
    popular = mentor_ids[: max(1, len(mentor_ids) // 10)]
    rankings: dict[tuple[int, int], int] = {}
    for mentee_id in mentee_ids:
        if mentor_ids and rng.random() < 0.4:
            picks = rng.sample(popular, min(len(popular), rng.randint(2, 4))) + [rng.choice(mentor_ids)]
            for rank, mentor_id in enumerate(dict.fromkeys(picks), start=1):
                rankings[mentee_id, mentor_id] = rank
    stances: dict[tuple[int, int], int] = {}
    for mentor_id in mentor_ids[::20]:
        for mentee_id in rng.sample(mentee_ids, min(len(mentee_ids), 4)):
            stances[mentor_id, mentee_id] = rng.choice((1, 1, -1))
    return rankings, stances


def build_cohort(*, mentees: int, mentors: int, rng: random.Random) -> tuple[Programme, Person]:
    """A matching programme with approved mentors (capacity 1 to 3) and mentees, teams in departments, skills,
    availability, languages, grades, some line managers among the mentors, and the mentees' rankings and mentors'
    wishes of ``preferences_draw``. Returns it and its coordinator."""
    tag = secrets.token_hex(4)
    programme = Programme.objects.create(name=f"Benchmark {tag}", status=Programme.Status.MATCHING)
    departments = OrgUnit.objects.bulk_create(
        OrgUnit(name=f"Benchmark {tag} department {d}", kind=OrgUnit.Kind.DEPARTMENT) for d in range(8)
    )
    teams = OrgUnit.objects.bulk_create(
        OrgUnit(name=f"Team {t}", kind=OrgUnit.Kind.TEAM, parent=d) for d in departments for t in range(4)
    )
    skills = Skill.objects.bulk_create(Skill(name=f"Benchmark {tag} skill {s}") for s in range(30))
    people = Person.objects.bulk_create(
        Person(
            email=f"benchmark-{tag}-{i}@example.org",
            display_name=f"Person {i:04d}",
            grade=rng.randint(1, 6) if i >= mentors else rng.randint(3, 12),
            org_unit=rng.choice(teams),
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
        for i in range(mentors + mentees + 1)
    )
    coordinator, mentor_people, mentee_people = people[-1], people[:mentors], people[mentors:-1]
    # Some mentees report to a mentor, and some mentors to another mentor: management chains to respect.
    for person in mentee_people[::5] + mentor_people[1::4]:
        person.line_manager = rng.choice(mentor_people[: max(1, mentors // 4)])
        if person.line_manager_id == person.pk:
            person.line_manager = None
    Person.objects.bulk_update(people, ["line_manager"])
    Membership.objects.bulk_create(
        [Membership(programme=programme, person=coordinator, role=Role.COORDINATOR)]
        + [Membership(programme=programme, person=p, role=Role.MENTOR) for p in mentor_people]
        + [Membership(programme=programme, person=p, role=Role.MENTEE) for p in mentee_people]
    )
    applications = Application.objects.bulk_create(
        Application(
            programme=programme,
            person=person,
            role=role,
            status=Application.Status.APPROVED,
            endorsement=Application.Endorsement.NOT_NEEDED,
            meeting_mode=rng.choice(MeetingMode.values),
            availability=rng.sample(SLOTS, rng.randint(1, 5)),
            languages=sorted(set(rng.sample(LANGUAGES, rng.randint(1, 2)))),
            capacity=rng.randint(1, 3) if role == Role.MENTOR else None,
        )
        for role, group in ((Role.MENTOR, mentor_people), (Role.MENTEE, mentee_people))
        for person in group
    )
    ApplicationSkill.objects.bulk_create(
        ApplicationSkill(application=application, skill=skill, level=rng.randint(1, 4))
        for application in applications
        for skill in rng.sample(skills, rng.randint(2, 6) if application.role == Role.MENTOR else rng.randint(1, 4))
    )
    rankings, stances = preferences_draw(
        mentee_ids=[p.pk for p in mentee_people], mentor_ids=[p.pk for p in mentor_people], rng=rng
    )
    MenteeRanking.objects.bulk_create(
        MenteeRanking(programme=programme, mentee_id=e, mentor_id=m, rank=rank) for (e, m), rank in rankings.items()
    )
    stance_of = {1: MentorStance.Stance.PREFER, -1: MentorStance.Stance.PREFER_NOT}
    MentorStance.objects.bulk_create(
        MentorStance(programme=programme, mentor_id=m, mentee_id=e, stance=stance_of[v])
        for (m, e), v in stances.items()
    )
    return programme, coordinator
