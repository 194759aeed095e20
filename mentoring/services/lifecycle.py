"""The pairing lifecycle: accepting a proposal, pausing, resuming, completing, ending early, and the closing
reflection each side writes for themselves.

    proposed --(both accept)--> active <--(pause / resume)--> paused
    proposed --(one declines)--> ended early ("no_fault", never started)
    active | paused --> completed | ended early

A declined proposal becomes "ended early" with the reason "no_fault" and no start date: the model has no
separate "declined" status, "ended early" is the only closed state a pairing that never ran can take, and
"no_fault" is the honest code (declining a proposal blames nobody). Because ``started_on`` stays empty,
such a pairing asks nobody for a closing reflection, and the matching rules still see that the pair ended
(they do not propose it again without a coordinator's override). Completed and ended pairings never
become current again.

Notices: the mentor, the mentee and the mentee's line manager hear when a pairing starts, pauses, resumes
and ends; coordinators hear of pauses, early endings and declined proposals. No notice ever carries
private content: a closing reflection appears in none, and the line manager is never told a pause's reason
or why a pairing ended. The person who made a change is not told what their own page already said, except
that both sides are always invited to write their closing reflection.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateField, F, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from core.dates import long_date, start_of_day
from mentoring.models import Pairing, PairingPause
from mentoring.said import lazy_long_date, names_joined, words
from mentoring.services.checkins import checkins_refresh

# The closing reflection each side writes has its own module; callers of the lifecycle find it here too.
from mentoring.services.closing_reflection import (  # noqa: F401
    REFLECTION_MAX_CHARS,
    reflection_closable,
    reflection_write,
)
from mentoring.services.pairing import (
    notify,
    pair_names,
    pairing_lock,
    require_side,
    require_side_or_coordinator,
    require_status,
    side_of,
    tell_coordinators,
    tell_line_manager,
    tell_pair,
)
from mentoring.services.planning import planned_close_with_pairing
from programmes.models import Application, Person, Programme, Role
from programmes.services.audit import audit_record
from programmes.services.training import months_after

PAUSE_MAX_MONTHS = 6
# A pairing ended early may lead to a new mentor while the programme still matches and runs.
REMATCH_STATUSES = (Programme.Status.MATCHING, Programme.Status.RUNNING)
# No pairing starts in a programme that is winding down or over.
NO_NEW_PAIRINGS = (Programme.Status.CLOSING, Programme.Status.CLOSED)


# --- Accepting and declining a proposal -----------------------------------------------------------------------


def _mentor_capacity_check(pairing: Pairing) -> None:
    """Lock the mentor's approved profile, then count their current pairings: two activations for one mentor
    take turns on that row, so the second counts the first and capacity holds."""
    programme, mentor, mentee = pairing.programme, pairing.mentor, pairing.mentee
    profile = (
        Application.objects.select_for_update(of=("self",))
        .filter(programme=programme, person=mentor, role=Role.MENTOR, status=Application.Status.APPROVED)
        .first()
    )
    if profile is None:
        raise ValidationError(
            _(
                "%(mentor)s is no longer an approved mentor in %(programme)s, so this pairing cannot start. The "
                "coordinators can propose another mentor."
            )
            % {"mentor": mentor, "programme": programme}
        )
    if not Application.objects.filter(
        programme=programme, person=mentee, role=Role.MENTEE, status=Application.Status.APPROVED
    ).exists():
        raise ValidationError(
            _("%(mentee)s is no longer an approved mentee in %(programme)s, so this pairing cannot start.")
            % {"mentee": mentee, "programme": programme}
        )
    capacity = profile.capacity or programme.default_mentor_capacity
    current = Pairing.objects.current().filter(programme=programme, mentor=mentor).count()
    if current >= capacity:
        raise ValidationError(
            ngettext(
                "%(mentor)s already mentors %(count)s person in %(programme)s, as many as they can take on, so this "
                "pairing cannot start. The coordinators can raise their capacity or propose another mentor.",
                "%(mentor)s already mentors %(count)s people in %(programme)s, as many as they can take on, so this "
                "pairing cannot start. The coordinators can raise their capacity or propose another mentor.",
                current,
            )
            % {"mentor": mentor, "count": current, "programme": programme}
        )


def _audit(pairing: Pairing, by: Person | None) -> None:
    # Status words only: a pause's reason and an ending's reflection stay out of the audit log.
    audit_record(
        actor=by,
        action="pairing.status_changed",
        obj=pairing,
        summary=f"{pair_names(pairing)}: {pairing.get_status_display().lower()}.",
    )


def _start_date(programme: Programme) -> datetime.date:
    """The day a pairing accepted today begins: today, or the programme's start date if that is later (its
    check-ins, reminders and intensive start count from then)."""
    today = timezone.localdate()
    return max(today, programme.starts_on) if programme.starts_on else today


def starts_words(pairing: Pairing) -> str:
    """When an accepted pairing begins, in the pair's words: "today" or "on 1 March 2027"."""
    if pairing.starts_later:
        return _("on %(date)s") % {"date": long_date(pairing.started_on)}
    return _("today")


