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

from mentoring.models import MentorRequest, Pairing
from mentoring.selectors.cohort import match_settings_get
from mentoring.selectors.matching import Suggestion, suggestions_for
from mentoring.services.lifecycle import pairing_start_agreed
from mentoring.services.matching import pairing_propose
from programmes.models import Membership, Person, Programme, Role
from programmes.services.notifications import coordinators_of, notification_send


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
        raise ValidationError(f"{programme.name} does not take mentor requests at the moment.")
    # A request past its date no longer blocks a new one, even before the hourly sweep has marked it.
    _expire_mine(programme, mentee)
    if MentorRequest.objects.open().filter(programme=programme, mentee=mentee).exists():
        raise ValidationError(_("You already have a request waiting for an answer; withdraw it to ask someone else."))
    suggestion: Suggestion | None = next(
        (s for s in suggestions_for(programme=programme, mentee=mentee) if s.mentor.pk == mentor.pk), None
    )
    if suggestion is None:
        raise ValidationError(f"{mentor} is not among your suggestions any more; choose from the current list.")
    settings = match_settings_get(programme=programme)
    request = MentorRequest(
        programme=programme,
        mentee=mentee,
        mentor=mentor,
        message=message.strip()[:1000],
        score=suggestion.score,
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
    notification_send(
        people=[mentor],
        text=f"{mentee} asks you to be their mentor in {programme.name}. Please answer within {days} days.",
        url=reverse("mentoring:home"),
        email_subject=f"{mentee} asks you to be their mentor",
        email_body=(
            f"{mentee} would like you as their mentor in {programme.name}. Accept or decline (with a reason) on "
            f"your 'My mentoring' page within {days} days; after that the request expires."
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
        raise ValidationError(f"This request is already {locked.get_status_display().lower()}.")
    if locked.expires_at <= timezone.now():
        raise ValidationError(_("This request has expired."))
    return locked


@transaction.atomic
def request_accept(*, request: MentorRequest, by: Person) -> Pairing:
    request = _lock_open(request)
    if by.pk != request.mentor_id:
        raise ValidationError(_("Only the mentor who was asked can accept."))
    if not requests_allowed(request.programme):
        raise ValidationError(f"{request.programme.name} no longer takes mentor requests.")
    pairing = pairing_propose(
        programme=request.programme,
        mentor=request.mentor,
        mentee=request.mentee,
        by=by,
        source=Pairing.Source.REQUEST,
        score=request.score,
        explanation=request.explanation,
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
    text = f"{by} declined your request. You can read why and ask another of your suggestions."
    notification_send(
        people=[request.mentee],
        text=text,
        url=reverse("mentoring:suggestions", args=[request.programme_id]),
        email_subject="Your mentor request was declined",
        email_body=(
            f"{by} declined your request. Their reason:\n\n{request.decline_reason}\n\n"
            "You can ask another of your suggestions."
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
    notification_send(people=[request.mentor], text=f"{by} withdrew their request.", url=reverse("mentoring:home"))
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
            notification_send(
                people=[request.mentee],
                text=(
                    f"{request.mentor} did not answer your request in time, so it expired. "
                    "You can ask another of your suggestions."
                ),
                url=reverse("mentoring:suggestions", args=[request.programme_id]),
                email_subject="Your mentor request expired",
            )
            if request.programme_id not in coordinators:
                coordinators[request.programme_id] = coordinators_of(request.programme)
            notification_send(
                people=coordinators[request.programme_id],
                text=f"{request.mentor} let {request.mentee}'s request expire in {request.programme.name}.",
                url=reverse("mentoring:matching", args=[request.programme_id]),
            )
            expired += 1
    return expired
