"""Demo surveys for the running programme.

- Health checks: every current pairing's checks so far (30 days after the start, then every 60), answered by
  both sides, except the latest ones still open. One pairing's score falls from 4.5 to 2.0 at its latest check,
  which raises a health alert through mentoring, as in real use.
- A learning-environment audit, closed, answered by every participant but the demo mentee: the three bigger
  teams pass the threshold of five (one expansive, one mixed, one restrictive); the small teams do not.
- A programme feedback round, open now (everyone was told), with a few answers; the demo mentee has yet to answer.

Idempotent: a part already seeded is left as it is. Uses the programme's existing people and pairings.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from demo.organisation import DEMO_DOMAIN
from evaluation.models import Question, Survey, SurveyInvitation, SurveyResponse, SurveyRound
from evaluation.services.survey_answers import _response_record
from evaluation.services.survey_rounds import _audience, _standing_round, survey_round_open
from evaluation.services.surveys import ANSWER_DAYS, HEALTH_EVERY_DAYS, HEALTH_FIRST_DAYS, surveys_ensure_builtin
from mentoring.models import Pairing
from programmes.models import Person, Programme, Role

AUDIT_TITLE = "Learning-environment audit: spring"
FEEDBACK_TITLE = "Programme feedback: mid-point"
DEMO_MENTEE = f"mentee@{DEMO_DOMAIN}"

# How each team's people see their learning environment (a mean per dimension; answers vary around it).
TEAM_PROFILES = {
    "Platform": {"communities": 4.6, "co_construction": 4.4, "courses": 4.0, "reflection": 3.8, "support": 4.5},
    "Product Development": {
        "communities": 3.4,
        "co_construction": 3.8,
        "courses": 2.8,
        "reflection": 2.6,
        "support": 3.5,
    },
    "Logistics": {"communities": 1.8, "co_construction": 1.6, "courses": 2.4, "reflection": 1.5, "support": 2.6},
}
DEFAULT_PROFILE = 3.0
HEALTH_COMMENTS = [
    "Meeting every two weeks works well for both of us.",
    "We had to move a few sessions, but we always found a new date.",
]
AUDIT_COMMENTS = [
    "More time to try things out between deadlines.",
    "Rotating between the two desks taught me more than any course.",
    "A shared channel with the other teams would help.",
]
FEEDBACK_COMMENTS = [
    "Keep the kick-off day; the training on giving feedback was the best part.",
    "The protected hours are hard to take in the busy weeks.",
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _answers(survey: Survey, likert: list[int], text: str = "", choice: str = "") -> list[tuple[Question, object]]:
    answers, values = [], iter(likert)
    for question in survey.questions.order_by("position", "pk"):
        if question.kind == Question.Kind.LIKERT:
            answers.append((question, next(values)))
        elif question.kind == Question.Kind.CHOICE:
            answers.append((question, choice or question.choices[0]))
        elif text:
            answers.append((question, text))
    return answers


def _likert_count(survey: Survey) -> int:
    return survey.questions.filter(kind=Question.Kind.LIKERT).count()


@transaction.atomic
def seed_surveys(*, programme: Programme) -> None:
    builtin = surveys_ensure_builtin()
    today = timezone.localdate()
    _seed_health(programme, builtin[Survey.Kind.HEALTH], today)
    _seed_audit(programme, builtin[Survey.Kind.LEARNING_ENVIRONMENT], today)
    _seed_feedback(programme, builtin[Survey.Kind.FEEDBACK], today)


def _seed_health(programme: Programme, survey: Survey, today: datetime.date) -> None:
    pairings = list(
        Pairing.objects.filter(programme=programme, status=Pairing.Status.ACTIVE, started_on__isnull=False)
        .select_related("programme", "mentor__org_unit", "mentee__org_unit")
        .order_by("pk")
    )
    dues = {p: _health_dues(p.started_on, today) for p in pairings}
    dues = {p: d for p, d in dues.items() if d}
    if not dues:
        return
    standing = _standing_round(programme.pk, survey, min(d[0] for d in dues.values()))
    if SurveyResponse.objects.filter(round=standing).exists():
        return  # seeded before
    # The pairing whose health falls: the fourth (or last) pairing that is not the demo logins'.
    others = [p for p in dues if p.mentee.email != DEMO_MENTEE]
    falling = others[min(3, len(others) - 1)] if others else None
    items = _likert_count(survey)
    for pairing, due_dates in dues.items():
        rng = random.Random(f"health-{pairing.mentor.email}-{pairing.mentee.email}")
        for n, due_on in enumerate(due_dates):
            latest = n == len(due_dates) - 1
            still_open = latest and (today - due_on).days < ANSWER_DAYS
            for person in (pairing.mentor, pairing.mentee):
                invitation = SurveyInvitation.objects.create(
                    round=standing, person=person, pairing=pairing, due_on=due_on, created_at=_at(due_on, 6)
                )
                invitation.round = standing
                falls = pairing == falling and person == pairing.mentee
                if still_open and not falls:
                    continue  # waiting in their "My surveys"
                if falls:
                    likert = [2] * items if latest else [5, 4] * (items // 2) + [5] * (items % 2)
                else:
                    likert = [rng.choice([4, 4, 5]) for _ in range(items)]
                text = HEALTH_COMMENTS[n % len(HEALTH_COMMENTS)] if rng.random() < 0.3 else ""
                answered = min(today, due_on + datetime.timedelta(days=rng.randint(1, 6)))
                _response_record(
                    invitation, _answers(survey, likert, text), may_quote=False, on=answered, now=_at(answered, 12)
                )


def _health_dues(started_on: datetime.date, today: datetime.date) -> list[datetime.date]:
    dues, due = [], started_on + datetime.timedelta(days=HEALTH_FIRST_DAYS)
    while due <= today:
        dues.append(due)
        due += datetime.timedelta(days=HEALTH_EVERY_DAYS)
    return dues


def _sent_round(
    programme: Programme, survey: Survey, title: str, opens_on: datetime.date, closes_on: datetime.date
) -> SurveyRound | None:
    """A round made as a coordinator would have sent it, with its invitations; None when seeded before."""
    if SurveyRound.objects.filter(programme=programme, title=title).exists():
        return None
    coordinator = Person.objects.filter(memberships__programme=programme, memberships__role=Role.COORDINATOR).first()
    survey_round = SurveyRound.objects.create(
        survey=survey,
        programme=programme,
        title=title,
        audience=SurveyRound.Audience.PARTICIPANTS,
        status=SurveyRound.Status.DRAFT,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=coordinator,
        created_at=_at(opens_on - datetime.timedelta(days=2)),
    )
    invitees = _audience(programme, SurveyRound.Audience.PARTICIPANTS, anonymous=survey.anonymous)
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(round=survey_round, person=person, due_on=opens_on, created_at=survey_round.created_at)
        for person, _ in invitees
    )
    return survey_round


def _seed_audit(programme: Programme, survey: Survey, today: datetime.date) -> None:
    opens_on, closes_on = today - datetime.timedelta(days=45), today - datetime.timedelta(days=31)
    survey_round = _sent_round(programme, survey, AUDIT_TITLE, opens_on, closes_on)
    if survey_round is None:
        return
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        status=SurveyRound.Status.CLOSED,
        sent_at=_at(opens_on, 7),
        reminded_at=_at(closes_on - datetime.timedelta(3), 7),
    )
    survey_round.refresh_from_db()
    dimensions = list(
        survey.questions.filter(kind=Question.Kind.LIKERT)
        .order_by("position", "pk")
        .values_list("dimension", flat=True)
    )
    invitations = survey_round.invitations.select_related("person__org_unit").order_by("pk")
    for i, invitation in enumerate(invitations):
        person = invitation.person
        if person.email == DEMO_MENTEE:
            continue  # the demo mentee did not answer this one
        invitation.round = survey_round
        profile = TEAM_PROFILES.get(person.org_unit.name if person.org_unit else "", {})
        rng = random.Random(f"audit-{person.email}")
        likert = [
            max(1, min(5, round(profile.get(d, DEFAULT_PROFILE) + rng.choice([-1, 0, 0, 0, 1])))) for d in dimensions
        ]
        text = AUDIT_COMMENTS[i % len(AUDIT_COMMENTS)] if i % 4 == 0 else ""
        answered = opens_on + datetime.timedelta(days=i % 10)
        _response_record(
            invitation,
            _answers(survey, likert, text),
            may_quote=bool(text) and i % 8 == 0,
            on=answered,
            now=_at(answered, 12),
        )


def _seed_feedback(programme: Programme, survey: Survey, today: datetime.date) -> None:
    opens_on = today - datetime.timedelta(days=5)
    survey_round = _sent_round(programme, survey, FEEDBACK_TITLE, opens_on, today + datetime.timedelta(days=9))
    if survey_round is None:
        return
    survey_round_open(pk=survey_round.pk, today=today)  # everyone invited is told, as in real use
    survey_round.refresh_from_db()
    items = _likert_count(survey)
    invitations = survey_round.invitations.select_related("person__org_unit").order_by("pk")
    answering = [inv for inv in invitations if inv.person.email != DEMO_MENTEE][:8]
    for i, invitation in enumerate(answering):
        invitation.round = survey_round
        rng = random.Random(f"feedback-{invitation.person.email}")
        likert = [rng.choice([2, 3, 4, 4, 5]) for _ in range(items)]
        text = FEEDBACK_COMMENTS[i % len(FEEDBACK_COMMENTS)] if i % 3 == 0 else ""
        answered = opens_on + datetime.timedelta(days=i % 5)
        _response_record(
            invitation, _answers(survey, likert, text), may_quote=bool(text), on=answered, now=_at(answered, 12)
        )