def _starts_text(pairing: Pairing) -> str:
    """The news that a pairing starts (lazy words: each reader gets their language)."""
    if pairing.starts_later:
        return words(
            gettext_noop("%(pair)s start mentoring in %(programme)s from %(date)s."),
            pair=pair_names(pairing),
            programme=pairing.programme,
            date=lazy_long_date(pairing.started_on),
        )
    return words(
        gettext_noop("%(pair)s start mentoring in %(programme)s."),
        pair=pair_names(pairing),
        programme=pairing.programme,
    )


def _activate(pairing: Pairing) -> None:
    if pairing.programme.status in NO_NEW_PAIRINGS:
        raise ValidationError(
            _("%(programme)s is %(status)s: no new pairing starts now.")
            % {"programme": pairing.programme, "status": pairing.programme.get_status_display().lower()}
        )
    _mentor_capacity_check(pairing)
    pairing.status = Pairing.Status.ACTIVE
    pairing.started_on = _start_date(pairing.programme)
    # The mentee's one-current-pairing rule is the database's unique constraint, which also holds in a race;
    # its violation is translated below instead of being reported by full_clean in the constraint's words.
    pairing.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            pairing.save()
            checkins_refresh(instances=[pairing])
    except IntegrityError:
        raise ValidationError(
            _(
                "%(mentee)s already has a current mentor in %(programme)s, so this pairing cannot start. That pairing "
                "has to end first."
            )
            % {"mentee": pairing.mentee, "programme": pairing.programme}
        ) from None


@transaction.atomic
def pairing_start_agreed(*, pairing: Pairing) -> Pairing:
    """Start a proposed pairing both sides have already agreed to (a mentee asked, the mentor accepted)."""
    pairing = pairing_lock(pairing)
    require_status(pairing, (Pairing.Status.PROPOSED,), "start")
    pairing.mentor_accepted_at = pairing.mentee_accepted_at = timezone.now()
    _activate(pairing)
    _audit(pairing, None)
    text = _starts_text(pairing)
    subject = words(gettext_noop("Mentoring starts: %(pair)s"), pair=pair_names(pairing))
    tell_pair(pairing, by=None, text=text, subject=subject)
    tell_line_manager(pairing, by=None, text=text, subject=subject)
    return pairing


