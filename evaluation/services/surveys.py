"""Surveys (issue 6, point 4): services and selectors.

- Templates: a programme's own surveys (Likert 1 to 5, one choice, free text), editable until a round is sent,
  and four built-ins shared by every programme (``programme`` empty), made on demand by
  ``surveys_ensure_builtin``: the relationship health check, the end-of-relationship survey, the programme
  feedback survey and the learning-environment audit.
- Rounds: a coordinator sends a survey to an audience of the programme; everyone invited is told once when the
  round opens and reminded once before it closes (the hourly sweep claims each step with a conditional UPDATE).
- Automatic surveys: the daily sweep asks both sides of each active pairing for a health check 30 days after
  the start and then every 60 days, and both sides of a pairing that has just closed for the end-of-relationship
  survey. Each programme has one standing round per automatic survey, made on first use; the invitation's
  (round, person, pairing, due date) is the idempotency key.
- Answers: anonymous surveys store no person and no pairing on the response, only a keyed hash (HMAC-SHA256
  under a key derived from SECRET_KEY) that stops a second answer; the invitation records *that* the person
  answered (as a date), never which response is theirs. A health score (the mean of a response's Likert
  answers) of 2.0 or lower, or 1.5 below the person's previous one, raises a health alert through mentoring.
- Results: every figure about fewer than TANDEM_MIN_GROUP_SIZE people is suppressed (evaluation.privacy).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, FloatField, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from mentoring.models import Alert, Pairing
from mentoring.relationship import alert_raise
from programmes.models import Membership, Person, Programme, Role
from programmes.services.notifications import Notice, notices_send

from .models import Answer, Question, Survey, SurveyInvitation, SurveyResponse, SurveyRound
from .privacy import Figure, figure, figure_table

LIKERT_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
TEXT_MAX_CHARS = 2000
OPTIONS_MIN, OPTIONS_MAX, OPTION_MAX_CHARS = 2, 12, 200
# Rounds a coordinator sends: the one reminder goes this many days before the round closes.
REMINDER_DAYS_BEFORE = 3
# Automatic surveys: the health check's schedule; how long each invitation stays open after its due date, and
# when its one reminder goes; how far back the daily sweep looks for pairings that closed (older closings
# predate the sweep and are not surveyed months later).
HEALTH_FIRST_DAYS = 30
HEALTH_EVERY_DAYS = 60
ANSWER_DAYS = 30
AUTO_REMINDER_AFTER_DAYS = 7
END_LOOKBACK_DAYS = 14
# A standing round is never closed by the sweep; its dates only satisfy the model.
STANDING_ROUND_DAYS = 10 * 365
# A health alert: the new score at or below this, or this far below the person's previous score.
HEALTH_LOW = 2.0
HEALTH_DROP = 1.5
AUTOMATIC_KINDS = (Survey.Kind.HEALTH, Survey.Kind.END)
# The key under which respondents are hashed: derived from SECRET_KEY, used for nothing else.
_HASH_SALT = "tandem.evaluation.surveys.respondent"


def _date(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


# --- The built-in surveys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    text: str
    kind: str = Question.Kind.LIKERT
    choices: tuple[str, ...] = ()
    required: bool = True
    dimension: str = ""


_D = Question.Dimension
_TEXT = Question.Kind.TEXT
BUILTIN: dict[str, tuple[str, str, bool, tuple[_Item, ...]]] = {
    Survey.Kind.HEALTH: (
        "Relationship health check",
        "A minute on how your mentoring is going. The programme's coordinators read your answers (your partner "
        "does not), so they can offer help early.",
        False,
        (
            _Item("We meet as we agreed."),
            _Item("I feel heard in our conversations."),
            _Item("We are making progress on our goals."),
            _Item("I would recommend that we continue."),
            _Item("Anything you would like the coordinators to know?", kind=_TEXT, required=False),
        ),
    ),
    Survey.Kind.END: (
        "End-of-relationship survey",
        "Your pairing has closed: tell us how it went. The programme's coordinators read your answers; your partner "
        "does not.",
        False,
        (
            _Item("Looking back at the goals we set together, I have reached them."),
            _Item("Overall, I am satisfied with the mentoring relationship."),
            _Item(
                "Would you recommend mentoring in this programme to a colleague?",
                kind=Question.Kind.CHOICE,
                choices=("Yes", "No", "Not sure"),
            ),
            _Item("What worked, and what would you change?", kind=_TEXT, required=False),
        ),
    ),
    Survey.Kind.FEEDBACK: (
        "Programme feedback",
        "Asked at the programme's mid-point and at its end. Anonymous: nobody can tell which answers are yours.",
        True,
        (
            _Item("The coordinators supported me when I needed it."),
            _Item("I had enough protected time for mentoring."),
            _Item("The training prepared me for my part in the programme."),
            _Item("What should the programme keep, change or stop?", kind=_TEXT, required=False),
        ),
    ),
    Survey.Kind.LEARNING_ENVIRONMENT: (
        "Learning-environment audit",
        "About your own team: where is learning supported, and where is it restricted? Anonymous: nobody can tell "
        "which answers are yours, and a team's results are shown only where at least five people answered.",
        True,
        (
            _Item(
                "In my team I take part in communities of practice beyond my own job, in other teams and disciplines.",
                dimension=_D.COMMUNITIES,
            ),
            _Item(
                "My team encourages taking part in networks and events outside the workplace.",
                dimension=_D.COMMUNITIES,
            ),
            _Item("In my team people rotate between jobs and tasks.", dimension=_D.CO_CONSTRUCTION),
            _Item(
                "My team works as a self-managed team, with a lot of autonomy over how we work.",
                dimension=_D.CO_CONSTRUCTION,
            ),
            _Item("In my team we share our expertise and develop our work together.", dimension=_D.CO_CONSTRUCTION),
            _Item("People in my team can attend off-the-job courses leading to qualifications.", dimension=_D.COURSES),
            _Item("In my team there is time for learning and thinking, not only for doing.", dimension=_D.REFLECTION),
            _Item("My manager supports my learning.", dimension=_D.SUPPORT),
            _Item("My colleagues support my learning.", dimension=_D.SUPPORT),
            _Item("What would make your team a better place to learn?", kind=_TEXT, required=False),
        ),
    ),
}


def surveys_ensure_builtin() -> dict[str, Survey]:
    """The four built-in surveys, created the first time anyone needs them. Idempotent: one query when they exist."""
    found = {s.kind: s for s in Survey.objects.filter(programme__isnull=True).exclude(kind=Survey.Kind.CUSTOM)}
    for kind, (title, description, anonymous, items) in BUILTIN.items():
        if kind in found:
            continue
        try:
            with transaction.atomic():
                survey = Survey.objects.create(kind=kind, title=title, description=description, anonymous=anonymous)
                Question.objects.bulk_create(
                    Question(
                        survey=survey,
                        position=i,
                        text=item.text,
                        kind=item.kind,
                        choices=list(item.choices),
                        required=item.required,
                        dimension=item.dimension,
                    )
                    for i, item in enumerate(items)
                )
        except IntegrityError:  # made a moment ago by someone else (one built-in of each kind)
            survey = Survey.objects.get(programme__isnull=True, kind=kind)
        found[kind] = survey
    return found


def _builtin(kind: str) -> Survey:
    return surveys_ensure_builtin()[kind]


# --- Templates: a programme's own surveys and their questions ----------------------------------------------


def survey_is_locked(survey: Survey) -> bool:
    """Questions stay as they were once a round is sent: answers must mean what they meant."""
    return survey.programme_id is None or survey.rounds.exists()


def _require_editable(survey: Survey) -> None:
    if survey.programme_id is None:
        raise PermissionDenied("Built-in surveys cannot be changed; create your own survey instead.")
    if survey.rounds.exists():
        raise ValidationError("This survey has been sent, so its questions can no longer change.")


@transaction.atomic
def survey_create(*, programme: Programme, by: Person, title: str, description: str = "", anonymous: bool) -> Survey:
    survey = Survey(
        programme=programme,
        kind=Survey.Kind.CUSTOM,
        title=title.strip(),
        description=(description or "").strip(),
        anonymous=anonymous,
        created_by=by,
    )
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, title: str, description: str = "", anonymous: bool) -> Survey:
    if survey.programme_id is None:
        raise PermissionDenied("Built-in surveys cannot be changed; create your own survey instead.")
    if anonymous != survey.anonymous and survey.rounds.exists():
        raise ValidationError({"anonymous": "This survey has been sent, so whether it is anonymous cannot change."})
    survey.title = title.strip()
    survey.description = (description or "").strip()
    survey.anonymous = anonymous
    survey.full_clean()
    survey.save()
    return survey


def options_clean(kind: str, options: Iterable[str]) -> list[str]:
    """A one-choice question's options: trimmed, without repeats, 2 to 12 of them; other kinds have none."""
    cleaned = list(dict.fromkeys(o.strip() for o in options if o and o.strip()))
    if kind != Question.Kind.CHOICE:
        if cleaned:
            raise ValidationError(
                {"choices": "Only one-choice questions have options: clear them, or choose “One choice”."}
            )
        return []
    if not OPTIONS_MIN <= len(cleaned) <= OPTIONS_MAX:
        raise ValidationError(
            {"choices": f"Give between {OPTIONS_MIN} and {OPTIONS_MAX} different options, one a line."}
        )
    if any(len(o) > OPTION_MAX_CHARS for o in cleaned):
        raise ValidationError({"choices": f"Keep each option under {OPTION_MAX_CHARS} characters."})
    return cleaned


