"""The README's "Getting people into Tandem": every setting it names exists and is in the settings table, and
every section it links to is there."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

README = (Path(settings.BASE_DIR) / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.index("\n## ", start + 1)
    return README[start:end]


def anchor(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def test_every_setting_named_exists_and_is_in_the_settings_table():
    named = set(re.findall(r"`((?:TANDEM|CELERY|REDIS)_[A-Z_]+)`", section("Getting people into Tandem")))
    assert len(named) >= 10
    table = section("Settings")
    missing_setting = sorted(name for name in named if not hasattr(settings, name) and name != "REDIS_URL")
    assert missing_setting == []
    assert "REDIS_URL" in (Path(settings.BASE_DIR) / "config" / "settings.py").read_text()
    assert sorted(name for name in named if f"`{name}`" not in table) == []


def test_every_link_goes_to_a_heading():
    headings = {anchor(h) for h in re.findall(r"^#{2,3} (.+)$", README, flags=re.M)}
    links = re.findall(r"\]\(#([a-z0-9-]+)\)", section("Getting people into Tandem"))
    assert len(links) == 4
    assert [link for link in links if link not in headings] == []