@transaction.atomic
def pairing_accept(*, pairing: Pairing, by: Person) -> Pairing:
    """The mentor or the mentee accepts a proposed pairing; once both have, it starts today, or on the programme's
    start date when that is still to come."""
    pairing = pairing_lock(pairing)
    side = require_side(pairing, by, "accept")
    require_status(pairing, (Pairing.Status.PROPOSED,), "be accepted")
    field = "mentor_accepted_at" if side == Role.MENTOR else "mentee_accepted_at"
    if getattr(pairing, field) is not None:
        partner = pairing.mentee if side == Role.MENTOR else pairing.mentor
        raise ValidationError(
            _("You have already accepted this pairing; it starts as soon as %(partner)s accepts too.")
            % {"partner": partner}
        )
    setattr(pairing, field, timezone.now())
    if pairing.mentor_accepted_at and pairing.mentee_accepted_at:
        _activate(pairing)
        _audit(pairing, by)
        text = _starts_text(pairing)
        subject = words(gettext_noop("Mentoring starts: %(pair)s"), pair=pair_names(pairing))
        tell_pair(pairing, by=by, text=text, subject=subject)
        tell_line_manager(pairing, by=by, text=text, subject=subject)
        return pairing
    pairing.full_clean()
    pairing.save()
    text = words(
        gettext_noop("%(by)s accepted your pairing in %(programme)s. It starts as soon as you accept too."),
        by=by,
        programme=pairing.programme,
    )
    tell_pair(pairing, by=by, text=text, subject=words(gettext_noop("%(by)s accepted your mentoring pairing"), by=by))
    return pairing


@transaction.atomic
def pairing_decline(*, pairing: Pairing, by: Person, reason: str) -> Pairing:
    """One side declines a proposed pairing: it ends without ever starting (see the module's docstring).

    The reason goes to the coordinators only, so they can find a better match; the partner is told that
    the proposal will not go ahead, not why.
    """
    pairing = pairing_lock(pairing)
    require_side(pairing, by, "decline")
    require_status(pairing, (Pairing.Status.PROPOSED,), "be declined")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so that the coordinators can find a better match.")})
    pairing.status = Pairing.Status.ENDED_EARLY
    pairing.end_reason = Pairing.EndReason.NO_FAULT
    pairing.ended_on = timezone.localdate()
    pairing.ended_by = by
    pairing.full_clean()
    pairing.save()
    _audit(pairing, by)
    tell_pair(
        pairing,
        by=by,
        text=words(
            gettext_noop(
                "%(by)s declined the proposed pairing in %(programme)s. The coordinators will look for another match."
            ),
            by=by,
            programme=pairing.programme,
        ),
        subject=words(gettext_noop("A proposed mentoring pairing will not go ahead")),
    )
    values = {"by": by, "pair": pair_names(pairing), "programme": pairing.programme}
    tell_coordinators(
        pairing,
        by=by,
        text=words(gettext_noop("%(by)s declined the proposed pairing of %(pair)s in %(programme)s."), **values),
        subject=words(gettext_noop("Proposed pairing declined: %(pair)s"), pair=pair_names(pairing)),
        body=words(
            gettext_noop(
                "%(by)s declined the proposed pairing of %(pair)s in %(programme)s.\n\nTheir reason:\n%(reason)s\n\n"
                "%(mentee)s is free to be matched again."
            ),
            reason=reason,
            mentee=pairing.mentee,
            **values,
        ),
    )
    return pairing


# --- Pausing and resuming ---------------------------------------------------------------------------------