def _apply_question(
    question: Question, *, text: str, kind: str, choices: Iterable[str], required: bool, dimension: str
) -> None:
    if dimension and kind != Question.Kind.LIKERT:
        raise ValidationError(
            {"dimension": "Only questions on the scale of 1 to 5 can describe the learning environment."}
        )
    question.text = text.strip()
    question.kind = kind
    question.choices = options_clean(kind, choices)
    question.required = required
    question.dimension = dimension or ""
    question.full_clean()
    question.save()


@transaction.atomic
def question_create(
    *, survey: Survey, text: str, kind: str, choices: Iterable[str] = (), required: bool = True, dimension: str = ""
) -> Question:
    _require_editable(survey)
    last = survey.questions.aggregate(last=Max("position"))["last"]
    question = Question(survey=survey, position=0 if last is None else last + 1)
    _apply_question(question, text=text, kind=kind, choices=choices, required=required, dimension=dimension)
    return question


@transaction.atomic
def question_update(
    *, question: Question, text: str, kind: str, choices: Iterable[str] = (), required: bool = True, dimension: str = ""
) -> Question:
    _require_editable(question.survey)
    _apply_question(question, text=text, kind=kind, choices=choices, required=required, dimension=dimension)
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    _require_editable(question.survey)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, direction: str) -> Question:
    """Move a question one place up or down (the others renumbered 0, 1, 2...)."""
    _require_editable(question.survey)
    if direction not in ("up", "down"):
        raise ValidationError("Move a question up or down.")
    questions = list(question.survey.questions.select_for_update().order_by("position", "pk"))
    at = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(questions):
        questions[at], questions[to] = questions[to], questions[at]
    for i, q in enumerate(questions):
        q.position = i
    Question.objects.bulk_update(questions, ["position"])
    return next(q for q in questions if q.pk == question.pk)


