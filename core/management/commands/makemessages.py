"""Django's makemessages, with Tandem's catalogues: a string goes to the catalogue of the app it belongs to, the
same as ``python manage.py messages extract`` (core.catalogues), so that either command gives the same entries.

Django would put the strings of ``templates/<app>/`` into the root ``locale/`` (they live under no app's
folder) and would read the demo data, tests and migrations too. ``messages extract`` needs no GNU gettext;
this one (Django's) does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.commands import makemessages

from core import catalogues


class Command(makemessages.Command):
    def find_files(self, root: str) -> list[Any]:
        base = catalogues.base_dir()
        locale_dirs = {c.name: str(c.locale_dir) for c in catalogues.catalogues()}
        kept = []
        for translatable in super().find_files(root):
            try:
                relative = Path(translatable.path).resolve().relative_to(base)
            except ValueError:
                continue
            name = catalogues._catalogue_of(relative)
            if name is None or (self.domain == "djangojs") != (name == "js"):
                continue
            translatable.locale_dir = locale_dirs[name]
            kept.append(translatable)
        return kept