@transaction.atomic
def pairing_pause(*, pairing: Pairing, by: Person, reason: str, resume_on: datetime.date) -> Pairing:
    """Either side or a coordinator pauses an active pairing until ``resume_on`` (within six months)."""
    pairing = pairing_lock(pairing)
    require_side_or_coordinator(pairing, by, "pause")
    require_status(pairing, (Pairing.Status.ACTIVE,), "be paused")
    reason = (reason or "").strip()
    today = timezone.localdate()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the pairing pauses, in a few words.")
    latest = months_after(today, PAUSE_MAX_MONTHS)
    if resume_on is None or resume_on <= today:
        errors["resume_on"] = _("Choose a resume date after today.")
    elif resume_on > latest:
        errors["resume_on"] = _("A pause lasts at most %(months)s months: resume by %(date)s.") % {
            "months": PAUSE_MAX_MONTHS,
            "date": long_date(latest),
        }
    if errors:
        raise ValidationError(errors)
    pairing.status = Pairing.Status.PAUSED
    pairing.paused_reason = reason
    pairing.resume_on = resume_on
    pairing.full_clean()
    pairing.save()
    PairingPause.objects.create(pairing=pairing, paused_on=today)
    checkins_refresh(instances=[pairing])  # a paused pairing has no check-ins due
    _audit(pairing, by)
    until = lazy_long_date(resume_on)
    # Meetings planned inside the pause leave both calendars; those after the resume date stay.
    planned_close_with_pairing(
        pairing=pairing,
        by=by,
        reason=_("The pairing is paused until %(date)s.") % {"date": long_date(resume_on)},
        until=start_of_day(resume_on),
    )
    values = {"by": by, "pair": pair_names(pairing), "programme": pairing.programme, "until": until, "reason": reason}
    tell_pair(
        pairing,
        by=by,
        text=words(gettext_noop("%(by)s paused your mentoring pairing in %(programme)s until %(until)s."), **values),
        subject=words(gettext_noop("Your mentoring pairing is paused")),
        body=words(
            gettext_noop(
                "%(by)s paused your mentoring pairing in %(programme)s until %(until)s.\n\nThe reason given: %(reason)s"
            ),
            **values,
        ),
    )
    subject = words(gettext_noop("Mentoring paused: %(pair)s"), pair=pair_names(pairing))
    text = words(gettext_noop("%(pair)s pause their mentoring in %(programme)s until %(until)s."), **values)
    tell_line_manager(pairing, by=by, text=text, subject=subject)
    tell_coordinators(
        pairing,
        by=by,
        text=words(
            gettext_noop("%(pair)s pause their mentoring in %(programme)s until %(until)s. Paused by %(by)s."), **values
        ),
        subject=subject,
        body=words(
            gettext_noop(
                "%(pair)s pause their mentoring in %(programme)s until %(until)s. Paused by %(by)s.\n\n"
                "The reason given: %(reason)s"
            ),
            **values,
        ),
    )
    return pairing


def _announce_resumed(pairing: Pairing, *, by: Person | None) -> None:
    if by:
        text = words(
            gettext_noop("%(by)s resumed your mentoring pairing in %(programme)s. It is active again."),
            by=by,
            programme=pairing.programme,
        )
    else:
        text = words(
            gettext_noop("The pause has ended: your mentoring pairing in %(programme)s. It is active again."),
            programme=pairing.programme,
        )
    tell_pair(pairing, by=by, text=text, subject=words(gettext_noop("Your mentoring pairing is active again")))
    tell_line_manager(
        pairing,
        by=by,
        text=words(
            gettext_noop("%(pair)s resume their mentoring in %(programme)s."),
            pair=pair_names(pairing),
            programme=pairing.programme,
        ),
        subject=words(gettext_noop("Mentoring resumes: %(pair)s"), pair=pair_names(pairing)),
    )


@transaction.atomic
def pairing_resume(*, pairing: Pairing, by: Person) -> Pairing:
    """Either side or a coordinator resumes a paused pairing before its resume date."""
    pairing = pairing_lock(pairing)
    require_side_or_coordinator(pairing, by, "resume")
    require_status(pairing, (Pairing.Status.PAUSED,), "be resumed")
    if gone := [str(p) for p in (pairing.mentor, pairing.mentee) if not p.is_active]:
        raise ValidationError(
            ngettext(
                "%(names)s has left the organisation: the pairing can resume once they are back, or a coordinator "
                "can end it.",
                "%(names)s have left the organisation: the pairing can resume once they are back, or a coordinator "
                "can end it.",
                len(gone),
            )
            % {"names": names_joined(gone)}
        )
    pairing.status = Pairing.Status.ACTIVE
    pairing.paused_reason = ""
    pairing.resume_on = None
    pairing.resumed_on = timezone.localdate()
    pairing.full_clean()
    pairing.save()
    _pause_close(pairing.pk, on=pairing.resumed_on)
    checkins_refresh(instances=[pairing])  # the schedule starts again from today
    _audit(pairing, by)
    _announce_resumed(pairing, by=by)
    return pairing


