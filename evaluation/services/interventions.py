"""Interventions: a coordinator stepping in on a pairing or a participant.

An intervention has a kind, a note for the programme's coordinators only, a follow-up date (Celery reminds
the coordinator who created it once, on that date), and an outcome; closing it resolves the alerts it answers
through mentoring's own service. Privacy: the note and the outcome never reach the pair, line managers,
committees, notices or emails; a reminder names the kind, the date and who it is about, nothing more.
Reads (lists, counts, committee counts by kind): ``selectors/interventions.py``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import long_date
from core.i18n import in_language_of
from mentoring.models import Alert, Pairing
from mentoring.services import alerts as alert_services
from programmes.models import Membership, Person, Programme, Role
from programmes.services.notifications import coordinators_of, notification_send

from ..models import Intervention, InterventionKind

NOTE_MAX_CHARS = 5000
OUTCOME_MAX_CHARS = 5000


def _require_coordinator(programme: Programme, by: Person) -> None:
    if not Membership.objects.filter(programme=programme, person=by, role=Role.COORDINATOR).exists():
        raise ValidationError(_("Only the programme's coordinators record interventions."))


def _check_follow_up(follow_up_on: datetime.date | None, *, was: datetime.date | None = None) -> None:
    # A date already passed would be reminded at once; keeping an unchanged past date on an edit is fine.
    if follow_up_on and follow_up_on < timezone.localdate() and follow_up_on != was:
        raise ValidationError({"follow_up_on": _("Choose today or a later day to follow up.")})


def _check_texts(*, note: str = "", outcome: str = "") -> None:
    if len(note) > NOTE_MAX_CHARS:
        raise ValidationError({"note": _("Keep the note under %(max)s characters.") % {"max": NOTE_MAX_CHARS}})
    if len(outcome) > OUTCOME_MAX_CHARS:
        raise ValidationError({"outcome": _("Keep the outcome under %(max)s characters.") % {"max": OUTCOME_MAX_CHARS}})


def subject_words(intervention: Intervention) -> str:
    """Who an intervention is about, in words (names only: fit for a notice)."""
    if intervention.pairing_id:
        return _("%(mentor)s and %(mentee)s") % {
            "mentor": intervention.pairing.mentor,
            "mentee": intervention.pairing.mentee,
        }
    return str(intervention.person)


@transaction.atomic
def intervention_create(
    *,
    programme: Programme,
    by: Person,
    kind: str,
    note: str = "",
    follow_up_on: datetime.date | None = None,
    pairing: Pairing | None = None,
    person: Person | None = None,
    alerts: Iterable[Alert] = (),
) -> Intervention:
    """Record an intervention on a pairing or a participant of ``programme``, answering some of its alerts.

    The alerts it answers must be open alerts of the same pairing; they are acknowledged (the other
    coordinators see someone is on it) and resolved when the intervention closes.
    """
    _require_coordinator(programme, by)
    alerts = list(alerts)
    if alerts and pairing is None:
        pairing = alerts[0].pairing
    if pairing is None and person is None:
        raise ValidationError(_("Choose the pairing or the participant this intervention is about."))
    if pairing is not None and pairing.programme_id != programme.pk:
        raise ValidationError(_("This pairing belongs to another programme."))
    if person is not None:
        is_participant = Membership.objects.participants().filter(programme=programme, person=person).exists()
        if not is_participant:
            raise ValidationError(_("Interventions are about the programme's mentors and mentees."))
        if pairing is not None and person.pk not in (pairing.mentor_id, pairing.mentee_id):
            raise ValidationError(
                _("%(person)s is not part of the pairing of %(mentor)s and %(mentee)s.")
                % {"person": person, "mentor": pairing.mentor, "mentee": pairing.mentee}
            )
    for alert in alerts:
        if pairing is None or alert.pairing_id != pairing.pk or alert.programme_id != programme.pk:
            raise ValidationError({"alerts": _("Choose alerts of this pairing only.")})
        if alert.resolved_at is not None:
            raise ValidationError({"alerts": _("That alert is already resolved: choose an open one.")})
    if kind not in Intervention.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of intervention this is.")})
    note = (note or "").strip()
    _check_texts(note=note)
    _check_follow_up(follow_up_on)
    intervention = Intervention(
        programme=programme,
        pairing=pairing,
        person=person,
        kind=kind,
        note=note,
        follow_up_on=follow_up_on,
        created_by=by,
    )
    intervention.full_clean()
    intervention.save()
    intervention.alerts.set(alerts)
    for alert in alerts:
        alert_services.alert_acknowledge(alert=alert, by=by)
    return intervention


def _lock(intervention: Intervention) -> Intervention:
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if locked.status != Intervention.Status.OPEN:
        raise ValidationError(_("This intervention is closed: it stays as it was recorded."))
    return locked


@transaction.atomic
def intervention_update(
    *, intervention: Intervention, by: Person, kind: str, note: str, follow_up_on: datetime.date | None
) -> Intervention:
    """Change an open intervention's kind, note or follow-up date. A new date is reminded again, once."""
    _require_coordinator(intervention.programme, by)
    locked = _lock(intervention)
    note = (note or "").strip()
    if kind not in Intervention.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of intervention this is.")})
    _check_texts(note=note)
    _check_follow_up(follow_up_on, was=locked.follow_up_on)
    fields = ["kind", "note", "follow_up_on"]
    if follow_up_on != locked.follow_up_on:
        intervention.follow_up_reminded_at = None
        fields.append("follow_up_reminded_at")
    if kind != locked.kind:
        # The kind's history (what a period's report counts by): the kind recorded until now, then the new one.
        if not InterventionKind.objects.filter(intervention=locked).exists():
            InterventionKind.objects.create(intervention=locked, kind=locked.kind, since=locked.created_at)
        InterventionKind.objects.create(intervention=locked, kind=kind, since=timezone.now())
    intervention.kind, intervention.note, intervention.follow_up_on = kind, note, follow_up_on
    intervention.full_clean()
    intervention.save(update_fields=fields)
    return intervention


