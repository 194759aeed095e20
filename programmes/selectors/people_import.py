"""Reads for the people import pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import PeopleImport
from ..permissions import people_imports_visible_to


def people_imports_listed(person: Any) -> QuerySet[PeopleImport]:
    """The imports ``person`` may see, newest first, with who uploaded them. Never their rows: up to 10,000
    people each, and the list shows only the summary."""
    return people_imports_visible_to(person).select_related("uploaded_by").defer("rows").order_by("-created_at", "-pk")
