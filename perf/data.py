"""A made-up organisation for ``manage.py bench``, built with bulk inserts and grown in place.

One measured programme with the given number of pairings (20 sessions each, as a year of fortnightly meetings
gives), inside a larger organisation: three other programmes holding half as many pairings again, 10
departments of 6 teams, so that a programme or team filter has rows to leave out. Every table a measured page
reads is filled the way a running programme fills it: approved applications (and some approved mentees still
waiting for a mentor), agreements, goals, sessions (most confirmed), training records against the programme's
requirements (some expiring, some missing), four months of protected-time allocations, health-check answers
and a few open alerts. Only benchmark code calls this, and only on a throwaway database.
"""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone

from evaluation.models import Answer, Question, Survey, SurveyResponse, SurveyRound
from evaluation.services.surveys import surveys_ensure_builtin
from mentoring.models import (
    Agreement,
    Alert,
    Goal,
    GoalState,
    MentoringSession,
    Pairing,
    PairingPause,
    SessionMode,
    SessionState,
)
from programmes.models import (
    Application,
    Course,
    Membership,
    OrgUnit,
    Person,
    Programme,
    ProgrammeRequirement,
    Role,
    Skill,
    TimeAllocation,
    TrainingRecord,
)
from programmes.services.teams import person_units_start
from programmes.services.time import month_start

SESSIONS_PER_PAIRING = 20
OTHER_PROGRAMMES = 3
OTHER_SHARE = 0.5  # the other programmes hold half as many pairings again as the measured one
DEPARTMENTS, TEAMS_PER_DEPARTMENT = 10, 6
ALLOCATION_MONTHS = 4
BATCH = 5000
# Of the pairings made: most running, some paused, some closed (completed or ended early) in the last year.
STATUSES = [
    (Pairing.Status.ACTIVE, 0.75),
    (Pairing.Status.PAUSED, 0.05),
    (Pairing.Status.COMPLETED, 0.12),
    (Pairing.Status.ENDED_EARLY, 0.08),
]
TOPICS = ["career steps", "feedback", "a difficult conversation", "time management", "the next project"]


@dataclass
class Org:
    """What the benchmark measures against; ``grow`` adds to it."""

    tag: str
    rng: random.Random
    today: datetime.date
    measured: Programme
    others: list[Programme]
    teams: list[OrgUnit]
    departments: list[OrgUnit]
    coordinator: Person
    committee_member: Person
    health_rounds: dict[int, SurveyRound]
    health_questions: list[Question]
    courses: dict[str, Course]
    made: int = 0  # people made so far (their emails are numbered)
    pairings: dict[int, int] = field(default_factory=dict)  # pairings made per programme id
    pair: Pairing | None = None  # the pair whose workspace and session log are measured

    @property
    def measured_pairings(self) -> int:
        return self.pairings.get(self.measured.pk, 0)


def _people(org: Org, count: int, *, grades: tuple[int, int]) -> list[Person]:
    start = org.made
    org.made += count
    people = Person.objects.bulk_create(
        (
            Person(
                email=f"bench-{org.tag}-{i}@example.org",
                display_name=f"Person {i:06d}",
                grade=org.rng.randint(*grades),
                org_unit=org.rng.choice(org.teams),
                password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(20),
            )
            for i in range(start, start + count)
        ),
        batch_size=BATCH,
    )
    # Each with a team history, as the people import writes it: the reports read it.
    person_units_start(units=[(p.pk, p.org_unit_id) for p in people])
    return people


