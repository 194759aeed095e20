"""Teams an HR file names that Tandem does not have: checked at the preview, created when the file is applied.

Used only when the file's mapping says so (``PeopleImportMapping.create_teams``); otherwise such a path is a row
error (``people_import_checks._resolve_team``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from ..models import OrgUnit
from .people_import_file import _quote

if TYPE_CHECKING:
    from .people_import_checks import _Organisation, _Plan

TEAM_SEPARATOR = re.compile(r"\s*[>›]\s*")
# HR systems often write a department path with slashes (``Engineering/Platform``); read so only when the
# path does not name a team as written, since a team's own name may hold a slash ("Research/Development").
SLASH_SEPARATOR = re.compile(r"\s*/\s*")


def _new_team_errors(team: str, org: _Organisation, resolved: dict[str, Any]) -> list[str]:
    """Why the path cannot be created, if it cannot; else its parts go into ``resolved["_new_team"]``.

    A path to create is read with slashes too (``Engineering/Platform``): it names no team as written, and HR
    systems write departments so. Every part must be a name (``Engineering//Platform`` is a typo, not a team).
    """
    parts = [piece for part in TEAM_SEPARATOR.split(team) for piece in SLASH_SEPARATOR.split(part)]
    limit = OrgUnit._meta.get_field("name").max_length
    if any(not part for part in parts):
        return [
            gettext("The team %(team)s has an empty part in its path, so Tandem cannot create it.")
            % {"team": _quote(team)}
        ]
    if any(len(part) > limit for part in parts):
        return [
            gettext("A part of the team path %(team)s is longer than %(limit)s characters.")
            % {"team": _quote(team), "limit": limit}
        ]
    for depth in range(1, len(parts)):
        prefix = tuple(part.lower() for part in parts[:depth])
        if prefix in org.units and org.units[prefix] is None:
            shown = " > ".join(parts[:depth])
            return [
                gettext("The team %(team)s matches two teams in Tandem; rename one of them.") % {"team": _quote(shown)}
            ]
    resolved["_new_team"] = tuple(parts)
    return []


def _place(plan: _Plan, email: str, parts: tuple[str, ...], org: _Organisation) -> None:
    """Put the person in the new team ``parts``, and every part of its path Tandem lacks in ``plan.new_teams``."""
    for depth in range(1, len(parts) + 1):
        key = tuple(part.lower() for part in parts[:depth])
        if key not in org.units:
            plan.new_teams.setdefault(key, parts[:depth])  # the first row's spelling names the team
    plan.placements[email] = tuple(part.lower() for part in parts)


def _teams_create(new_teams: dict[tuple[str, ...], tuple[str, ...]], org: _Organisation) -> dict[tuple, int]:
    """Create the teams an import names that Tandem lacks, parents first: a top-level part is a department, a
    part under another a team. Returns lower-case path -> the new unit's id."""
    made: dict[tuple[str, ...], int] = {}
    for key, parts in new_teams.items():
        parent = (made.get(key[:-1]) or org.units.get(key[:-1])) if len(key) > 1 else None
        kind = OrgUnit.Kind.TEAM if parent else OrgUnit.Kind.DEPARTMENT
        unit = OrgUnit(name=parts[-1], kind=kind, parent_id=parent)
        unit.full_clean()
        unit.save()
        made[key] = unit.pk
    return made
