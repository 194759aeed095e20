"""The pairing lifecycle: every transition (and the ones refused), who may make it, capacity at activation,
the daily resume sweep, notices, the pages, and the privacy of closing reflections."""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import NoReverseMatch, reverse

from conftest import require
from mentoring.models import ClosingReflection, Pairing
from mentoring.permissions import reflections_visible_to
from mentoring.services import lifecycle
from mentoring.tasks import resume_due_pairings
from mentoring.tests.factories import ClosingReflectionFactory, PairingFactory, ProposedPairingFactory
from programmes.models import Application, Notification, Programme, Role
from programmes.tests.factories import ApplicationFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 4, 15)
SECRET = "I never told anyone how much the reorganisation shook me."


def on(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=LONDON), tick=False)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def today():
    with on(TODAY):
        yield TODAY


def notes(person) -> list[str]:
    return list(Notification.objects.filter(person=person).values_list("text", flat=True))


def mails_to(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email]]


def approve(person, programme, role: str, **extra) -> Application:
    return ApplicationFactory(programme=programme, person=person, role=role, status="approved", **extra)


@pytest.fixture
def profiles(cast):
    """Approved profiles for the cast's mentor (default capacity: 2) and mentee."""
    programme = cast["pairing"].programme
    return {
        "mentor": approve(cast["mentor"], programme, Role.MENTOR),
        "mentee": approve(cast["mentee"], programme, Role.MENTEE),
    }


@pytest.fixture
def newcomer(cast, profiles):
    """A second mentee of the cast's line manager, approved, not yet matched."""
    programme = cast["pairing"].programme
    person = PersonFactory(
        email="newcomer@example.org", display_name="Nia Newcomer", line_manager=cast["line_manager"], grade=2
    )
    MembershipFactory(programme=programme, person=person, role=Role.MENTEE)
    approve(person, programme, Role.MENTEE)
    return person


@pytest.fixture
def proposal(cast, newcomer):
    return ProposedPairingFactory(
        programme=cast["pairing"].programme,
        mentor=cast["mentor"],
        mentee=newcomer,
        score=72,
        explanation=[{"text": "+32 skills: Negotiation, Budgeting"}, {"text": "+15 different department"}],
    )


def fresh(pairing: Pairing) -> Pairing:
    return Pairing.objects.get(pk=pairing.pk)


# --- Accepting ---------------------------------------------------------------------------------------------


def test_one_side_accepting_keeps_the_proposal_waiting_and_tells_the_other(cast, proposal, newcomer):
    lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
    proposal = fresh(proposal)
    assert proposal.status == Pairing.Status.PROPOSED and proposal.mentor_accepted_at is not None
    assert proposal.mentee_accepted_at is None and proposal.started_on is None
    assert notes(newcomer) == [
        "Max Mentor accepted your pairing in Growing Together. It starts as soon as you accept too."
    ]
    assert len(mails_to(newcomer)) == 1
    assert notes(cast["mentor"]) == [] and notes(cast["line_manager"]) == []


def test_when_both_accept_the_pairing_starts_today_and_the_pair_and_line_manager_hear_of_it(cast, proposal, newcomer):
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    mail.outbox.clear()
    lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
    proposal = fresh(proposal)
    assert proposal.status == Pairing.Status.ACTIVE and proposal.started_on == TODAY
    start = "Max Mentor and Nia Newcomer start mentoring in Growing Together."
    assert start in notes(newcomer) and start in notes(cast["line_manager"])
    [manager_mail] = mails_to(cast["line_manager"])
    assert manager_mail.subject == "Mentoring starts: Max Mentor and Nia Newcomer"
    assert start in manager_mail.body
    # The line manager is pointed to My team: the pairing page is not theirs to open.
    assert Notification.objects.get(person=cast["line_manager"]).url == reverse("programmes:team")


def test_accepting_twice_is_refused_with_a_clear_message(cast, proposal):
    lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
    with pytest.raises(ValidationError, match="already accepted this pairing; it starts as soon as Nia Newcomer"):
        lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])


@pytest.mark.parametrize("role", ["coordinator", "line_manager", "outsider", "committee_member"])
def test_only_the_pair_may_accept_or_decline(cast, proposal, role):
    with pytest.raises(ValidationError, match="Only Max Mentor and Nia Newcomer can accept"):
        lifecycle.pairing_accept(pairing=proposal, by=cast[role])
    with pytest.raises(ValidationError, match="can decline"):
        lifecycle.pairing_decline(pairing=proposal, by=cast[role], reason="No.")
    assert fresh(proposal).mentor_accepted_at is None and fresh(proposal).status == Pairing.Status.PROPOSED


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("active", "This pairing is active, so it cannot be accepted."),
        ("paused", "This pairing is paused, so it cannot be accepted."),
        ("completed", "a closed pairing never restarts"),
        ("ended_early", "a closed pairing never restarts"),
    ],
)
def test_only_a_proposal_can_be_accepted(cast, profiles, status, message):
    pairing = cast["pairing"]
    pairing.status, pairing.end_reason = status, "no_fault" if status == "ended_early" else ""
    pairing.ended_on = TODAY if status in ("completed", "ended_early") else None
    pairing.save()
    with pytest.raises(ValidationError, match=message):
        lifecycle.pairing_accept(pairing=pairing, by=cast["mentee"])
    assert fresh(pairing).status == status


def test_a_mentor_at_capacity_cannot_start_another_pairing(cast, proposal, newcomer, profiles):
    profiles["mentor"].capacity = 1
    profiles["mentor"].save()
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    with pytest.raises(ValidationError, match="Max Mentor already mentors 1 person in Growing Together"):
        lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
    proposal = fresh(proposal)
    # Nothing half-done: the second acceptance rolled back with the activation.
    assert proposal.status == Pairing.Status.PROPOSED and proposal.mentor_accepted_at is None


