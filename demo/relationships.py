"""Demo relationships: what happens inside the running programme's current pairings.

Every current pairing gets a story: how often the pair agreed to meet, its goals, about six months of sessions
and where its check-in schedule stands today. The sessions are laid out backwards from the last confirmed one,
so each state (on track, due soon, overdue, escalated) holds on whatever day the demo is seeded. Marcus and Mia
(the demo logins) have the richest history, with a session waiting for Mia's confirmation. The stories themselves
(states, cadences, words) are in ``demo.relationship_stories``.

Private notes are written through ``_note_save`` (encrypted, as in real use); the concern and the sessions that
wait for confirmation go through the services, so the people concerned get the notices real use would send.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.dates import long_date
from demo.organisation import DEMO_DOMAIN
from demo.pairings import demo_start
from demo.relationship_stories import (
    ARRANGEMENTS,
    CONCERN_TEXT,
    EVERY,
    GOAL_SETTING,
    GOAL_TEXTS,
    KICKOFF,
    MARCUS_NOTE,
    MENTOR,
    MIA_ACHIEVED_AT,
    MIA_AWAITING,
    MIA_GOALS,
    MIA_NEW_GOAL_AT,
    MIA_NOTE_EARLY,
    MIA_NOTE_SHARED,
    MIA_SESSIONS,
    MIDDLE,
    MINUTES,
    MODES,
    PAUSED,
    REFLECTION,
    STORIES,
    WEEKDAYS,
    Story,
)
from mentoring.models import (
    Agreement,
    Alert,
    FitAnswer,
    Goal,
    MentoringSession,
    Pairing,
    PrivateNote,
    Reminder,
    SessionMode,
)
from mentoring.services.checkins import (
    DUE_SOON_DAYS,
    CheckinState,
    checkin_interval,
    checkins_refresh,
    session_gaps_refresh,
)
from mentoring.services.concerns import concern_raise
from mentoring.services.relationship import SessionInput, _note_save, session_log
from programmes.models import ApplicationSkill, Person, Programme, Skill


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment on a demo day, never later than now."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return min(moment, timezone.now())


def _weekday(day: datetime.date, *, forward: bool = False) -> datetime.date:
    """The day itself on weekdays; the Friday before (or the Monday after) at weekends."""
    if day.weekday() < 5:
        return day
    return (
        day + datetime.timedelta(days=7 - day.weekday())
        if forward
        else day - datetime.timedelta(days=day.weekday() - 4)
    )


def _days_since_last(story: Story, *, grace: int, today: datetime.date) -> int:
    """Days since the last confirmed session that put the pairing in its story's state today, on a weekday."""
    cadence = story.cadence
    low, high, preferred = {
        CheckinState.ON_TRACK: (1, cadence - DUE_SOON_DAYS - 1, story.last),
        CheckinState.DUE_SOON: (cadence - DUE_SOON_DAYS, cadence, cadence - 2),
        CheckinState.OVERDUE: (cadence + 1, cadence + grace, cadence + min(3, grace)),
        CheckinState.ESCALATED: (cadence + grace + 1, cadence + grace + 10, cadence + grace + 5),
        PAUSED: (30, 50, 40),
    }[story.state]
    for step in (0, 1, -1, 2, -2, 3, -3):
        days = preferred + step
        if low <= days <= high and (today - datetime.timedelta(days=days)).weekday() < 5:
            return days
    return preferred


