"""The relationship itself: the agreement, goals, the session log with private notes. Concerns and the fit
question (which raise alerts for the coordinators) are in mentoring.services.concerns.

Privacy: the pair's words (goal titles, summaries, next steps, arrangements, private notes) go to the pair
only. Notices name dates and people, never content; coordinators are told that something happened, with a
link to the metadata page. Private note text is encrypted before it reaches the database (mentoring.crypto)
and decrypted only in ``mentoring.selectors.relationship.notes_readable_by``, for its author or, when shared,
the partner.

The check-in schedule lives in mentoring.services.checkins.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.dates import long_date
from core.history import history_reckon_until
from mentoring import crypto
from mentoring.models import (
    Agreement,
    AgreementCadence,
    Goal,
    GoalState,
    MentoringSession,
    Pairing,
    PrivateNote,
    SessionState,
)
from mentoring.said import lazy_long_date, words
from mentoring.services.checkins import checkins_refresh, session_gaps_refresh
from mentoring.services.goal_owners import goal_owner_check, goal_rated_by
from mentoring.services.pairing import pairing_lock, require_status, side_of, tell_pair
from programmes.models import Person, Role, Skill

NOTE_MAX_CHARS = 5000


# --- The agreement ---------------------------------------------------------------------------------------------


def cadence_limits(pairing: Pairing) -> tuple[int, int]:
    """The cadences a pair may agree on: weekly at most, and no rarer than twice the programme's default."""
    return 7, min(90, 2 * pairing.programme.checkin_cadence_days)


def agreement_get(*, pairing: Pairing) -> Agreement:
    """The pairing's agreement, created with the programme's defaults the first time anyone asks."""
    try:
        return pairing.agreement
    except Agreement.DoesNotExist:
        agreement, _created = Agreement.objects.get_or_create(
            pairing=pairing, defaults={"cadence_days": pairing.programme.checkin_cadence_days}
        )
        pairing.agreement = agreement
        return agreement


# Whole sentences, one per step, so that each language words them its own way.
_ONLY_THE_PAIR = {
    "change their agreement": gettext_noop("Only %(mentor)s and %(mentee)s can change their agreement."),
    "sign their agreement": gettext_noop("Only %(mentor)s and %(mentee)s can sign their agreement."),
    "add goals": gettext_noop("Only %(mentor)s and %(mentee)s can add goals."),
    "change goals": gettext_noop("Only %(mentor)s and %(mentee)s can change goals."),
    "log sessions": gettext_noop("Only %(mentor)s and %(mentee)s can log sessions."),
    "confirm sessions": gettext_noop("Only %(mentor)s and %(mentee)s can confirm sessions."),
    "dispute sessions": gettext_noop("Only %(mentor)s and %(mentee)s can dispute sessions."),
    "write notes on their sessions": gettext_noop("Only %(mentor)s and %(mentee)s can write notes on their sessions."),
    "raise a concern about their pairing": gettext_noop(
        "Only %(mentor)s and %(mentee)s can raise a concern about their pairing."
    ),
    "say how the fit is": gettext_noop("Only %(mentor)s and %(mentee)s can say how the fit is."),
}


def require_pair_member(pairing: Pairing, by: Person, doing: str) -> str:
    side = side_of(pairing, by)
    if side is None:
        raise ValidationError(_(_ONLY_THE_PAIR[doing]) % {"mentor": pairing.mentor, "mentee": pairing.mentee})
    return side


def _partner(pairing: Pairing, by: Person) -> Person:
    return pairing.mentee if by.pk == pairing.mentor_id else pairing.mentor


OPEN_FOR_WORK = (Pairing.Status.ACTIVE, Pairing.Status.PAUSED)


