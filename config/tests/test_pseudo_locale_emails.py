"""Every email Tandem sends to a person passed through translation, in the recipient's language (issue 18, point 6).

Each test triggers one kind of email through the code that really sends it (a service, a sweep, a view) with every
person's own language set to the pseudo-locale (en_XA, see test_pseudo_locale) while the active language, the
sender's, stays English. What is left of the subject, the text body, the HTML part's visible text and an attached
calendar's SUMMARY and DESCRIPTION once the pseudo-translated parts and the database's data are taken out is English
that no translator would see, or that was written in the sender's language instead of the recipient's.

``test_every_email_kind_is_covered`` fails when a new place in the code sends email (a new send_mail, a new
notification with an email subject, a new tell_pair with a subject) that no test here triggers.
"""

from __future__ import annotations

import ast
import datetime
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from core.catalogues import PSEUDO_LANGUAGE
from mentoring.models import MeetingReminder, MentoringSession, Pairing, PlannedSession
from mentoring.tests.factories import ProposedPairingFactory
from mentoring.tests.test_requests import cohort
from programmes.models import AuditEvent, Membership, Notification, Person, Role
from programmes.tests.factories import PASSWORD, MembershipFactory
from programmes.tests.test_enrolment import applicant, recruiting
from programmes.tests.test_hr_sync import admin, hr_root, mapping

from .test_pseudo_locale import WORD, data_words, english_left, in_pseudo_locale, pseudo_locale, visible_text

# Other modules' fixtures, used here by name.
SHARED_FIXTURES = (pseudo_locale, in_pseudo_locale, cohort, applicant, recruiting, admin, hr_root, mapping)
ROOT = Path(settings.BASE_DIR)
UTC = datetime.UTC

# A link or an email address is not a sentence: /mentoring/pairings/3/ is the same in every language.
LINK = re.compile(r"(?:https?|webcal|mailto):\S+|(?<![\w/])/[\w\-./?=&%#]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

COVERED: dict[str, str] = {}  # "path/to/module.py::function" that sends an email -> the test that triggers it


def covers(*sites: str) -> Callable:
    """Name the places in the code whose email the decorated test triggers (see the coverage test)."""

    def register(test: Callable) -> Callable:
        for site in sites:
            COVERED[site] = test.__name__
        return test

    return register


def email_text(message) -> str:
    """What the recipient reads: subject, text body, the HTML part's visible text, calendar SUMMARY/DESCRIPTION."""
    parts = [str(message.subject), str(message.body)]
    for content, mimetype in getattr(message, "alternatives", []):
        parts.append(visible_text(HttpResponse(content, content_type=mimetype)))
    for _name, content, mimetype in message.attachments:
        parts.append(visible_text(HttpResponse(content, content_type=mimetype or "")))
    return LINK.sub(" ", "\n".join(parts))


# What people type in the actions below (a reason, a message, a narrative): no English word, so that it cannot hide
# one of Tandem's words that was left untranslated.
SAID = "Quokka zanzibar"


class PseudoMail:
    """Everyone reads Tandem in the pseudo-locale; the test (the sender) stays in English."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.known: set[str] = set()

    def start(self, *objects) -> None:
        """Give every person the pseudo language and a name and address that are no English words (the cast's
        "Max Mentor" at mentor@example.org would hide an untranslated "Mentor" or "mentor" as data), saved and on
        the instances the test holds; forget the emails sent while setting up; and take the database's words as
        they are before the email is built, without the notifications and audit lines Tandem wrote itself."""
        for person in Person.objects.order_by("pk"):
            Person.objects.filter(pk=person.pk).update(
                language=self.language, display_name=neutral_name(person.pk), email=f"x{person.pk}@example.org"
            )
        for obj in objects:
            for person in (obj, getattr(obj, "mentor", None), getattr(obj, "mentee", None)):
                if isinstance(person, Person):
                    person.refresh_from_db(fields=["language", "display_name", "email"])
        mail.outbox.clear()
        with transaction.atomic():
            # Tandem's own English stored for people (a notification) or for the record (an audit line) is not
            # the organisation's data: counted as such, it would hide the same English in the email.
            Notification.objects.all().delete()
            AuditEvent.objects.all().delete()
            self.known = data_words()
            transaction.set_rollback(True)

    def check(self, *said: str) -> None:
        """Every email sent since ``start`` holds no English; ``said`` is what the people themselves typed in the
        action (a reason, a message): their words, not Tandem's."""
        assert not translation.get_language().startswith("en-xa"), "the sender must stay in English"
        outbox = list(mail.outbox)
        assert outbox, "no email was sent: the trigger did not reach the code that sends it"
        known = self.known | {w for text in said for w in WORD.findall(text)}
        failures = []
        for message in outbox:
            if left := english_left(email_text(message), known):
                failures.append(f"to {', '.join(message.to)}, «{message.subject}»: {' '.join(left)}")
        assert not failures, f"English left in {len(failures)} of {len(outbox)} emails:\n" + "\n".join(failures)


@pytest.fixture
def pseudo_mail(in_pseudo_locale) -> PseudoMail:
    assert in_pseudo_locale == PSEUDO_LANGUAGE[0]
    return PseudoMail(in_pseudo_locale)


NAMES = ["Zofia", "Kwame", "Aiko", "Bjarke", "Ximena", "Oluwaseun", "Tadeusz", "Inês", "Yerlan", "Siobhán"]
SURNAMES = ["Wójcik", "Mensah", "Tanaka", "Søndergaard", "Quispe", "Adeyemi", "Kowalczyk", "Gonçalves"]


def neutral_name(pk: int) -> str:
    return f"{NAMES[pk % len(NAMES)]} {SURNAMES[(pk // len(NAMES)) % len(SURNAMES)]}"


def at(day: int, hour: int, month: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=UTC)


def fresh(pairing: Pairing) -> Pairing:
    return Pairing.objects.select_related("programme", "mentor", "mentee").get(pk=pairing.pk)


def test_a_translated_email_passes_and_an_english_one_is_caught(pseudo_mail, mentor):
    # The check's own check: built in the recipient's language from marked strings (Django's own, in every
    # catalogue), an email passes; the same with words that were never marked is caught, word by word.
    from django.utils.translation import gettext

    from core.i18n import in_language_of

    pseudo_mail.start(mentor)
    with in_language_of(mentor):
        mail.send_mail(gettext("Password"), gettext("Email address"), None, [mentor.email])
    pseudo_mail.check()
    with in_language_of(mentor):
        mail.send_mail(gettext("Password"), "Unmarked words", None, [mentor.email])
    with pytest.raises(AssertionError, match="Unmarked words"):
        pseudo_mail.check()


# --- Administrators and accounts -------------------------------------------------------------------------------


@covers("core/email.py::email_send_test")
def test_administrators_test_email(pseudo_mail, administrator):
    from core.email import email_send_test

    pseudo_mail.start(administrator)
    email_send_test(to=administrator.email, by=administrator)
    pseudo_mail.check()


@covers("programmes/services/credentials.py::person_notify_credentials_changed")
def test_password_changed_notice(pseudo_mail, client, mentor):
    # Through the page, as it happens; the person's session is in their own language, so this email also goes in
    # the language of the one who changed it: the reset below and the email change prove the recipient's.
    pseudo_mail.start(mentor)
    client.force_login(mentor)
    with translation.override(settings.LANGUAGE_CODE):  # the request leaves its language active: not the test's
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "A-new-passw0rd-123", "new_password2": "A-new-passw0rd-123"},
        )
    assert response.status_code == 302
    pseudo_mail.check()