def _session_days(
    *, start: datetime.date, last: datetime.date, cadence: int, programme: Programme, rng: random.Random
) -> list[datetime.date]:
    """Meeting days from a kick-off soon after the start to ``last``: closer together in the intensive start,
    then about the cadence apart (give or take a few days), with the odd meeting missed."""
    if last < start:
        return []
    early = checkin_interval(
        cadence_days=cadence,
        intensive_days=programme.intensive_days,
        intensive_checkins=programme.intensive_checkins,
        in_intensive=True,
    )
    regular_from = start + datetime.timedelta(days=programme.intensive_days)
    days = []
    day = last
    while day >= regular_from:
        days.append(day)
        step = cadence + rng.choice((-2, -1, 0, 0, 0, 1, 2, 3))
        if rng.random() < 0.1:
            step += cadence  # a meeting missed: holidays, illness, a busy month
        day = _weekday(day - datetime.timedelta(days=step))
    first_regular = min(days, default=last + datetime.timedelta(days=1))
    day = _weekday(start + datetime.timedelta(days=rng.randint(2, 4)), forward=True)
    while day <= first_regular - datetime.timedelta(days=5):
        days.append(day)
        day = _weekday(day + datetime.timedelta(days=early + rng.choice((-1, 0, 1))), forward=True)
    return sorted(d for d in set(days) if start <= d <= last)


def _label(skill: Skill) -> str:
    return skill.name if skill.name == "Python" else skill.name.lower()


@dataclass
class _DemoGoal:
    goal: Goal
    skill: Skill  # what the sessions on this goal are about
    written: datetime.date
    done: datetime.date | None = None

    def open_on(self, day: datetime.date) -> bool:
        return self.written <= day and (self.done is None or day <= self.done)


@dataclass
class _Planned:
    """A session to insert, with its topics and the goals worked on."""

    session: MentoringSession
    topics: list[Skill]
    goals: list[Goal]


@dataclass
class _Told:
    """What one pairing's story adds; inserted together with every other pairing's."""

    pairing: Pairing
    story: Story
    agreement: Agreement
    goals: list[_DemoGoal]
    sessions: list[_Planned]
    fits: list[FitAnswer]
    notes: list[tuple[_Planned, Person, str, bool]]  # session, author, text, shared
    last: datetime.date  # the last confirmed session
    mia: bool


@transaction.atomic
def seed_relationships(*, programme: Programme, pairings: list[Pairing]) -> None:
    """Give each current demo pairing (in ``seed_pairings`` order: Marcus and Mia first) its story, once.

    A pairing that already has an agreement, a goal or a session is left as it is, so seeding again changes
    nothing. Private notes go through ``_note_save`` (encrypted); the concern and the sessions waiting for
    confirmation go through the services, so the people concerned are notified as in real use.
    """
    ids = [p.pk for p in pairings]
    todo = _untold(pairings, ids)
    skills = _skills_of(programme, todo)
    mia_skills = {s.name: s for s in Skill.objects.filter(name__in=[goal[0] for goal in MIA_GOALS])}
    today = timezone.localdate()
    told = [
        _tell(pairing, story, index, skills=skills, mia_skills=mia_skills, today=today)
        for pairing, story, index in todo
    ]

    _save_told(told)

    for t in told:
        if t.mia or t.story.awaiting:
            _log_awaiting(t, today=today)
        if t.story.concern:
            concern_raise(pairing=t.pairing, by=t.pairing.mentee, text=CONCERN_TEXT)
    checkins_refresh(pairing_ids=ids, instances=[t.pairing for t in told])
    session_gaps_refresh(pairing_ids=ids)
    for t in told:
        if t.story.state == CheckinState.ESCALATED and t.pairing.checkin_due_on:
            _escalate(t.pairing, today=today)


def _untold(pairings: list[Pairing], ids: list[int]) -> list[tuple[Pairing, Story, int]]:
    """(pairing, its story, its index) for each current pairing with no agreement, goal or session yet."""
    begun = (
        set(Agreement.objects.filter(pairing__in=ids).values_list("pairing", flat=True))
        | set(Goal.objects.filter(pairing__in=ids).values_list("pairing", flat=True))
        | set(MentoringSession.objects.filter(pairing__in=ids).values_list("pairing", flat=True))
    )
    by_pk = Pairing.objects.select_related("programme", "mentor__org_unit", "mentee__org_unit").in_bulk(ids)
    return [
        (by_pk[p.pk], story, i)
        for i, (p, story) in enumerate(zip(pairings, STORIES, strict=False))
        if p.pk not in begun and by_pk[p.pk].status in Pairing.CURRENT
    ]


