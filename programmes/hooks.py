"""Hooks: how a lower app shows or counts something of a higher one without importing it or naming its URLs.

Imports point one way (evaluation -> mentoring -> programmes, checked by ``lint-imports``). Where a lower app
needs something from above, it declares a named ``Hook`` in its own ``hooks.py`` and reads it; the apps above
register into it from their ``AppConfig.ready()``, and nowhere else. A hook nobody filled reads as empty, so the
lower app still works on its own (sessions then count 0 hours, a link is not shown).

Every hook is a list of entries in registration order; the reader decides what they mean (a sum, a list of
panels, a mapping from a key to a URL name). Registering the same entry twice keeps one.

Below: the ``Hook`` itself, then the hooks of ``programmes`` (filled by mentoring/apps.py and evaluation/apps.py).
``mentoring/hooks.py`` holds mentoring's, filled by evaluation. When ``core/`` exists, ``Hook`` belongs there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from django.db.models import Expression

    from .models import Programme
    from .permissions import Area

T = TypeVar("T")


class Hook(Generic[T]):
    """A named extension point: declared and read by one app, filled by the apps above it."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc
        self._entries: list[T] = []

    def register(self, entry: T) -> T:
        """Add ``entry`` (once); returns it, so a function can be registered with ``@hook.register``."""
        if entry not in self._entries:
            self._entries.append(entry)
        return entry

    def unregister(self, entry: T) -> None:
        if entry in self._entries:
            self._entries.remove(entry)

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._entries)} entries>"


ACTIVE_PAIRINGS: Hook[Callable[[Programme], int]] = Hook(
    "programmes.active_pairings",
    "How many pairings of a programme are still running, summed over the entries: a programme with any may not "
    "close (programmes.services.programme). Filled by mentoring.",
)

SESSION_HOURS: Hook[Callable[[Any, Any], Expression]] = Hook(
    "programmes.session_hours",
    "Confirmed session hours as protected time used (programmes.selectors.time), added up over the entries. "
    "``entry(start, end)`` gets the first day counted and the first day no longer counted (dates or expressions) "
    'and returns an expression, evaluated on a Membership row, of the hours of ``OuterRef("person")`` in '
    '``OuterRef("programme")`` in that period (NULL counts as 0). Only hours, never session content. With no '
    "entry, sessions count 0. Filled by mentoring.",
)

OVERVIEW_PANELS: Hook[Callable[[Programme], dict[str, Any] | None]] = Hook(
    "programmes.overview_panels",
    "Panels on a coordinator's overview of a programme (programmes.selectors.overview): each entry takes the "
    'programme and returns the context of one template to include (with its "template" key), or None to show '
    "nothing. Filled by mentoring (proposals waiting for an answer).",
)

AREA_HOMES: Hook[tuple[Area, str]] = Hook(
    "programmes.area_homes",
    "(area, URL name of its home page, taking no argument) for the areas of Tandem whose pages live in an app "
    "above programmes: the home page sends a person with one area there, and links each area's card to it "
    "(programmes.views.core). Filled by mentoring (My mentoring) and evaluation (Reports).",
)


def area_homes() -> dict[Area, str]:
    """Each area's home page by URL name: programmes' own areas, and those registered in ``AREA_HOMES``."""
    from .permissions import Area

    return {Area.COORDINATING: "programmes:list", Area.TEAM: "programmes:team", **dict(AREA_HOMES)}


PROGRAMME_TABS: Hook[tuple[str, str, str, str]] = Hook(
    "programmes.programme_tabs",
    "(group key, entry key, label, URL name taking the programme's pk) of each second-level entry of a "
    "programme's navigation, in order within its group; the groups and their order are config.navigation's. "
    "Each app registers its own (its navigation.py, from its AppConfig.ready()).",
)

PROGRAMME_PAGES: Hook[tuple[str, str, str]] = Hook(
    "programmes.programme_pages",
    "(URL name, entry key, the page's own name in the breadcrumb) of every programme page: where it sits in the "
    "programme's navigation. A page named like its entry is the entry's own page; the others are reached from "
    "it. Each app registers its own pages (its navigation.py, from its AppConfig.ready()).",
)


def register_navigation(tabs: Iterable[tuple[str, str, str, str]], pages: Mapping[str, tuple[str, str]]) -> None:
    """Register an app's entries (``TABS``) and pages (``PAGES``: URL name -> (entry key, name)) of the
    programme navigation, from its AppConfig.ready()."""
    for tab in tabs:
        PROGRAMME_TABS.register(tab)
    for url_name, (entry_key, page) in pages.items():
        PROGRAMME_PAGES.register((url_name, entry_key, page))