def test_a_paused_pairing_still_takes_a_place_of_the_mentors_capacity(cast, proposal, newcomer, profiles):
    profiles["mentor"].capacity = 1
    profiles["mentor"].save()
    lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentee"], reason="Leave", resume_on=TODAY + days(30))
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    with pytest.raises(ValidationError, match="as many as they can take on"):
        lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])


def test_the_programme_default_capacity_applies_and_a_freed_place_can_be_taken(cast, proposal, newcomer):
    programme = cast["pairing"].programme
    programme.default_mentor_capacity = 1
    programme.save()
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    with pytest.raises(ValidationError, match="already mentors 1 person"):
        lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
    lifecycle.pairing_complete(pairing=cast["pairing"], by=cast["mentor"])
    lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
    assert fresh(proposal).status == Pairing.Status.ACTIVE


def test_a_mentor_without_an_approved_profile_cannot_start(cast, proposal, newcomer, profiles):
    profiles["mentor"].status = Application.Status.WITHDRAWN
    profiles["mentor"].save()
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    with pytest.raises(ValidationError, match="Max Mentor is no longer an approved mentor"):
        lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_activation_waits_for_the_mentors_profile_lock_and_then_counts_the_new_pairing(cast, proposal, newcomer):
    """Two activations for one mentor take turns on the mentor's profile row (PostgreSQL's row locks).

    The main thread holds the lock as a concurrent activation would, fills the mentor's last place and commits;
    the other thread's acceptance must wait for it, then count that pairing and refuse.
    """
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    Application.objects.filter(person=cast["mentor"]).update(capacity=2)
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    outcome: dict[str, object] = {}

    def accept() -> None:
        try:
            lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
            outcome["result"] = "started"
        except ValidationError as exc:
            outcome["result"] = " ".join(exc.messages)
        finally:
            connections.close_all()

    worker = threading.Thread(target=accept)
    with transaction.atomic():
        Application.objects.select_for_update().get(person=cast["mentor"], status="approved")
        worker.start()
        worker.join(timeout=1.5)
        assert worker.is_alive(), "the activation did not wait for the mentor's profile lock"
        PairingFactory(programme=proposal.programme, mentor=cast["mentor"], started_on=TODAY)
    worker.join(timeout=10)
    assert "Max Mentor already mentors 2 people" in outcome["result"]
    assert fresh(proposal).status == Pairing.Status.PROPOSED


def test_a_mentee_with_a_current_mentor_gets_a_clear_message_not_a_database_error(cast, profiles):
    programme = cast["pairing"].programme
    other_mentor = PersonFactory(display_name="Olga Other")
    MembershipFactory(programme=programme, person=other_mentor, role=Role.MENTOR)
    approve(other_mentor, programme, Role.MENTOR)
    second = ProposedPairingFactory(programme=programme, mentor=other_mentor, mentee=cast["mentee"])
    lifecycle.pairing_accept(pairing=second, by=other_mentor)
    with pytest.raises(ValidationError, match="Mina Mentee already has a current mentor in Growing Together"):
        lifecycle.pairing_accept(pairing=second, by=cast["mentee"])
    assert fresh(second).status == Pairing.Status.PROPOSED


@pytest.mark.parametrize("status", [Programme.Status.CLOSING, Programme.Status.CLOSED])
def test_no_pairing_starts_in_a_programme_that_is_closing_or_closed(cast, proposal, newcomer, status):
    Programme.objects.filter(pk=proposal.programme_id).update(status=status)
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    with pytest.raises(ValidationError, match="no new pairing starts now"):
        lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])


# --- Declining ---------------------------------------------------------------------------------------------


def test_declining_ends_the_proposal_unstarted_and_gives_the_coordinators_the_reason(cast, proposal, newcomer):
    lifecycle.pairing_decline(pairing=proposal, by=newcomer, reason="We sit in the same meetings every week.")
    proposal = fresh(proposal)
    assert proposal.status == Pairing.Status.ENDED_EARLY
    assert proposal.end_reason == Pairing.EndReason.NO_FAULT
    assert proposal.started_on is None and proposal.ended_on == TODAY and proposal.ended_by == newcomer
    [coordinator_mail] = mails_to(cast["coordinator"])
    assert "We sit in the same meetings every week." in coordinator_mail.body
    assert "Nia Newcomer is free to be matched again" in coordinator_mail.body
    # The partner hears that it will not go ahead, not why; the line manager hears nothing of a proposal.
    [mentor_mail] = mails_to(cast["mentor"])
    assert "declined" in mentor_mail.body and "same meetings" not in mentor_mail.body
    assert notes(cast["line_manager"]) == []


def test_a_declined_mentee_can_be_proposed_again(cast, proposal, newcomer):
    lifecycle.pairing_decline(pairing=proposal, by=cast["mentor"], reason="Too close to my own team.")
    ProposedPairingFactory(programme=proposal.programme, mentee=newcomer)
    assert Pairing.objects.filter(mentee=newcomer, status=Pairing.Status.PROPOSED).count() == 1


def test_declining_needs_a_reason(cast, proposal, newcomer):
    with pytest.raises(ValidationError) as error:
        lifecycle.pairing_decline(pairing=proposal, by=newcomer, reason="   ")
    assert "so that the coordinators can find a better match" in error.value.message_dict["reason"][0]
    assert fresh(proposal).status == Pairing.Status.PROPOSED


def test_an_active_pairing_cannot_be_declined(cast):
    with pytest.raises(ValidationError, match="active, so it cannot be declined"):
        lifecycle.pairing_decline(pairing=cast["pairing"], by=cast["mentee"], reason="Changed my mind")