def _skills_of(programme: Programme, todo: list[tuple[Pairing, Story, int]]) -> dict[int, list[Skill]]:
    """What each mentee wants to learn and each mentor offers, by person pk."""
    skills: dict[int, list[Skill]] = {}
    people = [p.mentee_id for p, _, _ in todo] + [p.mentor_id for p, _, _ in todo]
    rows = ApplicationSkill.objects.filter(application__programme=programme, application__person__in=people)
    for row in rows.select_related("skill", "application").order_by("pk"):
        skills.setdefault(row.application.person_id, []).append(row.skill)
    return skills


def _save_told(told: list[_Told]) -> None:
    """Save every story's agreement, goals, sessions (with topics and goals), fit answers and private notes."""
    planned = [p for t in told for p in t.sessions]
    Agreement.objects.bulk_create(t.agreement for t in told)
    Goal.objects.bulk_create(g.goal for t in told for g in t.goals)
    MentoringSession.objects.bulk_create(p.session for p in planned)
    MentoringSession.topics.through.objects.bulk_create(
        MentoringSession.topics.through(mentoringsession_id=p.session.pk, skill_id=skill.pk)
        for p in planned
        for skill in p.topics
    )
    MentoringSession.goals.through.objects.bulk_create(
        MentoringSession.goals.through(mentoringsession_id=p.session.pk, goal_id=goal.pk)
        for p in planned
        for goal in p.goals
    )
    FitAnswer.objects.bulk_create(f for t in told for f in t.fits)
    notes = [n for t in told for n in t.notes]
    for p, author, text, shared in notes:
        _note_save(p.session, author=author, text=text, shared=shared)  # encrypted, as in real use
    written = {(p.session.pk, author.pk): p.session.updated_at for p, author, _, _ in notes}
    dated = list(PrivateNote.objects.filter(session__in=[p.session.pk for p, *_ in notes]))
    for note in dated:
        note.created_at = note.updated_at = written.get((note.session_id, note.author_id), note.created_at)
    PrivateNote.objects.bulk_update(dated, ["created_at", "updated_at"])


