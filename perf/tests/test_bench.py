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
from mentoring.selectors.assignment import OBJECTIVES
from perf.pages import PAGES
from perf.run import bench_run, table

pytestmark = pytest.mark.django_db


def test_tiny_benchmark_measures_every_page_at_both_scales_with_the_same_queries():
    lines: list[str] = []
    flat = bench_run(
        scale=0.01,
        factor=2,
        runs=1,
        sweep_pairings=40,
        cohort=(12, 5),
        engine_sizes=((30, 12),),
        round_cohort=(16, 6),
        log=lines.append,
    )
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
    assert flat["delivery.pairings"] == 40 and flat["delivery.emails"] > 40 and flat["delivery.failed"] == 0
    # The cold sweep (nothing recorded before) records more than a normal day's, on the same pairings; each
    # sweep's recording and its sending are timed apart (the sending is the workers').
    assert flat["cold_sweep.pairings"] == 40 and flat["cold_sweep.reminders"] > flat["sweep.reminders"]
    assert flat["sweep.history_reminders"] > 0 and flat["cold_sweep.emails"] > 0
    for prefix in ("sweep", "cold_sweep"):
        assert flat[f"{prefix}.seconds"] > 0 and flat[f"{prefix}.send_seconds"] > 0
    # Every page's peak resident set as the operating system counts it (Linux here), over what the process held.
    for spec in PAGES:
        for scale in ("0_01", "0_02"):
            assert flat[f"{spec.key}.scale_{scale}.peak_rss_mb"] > 30, spec.key
            assert 0 <= flat[f"{spec.key}.scale_{scale}.rss_growth_mb"] < flat[f"{spec.key}.scale_{scale}.peak_rss_mb"]
    assert flat["target.requests_under_300mb_rss.figure"].startswith("highest peak RSS at scale 0.02: ")
    targets = {k: v for k, v in flat.items() if k.startswith("target.") and not k.endswith(".figure")}
    assert set(targets) == {
        "target.queries_constant",
        "target.dashboard_under_300ms",
        "target.dashboard_within_3x_sql",
        "target.exports_under_150mb",
        "target.matching_under_2s",
        "target.engine_under_5s",
        "target.engine_under_500mb",
        "target.round_under_5s",
        "target.round_under_500mb",
        "target.delivery_within_15min",
        "target.report_draft_under_300ms",
        "target.report_draft_changed_under_1s",
        "target.report_exports_under_1s",
        "target.requests_under_300mb_rss",
        "target.cold_sweep_under_30s",
        "target.sweep_under_5s",
    }
    assert set(targets.values()) <= {"met", "missed"}
    assert flat["target.queries_constant"] == "met"
    text = table(flat)
    for spec in PAGES:
        assert spec.label in text
    assert "scale 0.01" in text and "scale 0.02" in text and "peak RSS (+growth) 0.02" in text
    assert "(the very first sweep, all due at once): recording" in text and "(first sweep of a day)" in text
    assert "Matching engine, 30 mentees × 12 mentors" in text and "Rounds per objective, 16 mentees" in text
    json.dumps(flat)  # every figure can be written with --json


def test_matching_only_measures_every_objective_with_the_peak_resident_set_and_judges_the_largest_size():
    lines: list[str] = []
    flat = bench_run(
        runs=1, cohort=(10, 4), engine_sizes=((40, 15), (24, 10)), round_cohort=(12, 5), matching_only=True,
        log=lines.append,
    )  # fmt: skip
    # No page and no sweep was measured, and no target of theirs is claimed.
    assert not any(k.startswith(("dashboard.", "data.", "sweep.", "cold_sweep.")) for k in flat)
    targets = {k[len("target.") :] for k in flat if k.startswith("target.") and not k.endswith(".figure")}
    assert targets == {"matching_under_2s", "engine_under_5s", "engine_under_500mb", "round_under_5s",
                       "round_under_500mb"}  # fmt: skip
    assert flat["engine.sizes"] == ["24x10", "40x15"]
    assert flat["target.engine_under_5s.figure"].startswith("at 40 x 15: best_total ")
    for objective in OBJECTIVES:
        engine = f"engine.40x15.{objective}"
        assert flat[f"{engine}.matched"] > 0 and flat[f"{engine}.seconds"] > 0
        # The operating system's count of the child's memory: the interpreter with Django and numpy alone hold
        # tens of MB, which Python's own heap (tracemalloc) would never show.
        assert flat[f"{engine}.rss_reset"] is True
        assert flat[f"{engine}.peak_rss_mb"] >= flat[f"{engine}.rss_before_mb"] > 30
        assert flat[f"rounds.{objective}.proposals"] > 0 and flat[f"rounds.{objective}.peak_rss_mb"] > 30
    for objective in ("best_total", "most_matched", "fairest"):
        assert flat[f"engine.40x15.{objective}.proven"] is True
    assert flat["engine.40x15.stable.blocking"] == 0
    # The same cohort scored the same way for each objective: most matched matches at least as many as best total.
    assert flat["engine.40x15.most_matched.matched"] >= flat["engine.40x15.best_total.matched"]
    assert flat["engine.40x15.best_total.total"] >= flat["engine.40x15.fairest.total"]
    assert flat["engine.40x15.round.peak_rss_mb"] > 30
    text = table(flat)
    assert "Reminder sweep" not in text and "Coordinator dashboard" not in text
    assert "solve fairest" in text and "whole round_plan, no database" in text
    json.dumps(flat)


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
            "--engine-sizes=20x8",
            "--round-cohort=10x4",
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
    assert flat["engine.sizes"] == ["20x8"] and flat["target.engine_under_5s"] in ("met", "missed")
    assert flat["tasks_dropped"] > 0  # the session POSTs queued emails, which never reached a broker
    assert flat["cold_sweep.reminders"] > 0 and flat["target.cold_sweep_under_30s"] in ("met", "missed")
    assert flat["report_pdf.scale_0_1.peak_rss_mb"] > 30 and flat["target.requests_under_300mb_rss"] == "met"
    assert not users_database.exists()
    assert not any(Path(tmp_path).glob("**/bench.sqlite3"))  # the throwaway database was removed


def test_bench_command_refuses_nonsense_options():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--scale must be above 0"):
        call_command("bench", "--scale=0")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("bench", "--json=/no/such/folder/bench.json")
    with pytest.raises(CommandError, match="MENTEESxMENTORS"):
        call_command("bench", "--engine-sizes=2000x")
    with pytest.raises(CommandError, match="MENTEESxMENTORS"):
        call_command("bench", "--round-cohort=0x5")


def test_made_up_sessions_carry_the_gaps_the_services_would_store():
    from mentoring.services.checkins import session_gaps_refresh
    from perf.data import org_build, org_grow

    org = org_build()
    org_grow(org, pairings=6)
    made = dict(MentoringSession.objects.values_list("pk", "gap_days"))
    assert any(gap is not None for gap in made.values())
    session_gaps_refresh(pairing_ids=Pairing.objects.values_list("pk", flat=True))
    assert dict(MentoringSession.objects.values_list("pk", "gap_days")) == made
