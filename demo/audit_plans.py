"""The learning-environment audit acted on, for the demo (issue 20, point 3).

- The spring audit (demo/surveys.py) was also sent to the whole Customer Support team (the demo line manager's)
  and to one more person in Finance, so Customer Support is a unit of its own and Finance's small teams
  (Accounting and Procurement) are shown together as Finance.
- An autumn audit half a year before it, with the same shape: Customer Support rather restrictive on time for
  reflection then, better in spring (the trend); Logistics restrictive in both (the two-round alerts).
- Customer Support's action plans: after autumn (both actions done) and after spring (one done, one in progress,
  one planned). Leo Hartmann (manager@example.com) leads Customer Support as its members' line manager.

Idempotent: seeded once (the autumn round's title is the key).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from demo.surveys import AUDIT_TITLE, TEAM_PROFILES, _answers, _at
from evaluation.models import (
    ActionPlan,
    AuditAction,
    AuditActionChange,
    Question,
    SurveyInvitation,
    SurveyRound,
)
from evaluation.services.audit_plans import audit_alerts_raise
from evaluation.services.survey_answers import _response_record
from evaluation.services.survey_rounds import _audience
from programmes.models import OrgUnit, Person, Programme, Role

AUTUMN_TITLE = "Learning-environment audit: autumn"
MANAGER = "manager@example.com"
# Customer Support's profile in each round: reflection rather restrictive in autumn, better in spring.
SUPPORT_AUTUMN = {"communities": 3.0, "co_construction": 3.2, "courses": 2.8, "reflection": 1.8, "support": 3.4}
SUPPORT_SPRING = {"communities": 3.4, "co_construction": 3.6, "courses": 3.0, "reflection": 3.2, "support": 3.8}
LOGISTICS_AUTUMN = {"communities": 1.6, "co_construction": 1.8, "courses": 2.2, "reflection": 1.4, "support": 2.8}


@transaction.atomic
def seed_audit_plans(*, programme: Programme) -> None:
    spring = SurveyRound.objects.filter(programme=programme, title=AUDIT_TITLE).select_related("survey").first()
    if spring is None or SurveyRound.objects.filter(programme=programme, title=AUTUMN_TITLE).exists():
        return
    survey = spring.survey
    support = OrgUnit.objects.get(name="Customer Support")
    finance_extra = Person.objects.filter(org_unit__name="Accounting", is_active=True).order_by("pk")
    # Spring: the whole of Customer Support, and one more of Accounting (Finance's small teams then reach five).
    invited = set(spring.invitations.values_list("person_id", flat=True))
    more = [p for p in Person.objects.filter(org_unit=support, is_active=True).order_by("pk") if p.pk not in invited]
    more += [p for p in finance_extra if p.pk not in invited][:1]
    _answer(spring, more, {"Customer Support": SUPPORT_SPRING})

    # Autumn, half a year earlier: the participants, Customer Support and Accounting as in spring.
    opens_on = spring.opens_on - datetime.timedelta(days=182)
    coordinator = Person.objects.filter(memberships__programme=programme, memberships__role=Role.COORDINATOR).first()
    autumn = SurveyRound.objects.create(
        survey=survey,
        programme=programme,
        title=AUTUMN_TITLE,
        audience=SurveyRound.Audience.PARTICIPANTS,
        status=SurveyRound.Status.CLOSED,
        opens_on=opens_on,
        closes_on=opens_on + datetime.timedelta(days=14),
        sent_at=_at(opens_on, 7),
        created_by=coordinator,
        created_at=_at(opens_on - datetime.timedelta(days=2)),
    )
    people = [person for person, _ in _audience(programme, SurveyRound.Audience.PARTICIPANTS, anonymous=True)]
    people += [p for p in more if p not in people]
    profiles = {**TEAM_PROFILES, "Customer Support": SUPPORT_AUTUMN, "Logistics": LOGISTICS_AUTUMN}
    _answer(autumn, people, profiles)

    manager = Person.objects.get(email=MANAGER)
    _plan(
        autumn,
        support,
        manager,
        [
            (
                "reflection",
                "A protected hour on Friday afternoons for reading and thinking.",
                40,
                "done",
                "Held every Friday since October; the queue is covered by rota.",
            ),  # fmt: skip
            (
                "courses",
                "Everyone picks one course from the catalogue for the year.",
                70,
                "done",
                "Nine of eleven booked; two start in spring.",
            ),  # fmt: skip
        ],
    )
    _plan(
        spring,
        support,
        manager,
        [
            (
                "reflection",
                "Keep the Friday hour and add a monthly team retrospective.",
                20,
                "done",
                "First two retrospectives held.",
            ),  # fmt: skip
            ("communities", "Pair each new starter with someone in Logistics for a week.", 45, "in_progress", ""),
            ("support", "Ask the team what support they miss in one-to-ones.", 90, "planned", ""),
        ],
    )
    audit_alerts_raise(survey_round=spring)


def _answer(survey_round: SurveyRound, people: list[Person], profiles: dict[str, dict[str, float]]) -> None:
    """Invite ``people`` to the round and record their answers, varying around their team's profile."""
    survey = survey_round.survey
    dimensions = list(
        survey.questions.filter(kind=Question.Kind.LIKERT)
        .order_by("position", "pk")
        .values_list("dimension", flat=True)
    )
    for person in people:
        invitation = SurveyInvitation.objects.create(
            round=survey_round, person=person, due_on=survey_round.opens_on, created_at=_at(survey_round.opens_on)
        )
        invitation.round = survey_round
        profile = profiles.get(person.org_unit.name if person.org_unit else "", {})
        rng = random.Random(f"audit-{survey_round.title}-{person.email}")
        likert = [max(1, min(5, round(profile.get(d, 3.0) + rng.choice([-1, 0, 0, 0, 1])))) for d in dimensions]
        answered = survey_round.opens_on + datetime.timedelta(days=rng.randint(0, 9))
        _response_record(invitation, _answers(survey, likert), may_quote=False, on=answered, now=_at(answered, 12))


def _plan(survey_round: SurveyRound, unit: OrgUnit, manager: Person, actions: list[tuple]) -> None:
    made = _at(survey_round.closes_on + datetime.timedelta(days=5), 11)
    plan = ActionPlan.objects.create(
        round=survey_round, unit=unit, created_by=manager, created_at=made, updated_at=made
    )
    for position, (dimension, text, due_in, status, done) in enumerate(actions, start=1):
        action = AuditAction.objects.create(
            plan=plan,
            position=position,
            dimension=dimension,
            text=text,
            due_on=survey_round.closes_on + datetime.timedelta(days=due_in),
            status=status,
            done_text=done,
        )
        AuditActionChange.objects.create(action=action, status="planned", by=manager, at=made)
        if status != "planned":
            later = min(made + datetime.timedelta(days=due_in // 2), timezone.now())
            AuditActionChange.objects.create(action=action, status=status, by=manager, at=later)