def _tell(
    pairing: Pairing,
    story: Story,
    index: int,
    *,
    skills: dict[int, list[Skill]],
    mia_skills: dict[str, Skill],
    today: datetime.date,
) -> _Told:
    """One pairing's agreement, goals, sessions, fit answers and notes (not saved yet)."""
    programme = pairing.programme
    rng = random.Random(f"{pairing.mentor.email}/{pairing.mentee.email}")
    start = pairing.started_on or demo_start(programme)
    since = _days_since_last(story, grace=programme.escalation_grace_days, today=today)
    last = today - datetime.timedelta(days=since)
    days = _session_days(start=start, last=last, cadence=story.cadence, programme=programme, rng=rng)
    mia = (
        index == 0
        and pairing.mentee.email == f"mentee@{DEMO_DOMAIN}"
        and story.goals == len(MIA_GOALS)
        and len(days) > len(MIA_SESSIONS) + 2
    )
    words = _words(pairing, story)
    agreement = _agreement(pairing, story, start, words)
    wanted = skills.get(pairing.mentee_id) or list(mia_skills.values())
    goals = (
        _mia_goals(pairing, days, mia_skills, wanted, last=last, today=today)
        if mia
        else _goals(pairing, story, index, days, wanted, start=start, last=last, today=today, rng=rng)
    )
    sessions = _sessions(pairing, story, days, goals, wanted, skills.get(pairing.mentor_id, []), words, mia, rng)
    if story.disputed and len(days) > 4:
        sessions.extend(_disputed_copy(pairing, sessions[len(days) // 2], days, today=today))

    notes = _notes(pairing, story, days, sessions, words, mia)
    fits = _fits(pairing, story, days, mia)
    return _Told(pairing, story, agreement, goals, sessions, fits, notes, last, mia)


def _words(pairing: Pairing, story: Story) -> dict[str, str]:
    """The names, teams, cadence and weekday the story's texts are filled in with."""
    return {
        "mentor": pairing.mentor.get_short_name(),
        "mentee": pairing.mentee.get_short_name(),
        "mentor_team": pairing.mentor.org_unit.name if pairing.mentor.org_unit else "their team",
        "mentee_team": pairing.mentee.org_unit.name if pairing.mentee.org_unit else "their team",
        "every": EVERY.get(story.cadence, f"every {story.cadence} days"),
        "weekday": WEEKDAYS[pairing.pk % 5],
    }


def _agreement(pairing: Pairing, story: Story, start: datetime.date, words: dict[str, str]) -> Agreement:
    signed = _at(start + datetime.timedelta(days=3), 10)
    return Agreement(
        pairing=pairing,
        cadence_days=story.cadence,
        preferred_mode=story.mode,
        arrangements=ARRANGEMENTS[story.mode].format(**words),
        mentor_signed_at=signed if story.signed in ("both", MENTOR) else None,
        mentee_signed_at=signed if story.signed == "both" else None,
        updated_at=signed,
    )


def _notes(
    pairing: Pairing, story: Story, days: list, sessions: list, words: dict[str, str], mia: bool
) -> list[tuple[_Planned, Person, str, bool]]:
    """The story's private notes on its sessions (Mia's two among them)."""
    notes = []
    for back, side, text in story.notes:
        if back < len(days):
            author = pairing.mentor if side == MENTOR else pairing.mentee
            notes.append((sessions[len(days) - 1 - back], author, text.format(**words), False))
    if mia:
        mia_from = len(days) - len(MIA_SESSIONS)
        notes.append((sessions[1], pairing.mentee, MIA_NOTE_EARLY, False))
        notes.append((sessions[mia_from + MIA_ACHIEVED_AT], pairing.mentee, MIA_NOTE_SHARED, True))
    return notes


def _fits(pairing: Pairing, story: Story, days: list, mia: bool) -> list[FitAnswer]:
    """How is the fit: both answered after the third session, except Mia, who has not answered yet."""
    fits = []
    if len(days) > 2:
        answered = _at(days[2], 19)
        fits.append(FitAnswer(pairing=pairing, person=pairing.mentor, fit=FitAnswer.Fit.GOOD, answered_at=answered))
        if not mia:  # Mia has not answered yet: the demo asks her "how is the fit?"
            fit = FitAnswer.Fit.DECIDING if story.fit_deciding else FitAnswer.Fit.GOOD
            fits.append(FitAnswer(pairing=pairing, person=pairing.mentee, fit=fit, answered_at=answered))
    return fits


def _goal(pairing: Pairing, *, title: str, success: str, status: str, progress: int, rating: int, **dates) -> Goal:
    return Goal(
        pairing=pairing,
        title=title,
        success=success,
        status=status,
        progress=progress,
        rating_start=rating,
        created_by=pairing.mentee,
        **dates,
    )


def _goals(
    pairing: Pairing,
    story: Story,
    index: int,
    days: list[datetime.date],
    wanted: list[Skill],
    *,
    start: datetime.date,
    last: datetime.date,
    today: datetime.date,
    rng: random.Random,
) -> list[_DemoGoal]:
    """The first goals written at the second meeting, a third one half-way; the first well under way."""
    goals = []
    for k in range(story.goals):
        written = (days[1] if k < 2 else days[len(days) // 2]) if len(days) > 1 else start
        skill = wanted[k % len(wanted)]
        title, success = GOAL_TEXTS.get(skill.name, (f"Get better at {_label(skill)}", ""))
        if k == 0:
            status, progress = Goal.Status.IN_PROGRESS, rng.choice((40, 50, 60, 70))
        elif k == 1 and index % 2:
            status, progress = Goal.Status.IN_PROGRESS, rng.choice((10, 20, 30))
        else:
            status, progress = Goal.Status.NOT_STARTED, 0
        goal = _goal(
            pairing,
            title=title,
            success=success,
            status=status,
            progress=progress,
            rating=rng.randint(1, 3),
            target_on=today + datetime.timedelta(days=45 + 30 * k),
            created_at=_at(written, 18),
            updated_at=_at(last, 18),
        )
        goals.append(_DemoGoal(goal, skill, written))
    return goals


def _mia_goals(
    pairing: Pairing,
    days: list[datetime.date],
    mia_skills: dict[str, Skill],
    wanted: list[Skill],
    *,
    last: datetime.date,
    today: datetime.date,
) -> list[_DemoGoal]:
    """Mia's three goals, one after the other: presenting (from the start, achieved at the all-hands), then the
    budget (under way), then the rota (new)."""
    mia_from = len(days) - len(MIA_SESSIONS)
    achieved_on = days[mia_from + MIA_ACHIEVED_AT]
    goals = []
    for k, (name, title, success, status, progress, rating) in enumerate(MIA_GOALS):
        written = (days[1], achieved_on, days[mia_from + MIA_NEW_GOAL_AT])[k]
        done = achieved_on if status == Goal.Status.ACHIEVED else None
        goal = _goal(
            pairing,
            title=title,
            success=success,
            status=status,
            progress=progress,
            rating=rating,
            target_on=done or today + datetime.timedelta(days=45 + 30 * k),
            created_at=_at(written, 18),
            updated_at=_at(done or (last if k < 2 else written), 18),
        )
        goals.append(_DemoGoal(goal, mia_skills.get(name) or wanted[k % len(wanted)], written, done))
    return goals


def _sessions(
    pairing: Pairing,
    story: Story,
    days: list[datetime.date],
    goals: list[_DemoGoal],
    wanted: list[Skill],
    offered: list[Skill],
    words: dict[str, str],
    mia: bool,
    rng: random.Random,
) -> list[_Planned]:
    """A confirmed session on each day, on the goals open that day, logged by either side."""
    mia_from = len(days) - len(MIA_SESSIONS) if mia else len(days)
    middle = rng.sample(MIDDLE, len(MIDDLE))  # taken in turn, so that a pair does not repeat itself soon
    sessions = []
    for k, day in enumerate(days):
        open_goals = [g for g in goals if g.open_on(day)]
        worked = [open_goals[k % len(open_goals)]] if open_goals else []
        if worked and len(open_goals) > 1 and rng.random() < 0.25:
            worked.append(next(g for g in open_goals if g is not worked[0]))
        topics = [worked[0].skill if worked else goals[0].skill if goals else wanted[0]]
        extra = rng.choice(offered) if offered and rng.random() < 0.3 else None
        if extra and extra not in topics:
            topics.append(extra)
        if k == 0:
            summary, next_steps = KICKOFF
        elif k == 1:
            summary, next_steps = GOAL_SETTING
        elif k % 6 == 5:
            summary, next_steps = REFLECTION
        else:
            summary, next_steps = middle[k % len(middle)]
        minutes = rng.choice(MINUTES) if k else 90
        mode = rng.choice(MODES[story.mode])
        if k >= mia_from:
            indexes, minutes, mode, summary, next_steps = MIA_SESSIONS[k - mia_from]
            worked = [goals[i] for i in indexes]
            topics = [g.skill for g in worked]
        text = {**words, "topic": _label(topics[0]), "goal": worked[0].goal.title if worked else "the goals"}
        by_mentee = rng.random() < 0.6
        logger, other = (pairing.mentee, pairing.mentor) if by_mentee else (pairing.mentor, pairing.mentee)
        session = MentoringSession(
            pairing=pairing,
            logged_by=logger,
            held_on=day,
            duration_minutes=minutes,
            mode=mode,
            summary=summary.format(**text),
            next_steps=next_steps.format(**text),
            status=MentoringSession.Status.CONFIRMED,
            answered_by=other,
            answered_at=_at(day + datetime.timedelta(days=rng.randint(1, 3)), 9, 30),
            created_at=_at(day, 17),
            updated_at=_at(day, 17),
        )
        sessions.append(_Planned(session, list(dict.fromkeys(topics)), [g.goal for g in worked]))
    return sessions


def _disputed_copy(
    pairing: Pairing, original: _Planned, days: list[datetime.date], *, today: datetime.date
) -> list[_Planned]:
    """The mentor logged one meeting a second time, two days later; the mentee disputed the copy."""
    held = original.session.held_on
    copy_on = _weekday(held + datetime.timedelta(days=2), forward=True)
    if copy_on in days or copy_on >= today:
        return []
    copy = MentoringSession(
        pairing=pairing,
        logged_by=pairing.mentor,
        held_on=copy_on,
        duration_minutes=original.session.duration_minutes,
        mode=original.session.mode,
        summary=original.session.summary,
        next_steps=original.session.next_steps,
        status=MentoringSession.Status.DISPUTED,
        answered_by=pairing.mentee,
        answered_at=_at(copy_on + datetime.timedelta(days=1), 8, 45),
        dispute_reason=f"This is the same meeting as the one on {long_date(held)}, logged a second time. "
        "Please delete this one.",
        created_at=_at(copy_on, 16),
        updated_at=_at(copy_on, 16),
    )
    return [_Planned(copy, original.topics, original.goals)]


def _log_awaiting(told: _Told, *, today: datetime.date) -> None:
    """A session held a day or two ago that waits for the partner, logged through the service (which tells the
    partner, and encrypts the private note)."""
    pairing = told.pairing
    day = next(
        (d for d in (today - datetime.timedelta(days=n) for n in (2, 1, 3)) if d.weekday() < 5 and d > told.last),
        today,
    )
    if told.mia:
        indexes, minutes, mode, summary, next_steps = MIA_AWAITING
        worked = [told.goals[i] for i in indexes]
        by, note = pairing.mentor, MARCUS_NOTE
    else:
        minutes, mode, worked, by, note = 45, SessionMode.VIDEO, told.goals[:1], pairing.mentee, ""
        summary = "Caught up after a few busy weeks and agreed to keep our next meeting whatever happens."
        next_steps = "Book the next three meetings now, all at the same time of day."
    session_log(
        pairing=pairing,
        by=by,
        data=SessionInput(
            held_on=day,
            duration_minutes=minutes,
            mode=mode,
            topics=[g.skill for g in worked],
            goals=[g.goal for g in worked],
            summary=summary,
            next_steps=next_steps,
            private_note=note,
        ),
    )


def _escalate(pairing: Pairing, *, today: datetime.date) -> None:
    """The alert the reminder sweep raises once a check-in is overdue beyond the grace days, and the sweep's
    idempotency row, so that the sweep does not raise it a second time."""
    due = pairing.checkin_due_on
    grace = pairing.programme.escalation_grace_days
    last = f"; last confirmed session {long_date(pairing.last_session_on)}" if pairing.last_session_on else ""
    Alert.objects.create(
        programme_id=pairing.programme_id,
        pairing=pairing,
        kind=Alert.Kind.ESCALATION,
        severity=Alert.Severity.HIGH,
        reason=f"Check-in overdue by {(today - due).days} days (due {long_date(due)}){last}.",
        created_at=_at(due + datetime.timedelta(days=grace + 1), 7),
    )
    Reminder.objects.get_or_create(
        pairing=pairing, kind=Reminder.Kind.ESCALATION, due_on=due, defaults={"sweep": uuid.uuid4()}
    )
