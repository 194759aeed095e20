"""The nightly HR file: an HR system's own export (employeeId, firstName, lastName, supervisorId, status…) read from
a folder under TANDEM_HR_SYNC_ROOT through the saved mapping; leavers cannot log in; the same file twice does
nothing; too many leavers or manager changes wait for an administrator."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import HrSyncRun, Notification, PeopleImportMapping, Person
from programmes.services.hr_sync import hr_sync_confirm, hr_sync_discard, hr_sync_folder, hr_sync_run
from programmes.tasks import run_hr_sync
from programmes.tests.factories import PASSWORD, OrgUnitFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADER = "employeeId,firstName,lastName,email,supervisorId,status,department,title,dateInJob"
COLUMNS = {
    "employee_id": "employeeId",
    "first_name": "firstName",
    "last_name": "lastName",
    "email": "email",
    "manager_employee_id": "supervisorId",
    "status": "status",
    "team": "department",
    "job_title": "title",
    "start_date": "dateInJob",
}


@pytest.fixture
def hr_root(settings, tmp_path) -> Path:
    settings.TANDEM_HR_SYNC_ROOT = str(tmp_path)
    (tmp_path / "hr").mkdir()
    return tmp_path / "hr"


@pytest.fixture
def admin(db) -> Person:
    return PersonFactory(email="it-admin@example.org", display_name="Ida Admin", is_staff=True)


@pytest.fixture
def mapping(db) -> PeopleImportMapping:
    OrgUnitFactory(name="Operations", parent=None)
    return PeopleImportMapping.objects.create(
        purpose="sync",
        columns=COLUMNS,
        status_active=["Active", "Leave of absence"],
        status_left=["Terminated"],
        date_format="%d/%m/%Y",
        sync_enabled=True,
        sync_folder="hr",
        sync_pattern="people-*.csv",
    )


def staff(n: int) -> list[Person]:
    """``n`` people already in Tandem with employee ids S0…, all in the file as Active (the rest of the company)."""
    return [PersonFactory(email=f"s{i}@example.org", display_name=f"Sam S{i}", employee_id=f"S{i}") for i in range(n)]


def line(person: Person, status: str = "Active", boss: str = "") -> str:
    first, last = person.display_name.split(" ", 1)
    return f"{person.employee_id},{first},{last},{person.email},{boss},{status},Operations,Agent,01/02/2020"


def drop(folder: Path, name: str, *lines: str, age: int = 0) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    stamp = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC).timestamp() + age
    os.utime(path, (stamp, stamp))
    return path


def test_the_hr_shaped_file_imports_nightly_leavers_cannot_log_in_and_a_second_run_changes_nothing(
    hr_root, mapping, admin, django_capture_on_commit_callbacks
):
    tom = PersonFactory(email="tom@example.org", display_name="Tom Gone", employee_id="E3")
    others = staff(25)
    assert authenticate(username="tom@example.org", password=PASSWORD) is not None
    lines = [
        "E1,Olga,Boss,olga@example.org,,Active,Operations,Director,01/04/2019",
        "E2,Pat,Report,pat@example.org,E1,Active,Operations,Agent,15/06/2021",
        "E3,Tom,Gone,tom@example.org,E1,Terminated,Operations,Agent,01/01/2020",
        # The supervisor is further down the file, and on leave: still active.
        "E4,Lou,Away,lou@example.org,E5,Leave of absence,Operations,Agent,02/02/2022",
        "E5,Ray,Later,ray@example.org,E1,Active,Operations,Lead,03/03/2018",
        *[line(person) for person in others],
    ]
    drop(hr_root, "people-2026-12-01.csv", *lines)

    with django_capture_on_commit_callbacks(execute=True):
        run_hr_sync.delay()  # the beat task, eager in tests
    run = HrSyncRun.objects.get()
    assert run.status == HrSyncRun.Status.APPLIED, run.message
    assert run.file_name == "people-2026-12-01.csv" and run.finished_at is not None
    pat = Person.objects.get(email="pat@example.org")
    olga = Person.objects.get(employee_id="E1")
    assert (pat.display_name, pat.employee_id, pat.job_title) == ("Pat Report", "E2", "Agent")
    assert pat.start_date == datetime.date(2021, 6, 15)
    assert pat.line_manager == olga
    assert pat.org_unit.name == "Operations"
    assert Person.objects.get(email="lou@example.org").line_manager == Person.objects.get(employee_id="E5")
    assert Person.objects.get(email="lou@example.org").is_active
    tom.refresh_from_db()
    assert not tom.is_active and tom.left_at is not None
    assert authenticate(username="tom@example.org", password=PASSWORD) is None
    assert run.summary["create"] == 4 and run.summary["deactivate"] == 1

    # The same file again, even under another name: nothing new, and no run recorded.
    before = list(Person.objects.order_by("pk").values())
    drop(hr_root, "people-2026-12-02.csv", *lines, age=60)
    assert hr_sync_run() is None
    assert HrSyncRun.objects.count() == 1
    assert list(Person.objects.order_by("pk").values()) == before
    # The same people in a new export (the rows in another order): a run that changes nothing.
    drop(hr_root, "people-2026-12-03.csv", *reversed(lines), age=120)
    second = hr_sync_run()
    assert second.status == HrSyncRun.Status.UNCHANGED
    assert list(Person.objects.order_by("pk").values()) == before


def test_the_nightly_task_is_scheduled():
    entry = django_settings.CELERY_BEAT_SCHEDULE["run-nightly-hr-sync"]
    assert entry["task"] == "programmes.tasks.run_hr_sync"


def test_a_run_with_six_percent_leavers_waits_and_confirming_applies_it(
    hr_root, mapping, admin, client, django_capture_on_commit_callbacks
):
    people = staff(50)
    leaving = people[:3]
    drop(hr_root, "people-1.csv", *[line(p, "Terminated" if p in leaving else "Active") for p in people])

    run = hr_sync_run()
    assert run.status == HrSyncRun.Status.WAITING
    assert "3 of 50 people would leave (3 marked as left; 6.0%, above the 5% set)" in run.message
    assert all(Person.objects.get(pk=p.pk).is_active for p in leaving)  # nothing applied yet
    note = Notification.objects.get(person=admin)
    assert "waits for your confirmation" in note.text and note.url == reverse(
        "programmes:hr_sync_run_detail", args=[run.pk]
    )
    # Runs never overlap: a newer file waits until this one is decided.
    drop(hr_root, "people-2.csv", *[line(p) for p in people], age=60)
    assert hr_sync_run() is None

    client.force_login(admin)
    page = client.get(reverse("programmes:hr_sync_run_detail", args=[run.pk])).content.decode()
    assert "Confirm and apply" in page and "6.0%" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programmes:hr_sync_run_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == HrSyncRun.Status.APPLIED and run.confirmed_by == admin
    assert not any(Person.objects.get(pk=p.pk).is_active for p in leaving)
    assert "Ida Admin" in client.get(reverse("programmes:hr_sync")).content.decode()


def test_discarding_a_waiting_run_applies_nothing_and_lets_the_next_file_run(hr_root, mapping, admin):
    people = staff(50)
    drop(hr_root, "people-1.csv", *[line(p, "Terminated" if i < 3 else "Active") for i, p in enumerate(people)])
    run = hr_sync_run()
    hr_sync_discard(run=run, by=admin)
    run.refresh_from_db()
    assert run.status == HrSyncRun.Status.DISCARDED and run.confirmed_by == admin
    assert Person.objects.filter(pk__in=[p.pk for p in people], is_active=True).count() == 50
    with pytest.raises(ValidationError, match="Only a run waiting"):
        hr_sync_confirm(run=run, by=admin)
    # The discarded file is not read again; the next export is.
    assert hr_sync_run() is None
    drop(hr_root, "people-2.csv", *[line(p) for p in people], age=60)
    assert hr_sync_run().status == HrSyncRun.Status.APPLIED
    assert Person.objects.filter(pk__in=[p.pk for p in people], is_active=True).count() == 50


def test_too_many_line_manager_changes_wait_for_confirmation(hr_root, mapping, admin):
    people = staff(20)
    boss = people[0]
    # 3 of 20 get a new line manager: 15%, above the 10% default.
    drop(
        hr_root, "people-1.csv", *[line(p, boss=boss.employee_id if 1 <= i <= 3 else "") for i, p in enumerate(people)]
    )
    run = hr_sync_run()
    assert run.status == HrSyncRun.Status.WAITING
    assert "3 of 20 people would change line manager (15.0%, above the 10% set)" in run.message
    assert not Person.objects.filter(line_manager=boss).exists()
    # With the valve set higher, the same change goes through with the next export (the rows in another order).
    hr_sync_discard(run=run, by=admin)
    mapping.max_manager_changes_percent = 20
    mapping.save()
    drop(
        hr_root,
        "people-2.csv",
        *reversed([line(p, boss=boss.employee_id if 1 <= i <= 3 else "") for i, p in enumerate(people)]),
        age=60,
    )
    assert hr_sync_run().status == HrSyncRun.Status.APPLIED
    assert Person.objects.filter(line_manager=boss).count() == 3


def test_a_folder_outside_the_allowed_root_is_refused(hr_root, mapping, admin, tmp_path_factory, client):
    outside = tmp_path_factory.mktemp("elsewhere")
    drop(outside, "people-1.csv", "E1,Olga,Boss,olga@example.org,,Active,Operations,Director,01/04/2019")
    with pytest.raises(ValidationError, match="outside"):
        hr_sync_folder("../../" + outside.name)
    (hr_root / "link").symlink_to(outside)  # a link inside the root to a folder outside it
    with pytest.raises(ValidationError, match="outside"):
        hr_sync_folder("hr/link")
    mapping.sync_folder = "hr/link"
    mapping.save()
    run = hr_sync_run()
    assert run.status == HrSyncRun.Status.FAILED and "outside" in run.message
    assert not Person.objects.filter(email="olga@example.org").exists()

    client.force_login(admin)
    response = client.post(
        reverse("programmes:hr_sync"),
        {
            "sync_enabled": "on",
            "sync_folder": "/etc",
            "sync_pattern": "*.csv",
            "max_leavers_percent": 5,
            "max_manager_changes_percent": 10,
        },
    )
    assert "The folder /etc is outside" in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.sync_folder == "hr/link"


def test_without_a_root_the_nightly_file_is_off(settings, mapping):
    settings.TANDEM_HR_SYNC_ROOT = ""
    assert hr_sync_run() is None
    assert not HrSyncRun.objects.exists()


def test_a_file_with_bad_rows_fails_the_run_and_tells_the_administrators(hr_root, mapping, admin):
    drop(hr_root, "people-1.csv", "E1,Olga,Boss,olga@example.org,E9,Retired,Operations,Director,2019-04-01")
    run = hr_sync_run()
    assert run.status == HrSyncRun.Status.FAILED and "1 row(s)" in run.message
    row = run.people_import.rows[0]
    assert "Unknown manager employee id “E9”" in " ".join(row["errors"])
    assert "Unknown status “Retired”: the column mapping lists it neither" in " ".join(row["errors"])
    assert "not a date written as DD/MM/YYYY" in " ".join(row["errors"])
    assert Notification.objects.filter(person=admin, text__contains="was not imported").exists()
    assert not Person.objects.filter(email="olga@example.org").exists()


def test_someone_who_left_and_comes_back_is_reactivated(hr_root, mapping, admin):
    people = staff(40)
    back = people[0]
    Person.objects.filter(pk=back.pk).update(
        is_active=False, left_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    drop(hr_root, "people-1.csv", *[line(p) for p in people])
    run = hr_sync_run()
    assert run.status == HrSyncRun.Status.APPLIED, run.message
    back.refresh_from_db()
    assert back.is_active and back.left_at is None
    assert authenticate(username=back.email, password=PASSWORD) is not None


def test_the_employee_id_is_the_key_so_a_new_email_updates_the_same_person(hr_root, mapping, admin):
    people = staff(30)
    moved = people[0]
    lines = [line(p) for p in people[1:]]
    lines.append(f"{moved.employee_id},Sam,S0,sam.new@example.org,,Active,Operations,Agent,01/02/2020")
    drop(hr_root, "people-1.csv", *lines)
    assert hr_sync_run().status == HrSyncRun.Status.APPLIED
    moved.refresh_from_db()
    assert moved.email == "sam.new@example.org" and moved.missing_from_hr_since is None
    assert Person.objects.count() == 31  # nobody created


def test_a_cut_off_file_missing_people_waits_and_says_they_are_missing_not_marked_as_left(hr_root, mapping, admin):
    people = staff(50)
    drop(hr_root, "people-1.csv", *[line(p, "Active") for p in people[:-4]])  # the export stopped 4 lines short

    run = hr_sync_run()

    assert run.status == HrSyncRun.Status.WAITING
    assert "4 of 50 people would leave (4 missing from the file; 8.0%, above the 5% set)" in run.message
    assert "marked as left" not in run.message
    assert Person.objects.filter(pk__in=[p.pk for p in people[-4:]], missing_from_hr_since__isnull=True).count() == 4
