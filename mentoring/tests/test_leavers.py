"""Leavers and movers on the relationship side (issue 16, points 7 and 8): whoever leaves, from whichever source,
has their pairings paused with the reason "left the organisation" (history kept), their proposals, requests and
draft-round proposals withdrawn, and is never in a cohort, a suggestion or a round; the coordinators are told in
names and counts, never in the pair's words. A move that breaks a hard rule alerts the coordinators with the rule
and why, and keeps the pairing. Someone who comes back finds their pairings paused, to be resumed."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Alert, MatchProposal, MatchRound, MentorRequest, Pairing, PairingPause
from mentoring.selectors.cohort import cohort_load
from mentoring.selectors.matching import suggestions_for
from mentoring.services import lifecycle, matching
from mentoring.services.concerns import concern_raise
from mentoring.services.relationship import note_write
from mentoring.tests.factories import MentoringSessionFactory, ProposedPairingFactory, approved_profile
from programmes.models import Notification, Person, Role
from programmes.services import people_import
from programmes.services.leavers import people_leave, people_moved, person_deactivate, person_reactivate
from programmes.tests.factories import OrgUnitFactory, PersonFactory, SkillFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 4, 15)
SECRET = "Only for my eyes: the reorganisation shook me."


@pytest.fixture(autouse=True)
def today():
    moment = datetime.datetime.combine(TODAY, datetime.time(9), tzinfo=LONDON)
    with time_machine.travel(moment, tick=False):
        yield TODAY


def notes(person: Person) -> list[str]:
    return list(Notification.objects.filter(person=person).order_by("pk").values_list("text", flat=True))


def hr_file(*, terminated: Person | None = None, managers: dict[Person, Person] | None = None) -> SimpleUploadedFile:
    """Everyone in Tandem, active unless ``terminated``, with their line manager (``managers`` overrides)."""
    managers = managers or {}
    lines = ["email,name,status,manager_email"]
    for person in Person.objects.select_related("line_manager").order_by("pk"):
        manager = managers.get(person, person.line_manager)
        status = "Terminated" if person == terminated else "Active"
        lines.append(f"{person.email},{person.display_name},{status},{manager.email if manager else ''}")
    return SimpleUploadedFile("people.csv", "\n".join(lines).encode(), content_type="text/csv")


def import_apply(upload: SimpleUploadedFile, by: Person) -> None:
    """Apply as the queued task does; the movers' check runs once the import has committed."""
    preview = people_import.people_import_parse(upload=upload, by=by)
    with TestCase.captureOnCommitCallbacks(execute=True):
        people_import.people_import_apply(people_import=preview, by=by)


def leave(source: str, person: Person, *, client, administrator: Person) -> None:
    """``person`` leaves through one of the ways in."""
    if source == "people_leave":
        people_leave(person_ids=[person.pk], by=None, source="scim", why="deactivated")
    elif source == "person_deactivate":
        person_deactivate(person=person, by=administrator, source="admin")
    elif source == "admin_action":
        client.force_login(administrator)
        data = {"action": "mark_as_left", "_selected_action": [person.pk], "confirm": "yes"}
        assert client.post(reverse("admin:programmes_person_changelist"), data).status_code == 302
    elif source == "hr_file":
        import_apply(hr_file(terminated=person), administrator)


SOURCES = ["people_leave", "person_deactivate", "admin_action", "hr_file"]


# --- Pairings pause, partners and coordinators are told --------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_a_leavers_active_pairing_pauses_with_the_reason_and_its_history(
    client, cast, programme, pairing, mentor, mentee, coordinator, administrator, source
):
    leave(source, mentee, client=client, administrator=administrator)

    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.PAUSED
    assert pairing.paused_reason == "left the organisation"
    assert pairing.resume_on is None and pairing.checkin_due_on is None
    assert list(PairingPause.objects.filter(pairing=pairing).values_list("paused_on", "resumed_on")) == [(TODAY, None)]
    assert notes(mentor)[-1] == (
        f"Your mentoring pairing in {programme.name} is paused: Mina Mentee has left the organisation. "
        "Your history is kept."
    )
    pairing_notices = [n for n in notes(coordinator) if "pairing" in n]
    assert pairing_notices == [
        f"Mina Mentee has left the organisation: in {programme.name}, 1 pairing paused. "
        "A paused pairing stays paused until you resume or end it."
    ]


