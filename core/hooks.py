"""Hooks: how a lower app shows or counts something of a higher one without importing it or naming its URLs.

Imports point one way (evaluation -> mentoring -> programmes -> core, checked by ``lint-imports``). Where a lower
app needs something from above, it declares a named ``Hook`` in its own ``hooks.py`` and reads it; the apps above
register into it from their ``AppConfig.ready()``, and nowhere else. A hook nobody filled reads as empty, so the
lower app still works on its own (sessions then count 0 hours, a link is not shown).

Every hook is a list of entries in registration order; the reader decides what they mean (a sum, a list of
panels, a mapping from a key to a URL name). Registering the same entry twice keeps one.

This module holds the ``Hook`` class only. The named hooks live with the app that reads them:
``programmes/hooks.py`` (filled by mentoring and evaluation) and ``mentoring/hooks.py`` (filled by evaluation).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

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