# --- Pausing and resuming ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["mentor", "mentee", "coordinator"])
def test_either_side_or_a_coordinator_may_pause(cast, role):
    lifecycle.pairing_pause(pairing=cast["pairing"], by=cast[role], reason="Parental leave", resume_on=TODAY + days(60))
    pairing = fresh(cast["pairing"])
    assert pairing.status == Pairing.Status.PAUSED
    assert pairing.paused_reason == "Parental leave" and pairing.resume_on == TODAY + days(60)


@pytest.mark.parametrize("role", ["line_manager", "outsider", "committee_member", "administrator"])
def test_nobody_else_may_pause_resume_complete_or_end_a_pairing(cast, role):
    pairing, person = cast["pairing"], cast[role]
    with pytest.raises(ValidationError, match="or a coordinator of Growing Together can pause"):
        lifecycle.pairing_pause(pairing=pairing, by=person, reason="x", resume_on=TODAY + days(3))
    with pytest.raises(ValidationError, match="can complete"):
        lifecycle.pairing_complete(pairing=pairing, by=person)
    with pytest.raises(ValidationError, match="can end"):
        lifecycle.pairing_end_early(pairing=pairing, by=person, reason_code="other", rematch=False)
    Pairing.objects.filter(pk=pairing.pk).update(status="paused", resume_on=TODAY + days(3), paused_reason="x")
    with pytest.raises(ValidationError, match="can resume"):
        lifecycle.pairing_resume(pairing=pairing, by=person)
    assert fresh(pairing).status == Pairing.Status.PAUSED


@pytest.mark.parametrize(
    ("resume_on", "message"),
    [
        (TODAY, "Choose a resume date after today."),
        (TODAY - days(1), "Choose a resume date after today."),
        (datetime.date(2026, 10, 16), "A pause lasts at most 6 months: resume by 15 October 2026."),
    ],
)
def test_a_pause_needs_a_resume_date_within_six_months(cast, resume_on, message):
    with pytest.raises(ValidationError) as error:
        lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="Leave", resume_on=resume_on)
    assert error.value.message_dict["resume_on"] == [message]
    assert fresh(cast["pairing"]).status == Pairing.Status.ACTIVE


def test_a_pause_of_exactly_six_months_is_allowed_and_a_reason_is_required(cast):
    with pytest.raises(ValidationError) as error:
        lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason=" ", resume_on=TODAY + days(1))
    assert "Say why" in error.value.message_dict["reason"][0]
    lifecycle.pairing_pause(
        pairing=cast["pairing"], by=cast["mentor"], reason="Secondment", resume_on=datetime.date(2026, 10, 15)
    )
    assert fresh(cast["pairing"]).status == Pairing.Status.PAUSED


def test_a_pause_tells_the_pair_the_line_manager_and_the_coordinators_but_the_manager_not_why(cast):
    lifecycle.pairing_pause(
        pairing=cast["pairing"], by=cast["mentee"], reason="Caring for my father", resume_on=TODAY + days(30)
    )
    assert notes(cast["mentor"]) == ["Mina Mentee paused your mentoring pairing in Growing Together until 15 May 2026."]
    assert "Caring for my father" in mails_to(cast["mentor"])[0].body
    assert notes(cast["line_manager"]) == [
        "Max Mentor and Mina Mentee pause their mentoring in Growing Together until 15 May 2026."
    ]
    assert "Caring" not in mails_to(cast["line_manager"])[0].body
    assert "Caring for my father" in mails_to(cast["coordinator"])[0].body
    assert notes(cast["mentee"]) == []  # the one who paused sees it on the page


@pytest.mark.parametrize("status", ["proposed", "paused", "completed"])
def test_only_an_active_pairing_can_be_paused(cast, status, profiles):
    pairing = PairingFactory(programme=cast["pairing"].programme, status=status, ended_on=None, started_on=None)
    if status == "paused":
        Pairing.objects.filter(pk=pairing.pk).update(started_on=TODAY, resume_on=TODAY + days(3))
    with pytest.raises(ValidationError, match="so it cannot be paused"):
        lifecycle.pairing_pause(pairing=pairing, by=pairing.mentor, reason="x", resume_on=TODAY + days(3))


def test_resuming_by_hand_makes_the_pairing_active_and_tells_the_partner_and_line_manager(cast):
    lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="Audit", resume_on=TODAY + days(20))
    Notification.objects.all().delete()
    lifecycle.pairing_resume(pairing=cast["pairing"], by=cast["coordinator"])
    pairing = fresh(cast["pairing"])
    assert pairing.status == Pairing.Status.ACTIVE and pairing.resume_on is None and pairing.paused_reason == ""
    assert "Cora Coordinator resumed your mentoring pairing in Growing Together. It is active again." in notes(
        cast["mentee"]
    )
    assert notes(cast["line_manager"]) == ["Max Mentor and Mina Mentee resume their mentoring in Growing Together."]


def test_an_active_pairing_cannot_be_resumed(cast):
    with pytest.raises(ValidationError, match="active, so it cannot be resumed"):
        lifecycle.pairing_resume(pairing=cast["pairing"], by=cast["mentor"])


def test_the_daily_sweep_resumes_a_due_pairing_once_however_often_it_runs(cast):
    lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="Audit", resume_on=TODAY + days(5))
    Notification.objects.all().delete()
    mail.outbox.clear()
    with on(TODAY + days(4)):
        assert resume_due_pairings.delay().get() == 0
    assert fresh(cast["pairing"]).status == Pairing.Status.PAUSED
    with on(TODAY + days(5)):
        assert resume_due_pairings.delay().get() == 1
        assert resume_due_pairings.delay().get() == 0
    with on(TODAY + days(6)):
        assert lifecycle.pairings_resume_due() == 0
    assert fresh(cast["pairing"]).status == Pairing.Status.ACTIVE
    told = "The pause has ended: your mentoring pairing in Growing Together. It is active again."
    assert notes(cast["mentor"]) == [told] and notes(cast["mentee"]) == [told]
    assert len(mails_to(cast["mentor"])) == 1 and len(mails_to(cast["line_manager"])) == 1


