"""A person's team history: every path that changes a person's team dates the change, so that
a committee report reads each person's department as it stood at the period's end. Dates only."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from config.tests.admin_forms import admin_submit
from programmes.models import OrgUnit, Person, PersonUnitHistory
from programmes.selectors import org_unit_at
from programmes.services.people_import import people_import_apply, people_import_parse
from programmes.services.teams import person_units_record
from programmes.tests.factories import OrgUnitFactory, PersonFactory

pytestmark = pytest.mark.django_db

ALWAYS = PersonUnitHistory.ALWAYS
MAY_3 = datetime.date(2026, 5, 3)


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC), tick=False)


def import_file(*lines: str, by: Person) -> None:
    upload = SimpleUploadedFile("people.csv", "\n".join(["email,name,team", *lines]).encode(), content_type="text/csv")
    people_import_apply(people_import=people_import_parse(upload=upload, by=by), by=by)


def history(person: Person) -> list[tuple[str, datetime.date, datetime.date | None]]:
    return [(s.org_unit.name, s.since, s.until) for s in person.unit_history.select_related("org_unit")]


def unit_on(person: Person, day: datetime.date) -> int | None:
    return Person.objects.filter(pk=person.pk).annotate(unit=org_unit_at(day)).values_list("unit", flat=True)[0]


@pytest.fixture
def teams(department) -> dict[str, OrgUnit]:
    return {name: OrgUnitFactory(name=name, parent=department) for name in ("Support", "Billing", "Claims")}


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    return client


def admin_set_team(client: Client, person: Person, unit: OrgUnit | None) -> None:
    url = reverse("admin:programmes_person_change", args=[person.pk])
    response = admin_submit(client, url, "person_form", {"org_unit": unit.pk if unit else ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.org_unit == unit


# --- Written by every path that changes a team --------------------------------------------------------------


def test_the_admin_dates_each_team_change_and_earlier_days_keep_the_team_then(admin_client, teams):
    ann = PersonFactory(display_name="Ann Archer", org_unit=teams["Support"])  # from before the history
    with at(MAY_3):
        admin_set_team(admin_client, ann, teams["Billing"])
    with at(MAY_3 + datetime.timedelta(days=10)):
        admin_set_team(admin_client, ann, teams["Claims"])
    assert history(ann) == [
        ("Support", ALWAYS, MAY_3),
        ("Billing", MAY_3, MAY_3 + datetime.timedelta(days=10)),
        ("Claims", MAY_3 + datetime.timedelta(days=10), None),
    ]
    assert unit_on(ann, MAY_3 - datetime.timedelta(days=1)) == teams["Support"].pk
    assert unit_on(ann, MAY_3) == teams["Billing"].pk  # a move counts from its own day
    assert unit_on(ann, MAY_3 + datetime.timedelta(days=30)) == teams["Claims"].pk


def test_the_admin_leaves_the_history_alone_when_the_team_is_not_changed(admin_client, teams):
    ann = PersonFactory(org_unit=teams["Support"])
    admin_submit(admin_client, reverse("admin:programmes_person_change", args=[ann.pk]), "person_form", {"grade": 9})
    assert history(ann) == []
    assert unit_on(ann, MAY_3) == teams["Support"].pk  # no history at all: today's team, as before it


def test_a_person_added_in_the_admin_without_a_team_has_none_before_one_is_given(admin_client, teams):
    url = reverse("admin:programmes_person_add")
    password = "a-long-password-nobody-guesses"
    fields = {"email": "new@example.org", "display_name": "Nia New", "password1": password, "password2": password}
    assert admin_submit(admin_client, url, "person_form", fields).status_code == 302
    nia = Person.objects.get(email="new@example.org")
    with at(MAY_3):
        admin_set_team(admin_client, nia, teams["Billing"])
    assert history(nia) == [("Billing", MAY_3, None)]
    assert unit_on(nia, MAY_3 - datetime.timedelta(days=1)) is None  # counted without a team before

    with at(MAY_3 + datetime.timedelta(days=1)):
        admin_set_team(admin_client, nia, None)
    assert history(nia) == [("Billing", MAY_3, MAY_3 + datetime.timedelta(days=1))]
    assert unit_on(nia, MAY_3 + datetime.timedelta(days=5)) is None


def test_the_import_starts_new_people_in_their_team_and_dates_moves(teams, administrator):
    ann = PersonFactory(email="ann@example.org", display_name="Ann Archer", org_unit=teams["Support"])
    bob = PersonFactory(email="bob@example.org", display_name="Bob Baker", org_unit=teams["Support"])
    lines = (
        "ann@example.org,Ann Archer,Operations > Billing",  # moves
        "bob@example.org,Bob Baker,Operations > Support",  # stays
        "cat@example.org,Cat Cole,Operations > Claims",  # new
        "dan@example.org,Dan Dunn,",  # new, without a team
    )
    with at(MAY_3):
        import_file(*lines, by=administrator)
    assert history(ann) == [("Support", ALWAYS, MAY_3), ("Billing", MAY_3, None)]
    assert history(bob) == []
    assert history(Person.objects.get(email="cat@example.org")) == [("Claims", ALWAYS, None)]
    assert history(Person.objects.get(email="dan@example.org")) == []

    # The same file again a week later changes nothing, and records nothing.
    with at(MAY_3 + datetime.timedelta(days=7)):
        import_file(*lines, by=administrator)
    assert PersonUnitHistory.objects.count() == 3


# --- The history's rules ----------------------------------------------------------------------------------------


def test_two_moves_on_one_day_leave_the_day_to_the_last_and_a_repeat_adds_nothing(teams):
    ann = PersonFactory(org_unit=teams["Claims"])
    support, billing, claims = (teams[n].pk for n in ("Support", "Billing", "Claims"))
    person_units_record(moves={ann.pk: (None, support)}, on=MAY_3)
    person_units_record(moves={ann.pk: (support, billing)}, on=MAY_3 + datetime.timedelta(days=1))
    person_units_record(moves={ann.pk: (billing, claims)}, on=MAY_3 + datetime.timedelta(days=1))
    person_units_record(moves={ann.pk: (billing, claims)}, on=MAY_3 + datetime.timedelta(days=2))  # again
    assert history(ann) == [
        ("Support", MAY_3, MAY_3 + datetime.timedelta(days=1)),
        ("Claims", MAY_3 + datetime.timedelta(days=1), None),
    ]


def test_a_person_has_one_open_stay_at_most_and_a_stay_never_ends_before_it_starts(teams):
    ann = PersonFactory()
    PersonUnitHistory.objects.create(person=ann, org_unit=teams["Support"], since=MAY_3)
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonUnitHistory.objects.create(person=ann, org_unit=teams["Billing"], since=MAY_3)
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonUnitHistory.objects.create(
            person=ann, org_unit=teams["Billing"], since=MAY_3, until=MAY_3 - datetime.timedelta(days=1)
        )


def test_the_team_on_a_day_is_one_query_for_any_number_of_people(teams, django_assert_num_queries):
    people = [PersonFactory(org_unit=teams["Support"]) for _ in range(4)]
    person_units_record(moves={p.pk: (teams["Support"].pk, teams["Billing"].pk) for p in people[:2]}, on=MAY_3)
    with django_assert_num_queries(1):
        found = {
            pk: (unit, now)
            for pk, unit, now in Person.objects.filter(pk__in=[p.pk for p in people])
            .annotate(unit=org_unit_at(MAY_3 - datetime.timedelta(days=1)), now=org_unit_at(MAY_3))
            .values_list("pk", "unit", "now")
        }
    support, billing = teams["Support"].pk, teams["Billing"].pk
    assert [found[p.pk] for p in people] == [(support, billing)] * 2 + [(support, support)] * 2


# --- The backfill ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_everyone_with_a_team_one_open_stay_from_before_any_period(department):
    from django.db.migrations.executor import MigrationExecutor

    team = OrgUnitFactory(name="Support", parent=department)
    ann, nobody = PersonFactory(org_unit=team), PersonFactory(org_unit=None)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app: going back may unapply other apps too
    try:
        executor.migrate([("programmes", "0008_move_email_failure_and_form_submission_to_core")])
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert history(ann) == [("Support", ALWAYS, None)]
    assert history(nobody) == []
