"""The coordinators' view of a programme's webhooks: its channels and the failure log."""

from __future__ import annotations

from urllib.parse import urlsplit

from mentoring.models import WebhookChannel, WebhookDelivery
from programmes.models import Programme

FAILURES_SHOWN = 50


def programme_webhooks(*, programme: Programme) -> dict:
    """The channels (their host only: the full address is a secret) and the latest failed deliveries. Two queries."""
    channels = list(WebhookChannel.objects.filter(programme=programme).order_by("pk"))
    for channel in channels:
        channel.host = urlsplit(channel.url).hostname or ""
    failures = list(
        WebhookDelivery.objects.filter(channel__programme=programme, status=WebhookDelivery.Status.FAILED)
        .select_related("channel")
        .order_by("-created_at", "-pk")[:FAILURES_SHOWN]
    )
    return {"channels": channels, "failures": failures}
