from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .permissions import Area, areas_for, unread_notifications


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation bar may show. One query per request, shared with ``area_required``."""
    user = getattr(request, "user", None)
    areas = areas_for(user) if user is not None else frozenset()
    return {
        "nav_areas": {area.value: area in areas for area in Area},
        "nav_unread": unread_notifications(user) if user is not None else 0,
    }