@transaction.atomic
def agreement_update(
    *, pairing: Pairing, by: Person, cadence_days: int, preferred_mode: str, arrangements: str = ""
) -> Agreement:
    pairing = pairing_lock(pairing)
    require_pair_member(pairing, by, "change their agreement")
    require_status(pairing, OPEN_FOR_WORK, "change its agreement")
    low, high = cadence_limits(pairing)
    if not low <= cadence_days <= high:
        raise ValidationError(
            {
                "cadence_days": _("Choose between every %(low)s and every %(high)s days (the programme's limits).")
                % {"low": low, "high": high}
            }
        )
    agreement = agreement_get(pairing=pairing)
    changed_cadence = agreement.cadence_days != cadence_days
    if changed_cadence:
        # The cadence's history (what a period's report reads): the cadence until now, then the new one.
        if not AgreementCadence.objects.filter(pairing=pairing).exists():
            AgreementCadence.objects.create(
                pairing=pairing, cadence_days=agreement.cadence_days, since=pairing.created_at
            )
        AgreementCadence.objects.create(pairing=pairing, cadence_days=cadence_days, since=timezone.now())
    agreement.cadence_days = cadence_days
    agreement.preferred_mode = preferred_mode
    agreement.arrangements = (arrangements or "").strip()
    agreement.updated_at = timezone.now()
    agreement.full_clean()
    agreement.save()
    if changed_cadence:
        checkins_refresh(instances=[pairing])
        tell_pair(
            pairing,
            by=by,
            text=words(
                gettext_noop("%(by)s changed how often you meet in %(programme)s: every %(days)s days."),
                by=by,
                programme=pairing.programme,
                days=cadence_days,
            ),
            subject=words(gettext_noop("Your mentoring agreement changed")),
        )
    return agreement


@transaction.atomic
def agreement_sign(*, pairing: Pairing, by: Person) -> Agreement:
    """Acknowledge confidentiality: what is said in the relationship stays in it (time-stamped, per side)."""
    pairing = pairing_lock(pairing)
    side = require_pair_member(pairing, by, "sign their agreement")
    require_status(pairing, OPEN_FOR_WORK, "be signed")
    agreement = agreement_get(pairing=pairing)
    field = "mentor_signed_at" if side == Role.MENTOR else "mentee_signed_at"
    if getattr(agreement, field) is None:
        setattr(agreement, field, timezone.now())
        agreement.save(update_fields=[field])
        if not agreement.signed:
            tell_pair(
                pairing,
                by=by,
                text=words(
                    gettext_noop(
                        "%(by)s signed your mentoring agreement's confidentiality acknowledgement. Your turn."
                    ),
                    by=by,
                ),
                subject=words(gettext_noop("Please sign your mentoring agreement")),
            )
    return agreement


# --- Goals ---------------------------------------------------------------------------------------------------


@dataclass
class GoalInput:
    title: str
    success: str = ""
    target_on: datetime.date | None = None
    status: str = Goal.Status.NOT_STARTED
    progress: int = 0
    rating_start: int | None = None
    rating_end: int | None = None
    owner: str = Goal.Owner.MENTEE  # read when the goal is made; a goal's owner never changes


def _apply_goal(goal: Goal, data: GoalInput, *, side: str) -> None:
    goal.title = data.title.strip()
    goal.success = (data.success or "").strip()
    goal.target_on = data.target_on
    goal.status = data.status
    goal.progress = 100 if data.status == Goal.Status.ACHIEVED else data.progress
    goal_owner_check(goal=goal, side=side)
    if goal_rated_by(goal=goal, side=side):  # the self-ratings are the owner's own view: only the owner sets them
        goal.rating_start = data.rating_start
        goal.rating_end = data.rating_end
    goal.updated_at = timezone.now()
    goal.full_clean(exclude=["created_by"])


@transaction.atomic
def goal_create(*, pairing: Pairing, by: Person, data: GoalInput) -> Goal:
    pairing = pairing_lock(pairing)
    side = require_pair_member(pairing, by, "add goals")
    require_status(pairing, OPEN_FOR_WORK, "take new goals")
    goal = Goal(pairing=pairing, created_by=by, owner=data.owner)
    _apply_goal(goal, data, side=side)
    goal.save()
    _record_goal_state(goal)
    return goal


def _record_goal_state(goal: Goal) -> None:
    """Keep the goal's status and progress from now on, for reports that read them at a period's end."""
    last = goal.states.order_by("-since", "-pk").first()
    if last is None or (last.status, last.progress) != (goal.status, goal.progress):
        GoalState.objects.create(goal=goal, status=goal.status, progress=goal.progress, since=goal.updated_at)
        if last is not None and last.since <= goal.updated_at:
            # The row it follows ends here (the usual case: one UPDATE, not a re-read of the whole history).
            GoalState.objects.filter(pk=last.pk).update(until=goal.updated_at)
        elif last is not None:
            history_reckon_until(GoalState.objects.filter(goal=goal))