def test_a_pairing_resumed_by_hand_after_the_sweep_selected_it_is_not_claimed_again(cast):
    lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="Audit", resume_on=TODAY + days(1))
    with on(TODAY + days(1)):
        due = list(Pairing.objects.filter(status="paused").values_list("pk", flat=True))
        lifecycle.pairing_resume(pairing=cast["pairing"], by=cast["mentee"])  # between selection and claim
        Notification.objects.all().delete()
        assert lifecycle.pairing_resume_claim(pk=due[0], today=TODAY + days(1)) is None
    assert Notification.objects.count() == 0


def test_the_sweep_catches_up_after_missed_days_and_leaves_pairings_resumed_by_hand_alone(cast, proposal, newcomer):
    lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="Audit", resume_on=TODAY + days(2))
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
    lifecycle.pairing_pause(pairing=proposal, by=newcomer, reason="Exams", resume_on=TODAY + days(3))
    lifecycle.pairing_resume(pairing=proposal, by=newcomer)
    with on(TODAY + days(10)):
        assert lifecycle.pairings_resume_due() == 1
    assert fresh(cast["pairing"]).status == Pairing.Status.ACTIVE


def test_every_pause_keeps_its_dates_through_a_resume_by_hand_the_sweep_and_an_ending(cast):
    pairing = cast["pairing"]
    lifecycle.pairing_pause(pairing=pairing, by=cast["mentor"], reason="Leave", resume_on=TODAY + days(30))
    with on(TODAY + days(3)):
        lifecycle.pairing_resume(pairing=fresh(pairing), by=cast["mentee"])
    with on(TODAY + days(5)):
        lifecycle.pairing_pause(
            pairing=fresh(pairing), by=cast["coordinator"], reason="Audit", resume_on=TODAY + days(9)
        )
    with on(TODAY + days(12)):
        assert lifecycle.pairings_resume_due() == 1
    with on(TODAY + days(20)):
        lifecycle.pairing_pause(pairing=fresh(pairing), by=cast["mentor"], reason="Exams", resume_on=TODAY + days(40))
        assert list(fresh(pairing).pauses.values_list("paused_on", "resumed_on"))[-1] == (TODAY + days(20), None)
    with on(TODAY + days(25)):
        lifecycle.pairing_end_early(pairing=fresh(pairing), by=cast["mentor"], reason_code="workload", rematch=False)
    assert list(fresh(pairing).pauses.values_list("paused_on", "resumed_on")) == [
        (TODAY, TODAY + days(3)),
        (TODAY + days(5), TODAY + days(12)),
        (TODAY + days(20), TODAY + days(25)),
    ]


