"""Leavers the first version missed: a mentee who is only on a draft round's unmatched list, a coordinator who
leaves, and a line manager whose reports' protected time waits for their approval."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MatchRound
from programmes.models import Notification, Person, Role, TimeAllocation
from programmes.services.leavers import people_leave, person_deactivate
from programmes.tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def notes(person: Person) -> list[str]:
    return list(Notification.objects.filter(person=person).order_by("pk").values_list("text", flat=True))


def test_a_leaving_mentee_only_on_a_draft_rounds_unmatched_list_leaves_it(programme):
    lone = PersonFactory(display_name="Una Unmatched")
    other = PersonFactory(display_name="Ola Other")
    draft = MatchRound.objects.create(
        programme=programme,
        total_score=0,
        unmatched=[
            {"mentee": lone.pk, "name": "Una Unmatched", "reason": "no mentor fits"},
            {"mentee": other.pk, "name": "Ola Other", "reason": "no mentor fits"},
        ],
    )
    people_leave(person_ids=[lone.pk], by=None, source="hr_file", why="no longer in the HR file")
    draft.refresh_from_db()
    assert [u["mentee"] for u in draft.unmatched] == [other.pk]


def test_a_leaving_coordinator_is_told_to_the_other_coordinators(programme, coordinator):
    second = PersonFactory(display_name="Sol Second")
    MembershipFactory(programme=programme, person=second, role=Role.COORDINATOR)
    person_deactivate(person=coordinator, by=None, source="scim")
    assert any(f"{coordinator} has left the organisation" in text and programme.name in text for text in notes(second))


def test_the_last_coordinator_leaving_is_told_to_the_administrators(programme, coordinator, administrator):
    person_deactivate(person=coordinator, by=None, source="scim")
    assert any(
        f"{coordinator} has left the organisation" in text and "no coordinator" in text for text in notes(administrator)
    )


def test_the_time_page_names_the_line_manager_who_left(client, programme, coordinator, mentee, line_manager):
    month = timezone.localdate().replace(day=1)
    TimeAllocation.objects.create(programme=programme, person=mentee, month=month, hours=4)
    person_deactivate(person=line_manager, by=None, source="hr_file")
    client.force_login(coordinator)
    page = client.get(reverse("programmes:time", args=[programme.pk]), {"month": month.strftime("%Y-%m")})
    text = page.content.decode()
    assert f"{line_manager.display_name} (left)" in text and "needs a new line manager" in text
    assert any(f"{line_manager.display_name} managed {mentee.display_name}" in n for n in notes(coordinator))
