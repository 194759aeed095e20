"""Protected time: monthly allocations, the line manager's decision, utilisation and its flags, the pages."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.urls import reverse
from playwright.sync_api import expect

from programmes.hooks import SESSION_HOURS
from programmes.models import Course, Membership, Notification, Programme, Role, TimeAllocation, TrainingRecord
from programmes.selectors.time import (
    attach_time_use,
    programme_participants_time,
    time_totals,
    time_use,
)
from programmes.services.time import (
    allocation_adjust,
    allocation_decide,
    allocations_ensure_month,
    allocations_ensure_running,
)
from programmes.tasks import ensure_monthly_time_allocations
from programmes.tests.factories import (
    PASSWORD,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    TimeAllocationFactory,
)

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 1)
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def notes(person) -> list[str]:
    return list(Notification.objects.filter(person=person).values_list("text", flat=True))


def mails_to(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email]]


def completed_training(
    person, on: datetime.date, *, course_hours: str = "0", hours: str | None = None
) -> TrainingRecord:
    course = Course.objects.create(
        title=f"Course {Course.objects.count() + 1}", kind=Course.Kind.COURSE, hours=Decimal(course_hours)
    )
    return TrainingRecord.objects.create(
        person=person,
        course=course,
        status=TrainingRecord.Status.COMPLETED,
        completed_on=on,
        hours=None if hours is None else Decimal(hours),
    )


def a_manager():
    """Someone who manages a report of their own, but not the mentee."""
    manager = PersonFactory()
    PersonFactory(line_manager=manager)
    return manager


def row_for(programme, person, *, month=NOV, today=datetime.date(2026, 11, 10)):
    rows = [m for m in programme_participants_time(programme.pk, month=month, today=today) if m.person_id == person.pk]
    assert len(rows) == 1
    return time_use(rows[0])


# --- Creating a month's allocations ------------------------------------------------------------------------


def test_each_participant_gets_the_default_of_their_role_and_waits_for_approval(cast, programme):
    programme.mentor_hours_per_month, programme.mentee_hours_per_month = Decimal("2.5"), Decimal("4.0")
    programme.save()
    run = allocations_ensure_month(programme=programme, month=NOV, by=cast["coordinator"])
    allocations = {a.person: a for a in TimeAllocation.objects.filter(programme=programme)}
    assert set(allocations) == {cast["mentor"], cast["mentee"]}  # coordinator and committee are not participants
    assert allocations[cast["mentor"]].hours == Decimal("2.5")
    assert allocations[cast["mentee"]].hours == Decimal("4.0")
    assert {a.status for a in allocations.values()} == {TimeAllocation.Status.PENDING}
    assert len(run.created) == 2


def test_creating_a_month_again_leaves_existing_allocations_alone_and_tells_nobody(cast, programme):
    allocations_ensure_month(programme=programme, month=NOV)
    adjusted = TimeAllocation.objects.get(person=cast["mentee"])
    adjusted.hours = Decimal("7.5")
    adjusted.save()
    before = Notification.objects.count()
    newcomer = MembershipFactory(programme=programme, role=Role.MENTEE).person

    run = allocations_ensure_month(programme=programme, month=NOV)

    assert [a.person for a in run.created] == [newcomer]
    assert TimeAllocation.objects.get(person=cast["mentee"]).hours == Decimal("7.5")
    assert TimeAllocation.objects.filter(programme=programme, month=NOV).count() == 3
    assert Notification.objects.count() - before == 1  # only the coordinators, about the newcomer without a manager


def test_the_month_is_always_the_first_day_of_the_month(cast, programme):
    allocations_ensure_month(programme=programme, month=datetime.date(2026, 11, 17))
    allocations_ensure_month(programme=programme, month=at(2026, 11, 30, 23, 30))
    assert set(TimeAllocation.objects.values_list("month", flat=True)) == {NOV}
    assert TimeAllocation.objects.count() == 2


def test_without_a_line_manager_the_time_stays_pending_and_coordinators_hear_of_it(cast, programme):
    run = allocations_ensure_month(programme=programme, month=NOV)
    mentor_time = TimeAllocation.objects.get(person=cast["mentor"])  # the mentor has no line manager on record
    assert mentor_time.status == TimeAllocation.Status.PENDING
    assert run.without_line_manager == [cast["mentor"]]
    assert any("No line manager on record for Max Mentor" in text for text in notes(cast["coordinator"]))


def test_the_coordinator_who_asked_sees_it_on_the_page_and_the_others_get_a_notification(cast, programme):
    second = PersonFactory()
    MembershipFactory(programme=programme, person=second, role=Role.COORDINATOR)
    allocations_ensure_month(programme=programme, month=NOV, by=cast["coordinator"])
    assert notes(cast["coordinator"]) == []
    assert len(notes(second)) == 1


def test_an_inactive_line_manager_counts_as_none(cast, programme):
    cast["line_manager"].is_active = False
    cast["line_manager"].save()
    run = allocations_ensure_month(programme=programme, month=NOV)
    assert set(run.without_line_manager) == {cast["mentor"], cast["mentee"]}


def test_the_line_manager_is_asked_once_with_an_email(cast, programme):
    second = PersonFactory(display_name="Sam Second", line_manager=cast["line_manager"])
    MembershipFactory(programme=programme, person=second, role=Role.MENTOR)
    allocations_ensure_month(programme=programme, month=NOV)
    assert notes(cast["line_manager"]) == [
        "Protected time for 2 of your reports waits for your approval (November 2026)."
    ]
    [email] = mails_to(cast["line_manager"])
    assert "Mina Mentee: 3.0 h" in email.body and "Sam Second: 2.0 h" in email.body


def test_people_who_left_get_no_allocation(cast, programme):
    cast["mentor"].is_active = False
    cast["mentor"].save()
    allocations_ensure_month(programme=programme, month=NOV)
    assert list(TimeAllocation.objects.values_list("person", flat=True)) == [cast["mentee"].pk]


@pytest.mark.parametrize("status", [Programme.Status.DRAFT, Programme.Status.CLOSED])
def test_a_draft_or_closed_programme_gets_no_allocations(cast, programme, status):
    programme.status = status
    programme.save()
    with pytest.raises(ValidationError, match="from the moment enrolment opens until a programme closes"):
        allocations_ensure_month(programme=programme, month=NOV)
    assert not TimeAllocation.objects.exists()


def test_a_month_outside_the_programme_dates_is_refused(cast, programme):
    programme.starts_on, programme.ends_on = datetime.date(2026, 3, 15), datetime.date(2026, 10, 31)
    programme.save()
    with pytest.raises(ValidationError, match="after Growing Together ends"):
        allocations_ensure_month(programme=programme, month=NOV)
    with pytest.raises(ValidationError, match="before Growing Together starts"):
        allocations_ensure_month(programme=programme, month=datetime.date(2026, 2, 1))
    allocations_ensure_month(programme=programme, month=datetime.date(2026, 3, 1))  # the month it starts in
    assert TimeAllocation.objects.count() == 2


def test_only_a_coordinator_creates_allocations(cast, programme):
    with pytest.raises(ValidationError, match="Only the coordinators"):
        allocations_ensure_month(programme=programme, month=NOV, by=cast["mentor"])
    assert not TimeAllocation.objects.exists()


# --- Adjusting ----------------------------------------------------------------------------------------------


def test_adjusting_a_pending_allocation_changes_the_hours_and_bothers_nobody(cast, programme):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    changed = allocation_adjust(allocation=allocation, hours=Decimal("4.5"), by=cast["coordinator"])
    assert changed.hours == Decimal("4.5") and changed.status == TimeAllocation.Status.PENDING
    assert notes(cast["line_manager"]) == [] and mail.outbox == []


@pytest.mark.parametrize("status", [TimeAllocation.Status.APPROVED, TimeAllocation.Status.DECLINED])
def test_changing_decided_hours_asks_the_line_manager_again(cast, programme, status):
    allocation = TimeAllocationFactory(
        programme=programme,
        person=cast["mentee"],
        status=status,
        decided_by=cast["line_manager"],
        decline_reason="Busy quarter" if status == "declined" else "",
    )
    changed = allocation_adjust(allocation=allocation, hours="6", by=cast["coordinator"])
    changed.refresh_from_db()
    assert (changed.hours, changed.status) == (Decimal("6.0"), TimeAllocation.Status.PENDING)
    assert changed.decided_by is None and changed.decline_reason == ""
    assert notes(cast["line_manager"]) == [
        "Mina Mentee's protected time in Growing Together for November 2026 changed from 3.0 h to 6.0 h and "
        "waits for your approval again."
    ]
    assert len(mails_to(cast["line_manager"])) == 1


def test_saving_the_same_hours_keeps_an_approval(cast, programme):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"], status="approved")
    allocation_adjust(allocation=allocation, hours="3.0", by=cast["coordinator"])
    allocation.refresh_from_db()
    assert allocation.status == TimeAllocation.Status.APPROVED and notes(cast["line_manager"]) == []


@pytest.mark.parametrize("hours", ["0", "80", "12.5"])
def test_hours_from_0_to_80_with_one_decimal_are_accepted(cast, programme, hours):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    assert allocation_adjust(allocation=allocation, hours=hours, by=cast["coordinator"]).hours == Decimal(hours)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("-1", "between 0 and 80"),
        ("80.1", "between 0 and 80"),
        ("2.55", "one decimal"),
        ("lots", "as a number"),
        ("NaN", "between 0 and 80"),
    ],
)
def test_bad_hours_are_refused_and_nothing_changes(cast, programme, hours, message):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    with pytest.raises(ValidationError, match=message):
        allocation_adjust(allocation=allocation, hours=hours, by=cast["coordinator"])
    allocation.refresh_from_db()
    assert allocation.hours == Decimal("3.0")


@pytest.mark.parametrize("who", ["mentor", "mentee", "line_manager", "committee_member"])
def test_only_a_coordinator_adjusts(cast, programme, who):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    with pytest.raises(ValidationError, match="Only the coordinators"):
        allocation_adjust(allocation=allocation, hours="5", by=cast[who])


# --- Deciding -----------------------------------------------------------------------------------------------


def test_the_line_manager_approves_and_the_person_and_coordinators_hear_of_it(cast, programme):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    with time_machine.travel(at(2026, 11, 3, 10, 0), tick=False):
        decided = allocation_decide(allocation=allocation, by=cast["line_manager"], approve=True)
    decided.refresh_from_db()
    assert decided.status == TimeAllocation.Status.APPROVED
    assert decided.decided_by == cast["line_manager"] and decided.decided_at == at(2026, 11, 3, 10, 0)
    text = "Lena Manager approved Mina Mentee's 3.0 h of protected time in Growing Together for November 2026."
    assert notes(cast["mentee"]) == [text] and notes(cast["coordinator"]) == [text]
    assert len(mails_to(cast["mentee"])) == 1 and len(mails_to(cast["coordinator"])) == 1


def test_a_decline_needs_a_reason(cast, programme):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    for reason in ("", "   \n"):
        with pytest.raises(ValidationError, match="Say why you decline"):
            allocation_decide(allocation=allocation, by=cast["line_manager"], approve=False, reason=reason)
    allocation.refresh_from_db()
    assert allocation.status == TimeAllocation.Status.PENDING and mail.outbox == []


def test_a_decline_with_a_reason_reaches_the_person_and_the_coordinators(cast, programme):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    allocation_decide(allocation=allocation, by=cast["line_manager"], approve=False, reason=" Year-end close. ")
    allocation.refresh_from_db()
    assert allocation.status == TimeAllocation.Status.DECLINED and allocation.decline_reason == "Year-end close."
    for person in (cast["mentee"], cast["coordinator"]):
        [email] = mails_to(person)
        assert email.subject == "Protected time declined" and "Their reason: Year-end close." in email.body


@pytest.mark.parametrize("who", ["mentee", "coordinator", "other_manager"])
def test_only_the_persons_own_line_manager_decides(cast, programme, who):
    deciders = {**cast, "other_manager": a_manager()}
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    with pytest.raises(ValidationError, match="Only Mina Mentee's line manager"):
        allocation_decide(allocation=allocation, by=deciders[who], approve=True)
    allocation.refresh_from_db()
    assert allocation.status == TimeAllocation.Status.PENDING


def test_a_decided_allocation_is_not_decided_again(cast, programme):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"], status="approved")
    with pytest.raises(ValidationError, match="already approved"):
        allocation_decide(allocation=allocation, by=cast["line_manager"], approve=False, reason="Changed my mind")


# --- Utilisation --------------------------------------------------------------------------------------------


def test_used_hours_are_training_completed_in_the_month(cast, programme):
    mentee = cast["mentee"]
    TimeAllocationFactory(programme=programme, person=mentee, hours=Decimal("4.0"), status="approved")
    completed_training(mentee, datetime.date(2026, 11, 1), course_hours="1.5")  # the course's hours
    completed_training(mentee, datetime.date(2026, 11, 30), course_hours="9", hours="0.5")  # the record's own
    completed_training(mentee, datetime.date(2026, 12, 1), course_hours="3")  # next month
    completed_training(mentee, datetime.date(2026, 10, 31), course_hours="3")  # last month
    TrainingRecord.objects.create(person=mentee, course=Course.objects.first(), status=TrainingRecord.Status.BOOKED)
    completed_training(cast["mentor"], datetime.date(2026, 11, 5), course_hours="8")  # someone else
    time = row_for(programme, mentee)
    assert time.month.used == Decimal("2.0") and time.month.allocated == Decimal("4.0")
    assert time.month.percent == Decimal("50.0") and time.status_label == "Approved"


def test_confirmed_session_hours_plug_in_at_one_place(cast, programme):
    TimeAllocationFactory(programme=programme, person=cast["mentee"], hours=Decimal("4.0"))
    completed_training(cast["mentee"], datetime.date(2026, 11, 2), course_hours="1")
    plugged = list(SESSION_HOURS)  # the relationship side's, registered at start-up
    assert len(plugged) == 1
    for source in plugged:
        SESSION_HOURS.unregister(source)
    SESSION_HOURS.register(fixed := lambda start, end: Value(Decimal("1.5")))
    try:
        assert row_for(programme, cast["mentee"]).month.used == Decimal("2.5")
        SESSION_HOURS.unregister(fixed)
        assert row_for(programme, cast["mentee"]).month.used == Decimal("1.0")  # unplugged, sessions count 0
    finally:
        SESSION_HOURS.unregister(fixed)
        for source in plugged:
            SESSION_HOURS.register(source)


@pytest.mark.parametrize(
    ("allocated", "used", "today", "under"),
    [
        ("2.0", "1.0", datetime.date(2026, 12, 2), False),  # exactly 50 % after the month: fine
        ("2.0", "0.9", datetime.date(2026, 12, 2), True),  # below half after the month
        ("2.0", "0.9", datetime.date(2026, 11, 24), False),  # 7 days left: too early to say
        ("2.0", "0.9", datetime.date(2026, 11, 25), True),  # fewer than 7 days left
        ("0.0", "0.0", datetime.date(2026, 12, 2), False),  # nothing allocated, nothing to under-use
    ],
)
def test_under_used_means_below_half_near_or_after_the_month_end(cast, programme, allocated, used, today, under):
    TimeAllocationFactory(programme=programme, person=cast["mentee"], hours=Decimal(allocated), status="approved")
    if Decimal(used):
        completed_training(cast["mentee"], datetime.date(2026, 11, 3), course_hours=used)
    time = row_for(programme, cast["mentee"], today=today)
    assert ("under" in time.flag_keys) is under


@pytest.mark.parametrize(
    ("allocated", "used", "over", "percent"),
    [
        ("5.0", "6.0", False, "120.0"),  # exactly 120 %
        ("1.0", "1.2", False, "120.0"),  # exactly 120 %, where floating point would say 120.00000000000001
        ("5.0", "6.1", True, "122.0"),
        ("0.0", "0.5", True, None),  # any use of zero hours is over
    ],
)
def test_over_used_means_above_120_percent(cast, programme, allocated, used, over, percent):
    TimeAllocationFactory(programme=programme, person=cast["mentee"], hours=Decimal(allocated), status="approved")
    completed_training(cast["mentee"], datetime.date(2026, 11, 3), course_hours=used)
    time = row_for(programme, cast["mentee"])
    assert ("over" in time.flag_keys) is over
    assert time.month.percent == (None if percent is None else Decimal(percent))


def test_status_flags_and_a_declined_month_is_never_under_or_over_used(cast, programme):
    TimeAllocationFactory(programme=programme, person=cast["mentee"], status="declined", decline_reason="No")
    completed_training(cast["mentee"], datetime.date(2026, 11, 3), course_hours="20")
    after_the_month = datetime.date(2026, 12, 5)
    assert row_for(programme, cast["mentee"], today=after_the_month).flag_keys == {"declined"}
    mentor = row_for(programme, cast["mentor"], today=after_the_month)
    assert mentor.flag_keys == {"missing", "no_manager"} and mentor.status_label == "No allocation yet"


def test_pending_time_is_flagged_not_yet_approved(cast, programme):
    TimeAllocationFactory(programme=programme, person=cast["mentee"])
    time = row_for(programme, cast["mentee"])
    assert [flag.label for flag in time.flags] == ["Not yet approved"]


def test_the_programme_so_far_sums_the_granted_months_and_their_use(cast, programme):
    mentee = cast["mentee"]
    TimeAllocationFactory(
        programme=programme, person=mentee, month=datetime.date(2026, 9, 1), hours=4, status="declined"
    )
    TimeAllocationFactory(
        programme=programme, person=mentee, month=datetime.date(2026, 10, 1), hours=5, status="approved"
    )
    TimeAllocationFactory(programme=programme, person=mentee, month=NOV, hours=Decimal("2.0"))
    TimeAllocationFactory(programme=programme, person=mentee, month=datetime.date(2026, 12, 1), hours=9)  # later
    TimeAllocationFactory(programme=ProgrammeFactory(), person=mentee, month=NOV, hours=30)  # another programme
    completed_training(mentee, datetime.date(2026, 8, 20), course_hours="7")  # before the first allocation
    completed_training(mentee, datetime.date(2026, 9, 10), course_hours="1")
    completed_training(mentee, datetime.date(2026, 10, 10), course_hours="4")
    completed_training(mentee, datetime.date(2026, 11, 10), course_hours="1.2")
    completed_training(mentee, datetime.date(2026, 12, 10), course_hours="3")
    time = row_for(programme, mentee)
    assert (time.so_far.allocated, time.so_far.used) == (Decimal("7.0"), Decimal("6.2"))
    assert time.so_far.percent == Decimal("88.5")  # 6.2 / 7 = 88.57 %, rounded down


def test_totals_count_each_flag_in_one_go(cast, programme):
    TimeAllocationFactory(programme=programme, person=cast["mentee"], hours=Decimal("2.0"))
    completed_training(cast["mentee"], datetime.date(2026, 11, 3), course_hours="3")
    totals = time_totals(programme_participants_time(programme.pk, month=NOV, today=datetime.date(2026, 11, 10)))
    assert totals["people"] == 2
    assert totals["flags"] == {"missing": 1, "pending": 1, "declined": 0, "under": 0, "over": 1, "no_manager": 1}
    assert (totals["hours"].allocated, totals["hours"].used) == (Decimal("2.0"), Decimal("3.0"))


# --- The monthly task ---------------------------------------------------------------------------------------


def test_the_daily_sweep_creates_the_month_once_and_tells_each_manager_once(cast, programme):
    other = ProgrammeFactory(name="Second Wind")
    MembershipFactory(programme=other, role=Role.MENTOR, person=PersonFactory(line_manager=cast["line_manager"]))
    ProgrammeFactory(status=Programme.Status.RECRUITING).memberships.create(person=PersonFactory(), role="mentee")
    with time_machine.travel(at(2026, 11, 2, 6, 30), tick=False):
        ensure_monthly_time_allocations()
        ensure_monthly_time_allocations()
    with time_machine.travel(at(2026, 11, 3, 6, 30), tick=False):
        ensure_monthly_time_allocations()
    assert TimeAllocation.objects.filter(month=NOV).count() == 3  # the recruiting programme has none
    assert notes(cast["line_manager"]) == [
        "Protected time for 2 of your reports waits for your approval (November 2026)."
    ]
    assert len(mails_to(cast["line_manager"])) == 1
    with time_machine.travel(at(2026, 12, 1, 6, 30), tick=False):
        ensure_monthly_time_allocations()
    assert TimeAllocation.objects.filter(month=datetime.date(2026, 12, 1)).count() == 3
    assert len(notes(cast["line_manager"])) == 2


def test_the_sweep_skips_programmes_whose_dates_do_not_cover_the_month(cast, programme):
    programme.ends_on = datetime.date(2026, 10, 31)
    programme.save()
    runs = allocations_ensure_running(today=datetime.date(2026, 11, 2))
    assert runs == [] and not TimeAllocation.objects.exists()


def test_the_sweep_runs_daily_from_beat():
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("ensure_monthly_time_allocations")
    ]
    assert len(entries) == 1
    assert ensure_monthly_time_allocations.name == entries[0]["task"]


# --- The coordinator's page ---------------------------------------------------------------------------------


def time_url(programme, **query) -> str:
    url = reverse("programmes:time", args=[programme.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_coordinator_sees_each_participants_time_for_the_month(cast, programme, login):
    TimeAllocationFactory(programme=programme, person=cast["mentee"], hours=Decimal("2.0"), status="approved")
    completed_training(cast["mentee"], datetime.date(2026, 11, 3), course_hours="1.5")
    with time_machine.travel(at(2026, 11, 10, 12, 0), tick=False):
        response = login(cast["coordinator"]).get(time_url(programme, month="2026-11"))
    content = response.content.decode()
    assert "Protected time in November 2026" in content
    assert "Mina Mentee" in content and "Max Mentor" in content and "Cleo Committee" not in content
    assert 'value="2.0"' in content and "75 %" in content and "Approved" in content
    assert "No line manager on record" in content  # the mentor's flag
    assert "Create this month's allocations" in content


@pytest.mark.parametrize("bad", ["2026-13", "november", "1999-01", "2026-1", "2026-11-05"])
def test_a_bad_month_says_so_and_shows_the_current_month(cast, programme, login, bad):
    with time_machine.travel(at(2026, 11, 10, 12, 0), tick=False):
        response = login(cast["coordinator"]).get(time_url(programme, month=bad))
    assert response.status_code == 200
    assert "is not a month Tandem understands" in response.content.decode()
    assert response.context["month"] == NOV


def test_a_bad_flag_says_so_and_shows_everyone(cast, programme, login):
    response = login(cast["coordinator"]).get(time_url(programme, month="2026-11", flag="emperor"))
    assert "That filter was not understood" in response.content.decode()
    assert len(response.context["page"].object_list) == 2


def test_the_page_filters_by_flag(cast, programme, login):
    TimeAllocationFactory(programme=programme, person=cast["mentee"])
    client = login(cast["coordinator"])
    pending = client.get(time_url(programme, month="2026-11", flag="pending")).context["page"].object_list
    assert [m.person for m in pending] == [cast["mentee"]]
    missing = client.get(time_url(programme, month="2026-11", flag="missing")).context["page"].object_list
    assert [m.person for m in missing] == [cast["mentor"]]


def test_the_page_paginates_and_keeps_month_and_filter(cast, programme, login):
    for _ in range(30):
        MembershipFactory(programme=programme, role=Role.MENTOR)
    client = login(cast["coordinator"])
    first = client.get(time_url(programme, month="2026-11", flag="missing"))
    assert 'href="?month=2026-11&amp;flag=missing&amp;page=2"' in first.content.decode()
    second = client.get(time_url(programme, month="2026-11", flag="missing", page=2))
    assert len(second.context["page"].object_list) == 7  # 32 without allocation, 25 a page


def test_the_coordinator_creates_the_month_from_the_page(cast, programme, login):
    url = reverse("programmes:allocations_create", args=[programme.pk])
    response = login(cast["coordinator"]).post(url, {"month": "2026-11"}, follow=True)
    assert response.redirect_chain[-1][0] == time_url(programme, month="2026-11")
    content = response.content.decode()
    assert "Created 2 allocations for November 2026." in content
    assert "No line manager on record for Max Mentor" in content
    again = login(cast["coordinator"]).post(url, {"month": "2026-11"}, follow=True)
    assert "Everyone already has an allocation for November 2026" in again.content.decode()


def test_creating_for_a_closed_programme_says_why(cast, programme, login):
    programme.status = Programme.Status.CLOSED
    programme.save()
    url = reverse("programmes:allocations_create", args=[programme.pk])
    response = login(cast["coordinator"]).post(url, {"month": "2026-11"}, follow=True)
    assert "No allocations were created: Protected time is allocated from the moment enrolment opens" in (
        response.content.decode()
    )
    assert not TimeAllocation.objects.exists()


def test_the_coordinator_adjusts_hours_in_place(cast, programme, login):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"], status="approved")
    url = reverse("programmes:allocation_adjust", args=[allocation.pk])
    response = login(cast["coordinator"]).post(url, {"hours": "5.5"}, follow=True)
    assert "Mina Mentee has 5.5 h for November 2026. Their line manager is asked" in response.content.decode()
    allocation.refresh_from_db()
    assert (allocation.hours, allocation.status) == (Decimal("5.5"), TimeAllocation.Status.PENDING)


@pytest.mark.parametrize("hours", ["", "abc", "81", "1.25", "-2"])
def test_bad_hours_on_the_page_give_a_message_and_change_nothing(cast, programme, login, hours):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    url = reverse("programmes:allocation_adjust", args=[allocation.pk])
    response = login(cast["coordinator"]).post(url, {"hours": hours}, follow=True)
    assert response.status_code == 200
    assert "Mina Mentee&#x27;s hours were not changed" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.hours == Decimal("3.0")


def test_a_coordinator_of_another_programme_cannot_adjust(cast, programme, client):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    stranger = PersonFactory()
    MembershipFactory(person=stranger, role=Role.COORDINATOR)  # of some other programme
    client.force_login(stranger)
    response = client.post(reverse("programmes:allocation_adjust", args=[allocation.pk]), {"hours": "9"})
    assert response.status_code == 404


# --- The line manager's page --------------------------------------------------------------------------------


def test_my_team_shows_time_waiting_and_each_reports_use(cast, programme, login):
    TimeAllocationFactory(programme=programme, person=cast["mentee"], hours=Decimal("4.0"))
    TimeAllocationFactory(programme=programme, person=cast["mentor"])  # not this manager's report
    completed_training(cast["mentee"], datetime.date(2026, 11, 3), course_hours="1")
    with time_machine.travel(at(2026, 11, 10, 12, 0), tick=False):
        response = login(cast["line_manager"]).get(reverse("programmes:team"))
    content = response.content.decode()
    assert [a.person for a in response.context["pending"]] == [cast["mentee"]]
    assert reverse("programmes:allocation_decide", args=[response.context["pending"][0].pk]) in content
    assert "This month: 1.0 of 4.0 h" in content and "25 %" in content
    assert "Programme so far: 1.0 of 4.0 h" in content
    assert "Max Mentor" not in content


def test_the_line_manager_approves_in_place(cast, programme, login):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    url = reverse("programmes:allocation_decide", args=[allocation.pk])
    response = login(cast["line_manager"]).post(url, {"decision": "approve"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("programmes:team")
    assert "You approved 3.0 h for Mina Mentee" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.status == TimeAllocation.Status.APPROVED
    assert not response.context["pending"]


def test_declining_without_a_reason_on_the_page_says_so(cast, programme, login):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    url = reverse("programmes:allocation_decide", args=[allocation.pk])
    response = login(cast["line_manager"]).post(url, {"decision": "decline", "reason": ""}, follow=True)
    assert "Say why you decline" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.status == TimeAllocation.Status.PENDING


def test_another_manager_gets_404_and_the_person_themselves_403(cast, programme, client):
    allocation = TimeAllocationFactory(programme=programme, person=cast["mentee"])
    url = reverse("programmes:allocation_decide", args=[allocation.pk])
    other_manager = a_manager()
    client.force_login(other_manager)
    assert client.post(url, {"decision": "approve"}).status_code == 404
    client.force_login(cast["mentee"])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    allocation.refresh_from_db()
    assert allocation.status == TimeAllocation.Status.PENDING


def test_a_manager_who_also_has_time_cannot_approve_their_own(cast, programme, client):
    # The line manager joins as a mentee themselves; their own allocation is for their own manager to decide.
    MembershipFactory(programme=programme, person=cast["line_manager"], role=Role.MENTEE)
    own = TimeAllocationFactory(programme=programme, person=cast["line_manager"])
    client.force_login(cast["line_manager"])
    assert (
        client.post(reverse("programmes:allocation_decide", args=[own.pk]), {"decision": "approve"}).status_code == 404
    )


def test_attach_time_use_needs_no_query(cast, programme, django_assert_num_queries):
    rows = list(programme_participants_time(programme.pk, month=NOV))
    with django_assert_num_queries(0):
        attach_time_use(rows)
        assert {row.time.status_label for row in rows} == {"No allocation yet"}


# --- Query budgets ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [3, 40])
def test_time_page_query_budget(cast, programme, login, django_assert_num_queries, extra):
    for i in range(extra):
        person = PersonFactory(line_manager=cast["line_manager"] if i % 3 else None)
        MembershipFactory(programme=programme, person=person, role=Role.MENTOR if i % 2 else Role.MENTEE)
        TimeAllocationFactory(programme=programme, person=person, status="approved" if i % 2 else "pending")
        completed_training(person, datetime.date(2026, 11, 3), course_hours="1")
    client = login(cast["coordinator"])
    # session, user, the programme, my roles in it, the month's totals and flag counts, the paginator's count,
    # one page of participants with people, line managers, teams and their time, the navigation's areas
    with django_assert_num_queries(8):
        assert client.get(time_url(programme, month="2026-11")).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_my_team_query_budget_with_time(cast, programme, login, django_assert_num_queries, extra):
    for i in range(extra):
        person = PersonFactory(line_manager=cast["line_manager"])
        MembershipFactory(programme=programme, person=person, role=Role.MENTOR if i % 2 else Role.MENTEE)
        TimeAllocationFactory(programme=programme, person=person, month=NOV, status="approved" if i % 2 else "pending")
        completed_training(person, datetime.date(2026, 11, 3), course_hours="1")
    with time_machine.travel(at(2026, 11, 10, 12, 0), tick=False):
        client = login(cast["line_manager"])
        # session, user, areas, the paginator's count, one page of reports with teams, their participations
        # with programmes and time, the audit rows, the allocations waiting for my decision, the applications
        # to endorse; the team panels other apps register (evaluation's audit panel: the unit tree, the
        # leads, its units' answers per round, those rounds, their plans); the learning opportunities waiting
        # for me and those my reports took up; my own briefing
        with django_assert_num_queries(17):
            response = client.get(reverse("programmes:team"))
    assert response.status_code == 200
    assert len(response.context["pending"]) == len(range(0, extra, 2))  # every other one waits


# --- In a real browser ----------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_creates_the_month_and_the_line_manager_approves_in_place(page, live_server, cast):
    def log_in(email: str) -> None:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    programme = cast["pairing"].programme
    log_in("coordinator@example.org")
    page.goto(f"{live_server.url}{reverse('programmes:time', args=[programme.pk])}")
    page.get_by_role("button", name="Create this month's allocations").click()
    expect(page.get_by_text("Created 2 allocations")).to_be_visible()

    log_in("manager@example.org")
    expect(page.get_by_role("heading", name="Protected time waiting for your approval")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("You approved 3.0 h for Mina Mentee")).to_be_visible()
    expect(page.get_by_text("Nothing waits for your approval.")).to_be_visible()
    expect(page.get_by_text("This month: 0.0 of 3.0 h")).to_be_visible()


def test_training_hours_still_count_after_the_record_expired(cast, programme):
    from programmes.selectors.time import with_time
    from programmes.tests.factories import CourseFactory, TrainingRecordFactory

    course = CourseFactory(hours=Decimal("5.0"), validity_months=1)
    TrainingRecordFactory(
        person=cast["mentee"], course=course, completed_on=datetime.date(2026, 11, 3), status="expired"
    )
    TimeAllocationFactory(programme=programme, person=cast["mentee"], month=NOV, status="approved")
    row = with_time(Membership.objects.filter(programme=programme, person=cast["mentee"]), month=NOV).get()
    assert row.time_used_tenths == 50
