"""Mentee requests: a mentee asks one of their suggested mentors, who accepts or declines with a reason.

A request not answered in the programme's number of days expires and the mentee is told. A mentee has at most
one open request per programme (a database constraint). Accepting proposes the pairing through the same
service as matching (same hard rules, same capacity lock) and both sides have then said yes, so it starts.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mentoring.models import MentorRequest, MentorStance, Pairing
from mentoring.said import words
from mentoring.selectors.cohort import match_settings_get
from mentoring.selectors.matching import Suggestion, suggestions_for
from mentoring.services.lifecycle import pairing_start_agreed
from mentoring.services.matching import pairing_propose
from mentoring.services.pairing import notify
from programmes.models import Membership, Person, Programme, Role
from programmes.services.notifications import coordinators_of


def requests_allowed(programme: Programme) -> bool:
    settings = match_settings_get(programme=programme)
    return settings.allow_requests and programme.status in (Programme.Status.MATCHING, Programme.Status.RUNNING)


def _is_mentee(programme: Programme, person: Person) -> bool:
    return Membership.objects.filter(programme=programme, person=person, role=Role.MENTEE).exists()


@transaction.atomic
def request_create(*, programme: Programme, mentee: Person, mentor: Person, message: str = "") -> MentorRequest:
    """The mentee asks one of their current suggestions; anyone else is refused."""
    if not _is_mentee(programme, mentee):
        raise ValidationError(_("Only the programme's mentees can request a mentor."))
    if not requests_allowed(programme):
        raise ValidationError(
            _("%(programme)s does not take mentor requests at the moment.") % {"programme": programme.name}
        )
    # A request past its date no longer blocks a new one, even before the hourly sweep has marked it.
    _expire_mine(programme, mentee)
    if MentorRequest.objects.open().filter(programme=programme, mentee=mentee).exists():
        raise ValidationError(_("You already have a request waiting for an answer; withdraw it to ask someone else."))
    suggestion: Suggestion | None = next(
        (s for s in suggestions_for(programme=programme, mentee=mentee) if s.mentor.pk == mentor.pk), None
    )
    if suggestion is None:
        raise ValidationError(
            _("%(mentor)s is not among your suggestions any more; choose from the current list.") % {"mentor": mentor}
        )
    settings = match_settings_get(programme=programme)
    request = MentorRequest(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        message=message.strip()[:1000],
        # The real score: a mentor's "prefer not" can take it below zero (the mentee reads it without the wish, at
        # the minimum or above); a score cannot be stored below zero, so the pairing is scored again on acceptance.
        score=suggestion.score if suggestion.score >= 0 else None,
        explanation=suggestion.parts,
        expires_at=timezone.now() + datetime.timedelta(days=settings.request_expiry_days),
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise ValidationError(_("You already have a request waiting for an answer.")) from None
    days = settings.request_expiry_days
    values = {"mentee": mentee, "programme": programme.name, "days": days}
    notify(
        [mentor],
        text=words(
            gettext_noop(
                "%(mentee)s asks you to be their mentor in %(programme)s. Please answer within %(days)s days."
            ),
            **values,
        ),
        url=reverse("mentoring:home"),
        email_subject=words(gettext_noop("%(mentee)s asks you to be their mentor"), **values),
        email_body=words(
            gettext_noop(
                "%(mentee)s would like you as their mentor in %(programme)s. Accept or decline (with a reason) on "
                "your 'My mentoring' page within %(days)s days; after that the request expires."
            ),
            **values,
        ),
    )
    return request


def _expire_mine(programme: Programme, mentee: Person) -> None:
    MentorRequest.objects.open().filter(programme=programme, mentee=mentee, expires_at__lte=timezone.now()).update(
        status=MentorRequest.Status.EXPIRED, decided_at=timezone.now()
    )


def _lock_open(request: MentorRequest) -> MentorRequest:
    locked = MentorRequest.objects.select_for_update(of=("self",)).select_related("programme").get(pk=request.pk)
    if locked.status != MentorRequest.Status.OPEN:
        raise ValidationError(
            _("This request is already %(status)s.") % {"status": locked.get_status_display().lower()}
        )
    if locked.expires_at <= timezone.now():
        raise ValidationError(_("This request has expired."))
    return locked


@transaction.atomic
def request_accept(*, request: MentorRequest, by: Person) -> Pairing:
    request = _lock_open(request)
    if by.pk != request.mentor_id:
        raise ValidationError(_("Only the mentor who was asked can accept."))
    if not requests_allowed(request.programme):
        raise ValidationError(
            _("%(programme)s no longer takes mentor requests.") % {"programme": request.programme.name}
        )
    # Accepting is the mentor's answer about this mentee: an earlier "prefer not" no longer holds (the mentee saw and
    # asked the mentor by the score without it), and the pairing's why is scored again without it.
    lifted, _counts = MentorStance.objects.filter(
        programme=request.programme,
        mentor=request.mentor,
        mentee=request.mentee,
        stance=MentorStance.Stance.PREFER_NOT,
    ).delete()
    pairing = pairing_propose(
        programme=request.programme,
        mentor=request.mentor,
        mentee=request.mentee,
        by=by,
        source=Pairing.Source.REQUEST,
        score=None if lifted else request.score,
        explanation=None if lifted else request.explanation,
        notify=False,
    )
    # The mentee asked and the mentor said yes: both have agreed, so the pairing starts now (one notice).
    pairing = pairing_start_agreed(pairing=pairing)
    request.status = MentorRequest.Status.ACCEPTED
    request.decided_at = timezone.now()
    request.pairing = pairing
    request.save(update_fields=["status", "decided_at", "pairing"])
    return pairing


@transaction.atomic
def request_decline(*, request: MentorRequest, by: Person, reason: str) -> MentorRequest:
    request = _lock_open(request)
    if by.pk != request.mentor_id:
        raise ValidationError(_("Only the mentor who was asked can decline."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the mentee a reason: it helps them choose again.")})
    request.status = MentorRequest.Status.DECLINED
    request.decline_reason = reason.strip()[:1000]
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decline_reason", "decided_at"])
    # The reason is the mentor's own words: it stays encrypted on the request (read on the suggestions page) and
    # goes in the email, never into the notification's row, which is stored in clear.
    notify(
        [request.mentee],
        text=words(
            gettext_noop("%(by)s declined your request. You can read why and ask another of your suggestions."), by=by
        ),
        url=reverse("mentoring:suggestions", args=[request.programme_id]),
        email_subject=words(gettext_noop("Your mentor request was declined")),
        email_body=words(
            gettext_noop(
                "%(by)s declined your request. Their reason:\n\n%(reason)s\n\nYou can ask another of your suggestions."
            ),
            by=by,
            reason=request.decline_reason,
        ),
    )
    return request


@transaction.atomic
def request_withdraw(*, request: MentorRequest, by: Person) -> MentorRequest:
    request = _lock_open(request)
    if by.pk != request.mentee_id:
        raise ValidationError(_("Only the mentee who asked can withdraw the request."))
    request.status = MentorRequest.Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    notify(
        [request.mentor],
        text=words(gettext_noop("%(by)s withdrew their request."), by=by),
        url=reverse("mentoring:home"),
    )
    return request


def requests_expire(*, now: datetime.datetime | None = None) -> int:
    """Expire unanswered requests and tell the mentee (and the coordinators) once per request.

    Each request is claimed by a conditional UPDATE before anyone is told, so the sweep can run any number
    of times, or after days of downtime, and tells each mentee once.
    """
    now = now or timezone.now()
    expired = 0
    coordinators: dict[int, list[Person]] = {}
    due = MentorRequest.objects.open().filter(expires_at__lte=now).select_related("programme", "mentee", "mentor")
    for request in due:
        with transaction.atomic():
            claimed = MentorRequest.objects.filter(pk=request.pk, status=MentorRequest.Status.OPEN).update(
                status=MentorRequest.Status.EXPIRED, decided_at=now
            )
            if not claimed:
                continue
            notify(
                [request.mentee],
                text=words(
                    gettext_noop(
                        "%(mentor)s did not answer your request in time, so it expired. You can ask another of your "
                        "suggestions."
                    ),
                    mentor=request.mentor,
                ),
                url=reverse("mentoring:suggestions", args=[request.programme_id]),
                email_subject=words(gettext_noop("Your mentor request expired")),
            )
            if request.programme_id not in coordinators:
                coordinators[request.programme_id] = coordinators_of(request.programme)
            notify(
                coordinators[request.programme_id],
                text=words(
                    gettext_noop("%(mentor)s let %(mentee)s's request expire in %(programme)s."),
                    mentor=request.mentor,
                    mentee=request.mentee,
                    programme=request.programme.name,
                ),
                url=reverse("mentoring:matching", args=[request.programme_id]),
            )
            expired += 1
    return expired