@transaction.atomic
def intervention_close(*, intervention: Intervention, by: Person, outcome: str) -> Intervention:
    """Close an intervention with its outcome; the alerts it answers are resolved."""
    _require_coordinator(intervention.programme, by)
    _lock(intervention)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Say how it ended: the outcome is what the next coordinator reads.")})
    _check_texts(outcome=outcome)
    intervention.status = Intervention.Status.CLOSED
    intervention.outcome = outcome
    intervention.closed_by = by
    intervention.closed_at = timezone.now()
    intervention.save(update_fields=["status", "outcome", "closed_by", "closed_at"])
    for alert in intervention.alerts.filter(resolved_at__isnull=True):
        alert_services.alert_resolve(alert=alert, by=by)
    return intervention


# --- The follow-up reminder (Celery beat: evaluation.tasks.remind_intervention_follow_ups) ----------------------


def intervention_follow_ups_remind(*, today: datetime.date | None = None, limit: int = 500) -> int:
    """Remind coordinators of the open interventions whose follow-up date has come: once each.

    Each intervention is claimed by a conditional UPDATE on ``follow_up_reminded_at IS NULL`` before anyone is
    told, so two sweeps at once, a repeated run or a run after days of downtime remind each one once. The
    reminder goes to the coordinator who created it while they still coordinate the programme, else to the
    programme's coordinators. It names the kind, the date and who it is about; never the note.
    """
    today = today or timezone.localdate()
    creator_coordinates = Exists(
        Membership.objects.filter(programme=OuterRef("programme"), person=OuterRef("created_by"), role=Role.COORDINATOR)
    )
    due = list(
        Intervention.objects.filter(
            status=Intervention.Status.OPEN, follow_up_on__lte=today, follow_up_reminded_at__isnull=True
        )
        .select_related("programme", "pairing__mentor", "pairing__mentee", "person", "created_by")
        .annotate(creator_coordinates=creator_coordinates)
        .order_by("follow_up_on", "pk")[:limit]
    )
    coordinators: dict[int, list[Person]] = {}
    reminded = 0
    for intervention in due:
        with transaction.atomic():
            claimed = Intervention.objects.filter(
                pk=intervention.pk, status=Intervention.Status.OPEN, follow_up_reminded_at__isnull=True
            ).update(follow_up_reminded_at=timezone.now())
            if not claimed:
                continue  # another sweep got there first
            creator = intervention.created_by
            if creator is not None and creator.is_active and intervention.creator_coordinates:
                people = [creator]
            else:
                if intervention.programme_id not in coordinators:
                    coordinators[intervention.programme_id] = coordinators_of(intervention.programme)
                people = coordinators[intervention.programme_id]
            for person in people:
                with in_language_of(person):  # each coordinator is told in their own language
                    words = {
                        "kind": intervention.get_kind_display(),
                        "who": subject_words(intervention),
                        "programme": intervention.programme,
                        "date": long_date(intervention.follow_up_on),
                    }
                    if intervention.follow_up_on < today:
                        text = _(
                            "Time to follow up the intervention “%(kind)s” with %(who)s in %(programme)s "
                            "(due %(date)s)."
                        )
                    else:
                        text = _("Time to follow up the intervention “%(kind)s” with %(who)s in %(programme)s.")
                    notification_send(
                        people=[person],
                        text=text % words,
                        url=intervention.get_absolute_url(),
                        email_subject=_("Follow up: %(kind)s with %(who)s") % words,
                    )
            reminded += 1
    return reminded