# --- Rounds a coordinator sends ----------------------------------------------------------------------------


def _audience(programme: Programme, audience: str, *, anonymous: bool) -> list[tuple[Person, Pairing | None]]:
    """(person, pairing) for each invitation. Both sides of each current pairing are asked about that pairing,
    except in an anonymous survey, which asks each person once and about nothing that names them."""
    if audience == SurveyRound.Audience.PAIRS:
        pairings = Pairing.objects.current().filter(programme=programme).select_related("mentor", "mentee")
        pairs = [(person, p) for p in pairings.order_by("pk") for person in (p.mentor, p.mentee)]
        if anonymous:
            people = {person.pk: person for person, _ in pairs}
            return [(person, None) for person in people.values()]
        return pairs
    roles = {
        SurveyRound.Audience.PARTICIPANTS: (Role.MENTOR, Role.MENTEE),
        SurveyRound.Audience.MENTORS: (Role.MENTOR,),
        SurveyRound.Audience.MENTEES: (Role.MENTEE,),
    }[audience]
    people = Person.objects.filter(
        Exists(Membership.objects.filter(programme=programme, person=OuterRef("pk"), role__in=roles))
    ).order_by("pk")
    return [(person, None) for person in people]


@transaction.atomic
def survey_round_send(
    *,
    survey: Survey,
    programme: Programme,
    by: Person,
    title: str,
    audience: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    today: datetime.date | None = None,
) -> SurveyRound:
    """Send a survey to an audience of the programme: invitations made at once; the round opens (and everyone
    is told) today, or on ``opens_on`` through the hourly sweep."""
    today = today or timezone.localdate()
    if survey.programme_id not in (None, programme.pk):
        raise PermissionDenied("This survey belongs to another programme.")
    if survey.kind in AUTOMATIC_KINDS:
        raise PermissionDenied(f"The {survey.title.lower()} is sent automatically; it cannot be sent by hand.")
    if not survey.questions.exists():
        raise ValidationError("Add at least one question before sending the survey.")
    if opens_on < today:
        raise ValidationError({"opens_on": "A round cannot open in the past."})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The round must close on or after the day it opens."})
    if audience not in SurveyRound.Audience.values:
        raise ValidationError({"audience": "Choose who is asked."})
    invitees = [
        (person, pairing)
        for person, pairing in _audience(programme, audience, anonymous=survey.anonymous)
        if person.is_active
    ]
    if not invitees:
        raise ValidationError({"audience": "Nobody in this programme fits that audience yet."})
    survey_round = SurveyRound(
        survey=survey,
        programme=programme,
        title=title.strip(),
        audience=audience,
        status=SurveyRound.Status.DRAFT,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    survey_round.full_clean()
    survey_round.save()
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(round=survey_round, person=person, pairing=pairing, due_on=opens_on)
        for person, pairing in invitees
    )
    if opens_on <= today:
        survey_round_open(pk=survey_round.pk, today=today)
        survey_round.refresh_from_db()
    return survey_round


def _round_notices(survey_round: SurveyRound, invitations: list[SurveyInvitation], *, reminder: bool) -> list[Notice]:
    """One notice per person (a mentor with two mentees is invited twice but told once)."""
    by_person: dict[int, list[SurveyInvitation]] = defaultdict(list)
    for invitation in invitations:
        by_person[invitation.person_id].append(invitation)
    survey = survey_round.survey
    privacy = " Your answers are anonymous." if survey.anonymous else ""
    notices = []
    for mine in by_person.values():
        url = (
            reverse("evaluation:survey_answer", args=[mine[0].pk])
            if len(mine) == 1
            else reverse("evaluation:my_surveys")
        )
        if reminder:
            text = (
                f"Reminder: “{survey_round.title}” in {survey_round.programme} closes on "
                f"{_date(survey_round.closes_on)}. It takes a few minutes.{privacy}"
            )
            subject = f"Reminder: {survey_round.title}"
        else:
            text = (
                f"Please answer “{survey_round.title}” for {survey_round.programme} by "
                f"{_date(survey_round.closes_on)}. It takes a few minutes.{privacy}"
            )
            subject = f"A short survey: {survey_round.title}"
        notices.append(Notice(person=mine[0].person, text=text, url=url, email_subject=subject))
    return notices


def _round_for_notices(pk: int) -> SurveyRound:
    return SurveyRound.objects.select_related("survey", "programme").get(pk=pk)


def survey_round_open(*, pk: int, today: datetime.date) -> bool:
    """Open a round whose day has come and tell everyone invited, once.

    The conditional UPDATE (not sent yet) is the claim: of two sweeps, or a sweep and the coordinator's own
    request, exactly one changes the row and only that one tells anybody.
    """
    with transaction.atomic():
        claimed = SurveyRound.objects.filter(
            pk=pk, sent_at__isnull=True, status=SurveyRound.Status.DRAFT, opens_on__lte=today, closes_on__gte=today
        ).update(status=SurveyRound.Status.OPEN, sent_at=timezone.now())
        if not claimed:
            return False
        survey_round = _round_for_notices(pk)
        invitations = list(survey_round.invitations.select_related("person").order_by("pk"))
        notices_send(_round_notices(survey_round, invitations, reminder=False))
    return True