def test_leaving_twice_pauses_once_and_tells_nobody_again(cast, pairing, mentor, mentee, coordinator):
    people_leave(person_ids=[mentee.pk], by=None, source="scim", why="deactivated")
    told = Notification.objects.count()
    people_leave(person_ids=[mentee.pk], by=None, source="scim", why="deactivated")
    person_deactivate(person=mentee, by=None)
    assert PairingPause.objects.filter(pairing=pairing).count() == 1
    assert Notification.objects.count() == told


def test_a_pairing_already_paused_loses_its_resume_date_so_the_sweep_never_resumes_it(cast, pairing, mentor, mentee):
    lifecycle.pairing_pause(pairing=pairing, by=mentor, reason="Holiday", resume_on=TODAY + datetime.timedelta(days=10))
    people_leave(person_ids=[mentor.pk], by=None, source="hr_file", why="the HR file says they have left")
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.PAUSED and pairing.resume_on is None
    assert lifecycle.pairings_resume_due(today=TODAY + datetime.timedelta(days=30)) == 0
    assert PairingPause.objects.filter(pairing=pairing).count() == 1  # one pause, still open
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.PAUSED


def test_the_notices_of_leaving_carry_no_words_of_the_pair(
    cast, pairing, mentor, mentee, coordinator, django_capture_on_commit_callbacks
):
    session = MentoringSessionFactory(pairing=pairing)
    note_write(session=session, author=mentee, text=SECRET, shared=True)
    concern_raise(pairing=pairing, by=mentee, text=SECRET)
    lifecycle.pairing_pause(pairing=pairing, by=mentee, reason=SECRET, resume_on=TODAY + datetime.timedelta(days=9))
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        people_leave(person_ids=[mentee.pk, mentee.line_manager_id], by=None, source="scim", why="deactivated")

    texts = list(Notification.objects.values_list("text", flat=True))
    assert len(texts) >= 2 and any("paused" in t for t in texts)
    assert mail.outbox
    for text in [*texts, *(m.subject for m in mail.outbox), *(m.body for m in mail.outbox)]:
        assert SECRET not in text
        assert "reorganisation" not in text


# --- Proposals, requests and draft rounds are withdrawn --------------------------------------------------------


def test_a_leaving_mentors_proposals_requests_and_draft_proposals_are_withdrawn(
    cast, programme, pairing, mentor, coordinator
):
    proposed_to = PersonFactory(display_name="Pia Proposed")
    asking = PersonFactory(display_name="Ria Requester")
    drafted = PersonFactory(display_name="Dan Draft")
    proposal = ProposedPairingFactory(programme=programme, mentor=mentor, mentee=proposed_to)
    request = MentorRequest.objects.create(
        programme=programme, mentee=asking, mentor=mentor, expires_at=timezone.now() + datetime.timedelta(days=7)
    )
    draft = MatchRound.objects.create(programme=programme, total_score=50)
    MatchProposal.objects.create(round=draft, mentor=mentor, mentee=drafted, score=50)

    people_leave(person_ids=[mentor.pk], by=None, source="scim", why="deactivated")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.end_reason, proposal.ended_on) == ("ended_early", "left", TODAY)
    assert MentorRequest.objects.get(pk=request.pk).status == MentorRequest.Status.WITHDRAWN
    draft.refresh_from_db()
    assert not draft.proposals.filter(removed=False).exists() and draft.total_score == 0
    assert draft.unmatched == [
        {"mentee": drafted.pk, "name": "Dan Draft", "reason": "Max Mentor has left the organisation"}
    ]
    assert notes(proposed_to) == [
        f"The proposed pairing with Max Mentor in {programme.name} will not go ahead: they have left the "
        "organisation. The coordinators will look for another match."
    ]
    assert notes(asking) == [
        "Max Mentor has left the organisation, so your request to them is closed. You can ask another of your "
        "suggestions."
    ]
    assert (
        f"Max Mentor has left the organisation: in {programme.name}, 1 pairing paused, 1 proposal withdrawn, "
        in (notes(coordinator)[-1])
    )
    assert "1 mentor request withdrawn" in notes(coordinator)[-1]