@transaction.atomic
def goal_update(*, goal: Goal, by: Person, data: GoalInput) -> Goal:
    pairing = pairing_lock(goal.pairing)
    side = require_pair_member(pairing, by, "change goals")
    if not pairing.is_current:
        # After the close only the owner's self-rating at the close changes; the goal itself is history.
        if not goal_rated_by(goal=goal, side=side):
            require_status(pairing, OPEN_FOR_WORK, "change its goals")
        goal.rating_end = data.rating_end
        goal.updated_at = timezone.now()
        goal.full_clean(exclude=["created_by"])  # a goal keeps its author's row even after they left
        goal.save(update_fields=["rating_end", "updated_at"])
        return goal
    _apply_goal(goal, data, side=side)
    goal.save()
    _record_goal_state(goal)
    return goal


# --- Sessions ------------------------------------------------------------------------------------------------


@dataclass
class SessionInput:
    held_on: datetime.date
    duration_minutes: int
    mode: str
    topics: list[Skill]
    goals: list[Goal]
    summary: str = ""
    next_steps: str = ""
    private_note: str = ""
    share_note: bool = False


def _session_rules(pairing: Pairing, data: SessionInput, *, exclude: int | None = None, duplicate_ok: bool) -> None:
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if data.held_on > today:
        errors.setdefault("held_on", []).append(_("A session is logged after it happens: choose today or earlier."))
    elif pairing.started_on and data.held_on < pairing.started_on:
        if pairing.starts_later:
            text = _("Your pairing starts on %(date)s: a session before that belongs to no pairing.")
        else:
            text = _("Your pairing started on %(date)s: a session before that belongs to no pairing.")
        errors.setdefault("held_on", []).append(text % {"date": long_date(pairing.started_on)})
    if not MentoringSession.MIN_MINUTES <= data.duration_minutes <= MentoringSession.MAX_MINUTES:
        errors.setdefault("duration_minutes", []).append(_("A session lasts between 15 minutes and 8 hours."))
    if any(goal.pairing_id != pairing.pk for goal in data.goals):
        errors.setdefault("goals", []).append(_("Choose goals of this pairing only."))
    if len(data.private_note) > NOTE_MAX_CHARS:
        errors.setdefault("private_note", []).append(
            _("Keep the private note under %(count)s characters.") % {"count": NOTE_MAX_CHARS}
        )
    if errors:
        raise ValidationError(errors)
    if not duplicate_ok:
        same_day = MentoringSession.objects.filter(pairing=pairing, held_on=data.held_on)
        if exclude:
            same_day = same_day.exclude(pk=exclude)
        if same_day.exists():
            raise ValidationError(
                _(
                    "A session on %(date)s is already in your log. If you met twice that day, tick 'This is another "
                    "session' and save again."
                )
                % {"date": long_date(data.held_on)},
                code="duplicate",
            )


def _note_save(session: MentoringSession, *, author: Person, text: str, shared: bool) -> None:
    """Write, replace or (with empty text) delete the author's own note on a session."""
    text = (text or "").strip()
    if not text:
        PrivateNote.objects.filter(session=session, author=author).delete()
        return
    now = timezone.now()
    PrivateNote.objects.update_or_create(
        session=session,
        author=author,
        defaults={"ciphertext": crypto.encrypt(text), "shared": shared, "updated_at": now},
        create_defaults={"ciphertext": crypto.encrypt(text), "shared": shared, "created_at": now, "updated_at": now},
    )


