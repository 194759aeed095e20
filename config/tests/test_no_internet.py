"""Tandem works on a closed intranet: no template or static file of ours loads anything from another host."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(settings.BASE_DIR)
# An attribute or CSS url() that fetches from another host. Plain links in text (href to a help page) are
# allowed only for example.com, which our demo data uses.
FETCH = re.compile(
    r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//(?!example\.com)|url\(\s*["']?(?:https?:)?//|@import\s+["']https?:"""
)


def test_templates_load_nothing_from_the_internet():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*.html")
        for match in FETCH.finditer(path.read_text())
    ]
    assert offenders == []


def test_the_stylesheets_and_scripts_we_serve_load_nothing_from_the_internet():
    served = ["bootstrap/css/bootstrap.min.css", "bootstrap/js/bootstrap.bundle.min.js", "css/tandem.css"]
    for name in served:
        path = finders.find(name)
        assert path, f"{name} is not among the installed static files"
        assert not FETCH.search(Path(path).read_text()), name
