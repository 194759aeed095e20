"""Words kept for later: a message and its values stored as data (JSON), put into words when shown, in the language
of whoever reads them. A match's explanation and an unmatched mentee's reason are written when a round runs and
read later by coordinators and by the pair, each in their own language.

A said thing is ``[message, values]`` (``values`` may hold said things themselves, or ``{"list": [...]}`` for a
list read out with commas) or, for a count, ``["n", singular, plural, count, values]``. The messages are English
msgids marked for the catalogue where they are written (``gettext_noop``, or ``ngettext_lazy`` for plurals).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from core.dates import long_date


def said(message: str, **values: Any) -> list:
    return [message, values]


def said_plural(singular: str, plural: str, number: int, /, **values: Any) -> list:
    return ["n", singular, plural, number, values]


def said_list(items: list) -> dict:
    return {"list": items}


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return say(value)
    if isinstance(value, dict) and "list" in value:
        return ", ".join(str(_value(item)) for item in value["list"])
    return value


def say(thing: list) -> str:
    """The said thing in words, in the active language."""
    if thing and thing[0] == "n" and len(thing) == 5:
        _, singular, plural, count, values = thing
        return ngettext(singular, plural, count) % {k: _value(v) for k, v in values.items()}
    message, values = thing
    text = gettext(message)
    return text % {k: _value(v) for k, v in values.items()} if values else text


def names_joined(names: list[str]) -> str:
    """ "Ana", "Ana and Ben", "Ana, Ben and Cleo", in the active language."""
    names = [str(name) for name in names]
    if len(names) < 2:
        return "".join(names)
    return gettext("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


# --- Words for later, in the reader's language ------------------------------------------------------------------
# What is told to several people (a notice to the pair, the line manager, the coordinators) is built once as lazy
# words and put into words for each person inside ``in_language_of(person)`` (mentoring.services.pairing.notify).


def _render(message: Any, values: dict[str, Any]) -> str:
    text = gettext(message) if isinstance(message, str) else str(message)
    return text % {k: str(v) for k, v in values.items()} if values else text


_lazy_render = lazy(_render, str)


def words(message: Any, **values: Any) -> str:
    """``message`` (a msgid marked with ``gettext_noop``, or an ``ngettext_lazy`` with its number) with ``values``
    (which may be lazy words themselves), translated when it is read, not when it is written."""
    return _lazy_render(message, values)


lazy_long_date = lazy(long_date, str)