def survey_round_remind(*, pk: int, today: datetime.date) -> int:
    """Remind, once, everyone invited to an open round who has not answered. Returns how many were reminded."""
    with transaction.atomic():
        now = timezone.now()
        claimed = SurveyRound.objects.filter(pk=pk, status=SurveyRound.Status.OPEN, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed:
            return 0
        survey_round = _round_for_notices(pk)
        waiting = list(
            survey_round.invitations.filter(responded_at__isnull=True).select_related("person").order_by("pk")
        )
        SurveyInvitation.objects.filter(pk__in=[i.pk for i in waiting]).update(reminded_at=now)
        notices_send(_round_notices(survey_round, waiting, reminder=True))
    return len({i.person_id for i in waiting})


def survey_rounds_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """The hourly sweep over rounds coordinators sent: open those whose day has come, remind those closing in
    a few days (once), close those past their last day. Repeated or missed ticks do no harm."""
    today = today or timezone.localdate()
    manual = SurveyRound.objects.exclude(survey__kind__in=AUTOMATIC_KINDS)
    to_open = manual.filter(status=SurveyRound.Status.DRAFT, sent_at__isnull=True, opens_on__lte=today)
    opened = sum(survey_round_open(pk=pk, today=today) for pk in list(to_open.values_list("pk", flat=True)))
    to_remind = manual.filter(
        status=SurveyRound.Status.OPEN,
        reminded_at__isnull=True,
        opens_on__lt=today,
        closes_on__gte=today,
        closes_on__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE),
    )
    reminded = sum(survey_round_remind(pk=pk, today=today) for pk in list(to_remind.values_list("pk", flat=True)))
    closed = manual.filter(status__in=(SurveyRound.Status.OPEN, SurveyRound.Status.DRAFT), closes_on__lt=today).update(
        status=SurveyRound.Status.CLOSED
    )
    return {"opened": opened, "reminded": reminded, "closed": closed}


# --- Automatic surveys: health checks and the end-of-relationship survey ----------------------------------


def health_due_on(started_on: datetime.date, today: datetime.date) -> datetime.date | None:
    """The latest health check due by ``today``: 30 days after the start, then every 60 days."""
    days = (today - started_on).days
    if days < HEALTH_FIRST_DAYS:
        return None
    return started_on + datetime.timedelta(
        days=HEALTH_FIRST_DAYS + HEALTH_EVERY_DAYS * ((days - HEALTH_FIRST_DAYS) // HEALTH_EVERY_DAYS)
    )


def _standing_round(programme_id: int, survey: Survey, today: datetime.date) -> SurveyRound:
    """The programme's one round of an automatic survey, made on first use. Locking the programme's row
    serialises sweeps, so two never make two standing rounds or invite the same person twice."""
    programme = Programme.objects.select_for_update().get(pk=programme_id)
    found = SurveyRound.objects.filter(programme=programme, survey=survey).order_by("pk").first()
    if found is not None:
        found.survey, found.programme = survey, programme
        return found
    return SurveyRound.objects.create(
        survey=survey,
        programme=programme,
        title=survey.title,
        audience=SurveyRound.Audience.PAIRS,
        status=SurveyRound.Status.OPEN,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=STANDING_ROUND_DAYS),
        sent_at=timezone.now(),
    )


def invitation_answer_by(invitation: SurveyInvitation) -> datetime.date:
    """The last day an invitation can be answered."""
    if invitation.round.survey.kind in AUTOMATIC_KINDS:
        return invitation.due_on + datetime.timedelta(days=ANSWER_DAYS - 1)
    return invitation.round.closes_on


def pairing_partner(pairing: Pairing, person: Person) -> Person:
    return pairing.mentee if person.pk == pairing.mentor_id else pairing.mentor


def _automatic_notice(invitation: SurveyInvitation, *, reminder: bool) -> Notice:
    pairing, person = invitation.pairing, invitation.person
    partner = pairing_partner(pairing, person)
    by = _date(invitation_answer_by(invitation))
    programme = invitation.round.programme
    if invitation.round.survey.kind == Survey.Kind.HEALTH:
        text = f"How is your mentoring with {partner} going? A one-minute health check for {programme}, by {by}."
        subject = "How is your mentoring going?"
    else:
        text = f"Your pairing with {partner} has closed. Tell us how it went (a short survey for {programme}), by {by}."
        subject = "How did your mentoring go?"
    if reminder:
        text, subject = f"Reminder: {text}", f"Reminder: {subject}"
    url = reverse("evaluation:survey_answer", args=[invitation.pk])
    return Notice(person=person, text=text, url=url, email_subject=subject)


def _invite_pairings(survey: Survey, due: Mapping[Pairing, datetime.date], today: datetime.date) -> int:
    """Invite both sides of each pairing (due on its date) into its programme's standing round."""
    by_programme: dict[int, list[tuple[Pairing, datetime.date]]] = defaultdict(list)
    for pairing, due_on in due.items():
        by_programme[pairing.programme_id].append((pairing, due_on))
    made = 0
    for programme_id, items in sorted(by_programme.items()):
        with transaction.atomic():
            standing = _standing_round(programme_id, survey, today)
            existing = set(
                standing.invitations.filter(pairing__in=[p for p, _ in items]).values_list(
                    "person_id", "pairing_id", "due_on"
                )
            )
            new = [
                SurveyInvitation(round=standing, person=person, pairing=pairing, due_on=due_on)
                for pairing, due_on in items
                for person in (pairing.mentor, pairing.mentee)
                if person.is_active and (person.pk, pairing.pk, due_on) not in existing
            ]
            SurveyInvitation.objects.bulk_create(new)
            for invitation in new:
                invitation.round = standing
            notices_send(_automatic_notice(invitation, reminder=False) for invitation in new)
            made += len(new)
    return made


