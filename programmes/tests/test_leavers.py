"""People who leave: their open applications are withdrawn with a notice to the
coordinators, wherever they leave (the admin, the people import); the import checks its rows outside the write
transaction."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from programmes.models import Application, Notification, PeopleImport, Person, Role
from programmes.services import people_import as service
from programmes.services.leavers import person_deactivate
from programmes.tests.factories import ApplicationFactory, MembershipFactory, PersonFactory, ProgrammeFactory


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Grow")


@pytest.fixture
def coordinator(programme):
    person = PersonFactory(display_name="Cora Coordinator", email="cora@example.org")
    MembershipFactory(programme=programme, person=person, role=Role.COORDINATOR)
    return person


@pytest.fixture
def admin_person(db):
    return PersonFactory(email="hr-admin@example.org", display_name="Hana Admin", is_staff=True, is_superuser=True)


def upload(*emails_and_names: tuple[str, str]) -> SimpleUploadedFile:
    lines = ["email,name", *(f"{email},{name}" for email, name in emails_and_names)]
    return SimpleUploadedFile("people.csv", "\n".join(lines).encode(), content_type="text/csv")


@pytest.mark.django_db
def test_an_import_that_no_longer_lists_someone_withdraws_their_applications_and_tells_the_coordinators(
    programme, coordinator, admin_person
):
    gone = PersonFactory(email="gus@example.org", display_name="Gus Gone")
    applied = ApplicationFactory(programme=programme, person=gone, role=Role.MENTEE)
    ProgrammeFactory(name="Other")  # no application there: nothing to say
    preview = service.people_import_parse(upload=upload(("cora@example.org", "Cora Coordinator")), by=admin_person)
    assert preview.summary["flag"] == 1
    service.people_import_apply(people_import=preview, by=admin_person)

    applied.refresh_from_db()
    assert applied.status == Application.Status.WITHDRAWN
    [notice] = Notification.objects.filter(person=coordinator)
    assert notice.text.startswith("Gus Gone has left the organisation (no longer in the HR file)")
    assert notice.url == applied.get_absolute_url()


@pytest.mark.django_db
def test_an_import_whose_status_says_someone_left_withdraws_their_applications(programme, coordinator, admin_person):
    leaver = PersonFactory(email="tess@example.org", display_name="Tess Terminated")
    applied = ApplicationFactory(programme=programme, person=leaver, role=Role.MENTOR)
    lines = "email,name,status\ncora@example.org,Cora Coordinator,Active\ntess@example.org,Tess Terminated,Terminated"
    file = SimpleUploadedFile("people.csv", lines.encode(), content_type="text/csv")
    preview = service.people_import_parse(upload=file, by=admin_person)
    assert preview.summary["deactivate"] == 1
    service.people_import_apply(people_import=preview, by=admin_person)

    applied.refresh_from_db()
    leaver.refresh_from_db()
    assert leaver.is_active is False
    assert applied.status == Application.Status.WITHDRAWN
    [notice] = Notification.objects.filter(person=coordinator)
    assert notice.text.startswith("Tess Terminated has left the organisation (the HR file says they have left)")


@pytest.mark.django_db
def test_several_leavers_make_one_notice_per_programme(programme, coordinator):
    leavers = [PersonFactory(display_name=f"Leaver {i}") for i in range(5)]
    for person in leavers:
        ApplicationFactory(programme=programme, person=person, role=Role.MENTEE)
    from programmes.services.leavers import leavers_applications_withdraw

    withdrawn = leavers_applications_withdraw(person_ids=[p.pk for p in leavers], why="deactivated")
    assert len(withdrawn) == 5
    [notice] = Notification.objects.filter(person=coordinator)
    assert notice.text.startswith("Leaver 0, Leaver 1, Leaver 2 and 2 others have left the organisation")
    assert notice.url == reverse("programmes:applications", args=[programme.pk])


@pytest.mark.django_db
def test_deactivating_in_the_admin_withdraws_open_applications(client, programme, coordinator, admin_person):
    leaver = PersonFactory(display_name="Gil Gone", email="gil@example.org")
    open_one = ApplicationFactory(programme=programme, person=leaver, role=Role.MENTOR)
    client.force_login(admin_person)
    url = reverse("admin:programmes_person_change", args=[leaver.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("groups", "user_permissions", "password", "last_login")
    }
    data.update(
        {
            "date_joined_0": leaver.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": leaver.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    data.pop("is_active")  # the box unticked: a browser sends nothing
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    leaver.refresh_from_db()
    assert not leaver.is_active
    open_one.refresh_from_db()
    assert open_one.status == Application.Status.WITHDRAWN
    assert Notification.objects.filter(person=coordinator, text__startswith="Gil Gone has left").exists()


@pytest.mark.django_db
def test_deactivating_twice_changes_nothing_more(programme, coordinator):
    leaver = PersonFactory(display_name="Gil Gone")
    ApplicationFactory(programme=programme, person=leaver, role=Role.MENTOR)
    person_deactivate(person=leaver, by=None)
    person_deactivate(person=leaver, by=None)
    assert Notification.objects.filter(person=coordinator).count() == 1
    assert not Person.objects.get(pk=leaver.pk).is_active


@pytest.mark.django_db(transaction=True)
def test_an_import_checks_its_rows_with_no_transaction_open(admin_person, monkeypatch):
    PersonFactory(email="ann@example.org", display_name="Ann Archer")
    preview = service.people_import_parse(
        upload=upload(("ann@example.org", "Ann Archer-Smith"), ("new@example.org", "Nell New")), by=admin_person
    )
    seen = []
    evaluate = service._evaluate

    def watched(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(service, "_evaluate", watched)
    service.people_import_apply(people_import=preview, by=admin_person)
    assert seen == [False]
    assert PeopleImport.objects.get(pk=preview.pk).status == PeopleImport.Status.APPLIED
    assert Person.objects.get(email="ann@example.org").display_name == "Ann Archer-Smith"
    assert Person.objects.filter(email="new@example.org").exists()


@pytest.mark.django_db(transaction=True)
def test_an_import_checks_again_under_the_lock_when_people_changed_meanwhile(admin_person, monkeypatch):
    ann = PersonFactory(email="ann@example.org", display_name="Ann Archer")
    preview = service.people_import_parse(upload=upload(("ann@example.org", "Ann Archer-Smith")), by=admin_person)
    prepare = service._prepare
    calls = []

    def meanwhile(*args, **kwargs):
        calls.append(connection.in_atomic_block)
        prepared = prepare(*args, **kwargs)
        if len(calls) == 1:  # someone is renamed while the file is checked: the preview no longer holds
            Person.objects.filter(pk=ann.pk).update(display_name="Ann Changed")
        return prepared

    monkeypatch.setattr(service, "_prepare", meanwhile)
    with pytest.raises(Exception, match="changed since this preview"):
        service.people_import_apply(people_import=preview, by=admin_person)
    assert calls == [False, True]
    assert Person.objects.get(pk=ann.pk).display_name == "Ann Changed"
    assert PeopleImport.objects.get(pk=preview.pk).status == PeopleImport.Status.PREVIEW
