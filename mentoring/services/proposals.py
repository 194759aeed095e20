"""Proposed pairings from the coordinator's side: proposing one pair by hand, and reminding whoever has not
answered a proposal yet (once a day at most). Who has not answered: mentoring.selectors.proposals.

Proposing by hand goes through ``mentoring.services.matching.pairing_propose``: the same locks and hard rules as
publishing a round, checked again at the moment of the click, not when the suggestion was shown.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import day_month
from mentoring.models import Pairing
from mentoring.selectors.proposals import REMINDER_INTERVAL, waiting_on
from mentoring.services.matching import MATCHING_STATUSES, pairing_propose
from programmes.models import Membership, Person, Programme, Role
from programmes.services.audit import audit_record
from programmes.services.notifications import notification_send


def _require_coordinator(programme: Programme | int, by: Person) -> None:
    if not Membership.objects.filter(programme=programme, person=by, role=Role.COORDINATOR).exists():
        raise ValidationError(_("Only the programme's coordinators can do this."))


@transaction.atomic
def pairing_propose_by_hand(*, programme: Programme, mentor: Person, mentee: Person, by: Person) -> Pairing:
    """A coordinator proposes one pair from a suggestion. Every hard rule and the mentor's capacity are checked
    now, under the mentor's lock; both are told and asked to accept."""
    _require_coordinator(programme, by)
    if programme.status not in MATCHING_STATUSES:
        raise ValidationError(
            f"{programme.name} is {programme.get_status_display().lower()}: pairs are proposed while it matches "
            "or runs."
        )
    pairing = pairing_propose(programme=programme, mentor=mentor, mentee=mentee, by=by, source=Pairing.Source.MANUAL)
    audit_record(actor=by, action="pairing.proposed", obj=pairing, summary=f"{mentor} and {mentee}: proposed by hand.")
    return pairing


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{day_month(local)} at {local:%H:%M}"


@transaction.atomic
def pairing_remind(*, pairing: Pairing, by: Person, now: datetime.datetime | None = None) -> list[Person]:
    """Remind whoever has not answered a proposed pairing. Once per day: a second reminder within
    ``REMINDER_INTERVAL`` is refused, so a double click or an impatient coordinator sends nobody two."""
    now = now or timezone.now()
    pairing = (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("programme", "mentor", "mentee")
        .get(pk=pairing.pk)
    )
    _require_coordinator(pairing.programme_id, by)
    if pairing.status != Pairing.Status.PROPOSED:
        raise ValidationError(
            f"This pairing is {pairing.get_status_display().lower()}: there is no proposal left to answer."
        )
    if pairing.reminded_at and now - pairing.reminded_at < REMINDER_INTERVAL:
        again = pairing.reminded_at + REMINDER_INTERVAL
        raise ValidationError(
            f"A reminder about {pairing.mentor} and {pairing.mentee} was already sent on {_when(pairing.reminded_at)}. "
            f"You can send another from {_when(again)}."
        )
    people = [p for p in waiting_on(pairing) if p.is_active]
    if not people:
        raise ValidationError(_("Nobody who could answer is waiting: both have accepted, or they have left."))
    programme = pairing.programme
    for person in people:
        if person.pk == pairing.mentor_id:
            text = f"Reminder: you are proposed as {pairing.mentee}'s mentor in {programme.name}."
        else:
            text = f"Reminder: {pairing.mentor} is proposed as your mentor in {programme.name}."
        notification_send(
            people=[person],
            text=f"{text} Please accept or decline.",
            url=pairing.get_absolute_url(),
            email_subject=f"Reminder: a mentoring pairing in {programme.name} waits for your answer",
        )
    pairing.reminded_at = now
    pairing.save(update_fields=["reminded_at"])
    audit_record(
        actor=by,
        action="pairing.reminded",
        obj=pairing,
        summary=f"Reminded {', '.join(str(p) for p in people)} to answer the proposal.",
    )
    return people
