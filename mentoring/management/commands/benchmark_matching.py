"""Time a whole-cohort matching round on a made-up cohort that is rolled back afterwards."""

from __future__ import annotations

import random
import secrets
import time

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mentoring.selectors.cohort import cohort_load
from mentoring.services.matching import round_plan, round_run
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

LIMIT_SECONDS = 2.0
SLOTS = [slot for slot, _ in AVAILABILITY_SLOTS]
LANGUAGES = ["English", "English", "English", "French", "German", "Spanish"]


class Rollback(Exception):
    """Raised inside the transaction so that nothing the benchmark made is kept."""


def build_cohort(*, mentees: int, mentors: int, rng: random.Random) -> tuple[Programme, Person]:
    """A matching programme with approved mentors (capacity 1 to 3) and mentees, teams in departments, skills,
    availability, languages, grades and some line managers among the mentors. Returns it and its coordinator."""
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
    return programme, coordinator


class Command(BaseCommand):
    help = (
        "Time a matching round (loading, scoring every pair, the assignment, storing the draft) on a made-up "
        "cohort inside a transaction that is rolled back, so the database is left as it was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentees", type=int, default=500)
        parser.add_argument("--mentors", type=int, default=200)
        parser.add_argument("--seed", type=int, default=4, help="The same seed builds the same cohort.")
        parser.add_argument(
            "--check", action="store_true", help=f"Fail when the round takes longer than {LIMIT_SECONDS:g} seconds."
        )

    def handle(self, *args, **options) -> None:
        mentees, mentors = options["mentees"], options["mentors"]
        if mentees < 1 or mentors < 1:
            raise CommandError("A cohort needs at least one mentee and one mentor.")
        try:
            with transaction.atomic():
                programme, coordinator = build_cohort(
                    mentees=mentees, mentors=mentors, rng=random.Random(options["seed"])
                )
                # The parts, to see where the time goes...
                started = time.perf_counter()
                cohort = cohort_load(programme=programme)
                loaded = time.perf_counter()
                plan = round_plan(cohort)
                planned = time.perf_counter()
                # ...and the whole round as a coordinator runs it (load, score, assign, store): the number checked.
                match_round = round_run(programme=programme, by=coordinator)
                finished = time.perf_counter()
                places = sum(cohort.free_places(m) for m in cohort.mentors)
                proposals = match_round.proposals.count()
                raise Rollback
        except Rollback:
            pass
        seconds = finished - planned
        self.stdout.write(
            f"Cohort: {mentees} mentees, {mentors} mentors with {places} places; {plan.pairs_scored} pairs scored.\n"
            f"Loading: {loaded - started:.3f} s; scoring and assignment: {planned - loaded:.3f} s.\n"
            f"Whole round (load, score, assign, store): {seconds:.3f} s; "
            f"{proposals} proposals, {len(plan.unmatched)} unmatched, total score {plan.total}.\n"
            "Nothing was kept: the cohort and the round were rolled back."
        )
        if options["check"] and seconds > LIMIT_SECONDS:
            raise CommandError(f"The round took {seconds:.3f} s, more than the {LIMIT_SECONDS:g} s allowed.")