def pairing_resume_claim(*, pk: int, today: datetime.date) -> Pairing | None:
    """Resume one paused pairing whose date has come, if nobody did a moment ago, and tell the pair.

    The conditional UPDATE (still paused, date come) is the claim: of two sweeps, or a sweep and someone
    resuming by hand, exactly one changes the row, and only that one announces it.
    """
    with transaction.atomic():
        claimed = Pairing.objects.filter(pk=pk, status=Pairing.Status.PAUSED, resume_on__lte=today).update(
            status=Pairing.Status.ACTIVE, paused_reason="", resume_on=None, resumed_on=today
        )
        if not claimed:
            return None
        _pause_close(pk, on=today)
        checkins_refresh(pairing_ids=[pk])
        pairing = Pairing.objects.select_related("programme", "mentor", "mentee__line_manager").get(pk=pk)
        _announce_resumed(pairing, by=None)
    return pairing


def pairings_resume_due(*, today: datetime.date | None = None) -> int:
    """The daily sweep: resume every paused pairing whose resume date has come (a missed day catches up).

    Returns how many it resumed; running it again the same day resumes and announces nothing.
    """
    today = today or timezone.localdate()
    due = Pairing.objects.filter(status=Pairing.Status.PAUSED, resume_on__lte=today).order_by("pk")
    return sum(pairing_resume_claim(pk=pk, today=today) is not None for pk in list(due.values_list("pk", flat=True)))


# --- Closing -----------------------------------------------------------------------------------------------


def _pause_close(pairing_id: int, *, on: datetime.date) -> None:
    """End the pairing's open pause on ``on`` (its history, read by the period reports)."""
    open_pause = PairingPause.objects.filter(pairing_id=pairing_id, resumed_on__isnull=True)
    open_pause.update(resumed_on=Greatest(F("paused_on"), Value(on, output_field=DateField())))


def _close(pairing: Pairing, *, by: Person, status: str, end_reason: str = "") -> None:
    if pairing.starts_later:
        # Ended before its programme's start date: it never ran (no start date, no closing reflection).
        pairing.started_on = None
    pairing.status = status
    pairing.end_reason = end_reason
    pairing.ended_on = timezone.localdate()
    pairing.ended_by = by
    pairing.resume_on = None
    pairing.full_clean()
    pairing.save()
    _pause_close(pairing.pk, on=pairing.ended_on)  # a paused pairing's pause ends with it
    planned_close_with_pairing(pairing=pairing, by=by)  # its meetings to come leave both calendars
    checkins_refresh(instances=[pairing])
    _audit(pairing, by)


def _invite_reflections(pairing: Pairing, *, news: str) -> None:
    # Both sides, the one who closed the pairing too: the invitation is a task, not news they already have.
    reflection = reverse("mentoring:pairing_reflection", args=[pairing.pk])
    notify(
        [pairing.mentor, pairing.mentee],
        text=words(
            gettext_noop("%(news)s Write your private closing reflection: only you will ever read it."), news=news
        ),
        url=reflection,
        email_subject=words(gettext_noop("Your mentoring pairing has closed")),
        email_body=words(
            gettext_noop(
                "%(news)s\n\nWhen you are ready, write a short closing reflection on what you take away: %(url)s\n"
                "It is private: only you will ever read it."
            ),
            news=news,
            url=reflection,
        ),
    )