def health_checks_invite(*, today: datetime.date | None = None) -> int:
    """Ask both sides of each active pairing for a health check when one is due. Returns the invitations made."""
    today = today or timezone.localdate()
    survey = _builtin(Survey.Kind.HEALTH)
    pairings = Pairing.objects.filter(
        status=Pairing.Status.ACTIVE,
        started_on__isnull=False,
        started_on__lte=today - datetime.timedelta(days=HEALTH_FIRST_DAYS),
    ).select_related("programme", "mentor", "mentee")
    due = {}
    for pairing in pairings:
        due_on = health_due_on(pairing.started_on, today)
        # A check missed by more than its answer window (a long pause, a stopped sweep) waits for the next one.
        if due_on is not None and (today - due_on).days < ANSWER_DAYS:
            due[pairing] = due_on
    return _invite_pairings(survey, due, today)


def end_surveys_invite(*, today: datetime.date | None = None) -> int:
    """Ask both sides of each pairing that closed lately (and ran) for the end-of-relationship survey, once.

    mentoring cannot call evaluation, so the daily sweep finds the pairings completed or ended early since it
    last ran (within END_LOOKBACK_DAYS) that have no invitation yet.
    """
    today = today or timezone.localdate()
    survey = _builtin(Survey.Kind.END)
    invited = SurveyInvitation.objects.filter(round__survey=survey, pairing=OuterRef("pk"))
    closed = (
        Pairing.objects.filter(
            status__in=(Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY),
            started_on__isnull=False,  # a declined proposal never ran
            ended_on__gte=today - datetime.timedelta(days=END_LOOKBACK_DAYS),
            ended_on__lte=today,
        )
        .exclude(Exists(invited))
        .select_related("programme", "mentor", "mentee")
    )
    return _invite_pairings(survey, {pairing: pairing.ended_on for pairing in closed}, today)


def automatic_invitations_remind(*, today: datetime.date | None = None) -> int:
    """Remind, once, whoever has not answered an automatic survey a week after it was due."""
    today = today or timezone.localdate()
    due = SurveyInvitation.objects.filter(
        round__survey__kind__in=AUTOMATIC_KINDS,
        round__status=SurveyRound.Status.OPEN,
        responded_at__isnull=True,
        reminded_at__isnull=True,
        due_on__lte=today - datetime.timedelta(days=AUTO_REMINDER_AFTER_DAYS),
        due_on__gt=today - datetime.timedelta(days=ANSWER_DAYS),
    )
    reminded = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # The claim: of two sweeps, only the one that sets reminded_at tells the person.
            if not SurveyInvitation.objects.filter(pk=pk, reminded_at__isnull=True, responded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            invitation = SurveyInvitation.objects.select_related(
                "person", "pairing__mentor", "pairing__mentee", "round__survey", "round__programme"
            ).get(pk=pk)
            notices_send([_automatic_notice(invitation, reminder=True)])
            reminded += 1
    return reminded


def relationship_surveys_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily sweep of automatic surveys (a missed day catches up, a repeated one sends nothing)."""
    today = today or timezone.localdate()
    return {
        "health": health_checks_invite(today=today),
        "end": end_surveys_invite(today=today),
        "reminded": automatic_invitations_remind(today=today),
    }


# --- Answering ---------------------------------------------------------------------------------------------


def open_invitations_q(today: datetime.date) -> Q:
    manual = ~Q(round__survey__kind__in=AUTOMATIC_KINDS) & Q(round__opens_on__lte=today, round__closes_on__gte=today)
    automatic = Q(
        round__survey__kind__in=AUTOMATIC_KINDS,
        due_on__lte=today,
        due_on__gt=today - datetime.timedelta(days=ANSWER_DAYS),
    )
    return Q(responded_at__isnull=True, round__status=SurveyRound.Status.OPEN) & (manual | automatic)


def invitation_is_open(invitation: SurveyInvitation, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    survey_round = invitation.round
    if invitation.responded_at is not None or survey_round.status != SurveyRound.Status.OPEN:
        return False
    if survey_round.survey.kind in AUTOMATIC_KINDS:
        return invitation.due_on <= today <= invitation_answer_by(invitation)
    return survey_round.opens_on <= today <= survey_round.closes_on


def respondent_hash(*, survey_round: SurveyRound, person: Person, invitation: SurveyInvitation | None = None) -> str:
    """HMAC-SHA256 of the round and the person under a key derived from SECRET_KEY.

    Anonymous surveys: one answer per person and round, and nothing a reader of the database can turn back
    into the person without the server's secret. Other surveys are asked per pairing and due date (a mentor
    answers a health check for each mentee, every 60 days), so the invitation's key is hashed too.
    """
    message = f"{survey_round.pk}:{person.pk}"
    if invitation is not None and not survey_round.survey.anonymous:
        message = f"{message}:{invitation.pairing_id or '-'}:{invitation.due_on.isoformat()}"
    return salted_hmac(_HASH_SALT, message, algorithm="sha256").hexdigest()


def answers_clean(questions: Iterable[Question], raw: Mapping[int, object]) -> list[tuple[Question, object]]:
    """Each question's answer checked (required, 1 to 5, one of the options, length). Unanswered optional
    questions are left out. Raises ValidationError keyed ``q<question id>``."""
    errors: dict[str, str] = {}
    cleaned = []
    for question in questions:
        value = raw.get(question.pk)
        key = f"q{question.pk}"
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                errors[key] = "Please answer this question."
            continue
        if question.kind == Question.Kind.LIKERT:
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= 5:
                errors[key] = "Choose a point on the scale from 1 to 5."
                continue
        elif question.kind == Question.Kind.CHOICE:
            if value not in question.choices:
                errors[key] = "Choose one of the options listed."
                continue
        elif len(str(value)) > TEXT_MAX_CHARS:
            errors[key] = f"Please keep your answer under {TEXT_MAX_CHARS} characters."
            continue
        cleaned.append((question, value))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _respondent_role(invitation: SurveyInvitation) -> str:
    pairing, person = invitation.pairing, invitation.person
    if pairing is not None:
        return Role.MENTOR if pairing.mentor_id == person.pk else Role.MENTEE
    audience = invitation.round.audience
    if audience == SurveyRound.Audience.MENTORS:
        return Role.MENTOR
    if audience == SurveyRound.Audience.MENTEES:
        return Role.MENTEE
    roles = set(
        Membership.objects.participants()
        .filter(programme_id=invitation.round.programme_id, person=person)
        .values_list("role", flat=True)
    )
    return Role.MENTOR if Role.MENTOR in roles else (Role.MENTEE if roles else "")


def health_score(answers: Iterable[tuple[Question, object]]) -> float | None:
    """The mean of a response's answers on the scale of 1 to 5."""
    values = [v for q, v in answers if q.kind == Question.Kind.LIKERT]
    return round(sum(values) / len(values), 1) if values else None