def test_email_address_changed_notice(pseudo_mail, mentor):
    from programmes.services.credentials import person_notify_credentials_changed

    old = mentor.email
    Person.objects.filter(pk=mentor.pk).update(email="max.new@example.org")
    mentor.refresh_from_db()
    pseudo_mail.start(mentor)
    person_notify_credentials_changed(person=mentor, what="email", address=old)
    pseudo_mail.check()


@covers("config/accounts.py::send_mail")  # our PasswordResetForm's, once it builds the email in their language
def test_password_reset_email(pseudo_mail, client, administrator):
    # Django's form and our templates (registration/password_reset_*), asked for by someone not logged in, in
    # English: the email must still be in the account holder's language.
    pseudo_mail.start(administrator)
    response = client.post(reverse("password_reset"), {"email": administrator.email})
    assert response.status_code == 302
    pseudo_mail.check()


@covers("programmes/services/admin_changes.py::_tell")
def test_administrator_changed_a_role(pseudo_mail, administrator, outsider, programme):
    from programmes.services.admin_changes import membership_record_admin_change

    membership = Membership.objects.create(programme=programme, person=outsider, role=Role.COMMITTEE)
    pseudo_mail.start(administrator, outsider)
    membership_record_admin_change(actor=administrator, membership=membership, change="added")
    pseudo_mail.check()


def test_administrator_changed_access(pseudo_mail, administrator, outsider):
    from programmes.services.admin_changes import person_record_admin_access_change

    Person.objects.filter(pk=outsider.pk).update(is_staff=True)
    outsider.refresh_from_db()
    pseudo_mail.start(administrator, outsider)
    person_record_admin_access_change(actor=administrator, person=outsider, fields=["is_staff"])
    pseudo_mail.check()


# --- Planned sessions: invitations and meeting reminders ---------------------------------------------------------


def propose(pairing, by, times):
    from mentoring.services import planning

    return planning.planned_propose(
        pairing=pairing, by=by, times=times, duration_minutes=60, mode="video", video_link="https://meet.example.org/a"
    )


@covers("mentoring/services/planning.py::planned_propose")
def test_a_session_proposed(pseudo_mail, pairing, mentor):
    with time_machine.travel(at(1, 9), tick=False):
        pseudo_mail.start(pairing, mentor)
        propose(fresh(pairing), mentor, [at(10, 8), at(11, 8)])
    pseudo_mail.check()