def test_a_leaving_mentees_open_request_closes_and_the_mentor_is_told(programme, coordinator):
    mentee = PersonFactory(display_name="Ria Requester")
    mentor = PersonFactory(display_name="Max Mentor")
    request = MentorRequest.objects.create(
        programme=programme, mentee=mentee, mentor=mentor, expires_at=timezone.now() + datetime.timedelta(days=7)
    )
    person_deactivate(person=mentee, by=None)
    assert MentorRequest.objects.get(pk=request.pk).status == MentorRequest.Status.WITHDRAWN
    assert notes(mentor) == ["Ria Requester has left the organisation, so their request to you is closed."]


# --- Never in a cohort, a suggestion or a round ----------------------------------------------------------------


def test_leavers_are_never_in_a_cohort_a_suggestion_or_a_round(programme, coordinator):
    skill = SkillFactory(name="Negotiation")

    def add(name: str, role: str, grade: int) -> Person:
        return approved_profile(
            programme=programme, role=role, skills=[(skill, 4 if role == Role.MENTOR else 2)], display_name=name,
            grade=grade,
        ).person  # fmt: skip

    gone = add("Gil Gone", Role.MENTOR, 7)
    dated = add("Dee Dated", Role.MENTOR, 7)  # left_at set by a source, even before the account is closed
    staying = add("Sam Staying", Role.MENTOR, 5)
    mentee = add("Nia Newcomer", Role.MENTEE, 3)
    left_mentee = add("Lou Left", Role.MENTEE, 3)
    people_leave(person_ids=[gone.pk, left_mentee.pk], by=coordinator, source="scim", why="deactivated")
    Person.objects.filter(pk=dated.pk).update(left_at=timezone.now())

    cohort = cohort_load(programme=programme)
    assert set(cohort.mentors) == {staying.pk} and set(cohort.mentees) == {mentee.pk}
    assert [s.mentor for s in suggestions_for(programme=programme, mentee=mentee)] == [staying]
    match_round = matching.round_run(programme=programme, by=coordinator)
    assert list(match_round.proposals.values_list("mentor__display_name", "mentee__display_name")) == [
        ("Sam Staying", "Nia Newcomer")
    ]
    with pytest.raises(ValidationError, match="Dee Dated has left the organisation"):
        matching.pairing_propose(programme=programme, mentor=dated, mentee=mentee, by=coordinator)


# --- Coming back -----------------------------------------------------------------------------------------------


def test_a_pairing_cannot_resume_while_a_side_has_left_and_stays_paused_when_they_come_back(
    cast, pairing, mentor, mentee, coordinator
):
    person_deactivate(person=mentee, by=None)
    with pytest.raises(ValidationError, match="Mina Mentee has left the organisation"):
        lifecycle.pairing_resume(pairing=pairing, by=coordinator)

    person_reactivate(person=mentee, by=None)
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.PAUSED  # nobody resumed it yet
    assert "stay paused until you resume them" in notes(coordinator)[-1]
    lifecycle.pairing_resume(pairing=pairing, by=coordinator)
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.ACTIVE
    assert list(PairingPause.objects.filter(pairing=pairing).values_list("paused_on", "resumed_on")) == [(TODAY, TODAY)]


