"""The organisation's pages: role-aware home, My programmes, members, My team. Shallow; rules live in services."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import PairingFactory
from programmes.models import Role
from programmes.tests.factories import ApplicationFactory, MembershipFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "landing", "heading"),
    [
        ("mentee", "mentoring:home", "My mentoring"),
        ("mentor", "mentoring:home", "My mentoring"),
        ("coordinator", "programmes:list", "My programmes"),
        ("line_manager", "programmes:team", "My team"),
        ("committee_member", "evaluation:reports", "Reports"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, cast, role, landing, heading):
    client.force_login(cast[role])
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(landing)
    assert re.search(rf"<h1[^>]*>{heading}</h1>", response.content.decode())


def test_login_with_email_lands_on_the_home_page_made_for_the_role(client, coordinator):
    response = client.post(
        reverse("login"), {"username": "coordinator@example.org", "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("programmes:list")
    assert b"Growing Together" in response.content


def test_a_wrong_password_says_so_on_the_page(client, coordinator):
    response = client.post(reverse("login"), {"username": "coordinator@example.org", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct email address and password" in response.content


def test_someone_with_several_roles_chooses_where_to_go(client, cast):
    person = cast["mentor"]
    MembershipFactory(person=person, programme=ProgrammeFactory(), role=Role.COMMITTEE)
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("mentoring:home") in content and reverse("evaluation:reports") in content
    assert f'href="{reverse("programmes:list")}"' not in content  # the account menu links other /programmes/ pages


def test_someone_without_a_role_sees_a_helpful_empty_state(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert "don't have a role in any mentoring programme yet" in response.content.decode()


def test_navigation_shows_only_what_the_roles_allow(client, cast):
    client.force_login(cast["line_manager"])
    content = client.get(reverse("programmes:team")).content.decode()
    assert "My team" in content
    assert "My programmes" not in content and "My mentoring" not in content and "Reports" not in content


def test_my_programmes_lists_the_coordinated_programmes_with_role_counts(client, cast):
    ProgrammeFactory(name="Someone else's programme")
    client.force_login(cast["coordinator"])
    response = client.get(reverse("programmes:list"))
    content = response.content.decode()
    assert "Growing Together" in content and "Someone else" not in content
    programme = response.context["page"].object_list[0]
    assert (programme.mentor_count, programme.mentee_count, programme.committee_count) == (1, 1, 1)


def test_members_can_be_filtered_by_role_and_name(client, cast):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:members", args=[cast["pairing"].programme_id])
    mentors = client.get(url, {"role": "mentor"}).context["page"].object_list
    assert [m.person for m in mentors] == [cast["mentor"]]
    found = client.get(url, {"q": "mina"}).context["page"].object_list
    assert [m.person for m in found] == [cast["mentee"]]


def test_a_bad_member_filter_says_so_and_shows_everyone(client, cast):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:members", args=[cast["pairing"].programme_id])
    response = client.get(url, {"role": "emperor", "page": "many"})
    assert response.status_code == 200
    assert b"That filter was not understood" in response.content
    assert len(response.context["page"].object_list) == 4


def test_my_team_shows_reports_and_their_programme_roles_only(client, cast):
    client.force_login(cast["line_manager"])
    content = client.get(reverse("programmes:team")).content.decode()
    assert "Mina Mentee" in content and "Mentee · Growing Together" in content
    assert "Max Mentor" not in content  # not one of this manager's reports


# --- Query budgets: the same number of queries with a little and with a lot of data -----------------------


def grow_programme(programme, n: int) -> None:
    for i in range(n):
        MembershipFactory(programme=programme, role=Role.MENTOR if i % 2 else Role.MENTEE)


@pytest.mark.parametrize("extra", [3, 40])
def test_my_programmes_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        programme = ProgrammeFactory()
        MembershipFactory(programme=programme, person=cast["coordinator"], role=Role.COORDINATOR)
        grow_programme(programme, 2)
    client.force_login(cast["coordinator"])
    # session, user, the person's areas, the paginator's count, one page of programmes with role counts
    with django_assert_num_queries(5):
        assert client.get(reverse("programmes:list")).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_members_query_budget(client, cast, django_assert_num_queries, extra):
    grow_programme(cast["pairing"].programme, extra)
    client.force_login(cast["coordinator"])
    url = reverse("programmes:members", args=[cast["pairing"].programme_id])
    # session, user, the programme, my roles in it, the paginator's count, one page of members with their
    # teams and line managers, the teams for the filter, the areas for the navigation bar
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_programme_detail_query_budget(client, cast, django_assert_num_queries, extra):
    grow_programme(cast["pairing"].programme, extra)
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, its coordinators, its role counts, at a glance: applications,
    # training readiness, this month's time, budget lines; proposed pairings (mentoring's panel: their count,
    # the oldest ten); audit alerts nobody resolved (evaluation's panel, issue 20); the navigation's areas
    with django_assert_num_queries(14):
        assert client.get(reverse("programmes:detail", args=[cast["pairing"].programme_id])).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_my_team_query_budget(client, cast, django_assert_num_queries, extra):
    for i in range(extra):
        person = PersonFactory(line_manager=cast["line_manager"])
        ApplicationFactory(person=person)  # waiting for the manager's endorsement
        MembershipFactory(person=person, role=Role.MENTEE if i % 2 else Role.MENTOR)
    client.force_login(cast["line_manager"])
    # session, user, areas, the paginator's count, one page of reports, their memberships with programmes and
    # time, the audit rows, the time allocations waiting for the manager's decision, the applications waiting
    # for endorsement; the team panels other apps register (evaluation's audit panel: the unit tree, the
    # leads, its units' answers per round, those rounds, their plans); the learning opportunities waiting for
    # the manager and those the reports took up; the manager's own briefing
    with django_assert_num_queries(17):
        assert client.get(reverse("programmes:team")).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_my_mentoring_query_budget(client, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        programme = ProgrammeFactory()
        MembershipFactory(programme=programme, person=cast["mentor"], role=Role.MENTOR)
        PairingFactory(programme=programme, mentor=cast["mentor"])
    client.force_login(cast["mentor"])
    # session, user, areas, the person's memberships with programmes, their pairings with both people
    with django_assert_num_queries(5):
        assert client.get(reverse("mentoring:home")).status_code == 200


def test_member_pages_keep_the_filter_and_never_pile_up_page_numbers(client, cast):
    programme = cast["pairing"].programme
    for _ in range(30):
        MembershipFactory(programme=programme, role=Role.MENTOR)
    client.force_login(cast["coordinator"])
    url = reverse("programmes:members", args=[programme.pk])
    content = client.get(url, {"role": "mentor", "page": "1"}).content.decode()
    assert 'href="?role=mentor&amp;q=&amp;page=2"' in content or 'href="?role=mentor&amp;page=2"' in content
    second = client.get(url, {"role": "mentor", "page": "2"})
    assert len(second.context["page"].object_list) == 6  # 31 mentors, 25 a page
    assert "page=2&amp;page" not in second.content.decode()


def test_members_can_be_filtered_by_department(client, cast):
    client.force_login(cast["coordinator"])
    url = reverse("programmes:members", args=[cast["pairing"].programme_id])
    engineering = cast["mentor"].org_unit.parent
    found = client.get(url, {"team": engineering.pk}).context["page"].object_list
    assert [m.person for m in found] == [cast["mentor"]]


def test_a_line_manager_endorses_in_place_on_my_team(client, cast):
    application = ApplicationFactory(person=cast["mentee"])
    client.force_login(cast["line_manager"])
    page = client.get(reverse("programmes:team")).content.decode()
    assert "Applications waiting for your endorsement" in page and application.programme.name in page
    response = client.post(
        reverse("programmes:application_endorse", args=[application.pk]), {"decision": "endorse", "next": "team"}
    )
    assert response.url == reverse("programmes:team")
    application.refresh_from_db()
    assert application.endorsement == "endorsed"
    assert "No application waits for you" in client.get(reverse("programmes:team")).content.decode()


def test_members_can_be_filtered_by_training_readiness(client, cast):
    from programmes.tests.factories import CourseFactory, ProgrammeRequirementFactory, TrainingRecordFactory

    programme = cast["pairing"].programme
    course = CourseFactory(title="Mentor basics")
    ProgrammeRequirementFactory(programme=programme, role="mentor", course=course)
    client.force_login(cast["coordinator"])
    url = reverse("programmes:members", args=[programme.pk])
    not_ready = client.get(url, {"readiness": "not_ready"}).context["page"].object_list
    assert [m.person for m in not_ready] == [cast["mentor"]]
    TrainingRecordFactory(person=cast["mentor"], course=course, status="completed", completed_on=timezone.localdate())
    ready = client.get(url, {"readiness": "ready"}).context["page"].object_list
    assert {m.person for m in ready} == {cast["mentor"], cast["mentee"]}  # mentees need nothing here


def test_the_coordinator_overview_shows_what_waits(client, cast):
    programme = cast["pairing"].programme
    ApplicationFactory(programme=programme, status="applied")
    client.force_login(cast["coordinator"])
    glance = client.get(reverse("programmes:detail", args=[programme.pk])).context["glance"]
    assert (glance.awaiting_decision, glance.awaiting_endorsement, glance.participants) == (1, 1, 2)
    client.force_login(cast["mentor"])
    assert client.get(reverse("programmes:detail", args=[programme.pk])).context["glance"] is None


def test_the_team_filter_reaches_teams_nested_deeper(client, cast):
    from programmes.tests.factories import OrgUnitFactory

    engineering = cast["mentor"].org_unit.parent
    deep = OrgUnitFactory(name="Kernel", parent=OrgUnitFactory(name="Systems", parent=engineering))
    cast["mentee"].org_unit = deep
    cast["mentee"].save()
    client.force_login(cast["coordinator"])
    url = reverse("programmes:members", args=[cast["pairing"].programme_id])
    found = client.get(url, {"team": engineering.pk}).context["page"].object_list
    assert {m.person for m in found} == {cast["mentor"], cast["mentee"]}