@covers("mentoring/services/planning.py::planned_counter")
def test_other_times_proposed(pseudo_mail, pairing, mentor, mentee):
    from mentoring.services import planning

    with time_machine.travel(at(1, 9), tick=False):
        planned = propose(fresh(pairing), mentor, [at(10, 8)])
        pseudo_mail.start(pairing, mentor, mentee)
        planning.planned_counter(planned=planned, by=mentee, times=[at(15, 10)], reason=SAID)
    pseudo_mail.check(SAID)


@covers("mentoring/services/invitations.py::invitation_send")
@pytest.mark.parametrize("cancel", [False, True], ids=["invitation", "cancellation"])
def test_calendar_invitation(pseudo_mail, pairing, mentor, mentee, cancel, django_capture_on_commit_callbacks):
    from mentoring.services import planning

    with time_machine.travel(at(1, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        planned = propose(fresh(pairing), mentor, [at(10, 8)])
        if cancel:
            planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
        pseudo_mail.start(pairing, mentor, mentee)
        if cancel:
            planning.planned_cancel(planned=PlannedSession.objects.get(pk=planned.pk), by=mentor, reason=SAID)
        else:
            planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    assert any(m.attachments for m in mail.outbox), "no invite.ics"
    pseudo_mail.check(SAID)


@covers("mentoring/services/meeting_reminders.py::meeting_reminder_message")
@pytest.mark.parametrize("kind", [MeetingReminder.Kind.DAY, MeetingReminder.Kind.HOUR])
def test_meeting_reminder(pseudo_mail, pairing, mentor, mentee, kind):
    from mentoring.services import planning
    from mentoring.services.reminders import reminders_sweep

    Pairing.objects.filter(pk=pairing.pk).update(checkin_due_on=datetime.date(2027, 1, 30))
    with time_machine.travel(at(1, 9), tick=False):
        planned = propose(fresh(pairing), mentor, [at(10, 8)])
        planning.planned_accept(planned=planned, by=mentee, starts_at=at(10, 8))
    before = datetime.timedelta(days=1) if kind == MeetingReminder.Kind.DAY else datetime.timedelta(minutes=30)
    when = at(10, 8) - before
    pseudo_mail.start(pairing, mentor, mentee)
    with time_machine.travel(when, tick=False):
        reminders_sweep(now=when)
    pseudo_mail.check()


# --- Check-in reminders ----------------------------------------------------------------------------------------


@covers("mentoring/services/reminder_emails.py::digest_message")
@pytest.mark.parametrize("days_after", [-3, 1, 8], ids=["upcoming", "overdue", "escalated"])
def test_check_in_reminder_digest(pseudo_mail, pairing, coordinator, mentor, mentee, days_after):
    from mentoring.services.reminders import reminders_sweep

    due = datetime.date(2026, 3, 10)
    Pairing.objects.filter(pk=pairing.pk).update(checkin_due_on=due, last_session_on=None)
    when = datetime.datetime.combine(due + datetime.timedelta(days=days_after), datetime.time(9), tzinfo=UTC)
    pseudo_mail.start(pairing, mentor, mentee, coordinator)
    with time_machine.travel(when, tick=False):
        reminders_sweep()
    pseudo_mail.check()


# --- The pairing's life ----------------------------------------------------------------------------------------


@pytest.fixture
def proposal(programme, cohort):
    """Ann (an approved mentor) proposed for Nia (an approved mentee, whose line manager is the cast's)."""
    return ProposedPairingFactory(programme=programme, mentor=cohort["ann"], mentee=cohort["mentee"], score=72)


@covers("mentoring/services/lifecycle.py::pairing_accept")
@pytest.mark.parametrize("both", [False, True], ids=["first-side", "both-sides"])
def test_pairing_accepted(pseudo_mail, proposal, both):
    from mentoring.services import lifecycle

    if both:
        lifecycle.pairing_accept(pairing=fresh(proposal), by=proposal.mentor)
    pseudo_mail.start()
    lifecycle.pairing_accept(pairing=fresh(proposal), by=Person.objects.get(pk=proposal.mentee_id))
    pseudo_mail.check()


@covers("mentoring/services/lifecycle.py::pairing_start_agreed")
def test_pairing_started_as_agreed(pseudo_mail, proposal):
    from mentoring.services import lifecycle

    pseudo_mail.start()
    lifecycle.pairing_start_agreed(pairing=fresh(proposal))
    pseudo_mail.check()


@covers("mentoring/services/lifecycle.py::pairing_decline")
def test_pairing_declined(pseudo_mail, proposal, coordinator):
    from mentoring.services import lifecycle

    pseudo_mail.start()
    mentee = Person.objects.get(pk=proposal.mentee_id)
    lifecycle.pairing_decline(pairing=fresh(proposal), by=mentee, reason=SAID)
    pseudo_mail.check(SAID)


@covers("mentoring/services/proposals.py::pairing_remind")
def test_proposal_reminder(pseudo_mail, proposal, coordinator):
    from mentoring.services.proposals import pairing_remind

    pseudo_mail.start(coordinator)
    pairing_remind(pairing=proposal, by=coordinator)
    pseudo_mail.check()


@covers("mentoring/services/lifecycle.py::pairing_pause")
def test_pairing_paused(pseudo_mail, pairing, mentor, mentee, line_manager, coordinator):
    from mentoring.services import lifecycle

    with time_machine.travel(at(1, 9), tick=False):
        pseudo_mail.start(pairing, mentor, coordinator)
        lifecycle.pairing_pause(pairing=fresh(pairing), by=mentor, reason=SAID, resume_on=datetime.date(2026, 12, 20))
    pseudo_mail.check(SAID)


@covers("mentoring/services/lifecycle.py::_announce_resumed")
@pytest.mark.parametrize("how", ["by-hand", "on-its-day"])
def test_pairing_resumed(pseudo_mail, pairing, mentor, how):
    from mentoring.services import lifecycle

    with time_machine.travel(at(1, 9), tick=False):
        lifecycle.pairing_pause(pairing=fresh(pairing), by=mentor, reason=SAID, resume_on=datetime.date(2026, 12, 3))
    with time_machine.travel(at(3 if how == "on-its-day" else 2, 9), tick=False):
        pseudo_mail.start(pairing, mentor)
        if how == "by-hand":
            lifecycle.pairing_resume(pairing=fresh(pairing), by=mentor)
        else:
            assert lifecycle.pairings_resume_due() == 1
    pseudo_mail.check()


@covers("mentoring/services/lifecycle.py::pairing_complete", "mentoring/services/lifecycle.py::_invite_reflections")
def test_pairing_completed(pseudo_mail, pairing, mentor, line_manager):
    from mentoring.services import lifecycle

    with time_machine.travel(at(1, 9), tick=False):
        pseudo_mail.start(pairing, mentor)
        lifecycle.pairing_complete(pairing=fresh(pairing), by=mentor)
    pseudo_mail.check()


@covers("mentoring/services/lifecycle.py::pairing_end_early")
@pytest.mark.parametrize("started", [True, False], ids=["after-start", "before-start"])
def test_pairing_ended_early(pseudo_mail, pairing, coordinator, line_manager, started):
    from mentoring.services import lifecycle

    if not started:
        Pairing.objects.filter(pk=pairing.pk).update(started_on=datetime.date(2027, 1, 4))
    with time_machine.travel(at(1, 9), tick=False):
        pseudo_mail.start(pairing, coordinator)
        lifecycle.pairing_end_early(
            pairing=fresh(pairing), by=coordinator, reason_code=Pairing.EndReason.WORKLOAD, rematch=False
        )
    pseudo_mail.check()


@covers("mentoring/services/alerts.py::coordinators_alert")
def test_coordinators_alerted(pseudo_mail, pairing, coordinator):
    from mentoring.models import Alert
    from mentoring.services.alerts import alert_raise

    pseudo_mail.start(pairing, coordinator)
    alert_raise(pairing=fresh(pairing), kind=Alert.Kind.ESCALATION, reason=SAID)
    pseudo_mail.check()


# --- Agreement and sessions ------------------------------------------------------------------------------------


@covers("mentoring/services/relationship.py::agreement_update")
def test_agreement_changed(pseudo_mail, pairing, mentor):
    from mentoring.services import relationship

    pseudo_mail.start(pairing, mentor)
    relationship.agreement_update(pairing=fresh(pairing), by=mentor, cadence_days=21, preferred_mode="video")
    pseudo_mail.check()


@covers("mentoring/services/relationship.py::agreement_sign")
def test_agreement_to_sign(pseudo_mail, pairing, mentee):
    from mentoring.services import relationship

    pseudo_mail.start(pairing, mentee)
    relationship.agreement_sign(pairing=fresh(pairing), by=mentee)
    pseudo_mail.check()


def session_input(**values):
    from mentoring.services.relationship import SessionInput

    base = {"held_on": datetime.date(2026, 11, 30), "duration_minutes": 60, "mode": "video", "topics": [], "goals": []}
    return SessionInput(**{**base, "summary": "Talked about X", **values})


@covers("mentoring/services/relationship.py::session_log")
def test_session_to_confirm(pseudo_mail, pairing, mentor):
    from mentoring.services import relationship

    with time_machine.travel(at(1, 9), tick=False):
        pseudo_mail.start(pairing, mentor)
        relationship.session_log(pairing=fresh(pairing), by=mentor, data=session_input())
    pseudo_mail.check()


@covers("mentoring/services/relationship.py::session_dispute", "mentoring/services/relationship.py::session_update")
@pytest.mark.parametrize("step", ["disputed", "corrected"])
def test_session_disputed_and_corrected(pseudo_mail, pairing, mentor, mentee, step):
    from mentoring.services import relationship

    with time_machine.travel(at(1, 9), tick=False):
        session = relationship.session_log(pairing=fresh(pairing), by=mentor, data=session_input())
        if step == "corrected":
            relationship.session_dispute(session=session, by=mentee, reason=SAID)
        pseudo_mail.start(pairing, mentor, mentee)
        session = MentoringSession.objects.get(pk=session.pk)
        if step == "disputed":
            relationship.session_dispute(session=session, by=mentee, reason=SAID)
        else:
            relationship.session_update(session=session, by=mentor, data=session_input(duration_minutes=45))
    pseudo_mail.check(SAID)


# --- Proposals, requests, leavers ------------------------------------------------------------------------------


@covers("mentoring/services/matching.py::_pair_notices")
def test_pairing_proposed(pseudo_mail, programme, coordinator, cohort):
    from mentoring.services import matching

    pseudo_mail.start(coordinator, *cohort.values())
    matching.pairing_propose(programme=programme, mentor=cohort["bob"], mentee=cohort["mentee"], by=coordinator)
    pseudo_mail.check()


@covers("mentoring/services/mentor_requests.py::request_create")
def test_mentor_request(pseudo_mail, programme, cohort):
    from mentoring.services.mentor_requests import request_create

    pseudo_mail.start(*cohort.values())
    request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"], message=SAID)
    pseudo_mail.check(SAID)


@covers("mentoring/services/mentor_requests.py::request_decline")
def test_mentor_request_declined(pseudo_mail, programme, cohort):
    from mentoring.services.mentor_requests import request_create, request_decline

    request = request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    pseudo_mail.start(*cohort.values())
    request_decline(request=request, by=cohort["ann"], reason=SAID)
    pseudo_mail.check(SAID)


@covers("mentoring/services/mentor_requests.py::requests_expire")
def test_mentor_request_expired(pseudo_mail, programme, cohort):
    from mentoring.services.mentor_requests import request_create, requests_expire

    start = datetime.datetime(2026, 11, 2, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        request_create(programme=programme, mentee=cohort["mentee"], mentor=cohort["ann"])
    pseudo_mail.start(*cohort.values())
    with time_machine.travel(start + datetime.timedelta(days=10), tick=False):
        assert requests_expire() == 1
    pseudo_mail.check()


@covers("mentoring/services/leavers.py::_pairing_pause", "mentoring/services/leavers.py::_coordinators_tell")
def test_a_leaver_pauses_the_pairing(pseudo_mail, pairing, mentor, mentee, coordinator, administrator):
    # As an administrator (or the nightly HR file) closes a leaver's account: the mentoring hook pauses the pairing
    # with Tandem's own reason, tells the partner and the coordinators.
    from programmes.services.leavers import person_deactivate

    with time_machine.travel(at(1, 9), tick=False):
        pseudo_mail.start(pairing, coordinator, administrator)
        person_deactivate(person=mentor, by=administrator)
    pseudo_mail.check()


# --- Enrolment ---------------------------------------------------------------------------------------------------


@covers("programmes/services/enrolment.py::_application_submitted_notices")
def test_application_submitted(pseudo_mail, recruiting, applicant, line_manager, coordinator):
    from programmes.tests.test_enrolment import apply

    pseudo_mail.start(applicant, line_manager, coordinator)
    apply(recruiting, applicant, goals=SAID)
    pseudo_mail.check(SAID)


@covers("programmes/services/enrolment.py::application_endorse")
def test_application_endorsed(pseudo_mail, recruiting, applicant, line_manager):
    from programmes.services.enrolment import application_endorse
    from programmes.tests.test_enrolment import apply

    application = apply(recruiting, applicant, goals=SAID)
    pseudo_mail.start(applicant, line_manager)
    application_endorse(application=application, by=line_manager, endorse=False, reason=SAID)
    pseudo_mail.check(SAID)


@covers("programmes/services/enrolment.py::_decision_notices")
@pytest.mark.parametrize("decision", ["approve", "decline", "waitlist"])
def test_application_decided(pseudo_mail, recruiting, applicant, coordinator, decision):
    from programmes.services.enrolment import application_decide, application_endorse
    from programmes.tests.test_enrolment import apply

    application = apply(recruiting, applicant, goals=SAID)
    application = application_endorse(application=application, by=applicant.line_manager, endorse=True)
    pseudo_mail.start(applicant, coordinator)
    reason = "" if decision == "approve" else SAID
    application_decide(application=application, by=coordinator, decision=decision, reason=reason)
    pseudo_mail.check(SAID)


@covers("programmes/services/enrolment.py::applications_remind_silent_managers")
def test_silent_line_manager_reminder(pseudo_mail, recruiting, applicant, coordinator):
    from programmes.services.enrolment import applications_remind_silent_managers
    from programmes.tests.test_enrolment import apply

    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=UTC), tick=False):
        apply(recruiting, applicant, goals=SAID)
    pseudo_mail.start(applicant, coordinator)
    with time_machine.travel(datetime.datetime(2026, 11, 12, 9, tzinfo=UTC), tick=False):
        assert applications_remind_silent_managers() == 1
    pseudo_mail.check()


# --- Programmes, roles, time, training, the HR file -------------------------------------------------------------


@covers("programmes/services/programme.py::_close_loose_ends")
def test_programme_closed_with_applications_waiting(pseudo_mail, coordinator, outsider):
    from programmes.models import Programme
    from programmes.services.programme import programme_transition
    from programmes.tests.factories import ApplicationFactory, ProgrammeFactory

    programme = ProgrammeFactory(name="Winding Down", status=Programme.Status.CLOSING)
    MembershipFactory(programme=programme, person=coordinator, role=Role.COORDINATOR)
    ApplicationFactory(programme=programme, person=outsider, goals=SAID)
    pseudo_mail.start(coordinator, outsider)
    programme_transition(programme=programme, to=Programme.Status.CLOSED, by=coordinator, confirm=True)
    pseudo_mail.check()


@covers("programmes/services/programme.py::membership_add")
def test_given_a_role(pseudo_mail, programme, coordinator, outsider):
    from programmes.services.programme import membership_add

    pseudo_mail.start(coordinator, outsider)
    membership_add(programme=programme, person=outsider, role=Role.COMMITTEE, by=coordinator)
    pseudo_mail.check()


@covers("programmes/services/time.py::_allocations_announce")
def test_protected_time_to_approve(pseudo_mail, cast, programme):
    from programmes.services.time import allocations_ensure_month

    pseudo_mail.start(*cast.values())
    allocations_ensure_month(programme=programme, month=datetime.date(2026, 11, 1), by=cast["coordinator"])
    pseudo_mail.check()


@covers("programmes/services/time.py::allocation_adjust")
def test_changed_protected_time_to_approve(pseudo_mail, cast, programme):
    from programmes.models import TimeAllocation
    from programmes.services.time import allocation_adjust, allocation_decide, allocations_ensure_month

    allocations_ensure_month(programme=programme, month=datetime.date(2026, 11, 1))
    allocation = TimeAllocation.objects.get(person=cast["mentee"])
    allocation_decide(allocation=allocation, by=cast["line_manager"], approve=True)
    pseudo_mail.start(*cast.values())
    allocation_adjust(allocation=TimeAllocation.objects.get(pk=allocation.pk), hours="6", by=cast["coordinator"])
    pseudo_mail.check()


@covers("programmes/services/time.py::allocation_decide")
@pytest.mark.parametrize("approve", [True, False], ids=["approved", "declined"])
def test_protected_time_decided(pseudo_mail, cast, programme, approve):
    from programmes.models import TimeAllocation
    from programmes.services.time import allocation_decide, allocations_ensure_month

    allocations_ensure_month(programme=programme, month=datetime.date(2026, 11, 1))
    allocation = TimeAllocation.objects.get(person=cast["mentee"])
    pseudo_mail.start(*cast.values())
    reason = "" if approve else SAID
    allocation_decide(allocation=allocation, by=cast["line_manager"], approve=approve, reason=reason)
    pseudo_mail.check(reason)


def _opportunity(cast, **extra):
    from programmes.services.opportunities import opportunity_publish

    data = {"kind": "shadowing", "title": SAID, "host": cast["mentor"], "hours": "3", **extra}
    return opportunity_publish(by=cast["line_manager"], data=data)


@covers("programmes/services/opportunities.py::opportunity_request")
def test_learning_opportunity_asked(pseudo_mail, cast, programme):
    from programmes.services.opportunities import opportunity_request

    opportunity = _opportunity(cast)
    pseudo_mail.start(*cast.values())
    opportunity_request(opportunity=opportunity, person=cast["mentee"], programme=programme)
    pseudo_mail.check(SAID)


@covers("programmes/services/opportunities.py::opportunity_request_decide")
@pytest.mark.parametrize("approve", [True, False], ids=["approved", "declined"])
def test_learning_opportunity_decided(pseudo_mail, cast, programme, approve):
    from programmes.services.opportunities import opportunity_request, opportunity_request_decide

    request = opportunity_request(opportunity=_opportunity(cast), person=cast["mentee"], programme=programme)
    pseudo_mail.start(*cast.values())
    reason = "" if approve else SAID
    opportunity_request_decide(request=request, by=cast["line_manager"], approve=approve, reason=reason)
    pseudo_mail.check(SAID)


@covers("programmes/services/opportunities.py::opportunity_request_confirm")
def test_learning_opportunity_confirmed(pseudo_mail, cast, programme):
    from programmes.services.opportunities import (
        opportunity_request,
        opportunity_request_confirm,
        opportunity_request_decide,
    )

    request = opportunity_request(opportunity=_opportunity(cast), person=cast["mentee"], programme=programme)
    opportunity_request_decide(request=request, by=cast["line_manager"], approve=True)
    pseudo_mail.start(*cast.values())
    happened = request.created_at.date()
    opportunity_request_confirm(request=request, by=cast["mentor"], happened=True, happened_on=happened)
    pseudo_mail.check(SAID)


@covers("mentoring/services/opportunities.py::opportunity_suggest")
def test_learning_opportunity_suggested(pseudo_mail, cast):
    from mentoring.services.opportunities import opportunity_suggest

    opportunity = _opportunity(cast, host=cast["coordinator"])
    pseudo_mail.start(*cast.values())
    opportunity_suggest(pairing=fresh(cast["pairing"]), opportunity=opportunity, by=cast["mentor"])
    pseudo_mail.check(SAID)


@covers("programmes/services/training.py::_warn")
def test_training_expiring(pseudo_mail, cast):
    from programmes.services.training import training_warn_expiring
    from programmes.tests.factories import CourseFactory, TrainingRecordFactory

    today = datetime.date(2026, 3, 10)
    TrainingRecordFactory(
        person=cast["mentor"],
        course=CourseFactory(title="Safeguarding"),
        completed_on=today - datetime.timedelta(days=345),
        expires_on=today + datetime.timedelta(days=20),
    )
    pseudo_mail.start(*cast.values())
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(9), tzinfo=UTC), tick=False):
        assert training_warn_expiring(today=today)["warned"] == 1
    pseudo_mail.check()


