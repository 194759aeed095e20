"""The demo relationships' stories: what each current pairing of the running programme shows today (its check-in
state, cadence, goals, notes), the words of its goals, sessions and notes, and the richest story, Marcus and Mia's
(the demo logins). Data only; ``demo.relationships`` tells the stories.
"""

from __future__ import annotations

from dataclasses import dataclass

from mentoring.models import Goal, MeetingPreference, SessionMode
from mentoring.services.checkins import CheckinState

PAUSED = "paused"
MENTOR, MENTEE = "mentor", "mentee"


@dataclass(frozen=True)
class Story:
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
    # Marcus and Mia (the demo logins): a rich history, told in MIA_* below.
    Story(CheckinState.DUE_SOON, 14, _M.MIXED, goals=3),
    Story(
        CheckinState.ON_TRACK,
        14,
        _M.IN_PERSON,
        last=3,
        notes=(
            (1, MENTEE, "The role-play felt awkward, but I used the same words on Tuesday and it worked."),
            (6, MENTEE, "I was nervous before this one. Saying out loud what I want from my job helped."),
        ),
    ),
    Story(CheckinState.ON_TRACK, 14, _M.VIDEO, last=6, disputed=True),
    Story(CheckinState.OVERDUE, 14, _M.MIXED, goals=1, awaiting=True, fit_deciding=True),
    Story(
        CheckinState.ON_TRACK,
        21,
        _M.IN_PERSON,
        signed=MENTOR,
        goals=3,
        last=9,
        notes=((0, MENTOR, "I talked too much today. Next time: let the silences do some of the work."),),
    ),
    Story(CheckinState.DUE_SOON, 21, _M.VIDEO),
    Story(
        CheckinState.ESCALATED,
        14,
        _M.MIXED,
        signed="",
        goals=1,
        notes=((0, MENTOR, "We moved this meeting twice. Ask {mentee} whether the timing still works for them."),),
    ),
    Story(CheckinState.ON_TRACK, 14, _M.IN_PERSON, last=2),
    Story(
        CheckinState.OVERDUE,
        14,
        _M.PHONE,
        signed="",
        concern=True,
        notes=((0, MENTEE, "Our meetings keep moving because of my shifts. I feel bad about it and should say so."),),
    ),
    Story(CheckinState.ON_TRACK, 14, _M.MIXED, goals=3, last=5),
    Story(PAUSED, 14, _M.VIDEO, goals=1),
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
KICKOFF = (
    "First meeting. We talked about our roles and what {mentee} hopes to get from the programme, and agreed to "
    "meet {every}. {mentor} explained how {mentor_team} works; {mentee} described a typical week in {mentee_team}.",
    "{mentee} writes down two or three things to work on; {mentor} thinks of people worth meeting.",
)
GOAL_SETTING = (
    "Turned {mentee}'s wishes into goals and wrote down what success looks like for each. Started with {topic}: "
    "where {mentee} stands today and what a first small step could be.",
    "Add target dates to the goals; try the first small step before we meet again.",
)
REFLECTION = (
    "Looked back at the last few months: what has changed for {mentee}, what still feels hard, and how our "
    "meetings work for both of us. Updated the progress of the goals together.",
    "Update the goals page and choose the focus for the next two months.",
)
MIDDLE = [
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
ARRANGEMENTS = {
    _M.IN_PERSON: "We meet {every} on {weekday} afternoons, in person, taking turns between the {mentor_team} and "
    "{mentee_team} offices. If one of us cannot make it, we move the meeting within the week rather than skip it.",
    _M.VIDEO: "We meet {every} by video on {weekday} mornings, 45 to 60 minutes. Either of us can ask for a short "
    "extra call when something comes up.",
    _M.MIXED: "We meet {every} on {weekday}s: in person when we are both in the office, by video otherwise. "
    "{mentee} sends a short agenda the day before.",
    _M.PHONE: "We talk {every} by phone at the start of {mentee}'s shift. A text is fine for moving a meeting.",
}
MODES = {
    _M.IN_PERSON: (SessionMode.IN_PERSON,) * 4 + (SessionMode.VIDEO,),
    _M.VIDEO: (SessionMode.VIDEO,) * 5 + (SessionMode.PHONE,),
    _M.PHONE: (SessionMode.PHONE,) * 3 + (SessionMode.VIDEO, SessionMode.CHAT),
    _M.MIXED: (SessionMode.IN_PERSON, SessionMode.IN_PERSON, SessionMode.VIDEO, SessionMode.VIDEO, SessionMode.PHONE),
}
MINUTES = (30, 45, 45, 60, 60, 60, 75, 90)
EVERY = {7: "every week", 14: "every other week", 21: "every three weeks", 28: "every four weeks"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

# Marcus and Mia: her goals (skill, title, success, status, progress, self-rating at the start) ...
MIA_GOALS = [
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
MIA_SESSIONS = [
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
MIA_ACHIEVED_AT = 2  # the all-hands debrief
MIA_NEW_GOAL_AT = 4  # the rota became a goal
# ... the session Marcus logged two days ago, which waits for Mia's confirmation, and their notes.
MIA_AWAITING = (
    (1,),
    60,
    SessionMode.IN_PERSON,
    "Went through the first draft of the support budget line by line. The overtime figures are clear now; the "
    "training line still needs a source.",
    "Mia checks last year's training spend with Finance; Marcus shares his template for the budget note.",
)
MARCUS_NOTE = (
    "Mia is ready to present this budget to Finance herself. Tell her so next time, and stay quiet in that "
    "meeting unless she asks."
)
MIA_NOTE_EARLY = "I was worried Marcus would find my questions basic. He did not, and he had the same worries once."
MIA_NOTE_SHARED = (
    "The all-hands went well! My hands shook for the first minute, then I forgot about it. Thank you for the "
    "practice runs, they made the difference."
)
