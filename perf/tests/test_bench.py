"""The benchmark's own code, at scale 0.01: it builds, measures every page and reports every figure. The real
run (``make bench``, scale 1 and 10) is far too slow for the suite and never runs here."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from mentoring.models import MentoringSession, Pairing
from perf.run import PAGES, bench_run, table

pytestmark = pytest.mark.django_db


def test_tiny_benchmark_measures_every_page_at_both_scales_with_the_same_queries():
    lines: list[str] = []
    flat = bench_run(scale=0.01, factor=2, runs=1, sweep_pairings=40, cohort=(12, 5), log=lines.append)
    assert flat["scale_small"] == "0_01" and flat["scale_large"] == "0_02"
    assert flat["data.scale_0_01.pairings"] == 10 and flat["data.scale_0_02.pairings"] == 20
    # Counted before that scale's pages were measured: the three sessions its own POSTs logged came after.
    measured = MentoringSession.objects.filter(pairing__programme__name__endswith="measured").count()
    assert flat["data.scale_0_02.sessions"] == measured - 3 > 300
    # The larger organisation: other programmes hold half as many pairings again.
    assert flat["data.scale_0_02.org_pairings"] >= 30
    for spec in PAGES:
        small, large = flat[f"{spec.key}.scale_0_01.queries"], flat[f"{spec.key}.scale_0_02.queries"]
        assert small > 0 and small == large, spec.key
        assert flat[f"{spec.key}.scale_0_02.median_ms"] > 0
    # Every session logged by the benchmark's POSTs was really saved, to the measured pair.
    # (Summaries are encrypted at rest, so they are compared after loading, not in SQL.)
    sessions = MentoringSession.objects.select_related("pairing")
    logged = [s for s in sessions if s.summary.startswith("Benchmark session")]
    assert len(logged) == 2 * (1 + 1 + 1)  # warm-up, counted run and one timed run, at each scale
    assert {s.pairing.status for s in logged} == {Pairing.Status.ACTIVE}
    assert flat["report_pdf.scale_0_02.peak_mb"] > 0
    assert flat["dashboard.scale_0_02.sql_ms"] > 0 and flat["dashboard.scale_0_02.sql_statements"] > 5
    assert flat["host.loop_ms_before"] > 0 and flat["host.loop_ms_after"] > 0
    assert flat["matching.proposals"] > 0 and flat["sweep.pairings"] == 40 and flat["sweep.reminders"] > 0
    targets = {k: v for k, v in flat.items() if k.startswith("target.") and not k.endswith(".figure")}
    assert set(targets) == {
        "target.queries_constant",
        "target.dashboard_under_300ms",
        "target.dashboard_within_3x_sql",
        "target.exports_under_150mb",
        "target.matching_under_2s",
        "target.sweep_under_30s",
    }
    assert set(targets.values()) <= {"met", "missed"}
    assert flat["target.queries_constant"] == "met"
    text = table(flat)
    for spec in PAGES:
        assert spec.label in text
    assert "scale 0.01" in text and "scale 0.02" in text
    json.dumps(flat)  # every figure can be written with --json


def test_bench_command_works_in_a_throwaway_database_and_writes_json(tmp_path):
    """The whole command in a child process, pointed at a SQLite file standing for the user's database: the
    figures come back, and that file is never created or touched."""
    users_database = tmp_path / "users.sqlite3"
    figures = tmp_path / "bench.json"
    # The whole environment, as `make bench` gives it (make's .env: DEBUG on, a secret key, a note key), and
    # nothing inherited from this test run or read from a .env: the child runs the same with or without one.
    env = {
        **{name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TANDEM_ENV_FILE": str(tmp_path / "no.env"),
        "DEBUG": "1",
        "SECRET_KEY": "bench-test-not-secret",
        "TANDEM_NOTE_KEYS": base64.urlsafe_b64encode(b"bench-test-note-key-not-secret!!").decode(),
        "DATABASE_URL": f"sqlite:///{users_database}",
        "TANDEM_VAR_DIR": str(tmp_path / "var"),
    }
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "bench",
            "--scale=0.01",
            "--runs=1",
            "--sweep-pairings=20",
            "--mentees=8",
            "--mentors=4",
            f"--json={figures}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Targets (set for PostgreSQL" in done.stdout
    flat = json.loads(figures.read_text())
    assert flat["database"] == "sqlite" and flat["data.scale_0_1.pairings"] == 100
    assert flat["target.queries_constant"] == "met"
    assert flat["tasks_dropped"] > 0  # the session POSTs queued emails, which never reached a broker
    assert not users_database.exists()
    assert not any(Path(tmp_path).glob("**/bench.sqlite3"))  # the throwaway database was removed


def test_bench_command_refuses_nonsense_options():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--scale must be above 0"):
        call_command("bench", "--scale=0")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("bench", "--json=/no/such/folder/bench.json")


def test_made_up_sessions_carry_the_gaps_the_services_would_store():
    from mentoring.services.checkins import session_gaps_refresh
    from perf.data import org_build, org_grow

    org = org_build()
    org_grow(org, pairings=6)
    made = dict(MentoringSession.objects.values_list("pk", "gap_days"))
    assert any(gap is not None for gap in made.values())
    session_gaps_refresh(pairing_ids=Pairing.objects.values_list("pk", flat=True))
    assert dict(MentoringSession.objects.values_list("pk", "gap_days")) == made