@covers("programmes/services/hr_sync.py::_tell")
def test_nightly_hr_file_needs_an_administrator(pseudo_mail, hr_root, mapping, admin):
    from programmes.services.hr_sync import hr_sync_run

    pseudo_mail.start(admin)
    hr_sync_run()
    pseudo_mail.check()


# --- Evaluation: surveys, interventions, reports ----------------------------------------------------------------


DAY = datetime.timedelta(days=1)
SURVEY_DAY = datetime.date(2026, 5, 4)


@covers("evaluation/services/survey_rounds.py::_round_notices")
@pytest.mark.parametrize("step", ["opens", "reminder"])
def test_survey_round(pseudo_mail, programme, coordinator, mentor, mentee, step):
    from evaluation.services import survey_rounds
    from evaluation.tests.test_surveys import own_survey

    def send():
        return survey_rounds.survey_round_send(
            survey=survey,
            programme=programme,
            by=coordinator,
            title=SAID,
            audience="participants",
            opens_on=SURVEY_DAY,
            closes_on=SURVEY_DAY + DAY * 10,
        )

    with time_machine.travel(datetime.datetime.combine(SURVEY_DAY, datetime.time(9), tzinfo=UTC), tick=False):
        survey = own_survey(programme, coordinator)
        if step == "opens":
            pseudo_mail.start(coordinator, mentor, mentee)
            send()
        else:
            send()
            pseudo_mail.start(coordinator, mentor, mentee)
    if step == "reminder":
        with time_machine.travel(datetime.datetime.combine(SURVEY_DAY + DAY * 7, datetime.time(9), tzinfo=UTC)):
            assert survey_rounds.survey_rounds_sweep()["reminded"] == 2
    pseudo_mail.check(SAID)


