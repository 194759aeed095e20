"""Every page of the permission matrix is valid HTML by the Nu HTML Checker: the W3C's own
checker (npm package vnu-jar, run with Java), over the pages as the test client renders them, in one run.

`make vnu` installs the checker into .vnu/ (git-ignored); Java comes from Debian (default-jre-headless). Without
them the test is skipped on a developer's machine and fails in CI (TANDEM_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from config.tests.matrix_pages import matrix_pages
from config.tests.test_permission_matrix import world  # noqa: F401 (the matrix's fixture, reused)
from conftest import require

pytestmark = [pytest.mark.htmlcheck, pytest.mark.django_db]

VNU_JAR = Path(__file__).resolve().parents[2] / ".vnu/node_modules/vnu-jar/build/dist/vnu.jar"  # `make vnu`


def vnu_messages(files: list[Path]) -> list[dict]:
    """The checker's errors for the files, in one Java run (the JVM's start-up is most of the time)."""
    result = subprocess.run(
        [shutil.which("java"), "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # vnu writes its JSON report on stderr and exits 1 when it found errors.
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stderr)["messages"]


def test_every_page_of_the_matrix_is_valid_html(world, tmp_path):  # noqa: F811
    require(
        shutil.which("java") is not None,
        "Java is needed for the Nu HTML Checker (apt-get install default-jre-headless)",
    )
    require(VNU_JAR.exists(), f"the Nu HTML Checker is not installed at {VNU_JAR} (run `make vnu`)")
    pages = matrix_pages(world)
    assert len(pages) > 60  # the whole matrix, not a chosen few
    by_name = {}
    for page in pages:
        path = tmp_path / f"{page.key.replace(':', '--')}.html"
        path.write_text(page.html, encoding="utf-8")
        by_name[path.name] = page
    errors = []
    for message in vnu_messages(sorted(tmp_path.iterdir())):
        if message.get("type") != "error":
            continue
        page = by_name[message["url"].rsplit("/", 1)[-1]]
        errors.append(
            f"{page.key} as {page.role} ({page.url}) line {message.get('lastLine', '?')}: {message['message']}\n"
            f"    {message.get('extract', '').strip()[:160]}"
        )
    assert not errors, f"the Nu HTML Checker found {len(errors)} error(s):\n" + "\n".join(errors)
