from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min, Q
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import module_data
from demo.organisation import DEMO_LOGINS, DEMO_PASSWORD
from mentoring import crypto
from mentoring.models import (
    Agreement,
    Alert,
    FitAnswer,
    Goal,
    MentoringSession,
    Pairing,
    PairingPause,
    PlannedSession,
    PrivateNote,
)
from mentoring.selectors.relationship import notes_readable_by
from mentoring.services.checkins import CheckinState, checkin_state
from programmes.models import Application, Membership, OrgUnit, Person, PersonUnitHistory, Programme, Skill

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> tuple:
    return (
        Person.objects.count(),
        OrgUnit.objects.count(),
        Programme.objects.count(),
        Membership.objects.count(),
        Pairing.objects.count(),
        Application.objects.count(),
        Skill.objects.count(),
        Agreement.objects.count(),
        Goal.objects.count(),
        MentoringSession.objects.count(),
        PrivateNote.objects.count(),
        FitAnswer.objects.count(),
        Alert.objects.count(),
        PairingPause.objects.count(),
        PersonUnitHistory.objects.count(),
    )


def test_seed_demo_refuses_with_debug_off():
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        seed()
    assert Person.objects.count() == 0


def test_seed_demo_builds_an_organisation_and_is_idempotent(settings):
    settings.DEBUG = True
    output = seed()
    first = snapshot()
    people, units, programmes, _, pairings, applications, *_ = first
    assert 55 <= people <= 70 and units == 12 and programmes == 3 and pairings >= 10
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).count() == 8
    assert set(Programme.objects.values_list("status", flat=True)) == {"running", "recruiting", "matching"}
    assert Person.objects.filter(line_manager__isnull=False).count() >= people - 6
    for login in DEMO_LOGINS:
        assert login.email in output
    # Every participant has an approved application (their profile); Leo has endorsements to give.
    assert applications >= Membership.objects.filter(role__in=["mentor", "mentee"]).count() + 3
    assert Application.objects.awaiting_endorsement_by(Person.objects.get(email="manager@example.com")).count() == 2
    assert Skill.objects.filter(merged_into__isnull=False).exists()
    from programmes.selectors.budget import budget_lines_with_figures

    lines = budget_lines_with_figures(programme=Programme.objects.get(status="running"))
    assert any(line.figures.is_overspent for line in lines)
    # Training: some participants not ready, someone expiring soon; time: Leo has allocations to approve.
    from programmes.models import TimeAllocation
    from programmes.selectors import training_readiness

    running = Programme.objects.get(status="running")
    readiness = training_readiness(programme=running)
    assert any(not r.ready for r in readiness.values()) and any(r.expiring for r in readiness.values())
    leo = Person.objects.get(email="manager@example.com")
    assert TimeAllocation.objects.awaiting_approval_by(leo).exists()
    assert TimeAllocation.objects.filter(status="approved").count() > 20
    # Matching: a published round whose proposals are the pairings, each explained; a re-match; an open request.
    from mentoring.models import MatchRound, MentorRequest

    published = MatchRound.objects.get(programme=running, status="published")
    assert published.proposals.filter(pairing__isnull=False).count() >= 10
    mia = Pairing.objects.get(mentee__email="mentee@example.com")
    assert mia.score and mia.explanation and mia.source == "round"
    ended = Pairing.objects.get(status="ended_early")
    assert Pairing.objects.filter(mentee=ended.mentee, status="active").exists()
    assert MentorRequest.objects.filter(status="open").count() == 1
    # Every demo person in a team has been in it all along (the reports cover past quarters); seeding again
    # records no move.
    with_team = Person.objects.filter(org_unit__isnull=False)
    assert sorted(with_team.values_list("pk", "org_unit")) == sorted(
        PersonUnitHistory.objects.filter(since=PersonUnitHistory.ALWAYS, until=None).values_list("person", "org_unit")
    )
    seed("--force")
    assert snapshot() == first