# --- Movers ----------------------------------------------------------------------------------------------------


def rule_alerts(pairing: Pairing) -> list[str]:
    return list(Alert.objects.filter(pairing=pairing, kind=Alert.Kind.RULE).values_list("reason", flat=True))


def test_a_mentee_moved_under_their_mentor_raises_an_alert_naming_the_rule_and_keeps_the_pairing(
    cast, pairing, mentor, mentee, coordinator
):
    Person.objects.filter(pk=mentee.pk).update(line_manager=mentor)
    people_moved(person_ids=[mentee.pk], by=None, source="scim")
    people_moved(person_ids=[mentee.pk], by=None, source="scim")  # again: the open alert says it already

    assert rule_alerts(pairing) == [
        "Since a change of line manager or team, this pairing breaks the rule that a mentor is never in their "
        "mentee's management chain: Max Mentor is Mina Mentee's line manager. The pairing is kept; decide whether "
        "it continues."
    ]
    assert Alert.objects.get(pairing=pairing).severity == Alert.Severity.HIGH
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.ACTIVE
    assert notes(coordinator)[-1].endswith("needs attention: breaks a matching rule since a move.")


def test_a_manager_moved_under_the_mentor_puts_the_mentor_up_the_mentees_chain(cast, pairing, mentor, mentee):
    manager = mentee.line_manager
    Person.objects.filter(pk=manager.pk).update(line_manager=mentor)
    people_moved(person_ids=[manager.pk], by=None, source="hr_file")  # only the manager moved
    [reason] = rule_alerts(pairing)
    assert "Max Mentor is Mina Mentee's manager 2 levels up the management chain." in reason


def test_a_mentor_moved_under_their_mentee_breaks_the_rule_the_other_way(cast, pairing, mentor, mentee):
    Person.objects.filter(pk=mentor.pk).update(line_manager=mentee)
    people_moved(person_ids=[mentor.pk], by=None, source="admin")
    [reason] = rule_alerts(pairing)
    assert "a mentee is never in their mentor's management chain" in reason
    assert "Mina Mentee is Max Mentor's line manager, so Max Mentor cannot mentor them." in reason


def test_a_move_that_breaks_no_rule_raises_nothing(cast, pairing, mentor, mentee):
    Person.objects.filter(pk=mentee.pk).update(org_unit=OrgUnitFactory(name="Elsewhere"))
    Person.objects.filter(pk=mentee.pk).update(line_manager=PersonFactory(display_name="Nora New"))
    people_moved(person_ids=[mentee.pk, mentor.pk], by=None, source="hr_file")
    assert not Alert.objects.exists()
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.ACTIVE


def test_an_administrator_giving_the_mentee_their_mentor_as_line_manager_raises_the_alert(
    client, cast, pairing, mentor, mentee, administrator
):
    client.force_login(administrator)
    url = reverse("admin:programmes_person_change", args=[mentee.pk])
    form = client.get(url).context["adminform"].form
    skip = ("groups", "user_permissions", "password", "last_login", "left_at", "date_joined")
    data = {name: value for name, value in form.initial.items() if value is not None and name not in skip}
    data.update(
        date_joined_0=mentee.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=mentee.date_joined.strftime("%H:%M:%S"),
        line_manager=mentor.pk,
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [reason] = rule_alerts(pairing)
    assert "Max Mentor is Mina Mentee's line manager." in reason


def test_an_hr_file_that_gives_the_mentee_their_mentor_as_line_manager_raises_the_alert(
    cast, pairing, mentor, mentee, administrator
):
    import_apply(hr_file(managers={mentee: mentor}), administrator)
    assert Person.objects.get(pk=mentee.pk).line_manager_id == mentor.pk
    [reason] = rule_alerts(pairing)
    assert "Max Mentor is Mina Mentee's line manager." in reason
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.ACTIVE