@transaction.atomic
def pairing_complete(*, pairing: Pairing, by: Person) -> Pairing:
    """Either side or a coordinator marks an active or paused pairing as completed."""
    pairing = pairing_lock(pairing)
    require_side_or_coordinator(pairing, by, "complete")
    require_status(pairing, Pairing.CURRENT, "be completed")
    if pairing.starts_later:
        raise ValidationError(
            _("This pairing starts on %(date)s: it cannot be completed before it has begun.")
            % {"date": long_date(pairing.started_on)}
        )
    _close(pairing, by=by, status=Pairing.Status.COMPLETED)
    news = words(
        gettext_noop("Your mentoring pairing in %(programme)s is completed (%(by)s)."),
        programme=pairing.programme,
        by=by,
    )
    _invite_reflections(pairing, news=news)
    tell_line_manager(
        pairing,
        by=by,
        text=words(
            gettext_noop("%(pair)s completed their mentoring in %(programme)s."),
            pair=pair_names(pairing),
            programme=pairing.programme,
        ),
        subject=words(gettext_noop("Mentoring completed: %(pair)s"), pair=pair_names(pairing)),
    )
    return pairing


@transaction.atomic
def pairing_end_early(*, pairing: Pairing, by: Person, reason_code: str, rematch: bool) -> Pairing:
    """Either side or a coordinator ends an active or paused pairing early, with a reason code.

    With ``rematch`` (the mentee's or a coordinator's wish) and a programme still matching or running, the
    coordinators are asked for a new mentor; the mentee, without a current pairing, is free to be matched.
    """
    pairing = pairing_lock(pairing)
    side = side_of(pairing, by)
    require_side_or_coordinator(pairing, by, "end")
    require_status(pairing, Pairing.CURRENT, "be ended early")
    if reason_code not in Pairing.EndReason.values:
        raise ValidationError({"reason_code": _("Choose one of the reasons listed.")})
    if rematch and side == Role.MENTOR:
        raise ValidationError(
            {"rematch": _("Only %(mentee)s or a coordinator can ask for a new mentor.") % {"mentee": pairing.mentee}}
        )
    _close(pairing, by=by, status=Pairing.Status.ENDED_EARLY, end_reason=reason_code)
    values = {"programme": pairing.programme, "by": by, "pair": pair_names(pairing), "mentee": pairing.mentee}
    if reflection_closable(pairing):
        news = words(gettext_noop("Your mentoring pairing in %(programme)s has ended early (%(by)s)."), **values)
        _invite_reflections(pairing, news=news)
    else:  # ended before its start date: it never ran, so there is nothing to reflect on
        tell_pair(
            pairing,
            by=by,
            text=words(
                gettext_noop("Your mentoring pairing in %(programme)s has ended early (%(by)s), before it started."),
                **values,
            ),
            subject=words(gettext_noop("Your mentoring pairing has closed")),
        )
    tell_line_manager(
        pairing,
        by=by,
        text=words(gettext_noop("%(pair)s ended their mentoring in %(programme)s."), **values),
        subject=words(gettext_noop("Mentoring ended: %(pair)s"), pair=pair_names(pairing)),
    )
    # The reason's label, in the reader's language (the choice's lazy label, lowered when read).
    values["reason"] = lazy(lambda: str(Pairing.EndReason(pairing.end_reason).label).lower(), str)()
    wants_new_mentor = rematch and pairing.programme.status in REMATCH_STATUSES
    if wants_new_mentor and side == Role.MENTEE:
        message = gettext_noop(
            "%(pair)s ended their mentoring in %(programme)s early (%(reason)s; ended by %(by)s). %(mentee)s wants a "
            "new mentor."
        )
    elif wants_new_mentor:
        message = gettext_noop(
            "%(pair)s ended their mentoring in %(programme)s early (%(reason)s; ended by %(by)s). %(mentee)s is to "
            "get a new mentor."
        )
    else:
        message = gettext_noop("%(pair)s ended their mentoring in %(programme)s early (%(reason)s; ended by %(by)s).")
    tell_coordinators(
        pairing,
        by=by,
        text=words(message, **values),
        subject=words(gettext_noop("Mentoring ended early: %(pair)s"), pair=pair_names(pairing)),
    )
    return pairing