def _health_check(response: SurveyResponse, score: float | None) -> Alert | None:
    if score is None or response.pairing_id is None:
        return None
    previous = Answer.objects.filter(
        response=SurveyResponse.objects.filter(
            person_id=response.person_id, pairing_id=response.pairing_id, round__survey__kind=Survey.Kind.HEALTH
        )
        .exclude(pk=response.pk)
        .order_by("-submitted_on", "-pk")
        .values("pk")[:1],
        likert__isnull=False,
    ).values_list("likert", flat=True)
    previous = list(previous)
    before = round(sum(previous) / len(previous), 1) if previous else None
    side = "mentor" if response.pairing.mentor_id == response.person_id else "mentee"
    if before is not None and before - score >= HEALTH_DROP:
        reason = f"health score fell from {before:.1f} to {score:.1f} (the {side}'s health check)"
    elif score <= HEALTH_LOW:
        reason = f"health score {score:.1f} out of 5 (the {side}'s health check)"
    else:
        return None
    return alert_raise(pairing=response.pairing, kind=Alert.Kind.HEALTH, reason=reason, severity=Alert.Severity.HIGH)


def _response_record(
    invitation: SurveyInvitation,
    answers: list[tuple[Question, object]],
    *,
    may_quote: bool,
    on: datetime.date,
    now: datetime.datetime | None = None,
) -> SurveyResponse:
    survey_round, person = invitation.round, invitation.person
    anonymous = survey_round.survey.anonymous
    digest = respondent_hash(survey_round=survey_round, person=person, invitation=invitation)
    if SurveyResponse.objects.filter(round=survey_round, respondent_hash=digest).exists():
        raise ValidationError("You have already answered this survey.")
    likerts = [value for question, value in answers if question.kind == Question.Kind.LIKERT and value is not None]
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                likert_total=sum(likerts),
                likert_answers=len(likerts),
                round=survey_round,
                person=None if anonymous else person,
                pairing=None if anonymous else invitation.pairing,
                respondent_hash=digest,
                team_id=person.org_unit_id,
                role=_respondent_role(invitation),
                may_quote=may_quote,
                # Anonymous: the round's opening day, not the day of answering, which the invitation's
                # "answered" mark would otherwise line up with when only one person answers that day.
                submitted_on=survey_round.opens_on if anonymous else on,
            )
    except IntegrityError as exc:
        raise ValidationError("You have already answered this survey.") from exc
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            likert=value if question.kind == Question.Kind.LIKERT else None,
            choice=value if question.kind == Question.Kind.CHOICE else "",
            text=value if question.kind == Question.Kind.TEXT else "",
        )
        for question, value in answers
    )
    now = now or timezone.now()
    if anonymous:
        # Only *that* they answered: marked with the round's opening day, the same for everyone, so nothing
        # lines up with the response's own row.
        day = timezone.make_aware(datetime.datetime.combine(survey_round.opens_on, datetime.time()))
        SurveyInvitation.objects.filter(round=survey_round, person=person, responded_at__isnull=True).update(
            responded_at=day
        )
    else:
        SurveyInvitation.objects.filter(pk=invitation.pk).update(responded_at=now)
    if survey_round.survey.kind == Survey.Kind.HEALTH:
        _health_check(response, health_score(answers))
    return response


@transaction.atomic
def survey_response_submit(
    *,
    invitation: SurveyInvitation,
    by: Person,
    answers: Mapping[int, object],
    may_quote: bool = False,
    today: datetime.date | None = None,
) -> SurveyResponse:
    """Record one person's answers to the survey they were invited to; once only, and only while it is open."""
    today = today or timezone.localdate()
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("round__survey", "round__programme", "person", "pairing__programme")
        .get(pk=invitation.pk)
    )
    if invitation.person_id != by.pk:
        raise PermissionDenied("This survey was sent to somebody else.")
    if invitation.responded_at is not None:
        raise ValidationError("You have already answered this survey. Thank you!")
    if not invitation_is_open(invitation, today):
        raise ValidationError("This survey is closed, so it can no longer be answered.")
    cleaned = answers_clean(invitation.round.survey.questions.all(), answers)
    return _response_record(invitation, cleaned, may_quote=may_quote, on=today)


