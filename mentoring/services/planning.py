"""Planning the next session (issue 17): either side proposes times, the other accepts one, proposes others or
declines; an accepted meeting can be moved or cancelled with a reason the partner sees; after its time the
organiser records it, as held (a session in the log, confirmed by the partner as usual) or as not held.

Only what is held and confirmed counts (check-ins, protected time): a planned session never does by itself.
Accepting, moving and cancelling email both people a calendar invitation (mentoring.services.invitations).
Notices name people and times only; the place, link and reasons stay on the planned session's page.
"""

from __future__ import annotations

import datetime
import secrets
import string
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext_lazy

from core.dates import meeting_time, validate_time_zone
from mentoring.models import (
    MeetingReminderChoice,
    MentoringSession,
    Pairing,
    PlannedSession,
    PlanningSettings,
    ProposedTime,
    SessionMode,
)
from mentoring.said import words
from mentoring.services import invitations, webhooks
from mentoring.services.pairing import pairing_lock, tell_pair
from mentoring.services.relationship import SessionInput, session_log
from programmes.models import Person, Programme

REASON_MAX_CHARS = 500
UNSAFE_IN_LINK = set("\"'<>`\\{}|^")


def _partner(pairing: Pairing, by: Person) -> Person:
    return pairing.mentee if pairing.mentor_id == by.pk else pairing.mentor


def _require_pair(pairing: Pairing, by: Person) -> None:
    if by.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise ValidationError(
            _("Only %(mentor)s and %(mentee)s plan their sessions.")
            % {"mentor": pairing.mentor, "mentee": pairing.mentee}
        )


def video_link_check(link: str) -> str:
    """An https:// address or nothing: a plain http:// or javascript: link is refused, not repaired."""
    link = (link or "").strip()
    if not link:
        return ""
    # Quotes, angle brackets and the like have no place in a meeting address: refused, so that the link is the same
    # harmless text in the page, the email and the calendar file, and URLValidator wants a real host.
    try:
        URLValidator(schemes=["https"])(link)
        if any(c.isspace() or c in UNSAFE_IN_LINK for c in link):
            raise ValidationError(_("unsafe"))
    except ValidationError:
        raise ValidationError(
            {"video_link": _("Use a secure meeting link starting with https://, with no spaces, quotes or < >.")}
        ) from None
    if len(link) > 500:
        raise ValidationError({"video_link": _("Keep the link under 500 characters.")})
    return link


PATTERN_FIELDS = {"pairing", "meeting"}


def link_pattern_check(pattern: str) -> str:
    """A coordinator's default link: https:// and only the {pairing} and {meeting} placeholders."""
    pattern = (pattern or "").strip()
    if not pattern:
        return ""
    try:
        video_link_check(pattern.replace("{", "").replace("}", ""))
    except ValidationError:
        raise ValidationError({"link_pattern": _("Use a secure meeting link starting with https://.")}) from None
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None}
        pattern.format(pairing=1, meeting="x")
    except (ValueError, KeyError, IndexError, AttributeError):
        names = {"?"}
    if names - PATTERN_FIELDS:
        raise ValidationError({"link_pattern": _("Use only {pairing} and {meeting} in braces.")})
    return pattern


def default_link(pairing: Pairing) -> str:
    """The programme's default meeting link for a new planned session of the pairing, or "" when none is set."""
    found = PlanningSettings.objects.filter(programme_id=pairing.programme_id).values_list("link_pattern", flat=True)
    pattern = next(iter(found), "")
    return pattern.format(pairing=pairing.pk, meeting=secrets.token_urlsafe(9)) if pattern else ""


@transaction.atomic
def planning_settings_update(*, programme: Programme, by: Person, link_pattern: str) -> PlanningSettings:
    found, _created = PlanningSettings.objects.select_for_update().get_or_create(programme=programme)
    found.link_pattern = link_pattern_check(link_pattern)
    found.updated_at = timezone.now()
    found.save()
    return found


def _times_check(times: Sequence[datetime.datetime]) -> list[datetime.datetime]:
    now = timezone.now()
    unique = sorted(set(times))
    if not unique:
        raise ValidationError({"times": _("Give at least one time.")})
    if len(unique) > PlannedSession.MAX_TIMES:
        raise ValidationError({"times": _("Give one time and at most three alternatives.")})
    if any(t <= now for t in unique):
        raise ValidationError({"times": _("Choose times that are still ahead.")})
    return unique


def _reason_check(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": _("Say why, so that your partner knows.")})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": _("Keep it under %(count)s characters.") % {"count": REASON_MAX_CHARS}})
    return reason


