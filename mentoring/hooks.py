"""The hooks of ``mentoring``, filled by ``evaluation`` in its AppConfig.ready() (``core.hooks`` says how a hook works).

Mentoring's pages link to a few pages of evaluation; they name them by a key, never by evaluation's URL name
(``{% linked_url "programme_alerts" programme.pk as url %}``, mentoring/templatetags/linked.py).
"""

from __future__ import annotations

from django.urls import reverse

from core.hooks import Hook

LINKED_PAGES: Hook[tuple[str, str]] = Hook(
    "mentoring.linked_pages",
    "(key, URL name) of the pages above mentoring that its pages link to. The keys: 'my_surveys' (no argument: "
    "where a participant answers surveys, from the reflection page), 'programme_alerts' and "
    "'intervention_create' (a programme's pk: a coordinator's next steps, from the relationships page and a "
    "pairing). A key nobody registered is not linked.",
)


def linked_url(key: str, *args: object) -> str:
    """The URL of the page registered under ``key`` in ``LINKED_PAGES`` with ``args``; "" when none is."""
    url_name = dict(LINKED_PAGES).get(key)
    return reverse(url_name, args=args) if url_name else ""
