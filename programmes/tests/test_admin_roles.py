"""The administrator runs the installation, not a programme: through the Django admin they
cannot change who is in a pairing or make themselves a mentor or mentee, and every change they make to a
person's roles or access is audited and told to that person. Every form is posted as rendered, CSRF on."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from config.tests.admin_forms import admin_submit, rendered_form
from programmes.models import AuditEvent, Membership, Notification, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    return client


def test_an_administrator_cannot_make_themselves_a_pairings_mentor(admin_client, administrator, pairing, mentor):
    url = reverse("admin:mentoring_pairing_change", args=[pairing.pk])
    response = admin_submit(admin_client, url, "pairing_form", {"mentor": administrator.pk, "mentee": administrator.pk})
    assert response.status_code in {200, 302}
    pairing.refresh_from_db()
    assert pairing.mentor == mentor
    # ... and so the pairing's pages stay closed to them.
    assert admin_client.get(reverse("mentoring:pairing_detail", args=[pairing.pk])).status_code == 404


def test_the_pairing_admin_shows_who_is_in_a_pairing_read_only_and_adds_none(admin_client, pairing, mentor):
    page = admin_client.get(reverse("admin:mentoring_pairing_change", args=[pairing.pk])).content.decode()
    assert 'name="mentor"' not in page and 'name="mentee"' not in page and 'name="programme"' not in page
    assert mentor.display_name in page
    assert admin_client.get(reverse("admin:mentoring_pairing_add")).status_code == 403


def test_an_administrator_cannot_add_themselves_as_mentor_in_the_membership_admin(
    admin_client, administrator, programme
):
    url = reverse("admin:programmes_membership_add")
    response = admin_submit(
        admin_client,
        url,
        "membership_form",
        {"person": administrator.pk, "programme": programme.pk, "role": Role.MENTOR, "created_at_0": "2026-01-05"},
    )
    assert response.status_code == 200
    assert "cannot make themselves a mentor or mentee" in response.content.decode()
    assert not Membership.objects.filter(person=administrator).exists()


def test_an_administrator_cannot_turn_someones_mentor_role_into_their_own(
    admin_client, administrator, programme, mentor
):
    membership = Membership.objects.get(person=mentor, programme=programme, role=Role.MENTOR)
    url = reverse("admin:programmes_membership_change", args=[membership.pk])
    response = admin_submit(admin_client, url, "membership_form", {"person": administrator.pk})
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.person == mentor


def test_an_administrator_cannot_add_themselves_as_mentee_in_the_programme_inline(
    admin_client, administrator, programme
):
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    total = Membership.objects.filter(programme=programme).count()
    response = admin_submit(
        admin_client,
        url,
        "programme_form",
        {
            "memberships-TOTAL_FORMS": total + 1,
            f"memberships-{total}-person": administrator.pk,
            f"memberships-{total}-role": Role.MENTEE,
            f"memberships-{total}-created_at_0": "2026-01-05",
            f"memberships-{total}-created_at_1": "09:00:00",
        },
    )
    assert response.status_code == 200
    assert "cannot make themselves a mentor or mentee" in response.content.decode()
    assert not Membership.objects.filter(person=administrator).exists()


def test_a_role_an_administrator_gives_is_audited_and_told(
    admin_client, administrator, programme, outsider, django_capture_on_commit_callbacks
):
    url = reverse("admin:programmes_membership_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(
            admin_client,
            url,
            "membership_form",
            {
                "person": outsider.pk,
                "programme": programme.pk,
                "role": Role.COMMITTEE,
                "created_at_0": "2026-01-05",
                "created_at_1": "09:00:00",
            },
        )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="membership.added_by_admin")
    assert event.actor == administrator and event.subject == outsider and event.programme == programme
    assert Notification.objects.filter(person=outsider, text__contains="committee member").exists()
    assert [m.to for m in mail.outbox] == [[outsider.email]]
    assert mail.outbox[0].subject == "Your roles in Tandem were changed"


def test_a_role_an_administrator_removes_inline_is_audited_and_told(
    admin_client, programme, mentor, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(person=mentor, programme=programme, role=Role.MENTOR)
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    page = admin_client.get(url).content.decode()
    index = next(i for i in range(20) if f'name="memberships-{i}-id" value="{membership.pk}"' in page)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(admin_client, url, "programme_form", {f"memberships-{index}-DELETE": "on"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.removed_by_admin", subject=mentor).exists()
    assert Notification.objects.filter(person=mentor, text__contains="removed your mentor role").exists()
    assert [m.to for m in mail.outbox] == [[mentor.email]]


def test_making_someone_staff_is_audited_and_told(
    admin_client, administrator, mentee, django_capture_on_commit_callbacks
):
    url = reverse("admin:programmes_person_change", args=[mentee.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(admin_client, url, "person_form", {"is_staff": "on"})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.is_staff
    event = AuditEvent.objects.get(action="person.access_changed_by_admin")
    assert event.actor == administrator and event.subject == mentee
    assert "administration site" in event.summary
    assert [m.subject for m in mail.outbox] == ["Your access to Tandem was changed"]
    assert mail.outbox[0].to == [mentee.email]


def test_saving_a_person_unchanged_tells_nobody(admin_client, mentee, django_capture_on_commit_callbacks):
    url = reverse("admin:programmes_person_change", args=[mentee.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(admin_client, url, "person_form")
    assert response.status_code == 302
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="person.access_changed_by_admin").exists()


def test_changing_a_groups_permissions_is_told_to_its_members(
    admin_client, administrator, mentee, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.create(name="Helpdesk")
    mentee.groups.add(group)
    permission = Permission.objects.get(codename="view_person")
    url = reverse("admin:auth_group_change", args=[group.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_submit(admin_client, url, "group_form", {"permissions": [str(permission.pk)]})
    assert response.status_code == 302
    assert list(group.permissions.all()) == [permission]
    assert AuditEvent.objects.filter(action="person.access_changed_by_admin", subject=mentee, actor=administrator)
    assert [m.to for m in mail.outbox] == [[mentee.email]]


def test_memberships_deleted_from_the_list_are_audited_and_told(
    admin_client, programme, mentor, mentee, django_capture_on_commit_callbacks
):
    chosen = list(Membership.objects.filter(person__in=[mentor, mentee]).values_list("pk", flat=True))
    url = reverse("admin:programmes_membership_changelist")
    page = admin_client.post(
        url,
        {
            "action": "delete_selected",
            "_selected_action": [str(pk) for pk in chosen],
            "csrfmiddlewaretoken": admin_client.get(url).cookies["csrftoken"].value,
        },
    )
    assert page.status_code == 200 and "Are you sure you want to delete" in page.content.decode()
    data = rendered_form(page.content.decode(), "*post*")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302
    assert not Membership.objects.filter(pk__in=chosen).exists()
    told = set(AuditEvent.objects.filter(action="membership.removed_by_admin").values_list("subject", flat=True))
    assert told == {mentor.pk, mentee.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])