@transaction.atomic
def session_log(*, pairing: Pairing, by: Person, data: SessionInput, duplicate_ok: bool = False) -> MentoringSession:
    """Either side logs a session; the other side is asked to confirm it (without any of its content)."""
    pairing = pairing_lock(pairing)
    require_pair_member(pairing, by, "log sessions")
    if pairing.status == Pairing.Status.PROPOSED:
        raise ValidationError(
            _("This pairing has not started yet: sessions can be logged once you have both accepted.")
        )
    if not pairing.is_current:
        raise ValidationError(
            _("This pairing is %(status)s: its session log is closed.")
            % {"status": pairing.get_status_display().lower()}
        )
    _session_rules(pairing, data, duplicate_ok=duplicate_ok)
    session = MentoringSession(
        pairing=pairing,
        logged_by=by,
        held_on=data.held_on,
        duration_minutes=data.duration_minutes,
        mode=data.mode,
        summary=(data.summary or "").strip(),
        next_steps=(data.next_steps or "").strip(),
        recorded=True,  # its history starts just below
    )
    session.full_clean()
    session.save()
    _record_state(session, session.created_at)
    session.topics.set(data.topics)
    session.goals.set(data.goals)
    _note_save(session, author=by, text=data.private_note, shared=data.share_note)
    tell_pair(
        pairing,
        by=by,
        text=words(
            gettext_noop("%(by)s logged a session on %(date)s (%(minutes)s minutes). Please confirm it."),
            by=by,
            date=lazy_long_date(data.held_on),
            minutes=data.duration_minutes,
        ),
        subject=words(gettext_noop("Please confirm your mentoring session")),
    )
    return session


def _record_state(session: MentoringSession, since: datetime.datetime) -> None:
    """The session's status, date and length from ``since`` on (the history a period's report reads); the row it
    follows ends there (``until``). The session is marked as having a history (its services set ``recorded``
    in the save before this; marked here if one did not)."""
    if not session.recorded:
        MentoringSession.objects.filter(pk=session.pk).update(recorded=True)
        session.recorded = True
    SessionState.objects.create(
        session=session,
        pairing_id=session.pairing_id,
        status=session.status,
        held_on=session.held_on,
        duration_minutes=session.duration_minutes,
        since=since,
    )
    history_reckon_until(SessionState.objects.filter(session=session))


def _lock_session(session: MentoringSession) -> MentoringSession:
    return (
        MentoringSession.objects.select_for_update(of=("self",))
        .select_related("pairing__programme", "pairing__mentor", "pairing__mentee", "logged_by")
        .get(pk=session.pk)
    )


@transaction.atomic
def session_update(
    *, session: MentoringSession, by: Person, data: SessionInput, duplicate_ok: bool = False
) -> MentoringSession:
    """The person who logged a session corrects it while it is not confirmed; it goes back for confirmation."""
    session = _lock_session(session)
    pairing = session.pairing
    if session.logged_by_id != by.pk:
        raise ValidationError(_("Only the person who logged a session can change it; you can confirm or dispute it."))
    if session.status == MentoringSession.Status.CONFIRMED:
        raise ValidationError(_("This session is confirmed by both of you, so it can no longer change."))
    if not pairing.is_current:
        raise ValidationError(
            _("This pairing is %(status)s: its session log is closed.")
            % {"status": pairing.get_status_display().lower()}
        )
    _session_rules(pairing, data, exclude=session.pk, duplicate_ok=duplicate_ok)
    was_disputed = session.status == MentoringSession.Status.DISPUTED
    session.held_on = data.held_on
    session.duration_minutes = data.duration_minutes
    session.mode = data.mode
    session.summary = (data.summary or "").strip()
    session.next_steps = (data.next_steps or "").strip()
    session.status = MentoringSession.Status.AWAITING
    session.answered_by, session.answered_at, session.dispute_reason = None, None, ""
    session.updated_at = timezone.now()
    session.recorded = True
    session.full_clean()
    session.save()
    _record_state(session, session.updated_at)
    session.topics.set(data.topics)
    session.goals.set(data.goals)
    _note_save(session, author=by, text=data.private_note, shared=data.share_note)
    if was_disputed:
        tell_pair(
            pairing,
            by=by,
            text=words(
                gettext_noop("%(by)s corrected the session of %(date)s. Please confirm it again."),
                by=by,
                date=lazy_long_date(session.held_on),
            ),
            subject=words(gettext_noop("Please confirm your corrected mentoring session")),
        )
    return session