@covers("evaluation/services/survey_rounds.py::_automatic_notice")
@pytest.mark.parametrize("step", ["health-check", "end-survey", "reminder"])
def test_automatic_survey(pseudo_mail, pairing, mentor, mentee, coordinator, step):
    from evaluation.services import survey_rounds
    from mentoring.services.lifecycle import pairing_complete

    due = pairing.started_on + DAY * 30

    def on(day):
        return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=UTC), tick=False)

    if step == "end-survey":
        with on(SURVEY_DAY):
            pairing_complete(pairing=fresh(pairing), by=coordinator)
            pseudo_mail.start(pairing, coordinator)
            assert survey_rounds.end_surveys_invite() == 2
    elif step == "health-check":
        with on(due):
            pseudo_mail.start(pairing)
            assert survey_rounds.health_checks_invite() == 2
    else:
        with on(due):
            survey_rounds.health_checks_invite()
        pseudo_mail.start(pairing)
        with on(due + DAY * 7):
            assert survey_rounds.automatic_invitations_remind() == 2
    pseudo_mail.check()


@covers("evaluation/services/interventions.py::intervention_follow_ups_remind")
def test_intervention_follow_up(pseudo_mail, cast, coordinator, django_capture_on_commit_callbacks):
    from evaluation.services.interventions import intervention_follow_ups_remind
    from evaluation.tests.test_interventions import in_days, make, on

    with on(in_days(0)):
        make(cast, follow_up_on=in_days(3))
    pseudo_mail.start(*cast.values())
    with on(in_days(3)), django_capture_on_commit_callbacks(execute=True):
        assert intervention_follow_ups_remind() == 1
    pseudo_mail.check()


