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
from core.i18n import in_language_of
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
            _("%(programme)s is %(status)s: pairs are proposed while it matches or runs.")
            % {"programme": programme.name, "status": programme.get_status_display().lower()}
        )
    pairing = pairing_propose(programme=programme, mentor=mentor, mentee=mentee, by=by, source=Pairing.Source.MANUAL)
    audit_record(actor=by, action="pairing.proposed", obj=pairing, summary=f"{mentor} and {mentee}: proposed by hand.")
    return pairing


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(day)s at %(time)s") % {"day": day_month(local), "time": f"{local:%H:%M}"}


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
            _("This pairing is %(status)s: there is no proposal left to answer.")
            % {"status": pairing.get_status_display().lower()}
        )
    if pairing.reminded_at and now - pairing.reminded_at < REMINDER_INTERVAL:
        again = pairing.reminded_at + REMINDER_INTERVAL
        raise ValidationError(
            _(
                "A reminder about %(mentor)s and %(mentee)s was already sent on %(sent)s. You can send another from "
                "%(again)s."
            )
            % {
                "mentor": pairing.mentor,
                "mentee": pairing.mentee,
                "sent": _when(pairing.reminded_at),
                "again": _when(again),
            }
        )
    people = [p for p in waiting_on(pairing) if p.is_active]
    if not people:
        raise ValidationError(_("Nobody who could answer is waiting: both have accepted, or they have left."))
    programme = pairing.programme
    for person in people:
        values = {"mentor": pairing.mentor, "mentee": pairing.mentee, "programme": programme.name}
        with in_language_of(person):  # one reminder to each, in their own language
            if person.pk == pairing.mentor_id:
                text = _(
                    "Reminder: you are proposed as %(mentee)s's mentor in %(programme)s. Please accept or decline."
                )
            else:
                text = _("Reminder: %(mentor)s is proposed as your mentor in %(programme)s. Please accept or decline.")
            subject = _("Reminder: a mentoring pairing in %(programme)s waits for your answer")
            notification_send(
                people=[person],
                text=text % values,
                url=pairing.get_absolute_url(),
                email_subject=subject % values,
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