def _lock(planned: PlannedSession) -> PlannedSession:
    return (
        PlannedSession.objects.select_for_update(of=("self",))
        .select_related("pairing__programme", "pairing__mentor", "pairing__mentee", "organiser", "proposed_by")
        .get(pk=planned.pk)
    )


def _when_now(moment: datetime.datetime, person: Person) -> str:
    return f"{meeting_time(moment, person.time_zone)} ({person.zone.key})"


# In the person's time zone, and in the language of whoever reads it.
_when = lazy(_when_now, str)


@transaction.atomic
def planned_propose(
    *,
    pairing: Pairing,
    by: Person,
    times: Sequence[datetime.datetime],
    duration_minutes: int,
    mode: str,
    place: str = "",
    video_link: str = "",
) -> PlannedSession:
    """Either side proposes a meeting with one to four times; the partner is asked to choose."""
    pairing = pairing_lock(pairing)
    _require_pair(pairing, by)
    if pairing.status != Pairing.Status.ACTIVE:
        raise ValidationError(
            _("This pairing is %(status)s: sessions are planned while it is active.")
            % {"status": pairing.get_status_display().lower()}
        )
    times = _times_check(times)
    now = timezone.now()
    planned = PlannedSession(
        pairing=pairing,
        organiser=by,
        proposed_by=by,
        duration_minutes=duration_minutes,
        mode=mode,
        place=(place or "").strip(),
        video_link=video_link_check(video_link)
        or (default_link(pairing) if mode == SessionMode.VIDEO and not place else ""),
        created_at=now,
        updated_at=now,
    )
    planned.full_clean()
    planned.save()
    ProposedTime.objects.bulk_create([ProposedTime(planned=planned, starts_at=t) for t in times])
    partner = _partner(pairing, by)
    tell_pair(
        pairing,
        by=by,
        text=words(
            ngettext_lazy(
                "%(by)s proposed %(count)s time for your next session. Choose one.",
                "%(by)s proposed %(count)s times for your next session. Choose one.",
                len(times),
            ),
            by=by,
            count=len(times),
        ),
        subject=words(gettext_noop("Your mentor partner proposed a session")),
        body=words(
            gettext_noop(
                "%(by)s proposed times for your next mentoring session, starting %(when)s. Choose one in Tandem."
            ),
            by=by,
            when=_when(times[0], partner),
        ),
    )
    return planned


# Whole sentences, one per step.
_CANNOT = {
    "be accepted": gettext_noop("This session is %(state)s: it cannot be accepted."),
    "take other times": gettext_noop("This session is %(state)s: it cannot take other times."),
    "be declined": gettext_noop("This session is %(state)s: it cannot be declined."),
    "be moved": gettext_noop("This session is %(state)s: it cannot be moved."),
    "be recorded": gettext_noop("This session is %(state)s: it cannot be recorded."),
}


def _require_open(planned: PlannedSession, state: str, doing: str) -> None:
    if planned.state != state:
        raise ValidationError(_(_CANNOT[doing]) % {"state": planned.get_state_display().lower()})
    if not planned.pairing.is_current:
        raise ValidationError(_("This pairing is closed: its sessions can no longer be planned."))


