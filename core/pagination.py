"""Long lists are shown a page at a time; ``templates/partials/_pagination.html`` draws the links."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(request: HttpRequest, items: QuerySet | Sequence, size: int = PAGE_SIZE) -> Page:
    """The page of ``items`` that ``?page=`` asks for; the first for none, the last for one past the end."""
    return Paginator(items, size).get_page(request.GET.get("page"))
