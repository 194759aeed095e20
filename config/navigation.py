"""A programme's navigation: its pages grouped by the coordinator's job, and the breadcrumb of each page.

The groups and their order are set here; each app places its own pages in them (its ``navigation.py``,
registered from its AppConfig.ready() into ``programmes.hooks.PROGRAMME_TABS`` and ``PROGRAMME_PAGES``), so no
app names another's URLs. The context processor only reads the resolved URL name of the request (no query);
``templates/programmes/_programme_crumbs.html`` and ``_programme_tabs.html`` draw it with the ``programme`` of the
page. ``GROUPS`` and ``PAGES`` are read from the hooks once every app is ready.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from programmes.hooks import PROGRAMME_PAGES, PROGRAMME_TABS
from programmes.terms import TERMS


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    url_name: str  # takes the programme's pk only


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    entries: tuple[Entry, ...]

    @property
    def url_name(self) -> str:
        return self.entries[0].url_name


# At most six top-level entries: Overview and one per job. Each group's pages are its second-level entries.
GROUP_LABELS: dict[str, str] = {
    "overview": _("Overview"),
    "setup": _("Set-up"),
    "people": _("People"),
    "matching": _("Matching"),
    "relationships": _("Relationships"),
    "oversight": _("Oversight"),
}


@dataclass(frozen=True)
class _Navigation:
    groups: tuple[Group, ...]
    pages: dict[str, tuple[str, str]]  # URL name -> (the second-level entry it belongs to, its name in the breadcrumb)
    entries: dict[str, tuple[Group, Entry]]  # entry key -> (its group, the entry)


@functools.cache
def _navigation() -> _Navigation:
    apps.check_apps_ready()  # the apps register their pages in ready(): read them only after
    tabs = list(PROGRAMME_TABS)
    unknown = {group for group, *_ in tabs} - set(GROUP_LABELS)
    if unknown:
        raise ValueError(f"Programme navigation entries in unknown groups: {sorted(unknown)}")
    groups = tuple(
        Group(key, label, tuple(Entry(e, lab, url) for g, e, lab, url in tabs if g == key))
        for key, label in GROUP_LABELS.items()
    )
    groups = tuple(group for group in groups if group.entries)
    pages = {url_name: (entry_key, page) for url_name, entry_key, page in PROGRAMME_PAGES}
    entries = {entry.key: (group, entry) for group in groups for entry in group.entries}
    return _Navigation(groups, pages, entries)


def __getattr__(name: str) -> Any:
    # GROUPS and PAGES, as they were when written out here: built from the hooks on first use.
    if name == "GROUPS":
        return _navigation().groups
    if name == "PAGES":
        return _navigation().pages
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Here:
    """Where a programme page sits: its group, its second-level entry and its own name."""

    groups: tuple[Group, ...]
    group: Group
    entry: Entry
    page: str

    @property
    def is_entry_page(self) -> bool:
        """The page is its entry's own page (so the entry is the page, not a link above it)."""
        return self.page == self.entry.label

    @property
    def group_is_page(self) -> bool:
        """The page is its group's own page (the group's first entry), so the breadcrumb ends at the group."""
        return self.is_entry_page and self.entry == self.group.entries[0]


def here_for(view_name: str | None) -> Here | None:
    navigation = _navigation()
    if view_name not in navigation.pages:
        return None
    entry_key, page = navigation.pages[view_name]
    group, entry = navigation.entries[entry_key]
    return Here(groups=navigation.groups, group=group, entry=entry, page=page)


def programme_navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    return {"programme_here": here_for(match.view_name if match else None), "terms": TERMS}