def org_build(*, seed: int = 7) -> Org:
    """The empty organisation: teams, the programmes with their requirements, courses, a coordinator of every
    programme and a committee member of the measured one, the built-in health check with a standing round."""
    rng = random.Random(seed)
    tag = secrets.token_hex(3)
    today = timezone.localdate()
    departments, teams = _org_units(tag)
    programmes, courses = _org_programmes(tag, today)
    Skill.objects.bulk_create(Skill(name=f"Bench {tag} skill {s}") for s in range(30))
    org = Org(
        tag=tag,
        rng=rng,
        today=today,
        measured=programmes[0],
        others=programmes[1:],
        teams=teams,
        departments=departments,
        coordinator=None,  # type: ignore[arg-type]  # made just below, with the numbered people
        committee_member=None,  # type: ignore[arg-type]
        health_rounds={},
        health_questions=[],
        courses=courses,
    )
    org.coordinator, org.committee_member = _people(org, 2, grades=(8, 12))
    Membership.objects.bulk_create(
        [Membership(programme=p, person=org.coordinator, role=Role.COORDINATOR) for p in programmes]
        + [Membership(programme=org.measured, person=org.committee_member, role=Role.COMMITTEE)]
    )
    _health_rounds(org, programmes)
    return org


def _org_units(tag: str) -> tuple[list[OrgUnit], list[OrgUnit]]:
    """The departments and their teams."""
    departments = OrgUnit.objects.bulk_create(
        OrgUnit(name=f"Bench {tag} department {d}", kind=OrgUnit.Kind.DEPARTMENT) for d in range(DEPARTMENTS)
    )
    teams = OrgUnit.objects.bulk_create(
        OrgUnit(name=f"Team {t}", kind=OrgUnit.Kind.TEAM, parent=d)
        for d in departments
        for t in range(TEAMS_PER_DEPARTMENT)
    )
    return departments, teams


def _org_programmes(tag: str, today: datetime.date) -> tuple[list[Programme], dict[str, Course]]:
    """The measured programme and the others, each requiring the two courses of its roles."""
    programmes = Programme.objects.bulk_create(
        Programme(
            name=f"Bench {tag} {'measured' if p == 0 else f'other {p}'}",
            status=Programme.Status.RUNNING,
            starts_on=today - datetime.timedelta(days=800),
            mentor_hours_per_month=Decimal("2.0"),
            mentee_hours_per_month=Decimal("2.0"),
        )
        for p in range(1 + OTHER_PROGRAMMES)
    )
    courses = {
        role: Course.objects.create(title=f"Bench {tag} {label}", kind=kind, hours=Decimal("3.0"), validity_months=24)
        for role, label, kind in (
            (Role.MENTOR, "mentor training", Course.Kind.MENTOR_TRAINING),
            (Role.MENTEE, "mentee orientation", Course.Kind.MENTEE_ORIENTATION),
        )
    }
    ProgrammeRequirement.objects.bulk_create(
        ProgrammeRequirement(programme=p, role=role, course=course)
        for p in programmes
        for role, course in courses.items()
    )
    return programmes, courses


def _health_rounds(org: Org, programmes: list[Programme]) -> None:
    """The built-in health check, with a standing open round in every programme."""
    health = surveys_ensure_builtin()[Survey.Kind.HEALTH]
    org.health_questions = [q for q in health.questions.all() if q.kind == Question.Kind.LIKERT]
    org.health_rounds = {
        p.pk: SurveyRound.objects.create(
            survey=health,
            programme=p,
            title=health.title,
            audience=SurveyRound.Audience.PAIRS,
            status=SurveyRound.Status.OPEN,
            opens_on=org.today - datetime.timedelta(days=800),
            closes_on=org.today + datetime.timedelta(days=3650),
            sent_at=timezone.now(),
        )
        for p in programmes
    }


