"""Demo data: a programme in matching, so that the demo shows ranked preferences and rounds with a choice of
objective (issue 19).

"Spring Mentoring 2027" has closed enrolment and is matching: six approved mentors (Marcus among them) with ten
places and ten approved mentees (Mia among them), no round run yet. On this cohort "Fairest" raises the worst pair
above what "Best total" gives, at a price in total, so the round page has a choice to show. Mia has ranked three of
her suggested mentors; Marcus has marked one waiting mentee "prefer". Claire coordinates it: she can run a round
with any objective and compare them. Seeded through the preference services, as the people would do it; idempotent
like the rest of the demo (a ranking or a wish already there is left as it is).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from demo.programme_records import seed_application
from mentoring.models import MenteeRanking, MentorStance
from mentoring.selectors.cohort import cohort_load, match_settings_get
from mentoring.selectors.preferences import ranking_choices, waiting_mentees
from mentoring.services.preferences import ranking_save, stances_save
from programmes.models import Application, Membership, Person, Programme, Role, Skill

NAME = "Spring Mentoring 2027"
MENTORS = 6
MENTEES = 10
# The mentors' places, in the order they are picked (Marcus first): ten places for ten mentees.
CAPACITIES = (2, 2, 2, 2, 1, 1)
RANKED = 3


@transaction.atomic
def seed_matching(*, people: list[Person], named: dict[str, Person], skills: list[Skill]) -> Programme:
    """The matching programme, its members and their profiles, Mia's ranking and Marcus's wish."""
    programme, _ = Programme.objects.update_or_create(
        name=NAME,
        defaults={
            "status": Programme.Status.MATCHING,
            "starts_on": datetime.date(2027, 3, 1),
            "ends_on": datetime.date(2027, 8, 31),
            "description": (
                "Six months of mentoring across departments, starting in March. Enrolment has closed and the "
                "coordinators are matching: mentees can rank the mentors they would most like, and mentors can mark "
                "the mentees they would prefer, until the pairings are proposed."
            ),
        },
    )
    mentors, mentees = _members(programme, people, named)
    Membership.objects.get_or_create(programme=programme, person=named["coordinator"], role=Role.COORDINATOR)
    for role, members in ((Role.MENTOR, mentors), (Role.MENTEE, mentees)):
        for i, person in enumerate(members):
            Membership.objects.get_or_create(programme=programme, person=person, role=role)
            # Indexes 60 and up give profiles unlike the running programme's, overlapping between mentors and
            # mentees (each wants or offers three skills in a row of the catalogue).
            seed_application(
                programme,
                person,
                role,
                skills,
                60 + i,
                status=Application.Status.APPROVED,
                decided_by=named["coordinator"],
            )
    for person, capacity in zip(mentors, CAPACITIES, strict=True):
        Application.objects.filter(programme=programme, person=person, role=Role.MENTOR).update(capacity=capacity)
    match_settings_get(programme=programme)

    mia, marcus = named["mentee"], named["mentor"]
    if not MenteeRanking.objects.filter(programme=programme, mentee=mia).exists():
        choices = ranking_choices(cohort_load(programme=programme), mia.pk)
        ranking_save(programme=programme, mentee=mia, mentor_ids=[c.mentor.pk for c in choices[:RANKED]])
    if not MentorStance.objects.filter(programme=programme, mentor=marcus).exists():
        waiting = waiting_mentees(programme, exclude_person_id=marcus.pk).exclude(person=mia)
        preferred = next(
            (a.person for a in waiting if a.person.org_unit_id != marcus.org_unit_id),
            None,
        )
        if preferred is not None:
            stances_save(programme=programme, mentor=marcus, stances={preferred.pk: MentorStance.Stance.PREFER})
    return programme


def _members(programme: Programme, people: list[Person], named: dict[str, Person]) -> tuple[list, list]:
    """Marcus and five other senior people as mentors; Mia and nine junior people who are in no other programme as
    mentees (the same people each time the demo is seeded)."""
    elsewhere = set(
        Application.objects.exclude(programme=programme).values_list("person_id", flat=True).distinct()
    ) | set(Membership.objects.exclude(programme=programme).values_list("person_id", flat=True).distinct())
    reserved = {named[key].pk for key in ("coordinator", "committee", "mentor", "mentee", "manager")}
    senior = [p for p in people if p.grade and 5 <= p.grade <= 7 and p.pk not in reserved]
    junior = [p for p in people if p.grade and p.grade <= 4 and p.pk not in reserved | elsewhere]
    here = dict(Membership.objects.filter(programme=programme).values_list("person_id", "role"))
    order = {p.pk: i for i, p in enumerate(people)}

    def first(candidates: list[Person], role: str, count: int) -> list[Person]:
        # Members from an earlier seeding first (seeding again picks the same people), then people free of other
        # programmes (mentors may mentor in another programme too), in the organisation's order.
        ranked = sorted(candidates, key=lambda p: (here.get(p.pk) != role, p.pk in elsewhere, order[p.pk]))
        return ranked[:count]

    return (
        [named["mentor"]] + first(senior, Role.MENTOR, MENTORS - 1),
        [named["mentee"]] + first(junior, Role.MENTEE, MENTEES - 1),
    )
