"""Notification centre: opening one notice marks it read and follows its link (on this
site only), the "Unread only" filter with pagination, and the email preferences page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from programmes.models import Notification, Person
from programmes.services import notification_send
from programmes.services.notifications import notification_local_url
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def note(person: Person, text: str = "Your application was approved", url: str = "/programmes/open/") -> Notification:
    return Notification.objects.create(person=person, text=text, url=url)


def open_url(notification: Notification) -> str:
    return reverse("programmes:notification_open", args=[notification.pk])


# --- Opening one notification ----------------------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, mentee):
    mine, other = note(mentee, url="/mentoring/"), note(mentee, text="Another")
    client.force_login(mentee)
    response = client.post(open_url(mine))
    assert response.status_code == 302 and response.url == "/mentoring/"
    mine.refresh_from_db(), other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None  # only the one opened


def test_the_list_opens_notifications_through_the_read_marking_form(client, mentee):
    mine = note(mentee, url="/mentoring/requests/")
    client.force_login(mentee)
    content = client.get(reverse("programmes:notifications")).content.decode()
    assert f'action="{open_url(mine)}"' in content
    assert 'href="/mentoring/requests/"' not in content  # no bare link that would leave it unread


def test_opening_keeps_the_first_reading_time(client, mentee):
    mine = note(mentee)
    client.force_login(mentee)
    client.post(open_url(mine))
    first = Notification.objects.get(pk=mine.pk).read_at
    client.post(open_url(mine))
    assert Notification.objects.get(pk=mine.pk).read_at == first


def test_someone_elses_notification_is_a_404_and_stays_unread(client, mentee, coordinator):
    theirs = note(mentee)
    client.force_login(coordinator)  # whatever their roles
    assert client.post(open_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_needs_a_post(client, mentee):
    mine = note(mentee)
    client.force_login(mentee)
    assert client.get(open_url(mine)).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "javascript:alert(1)",
        "mentoring/relative",
        "http:///evil.example",
    ],
)
def test_a_link_off_the_site_is_never_followed(client, mentee, url):
    stored = note(mentee, url=url)
    client.force_login(mentee)
    response = client.post(open_url(stored), follow=True)
    assert response.redirect_chain == [(reverse("programmes:notifications"), 302)]
    assert "leads outside Tandem" in response.content.decode()
    stored.refresh_from_db()
    assert stored.read_at is not None


def test_a_notification_without_a_link_goes_back_to_the_page_it_was_on(client, mentee):
    plain = note(mentee, url="")
    client.force_login(mentee)
    back = reverse("programmes:notifications") + "?unread=1&page=2"
    assert client.post(open_url(plain), {"next": back}).url == back
    outside = note(mentee, url="")
    assert client.post(open_url(outside), {"next": "https://evil.example/"}).url == reverse("programmes:notifications")


def test_only_paths_on_this_site_count_as_local():
    assert notification_local_url("/programmes/1/?a=b#c") == "/programmes/1/?a=b#c"
    assert notification_local_url("//evil.example") == ""
    assert notification_local_url("") == ""


# --- The list: unread filter and pagination -------------------------------------------------------------------


def test_unread_only_shows_unread_notifications(client, mentee):
    note(mentee, text="Still to read")
    read = note(mentee, text="Already read")
    client.force_login(mentee)
    client.post(open_url(read))
    everything = client.get(reverse("programmes:notifications")).content.decode()
    unread = client.get(reverse("programmes:notifications") + "?unread=1").content.decode()
    assert "Still to read" in everything and "Already read" in everything
    assert "Still to read" in unread and "Already read" not in unread
    assert 'aria-current="page" href="/programmes/notifications/?unread=1"' in unread


def test_unread_only_with_nothing_unread_says_so(client, mentee):
    client.force_login(mentee)
    assert "No unread notifications." in client.get(reverse("programmes:notifications") + "?unread=1").content.decode()


def test_pages_of_unread_notifications_keep_the_filter(client, mentee):
    for n in range(30):
        note(mentee, text=f"News {n}")
    client.force_login(mentee)
    first = client.get(reverse("programmes:notifications") + "?unread=1")
    assert len(first.context["page"].object_list) == 25
    assert "?unread=1&amp;page=2" in first.content.decode()
    second = client.get(reverse("programmes:notifications") + "?unread=1&page=2")
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize("count", [3, 40])
def test_notification_list_query_budget(client, mentee, django_assert_num_queries, count):
    for n in range(count):
        note(mentee, text=f"News {n}")
    client.force_login(mentee)
    # session, user, areas with the unread count (navigation), paginator count, one page
    with django_assert_num_queries(5):
        assert client.get(reverse("programmes:notifications") + "?unread=1").status_code == 200


# --- Email preferences -----------------------------------------------------------------------------------------


def test_email_preferences_are_linked_from_the_menu_and_the_notifications(client, mentee):
    client.force_login(mentee)
    content = client.get(reverse("programmes:notifications")).content.decode()
    assert content.count(f'href="{reverse("programmes:email_preferences")}"') == 2


def test_email_preferences_are_saved(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("programmes:email_preferences")).content.decode()
    assert '<label for="id_email_updates"' in page and "Email me check-in reminders" in page
    response = client.post(reverse("programmes:email_preferences"), {"email_reminders": "on"}, follow=True)
    assert "Your preferences are saved." in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.email_updates is False and mentee.email_reminders is True


def test_turned_off_updates_mean_no_email_but_still_a_notification(client, mentee):
    client.force_login(mentee)
    client.post(reverse("programmes:email_preferences"), {})  # both boxes unticked: nothing is posted
    keen = PersonFactory()
    notification_send(
        people=[Person.objects.get(pk=mentee.pk), keen], text="Approved", email_subject="You were approved"
    )
    assert [m.to for m in mail.outbox] == [[keen.email]]
    assert Notification.objects.filter(person=mentee, text="Approved").exists()


def test_email_preferences_need_a_login(client):
    response = client.get(reverse("programmes:email_preferences"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