def test_if_empty_leaves_an_existing_database_alone(settings):
    settings.DEBUG = True
    Person.objects.create_user("someone@example.org", "a-long-password", display_name="Someone")
    assert "left as it is" in seed("--if-empty")
    assert Person.objects.count() == 1


def test_seeding_again_days_later_adds_nothing(settings):
    settings.DEBUG = True
    seed()
    first = snapshot()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=9)):
        seed()
    assert snapshot() == first


# The tests below read the demo organisation: it is seeded once for them all (after the tests above, which seed
# on their own), in a transaction rolled back after the last; each test starts from it unchanged.
@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    def build() -> dict:
        with override_settings(DEBUG=True):
            seed()
        return {}

    yield from module_data(django_db_blocker, build)


@pytest.mark.parametrize(
    ("email", "landing"),
    [
        ("coordinator@example.com", "programmes:list"),
        ("mentor@example.com", "mentoring:home"),
        ("mentee@example.com", "mentoring:home"),
        ("manager@example.com", "programmes:team"),
        ("committee@example.com", "evaluation:reports"),
    ],
)
def test_each_demo_login_reaches_its_home_page(seeded, settings, email, landing):
    settings.DEBUG = True
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200


def test_demo_administrator_reaches_the_admin(seeded, settings):
    settings.DEBUG = True
    client = Client()
    assert client.login(username="admin@example.com", password=DEMO_PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


def test_no_demo_mentor_is_paired_with_someone_in_their_management_chain(seeded, settings):
    settings.DEBUG = True
    for pairing in Pairing.objects.select_related("mentee__line_manager__line_manager"):
        chain, boss = set(), pairing.mentee.line_manager
        while boss is not None:
            chain.add(boss.pk)
            boss = boss.line_manager
        assert pairing.mentor_id not in chain


# The relationships: agreements, goals, about six months of sessions, notes, the schedule


def test_demo_pairings_have_about_six_months_of_sessions_in_the_past(seeded, settings):
    settings.DEBUG = True
    today = timezone.localdate()
    current = Pairing.objects.current()
    sessions = MentoringSession.objects.filter(pairing__in=current).select_related("pairing")
    span = sessions.aggregate(first=Min("held_on"), last=Max("held_on"))
    assert 150 <= (today - span["first"]).days <= 215 and (today - span["last"]).days <= 3
    assert all(s.pairing.started_on <= s.held_on <= today for s in sessions)
    assert all(30 <= s.duration_minutes <= 90 for s in sessions)
    assert all(s.summary and s.next_steps for s in sessions)
    mentees_goals = Q(goals__owner="mentee")  # the mentors' own learning goals: test_mentors_have_goals_of_their_own
    for pairing in current.annotate(n=Count("sessions"), goals_n=Count("goals", distinct=True, filter=mentees_goals)):
        assert pairing.n >= 8 and 1 <= pairing.goals_n <= 3  # a rhythm, not a handful
    assert MentoringSession.objects.filter(status="awaiting").count() == 2
    disputed = MentoringSession.objects.get(status="disputed")
    assert disputed.dispute_reason and disputed.answered_by == disputed.pairing.mentee
    assert sessions.filter(status="confirmed").count() > 100
    assert Goal.objects.filter(status="achieved", owner="mentee").count() == 1
    assert Goal.objects.filter(rating_start__isnull=True).count() == 0
    assert {"in_progress", "not_started"} <= set(Goal.objects.values_list("status", flat=True))
    assert FitAnswer.objects.filter(fit="deciding").count() == 1
    assert FitAnswer.objects.filter(fit="good").count() > 10
    signed = Agreement.objects.filter(mentor_signed_at__isnull=False, mentee_signed_at__isnull=False).count()
    assert signed >= 6
    assert Agreement.objects.filter(mentor_signed_at__isnull=False, mentee_signed_at__isnull=True).count() == 1


def test_demo_shows_every_checkin_state_and_one_escalation(seeded, settings):
    settings.DEBUG = True
    active = list(Pairing.objects.filter(status="active").select_related("programme"))
    states = Counter(checkin_state(p) for p in active)
    assert states[CheckinState.DUE_SOON] >= 1 and states[CheckinState.OVERDUE] >= 1
    assert states[CheckinState.ESCALATED] == 1
    assert states[CheckinState.ON_TRACK] > max(states[CheckinState.DUE_SOON], states[CheckinState.OVERDUE])
    escalated = next(p for p in active if checkin_state(p) == CheckinState.ESCALATED)
    alert = Alert.objects.get(kind="escalation")
    assert alert.pairing == escalated and alert.severity == Alert.Severity.HIGH
    overdue_by = (timezone.localdate() - escalated.checkin_due_on).days
    assert alert.reason.startswith(f"Check-in overdue by {overdue_by} days (due ")
    assert "last confirmed session" in alert.reason
    concern = Alert.objects.get(kind="concern")
    assert concern.concern.raised_by == concern.pairing.mentee and concern.resolved_at is None
    # The coordinator is told about the concern (the notice names people, not what was said).
    claire = Person.objects.get(email="coordinator@example.com")
    assert claire.notifications.filter(text__contains="asked for help").exists()


def test_every_paused_demo_pairing_has_its_pause_on_record_for_the_reports(seeded, settings):
    settings.DEBUG = True
    paused = Pairing.objects.filter(status="paused")
    assert paused.exists()
    for pairing in paused:
        [pause] = pairing.pauses.all()
        assert pause.resumed_on is None and pairing.started_on <= pause.paused_on <= timezone.localdate()


def test_demo_private_notes_are_encrypted_and_private(seeded, settings):
    settings.DEBUG = True
    notes = list(PrivateNote.objects.all())
    assert len(notes) >= 6 and sum(n.shared for n in notes) == 1
    for note in notes:
        text = crypto.decrypt(note.ciphertext)
        assert text and not text.startswith("(This note cannot be read")
        assert text not in note.ciphertext and text[:20] not in note.ciphertext
    marcus = Person.objects.get(email="mentor@example.com")
    mia = Person.objects.get(email="mentee@example.com")
    pairing = Pairing.objects.get(mentor=marcus, mentee=mia)
    ids = list(pairing.sessions.values_list("pk", flat=True))
    by_marcus = [n for notes in notes_readable_by(marcus, ids).values() for n in notes]
    by_mia = [n for notes in notes_readable_by(mia, ids).values() for n in notes]
    # Each wrote their own; Marcus also reads the one Mia shared, Mia never reads his private one.
    assert any(n.own for n in by_marcus) and any(n.author == mia and n.shared for n in by_marcus)
    assert any(n.own for n in by_mia) and all(n.author == mia for n in by_mia)
    claire = Person.objects.get(email="coordinator@example.com")
    assert notes_readable_by(claire, ids) == {}


def test_marcus_and_mia_have_a_rich_history_and_a_session_for_mia_to_confirm(seeded, settings):
    settings.DEBUG = True
    pairing = Pairing.objects.get(mentor__email="mentor@example.com", mentee__email="mentee@example.com")
    assert pairing.sessions.filter(status="confirmed").count() >= 10
    mias = pairing.goals.filter(owner="mentee")
    assert mias.count() == 3 and mias.filter(status="achieved").exists()
    assert pairing.agreement.signed
    waiting = pairing.sessions.get(status="awaiting")
    assert waiting.logged_by == pairing.mentor and waiting.held_on > pairing.last_session_on
    assert waiting.topics.exists() and waiting.goals.exists()
    mia = pairing.mentee
    assert mia.notifications.filter(text__contains="Please confirm it").exists()
    assert {n.author_id for n in PrivateNote.objects.filter(session__pairing=pairing)} == {
        pairing.mentor_id,
        pairing.mentee_id,
    }


def test_a_programme_in_matching_where_mia_ranked_three_mentors_and_marcus_prefers_one_mentee(seeded, settings):
    settings.DEBUG = True
    from mentoring.models import MenteeRanking, MentorStance
    from mentoring.selectors.cohort import cohort_load
    from mentoring.selectors.matching import suggestions_in

    programme = Programme.objects.get(status="matching")
    claire, marcus, mia = (
        Person.objects.get(email=f"{key}@example.com") for key in ("coordinator", "mentor", "mentee")
    )
    assert programme.memberships.filter(person=claire, role="coordinator").exists()
    cohort = cohort_load(programme=programme)
    assert len(cohort.mentors) == 6 and len(cohort.mentees) == 10
    assert marcus.pk in cohort.mentors and mia.pk in cohort.mentees
    # The objectives differ on this cohort: the round page has a price to show.
    from mentoring.services.matching import round_plan

    compared = round_plan(cohort).comparison
    assert compared["fairest"]["worst"] > compared["best_total"]["worst"]
    assert compared["fairest"]["total"] < compared["best_total"]["total"]
    assert all(
        m.skills and m.availability and m.languages for m in [*cohort.mentors.values(), *cohort.mentees.values()]
    )
    assert not programme.match_rounds.exists() and not Pairing.objects.filter(programme=programme).exists()
    # Mia ranked three of her suggested mentors; her suggestions read "your 1st choice" for the first.
    ranking = list(MenteeRanking.objects.filter(programme=programme, mentee=mia).order_by("rank"))
    assert [r.rank for r in ranking] == [1, 2, 3]
    assert {r.mentor_id for r in ranking} <= {s.mentor.pk for s in suggestions_in(cohort, mia.pk)}
    [wish] = MentorStance.objects.filter(programme=programme, mentor=marcus)
    assert wish.stance == "prefer" and wish.mentee_id in cohort.mentees and wish.mentee_id != mia.pk
    # Both find their way from My mentoring.
    for person, link in ((mia, "mentoring:ranking"), (marcus, "mentoring:mentor_stances")):
        client = Client()
        client.force_login(person)
        home = client.get(reverse("mentoring:home")).content.decode()
        assert reverse(link, args=[programme.pk]) in home
    client = Client()
    client.force_login(mia)
    page = client.get(reverse("mentoring:ranking", args=[programme.pk])).content.decode()
    first = Person.objects.get(pk=ranking[0].mentor_id)
    assert f"<li>{first.display_name}</li>" in page


def test_marcus_and_mia_have_their_next_session_planned_each_in_their_own_time(seeded, settings):
    settings.DEBUG = True
    pairing = Pairing.objects.get(mentor__email="mentor@example.com", mentee__email="mentee@example.com")
    planned = PlannedSession.objects.get(pairing=pairing)
    assert planned.state == PlannedSession.State.ACCEPTED and planned.starts_at > timezone.now()
    pages = {}
    for email in ("mentor@example.com", "mentee@example.com"):
        client = Client()
        client.force_login(Person.objects.get(email=email))
        page = client.get(reverse("mentoring:pairing_detail", args=[pairing.pk])).content.decode()
        pages[email] = page[page.index('id="planned"') :]  # the planned sessions card and what follows
    assert "10:00" in pages["mentor@example.com"]  # London
    assert "12:00" in pages["mentee@example.com"]  # Helsinki, two hours ahead in winter
    # Another pair has times proposed, waiting for an answer.
    assert PlannedSession.objects.filter(state=PlannedSession.State.PROPOSED).exclude(pairing=pairing).exists()


def test_mentors_have_goals_of_their_own_and_marcus_a_cpd_record(seeded, settings, client):
    settings.DEBUG = True
    marcus = Person.objects.get(email="mentor@example.com")
    own = Goal.objects.filter(owner="mentor")
    assert own.filter(pairing__mentor=marcus, rating_start__isnull=False).count() == 3
    assert own.filter(pairing__mentor=marcus, pairing__status="completed", rating_end__isnull=False).count() == 1
    assert own.values("pairing__mentor").distinct().count() >= 5
    client.force_login(marcus)
    page = client.get("/mentoring/cpd/").content.decode()
    assert "Give feedback that is specific and kind" in page and "Completed pairings" in page
    for pairing in Pairing.objects.filter(mentor=marcus).select_related("mentee"):
        assert pairing.mentee.display_name not in page  # no mentee's name
