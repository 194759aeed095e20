"""Demo relationships: what happens inside the running programme's current pairings.

Every current pairing gets a story: how often the pair agreed to meet, its goals, about six months of sessions
and where its check-in schedule stands today. The sessions are laid out backwards from the last confirmed one,
so each state (on track, due soon, overdue, escalated) holds on whatever day the demo is seeded. Marcus and Mia
(the demo logins) have the richest history, with a session waiting for Mia's confirmation.

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

from mentoring.demo import demo_start
from mentoring.models import (
    Agreement,
    Alert,
    FitAnswer,
    Goal,
    MeetingPreference,
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
from mentoring.services.pairing import long_date as _date
from mentoring.services.relationship import SessionInput, _note_save, concern_raise, session_log
from programmes.demo import DEMO_DOMAIN
from programmes.models import ApplicationSkill, Person, Programme, Skill

PAUSED = "paused"
MENTOR, MENTEE = "mentor", "mentee"


@dataclass(frozen=True)
class _Story:
    state: str  # the check-in state the pairing shows today (a CheckinState value), or PAUSED
    cadence: int  # the agreed cadence in days
    mode: str  # the agreed way of meeting (MeetingPreference)
    signed: str = "both"  # who signed the confidentiality acknowledgement: "both", MENTOR or "" (nobody yet)
    goals: int = 2
    last: int = 4  # days since the last confirmed session, for pairings on track (moved to a weekday)
    notes: tuple[tuple[int, str, str], ...] = ()  # private notes: (session counted from the latest, side, text)
    awaiting: bool = False  # the latest session waits for the partner's confirmation
    disputed: bool = False  # one session was logged twice and the partner disputed the copy
    fit_deciding: bool = False  # the mentee answers "still deciding" to "how is the fit?"
    concern: bool = False  # the mentee asks the coordinators for help


_M = MeetingPreference
STORIES = [
    # Marcus and Mia (the demo logins): a rich history, told in _MIA_* below.
    _Story(CheckinState.DUE_SOON, 14, _M.MIXED, goals=3),
    _Story(
        CheckinState.ON_TRACK,
        14,
        _M.IN_PERSON,
        last=3,
        notes=(
            (1, MENTEE, "The role-play felt awkward, but I used the same words on Tuesday and it worked."),
            (6, MENTEE, "I was nervous before this one. Saying out loud what I want from my job helped."),
        ),
    ),
    _Story(CheckinState.ON_TRACK, 14, _M.VIDEO, last=6, disputed=True),
    _Story(CheckinState.OVERDUE, 14, _M.MIXED, goals=1, awaiting=True, fit_deciding=True),
    _Story(
        CheckinState.ON_TRACK,
        21,
        _M.IN_PERSON,
        signed=MENTOR,
        goals=3,
        last=9,
        notes=((0, MENTOR, "I talked too much today. Next time: let the silences do some of the work."),),
    ),
    _Story(CheckinState.DUE_SOON, 21, _M.VIDEO),
    _Story(
        CheckinState.ESCALATED,
        14,
        _M.MIXED,
        signed="",
        goals=1,
        notes=((0, MENTOR, "We moved this meeting twice. Ask {mentee} whether the timing still works for them."),),
    ),
    _Story(CheckinState.ON_TRACK, 14, _M.IN_PERSON, last=2),
    _Story(
        CheckinState.OVERDUE,
        14,
        _M.PHONE,
        signed="",
        concern=True,
        notes=((0, MENTEE, "Our meetings keep moving because of my shifts. I feel bad about it and should say so."),),
    ),
    _Story(CheckinState.ON_TRACK, 14, _M.MIXED, goals=3, last=5),
    _Story(PAUSED, 14, _M.VIDEO, goals=1),
]

CONCERN_TEXT = (
    "We have had to cancel or move most of our meetings since my shifts changed. I would like help finding a "
    "rhythm that works for both of us; my mentor has been patient, this is not a complaint about them."
)

GOAL_TEXTS = {
    "Negotiation": ("Lead a negotiation on my own", "I prepare my walk-away point and lead one real negotiation."),
    "Budgeting": ("Build my team's budget for next year", "A draft budget where I can explain every line."),
    "Public speaking": ("Speak at the monthly all-hands", "Ten minutes at the all-hands with one clear message."),
    "Leading a team": ("Lead a small project team", "I run the weekly stand-up and we deliver on the date we set."),
    "Giving feedback": ("Give clear, kind feedback in the moment", "Feedback within a day, with an example."),
    "Project planning": ("Plan a cross-team project", "A plan with milestones, owners and risks the teams agreed."),
    "Data analysis": ("Answer a business question with our data", "A finding, checked, that changes a decision."),
    "Python": ("Automate the weekly report with Python", "The two-hour Monday report runs by itself."),
    "Customer empathy": ("Understand our customers' hardest moments", "Sit in on ten calls; bring back three changes."),
    "Stakeholder management": ("Map the stakeholders of my project", "Nobody is surprised by a decision."),
    "Coaching": ("Coach a new colleague", "I ask more than I tell; my colleague solves problems on their own."),
    "Writing for the web": ("Rewrite our help pages in plain language", "Five pages rewritten; fewer tickets."),
    "Procurement law": ("Run a small tender by the rules", "I can explain the thresholds and run a tender."),
    "Financial reporting": ("Read and explain the monthly report", "I walk a colleague through the variances."),
    "Change management": ("Help my team through the new system", "The team uses it by the deadline."),
    "Time management": ("Protect time for focused work", "Two blocked mornings a week that I keep."),
    "Conflict resolution": ("Handle disagreements early and calmly", "I name a disagreement when it starts."),
    "Career planning": ("Decide on my next career step", "A two-year plan, talked through with my manager."),
    "Presenting to executives": ("Present a proposal to the leadership team", "Five minutes, one ask, delivered."),
    "Hiring well": ("Take part in hiring for my team", "I write the questions and sit on the next panel."),
}

# (summary, next steps); placeholders: mentor, mentee (first names), their teams, topic, goal, every.
_KICKOFF = (
    "First meeting. We talked about our roles and what {mentee} hopes to get from the programme, and agreed to "
    "meet {every}. {mentor} explained how {mentor_team} works; {mentee} described a typical week in {mentee_team}.",
    "{mentee} writes down two or three things to work on; {mentor} thinks of people worth meeting.",
)
_GOAL_SETTING = (
    "Turned {mentee}'s wishes into goals and wrote down what success looks like for each. Started with {topic}: "
    "where {mentee} stands today and what a first small step could be.",
    "Add target dates to the goals; try the first small step before we meet again.",
)
_REFLECTION = (
    "Looked back at the last few months: what has changed for {mentee}, what still feels hard, and how our "
    "meetings work for both of us. Updated the progress of the goals together.",
    "Update the goals page and choose the focus for the next two months.",
)
_MIDDLE = [
    (
        "Went through a real situation from {mentee}'s week where {topic} mattered: what happened, what worked, "
        "and what {mentee} would do differently next time.",
        "Try the new approach in the next team meeting and bring notes on how it went.",
    ),
    (
        "{mentor} explained how {mentor_team} handles {topic} and we compared it with {mentee_team}: interesting "
        "differences in who decides and how early others are involved.",
        "{mentee} asks someone in {mentor_team} for a 20-minute conversation about it.",
    ),
    (
        'Reviewed progress on "{goal}". Steady progress; the hardest part is finding time for it in a busy month.',
        "Block one hour a week in the calendar for the goal and protect it.",
    ),
    (
        "Role-played a difficult conversation about {topic}. The second attempt was calmer and clearer.",
        "Have the real conversation before we next meet.",
    ),
    (
        "Talked about a setback: a piece of work on {topic} did not land as hoped. We separated what was in "
        "{mentee}'s control from what was not.",
        "{mentee} writes down three things learnt from it; {mentor} sends an article on {topic}.",
    ),
    (
        "Looked at {mentee}'s network across the organisation: who else could help with {topic}, and which "
        "communities of practice are worth joining.",
        "Go to one meeting outside {mentee_team} this month and tell {mentor} what stood out.",
    ),
    (
        "A short check-in in a busy month for both of us. Agreed what matters most until we next meet.",
        "Keep the next meeting even if it has to be short.",
    ),
    (
        "Prepared an upcoming piece of work on {topic}: the outline, who it is for, and what could go wrong.",
        "{mentee} sends {mentor} the outline two days before our next meeting.",
    ),
    (
        '{mentee} showed a first draft for "{goal}". {mentor} asked questions rather than giving answers; the '
        "draft got shorter and clearer.",
        "Finish the draft and ask one colleague for feedback.",
    ),
]
_ARRANGEMENTS = {
    _M.IN_PERSON: "We meet {every} on {weekday} afternoons, in person, taking turns between the {mentor_team} and "
    "{mentee_team} offices. If one of us cannot make it, we move the meeting within the week rather than skip it.",
    _M.VIDEO: "We meet {every} by video on {weekday} mornings, 45 to 60 minutes. Either of us can ask for a short "
    "extra call when something comes up.",
    _M.MIXED: "We meet {every} on {weekday}s: in person when we are both in the office, by video otherwise. "
    "{mentee} sends a short agenda the day before.",
    _M.PHONE: "We talk {every} by phone at the start of {mentee}'s shift. A text is fine for moving a meeting.",
}
_MODES = {
    _M.IN_PERSON: (SessionMode.IN_PERSON,) * 4 + (SessionMode.VIDEO,),
    _M.VIDEO: (SessionMode.VIDEO,) * 5 + (SessionMode.PHONE,),
    _M.PHONE: (SessionMode.PHONE,) * 3 + (SessionMode.VIDEO, SessionMode.CHAT),
    _M.MIXED: (SessionMode.IN_PERSON, SessionMode.IN_PERSON, SessionMode.VIDEO, SessionMode.VIDEO, SessionMode.PHONE),
}
_MINUTES = (30, 45, 45, 60, 60, 60, 75, 90)
_EVERY = {7: "every week", 14: "every other week", 21: "every three weeks", 28: "every four weeks"}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

# Marcus and Mia: her goals (skill, title, success, status, progress, self-rating at the start) ...
_MIA_GOALS = [
    (
        "Public speaking",
        "Present the support team's quarterly figures at the all-hands",
        "Ten minutes at the all-hands with one clear message, and I stay calm doing it.",
        Goal.Status.ACHIEVED,
        100,
        2,
    ),
    (
        "Budgeting",
        "Build and defend Customer Support's budget for next year",
        "I draft the budget, explain every line to Finance and know where each number comes from.",
        Goal.Status.IN_PROGRESS,
        40,
        1,
    ),
    (
        "Negotiation",
        "Agree a fairer weekend rota with the Logistics team",
        "A rota both teams have agreed to, and fewer weekend overtime hours in support.",
        Goal.Status.NOT_STARTED,
        0,
        2,
    ),
]
# ... their latest confirmed sessions, oldest first: (goals worked on, minutes, mode, summary, next steps) ...
_MIA_SESSIONS = [
    (
        (0,),
        60,
        SessionMode.IN_PERSON,
        "Planned Mia's slot at the all-hands: one message, three figures and one story from a customer call. "
        "Marcus suggested opening with the question the support team hears most often.",
        "Mia writes the outline and sends it to Marcus by Friday.",
    ),
    (
        (0,),
        45,
        SessionMode.VIDEO,
        "Two practice runs over video. The second was a minute shorter and much calmer; we cut two slides.",
        "One more run with Leo's team on Thursday, then the all-hands.",
    ),
    (
        (0, 1),
        60,
        SessionMode.IN_PERSON,
        "Debrief of the all-hands: it went well, and two people from Logistics asked for the figures afterwards. "
        "We marked the presenting goal as achieved. Started on the budget: what goes into a team budget and who "
        "signs it off.",
        "Mia collects last year's support spend; Marcus brings an example budget from Platform.",
    ),
    (
        (1,),
        75,
        SessionMode.IN_PERSON,
        "Walked through the Platform budget as an example: people, tools, training, fixed costs. Mia spotted "
        "that support's weekend overtime is in no budget line yet.",
        "Mia drafts the overtime line with figures from the last two quarters.",
    ),
    (
        (1, 2),
        60,
        SessionMode.VIDEO,
        "Talked about the weekend rota with Logistics that keeps causing overtime. We agreed it is a negotiation, "
        "not a complaint, added it as a goal, and listed what Mia wants and what Logistics might want.",
        "Mia asks the Logistics lead for 30 minutes once the budget draft is done.",
    ),
]
_MIA_ACHIEVED_AT = 2  # the all-hands debrief
_MIA_NEW_GOAL_AT = 4  # the rota became a goal
# ... the session Marcus logged two days ago, which waits for Mia's confirmation, and their notes.
_MIA_AWAITING = (
    (1,),
    60,
    SessionMode.IN_PERSON,
    "Went through the first draft of the support budget line by line. The overtime figures are clear now; the "
    "training line still needs a source.",
    "Mia checks last year's training spend with Finance; Marcus shares his template for the budget note.",
)
_MARCUS_NOTE = (
    "Mia is ready to present this budget to Finance herself. Tell her so next time, and stay quiet in that "
    "meeting unless she asks."
)
_MIA_NOTE_EARLY = "I was worried Marcus would find my questions basic. He did not, and he had the same worries once."
_MIA_NOTE_SHARED = (
    "The all-hands went well! My hands shook for the first minute, then I forgot about it. Thank you for the "
    "practice runs, they made the difference."
)


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


def _days_since_last(story: _Story, *, grace: int, today: datetime.date) -> int:
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
    story: _Story
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
    begun = (
        set(Agreement.objects.filter(pairing__in=ids).values_list("pairing", flat=True))
        | set(Goal.objects.filter(pairing__in=ids).values_list("pairing", flat=True))
        | set(MentoringSession.objects.filter(pairing__in=ids).values_list("pairing", flat=True))
    )
    by_pk = Pairing.objects.select_related("programme", "mentor__org_unit", "mentee__org_unit").in_bulk(ids)
    todo = [
        (by_pk[p.pk], story, i)
        for i, (p, story) in enumerate(zip(pairings, STORIES, strict=False))
        if p.pk not in begun and by_pk[p.pk].status in Pairing.CURRENT
    ]
    skills: dict[int, list[Skill]] = {}  # what each mentee wants to learn and each mentor offers
    people = [p.mentee_id for p, _, _ in todo] + [p.mentor_id for p, _, _ in todo]
    rows = ApplicationSkill.objects.filter(application__programme=programme, application__person__in=people)
    for row in rows.select_related("skill", "application").order_by("pk"):
        skills.setdefault(row.application.person_id, []).append(row.skill)
    mia_skills = {s.name: s for s in Skill.objects.filter(name__in=[goal[0] for goal in _MIA_GOALS])}
    today = timezone.localdate()
    told = [
        _tell(pairing, story, index, skills=skills, mia_skills=mia_skills, today=today)
        for pairing, story, index in todo
    ]

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


def _tell(
    pairing: Pairing,
    story: _Story,
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
        and story.goals == len(_MIA_GOALS)
        and len(days) > len(_MIA_SESSIONS) + 2
    )
    words = {
        "mentor": pairing.mentor.get_short_name(),
        "mentee": pairing.mentee.get_short_name(),
        "mentor_team": pairing.mentor.org_unit.name if pairing.mentor.org_unit else "their team",
        "mentee_team": pairing.mentee.org_unit.name if pairing.mentee.org_unit else "their team",
        "every": _EVERY.get(story.cadence, f"every {story.cadence} days"),
        "weekday": _WEEKDAYS[pairing.pk % 5],
    }
    signed = _at(start + datetime.timedelta(days=3), 10)
    agreement = Agreement(
        pairing=pairing,
        cadence_days=story.cadence,
        preferred_mode=story.mode,
        arrangements=_ARRANGEMENTS[story.mode].format(**words),
        mentor_signed_at=signed if story.signed in ("both", MENTOR) else None,
        mentee_signed_at=signed if story.signed == "both" else None,
        updated_at=signed,
    )
    wanted = skills.get(pairing.mentee_id) or list(mia_skills.values())
    goals = (
        _mia_goals(pairing, days, mia_skills, wanted, last=last, today=today)
        if mia
        else _goals(pairing, story, index, days, wanted, start=start, last=last, today=today, rng=rng)
    )
    sessions = _sessions(pairing, story, days, goals, wanted, skills.get(pairing.mentor_id, []), words, mia, rng)
    if story.disputed and len(days) > 4:
        sessions.extend(_disputed_copy(pairing, sessions[len(days) // 2], days, today=today))

    notes = []
    for back, side, text in story.notes:
        if back < len(days):
            author = pairing.mentor if side == MENTOR else pairing.mentee
            notes.append((sessions[len(days) - 1 - back], author, text.format(**words), False))
    fits = []
    if len(days) > 2:
        answered = _at(days[2], 19)
        fits.append(FitAnswer(pairing=pairing, person=pairing.mentor, fit=FitAnswer.Fit.GOOD, answered_at=answered))
        if not mia:  # Mia has not answered yet: the demo asks her "how is the fit?"
            fit = FitAnswer.Fit.DECIDING if story.fit_deciding else FitAnswer.Fit.GOOD
            fits.append(FitAnswer(pairing=pairing, person=pairing.mentee, fit=fit, answered_at=answered))
    if mia:
        mia_from = len(days) - len(_MIA_SESSIONS)
        notes.append((sessions[1], pairing.mentee, _MIA_NOTE_EARLY, False))
        notes.append((sessions[mia_from + _MIA_ACHIEVED_AT], pairing.mentee, _MIA_NOTE_SHARED, True))
    return _Told(pairing, story, agreement, goals, sessions, fits, notes, last, mia)


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
    story: _Story,
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
    mia_from = len(days) - len(_MIA_SESSIONS)
    achieved_on = days[mia_from + _MIA_ACHIEVED_AT]
    goals = []
    for k, (name, title, success, status, progress, rating) in enumerate(_MIA_GOALS):
        written = (days[1], achieved_on, days[mia_from + _MIA_NEW_GOAL_AT])[k]
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
    story: _Story,
    days: list[datetime.date],
    goals: list[_DemoGoal],
    wanted: list[Skill],
    offered: list[Skill],
    words: dict[str, str],
    mia: bool,
    rng: random.Random,
) -> list[_Planned]:
    """A confirmed session on each day, on the goals open that day, logged by either side."""
    mia_from = len(days) - len(_MIA_SESSIONS) if mia else len(days)
    middle = rng.sample(_MIDDLE, len(_MIDDLE))  # taken in turn, so that a pair does not repeat itself soon
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
            summary, next_steps = _KICKOFF
        elif k == 1:
            summary, next_steps = _GOAL_SETTING
        elif k % 6 == 5:
            summary, next_steps = _REFLECTION
        else:
            summary, next_steps = middle[k % len(middle)]
        minutes = rng.choice(_MINUTES) if k else 90
        mode = rng.choice(_MODES[story.mode])
        if k >= mia_from:
            indexes, minutes, mode, summary, next_steps = _MIA_SESSIONS[k - mia_from]
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
        dispute_reason=f"This is the same meeting as the one on {_date(held)}, logged a second time. "
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
        indexes, minutes, mode, summary, next_steps = _MIA_AWAITING
        worked = [told.goals[i] for i in indexes]
        by, note = pairing.mentor, _MARCUS_NOTE
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
    last = f"; last confirmed session {_date(pairing.last_session_on)}" if pairing.last_session_on else ""
    Alert.objects.create(
        programme_id=pairing.programme_id,
        pairing=pairing,
        kind=Alert.Kind.ESCALATION,
        severity=Alert.Severity.HIGH,
        reason=f"Check-in overdue by {(today - due).days} days (due {_date(due)}){last}.",
        created_at=_at(due + datetime.timedelta(days=grace + 1), 7),
    )
    Reminder.objects.get_or_create(
        pairing=pairing, kind=Reminder.Kind.ESCALATION, due_on=due, defaults={"sweep": uuid.uuid4()}
    )
