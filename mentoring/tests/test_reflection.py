"""Time to think (issue 20): reflection time counts as protected time used, its note and the reflection after a
confirmed session are their author's alone, and bad input saves nothing."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse

from mentoring.models import MentoringSession, ReflectionTime, SessionReflection
from mentoring.services import reflection
from mentoring.tests.factories import MentoringSessionFactory
from programmes.models import Membership, Role, TimeAllocation
from programmes.selectors.time import programme_participants_time, time_use
from programmes.tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory, TimeAllocationFactory

pytestmark = pytest.mark.django_db
LATE = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.UTC)  # fewer than 7 days left: under-use counts
NOTE = "Marker-my-own-thoughts-on-delegating"
TAKE = "Marker-what-I-take-from-it"


@pytest.fixture(autouse=True)
def late_in_november():
    with time_machine.travel(LATE, tick=False):
        yield


def _mentee_time(programme, mentee):
    return time_use(programme_participants_time(programme.pk, month=datetime.date(2026, 11, 1)).get(person=mentee))


def test_reflection_time_counts_as_protected_time_used_and_lifts_the_under_use_flag(programme, mentee):
    TimeAllocationFactory(
        programme=programme,
        person=mentee,
        month=datetime.date(2026, 11, 1),
        hours=Decimal("4.0"),
        status=TimeAllocation.Status.APPROVED,
    )
    before = _mentee_time(programme, mentee)
    assert "under" in before.flag_keys and before.month.used == 0
    reflection.reflection_time_log(
        person=mentee, programme=programme, day=datetime.date(2026, 11, 20), hours=Decimal("2.5")
    )
    after = _mentee_time(programme, mentee)
    assert after.month.used == Decimal("2.5")
    assert "under" not in after.flag_keys
    assert [(p.key, p.hours) for p in after.month_parts] == [("reflection", Decimal("2.5"))]
    assert [(p.key, p.hours) for p in after.so_far_parts] == [("reflection", Decimal("2.5"))]


def test_used_time_is_broken_down_into_sessions_training_and_reflection(programme, mentee, mentor, pairing):
    MentoringSessionFactory(pairing=pairing, held_on=datetime.date(2026, 11, 3), duration_minutes=90)
    reflection.reflection_time_log(
        person=mentee, programme=programme, day=datetime.date(2026, 11, 4), hours=Decimal("0.5")
    )
    # Last month's reflection counts over the programme so far, not this month.
    TimeAllocationFactory(programme=programme, person=mentee, month=datetime.date(2026, 10, 1))
    reflection.reflection_time_log(
        person=mentee, programme=programme, day=datetime.date(2026, 10, 30), hours=Decimal("1.0")
    )
    time = _mentee_time(programme, mentee)
    assert [(p.key, p.hours) for p in time.month_parts] == [
        ("sessions", Decimal("1.5")),
        ("reflection", Decimal("0.5")),
    ]
    assert time.month.used == Decimal("2.0")
    assert dict((p.key, p.hours) for p in time.so_far_parts)["reflection"] == Decimal("1.5")
    assert time.so_far.used == Decimal("3.0")


def test_someone_elses_reflection_time_counts_nowhere_for_you(programme, mentee, mentor):
    reflection.reflection_time_log(person=mentor, programme=programme, day=datetime.date(2026, 11, 2), hours=3)
    assert _mentee_time(programme, mentee).month.used == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours", "-1", "Ensure this value is greater than or equal to 0.1."),
        ("hours", "9", "Ensure this value is less than or equal to 8"),
        ("hours", "", "This field is required."),
        ("day", "2026-12-01", "this day is still to come"),
        ("programme", "other", "Choose one of your own programmes."),
    ],
)
def test_bad_input_gives_a_message_and_saves_nothing(client, programme, mentee, field, value, message):
    other = ProgrammeFactory(name="Someone else's")
    MembershipFactory(programme=other, person=PersonFactory(), role=Role.MENTEE)
    data = {"programme": programme.pk, "day": "2026-11-20", "hours": "1.5", "note": NOTE}
    data[field] = other.pk if value == "other" else value
    client.force_login(mentee)
    response = client.post(reverse("mentoring:reflection_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReflectionTime.objects.exists()


def test_the_service_refuses_a_programme_the_person_is_not_a_participant_of(programme, mentee, coordinator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reflection.reflection_time_log(person=coordinator, programme=programme, day=datetime.date(2026, 11, 2), hours=1)
    assert not ReflectionTime.objects.exists()


def test_a_person_logs_changes_and_deletes_their_reflection_time_with_a_confirmation(client, programme, mentee):
    client.force_login(mentee)
    page = client.get(reverse("mentoring:reflection_list")).content.decode()
    assert "No reflection time logged yet." in page
    # The page's words name every part it counts (learning opportunities taken up are one).
    assert "training you completed, learning opportunities you took up, and the time you spent thinking" in page
    response = client.post(
        reverse("mentoring:reflection_create"),
        {"programme": programme.pk, "day": "2026-11-20", "hours": "1.5", "note": NOTE},
    )
    assert response.status_code == 302
    entry = ReflectionTime.objects.get()
    assert (entry.person, entry.hours, entry.note) == (mentee, Decimal("1.5"), NOTE)
    page = client.get(reverse("mentoring:reflection_list")).content.decode()
    assert NOTE in page and "Reflection 1.5 h" in page
    client.post(
        reverse("mentoring:reflection_edit", args=[entry.pk]),
        {"programme": programme.pk, "day": "2026-11-21", "hours": "2", "note": ""},
    )
    entry.refresh_from_db()
    assert (entry.day, entry.hours, entry.note) == (datetime.date(2026, 11, 21), Decimal("2.0"), "")
    confirm = client.get(reverse("mentoring:reflection_delete", args=[entry.pk])).content.decode()
    assert "Delete 2.0 h of reflection on 21 November 2026?" in confirm
    assert ReflectionTime.objects.exists()  # asking is not deleting
    client.post(reverse("mentoring:reflection_delete", args=[entry.pk]))
    assert not ReflectionTime.objects.exists()


def test_nobody_else_reaches_a_persons_reflection_time(client, programme, mentee, mentor, coordinator, line_manager):
    entry = reflection.reflection_time_log(
        person=mentee, programme=programme, day=datetime.date(2026, 11, 20), hours=1, note=NOTE
    )
    for other in (mentor, coordinator, line_manager):
        client.force_login(other)
        assert client.get(reverse("mentoring:reflection_edit", args=[entry.pk])).status_code == 404
        assert client.post(reverse("mentoring:reflection_delete", args=[entry.pk])).status_code == 404
    assert ReflectionTime.objects.filter(pk=entry.pk).exists()


def _confirmed_session(pairing):
    session = MentoringSessionFactory(
        pairing=pairing,
        logged_by=pairing.mentor,
        held_on=datetime.date(2026, 11, 10),
        status=MentoringSession.Status.AWAITING,
    )
    return session


def test_confirming_a_session_brings_its_private_reflection_prompt(client, pairing, mentee):
    session = _confirmed_session(pairing)
    client.force_login(mentee)
    response = client.post(reverse("mentoring:session_confirm", args=[pairing.pk, session.pk]))
    assert response.status_code == 302 and response.url.endswith(f"/sessions/{session.pk}/#reflect")
    page = client.get(response.url).content.decode()
    assert "What will you take from this session?" in page
    url = reverse("mentoring:session_reflection", args=[pairing.pk, session.pk])
    client.post(url, {"text": TAKE})
    client.post(url, {"text": TAKE})  # the same again: still one, unchanged
    saved = SessionReflection.objects.get()
    assert (saved.author, saved.text) == (mentee, TAKE)
    stamp = saved.updated_at
    client.post(url, {"text": TAKE})
    saved.refresh_from_db()
    assert saved.updated_at == stamp  # saved unchanged: nothing changes
    assert TAKE in client.get(session.get_absolute_url()).content.decode()
    client.post(url, {"text": ""})  # emptied: removed
    assert not SessionReflection.objects.exists()


def test_no_reflection_on_a_session_not_yet_confirmed(client, pairing, mentor):
    session = _confirmed_session(pairing)
    client.force_login(mentor)
    response = client.post(reverse("mentoring:session_reflection", args=[pairing.pk, session.pk]), {"text": TAKE})
    assert response.status_code == 403
    assert not SessionReflection.objects.exists()


def test_private_reflections_never_reach_the_partner_coordinators_line_managers_or_the_admin(
    client, programme, pairing, mentee, mentor, coordinator, line_manager, administrator
):
    session = _confirmed_session(pairing)
    session.status = MentoringSession.Status.CONFIRMED
    session.save()
    reflection.session_reflection_write(session=session, author=mentee, text=TAKE)
    reflection.reflection_time_log(
        person=mentee, programme=programme, day=datetime.date(2026, 11, 20), hours=2, note=NOTE
    )
    TimeAllocationFactory(
        programme=programme, person=mentee, month=datetime.date(2026, 11, 1), status=TimeAllocation.Status.APPROVED
    )
    pages = {
        mentor: [
            session.get_absolute_url(),
            pairing.get_absolute_url(),
            reverse("mentoring:reflection_list"),
            reverse("mentoring:home"),
        ],
        coordinator: [
            pairing.get_absolute_url(),
            reverse("programmes:time", args=[programme.pk]),
            reverse("mentoring:relationships", args=[programme.pk]),
        ],
        line_manager: [reverse("programmes:team")],
        administrator: [reverse("admin:index")]
        + [
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model in admin.site._registry
            if model._meta.app_label == "mentoring"
        ],
    }
    for person, urls in pages.items():
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (person, url)
            html = response.content.decode()
            assert TAKE not in html and NOTE not in html, (person, url)
    assert ReflectionTime not in admin.site._registry and SessionReflection not in admin.site._registry
    # The hours are not private: the coordinator and the line manager see them counted, as reflection.
    client.force_login(line_manager)
    assert "Reflection 2.0 h" in client.get(reverse("programmes:team")).content.decode()
    client.force_login(coordinator)
    assert "Reflection 2.0 h" in client.get(reverse("programmes:time", args=[programme.pk])).content.decode()
    # The author sees both.
    client.force_login(mentee)
    assert TAKE in client.get(session.get_absolute_url()).content.decode()
    assert NOTE in client.get(reverse("mentoring:reflection_list")).content.decode()


def _count_queries(client, django_assert_num_queries, url, n):
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("entries", [3, 40])
def test_the_protected_time_page_runs_the_same_queries_whatever_the_entries(
    client, programme, mentee, django_assert_num_queries, entries
):
    for index in range(entries):
        ReflectionTime.objects.create(
            person=mentee, programme=programme, day=datetime.date(2026, 11, 1 + index % 25), hours=Decimal("0.5")
        )
    for index in range(entries // 3):
        extra = ProgrammeFactory(name=f"Extra {index}")
        Membership.objects.create(programme=extra, person=mentee, role=Role.MENTEE)
    client.force_login(mentee)
    # Queries: the session, the user, the areas check, the participations with their time (one, summed in the
    # database), the paginator count, one page of entries with their programmes.
    with django_assert_num_queries(6):
        html = client.get(reverse("mentoring:reflection_list")).content.decode()
    assert len(re.findall(r'href="/mentoring/time/reflection/\d+/"', html)) == min(entries, 25)
