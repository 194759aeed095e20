"""A person hears by email when their password or email address changes."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from programmes.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "kettle orbit lantern"


def test_changing_the_password_emails_the_person(login, mentee, django_capture_on_commit_callbacks):
    client = login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_change"), {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    assert mail.outbox[0].subject == "Your Tandem password was changed"
    assert "If it was not, reset your password" in mail.outbox[0].body
    assert NEW not in mail.outbox[0].body


def test_resetting_the_password_emails_the_person(client, mentee, django_capture_on_commit_callbacks):
    uid = urlsafe_base64_encode(force_bytes(mentee.pk))
    token = default_token_generator.make_token(mentee)
    form_page = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == ["Your Tandem password was changed"]
    assert mail.outbox[0].to == [mentee.email]


def test_a_refused_password_change_sends_nothing(login, mentee):
    client = login(mentee)
    client.post(reverse("password_change"), {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert mail.outbox == []


def test_an_administrator_changing_an_email_address_tells_the_old_address(
    client, administrator, mentee, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    url = reverse("admin:programmes_person_change", args=[mentee.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if hasattr(field.widget, "decompress"):  # date and time in two boxes
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else part
        elif value is None:
            continue
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data["email"] = "mia.new@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    mentee.refresh_from_db()
    assert mentee.email == "mia.new@example.org"
    assert [m.to for m in mail.outbox] == [["mentee@example.org"]]
    assert "changed to mia.new@example.org" in mail.outbox[0].body


def test_an_administrator_setting_a_password_tells_the_person(
    client, administrator, mentee, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[mentee.pk])
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"password1": "short", "password2": "short", "usable_password": "true"})
    assert refused.status_code == 200 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.check_password(NEW)
    assert [(m.to, m.subject) for m in mail.outbox] == [([mentee.email], "Your Tandem password was changed")]
