"""Deciding on several applications at once (all or nothing), and news that is grouped so
three applications do not fill a coordinator's notification centre."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from config.tests.html_forms import form_of
from conftest import PASSWORD
from programmes.models import Application, Membership, Notification, Role
from programmes.services import enrolment as services
from programmes.tests.factories import ApplicationFactory, PersonFactory
from programmes.tests.test_enrolment import apply, recruiting  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def browser(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=person.email, password=PASSWORD)
    return client


def applied(programme, name: str, **kwargs) -> Application:
    kwargs.setdefault("endorsement", Application.Endorsement.NOT_NEEDED)
    return ApplicationFactory(programme=programme, person=PersonFactory(display_name=name), **kwargs)


def bulk_form(client: Client, programme):
    page = client.get(reverse("programmes:applications", args=[programme.pk]))
    return form_of(page.content.decode(), action=reverse("programmes:applications_decide", args=[programme.pk]))


def unread_badge(client: Client) -> int:
    """The unread count the navigation bar shows the person (0 when it shows none)."""
    html = client.get(reverse("programmes:notifications")).content.decode()
    found = re.search(r'text-bg-warning">(\d+)<span class="visually-hidden"> unread', html)
    return int(found.group(1)) if found else 0


# --- Bulk decisions -------------------------------------------------------------------------------------------


def test_coordinator_approves_several_ticked_applications_at_once(recruiting, coordinator):  # noqa: F811
    people = [applied(recruiting, name) for name in ("Ana", "Bea", "Cid")]
    other = applied(recruiting, "Dan")
    client = browser(coordinator)
    form = bulk_form(client, recruiting)

    data = form.data(tick={f"applications={a.pk}" for a in people}, decision="approve")
    response = client.post(form.action, data, follow=True)

    assert "3 applications approved: Ana, Bea and Cid." in response.content.decode()
    statuses = dict(Application.objects.values_list("person__display_name", "status"))
    assert statuses == {"Ana": "approved", "Bea": "approved", "Cid": "approved", "Dan": "applied"}
    assert Membership.objects.filter(programme=recruiting, role=Role.MENTEE).count() == 3
    for application in people:
        assert Notification.objects.filter(person=application.person, text__contains="was approved").exists()
    assert other.person.notifications.count() == 0


def test_a_bulk_decision_is_all_or_nothing_and_names_the_applications_that_cannot_take_it(
    recruiting,  # noqa: F811
    coordinator,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "core.mail_backend.CeleryEmailBackend"  # as in production: queued on commit
    settings.TANDEM_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ready = [applied(recruiting, "Ana"), applied(recruiting, "Bea")]
    waiting = applied(recruiting, "Cid", endorsement=Application.Endorsement.PENDING)
    client = browser(coordinator)
    form = bulk_form(client, recruiting)

    ticked = {f"applications={a.pk}" for a in [*ready, waiting]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.action, form.data(tick=ticked, decision="approve"), follow=True)

    content = response.content.decode()
    assert "Nothing was changed: 1 of the 3 applications cannot take this decision." in content
    assert "Cid: Cid&#x27;s line manager has not answered yet." in content
    assert set(Application.objects.values_list("status", flat=True)) == {"applied"}
    assert not Membership.objects.filter(programme=recruiting, role=Role.MENTEE).exists()
    assert not Notification.objects.filter(text__contains="was approved").exists()
    assert mail.outbox == []


def test_a_bulk_decline_needs_one_reason_that_each_applicant_sees(recruiting, coordinator):  # noqa: F811
    people = [applied(recruiting, "Ana"), applied(recruiting, "Bea", status=Application.Status.WAITLISTED)]
    client = browser(coordinator)
    form = bulk_form(client, recruiting)
    ticked = {f"applications={a.pk}" for a in people}

    response = client.post(form.action, form.data(tick=ticked, decision="decline"), follow=True)
    assert "Give the applicants a reason" in response.content.decode()
    assert set(Application.objects.values_list("status", flat=True)) == {"applied", "waitlisted"}

    reason = "This round is for first-time managers."
    response = client.post(form.action, form.data(tick=ticked, decision="decline", reason=reason), follow=True)
    assert "2 applications declined" in response.content.decode()
    for application in people:
        application.refresh_from_db()
        assert (application.status, application.decision_reason) == ("declined", reason)
        assert Notification.objects.filter(person=application.person, text__contains=reason).exists()


def test_a_bulk_decision_with_nothing_ticked_or_tampered_ids_says_so(recruiting, coordinator, outsider):  # noqa: F811
    mine = applied(recruiting, "Ana")
    elsewhere = ApplicationFactory(person=outsider, endorsement=Application.Endorsement.NOT_NEEDED)
    client = browser(coordinator)
    form = bulk_form(client, recruiting)
    response = client.post(form.action, form.data(decision="approve"), follow=True)
    assert "Tick at least one application." in response.content.decode()
    for ids in ([mine.pk, elsewhere.pk], ["x"], ["99999999999999999999"]):
        response = client.post(form.action, {**form.data(decision="approve"), "applications": ids}, follow=True)
        assert response.status_code == 200
        assert "applications" in response.content.decode()
    assert set(Application.objects.values_list("status", flat=True)) == {"applied"}


def test_the_service_refuses_someone_who_does_not_coordinate_the_programme(recruiting, coordinator, outsider):  # noqa: F811
    application = applied(recruiting, "Ana")
    with pytest.raises(ValidationError, match="Only the programme's coordinators"):
        services.applications_decide(
            programme=recruiting, application_ids=[application.pk], by=outsider, decision="approve"
        )
    application.refresh_from_db()
    assert application.status == Application.Status.APPLIED


# --- Grouped notifications ------------------------------------------------------------------------------------


def test_three_applications_show_a_coordinator_one_grouped_notification_per_kind(
    recruiting,  # noqa: F811
    coordinator,
    line_manager,
):
    people = [PersonFactory(display_name=n, line_manager=line_manager) for n in ("Ana", "Bea", "Cid")]
    applications = [apply(recruiting, person) for person in people]
    client = browser(coordinator)

    assert unread_badge(client) == 1
    [note] = Notification.objects.filter(person=coordinator, read_at__isnull=True)
    assert (note.text, note.count) == ("3 new applications to New Leaders.", 3)
    assert note.url == reverse("programmes:applications", args=[recruiting.pk]) + "?status=applied"
    assert "3 new applications to New Leaders." in client.get(reverse("programmes:notifications")).content.decode()

    for application in applications:
        services.application_endorse(application=application, by=line_manager, endorse=True)
    assert unread_badge(client) == 2
    assert Notification.objects.filter(
        person=coordinator, text="Line managers answered 3 applications to New Leaders."
    ).exists()


def test_a_read_group_is_not_counted_on_a_new_application_starts_afresh(recruiting, coordinator):  # noqa: F811
    apply(recruiting, PersonFactory(display_name="Ana"))
    apply(recruiting, PersonFactory(display_name="Bea"))
    client = browser(coordinator)
    form = form_of(
        client.get(reverse("programmes:notifications")).content.decode(),
        action=reverse("programmes:notifications_read"),
    )
    client.post(form.action, form.data())
    assert unread_badge(client) == 0

    apply(recruiting, PersonFactory(display_name="Cid"))

    assert unread_badge(client) == 1
    newest = Notification.objects.filter(person=coordinator).first()
    assert newest.text == "New application: Cid applied to New Leaders as a mentee."
    assert Notification.objects.filter(person=coordinator, text="2 new applications to New Leaders.").exists()
