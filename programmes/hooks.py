"""The hooks of ``programmes``: what it shows or counts of the apps above it without importing them or naming
their URLs (``core.hooks`` says how a hook works). Filled by mentoring/apps.py and evaluation/apps.py from their
``AppConfig.ready()``; ``mentoring/hooks.py`` holds mentoring's, filled by evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from core.hooks import Hook

if TYPE_CHECKING:
    from django.db.models import Expression

    from .models import Programme
    from .permissions import Area


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

REFLECTION_HOURS: Hook[Callable[[Any, Any], Expression]] = Hook(
    "programmes.reflection_hours",
    "Thinking and reflection time a participant logged, as protected time used (programmes.selectors.time), "
    "added up over the entries; its own part of the used hours, beside sessions and training. Same shape as "
    "``SESSION_HOURS``: ``entry(start, end)`` returns an expression, evaluated on a Membership row, of the hours "
    'of ``OuterRef("person")`` in ``OuterRef("programme")`` from ``start`` to ``end`` (exclusive; NULL counts as '
    "0). Only hours, never the private note. With no entry, reflection counts 0. Filled by mentoring.",
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


PEOPLE_LEFT: Hook[Callable[..., None]] = Hook(
    "programmes.people_left",
    "Called by programmes.services.leavers inside the leaving transaction, once for the people who have just "
    "left: ``entry(person_ids=[...], by=Person | None, reason=str)``. The relationship side pauses their "
    "pairings with ``reason``, withdraws their open requests and proposals, and tells the coordinators. Must be "
    "idempotent: the same people may be passed again. Filled by mentoring.",
)

PEOPLE_MOVED: Hook[Callable[..., None]] = Hook(
    "programmes.people_moved",
    "Called by programmes.services.leavers.people_moved after people changed team or line manager: "
    "``entry(person_ids=[...], by=Person | None)``. The relationship side re-checks the hard rules of the "
    "current pairings the move touches and alerts the coordinators to any that now breaks one; it keeps "
    "every pairing. Filled by mentoring.",
)

TEAM_PANELS: Hook[Callable[[Any], dict[str, Any] | None]] = Hook(
    "programmes.team_panels",
    "Panels on a line manager's team page (programmes.views.core.team): each entry takes the line manager and "
    'returns the context of one template to include (with its "template" key), or None to show nothing. Only '
    "figures about the team and its plans, never session content or a person's answer. Filled by evaluation "
    "(the team's learning-environment results and action plan).",
)

OPPORTUNITY_SUGGESTIONS: Hook[Callable[[Any, Any, int], int | None]] = Hook(
    "programmes.opportunity_suggestions",
    "Whether a learning opportunity was suggested to a person by their mentor: ``entry(person, opportunity, "
    "suggestion_id)`` returns the pairing's id when ``suggestion_id`` is a suggestion of that opportunity in a "
    "pairing where the person is the mentee, else None. The request then records the pairing and the marker "
    "(programmes.views.opportunities). Filled by mentoring.",
)
