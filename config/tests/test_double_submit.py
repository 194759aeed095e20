"""A create form sent twice (double click, resend) creates once; the repeat gets the first
result. Forms are submitted as rendered (their one-time token included), with the CSRF check on."""

from __future__ import annotations

import datetime
import re
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from config.tests.html_forms import form_of
from conftest import at_once, require
from core.models import FormSubmission
from core.once import form_submissions_purge
from mentoring.models import Alert, Concern, Goal
from mentoring.services import relationship
from programmes.models import ProgrammeRequirement, Spend
from programmes.tests.factories import BudgetLineFactory, CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    return Client(enforce_csrf_checks=True)


def rendered(client: Client, url: str, action: str = "") -> dict:
    """What a browser sends for the page's POST form posting to ``action`` ("" = to the page itself)."""
    return form_of(client.get(url).content.decode(), action=action).data()


def send_twice(client: Client, url: str, fill: dict[str, str], action: str = "") -> tuple:
    data = {**rendered(client, url, action), **fill}
    target = action or url
    return client.post(target, data), client.post(target, data)


def test_a_goal_sent_twice_is_created_once_and_the_repeat_lands_on_the_same_page(web, pairing, mentee):
    web.force_login(mentee)
    first, second = send_twice(
        web, reverse("mentoring:goal_create", args=[pairing.pk]), {"title": "Speak up in meetings"}
    )
    assert first.status_code == 302, first.context["form"].errors
    assert second.status_code == 302
    assert second["Location"] == first["Location"] == pairing.get_absolute_url()
    assert Goal.objects.filter(pairing=pairing).count() == 1


def test_a_help_request_sent_twice_raises_one_alert_and_one_email(
    web, pairing, mentee, coordinator, django_capture_on_commit_callbacks
):
    web.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        send_twice(web, reverse("mentoring:concern_raise", args=[pairing.pk]), {"text": "We never manage to meet."})
    assert Concern.objects.count() == 1
    assert Alert.objects.filter(kind=Alert.Kind.CONCERN).count() == 1
    assert len([m for m in mail.outbox if coordinator.email in m.to]) == 1


def test_a_spend_sent_twice_is_recorded_once(web, programme, coordinator):
    line = BudgetLineFactory(programme=programme)
    web.force_login(coordinator)
    fill = {"line": str(line.pk), "amount": "120.00", "description": "Venue hire"}
    first, second = send_twice(web, reverse("programmes:spend_create", args=[programme.pk]), fill)
    assert first["Location"] == second["Location"]
    assert list(Spend.objects.values_list("amount", flat=True)) == [Decimal("120.00")]


def test_a_training_requirement_sent_twice_is_added_once_without_an_error(web, programme, coordinator):
    course = CourseFactory(title="Mentoring basics")
    web.force_login(coordinator)
    url = reverse("programmes:training_requirements", args=[programme.pk])
    first, second = send_twice(web, url, {"role": "mentor", "course": str(course.pk)})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url
    assert ProgrammeRequirement.objects.filter(programme=programme).count() == 1
    page = web.get(url).content.decode()
    assert "already need" not in page and "nothing was added twice" in page


def test_a_form_refused_for_errors_can_be_corrected_and_sent_once(web, pairing, mentee):
    web.force_login(mentee)
    url = reverse("mentoring:goal_create", args=[pairing.pk])
    data = rendered(web, url)
    refused = web.post(url, {**data, "title": ""})
    assert refused.status_code == 200 and not Goal.objects.exists()
    # The refused submit claimed nothing: the same token still goes through once corrected.
    assert web.post(url, {**data, "title": "Delegate more"}).status_code == 302
    assert web.post(url, {**data, "title": "Delegate more"}).status_code == 302
    assert Goal.objects.get().title == "Delegate more"


def test_each_rendering_of_a_create_form_carries_a_fresh_token(web, pairing, mentee):
    web.force_login(mentee)
    url = reverse("mentoring:goal_create", args=[pairing.pk])
    first, second = (rendered(web, url)["once_token"] for _ in range(2))
    assert first and second and first != second
    web.post(url, {**rendered(web, url), "title": "One"})
    web.post(url, {**rendered(web, url), "title": "Two"})
    assert Goal.objects.count() == 2  # two renderings, two goals: only a repeat of one form is held back


def test_a_token_used_by_someone_else_is_refused(web, pairing, mentee, mentor):
    web.force_login(mentee)
    url = reverse("mentoring:goal_create", args=[pairing.pk])
    data = {**rendered(web, url), "title": "Mine"}
    web.post(url, data)
    other = Client(enforce_csrf_checks=True)
    other.force_login(mentor)
    other_data = {**rendered(other, url), "title": "Mine", "once_token": data["once_token"]}
    assert other.post(url, other_data).status_code == 400
    assert Goal.objects.count() == 1


def test_old_form_tokens_are_purged(web, pairing, mentee):
    web.force_login(mentee)
    send_twice(web, reverse("mentoring:goal_create", args=[pairing.pk]), {"title": "Speak up"})
    claim = FormSubmission.objects.get()
    assert form_submissions_purge(now=claim.created_at) == 0
    assert form_submissions_purge(now=claim.created_at + datetime.timedelta(days=3)) == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_submits_of_one_form_at_the_same_moment_create_one_goal(pairing, mentee, monkeypatch):
    require(connection.vendor == "postgresql", "the double-submit race needs PostgreSQL (set DATABASE_URL)")
    create = relationship.goal_create

    def slowly(**kwargs):
        goal = create(**kwargs)
        time.sleep(0.3)  # the second request arrives while the first is still inside its transaction
        return goal

    monkeypatch.setattr(relationship, "goal_create", slowly)
    url = reverse("mentoring:goal_create", args=[pairing.pk])
    clients = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for client in clients:
        client.force_login(mentee)
    data = {**rendered(clients[0], url), "title": "Speak up"}
    clients[1].cookies = clients[0].cookies  # one browser: the same session and CSRF cookie

    results = at_once(*(lambda c=c: c.post(url, data) for c in clients))

    assert [r.status_code for r in results] == [302, 302], results
    assert results[0]["Location"] == results[1]["Location"]
    assert Goal.objects.count() == 1


CREATE_LIKE = re.compile(r"(_create|_add|_new|^apply|_send|_run|_raise|_comment|_decision)$")


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif entry.name:
            yield f"{prefix}{entry.name}", entry.callback


# Create views whose name does not say so: the page that adds a requirement, the card that proposes a pair, the
# page that drafts a round for late joiners.
ALSO_CREATE = (
    "programmes:create",
    "programmes:people_import",
    "programmes:hr_sync_sample",
    "programmes:training_requirements",
    "mentoring:matching_propose",
    "mentoring:matching_late_joiners",
)


def test_every_create_view_in_the_url_map_answers_a_double_submit_once():
    """A new create view without @submit_once fails here, before anyone double-clicks it."""
    create_views = {
        name: view
        for name, view in _patterns(get_resolver())
        if name.split(":")[0] in ("programmes", "mentoring", "evaluation")
        and (CREATE_LIKE.search(name.split(":")[-1]) or name in ALSO_CREATE)
    }
    assert "mentoring:goal_create" in create_views and "mentoring:matching_run" in create_views
    unprotected = sorted(name for name, view in create_views.items() if not getattr(view, "submit_once", False))
    assert unprotected == [], unprotected