# --- Selectors: lists ---------------------------------------------------------------------------------------


def surveys_for_programme(programme: Programme) -> list[Survey]:
    """The built-ins and the programme's own surveys, with their question counts and this programme's rounds."""

    def fetch() -> list[Survey]:
        return list(
            Survey.objects.filter(Q(programme=programme) | Q(programme__isnull=True))
            .annotate(
                question_count=Count("questions", distinct=True),
                round_count=Count("rounds", filter=Q(rounds__programme=programme), distinct=True),
            )
            .order_by("programme", "title")
        )

    surveys = fetch()
    if sum(1 for s in surveys if s.programme_id is None) < len(BUILTIN):
        surveys_ensure_builtin()  # once per installation
        surveys = fetch()
    return surveys


def rounds_for_programme(programme: Programme, *, survey: Survey | None = None) -> list[SurveyRound]:
    """The programme's rounds, newest first, with how many were invited and how many answered (a figure)."""
    rounds = SurveyRound.objects.filter(programme=programme)
    if survey is not None:
        rounds = rounds.filter(survey=survey)
    rounds = list(
        rounds.select_related("survey")
        .annotate(
            invited=Count("invitations"),
            responded=Count("invitations", filter=Q(invitations__responded_at__isnull=False)),
        )
        .order_by("-opens_on", "-pk")
    )
    for r in rounds:
        r.responded_figure = figure("Answered", r.responded)
        r.automatic = r.survey.kind in AUTOMATIC_KINDS
    return rounds


def open_invitations_for(person: Person, today: datetime.date | None = None) -> list[SurveyInvitation]:
    today = today or timezone.localdate()
    invitations = list(
        SurveyInvitation.objects.filter(open_invitations_q(today), person=person)
        .select_related("round__survey", "round__programme", "pairing__mentor", "pairing__mentee")
        .order_by("due_on", "pk")
    )
    for invitation in invitations:
        invitation.answer_by = invitation_answer_by(invitation)
        invitation.partner = pairing_partner(invitation.pairing, person) if invitation.pairing_id else None
    return invitations


def answered_invitations_for(person: Person, limit: int = 10) -> QuerySet[SurveyInvitation]:
    return (
        SurveyInvitation.objects.filter(person=person, responded_at__isnull=False)
        .select_related("round__programme")
        .order_by("-responded_at", "-pk")[:limit]
    )


# --- Selectors: results -------------------------------------------------------------------------------------


@dataclass
class TextAnswer:
    text: str
    name: str = ""  # empty for anonymous surveys: never a person, never a team
    may_quote: bool = False


@dataclass
class QuestionResult:
    question: Question
    answered: Figure
    mean: float | None = None
    counts: list[Figure] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)
    texts_withheld: bool = False


@dataclass
class RoundResults:
    round: SurveyRound
    invited: int
    responded: Figure
    rate: int | None
    responses: Figure
    questions: list[QuestionResult]
    heatmap: Heatmap | None
    min_group: int


