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
from django.utils.translation import gettext as _

from core.dates import long_date, start_of_day
from mentoring.models import ClosingReflection, Pairing, PairingPause
from mentoring.services.checkins import checkins_refresh
from mentoring.services.pairing import (
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
from programmes.services.notifications import notification_send
from programmes.services.training import months_after

PAUSE_MAX_MONTHS = 6
REFLECTION_MAX_CHARS = 5000
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
            f"{mentor} is no longer an approved mentor in {programme}, so this pairing cannot start. "
            "The coordinators can propose another mentor."
        )
    if not Application.objects.filter(
        programme=programme, person=mentee, role=Role.MENTEE, status=Application.Status.APPROVED
    ).exists():
        raise ValidationError(f"{mentee} is no longer an approved mentee in {programme}, so this pairing cannot start.")
    capacity = profile.capacity or programme.default_mentor_capacity
    current = Pairing.objects.current().filter(programme=programme, mentor=mentor).count()
    if current >= capacity:
        raise ValidationError(
            f"{mentor} already mentors {current} {'person' if current == 1 else 'people'} in {programme}, as many "
            "as they can take on, so this pairing cannot start. The coordinators can raise their capacity or "
            "propose another mentor."
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


def _from_later(pairing: Pairing) -> str:
    return f" from {long_date(pairing.started_on)}" if pairing.starts_later else ""


def _activate(pairing: Pairing) -> None:
    if pairing.programme.status in NO_NEW_PAIRINGS:
        raise ValidationError(
            f"{pairing.programme} is {pairing.programme.get_status_display().lower()}: no new pairing starts now."
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
            f"{pairing.mentee} already has a current mentor in {pairing.programme}, so this pairing cannot "
            "start. That pairing has to end first."
        ) from None


@transaction.atomic
def pairing_start_agreed(*, pairing: Pairing) -> Pairing:
    """Start a proposed pairing both sides have already agreed to (a mentee asked, the mentor accepted)."""
    pairing = pairing_lock(pairing)
    require_status(pairing, (Pairing.Status.PROPOSED,), "start")
    pairing.mentor_accepted_at = pairing.mentee_accepted_at = timezone.now()
    _activate(pairing)
    _audit(pairing, None)
    text = f"{pair_names(pairing)} start mentoring in {pairing.programme}{_from_later(pairing)}."
    subject = f"Mentoring starts: {pair_names(pairing)}"
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
        raise ValidationError(f"You have already accepted this pairing; it starts as soon as {partner} accepts too.")
    setattr(pairing, field, timezone.now())
    if pairing.mentor_accepted_at and pairing.mentee_accepted_at:
        _activate(pairing)
        _audit(pairing, by)
        text = f"{pair_names(pairing)} start mentoring in {pairing.programme}{_from_later(pairing)}."
        subject = f"Mentoring starts: {pair_names(pairing)}"
        tell_pair(pairing, by=by, text=text, subject=subject)
        tell_line_manager(pairing, by=by, text=text, subject=subject)
        return pairing
    pairing.full_clean()
    pairing.save()
    text = f"{by} accepted your pairing in {pairing.programme}. It starts as soon as you accept too."
    tell_pair(pairing, by=by, text=text, subject=f"{by} accepted your mentoring pairing")
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
        text=(
            f"{by} declined the proposed pairing in {pairing.programme}. The coordinators will look for another match."
        ),
        subject="A proposed mentoring pairing will not go ahead",
    )
    text = f"{by} declined the proposed pairing of {pair_names(pairing)} in {pairing.programme}."
    tell_coordinators(
        pairing,
        by=by,
        text=text,
        subject=f"Proposed pairing declined: {pair_names(pairing)}",
        body=f"{text}\n\nTheir reason:\n{reason}\n\n{pairing.mentee} is free to be matched again.",
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
        errors["reason"] = "Say why the pairing pauses, in a few words."
    latest = months_after(today, PAUSE_MAX_MONTHS)
    if resume_on is None or resume_on <= today:
        errors["resume_on"] = "Choose a resume date after today."
    elif resume_on > latest:
        errors["resume_on"] = f"A pause lasts at most {PAUSE_MAX_MONTHS} months: resume by {long_date(latest)}."
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
    until = long_date(resume_on)
    # Meetings planned inside the pause leave both calendars; those after the resume date stay.
    planned_close_with_pairing(
        pairing=pairing, by=by, reason=f"The pairing is paused until {until}.", until=start_of_day(resume_on)
    )
    tell_pair(
        pairing,
        by=by,
        text=f"{by} paused your mentoring pairing in {pairing.programme} until {until}.",
        subject="Your mentoring pairing is paused",
        body=f"{by} paused your mentoring pairing in {pairing.programme} until {until}.\n\nThe reason given: {reason}",
    )
    text = f"{pair_names(pairing)} pause their mentoring in {pairing.programme} until {until}."
    tell_line_manager(pairing, by=by, text=text, subject=f"Mentoring paused: {pair_names(pairing)}")
    tell_coordinators(
        pairing,
        by=by,
        text=f"{text} Paused by {by}.",
        subject=f"Mentoring paused: {pair_names(pairing)}",
        body=f"{text} Paused by {by}.\n\nThe reason given: {reason}",
    )
    return pairing


def _announce_resumed(pairing: Pairing, *, by: Person | None) -> None:
    who = f"{by} resumed" if by else "The pause has ended:"
    tell_pair(
        pairing,
        by=by,
        text=f"{who} your mentoring pairing in {pairing.programme}. It is active again.",
        subject="Your mentoring pairing is active again",
    )
    tell_line_manager(
        pairing,
        by=by,
        text=f"{pair_names(pairing)} resume their mentoring in {pairing.programme}.",
        subject=f"Mentoring resumes: {pair_names(pairing)}",
    )


@transaction.atomic
def pairing_resume(*, pairing: Pairing, by: Person) -> Pairing:
    """Either side or a coordinator resumes a paused pairing before its resume date."""
    pairing = pairing_lock(pairing)
    require_side_or_coordinator(pairing, by, "resume")
    require_status(pairing, (Pairing.Status.PAUSED,), "be resumed")
    if gone := [str(p) for p in (pairing.mentor, pairing.mentee) if not p.is_active]:
        raise ValidationError(
            f"{' and '.join(gone)} {'has' if len(gone) == 1 else 'have'} left the organisation: the pairing can "
            "resume once they are back, or a coordinator can end it."
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
    notification_send(
        people=[pairing.mentor, pairing.mentee],
        text=f"{news} Write your private closing reflection: only you will ever read it.",
        url=reflection,
        email_subject="Your mentoring pairing has closed",
        email_body=(
            f"{news}\n\nWhen you are ready, write a short closing reflection on what you take away: {reflection}\n"
            "It is private: only you will ever read it."
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
            f"This pairing starts on {long_date(pairing.started_on)}: it cannot be completed before it has begun."
        )
    _close(pairing, by=by, status=Pairing.Status.COMPLETED)
    _invite_reflections(pairing, news=f"Your mentoring pairing in {pairing.programme} is completed ({by}).")
    tell_line_manager(
        pairing,
        by=by,
        text=f"{pair_names(pairing)} completed their mentoring in {pairing.programme}.",
        subject=f"Mentoring completed: {pair_names(pairing)}",
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
        raise ValidationError({"rematch": f"Only {pairing.mentee} or a coordinator can ask for a new mentor."})
    _close(pairing, by=by, status=Pairing.Status.ENDED_EARLY, end_reason=reason_code)
    news = f"Your mentoring pairing in {pairing.programme} has ended early ({by})."
    if reflection_closable(pairing):
        _invite_reflections(pairing, news=news)
    else:  # ended before its start date: it never ran, so there is nothing to reflect on
        tell_pair(pairing, by=by, text=f"{news[:-1]}, before it started.", subject="Your mentoring pairing has closed")
    tell_line_manager(
        pairing,
        by=by,
        text=f"{pair_names(pairing)} ended their mentoring in {pairing.programme}.",
        subject=f"Mentoring ended: {pair_names(pairing)}",
    )
    text = (
        f"{pair_names(pairing)} ended their mentoring in {pairing.programme} early "
        f"({pairing.get_end_reason_display().lower()}; ended by {by})."
    )
    wants_new_mentor = rematch and pairing.programme.status in REMATCH_STATUSES
    if wants_new_mentor:
        wish = "wants" if side == Role.MENTEE else "is to get"
        text = f"{text} {pairing.mentee} {wish} a new mentor."
    tell_coordinators(pairing, by=by, text=text, subject=f"Mentoring ended early: {pair_names(pairing)}")
    return pairing


# --- Closing reflections: PRIVATE to their author ------------------------------------------------------------


def reflection_closable(pairing: Pairing) -> bool:
    """A pairing that ran and has closed asks each side for a reflection (a declined proposal never ran)."""
    return pairing.status in (Pairing.Status.COMPLETED, Pairing.Status.ENDED_EARLY) and pairing.started_on is not None


@transaction.atomic
def reflection_write(*, pairing: Pairing, author: Person, text: str) -> ClosingReflection:
    """Write or rewrite the author's own closing reflection. Nobody is told: it is for its author only."""
    require_side(pairing, author, "write a closing reflection on")
    if not reflection_closable(pairing):
        raise ValidationError(_("A closing reflection is written once the pairing has completed or ended."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a few words, or leave the page: nothing is saved until you do.")})
    if len(text) > REFLECTION_MAX_CHARS:
        raise ValidationError({"text": f"Keep it under {REFLECTION_MAX_CHARS} characters."})
    reflection = (
        ClosingReflection.objects.select_for_update(of=("self",)).filter(pairing=pairing, author=author).first()
    )
    if reflection is None:
        reflection = ClosingReflection(pairing=pairing, author=author)
    reflection.text = text
    reflection.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            reflection.save()
    except IntegrityError:
        # The same author saved twice at once (two tabs): the first one won; keep the newer text.
        reflection = ClosingReflection.objects.get(pairing=pairing, author=author)
        reflection.text = text
        reflection.save(update_fields=["text"])
    return reflection
