"""Starting a programme: My programmes offers "Start a programme" to the people who may
create one (coordinators and administrators), and the form, submitted as a browser renders it, asks for what
matters first and creates the draft."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import Membership, Programme, Role


class Links(HTMLParser):
    """Every link of the page: (text, href)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[list[str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = ["", dict(attrs).get("href", "")]
            self.links.append(self._open)

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open[0] = (self._open[0] + " " + data.strip()).strip()


class FormFields(HTMLParser):
    """The fields of the first form with method="post" in the page's main content (not the navbar's log-out),
    with the values a browser would send unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.action: str | None = None
        self._in_form = False
        self._textarea: str | None = None
        self._in_main = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self._in_main = True
        if tag == "form" and self._in_main and (a.get("method") or "").lower() == "post" and self.action is None:
            self._in_form = True
            self.action = a.get("action") or ""
        elif self._in_form and tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value") or ""
        elif self._in_form and tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def links_of(response) -> list[list[str]]:
    parser = Links()
    parser.feed(response.content.decode())
    return parser.links


START = "Start a programme"


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_my_programmes_offers_start_a_programme_to_coordinators_and_administrators(client, cast, role):
    client.force_login(cast[role])
    home = client.get(reverse("home"), follow=True)
    assert ["My programmes", reverse("programmes:list")] in links_of(home)  # the main navigation
    response = client.get(reverse("programmes:list"))
    assert response.status_code == 200
    assert [START, reverse("programmes:create")] in links_of(response)


@pytest.mark.parametrize("role", ["mentor", "mentee", "line_manager", "committee_member", "outsider"])
def test_people_who_may_not_create_a_programme_are_never_offered_one(client, cast, role):
    client.force_login(cast[role])
    for page in (reverse("home"), reverse("programmes:open"), reverse("programmes:notifications")):
        response = client.get(page, follow=True)
        assert reverse("programmes:create") not in response.content.decode(), page
        assert ["My programmes", reverse("programmes:list")] not in links_of(response)
    assert client.get(reverse("programmes:list")).status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_following_start_a_programme_creates_the_draft_as_rendered(cast, role):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast[role])
    start = dict((text, href) for text, href in links_of(client.get(reverse("programmes:list"))))[START]
    form_page = client.get(start)
    parser = FormFields()
    parser.feed(form_page.content.decode())
    # What matters first; check-ins, protected time and capacity come later, in the settings.
    # (the two hidden tokens: CSRF, and the one-time token that answers a double submit with the first result)
    assert set(parser.fields) == {"csrfmiddlewaretoken", "once_token", "name", "description", "starts_on", "ends_on"}
    data = {
        **parser.fields,
        "name": "Leaders of Tomorrow",
        "description": "Mentoring for new team leads.",
        "starts_on": "2027-03-01",  # what a browser's date picker sends
        "ends_on": "2027-12-31",
    }
    response = client.post(parser.action or start, data)
    programme = Programme.objects.get(name="Leaders of Tomorrow")
    assert response.status_code == 302 and response.url == reverse("programmes:settings", args=[programme.pk])
    assert programme.status == Programme.Status.DRAFT
    assert (programme.starts_on, programme.ends_on) == (datetime.date(2027, 3, 1), datetime.date(2027, 12, 31))
    assert programme.checkin_cadence_days == 14  # the default, until the settings say otherwise
    assert Membership.objects.filter(programme=programme, person=cast[role], role=Role.COORDINATOR).exists()
    settings = client.get(response.url)
    assert "Leaders of Tomorrow is ready as a draft" in settings.content.decode()


def test_starting_a_programme_without_a_name_says_so_and_creates_nothing(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["coordinator"])
    parser = FormFields()
    parser.feed(client.get(reverse("programmes:create")).content.decode())
    before = Programme.objects.count()
    response = client.post(reverse("programmes:create"), {**parser.fields, "name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Programme.objects.count() == before
