"""People log in with their email; line managers form a chain without cycles; roles are per programme."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Membership, OrgUnit, Person, Programme, Role
from programmes.permissions import Area, areas_for, get_programme_for
from programmes.tests.factories import MembershipFactory, OrgUnitFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_people_log_in_with_their_email_in_any_case(client):
    PersonFactory(email="mia.torres@example.org")
    assert client.login(username="Mia.Torres@Example.org", password="correct-horse-battery")


def test_create_user_stores_the_email_in_lower_case():
    person = Person.objects.create_user("Leo@Example.ORG", "a-long-password", display_name="Leo")
    assert person.email == "leo@example.org"
    assert person.check_password("a-long-password")


def test_a_person_cannot_be_their_own_line_manager():
    person = PersonFactory()
    person.line_manager = person
    with pytest.raises(ValidationError, match="own line manager"):
        person.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(line_manager=person)


def test_a_management_chain_cannot_loop():
    boss = PersonFactory(display_name="Boss")
    middle = PersonFactory(display_name="Middle", line_manager=boss)
    boss.line_manager = middle
    with pytest.raises(ValidationError, match="already reports to"):
        boss.full_clean()


def test_a_team_cannot_sit_inside_itself():
    department = OrgUnitFactory(kind=OrgUnit.Kind.DEPARTMENT, name="Finance")
    team = OrgUnitFactory(name="Accounting", parent=department)
    department.parent = team
    with pytest.raises(ValidationError, match="inside itself"):
        department.full_clean()
    assert str(team) == "Finance › Accounting"


def test_one_person_may_hold_different_roles_in_different_programmes():
    person = PersonFactory()
    first, second = ProgrammeFactory(), ProgrammeFactory()
    MembershipFactory(person=person, programme=first, role=Role.MENTEE)
    MembershipFactory(person=person, programme=second, role=Role.MENTOR)
    MembershipFactory(person=person, programme=second, role=Role.COMMITTEE)
    assert Membership.objects.filter(person=person).count() == 3


def test_nobody_is_both_mentor_and_mentee_in_one_programme():
    membership = MembershipFactory(role=Role.MENTOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(person=membership.person, programme=membership.programme, role=Role.MENTEE)


def test_a_programme_cannot_end_before_it_starts():
    import datetime

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(starts_on=datetime.date(2026, 5, 1), ends_on=datetime.date(2026, 4, 1))


def test_programmes_are_visible_only_to_their_members(programme, coordinator, mentee, line_manager, outsider):
    assert list(Programme.objects.visible_to(coordinator)) == [programme]
    assert list(Programme.objects.visible_to(mentee)) == [programme]
    # A line manager is not a member: their report's programme stays out of their sight.
    assert list(Programme.objects.visible_to(line_manager)) == []
    assert list(Programme.objects.visible_to(outsider)) == []


def test_get_programme_for_hides_from_outsiders_and_forbids_managing_to_members(programme, mentor, outsider):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        get_programme_for(outsider, programme.pk)
    assert get_programme_for(mentor, programme.pk).my_role_labels == ["Mentor"]
    with pytest.raises(PermissionDenied):
        get_programme_for(mentor, programme.pk, manage=True)


def test_areas_follow_roles_and_reports(cast):
    assert areas_for(cast["mentee"]) == {Area.MENTORING}
    assert areas_for(cast["coordinator"]) == {Area.COORDINATING}
    assert areas_for(cast["line_manager"]) == {Area.TEAM}
    assert areas_for(cast["committee_member"]) == {Area.COMMITTEE}
    assert areas_for(cast["outsider"]) == set()


def test_a_line_manager_whose_only_report_left_is_no_longer_a_line_manager(line_manager, mentee):
    mentee.is_active = False
    mentee.save()
    assert Area.TEAM not in areas_for(Person.objects.get(pk=line_manager.pk))
