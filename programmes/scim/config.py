"""What Tandem tells SCIM clients about itself (/scim/v2/ServiceProviderConfig), and where its resources live."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_scim.models import SCIMServiceProviderConfig


def base_location(request: HttpRequest | None = None, *args, **kwargs) -> str:
    """Resource locations on the host the client called (ALLOWED_HOSTS has vetted it), else TANDEM_SITE_URL."""
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return settings.TANDEM_SITE_URL


class TandemServiceProviderConfig(SCIMServiceProviderConfig):
    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(
            {
                "patch": {"supported": True},
                "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": settings.TANDEM_SCIM_MAX_BODY_BYTES},
                "filter": {"supported": True, "maxResults": settings.TANDEM_SCIM_MAX_RESULTS},
                # People set their own password (or log in by single sign-on); SCIM never writes one.
                "changePassword": {"supported": False},
                "sort": {"supported": False},
                "etag": {"supported": False},
            }
        )
        d.pop("documentationUri", None)
        return d