@pytest.fixture
def submitted_report(cast, programme, coordinator):
    from evaluation.services import reports
    from evaluation.tests.report_world import NOW, QUARTER

    with time_machine.travel(NOW, tick=False):
        report = reports.report_create(programme=programme, by=coordinator, period=QUARTER)
        return reports.report_update(report=report, title=report.title, narrative=SAID)


@covers("evaluation/services/reports.py::report_submit")
def test_report_to_review(pseudo_mail, cast, submitted_report, coordinator):
    from evaluation.services import reports
    from evaluation.tests.report_world import NOW

    pseudo_mail.start(*cast.values())
    with time_machine.travel(NOW, tick=False):
        reports.report_submit(report=submitted_report, by=coordinator)
    pseudo_mail.check(SAID)


@covers("evaluation/services/reports.py::_tell_coordinators")
@pytest.mark.parametrize("step", ["comment", "decision", "sign-off"])
def test_committee_answered_a_report(pseudo_mail, cast, submitted_report, coordinator, committee_member, step):
    from evaluation.models import ReportDecision
    from evaluation.services import reports
    from evaluation.tests.report_world import NOW

    with time_machine.travel(NOW, tick=False):
        report = reports.report_submit(report=submitted_report, by=coordinator)
        pseudo_mail.start(*cast.values())
        if step == "comment":
            reports.report_comment(report=report, by=committee_member, text=SAID)
        elif step == "decision":
            kind = ReportDecision.Kind.values[0]
            due = NOW.date() + datetime.timedelta(days=30)
            reports.report_decision_record(
                report=report, by=committee_member, kind=kind, text=SAID, owner=coordinator, due_on=due
            )
        else:
            reports.report_sign_off(report=report, by=committee_member)
    pseudo_mail.check(SAID)


