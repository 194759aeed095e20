from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from mentoring.models import Pairing
from programmes.demo import DEMO_LOGINS, DEMO_PASSWORD
from programmes.models import Application, Membership, OrgUnit, Person, Programme, Skill

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
    )


def test_seed_demo_refuses_with_debug_off():
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        seed()
    assert Person.objects.count() == 0


def test_seed_demo_builds_an_organisation_and_is_idempotent(settings):
    settings.DEBUG = True
    output = seed()
    first = snapshot()
    people, units, programmes, _, pairings, applications, _ = first
    assert 55 <= people <= 70 and units == 12 and programmes == 2 and pairings >= 10
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).count() == 8
    assert set(Programme.objects.values_list("status", flat=True)) == {"running", "recruiting"}
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
    seed("--force")
    assert snapshot() == first


def test_if_empty_leaves_an_existing_database_alone(settings):
    settings.DEBUG = True
    Person.objects.create_user("someone@example.org", "a-long-password", display_name="Someone")
    assert "left as it is" in seed("--if-empty")
    assert Person.objects.count() == 1


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
def test_each_demo_login_reaches_its_home_page(settings, email, landing):
    settings.DEBUG = True
    seed()
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert response.status_code == 200


def test_demo_administrator_reaches_the_admin(settings):
    settings.DEBUG = True
    seed()
    client = Client()
    assert client.login(username="admin@example.com", password=DEMO_PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200


def test_no_demo_mentor_is_paired_with_someone_in_their_management_chain(settings):
    settings.DEBUG = True
    seed()
    for pairing in Pairing.objects.select_related("mentee__line_manager__line_manager"):
        chain, boss = set(), pairing.mentee.line_manager
        while boss is not None:
            chain.add(boss.pk)
            boss = boss.line_manager
        assert pairing.mentor_id not in chain
