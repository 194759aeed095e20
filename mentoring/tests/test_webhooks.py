"""Outgoing webhooks (issue 17, point 6), against a local HTTP receiver that records what it gets: Slack's and
Teams' JSON, signed; retried on 500, given up after the last attempt and shown to the coordinators; never a word
of what the pair wrote, where they meet or their link."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.urls import reverse

from mentoring.models import PlannedSession, WebhookChannel, WebhookDelivery
from mentoring.services import planning, webhooks

UTC = datetime.UTC
MEETING = datetime.datetime(2026, 12, 10, 8, 0, tzinfo=UTC)


class Receiver:
    """A local HTTP server answering with the given statuses in turn (the last one repeats)."""

    def __init__(self, statuses: list[int], location: str = ""):
        self.statuses, self.requests, self.location = list(statuses), [], location
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"error")

            do_GET = do_POST  # noqa: N815 (a followed redirect would come as a GET)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    # The receivers listen on 127.0.0.1: allowed here, refused in production unless the setting says otherwise.
    settings.TANDEM_WEBHOOK_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver():
    made = []

    def make(statuses, location=""):
        found = Receiver(statuses, location)
        made.append(found)
        return found

    yield make
    for found in made:
        found.close()


def channel(programme, kind, url) -> WebhookChannel:
    # Made directly: the service accepts https:// addresses only, and the local receiver speaks plain http.
    return WebhookChannel.objects.create(programme=programme, kind=kind, url=url, secret="s3cret")


def plan(pairing, mentor, mentee, capture) -> PlannedSession:
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False), capture(execute=True):
        planned = planning.planned_propose(
            pairing=pairing,
            by=mentor,
            times=[MEETING],
            duration_minutes=60,
            mode="video",
            place="Cafe Secretplace",
            video_link="https://meet.example.org/secretroom",
        )
        planning.planned_accept(planned=planned, by=mentee, starts_at=MEETING)
    return planned


def test_slack_gets_a_signed_message_with_names_date_and_link_only(
    pairing, mentor, mentee, receiver, django_capture_on_commit_callbacks
):
    slack = receiver([200])
    found = channel(pairing.programme, "slack", slack.url)
    planned = plan(pairing, mentor, mentee, django_capture_on_commit_callbacks)
    [(headers, body)] = slack.requests
    assert headers["Content-Type"] == "application/json"
    expected = hmac.new(b"s3cret", headers["X-Tandem-Timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Tandem-Signature"] == f"sha256={expected}"
    message = json.loads(body)
    assert set(message) == {"text"}
    assert message["text"].startswith("Max Mentor and Mina Mentee planned a mentoring session: Thu 10 December 2026")
    assert pairing.get_absolute_url() in message["text"]
    for secret in (b"Secretplace", b"secretroom"):
        assert secret not in body
    assert WebhookDelivery.objects.get(channel=found).status == "sent"
    # Moving sends the move, never its reason.
    with (
        time_machine.travel(datetime.datetime(2026, 12, 2, tzinfo=UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        planning.planned_move(planned=planned, by=mentor, starts_at=MEETING + datetime.timedelta(hours=1), reason="Ill")
    assert len(slack.requests) == 2
    assert "moved a mentoring session" in json.loads(slack.requests[1][1])["text"]
    assert b"Ill" not in slack.requests[1][1]


def test_teams_gets_an_adaptive_card(pairing, mentor, mentee, receiver, django_capture_on_commit_callbacks):
    teams = receiver([200])
    channel(pairing.programme, "teams", teams.url)
    plan(pairing, mentor, mentee, django_capture_on_commit_callbacks)
    [(_, body)] = teams.requests
    message = json.loads(body)
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"].startswith("Max Mentor and Mina Mentee planned a mentoring session")
    assert card["actions"][0]["url"].endswith(pairing.get_absolute_url())


def test_a_500_is_retried_and_a_later_success_counts(
    pairing, mentor, mentee, receiver, django_capture_on_commit_callbacks
):
    flaky = receiver([500, 500, 200])
    channel(pairing.programme, "slack", flaky.url)
    plan(pairing, mentor, mentee, django_capture_on_commit_callbacks)
    assert len(flaky.requests) == 3
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 3)


def test_after_the_last_attempt_it_gives_up_and_the_coordinators_see_the_failure(
    client, pairing, mentor, mentee, coordinator, receiver, django_capture_on_commit_callbacks
):
    broken = receiver([500])
    channel(pairing.programme, "slack", broken.url)
    plan(pairing, mentor, mentee, django_capture_on_commit_callbacks)
    assert len(broken.requests) == webhooks.MAX_ATTEMPTS == 5
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 5)
    assert "500" in delivery.last_error
    # A redelivered task posts nothing more.
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) is None and len(broken.requests) == 5
    client.force_login(coordinator)
    page = client.get(reverse("mentoring:webhooks", args=[pairing.programme_id])).content.decode()
    assert "Deliveries that failed" in page and "HTTP Error 500" in page
    client.force_login(mentor)
    assert client.get(reverse("mentoring:webhooks", args=[pairing.programme_id])).status_code == 403


def test_a_coordinator_adds_only_an_https_channel(client, pairing, coordinator):
    url = reverse("mentoring:webhooks", args=[pairing.programme_id])
    client.force_login(coordinator)
    response = client.post(url, {"kind": "slack", "url": "http://hooks.example.org/x"})
    assert "Use the https:// address" in response.content.decode()
    assert not WebhookChannel.objects.exists()
    response = client.post(url, {"kind": "teams", "url": "https://example.webhook.office.com/x"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Microsoft Teams · example.webhook.office.com" in page
    assert "/x" not in page.split("Microsoft Teams")[1][:60]  # the full address is a secret: its host only


def test_the_waits_between_attempts_double(pairing, receiver):
    broken = receiver([500])
    found = channel(pairing.programme, "slack", broken.url)
    delivery = WebhookDelivery.objects.create(channel=found, payload={"text": "x"})
    waits = [webhooks.webhook_deliver(delivery_id=delivery.pk) for _ in range(5)]
    assert [w.total_seconds() if w else None for w in waits] == [30, 60, 120, 240, None]
    assert WebhookDelivery.objects.get().status == "failed" and len(broken.requests) == 5


def test_channels_are_the_programmes_only_and_another_programmes_channel_hears_nothing(
    pairing, mentor, mentee, receiver, django_capture_on_commit_callbacks
):
    from programmes.tests.factories import ProgrammeFactory

    # No half-built per-person path: nobody could set a personal channel, so the model has none.
    assert "person" not in {f.name for f in WebhookChannel._meta.get_fields()}
    ours, theirs = receiver([200]), receiver([200])
    channel(pairing.programme, "slack", ours.url)
    channel(ProgrammeFactory(name="Elsewhere"), "slack", theirs.url)
    plan(pairing, mentor, mentee, django_capture_on_commit_callbacks)
    assert len(ours.requests) == 1 and theirs.requests == []


def test_a_coordinator_removes_a_channel_of_their_programme_only(client, pairing, coordinator):
    from programmes.tests.factories import ProgrammeFactory

    ours = channel(pairing.programme, "slack", "https://hooks.example.org/ours")
    theirs = channel(ProgrammeFactory(name="Elsewhere"), "slack", "https://hooks.example.org/theirs")
    client.force_login(coordinator)
    page = client.get(reverse("mentoring:webhooks", args=[pairing.programme_id])).content.decode()
    assert reverse("mentoring:webhook_remove", args=[pairing.programme_id, ours.pk]) in page
    # Another programme's channel, through this programme's address: not found, still there.
    other = reverse("mentoring:webhook_remove", args=[pairing.programme_id, theirs.pk])
    assert client.post(other).status_code == 404
    response = client.post(reverse("mentoring:webhook_remove", args=[pairing.programme_id, ours.pk]), follow=True)
    assert "Channel removed" in response.content.decode()
    assert list(WebhookChannel.objects.all()) == [theirs]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.5/hook",
        "https://2130706433/hook",
        "https://metadata.google.internal/x",
    ],
)
def test_an_address_inside_the_network_is_refused_when_added(client, pairing, coordinator, settings, url):
    settings.TANDEM_WEBHOOK_PRIVATE_ADDRESSES = False
    client.force_login(coordinator)
    response = client.post(reverse("mentoring:webhooks", args=[pairing.programme_id]), {"kind": "slack", "url": url})
    assert response.status_code == 200
    assert "Tandem posts only to public addresses" in response.content.decode()
    assert not WebhookChannel.objects.exists()


def test_a_name_that_resolves_inside_the_network_is_not_posted_to(pairing, receiver, settings):
    settings.TANDEM_WEBHOOK_PRIVATE_ADDRESSES = False
    inside = receiver([200])
    found = channel(pairing.programme, "slack", inside.url.replace("127.0.0.1", "localhost"))
    delivery = WebhookDelivery.objects.create(channel=found, payload={"text": "x"})
    webhooks.webhook_deliver(delivery_id=delivery.pk)
    assert inside.requests == []
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "only to public addresses" in delivery.last_error


def test_a_redirect_is_not_followed(pairing, receiver):
    target = receiver([200])
    bouncer = receiver([302], location=target.url)
    found = channel(pairing.programme, "slack", bouncer.url)
    delivery = WebhookDelivery.objects.create(channel=found, payload={"text": "x"})
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) is not None  # to be retried, as any failure
    assert len(bouncer.requests) == 1 and target.requests == []
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "302" in delivery.last_error


def test_a_name_cannot_ping_the_channel_or_forge_a_link(
    pairing, mentor, mentee, receiver, django_capture_on_commit_callbacks
):
    mentor.display_name = "<!channel> <https://evil.example|Click> [Here](https://evil.example) & co"
    mentor.save(update_fields=["display_name"])
    slack, teams = receiver([200]), receiver([200])
    channel(pairing.programme, "slack", slack.url)
    channel(pairing.programme, "teams", teams.url)
    plan(pairing, mentor, mentee, django_capture_on_commit_callbacks)
    text = json.loads(slack.requests[0][1])["text"]
    assert text.startswith("&lt;!channel&gt; &lt;https://evil.example|Click&gt; [Here](https://evil.example) &amp; co")
    assert "<!channel>" not in text and "<https://evil" not in text
    assert text.endswith("|Open in Tandem>")  # Tandem's own link still works
    card = json.loads(teams.requests[0][1])["attachments"][0]["content"]
    assert card["body"][0]["text"].startswith("<!channel> <https://evil.example|Click> (Here)(https://evil.example)")