@covers("evaluation/services/decisions.py::decision_tell_owner")
def test_a_decision_is_yours(pseudo_mail, cast, submitted_report, coordinator, committee_member):
    from evaluation.services import reports
    from evaluation.tests.report_world import NOW

    with time_machine.travel(NOW, tick=False):
        report = reports.report_submit(report=submitted_report, by=coordinator)
        pseudo_mail.start(*cast.values())
        reports.report_decision_record(
            report=report,
            by=committee_member,
            kind="decision",
            text=SAID,
            owner=cast["line_manager"],
            due_on=NOW.date() + datetime.timedelta(days=30),
        )
    pseudo_mail.check(SAID)


# --- Every place that sends email is here -----------------------------------------------------------------------

# Calls that send email themselves, or hand a prepared one over.
SENDING_CALLS = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
}
# Any call given a non-empty ``email_subject=`` (notification_send, a helper around it) emails; so do these helpers
# when given a subject (an empty subject is an in-app notice only): where their subject is.
SUBJECT_HELPERS = {"Notice": 3, "tell_pair": "subject", "tell_line_manager": "subject", "tell_coordinators": "subject"}
# The plumbing: they carry what their callers built, they do not write to anyone themselves.
TRANSPORT = {
    "core/email.py::payload_to_message",  # the worker rebuilding a queued message
    "programmes/services/notifications.py::notification_send",
    "programmes/services/notifications.py::notices_send",
    # Send each their news in their language; the callers are the kinds.
    *(f"mentoring/services/pairing.py::{name}" for name in ("notify", "tell_pair", "tell_line_manager")),
    "mentoring/services/pairing.py::tell_coordinators",
}
SOURCE_FOLDERS = ("core", "config", "programmes", "mentoring", "evaluation")