def round_results(survey_round: SurveyRound) -> RoundResults:
    """One round's results for its programme's coordinators. Every count of people under the minimum group
    size is suppressed; an anonymous round's comments appear without any person or team, and only once the
    round has enough responses. Queries: invitations, response count, questions, grouped answer counts,
    comments (when shown), and the heat map's two for a learning-environment audit."""
    minimum = settings.TANDEM_MIN_GROUP_SIZE
    anonymous = survey_round.survey.anonymous
    counts = survey_round.invitations.aggregate(
        invited=Count("pk"), responded=Count("pk", filter=Q(responded_at__isnull=False))
    )
    responses = SurveyResponse.objects.filter(round=survey_round).count()
    questions = list(survey_round.survey.questions.order_by("position", "pk"))
    grouped: dict[int, dict[object, int]] = defaultdict(dict)
    for row in (
        Answer.objects.filter(response__round=survey_round)
        .values("question", "likert", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        key = row["likert"] if row["likert"] is not None else row["choice"]
        grouped[row["question"]][key] = grouped[row["question"]].get(key, 0) + row["n"]
    texts: dict[int, list[TextAnswer]] = defaultdict(list)
    show_texts = not anonymous or responses >= minimum
    if show_texts and any(q.kind == Question.Kind.TEXT for q in questions):
        found = Answer.objects.filter(response__round=survey_round, question__kind=Question.Kind.TEXT).exclude(text="")
        if anonymous:
            # Sorted by their words, not by when they came: the order says nothing about who wrote them.
            for answer in found.values("question", "text", "response__may_quote").order_by("text"):
                texts[answer["question"]].append(TextAnswer(answer["text"], may_quote=answer["response__may_quote"]))
        else:
            for answer in found.select_related("response__person").order_by("response__submitted_on", "pk"):
                person = answer.response.person
                texts[answer.question_id].append(
                    TextAnswer(answer.text, name=str(person) if person else "", may_quote=answer.response.may_quote)
                )
    results = []
    for question in questions:
        got = grouped.get(question.pk, {})
        answered = sum(got.values())
        result = QuestionResult(question=question, answered=figure("Answered", answered))
        if question.kind == Question.Kind.LIKERT:
            result.counts = figure_table({f"{v} {LIKERT_LABELS[v]}": got.get(v, 0) for v in range(1, 6)})
            if answered >= minimum:
                result.mean = round(sum(v * n for v, n in got.items()) / answered, 1)
        elif question.kind == Question.Kind.CHOICE:
            result.counts = figure_table({option: got.get(option, 0) for option in question.choices})
        else:
            result.texts = texts.get(question.pk, [])
            result.texts_withheld = not show_texts
        results.append(result)
    heatmap = None
    if survey_round.survey.kind == Survey.Kind.LEARNING_ENVIRONMENT or any(q.dimension for q in questions):
        heatmap = learning_environment_heatmap(programme=survey_round.programme, round=survey_round)
    invited = counts["invited"]
    responded = figure("Answered", counts["responded"])
    return RoundResults(
        round=survey_round,
        invited=invited,
        responded=responded,
        rate=round(100 * counts["responded"] / invited) if invited and not responded.suppressed else None,
        responses=figure("Responses", responses),
        questions=results,
        heatmap=heatmap,
        min_group=minimum,
    )


# --- The learning-environment heat map ----------------------------------------------------------------------

# From restrictive (1) to expansive (5): light tints, so the printed number keeps well over 4.5:1 contrast
# with the page's dark text on every one of them.
HEAT_LEVELS = {
    1: ("#f4a582", "Restrictive"),
    2: ("#fddbc7", "Rather restrictive"),
    3: ("#f7f7f7", "Mixed"),
    4: ("#d1e5f0", "Rather expansive"),
    5: ("#92c5de", "Expansive"),
}


@dataclass
class HeatCell:
    mean: float | None  # None: fewer than the minimum answered this dimension
    level: int | None = None
    colour: str = ""
    label: str = ""


@dataclass
class HeatRow:
    team: str
    respondents: Figure
    cells: list[HeatCell] = field(default_factory=list)
    # Enough people answered, but the team's scores are held back so that the hidden small teams' scores
    # cannot be worked out from the round's overall means (see learning_environment_heatmap).
    withheld: bool = False

    @property
    def suppressed(self) -> bool:
        return self.respondents.suppressed


@dataclass
class Heatmap:
    round: SurveyRound
    dimensions: list[tuple[str, str]]
    rows: list[HeatRow]
    min_group: int
    legend: list[tuple[int, str, str]] = field(
        default_factory=lambda: [(level, colour, label) for level, (colour, label) in HEAT_LEVELS.items()]
    )


def _heat_cell(mean: float | None) -> HeatCell:
    if mean is None:
        return HeatCell(mean=None)
    level = max(1, min(5, int(mean + 0.5)))
    colour, label = HEAT_LEVELS[level]
    return HeatCell(mean=round(mean, 1), level=level, colour=colour, label=label)


def _team_label(name: str | None, parent: str | None) -> str:
    if not name:
        return "No team recorded"
    return f"{parent} › {name}" if parent else name


def learning_environment_heatmap(*, programme: Programme, round: SurveyRound | None = None) -> Heatmap | None:
    """Each team's mean on each dimension of the learning-environment audit, from restrictive (1) to expansive
    (5), for teams where at least the minimum group answered; other teams are listed as "fewer than 5".

    ``round`` defaults to the programme's latest sent audit; None when there is none. Queries: the round (when
    not given), respondents per team, means per team and dimension.
    """
    minimum = settings.TANDEM_MIN_GROUP_SIZE
    if round is None:
        round = (
            SurveyRound.objects.filter(
                programme=programme, survey__kind=Survey.Kind.LEARNING_ENVIRONMENT, sent_at__isnull=False
            )
            .order_by("-opens_on", "-pk")
            .first()
        )
        if round is None:
            return None
    teams = (
        SurveyResponse.objects.filter(round=round)
        .values("team", "team__name", "team__parent__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    means: dict[tuple[int | None, str], tuple[float, int]] = {}
    for row in (
        Answer.objects.filter(response__round=round, likert__isnull=False)
        .exclude(question__dimension="")
        .values("response__team", "question__dimension")
        .annotate(mean=Avg("likert", output_field=FloatField()), people=Count("response", distinct=True))
        .order_by()
    ):
        means[(row["response__team"], row["question__dimension"])] = (row["mean"], row["people"])
    present = {dimension for _, dimension in means}
    dimensions = [(value, label) for value, label in Question.Dimension.choices if value and value in present]
    # Complementary suppression: the round's overall means are on the results page, so if the small teams
    # together are fewer than the minimum, their joint score would be the overall one minus the shown teams'.
    # Hold back the smallest shown teams until the hidden people are none or at least the minimum.
    hidden = sum(t["n"] for t in teams if t["n"] < minimum)
    withheld: set[int | None] = set()
    for team in sorted((t for t in teams if t["n"] >= minimum), key=lambda t: t["n"]):
        if not 0 < hidden < minimum:
            break
        withheld.add(team["team"])
        hidden += team["n"]
    rows = []
    for team in sorted(teams, key=lambda t: _team_label(t["team__name"], t["team__parent__name"]).lower()):
        respondents = figure(_team_label(team["team__name"], team["team__parent__name"]), team["n"])
        row = HeatRow(team=respondents.label, respondents=respondents, withheld=team["team"] in withheld)
        if not respondents.suppressed and not row.withheld:
            for value, _ in dimensions:
                mean, people = means.get((team["team"], value), (None, 0))
                row.cells.append(_heat_cell(mean if people >= minimum else None))
        rows.append(row)
    return Heatmap(round=round, dimensions=dimensions, rows=rows, min_group=minimum)