def test_a_pause_that_fails_leaves_no_history(cast):
    with pytest.raises(ValidationError):
        lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason=" ", resume_on=TODAY + days(3))
    assert not fresh(cast["pairing"]).pauses.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_paused_pairing_an_open_pause_from_its_audited_day_or_today(cast):
    from django.db.migrations.executor import MigrationExecutor

    with on(TODAY - days(10)):
        lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="Leave", resume_on=TODAY + days(9))
    unlogged = PairingFactory(programme=cast["pairing"].programme, status=Pairing.Status.PAUSED, resume_on=TODAY)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: going back may unapply other apps too
    try:
        executor.migrate([("mentoring", "0009_goal_state_history")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert list(fresh(cast["pairing"]).pauses.values_list("paused_on", "resumed_on")) == [(TODAY - days(10), None)]
    assert list(fresh(unlogged).pauses.values_list("paused_on", "resumed_on")) == [(TODAY, None)]


# --- Completing and ending early ---------------------------------------------------------------------------


@pytest.mark.parametrize("paused_first", [False, True])
def test_completing_closes_the_pairing_and_asks_both_sides_for_a_reflection(cast, paused_first):
    if paused_first:
        lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="x", resume_on=TODAY + days(9))
        Notification.objects.all().delete()
    lifecycle.pairing_complete(pairing=cast["pairing"], by=cast["mentor"])
    pairing = fresh(cast["pairing"])
    assert pairing.status == Pairing.Status.COMPLETED and pairing.ended_on == TODAY
    assert pairing.ended_by == cast["mentor"] and pairing.resume_on is None
    reflection_url = reverse("mentoring:pairing_reflection", args=[pairing.pk])
    for side in ("mentor", "mentee"):
        [note] = Notification.objects.filter(person=cast[side])
        assert "Write your private closing reflection" in note.text and note.url == reflection_url
    assert notes(cast["line_manager"]) == ["Max Mentor and Mina Mentee completed their mentoring in Growing Together."]


@pytest.mark.parametrize("status", ["proposed", "completed", "ended_early"])
def test_only_a_current_pairing_can_be_completed_or_ended_early(cast, profiles, status):
    pairing = PairingFactory(
        programme=cast["pairing"].programme,
        status=status,
        started_on=None if status == "proposed" else TODAY - days(30),
        ended_on=None if status == "proposed" else TODAY - days(1),
        end_reason="mismatch" if status == "ended_early" else "",
    )
    with pytest.raises(ValidationError, match="cannot be completed"):
        lifecycle.pairing_complete(pairing=pairing, by=pairing.mentor)
    with pytest.raises(ValidationError, match="cannot be ended early"):
        lifecycle.pairing_end_early(pairing=pairing, by=pairing.mentor, reason_code="other", rematch=False)
    assert fresh(pairing).status == status


def test_a_closed_pairing_never_becomes_current_again(cast):
    lifecycle.pairing_end_early(pairing=cast["pairing"], by=cast["mentor"], reason_code="workload", rematch=False)
    for change in (
        lambda: lifecycle.pairing_resume(pairing=cast["pairing"], by=cast["mentee"]),
        lambda: lifecycle.pairing_accept(pairing=cast["pairing"], by=cast["mentee"]),
        lambda: lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentee"], reason="x", resume_on=TODAY),
    ):
        with pytest.raises(ValidationError, match="a closed pairing never restarts"):
            change()
    assert fresh(cast["pairing"]).status == Pairing.Status.ENDED_EARLY


def test_ending_early_with_a_rematch_asks_the_coordinators_and_frees_the_mentee(cast, profiles):
    lifecycle.pairing_end_early(pairing=cast["pairing"], by=cast["mentee"], reason_code="mismatch", rematch=True)
    pairing = fresh(cast["pairing"])
    assert pairing.status == Pairing.Status.ENDED_EARLY and pairing.end_reason == "mismatch"
    assert pairing.ended_on == TODAY and pairing.ended_by == cast["mentee"]
    [told] = notes(cast["coordinator"])
    assert "(not a good match; ended by Mina Mentee)" in told and "Mina Mentee wants a new mentor." in told
    # The line manager hears that it ended, never why.
    assert notes(cast["line_manager"]) == ["Max Mentor and Mina Mentee ended their mentoring in Growing Together."]
    assert "match" not in mails_to(cast["line_manager"])[0].body
    # Free to be matched: a new mentor's proposal can start.
    programme = pairing.programme
    new_mentor = PersonFactory(display_name="Nadia New")
    MembershipFactory(programme=programme, person=new_mentor, role=Role.MENTOR)
    approve(new_mentor, programme, Role.MENTOR)
    rematch = ProposedPairingFactory(programme=programme, mentor=new_mentor, mentee=cast["mentee"])
    lifecycle.pairing_accept(pairing=rematch, by=new_mentor)
    lifecycle.pairing_accept(pairing=rematch, by=cast["mentee"])
    assert fresh(rematch).status == Pairing.Status.ACTIVE


def test_no_rematch_is_asked_for_once_the_programme_is_closing(cast):
    Programme.objects.filter(pk=cast["pairing"].programme_id).update(status=Programme.Status.CLOSING)
    lifecycle.pairing_end_early(pairing=cast["pairing"], by=cast["mentee"], reason_code="left", rematch=True)
    [told] = notes(cast["coordinator"])
    assert "new mentor" not in told


def test_the_mentor_cannot_ask_for_a_new_mentor_for_the_mentee_and_reason_codes_are_checked(cast):
    with pytest.raises(ValidationError) as error:
        lifecycle.pairing_end_early(pairing=cast["pairing"], by=cast["mentor"], reason_code="workload", rematch=True)
    assert error.value.message_dict == {"rematch": ["Only Mina Mentee or a coordinator can ask for a new mentor."]}
    with pytest.raises(ValidationError) as error:
        lifecycle.pairing_end_early(pairing=cast["pairing"], by=cast["coordinator"], reason_code="bored", rematch=False)
    assert "reason_code" in error.value.message_dict
    assert fresh(cast["pairing"]).status == Pairing.Status.ACTIVE


def test_a_coordinator_ending_with_a_rematch_tells_the_other_coordinators(cast):
    colleague = PersonFactory(display_name="Colin Colleague")
    MembershipFactory(programme=cast["pairing"].programme, person=colleague, role=Role.COORDINATOR)
    lifecycle.pairing_end_early(pairing=cast["pairing"], by=cast["coordinator"], reason_code="other", rematch=True)
    assert notes(cast["coordinator"]) == []
    [told] = notes(colleague)
    assert "Mina Mentee is to get a new mentor." in told


# --- Closing reflections -----------------------------------------------------------------------------------


@pytest.fixture
def closed(cast):
    lifecycle.pairing_complete(pairing=cast["pairing"], by=cast["mentee"])
    return fresh(cast["pairing"])


def test_each_side_writes_one_reflection_and_may_rewrite_it(cast, closed):
    lifecycle.reflection_write(pairing=closed, author=cast["mentee"], text="First draft")
    lifecycle.reflection_write(pairing=closed, author=cast["mentee"], text=SECRET)
    lifecycle.reflection_write(pairing=closed, author=cast["mentor"], text="Mine")
    assert ClosingReflection.objects.get(pairing=closed, author=cast["mentee"]).text == SECRET
    assert ClosingReflection.objects.filter(pairing=closed).count() == 2


def test_a_reflection_waits_for_the_pairing_to_close_and_a_declined_proposal_asks_for_none(cast, proposal, newcomer):
    with pytest.raises(ValidationError, match="once the pairing has completed or ended"):
        lifecycle.reflection_write(pairing=cast["pairing"], author=cast["mentee"], text="Too soon")
    lifecycle.pairing_decline(pairing=proposal, by=newcomer, reason="Not now")
    with pytest.raises(ValidationError, match="once the pairing has completed or ended"):
        lifecycle.reflection_write(pairing=fresh(proposal), author=newcomer, text="Never started")
    assert not ClosingReflection.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "line_manager", "outsider"])
def test_only_the_pair_write_reflections_and_an_empty_one_is_refused(cast, closed, role):
    with pytest.raises(ValidationError, match="can write a closing reflection"):
        lifecycle.reflection_write(pairing=closed, author=cast[role], text="Not mine to write")
    with pytest.raises(ValidationError) as error:
        lifecycle.reflection_write(pairing=closed, author=cast["mentor"], text="  ")
    assert "Write a few words" in error.value.message_dict["text"][0]


def test_a_reflection_is_visible_to_its_author_only(cast, closed):
    ClosingReflectionFactory(pairing=closed, author=cast["mentee"], text=SECRET)
    assert list(reflections_visible_to(cast["mentee"]).values_list("text", flat=True)) == [SECRET]
    for role in ("mentor", "coordinator", "line_manager", "committee_member", "administrator", "outsider"):
        assert not reflections_visible_to(cast[role]).exists(), role