def _emails(call: ast.Call) -> bool:
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    if name in SENDING_CALLS:
        return True
    where = SUBJECT_HELPERS.get(name, "email_subject")
    subject = call.args[where] if isinstance(where, int) and len(call.args) > where else None
    subject = next((k.value for k in call.keywords if k.arg in (where, "email_subject")), subject)
    return subject is not None and not (isinstance(subject, ast.Constant) and not subject.value)


def email_sites() -> set[str]:
    """Every function of Tandem's own code that builds an email for someone: "path.py::function"."""
    sites = set()
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
                if any(_emails(call) for call in calls):
                    sites.add(f"{relative}::{function.name}")
    return sites - TRANSPORT


def test_every_email_kind_is_covered():
    sites = email_sites()
    assert sites, "the search for email call sites found nothing: it no longer matches the code"
    missing = sorted(sites - set(COVERED))
    assert not missing, (
        "These functions send email but no test here triggers it: add a test that does, marked "
        "@covers(...):\n" + "\n".join(missing)
    )


# --- Line managers' briefing (issue 20) ---------------------------------------------------------------------------


@covers("programmes/services/briefing.py::briefing_remind")
def test_line_manager_briefing_reminder(pseudo_mail, programme, coordinator, mentee, line_manager):
    from programmes.services.briefing import briefing_remind

    pseudo_mail.start(coordinator, line_manager)
    assert briefing_remind(programme=programme, by=coordinator) == 1
    pseudo_mail.check()