@transaction.atomic
def planned_accept(*, planned: PlannedSession, by: Person, starts_at: datetime.datetime) -> PlannedSession:
    """The partner of the proposer accepts one of the proposed times; both get a calendar invitation."""
    planned = _lock(planned)
    _require_pair(planned.pairing, by)
    _require_open(planned, PlannedSession.State.PROPOSED, "be accepted")
    if planned.proposed_by_id == by.pk:
        raise ValidationError(
            _("%(partner)s chooses among the times you proposed.") % {"partner": _partner(planned.pairing, by)}
        )
    offered = set(planned.times.values_list("starts_at", flat=True))
    if starts_at not in offered:
        raise ValidationError({"starts_at": _("Choose one of the proposed times.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("That time has passed: propose another one.")})
    planned.state = PlannedSession.State.ACCEPTED
    planned.starts_at, planned.starts_on = starts_at, timezone.localdate(starts_at)
    planned.updated_at = timezone.now()
    planned.save(update_fields=["state", "starts_at", "starts_on", "updated_at"])
    planned.times.all().delete()
    invitations.invitation_send(planned=planned, cancel=False)
    webhooks.webhooks_notify(planned=planned, event="accepted")
    tell_pair(
        planned.pairing,
        by=by,
        text=words(
            gettext_noop("%(by)s accepted your session for %(when)s."),
            by=by,
            when=_when(starts_at, _partner(planned.pairing, by)),
        ),
        subject="",
    )
    return planned


@transaction.atomic
def planned_counter(
    *, planned: PlannedSession, by: Person, times: Sequence[datetime.datetime], reason: str = ""
) -> PlannedSession:
    """The partner proposes other times instead; now the first side chooses."""
    planned = _lock(planned)
    _require_pair(planned.pairing, by)
    _require_open(planned, PlannedSession.State.PROPOSED, "take other times")
    if planned.proposed_by_id == by.pk:
        raise ValidationError(_("You proposed these times: wait for your partner, or cancel and propose again."))
    times = _times_check(times)
    planned.proposed_by = by
    planned.reason, planned.reason_by = _reason_check(reason, required=False), by
    planned.updated_at = timezone.now()
    planned.save(update_fields=["proposed_by", "reason", "reason_by", "updated_at"])
    planned.times.all().delete()
    ProposedTime.objects.bulk_create([ProposedTime(planned=planned, starts_at=t) for t in times])
    tell_pair(
        planned.pairing,
        by=by,
        text=words(gettext_noop("%(by)s proposed other times for your next session. Choose one."), by=by),
        subject=words(gettext_noop("Other times proposed for your mentoring session")),
    )
    return planned


@transaction.atomic
def planned_decline(*, planned: PlannedSession, by: Person, reason: str) -> PlannedSession:
    planned = _lock(planned)
    _require_pair(planned.pairing, by)
    _require_open(planned, PlannedSession.State.PROPOSED, "be declined")
    if planned.proposed_by_id == by.pk:
        raise ValidationError(_("You proposed these times: cancel the proposal instead."))
    planned.state = PlannedSession.State.DECLINED
    planned.reason, planned.reason_by = _reason_check(reason, required=True), by
    planned.updated_at = timezone.now()
    planned.save(update_fields=["state", "reason", "reason_by", "updated_at"])
    tell_pair(
        planned.pairing,
        by=by,
        text=words(gettext_noop("%(by)s declined the proposed session. Their reason is on its page."), by=by),
        subject="",
    )
    return planned


@transaction.atomic
def planned_move(*, planned: PlannedSession, by: Person, starts_at: datetime.datetime, reason: str) -> PlannedSession:
    """Either side moves an accepted meeting; the invitation is updated (same UID, higher SEQUENCE)."""
    planned = _lock(planned)
    _require_pair(planned.pairing, by)
    _require_open(planned, PlannedSession.State.ACCEPTED, "be moved")
    (starts_at,) = _times_check([starts_at])
    if starts_at == planned.starts_at:
        raise ValidationError({"starts_at": _("That is the time already planned.")})
    planned.starts_at, planned.starts_on = starts_at, timezone.localdate(starts_at)
    planned.sequence += 1
    planned.reason, planned.reason_by = _reason_check(reason, required=True), by
    planned.updated_at = timezone.now()
    planned.save(update_fields=["starts_at", "starts_on", "sequence", "reason", "reason_by", "updated_at"])
    invitations.invitation_send(planned=planned, cancel=False)
    webhooks.webhooks_notify(planned=planned, event="moved")
    partner = _partner(planned.pairing, by)
    tell_pair(
        planned.pairing,
        by=by,
        text=words(
            gettext_noop("%(by)s moved your session to %(when)s. Their reason is on its page."),
            by=by,
            when=_when(starts_at, partner),
        ),
        subject="",
    )
    return planned


@transaction.atomic
def planned_cancel(*, planned: PlannedSession, by: Person, reason: str) -> PlannedSession:
    """Either side cancels a proposal or a planned meeting; a planned one's invitation is cancelled (METHOD:CANCEL)."""
    planned = _lock(planned)
    _require_pair(planned.pairing, by)
    was_accepted = planned.state == PlannedSession.State.ACCEPTED
    if planned.state not in (PlannedSession.State.PROPOSED, PlannedSession.State.ACCEPTED):
        raise ValidationError(
            _("This session is %(state)s: there is nothing to cancel.") % {"state": planned.get_state_display().lower()}
        )
    if was_accepted and planned.is_past:
        raise ValidationError(_("This session's time has passed: record whether it happened instead."))
    planned.state = PlannedSession.State.CANCELLED
    planned.reason, planned.reason_by = _reason_check(reason, required=True), by
    planned.sequence += 1
    planned.updated_at = timezone.now()
    planned.save(update_fields=["state", "reason", "reason_by", "sequence", "updated_at"])
    if was_accepted:
        invitations.invitation_send(planned=planned, cancel=True)
        webhooks.webhooks_notify(planned=planned, event="cancelled")
    tell_pair(
        planned.pairing,
        by=by,
        text=words(gettext_noop("%(by)s cancelled your planned session. Their reason is on its page."), by=by),
        subject="",
    )
    return planned


def planned_close_with_pairing(
    *,
    pairing: Pairing,
    by: Person | None,
    reason: str = "",
    until: datetime.datetime | None = None,
) -> int:
    """The pairing closed (or paused): its open proposals and meetings to come (with ``until``, those starting
    before it: a pause keeps the meetings after its resume date) are cancelled, and the calendars told (a CANCEL
    with a higher SEQUENCE), so nobody keeps a meeting or gets reminders for a pairing that is not running.
    Runs inside the closing transaction; returns how many were cancelled."""
    now = timezone.now()
    reason = reason or _("The pairing ended.")
    open_ones = (
        PlannedSession.objects.select_for_update(of=("self",))
        .select_related("pairing__programme", "pairing__mentor", "pairing__mentee")
        .filter(pairing=pairing)
        .open()
        .exclude(state=PlannedSession.State.ACCEPTED, starts_at__lte=now)  # a past one is still to be recorded
    )
    if until is not None:
        open_ones = open_ones.exclude(state=PlannedSession.State.ACCEPTED, starts_at__gte=until)
    open_ones = list(open_ones)
    for planned in open_ones:
        was_accepted = planned.state == PlannedSession.State.ACCEPTED
        planned.state, planned.reason, planned.reason_by = PlannedSession.State.CANCELLED, reason, by
        planned.sequence += 1
        planned.updated_at = now
        planned.save(update_fields=["state", "reason", "reason_by", "sequence", "updated_at"])
        if was_accepted:
            invitations.invitation_send(planned=planned, cancel=True)
            webhooks.webhooks_notify(planned=planned, event="cancelled")
    return len(open_ones)


def _require_recordable(planned: PlannedSession, by: Person) -> None:
    _require_pair(planned.pairing, by)
    _require_open(planned, PlannedSession.State.ACCEPTED, "be recorded")
    if not planned.is_past:
        raise ValidationError(_("A session is recorded after it happens: come back once its time has passed."))


@transaction.atomic
def planned_record_held(
    *,
    planned: PlannedSession,
    by: Person,
    summary: str = "",
    next_steps: str = "",
    private_note: str = "",
    share_note: bool = False,
) -> MentoringSession:
    """The meeting happened: it goes into the session log (dated the day it began for whoever records it) and
    the partner is asked to confirm it, as for any logged session."""
    planned = _lock(planned)
    _require_recordable(planned, by)
    held_on = min(timezone.localtime(planned.starts_at, by.zone).date(), timezone.localdate())
    session = session_log(
        pairing=planned.pairing,
        by=by,
        data=SessionInput(
            held_on=held_on,
            duration_minutes=planned.duration_minutes,
            mode=planned.mode,
            topics=[],
            goals=[],
            summary=summary,
            next_steps=next_steps,
            private_note=private_note,
            share_note=share_note,
        ),
        duplicate_ok=True,  # a planned meeting is its own session even when another was logged that day
    )
    planned.state = PlannedSession.State.HELD
    planned.session = session
    planned.updated_at = timezone.now()
    planned.save(update_fields=["state", "session", "updated_at"])
    return session


@transaction.atomic
def planned_record_not_held(*, planned: PlannedSession, by: Person, reason: str) -> PlannedSession:
    planned = _lock(planned)
    _require_recordable(planned, by)
    planned.state = PlannedSession.State.NOT_HELD
    planned.reason, planned.reason_by = _reason_check(reason, required=True), by
    planned.updated_at = timezone.now()
    planned.save(update_fields=["state", "reason", "reason_by", "updated_at"])
    tell_pair(
        planned.pairing,
        by=by,
        text=words(gettext_noop("%(by)s recorded that your planned session did not happen."), by=by),
        subject="",
    )
    return planned


@transaction.atomic
def meeting_preferences_update(*, person: Person, time_zone: str, day_before: bool, hour_before: bool) -> None:
    """The person's time zone (on their profile) and which reminders they want before planned sessions."""
    validate_time_zone(time_zone)
    person.time_zone = time_zone
    person.save(update_fields=["time_zone"])
    MeetingReminderChoice.objects.update_or_create(
        person=person, defaults={"day_before": day_before, "hour_before": hour_before}
    )