def test_no_page_shows_a_reflection_to_anyone_but_its_author(client, cast, closed):
    lifecycle.reflection_write(pairing=closed, author=cast["mentee"], text=SECRET)
    detail = reverse("mentoring:pairing_detail", args=[closed.pk])
    reflection_page = reverse("mentoring:pairing_reflection", args=[closed.pk])
    client.force_login(cast["mentee"])
    assert SECRET in client.get(reflection_page).content.decode()
    pages = {
        "mentor": [detail, reflection_page, reverse("mentoring:home")],
        "coordinator": [detail, closed.programme.get_absolute_url(), reverse("programmes:notifications")],
        "line_manager": [reverse("programmes:team"), reverse("programmes:notifications")],
        "committee_member": [reverse("evaluation:reports")],
        "administrator": [
            reverse("admin:mentoring_pairing_changelist"),
            reverse("admin:mentoring_pairing_change", args=[closed.pk]),
        ],
    }
    for role, urls in pages.items():
        client.force_login(cast[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            assert SECRET not in response.content.decode(), (role, url)
    # Those who do not see the pairing are not told it exists, let alone what was written about it.
    for role in ("line_manager", "committee_member", "outsider", "administrator"):
        client.force_login(cast[role])
        assert client.get(detail).status_code == 404, role
        assert client.get(reflection_page).status_code == 404, role
    client.force_login(cast["coordinator"])
    assert client.get(reflection_page).status_code == 403
    # The admin has no page for reflections at all.
    with pytest.raises(NoReverseMatch):
        reverse("admin:mentoring_closingreflection_changelist")


def test_a_reflection_travels_in_no_email_and_no_notification(cast, closed):
    lifecycle.reflection_write(pairing=closed, author=cast["mentee"], text=SECRET)
    lifecycle.reflection_write(pairing=closed, author=cast["mentor"], text=SECRET + " (mentor)")
    assert not any(SECRET in m.body or SECRET in m.subject for m in mail.outbox)
    assert not Notification.objects.filter(text__contains="reorganisation").exists()
    assert len(mail.outbox) > 0  # the closing itself was announced; the reflections were not


# --- Pages (shallow: the rules are tested above) --------------------------------------------------------------


def test_the_pair_accept_from_my_mentoring_and_the_pairing_starts(client, cast, proposal, newcomer):
    client.force_login(newcomer)
    home = client.get(reverse("mentoring:home")).content.decode()
    assert "Be mentored by Max Mentor?" in home and "Accept" in home
    response = client.post(reverse("mentoring:pairing_accept", args=[proposal.pk]), follow=True)
    assert "The pairing starts as soon as Max Mentor accepts too." in response.content.decode()
    client.force_login(cast["mentor"])
    response = client.post(reverse("mentoring:pairing_accept", args=[proposal.pk]), follow=True)
    assert "You have both accepted: your mentoring with Nia Newcomer starts today." in response.content.decode()
    assert fresh(proposal).status == Pairing.Status.ACTIVE


def test_the_pairing_page_tells_the_pair_why_they_were_proposed(client, cast, proposal, newcomer):
    client.force_login(newcomer)
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert "Why you were matched" in content and "+32 skills: Negotiation, Budgeting" in content
    assert "score 72" in content and "Decline…" in content


def test_an_accept_refused_by_the_rules_is_explained_on_the_page(client, cast, proposal, newcomer, profiles):
    profiles["mentor"].capacity = 1
    profiles["mentor"].save()
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    client.force_login(cast["mentor"])
    response = client.post(reverse("mentoring:pairing_accept", args=[proposal.pk]), follow=True)
    assert "The pairing was not accepted: Max Mentor already mentors 1 person" in response.content.decode()


def test_declining_without_a_reason_shows_the_form_again_and_changes_nothing(client, cast, proposal, newcomer):
    client.force_login(newcomer)
    url = reverse("mentoring:pairing_decline", args=[proposal.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert fresh(proposal).status == Pairing.Status.PROPOSED
    response = client.post(url, {"reason": "We work on the same desk."})
    assert response.url == reverse("mentoring:home")
    assert fresh(proposal).status == Pairing.Status.ENDED_EARLY


def test_the_pause_form_explains_a_bad_date_and_the_coordinator_sees_the_pause(client, cast):
    url = reverse("mentoring:pairing_pause", args=[cast["pairing"].pk])
    client.force_login(cast["mentor"])
    response = client.post(url, {"reason": "Busy season", "resume_on": "2027-03-01"})
    assert "A pause lasts at most 6 months: resume by 15 October 2026." in response.content.decode()
    response = client.post(url, {"reason": "Busy season", "resume_on": "not a date"})
    assert response.status_code == 200 and "Enter a valid date." in response.content.decode()
    assert fresh(cast["pairing"]).status == Pairing.Status.ACTIVE
    client.post(url, {"reason": "Busy season", "resume_on": "2026-05-20"})
    client.force_login(cast["coordinator"])
    content = client.get(cast["pairing"].get_absolute_url()).content.decode()
    assert "Busy season" in content and "20 May 2026" in content and "Resume now" in content


def test_a_paused_pairing_shows_its_resume_date_on_my_mentoring(client, cast):
    lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="x", resume_on=TODAY + days(7))
    client.force_login(cast["mentee"])
    assert "paused until 22 Apr 2026" in client.get(reverse("mentoring:home")).content.decode()


def test_resume_is_a_post(client, cast):
    lifecycle.pairing_pause(pairing=cast["pairing"], by=cast["mentor"], reason="x", resume_on=TODAY + days(7))
    client.force_login(cast["mentee"])
    url = reverse("mentoring:pairing_resume", args=[cast["pairing"].pk])
    assert client.get(url).status_code == 405
    assert client.post(url).url == cast["pairing"].get_absolute_url()
    assert fresh(cast["pairing"]).status == Pairing.Status.ACTIVE


def test_completing_asks_for_confirmation_then_leads_to_the_reflection(client, cast):
    url = reverse("mentoring:pairing_complete", args=[cast["pairing"].pk])
    client.force_login(cast["mentee"])
    assert "This cannot be undone" in client.get(url).content.decode()
    assert fresh(cast["pairing"]).status == Pairing.Status.ACTIVE
    response = client.post(url)
    assert response.url == reverse("mentoring:pairing_reflection", args=[cast["pairing"].pk])
    assert fresh(cast["pairing"]).status == Pairing.Status.COMPLETED
    # A closed pairing has no forms to pause or end it any more.
    assert client.get(url).url == cast["pairing"].get_absolute_url()


def test_the_end_early_form_offers_a_rematch_to_the_mentee_and_coordinators_only(client, cast):
    url = reverse("mentoring:pairing_end_early", args=[cast["pairing"].pk])
    client.force_login(cast["mentor"])
    assert "rematch" not in client.get(url).context["form"].fields
    client.force_login(cast["coordinator"])
    assert client.get(url).context["form"].fields["rematch"].label == "Find Mina Mentee a new mentor"
    client.force_login(cast["mentee"])
    assert client.get(url).context["form"].fields["rematch"].label == "I would like a new mentor"
    response = client.post(url, {"reason_code": "nonsense"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(url, {"reason_code": "mismatch", "rematch": "on"}, follow=True)
    assert "The coordinators are asked to find a new mentor." in response.content.decode()
    assert fresh(cast["pairing"]).end_reason == "mismatch"


def test_the_coordinator_sees_the_end_reason_but_no_reflection_controls(client, cast):
    lifecycle.pairing_end_early(pairing=cast["pairing"], by=cast["mentee"], reason_code="workload", rematch=False)
    client.force_login(cast["coordinator"])
    content = client.get(cast["pairing"].get_absolute_url()).content.decode()
    assert "Workload" in content and "by Mina Mentee" in content
    assert "closing reflection" not in content.lower().replace("closing reflections stay private", "")


def test_the_reflection_page_saves_and_points_to_the_end_of_relationship_survey(client, cast, closed):
    url = reverse("mentoring:pairing_reflection", args=[closed.pk])
    client.force_login(cast["mentor"])
    content = client.get(url).content.decode()
    assert "End-of-relationship survey" in content and reverse("evaluation:my_surveys") in content
    assert client.post(url, {"text": ""}).status_code == 200
    assert not ClosingReflection.objects.exists()
    response = client.post(url, {"text": "Learned to listen."}, follow=True)
    assert "Your closing reflection is saved. Only you can read it." in response.content.decode()
    assert "Read or edit your reflection" in response.content.decode()


def test_my_mentoring_lists_the_reflections_still_to_write(client, cast, closed):
    client.force_login(cast["mentor"])
    response = client.get(reverse("mentoring:home"))
    assert [p.pk for p in response.context["to_reflect"]] == [closed.pk]
    lifecycle.reflection_write(pairing=closed, author=cast["mentor"], text="Done")
    assert client.get(reverse("mentoring:home")).context["to_reflect"] == []
    # The partner's own list is theirs: the mentor writing does not tick it off for the mentee.
    client.force_login(cast["mentee"])
    assert [p.pk for p in client.get(reverse("mentoring:home")).context["to_reflect"]] == [closed.pk]


def test_a_reflection_page_for_a_pairing_not_yet_closed_sends_the_pair_back(client, cast):
    client.force_login(cast["mentee"])
    response = client.get(reverse("mentoring:pairing_reflection", args=[cast["pairing"].pk]))
    assert response.url == cast["pairing"].get_absolute_url()


LIFECYCLE_URLS = [
    ("mentoring:pairing_accept", "post"),
    ("mentoring:pairing_decline", "get"),
    ("mentoring:pairing_pause", "get"),
    ("mentoring:pairing_resume", "post"),
    ("mentoring:pairing_complete", "get"),
    ("mentoring:pairing_end_early", "get"),
    ("mentoring:pairing_reflection", "get"),
]


@pytest.mark.parametrize(("name", "method"), LIFECYCLE_URLS)
def test_line_managers_and_outsiders_never_learn_a_pairing_exists(client, cast, name, method):
    url = reverse(name, args=[cast["pairing"].pk])
    for role in ("line_manager", "outsider"):
        client.force_login(cast[role])
        assert getattr(client, method)(url).status_code == 404, role
    client.logout()
    assert getattr(client, method)(url).url.startswith(reverse("login"))
    assert fresh(cast["pairing"]).status == Pairing.Status.ACTIVE


# --- Query budgets -------------------------------------------------------------------------------------------


def _many_pairings(cast, n: int) -> None:
    """``n`` pairings of the mentee in other programmes, in every state, some with their own reflection."""
    statuses = ["completed", "ended_early", "active", "paused", "proposed"]
    for i in range(n):
        status = statuses[i % len(statuses)]
        pairing = PairingFactory(
            mentee=cast["mentee"],
            status=status,
            started_on=None if status == "proposed" else datetime.date(2026, 3, 2),
            ended_on=datetime.date(2026, 4, 1) if status in ("completed", "ended_early") else None,
            end_reason="no_fault" if status == "ended_early" else "",
            resume_on=TODAY + days(3) if status == "paused" else None,
        )
        MembershipFactory(programme=pairing.programme, person=cast["mentee"], role=Role.MENTEE)
        if status == "completed" and i % 2:
            ClosingReflectionFactory(pairing=pairing, author=cast["mentee"])


@pytest.mark.parametrize("extra", [3, 40])
def test_my_mentoring_query_budget(client, cast, django_assert_num_queries, extra):
    _many_pairings(cast, extra)
    client.force_login(cast["mentee"])
    # session, user, areas (navigation), memberships with programmes, pairings with people and programmes
    # (each marked with whether the person reflected)
    with django_assert_num_queries(5):
        response = client.get(reverse("mentoring:home"))
    assert response.status_code == 200
    assert len(response.context["past"]) + len(response.context["current"]) + len(response.context["proposed"]) == (
        extra + 1
    )


@pytest.mark.parametrize("extra", [3, 40])
def test_closed_pairing_page_query_budget(client, cast, closed, django_assert_num_queries, extra):
    _many_pairings(cast, extra)
    for _ in range(extra):
        ClosingReflectionFactory(author=cast["mentor"])
    client.force_login(cast["mentor"])
    # session, user, the pairing with its programme, people, who ended it and the agreement, the viewer's
    # reflection, the workspace's five for a pairing without sessions (see test_pages), planned sessions, areas
    with django_assert_num_queries(11):
        assert client.get(closed.get_absolute_url()).status_code == 200


# --- Accepted before the programme starts ----------------------------------------------------------------------

PROGRAMME_START = TODAY + days(30)  # 15 May 2026


@pytest.fixture
def starts_later(cast, proposal):
    programme = proposal.programme
    programme.starts_on = PROGRAMME_START
    programme.save(update_fields=["starts_on"])
    return proposal


def test_a_pairing_accepted_before_the_programme_starts_begins_on_its_start_date(cast, starts_later, newcomer):
    lifecycle.pairing_accept(pairing=starts_later, by=newcomer)
    lifecycle.pairing_accept(pairing=starts_later, by=cast["mentor"])
    pairing = fresh(starts_later)
    assert pairing.status == Pairing.Status.ACTIVE and pairing.started_on == PROGRAMME_START
    # The first check-in falls after the start, never in the weeks before the programme runs.
    assert pairing.checkin_due_on > PROGRAMME_START
    start = "Max Mentor and Nia Newcomer start mentoring in Growing Together from 15 May 2026."
    assert start in notes(newcomer) and start in notes(cast["line_manager"])


def test_a_pairing_accepted_before_the_start_gets_no_reminder_before_the_start(cast, starts_later, newcomer):
    from mentoring.models import Reminder
    from mentoring.services.reminders import reminders_record

    lifecycle.pairing_accept(pairing=starts_later, by=newcomer)
    lifecycle.pairing_accept(pairing=starts_later, by=cast["mentor"])
    for offset in range(0, 30):
        with on(TODAY + days(offset)):
            reminders_record(now=datetime.datetime.combine(TODAY + days(offset), datetime.time(9), tzinfo=LONDON))
    assert not Reminder.objects.filter(pairing=starts_later).exists()


def test_a_pairing_accepted_today_still_starts_today_when_the_programme_has_begun(cast, proposal, newcomer):
    programme = proposal.programme
    programme.starts_on = TODAY - days(10)
    programme.save(update_fields=["starts_on"])
    lifecycle.pairing_accept(pairing=proposal, by=newcomer)
    lifecycle.pairing_accept(pairing=proposal, by=cast["mentor"])
    assert fresh(proposal).started_on == TODAY


def test_a_pairing_ended_before_its_start_date_never_ran(cast, starts_later, newcomer):
    lifecycle.pairing_accept(pairing=starts_later, by=newcomer)
    lifecycle.pairing_accept(pairing=starts_later, by=cast["mentor"])
    with pytest.raises(ValidationError, match="starts on 15 May 2026: it cannot be completed before it has begun"):
        lifecycle.pairing_complete(pairing=fresh(starts_later), by=cast["mentor"])
    lifecycle.pairing_end_early(pairing=fresh(starts_later), by=newcomer, reason_code="workload", rematch=False)
    pairing = fresh(starts_later)
    assert pairing.status == Pairing.Status.ENDED_EARLY and pairing.started_on is None and pairing.ended_on == TODAY
    assert not lifecycle.reflection_closable(pairing)  # it never ran: nothing to reflect on
    told = notes(cast["mentor"])
    assert "Your mentoring pairing in Growing Together has ended early (Nia Newcomer), before it started." in told
    assert not any("closing reflection" in text for text in told + notes(newcomer))


def test_the_pair_read_that_a_pairing_ended_before_its_start_was_not_declined(client, cast, starts_later, newcomer):
    lifecycle.pairing_accept(pairing=starts_later, by=newcomer)
    lifecycle.pairing_accept(pairing=starts_later, by=cast["mentor"])
    lifecycle.pairing_end_early(pairing=fresh(starts_later), by=newcomer, reason_code="workload", rematch=False)
    client.force_login(newcomer)
    page = client.get(starts_later.get_absolute_url()).content.decode()
    assert "Workload, before it started" in page and "Declined" not in page
    home = client.get(reverse("mentoring:home")).content.decode()
    assert "Ended before it started" in home and "Declined" not in home


def test_the_pair_accepting_before_the_start_read_when_their_mentoring_begins(client, cast, starts_later, newcomer):
    client.force_login(newcomer)
    client.post(reverse("mentoring:pairing_accept", args=[starts_later.pk]))
    client.force_login(cast["mentor"])
    response = client.post(reverse("mentoring:pairing_accept", args=[starts_later.pk]), follow=True)
    page = response.content.decode()
    assert "your mentoring with Nia Newcomer starts on 15 May 2026." in page
    assert "starts today" not in page
    assert "Starts</dt>" in page and "15 May 2026" in page
    due = fresh(starts_later).checkin_due_on
    assert f"{due:%A} {due.day} {due:%B %Y}" in page  # the next check-in shown is after the start
    home = client.get(reverse("mentoring:home")).content.decode()
    assert "starts 15 May 2026" in home and "since 15 Apr 2026" not in home