@transaction.atomic
def session_delete(*, session: MentoringSession, by: Person) -> None:
    session = _lock_session(session)
    if session.logged_by_id != by.pk:
        raise ValidationError(_("Only the person who logged a session can delete it."))
    if session.status == MentoringSession.Status.CONFIRMED:
        raise ValidationError(_("A confirmed session stays in the log: it counts towards your protected time."))
    session.delete()


def _require_other_side(session: MentoringSession, by: Person, doing: str) -> None:
    pairing = session.pairing
    require_pair_member(pairing, by, doing)
    if session.logged_by_id == by.pk:
        raise ValidationError(
            _("%(partner)s confirms or disputes the sessions you log, not you.") % {"partner": _partner(pairing, by)}
        )
    if not pairing.is_current:
        raise ValidationError(
            _("This pairing is %(status)s: its session log is closed.")
            % {"status": pairing.get_status_display().lower()}
        )


@transaction.atomic
def session_confirm(*, session: MentoringSession, by: Person) -> MentoringSession:
    """The other side confirms: the session counts for the check-in schedule and for protected time."""
    session = _lock_session(session)
    _require_other_side(session, by, "confirm sessions")
    if session.status == MentoringSession.Status.CONFIRMED:
        return session
    session.status = MentoringSession.Status.CONFIRMED
    session.answered_by, session.answered_at, session.dispute_reason = by, timezone.now(), ""
    session.recorded = True
    session.save(update_fields=["status", "answered_by", "answered_at", "dispute_reason", "recorded"])
    _record_state(session, session.answered_at)
    checkins_refresh(instances=[session.pairing])
    session_gaps_refresh(pairing_ids=[session.pairing_id])
    tell_pair(
        session.pairing,
        by=by,
        text=words(
            gettext_noop("%(by)s confirmed the session of %(date)s."), by=by, date=lazy_long_date(session.held_on)
        ),
        subject="",
    )
    return session


@transaction.atomic
def session_dispute(*, session: MentoringSession, by: Person, reason: str) -> MentoringSession:
    session = _lock_session(session)
    _require_other_side(session, by, "dispute sessions")
    if session.status == MentoringSession.Status.DISPUTED:
        # A second dispute would overwrite the first reason and tell the pair again about the same session.
        raise ValidationError(_("This session is already disputed. Your partner can correct it, then confirm it."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is not right, so that it can be corrected.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep it under 500 characters.")})
    was_confirmed = session.status == MentoringSession.Status.CONFIRMED
    session.status = MentoringSession.Status.DISPUTED
    session.answered_by, session.answered_at, session.dispute_reason = by, timezone.now(), reason
    session.recorded = True
    session.save(update_fields=["status", "answered_by", "answered_at", "dispute_reason", "recorded"])
    _record_state(session, session.answered_at)
    if was_confirmed:
        checkins_refresh(instances=[session.pairing])
        session_gaps_refresh(pairing_ids=[session.pairing_id])
    tell_pair(
        session.pairing,
        by=by,
        text=words(
            gettext_noop("%(by)s disputed the session of %(date)s. Their reason is on the session's page."),
            by=by,
            date=lazy_long_date(session.held_on),
        ),
        subject=words(gettext_noop("A mentoring session was disputed")),
    )
    return session


# --- Private notes -------------------------------------------------------------------------------------------


@transaction.atomic
def note_write(*, session: MentoringSession, author: Person, text: str, shared: bool) -> None:
    """Write or replace one's own private note on a session of one's own pairing (empty text deletes it)."""
    pairing = session.pairing
    require_pair_member(pairing, author, "write notes on their sessions")
    if len(text or "") > NOTE_MAX_CHARS:
        raise ValidationError(
            {"text": _("Keep the private note under %(count)s characters.") % {"count": NOTE_MAX_CHARS}}
        )
    _note_save(session, author=author, text=text, shared=shared)


def notes_rotate_keys(*, batch_size: int = 500) -> int:
    """Re-encrypt every private note with the current first key (after a new key was put first)."""
    count = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(PrivateNote.objects.select_for_update().filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not batch:
                return count
            for note in batch:
                note.ciphertext = crypto.rotate(note.ciphertext)
            PrivateNote.objects.bulk_update(batch, ["ciphertext"])
        count += len(batch)
        last_pk = batch[-1].pk
