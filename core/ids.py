"""Ids in URLs and query strings, bounded to what a database id column can hold.

Every id column is a 64-bit signed integer. Django's ``<int:...>`` converter takes any run of digits, and a
number of 2**63 or more then reaches the database: SQLite raises ``OverflowError`` (a 500) on a foreign-key
lookup such as ``person_id=...``, where Django's own guard for primary keys does not apply. No row can have
such an id, so the page does not exist: ``<id:...>`` (registered here, used by every URL pattern of Tandem)
does not match it and the resolver answers 404 before any view runs. Query-string ids go through
``id_or_404``.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import register_converter

LARGEST_ID = 2**63 - 1  # the largest value of a bigint column


class IdConverter:
    """``<id:pk>``: a positive whole number no larger than ``LARGEST_ID``; anything else is not a match (404)."""

    regex = "[0-9]{1,19}"  # 19 digits cover 2**63 - 1; the value check below refuses the rest

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > LARGEST_ID:
            raise ValueError("No database id is this large.")  # the resolver treats this as "no match"
        return number

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(IdConverter, "id")


def id_or_404(value: object) -> int:
    """An id given in a query string or a form: a whole number a row can have, or the page is a 404."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19 or int(text) > LARGEST_ID:
        raise Http404("No such object.")
    return int(text)
