"""One static pipeline with DEBUG on and off: files collected by `make run` (DEBUG on) serve a production run.

Each step runs in a process of its own on production's settings (config.settings, not the suite's), as an operator
would run them: collectstatic with DEBUG=1, then pages with DEBUG=0 from the same folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Fetches the login page, then every stylesheet and script it links, with Django's test client: WhiteNoise answers
# the static files as it would under gunicorn. Prints what a browser would have got.
FETCH = """
import json, re, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
page = client.get("/accounts/login/")
html = page.content.decode()
links = re.findall(r'(?:href|src)="(/static/[^"]+\\.(?:css|js))"', html)
files = {}
for link in links:
    response = client.get(link)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    files[link] = [response.status_code, response.get("Content-Type", ""), len(body)]
print(json.dumps({"status": page.status_code, "files": files}))
"""


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (this interpreter, our own manage.py)
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _production_env(tmp_path: Path, *, debug: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "PYTEST_", "TANDEM_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG=debug,
        TANDEM_VAR_DIR=str(tmp_path),
        TANDEM_ENV_FILE=str(tmp_path / "no.env"),  # the developer's .env must not colour the run
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        SECRET_KEY="static-pipeline-test-" + "x" * 40,
        TANDEM_NOTE_KEYS="dGVzdHMtb25seS1ub3Qtc2VjcmV0LTMyLWJ5dGVzISE=",
    )
    return env


def test_files_collected_with_debug_on_serve_every_page_with_debug_off(tmp_path):
    collected = _run(["manage.py", "collectstatic", "--noinput", "-v0"], _production_env(tmp_path, debug="1"))
    assert collected.returncode == 0, collected.stderr
    assert (tmp_path / "staticfiles" / "staticfiles.json").is_file()

    served = _run(["-c", FETCH], _production_env(tmp_path, debug="0"))
    assert served.returncode == 0, served.stderr
    result = json.loads(served.stdout.strip().splitlines()[-1])
    assert result["status"] == 200, served.stderr
    stylesheets = [link for link in result["files"] if link.endswith(".css")]
    assert any("bootstrap" in link for link in stylesheets), result
    for link, (status, content_type, size) in result["files"].items():
        # Hashed names (tandem.2f6f4c8f297c.css), served from the collected folder with their own type.
        assert status == 200, link
        assert content_type.startswith(("text/css", "text/javascript", "application/javascript")), link
        assert size > 0, link
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", link), link


def test_a_run_with_debug_off_and_nothing_collected_says_what_to_run(tmp_path):
    # runserver and manage.py show the system check; gunicorn runs none, so the WSGI module logs it at start-up.
    checked = _run(["manage.py", "check"], _production_env(tmp_path, debug="0"))
    assert "tandem.W001" in checked.stderr
    assert "run `python manage.py collectstatic --noinput`" in checked.stderr
    started = _run(["-c", "import config.wsgi"], _production_env(tmp_path, debug="0"))
    assert started.returncode == 0, started.stderr
    assert "ERROR config.wsgi" in started.stderr
    assert "run `python manage.py collectstatic --noinput`" in started.stderr


def test_a_static_file_the_manifest_lacks_costs_that_file_not_every_page(tmp_path):
    # A release added a file and this node started before collectstatic ran again: the manifest does not know it.
    # (Here: tandem.css taken out of an otherwise complete collection.)
    collected = _run(["manage.py", "collectstatic", "--noinput", "-v0"], _production_env(tmp_path, debug="1"))
    assert collected.returncode == 0, collected.stderr
    static_root = tmp_path / "staticfiles"
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    del manifest["paths"]["css/tandem.css"]
    (static_root / "staticfiles.json").write_text(json.dumps(manifest))
    for stale in (static_root / "css").glob("tandem.*"):
        stale.unlink()

    served = _run(["-c", FETCH], _production_env(tmp_path, debug="0"))
    assert served.returncode == 0, served.stderr
    result = json.loads(served.stdout.strip().splitlines()[-1])
    assert result["status"] == 200, served.stderr  # the page works, without that one file
    assert result["files"]["/static/css/tandem.css"][0] == 404
    bootstrap = [link for link in result["files"] if "bootstrap" in link and link.endswith(".css")]
    assert bootstrap and all(result["files"][link][0] == 200 for link in bootstrap), result

    checked = _run(["manage.py", "check"], _production_env(tmp_path, debug="0"))
    assert "tandem.W001" in checked.stderr
    assert "Static files missing from the manifest (staticfiles.json in" in checked.stderr
    assert "): css/tandem.css. Pages link them" in checked.stderr