def _weighted_status(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for status, share in STATUSES:
        total += share
        if roll < total:
            return status
    return Pairing.Status.ACTIVE


def _grow_programme(org: Org, programme: Programme, pairings: int) -> None:
    """Add ``pairings`` pairings (two mentees a mentor) with all they bring, to one programme."""
    mentors = _people(org, -(-pairings // 2), grades=(4, 12))
    # One approved mentee in twenty is still waiting for a mentor: the enrolment figures' "unmatched".
    waiting = max(1, pairings // 20)
    mentees = _people(org, pairings + waiting, grades=(1, 7))
    _enrol(programme, mentors, mentees)
    rows = _pairing_rows(org, programme, mentors, mentees[:pairings])
    made = Pairing.objects.bulk_create(rows, batch_size=BATCH)
    _pauses_agreements_goals(org, made)
    _sessions(org, made)
    _training(org, programme, mentors, mentees)
    _allocations(org, programme, mentors + mentees)
    _health_answers(org, programme, made)
    Alert.objects.bulk_create(
        Alert(
            programme=programme,
            pairing=p,
            kind=Alert.Kind.SILENCE,
            reason="No confirmed session for eight weeks.",
        )
        for p in made[::33]
        if p.status == Pairing.Status.ACTIVE
    )
    org.pairings[programme.pk] = org.pairings.get(programme.pk, 0) + len(made)
    if org.pair is None and programme == org.measured:
        org.pair = next(p for p in made if p.status == Pairing.Status.ACTIVE)


def _enrol(programme: Programme, mentors: list[Person], mentees: list[Person]) -> None:
    """Memberships and approved applications (no endorsement needed) for the mentors and mentees."""
    Membership.objects.bulk_create(
        [Membership(programme=programme, person=p, role=Role.MENTOR) for p in mentors]
        + [Membership(programme=programme, person=p, role=Role.MENTEE) for p in mentees],
        batch_size=BATCH,
    )
    Application.objects.bulk_create(
        [
            Application(
                programme=programme,
                person=p,
                role=role,
                status=Application.Status.APPROVED,
                endorsement=Application.Endorsement.NOT_NEEDED,
                capacity=2 if role == Role.MENTOR else None,
            )
            for role, group in ((Role.MENTOR, mentors), (Role.MENTEE, mentees))
            for p in group
        ],
        batch_size=BATCH,
    )


def _pairing_rows(org: Org, programme: Programme, mentors: list[Person], mentees: list[Person]) -> list[Pairing]:
    """One unsaved pairing per mentee, two mentees a mentor, with a weighted status and dates."""
    rng, today = org.rng, org.today
    rows = []
    for i, mentee in enumerate(mentees):
        status = _weighted_status(rng)
        started = today - datetime.timedelta(days=rng.randint(40, 720))
        ended = None
        if status in (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY):
            ended = min(today - datetime.timedelta(days=1), started + datetime.timedelta(days=rng.randint(30, 365)))
        rows.append(
            Pairing(
                programme=programme,
                mentor=mentors[i // 2],
                mentee=mentee,
                status=status,
                source=Pairing.Source.ROUND,
                started_on=started,
                ended_on=ended,
                end_reason=rng.choice(Pairing.EndReason.values) if status == Pairing.Status.ENDED_EARLY else "",
                checkin_due_on=today + datetime.timedelta(days=rng.randint(-21, 13))
                if status == Pairing.Status.ACTIVE
                else None,
            )
        )
    return rows


def _pauses_agreements_goals(org: Org, made: list[Pairing]) -> None:
    """The paused pairings' pauses, every pairing's agreement and two goals."""
    rng, today = org.rng, org.today
    PairingPause.objects.bulk_create(
        (
            PairingPause(pairing=p, paused_on=max(p.started_on, today - datetime.timedelta(days=14)))
            for p in made
            if p.status == Pairing.Status.PAUSED
        ),
        batch_size=BATCH,
    )
    Agreement.objects.bulk_create(
        (
            Agreement(
                pairing=p,
                cadence_days=rng.choice([14, 21, 28]),
                mentor_signed_at=timezone.now(),
                mentee_signed_at=timezone.now(),
            )
            for p in made
        ),
        batch_size=BATCH,
    )
    goal_statuses = Goal.Status.values
    # Goals set in the pairing's first weeks, each with its history as the services write it: not started when
    # set, then its status and progress today from a day since (the report reads them at each period's end).
    goals = Goal.objects.bulk_create(
        (
            Goal(
                pairing=p,
                title=f"Goal {g + 1}",
                status=rng.choice(goal_statuses),
                progress=rng.randrange(0, 101, 10),
                rating_start=rng.randint(1, 5),
                created_at=_evening(p.started_on + datetime.timedelta(days=7 * g)),
            )
            for p in made
            for g in range(2)
        ),
        batch_size=BATCH,
    )
    states = []
    for goal in goals:
        set_on = goal.created_at.date()
        first = GoalState(goal=goal, status=Goal.Status.NOT_STARTED, progress=0, since=goal.created_at)
        states.append(first)
        if goal.status != Goal.Status.NOT_STARTED or goal.progress:
            changed = set_on + datetime.timedelta(days=rng.randint(1, max(1, (today - set_on).days)))
            first.until = _evening(changed)  # the first row ends where the change begins, as the services keep it
            states.append(GoalState(goal=goal, status=goal.status, progress=goal.progress, since=first.until))
    GoalState.objects.bulk_create(states, batch_size=BATCH)


def _sessions(org: Org, pairings: list[Pairing]) -> None:
    """About 20 sessions a pairing, spread from its start to its end (or today); the last few of a current
    pairing await confirmation, one in forty is disputed. Each pairing's last confirmed day and each confirmed
    session's gap are stored, as the services keep them; each session is logged on its day and answered the next,
    with the history the session services write (awaiting, then its answer), which committee reports read."""
    rng, today = org.rng, org.today
    statuses = MentoringSession.Status
    modes = SessionMode.values

    def rows():
        for p in pairings:
            last = p.ended_on or today
            span = max(1, (last - p.started_on).days)
            count = rng.randint(SESSIONS_PER_PAIRING - 4, SESSIONS_PER_PAIRING + 4)
            days = sorted(p.started_on + datetime.timedelta(days=rng.randint(0, span)) for _ in range(count))
            before = None  # the previous confirmed day: gap_days as the services keep it
            for n, day in enumerate(days):
                status = statuses.CONFIRMED
                if n >= count - 2 and p.status == Pairing.Status.ACTIVE and rng.random() < 0.5:
                    status = statuses.AWAITING
                elif rng.random() < 0.025:
                    status = statuses.DISPUTED
                gap = None
                if status == statuses.CONFIRMED:
                    p.last_session_on = day
                    gap = None if before is None else (day - before).days
                    before = day
                yield MentoringSession(
                    gap_days=gap,
                    pairing=p,
                    logged_by_id=p.mentor_id if n % 2 else p.mentee_id,
                    held_on=day,
                    duration_minutes=rng.choice([30, 45, 60, 60, 90]),
                    mode=rng.choice(modes),
                    summary=f"We talked about {rng.choice(TOPICS)} and agreed what to try before next time.",
                    next_steps="Try it and bring notes.",
                    status=status,
                    answered_by_id=None if status == statuses.AWAITING else p.mentee_id if n % 2 else p.mentor_id,
                    created_at=_evening(day),
                    answered_at=None if status == statuses.AWAITING else _evening(day + datetime.timedelta(days=1)),
                )

    batch: list[MentoringSession] = []
    for row in rows():
        batch.append(row)
        if len(batch) == BATCH:
            _sessions_create(batch)
            batch = []
    if batch:
        _sessions_create(batch)
    Pairing.objects.bulk_update(pairings, ["last_session_on"], batch_size=BATCH)


def _evening(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(18), tzinfo=datetime.UTC)


def _sessions_create(batch: list[MentoringSession]) -> None:
    """The sessions and their history: awaiting from when logged, then the answer from when answered."""
    for s in batch:
        s.recorded = True  # with the history just below, as the session services mark it
    MentoringSession.objects.bulk_create(batch)
    states = []
    for s in batch:
        common = {
            "session_id": s.pk,
            "pairing_id": s.pairing_id,
            "held_on": s.held_on,
            "duration_minutes": s.duration_minutes,
        }
        # The awaiting row ends when the answer is recorded (``until``), as the session services keep it.
        states.append(
            SessionState(status=MentoringSession.Status.AWAITING, since=s.created_at, until=s.answered_at, **common)
        )
        if s.answered_at is not None:
            states.append(SessionState(status=s.status, since=s.answered_at, **common))
    SessionState.objects.bulk_create(states, batch_size=BATCH)


def _training(org: Org, programme: Programme, mentors: list[Person], mentees: list[Person]) -> None:
    """One record per participant against their role's requirement: most completed and valid, some expiring
    within 30 days, one in ten missing (planned only)."""
    rng, today = org.rng, org.today
    records = []
    for role, group in ((Role.MENTOR, mentors), (Role.MENTEE, mentees)):
        for person in group:
            roll = rng.random()
            if roll < 0.1:
                records.append(TrainingRecord(person=person, course=org.courses[role], status="planned"))
                continue
            expires = today + datetime.timedelta(days=rng.randint(5, 25) if roll < 0.2 else rng.randint(60, 700))
            records.append(
                TrainingRecord(
                    person=person,
                    course=org.courses[role],
                    status=TrainingRecord.Status.COMPLETED,
                    completed_on=expires - datetime.timedelta(days=730),
                    expires_on=expires,
                    hours=Decimal("3.0"),
                )
            )
    TrainingRecord.objects.bulk_create(records, batch_size=BATCH)


def _allocations(org: Org, programme: Programme, people: list[Person]) -> None:
    month = month_start(org.today)
    months = [month]
    for _ in range(ALLOCATION_MONTHS - 1):
        months.append(month_start(months[-1] - datetime.timedelta(days=1)))
    # Each month's allocation made on its first day and most approved three days later, as the coordinators and
    # line managers would (the report counts what was allocated by a period's end: made today, none would count).
    approved, now = TimeAllocation.Status.APPROVED, timezone.now()
    TimeAllocation.objects.bulk_create(
        (
            TimeAllocation(
                programme=programme,
                person=p,
                month=m,
                hours=Decimal("2.0"),
                status=status,
                created_at=_evening(m),
                decided_at=min(_evening(m + datetime.timedelta(days=3)), now) if status == approved else None,
            )
            for p in people
            for m in months
            for status in [approved if org.rng.random() < 0.9 else TimeAllocation.Status.PENDING]
        ),
        batch_size=BATCH,
    )


def _health_answers(org: Org, programme: Programme, pairings: list[Pairing]) -> None:
    """Health checks as the automatic survey collects them: the mentee of most pairings answers every two
    months or so, the Likert questions scored 2 to 5."""
    rng, today = org.rng, org.today
    survey_round = org.health_rounds[programme.pk]
    responses = []
    for p in pairings:
        day = p.started_on + datetime.timedelta(days=30)
        last = p.ended_on or today
        while day <= last and rng.random() < 0.9:
            responses.append(
                SurveyResponse(
                    round=survey_round,
                    person_id=p.mentee_id,
                    pairing=p,
                    respondent_hash=secrets.token_hex(16),
                    role=Role.MENTEE,
                    submitted_on=day,
                )
            )
            day += datetime.timedelta(days=rng.randint(55, 75))
    scores = [[rng.randint(2, 5) for _ in org.health_questions] for _ in responses]
    for response, given in zip(responses, scores, strict=True):
        response.likert_total, response.likert_answers = sum(given), len(given)  # as the survey service stores
    responses = SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)
    Answer.objects.bulk_create(
        (
            Answer(response=r, question=q, likert=score)
            for r, given in zip(responses, scores, strict=True)
            for q, score in zip(org.health_questions, given, strict=True)
        ),
        batch_size=BATCH,
    )


def org_grow(org: Org, *, pairings: int) -> None:
    """Grow the measured programme to ``pairings`` pairings, and the others by half as much again."""
    more = pairings - org.measured_pairings
    if more <= 0:
        return
    _grow_programme(org, org.measured, more)
    others = max(1, round(more * OTHER_SHARE))
    for i, programme in enumerate(org.others):
        share = others // len(org.others) + (1 if i < others % len(org.others) else 0)
        if share:
            _grow_programme(org, programme, share)
