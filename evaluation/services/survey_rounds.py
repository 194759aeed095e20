"""Surveys: who is invited when.

- Rounds: a coordinator sends a survey to an audience of the programme; everyone invited is told once when the
  round opens and reminded once before it closes (the hourly sweep claims each step with a conditional UPDATE).
- Automatic surveys: the daily sweep asks both sides of each active pairing for a health check 30 days after
  the start and then every 60 days, and both sides of a pairing that has just closed for the end-of-relationship
  survey. Each programme has one standing round per automatic survey, made on first use; the invitation's
  (round, person, pairing, due date) is the idempotency key.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import long_date
from core.i18n import in_language_of
from mentoring.models import Pairing
from programmes.models import Membership, Person, Programme, Role
from programmes.services.notifications import Notice, notices_send

from ..models import Survey, SurveyInvitation, SurveyRound
from ..selectors.surveys import invitation_answer_by, pairing_partner
from .audit_plans import audit_alerts_raise
from .surveys import (
    ANSWER_DAYS,
    AUTO_REMINDER_AFTER_DAYS,
    AUTOMATIC_KINDS,
    END_LOOKBACK_DAYS,
    HEALTH_EVERY_DAYS,
    HEALTH_FIRST_DAYS,
    REMINDER_DAYS_BEFORE,
    STANDING_ROUND_DAYS,
    _builtin,
)

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
        raise PermissionDenied(_("This survey belongs to another programme."))
    if survey.programme_id is None and survey.kind == Survey.Kind.LEARNING_ENVIRONMENT:
        # A new audit round is sent with the newest version of the items, whichever version's page it came from.
        survey = _builtin(Survey.Kind.LEARNING_ENVIRONMENT)
    if survey.kind in AUTOMATIC_KINDS:
        raise PermissionDenied(
            _("“%(title)s” is sent automatically; it cannot be sent by hand.") % {"title": survey.display_title}
        )
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before sending the survey."))
    if opens_on < today:
        raise ValidationError({"opens_on": _("A round cannot open in the past.")})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The round must close on or after the day it opens.")})
    if audience not in SurveyRound.Audience.values:
        raise ValidationError({"audience": _("Choose who is asked.")})
    invitees = [
        (person, pairing)
        for person, pairing in _audience(programme, audience, anonymous=survey.anonymous)
        if person.is_active
    ]
    if not invitees:
        raise ValidationError({"audience": _("Nobody in this programme fits that audience yet.")})
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
    notices = []
    for mine in by_person.values():
        url = (
            reverse("evaluation:survey_answer", args=[mine[0].pk])
            if len(mine) == 1
            else reverse("evaluation:my_surveys")
        )
        person = mine[0].person
        with in_language_of(person):  # each person is told in their own language
            words = {
                "title": survey_round.display_title,
                "programme": survey_round.programme,
                "date": long_date(survey_round.closes_on),
            }
            if reminder:
                text = _("Reminder: “%(title)s” in %(programme)s closes on %(date)s. It takes a few minutes.") % words
                subject = _("Reminder: %(title)s") % words
            else:
                text = _("Please answer “%(title)s” for %(programme)s by %(date)s. It takes a few minutes.") % words
                subject = _("A short survey: %(title)s") % words
            if survey.anonymous:
                text = " ".join([text, _("Your answers are anonymous.")])
        notices.append(Notice(person=person, text=text, url=url, email_subject=subject))
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


ALERT_CATCH_UP_DAYS = 14  # closed audit rounds looked at again by the sweep, for missed ticks


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
    # A closed audit round raises its two-round alerts; every closed round is looked at again, so a missed tick
    # catches up, and the alert's unique row makes a repeat raise nothing.
    for audit in manual.filter(
        status=SurveyRound.Status.CLOSED,
        survey__kind=Survey.Kind.LEARNING_ENVIRONMENT,
        sent_at__isnull=False,
        closes_on__gte=today - datetime.timedelta(days=ALERT_CATCH_UP_DAYS),
    ).select_related("survey"):
        audit_alerts_raise(survey_round=audit)
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


def _automatic_notice(invitation: SurveyInvitation, *, reminder: bool) -> Notice:
    pairing, person = invitation.pairing, invitation.person
    partner = pairing_partner(pairing, person)
    with in_language_of(person):  # what is sent to a person is in their language
        words = {
            "partner": partner,
            "programme": invitation.round.programme,
            "date": long_date(invitation_answer_by(invitation)),
        }
        if invitation.round.survey.kind == Survey.Kind.HEALTH:
            text = (
                _(
                    "How is your mentoring with %(partner)s going? A one-minute health check for %(programme)s, "
                    "by %(date)s."
                )
                % words
            )
            subject = _("How is your mentoring going?")
        else:
            text = (
                _(
                    "Your pairing with %(partner)s has closed. Tell us how it went (a short survey for %(programme)s), "
                    "by %(date)s."
                )
                % words
            )
            subject = _("How did your mentoring go?")
        if reminder:
            text = _("Reminder: %(text)s") % {"text": text}
            subject = _("Reminder: %(text)s") % {"text": subject}
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
