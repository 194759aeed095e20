"""Outgoing webhooks (issue 17, point 6): when a planned session is accepted, moved or cancelled, a message goes to
the programme's Slack or Microsoft Teams channels, in each service's JSON
format for incoming webhooks.

Each message is a WebhookDelivery row, queued on commit to the Celery task ``deliver_webhook``, which posts it
signed (``X-Tandem-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>" with the channel's secret>`` and
``X-Tandem-Timestamp``) and, on a failure (a connection error or any answer but 2xx), retries with exponential
back-off until ``MAX_ATTEMPTS``; then the delivery is failed, with the reason, on the coordinators' page.
A message carries names, dates and links only: never a place, a video link, a reason or anything a pair wrote.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.dates import meeting_time
from mentoring.models import PlannedSession, WebhookChannel, WebhookDelivery
from mentoring.services.invitations import site_url
from programmes.models import Programme

MAX_ATTEMPTS = 5
RETRY_AFTER = datetime.timedelta(seconds=30)  # doubled after each failed attempt: 30 s, 1, 2, 4 minutes
TIMEOUT_SECONDS = 10
# Whole sentences, one per event. A channel is read by many people: it gets the installation's language.
EVENTS = {
    "accepted": gettext_noop("%(mentor)s and %(mentee)s planned a mentoring session: %(when)s."),
    "moved": gettext_noop("%(mentor)s and %(mentee)s moved a mentoring session: %(when)s."),
    "cancelled": gettext_noop("%(mentor)s and %(mentee)s cancelled a mentoring session: %(when)s."),
}


def _text(planned: PlannedSession, event: str) -> str:
    pairing = planned.pairing
    when = f"{meeting_time(planned.starts_at, '')} ({timezone.get_default_timezone().key})"
    return _(EVENTS[event]) % {"mentor": pairing.mentor, "mentee": pairing.mentee, "when": when}


def _slack_text(text: str) -> str:
    # Slack reads <...> as a link or a mention (<!channel> pings everyone): a name must stay plain text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _teams_text(text: str) -> str:
    # Teams cards read [words](address) as a link: brackets in a name become parentheses, no link can be forged.
    return text.replace("[", "(").replace("]", ")")


def payload_for(kind: str, *, text: str, link: str) -> dict:
    """The message in the service's own format for incoming webhooks."""
    if kind == WebhookChannel.Kind.SLACK:
        text = _slack_text(text)
        return {"text": f"{text} <{link}|{_('Open in Tandem')}>" if link else text}
    text = _teams_text(text)
    card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
    }
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": _("Open in Tandem"), "url": link}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def webhooks_notify(*, planned: PlannedSession, event: str) -> list[WebhookDelivery]:
    """One delivery per active channel of the programme, sent after the commit."""
    from mentoring.tasks import deliver_webhook  # the task module imports the services

    pairing = planned.pairing
    channels = WebhookChannel.objects.filter(active=True, programme_id=pairing.programme_id)
    with translation.override(settings.LANGUAGE_CODE):
        text, link = _text(planned, event), site_url(pairing.get_absolute_url())
        made = WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(channel=c, payload=payload_for(c.kind, text=text, link=link)) for c in channels]
        )
    for delivery in made:
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk))
    return made


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we did not ask for: never followed (it could point inside the network)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201 (urllib's signature)
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
PRIVATE_REFUSED = gettext_noop("Tandem posts only to public addresses: this one is inside a private network.")


def _public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_global
    except ValueError:
        return False


def _require_public(url: str) -> None:
    """Refuse an address that resolves to a private, loopback or link-local host (unless settings allow it)."""
    if settings.TANDEM_WEBHOOK_PRIVATE_ADDRESSES:
        return
    parts = urlsplit(url)
    found = socket.getaddrinfo(parts.hostname or "", parts.port or 443, proto=socket.IPPROTO_TCP)
    if not found or not all(_public(info[4][0]) for info in found):
        raise ValueError(PRIVATE_REFUSED)


def _post(channel: WebhookChannel, payload: dict) -> None:
    _require_public(channel.url)
    body = json.dumps(payload, separators=(",", ":")).encode()
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(  # noqa: S310 (the address is checked to be https:// when saved)
        channel.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Tandem-Webhook",
            "X-Tandem-Timestamp": timestamp,
            "X-Tandem-Signature": signature(channel.secret, timestamp, body),
        },
    )
    with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(channel.url, response.status, "not accepted", response.headers, None)


def webhook_deliver(*, delivery_id: int) -> datetime.timedelta | None:
    """Post one delivery. None when it is done (sent, failed for good, or already settled); else how long to wait
    before the next attempt."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("channel")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return None  # a task delivered twice does not post twice
        delivery.attempts += 1
        try:
            _post(delivery.channel, delivery.payload)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = WebhookDelivery.Status.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
            if delivery.status == WebhookDelivery.Status.FAILED:
                return None
            return RETRY_AFTER * 2 ** (delivery.attempts - 1)
        delivery.status, delivery.sent_at, delivery.last_error = WebhookDelivery.Status.SENT, timezone.now(), ""
        delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return None


def webhook_url_check(url: str) -> str:
    url = (url or "").strip()
    if not url.lower().startswith("https://") or len(url) > 500 or any(c.isspace() for c in url):
        raise ValidationError({"url": _("Use the https:// address Slack or Teams gave for the incoming webhook.")})
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        host = ""
    if not host:
        raise ValidationError({"url": _("Use the https:// address Slack or Teams gave for the incoming webhook.")})
    # The obvious inside addresses are refused at once; a name that resolves inside is refused when posting.
    literal = host.strip("[]")
    is_address = literal.replace(".", "").isdigit() or ":" in literal
    inside = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
    if (inside or (is_address and not _public(literal))) and not settings.TANDEM_WEBHOOK_PRIVATE_ADDRESSES:
        raise ValidationError({"url": _(PRIVATE_REFUSED)})
    return url


@transaction.atomic
def webhook_channel_add(*, programme: Programme, kind: str, url: str) -> WebhookChannel:
    channel = WebhookChannel(programme=programme, kind=kind, url=webhook_url_check(url), secret=secrets.token_hex(32))
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def webhook_channel_remove(*, channel: WebhookChannel) -> None:
    """Delete the channel and its delivery log: a delivery still queued finds nothing and posts nothing."""
    channel.delete()
