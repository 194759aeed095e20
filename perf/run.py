"""``manage.py bench``: every performance promise measured on made-up data, at a scale and at ten times it.

Works on whatever database the connection points at; the command points it at a throwaway one first. The
figures come back as a flat dict (one key per figure) for ``--json``, and as a table for people.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

from celery.app.task import Task
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from core import security
from evaluation.models import Report
from evaluation.selectors.reporting import last_quarter
from evaluation.services.reports import report_create, report_snapshot
from mentoring.models import MentoringSession, Pairing
from mentoring.services.matching import round_run
from mentoring.services.reminder_emails import reminder_digests_send
from mentoring.services.reminders import reminders_record
from perf.data import Org, org_build, org_grow
from perf.matching import build_cohort
from perf.measure import Timing, call_measure, page_measure
from perf.reminders import (
    DiscardingEmailBackend,
    build_history,
    build_pairings,
)

PAIRINGS_PER_SCALE = 1000  # scale 1: a programme of 1,000 pairings and about 20,000 sessions
# Targets, checked on PostgreSQL on a 2-core machine (the README says what each means for an organisation).
DASHBOARD_MS = 300.0
DASHBOARD_SQL_RATIO = 3.0
EXPORT_PEAK_MB = 150.0
MATCHING_S = 2.0
SWEEP_S = 30.0


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str
    who: str  # "coordinator", "committee_member" or "mentee"
    url: Callable[[Org, dict], str]
    method: str = "GET"
    expect: int = 200
    memory: bool = False
    bare_sql: bool = False


def _session_post(org: Org) -> dict[str, str]:
    return {
        "held_on": org.today.isoformat(),
        "duration_minutes": "60",
        "mode": "video",
        "summary": "Benchmark session: what we talked about.",
        "private_note": "A private note, encrypted like any other.",
        "duplicate_ok": "on",  # the pair meets again the same day on every run
    }


PAGES = [
    PageSpec(
        "dashboard",
        "Coordinator dashboard (this month)",
        "coordinator",
        lambda org, r: reverse("evaluation:dashboard", args=[org.measured.pk]),
        bare_sql=True,
    ),
    PageSpec(
        "dashboard_quarter",
        "Coordinator dashboard (last 3 months, one department)",
        "coordinator",
        lambda org, r: (
            reverse("evaluation:dashboard", args=[org.measured.pk]) + f"?period=3months&team={org.departments[0].pk}"
        ),
    ),
    PageSpec(
        "overview", "All my programmes (dashboard)", "coordinator", lambda org, r: reverse("evaluation:dashboard_all")
    ),
    PageSpec(
        "pairing_list",
        "Pairing list (Relationships)",
        "coordinator",
        lambda org, r: reverse("mentoring:relationships", args=[org.measured.pk]),
    ),
    PageSpec(
        "participant_list",
        "Participant list (People)",
        "coordinator",
        lambda org, r: reverse("programmes:members", args=[org.measured.pk]),
    ),
    PageSpec(
        "report_draft",
        "Committee report, draft (live figures)",
        "coordinator",
        lambda org, r: reverse("evaluation:report_detail", args=[r["draft"].pk]),
    ),
    PageSpec(
        "report_committee",
        "Committee report, submitted (committee member)",
        "committee_member",
        lambda org, r: reverse("evaluation:report_detail", args=[r["submitted"].pk]),
    ),
    PageSpec(
        "report_pdf",
        "Report PDF (live figures)",
        "coordinator",
        lambda org, r: reverse("evaluation:report_pdf", args=[r["draft"].pk]),
        memory=True,
    ),
    PageSpec(
        "report_csv",
        "Report CSV (live figures)",
        "coordinator",
        lambda org, r: reverse("evaluation:report_csv", args=[r["draft"].pk]),
        memory=True,
    ),
    PageSpec(
        "workspace",
        "Pair workspace (mentee)",
        "mentee",
        lambda org, r: reverse("mentoring:pairing_detail", args=[org.pair.pk]),
    ),
    PageSpec(
        "session_post",
        "Logging a session (POST)",
        "mentee",
        lambda org, r: reverse("mentoring:session_create", args=[org.pair.pk]),
        method="POST",
        expect=302,
    ),
]


def _reports(org: Org) -> dict[str, Report]:
    """A draft for the last quarter (figures computed live on every view) and a submitted report for the one
    before (figures frozen in a snapshot, as ``report_submit`` freezes them), made once and refrozen at each
    scale."""
    found = {r.status: r for r in Report.objects.filter(programme=org.measured)}
    if Report.Status.DRAFT not in found:
        quarter = last_quarter(org.today)
        found[Report.Status.DRAFT] = report_create(programme=org.measured, by=org.coordinator, period=quarter)
        before = last_quarter(quarter.start - datetime.timedelta(days=1))
        found[Report.Status.SUBMITTED] = report_create(programme=org.measured, by=org.coordinator, period=before)
    submitted = found[Report.Status.SUBMITTED]
    submitted.narrative = "The quarter in a few lines."
    submitted.snapshot = report_snapshot(submitted)
    submitted.status, submitted.submitted_by, submitted.submitted_at = (
        Report.Status.SUBMITTED,
        org.coordinator,
        timezone.now(),
    )
    submitted.save()
    return {"draft": found[Report.Status.DRAFT], "submitted": submitted}


def _analyze() -> None:
    """Fresh planner statistics and visibility maps after bulk loads, as autovacuum keeps them for a real
    database (VACUUM cannot run inside a transaction, as in the smoke test: statistics only there)."""
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def pages_measure(org: Org, *, runs: int, log: Callable[[str], None]) -> dict[str, Timing]:
    reports = _reports(org)
    _analyze()
    clients = {}
    for who in ("coordinator", "committee_member", "mentee"):
        clients[who] = Client()
        clients[who].force_login(org.pair.mentee if who == "mentee" else getattr(org, who))
    found = {}
    for spec in PAGES:
        data = _session_post(org) if spec.method == "POST" else None
        found[spec.key] = page_measure(
            clients[spec.who],
            spec.url(org, reports),
            runs=runs,
            method=spec.method,
            data=data,
            expect=spec.expect,
            memory=spec.memory,
            bare_sql=spec.bare_sql,
        )
        log(f"  {spec.label}: {found[spec.key].median_ms:.0f} ms, {found[spec.key].queries} queries")
    return found


def matching_measure(*, mentees: int, mentors: int, runs: int) -> Timing:
    programme, coordinator = build_cohort(mentees=mentees, mentors=mentors, rng=random.Random(4))
    _analyze()

    def one_round() -> int:
        with transaction.atomic():
            return round_run(programme=programme, by=coordinator).proposals.count()

    timing, proposals = call_measure(one_round, runs=runs)
    timing.extra.update(mentees=mentees, mentors=mentors, proposals=proposals)
    return timing


def sweep_measure(*, pairings: int) -> Timing:
    """The first sweep of a normal day over ``pairings`` active pairings (yesterday's reminders recorded):
    recording what is due, then building every email for a backend that discards them. Run once: a second
    run the same day finds nothing new (that figure is kept as ``next_tick_ms``)."""
    now = timezone.now()
    programmes, people = build_pairings(pairings=pairings, rng=random.Random(5))
    history = build_history(programmes=programmes, today=timezone.localdate(now))
    _analyze()
    backend = f"{DiscardingEmailBackend.__module__}.{DiscardingEmailBackend.__name__}"

    def sweep() -> tuple[Any, Any]:
        recorded = reminders_record(now=now, programmes=programmes)
        sent = reminder_digests_send(now=now, email_backend=backend, person_ids=people)
        return recorded, sent

    timing, (recorded, sent) = call_measure(sweep, runs=1, warm_up=False)
    next_tick, _ = call_measure(sweep, runs=1, warm_up=False)
    timing.extra.update(
        pairings=pairings,
        history_reminders=history,
        reminders=recorded.recorded,
        emails=sent.sent,
        batches=recorded.batches,
        queries_per_batch=round(timing.queries / max(1, recorded.batches), 1),
        next_tick_ms=next_tick.median_ms,
    )
    return timing


def host_speed_ms() -> float:
    """A fixed piece of pure Python work, timed (median of 5): shared machines change speed from hour to
    hour, and this says how fast this one was while the figures were taken."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[2]


def _label(scale: float) -> str:
    """A scale as a key part with no dot in it: 10 -> "10", 0.01 -> "0_01"."""
    return f"{scale:g}".replace(".", "_")


def bench_run(
    *,
    scale: float = 1.0,
    factor: int = 10,
    runs: int = 5,
    sweep_pairings: int = 100_000,
    cohort: tuple[int, int] = (500, 200),
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Build, measure at ``scale`` and ``scale * factor``, then matching and the sweep. Returns the flat
    figures (see ``figures_flat``)."""
    started = time.perf_counter()
    scales = [scale, scale * factor]
    results: dict[str, Any] = {"scales": {}, "build_s": {}, "host_ms": [host_speed_ms()]}
    dropped: list[Any] = []
    with _bench_conditions(dropped):
        org = org_build()
        for s in scales:
            _scale_measure(org, s, results, runs=runs, log=log)
        log(f"Matching: {cohort[0]} mentees and {cohort[1]} mentors…")
        results["matching"] = matching_measure(mentees=cohort[0], mentors=cohort[1], runs=max(1, runs // 2))
        log(f"Reminder sweep over {sweep_pairings:,} active pairings…")
        results["sweep"] = sweep_measure(pairings=sweep_pairings)
    results["host_ms"].append(host_speed_ms())
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["tasks_dropped"] = len(dropped)
    return figures_flat(results, runs=runs)


@contextlib.contextmanager
def _bench_conditions(dropped: list[Any]) -> Iterator[None]:
    """Production-like settings, queued tasks dropped (their names added to ``dropped``), no session re-save."""

    def drop(task: Task, *args: Any, **kwargs: Any) -> None:
        dropped.append(task.name)  # queued work (emails, notices) never reaches the real broker

    with (
        mock.patch.object(Task, "apply_async", autospec=True, side_effect=drop),
        # A logged-in session is re-saved once a minute (the idle limit): one UPDATE in whichever request
        # crosses the minute, which would make query counts depend on the clock rather than on the page.
        mock.patch.object(security, "SEEN_REFRESH_SECONDS", 10**9),
        override_settings(
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            SECURE_SSL_REDIRECT=False,
            # Emails still go the production way (queued as a task, which is dropped above); were one sent
            # anyway, it would stay in memory.
            TANDEM_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            # Pages link their CSS and JS without a collected manifest: nothing static is served here.
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ),
    ):
        yield


def _scale_measure(org: Org, s: float, results: dict[str, Any], *, runs: int, log: Callable[[str], None]) -> None:
    """Grow the measured programme to scale ``s`` and measure its pages, into ``results``."""
    pairings = max(2, round(s * PAIRINGS_PER_SCALE))
    log(f"Scale {s:g}: growing the measured programme to {pairings:,} pairings…")
    built = time.perf_counter()
    org_grow(org, pairings=pairings)
    results["build_s"][_label(s)] = round(time.perf_counter() - built, 1)
    sessions = MentoringSession.objects.filter(pairing__programme=org.measured).count()
    everywhere = Pairing.objects.count(), MentoringSession.objects.count()
    log(
        f"  built in {results['build_s'][_label(s)]} s: {org.measured_pairings:,} pairings and "
        f"{sessions:,} sessions in the measured programme; {everywhere[0]:,} pairings and "
        f"{everywhere[1]:,} sessions in the organisation."
    )
    results["scales"][_label(s)] = {
        "pairings": org.measured_pairings,
        "sessions": sessions,
        "org_pairings": everywhere[0],
        "org_sessions": everywhere[1],
        "pages": pages_measure(org, runs=runs, log=log),
    }


def _targets(flat: dict[str, Any], small: str, large: str) -> dict[str, tuple[bool, str]]:
    """Each target: met or not, and the figure it was judged on, in words."""
    keys = [spec.key for spec in PAGES]
    grew = [k for k in keys if flat[f"{k}.scale_{large}.queries"] != flat[f"{k}.scale_{small}.queries"]]
    dash = flat[f"dashboard.scale_{large}.median_ms"]
    ratio = flat[f"dashboard.scale_{large}.sql_ratio"]
    peaks = {k: flat[f"{k}.scale_{s}.peak_mb"] for k in ("report_pdf", "report_csv") for s in (small, large)}
    peak = max(peaks.values())
    matching = flat["matching.median_ms"] / 1000
    sweep = flat["sweep.seconds"]
    return {
        "queries_constant": (not grew, "every page the same" if not grew else "grew: " + ", ".join(grew)),
        "dashboard_under_300ms": (dash < DASHBOARD_MS, f"{dash:.0f} ms at scale {large.replace('_', '.')}"),
        "dashboard_within_3x_sql": (
            ratio <= DASHBOARD_SQL_RATIO,
            f"{ratio:.2f} × its bare SQL at scale {large.replace('_', '.')}",
        ),
        "exports_under_150mb": (peak < EXPORT_PEAK_MB, f"peak {peak:.1f} MB"),
        "matching_under_2s": (matching < MATCHING_S, f"{matching:.2f} s"),
        "sweep_under_30s": (sweep < SWEEP_S, f"{sweep:.1f} s"),
    }


def figures_flat(results: dict[str, Any], *, runs: int) -> dict[str, Any]:
    """One key per figure, e.g. ``dashboard.scale_10.median_ms``, ``dashboard.ratio_median``,
    ``target.sweep_under_30s``."""
    small, large = list(results["scales"])
    flat: dict[str, Any] = {
        "database": connection.vendor,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": timezone.localdate().isoformat(),
        "runs": runs,
        "seconds": results["seconds"],
        "tasks_dropped": results["tasks_dropped"],
        "host.loop_ms_before": round(results["host_ms"][0], 1),
        "host.loop_ms_after": round(results["host_ms"][1], 1),
        "scale_small": small,
        "scale_large": large,
    }
    for label, scale in results["scales"].items():
        for key in ("pairings", "sessions", "org_pairings", "org_sessions"):
            flat[f"data.scale_{label}.{key}"] = scale[key]
        flat[f"data.scale_{label}.build_s"] = results["build_s"][label]
        for key, t in scale["pages"].items():
            prefix = f"{key}.scale_{label}"
            flat[f"{prefix}.median_ms"] = round(t.median_ms, 1)
            flat[f"{prefix}.spread_ms"] = round(t.spread_ms, 1)
            flat[f"{prefix}.queries"] = t.queries
            if t.peak_mb is not None:
                flat[f"{prefix}.peak_mb"] = round(t.peak_mb, 1)
            if "sql_runs_ms" in t.extra:
                sql = sorted(t.extra["sql_runs_ms"])[len(t.extra["sql_runs_ms"]) // 2]
                flat[f"{prefix}.sql_ms"] = round(sql, 1)
                flat[f"{prefix}.sql_statements"] = t.extra["sql_statements"]
                flat[f"{prefix}.sql_ratio"] = round(t.median_ms / sql, 2) if sql else None
    for spec in PAGES:
        a, b = flat[f"{spec.key}.scale_{small}.median_ms"], flat[f"{spec.key}.scale_{large}.median_ms"]
        flat[f"{spec.key}.ratio_median"] = round(b / a, 2) if a else None
    matching, sweep = results["matching"], results["sweep"]
    flat.update(
        {
            "matching.median_ms": round(matching.median_ms, 1),
            "matching.spread_ms": round(matching.spread_ms, 1),
            "matching.queries": matching.queries,
            **{f"matching.{k}": v for k, v in matching.extra.items()},
            "sweep.seconds": round(sweep.median_ms / 1000, 2),
            "sweep.queries": sweep.queries,
            **{f"sweep.{k}": v for k, v in sweep.extra.items()},
        }
    )
    for name, (met, said) in _targets(flat, small, large).items():
        flat[f"target.{name}"] = "met" if met else "missed"
        flat[f"target.{name}.figure"] = said
    return flat


def table(flat: dict[str, Any]) -> str:
    """The figures as a plain-text table, then the targets."""
    small, large = flat["scale_small"], flat["scale_large"]
    shown = {small: small.replace("_", "."), large: large.replace("_", ".")}
    head = f"{'Measured':<52} {'scale ' + shown[small]:>22} {'scale ' + shown[large]:>22} {'ratio':>6}"
    lines = [
        f"Tandem benchmark, {flat['date']}: {flat['database']} on {flat['machine']}; median of {flat['runs']} "
        f"runs after a warm-up (± the spread, slowest minus fastest). Host speed: a fixed Python loop took "
        f"{flat['host.loop_ms_before']:.0f} ms before and {flat['host.loop_ms_after']:.0f} ms after (lower is faster).",
        f"Scale {shown[small]}: {flat[f'data.scale_{small}.pairings']:,} pairings, "
        f"{flat[f'data.scale_{small}.sessions']:,} sessions in the measured programme "
        f"({flat[f'data.scale_{small}.org_pairings']:,} / {flat[f'data.scale_{small}.org_sessions']:,} in the "
        f"organisation). Scale {shown[large]}: {flat[f'data.scale_{large}.pairings']:,} pairings, "
        f"{flat[f'data.scale_{large}.sessions']:,} sessions ({flat[f'data.scale_{large}.org_pairings']:,} / "
        f"{flat[f'data.scale_{large}.org_sessions']:,}).",
        "",
        head,
        "-" * len(head),
    ]

    def cell(key: str, label: str) -> str:
        p = f"{key}.scale_{label}"
        text = f"{flat[f'{p}.median_ms']:.0f}±{flat[f'{p}.spread_ms']:.0f} ms {flat[f'{p}.queries']:>3} q"
        if f"{p}.peak_mb" in flat:
            text = f"{text} {flat[f'{p}.peak_mb']:.0f} MB"
        return text

    for spec in PAGES:
        lines.append(
            f"{spec.label:<52} {cell(spec.key, small):>22} {cell(spec.key, large):>22} "
            f"{flat[f'{spec.key}.ratio_median'] or 0:>5.1f}×"
        )
    sql_ratio = flat[f"dashboard.scale_{large}.sql_ratio"]
    lines.append(
        f"{'  the dashboard’s own SQL, run bare':<52} {flat[f'dashboard.scale_{small}.sql_ms']:>19.0f} ms "
        f"{flat[f'dashboard.scale_{large}.sql_ms']:>19.0f} ms   page = {sql_ratio}× SQL"
    )
    lines += [
        "",
        f"Matching round, {flat['matching.mentees']} mentees × {flat['matching.mentors']} mentors (load, score, "
        f"assign, store): {flat['matching.median_ms'] / 1000:.2f} s ± {flat['matching.spread_ms'] / 1000:.2f}, "
        f"{flat['matching.queries']} queries, {flat['matching.proposals']} proposals.",
        f"Reminder sweep over {flat['sweep.pairings']:,} active pairings (first sweep of a day): "
        f"{flat['sweep.seconds']:.1f} s, {flat['sweep.reminders']:,} reminders, {flat['sweep.emails']:,} emails "
        f"built, {flat['sweep.batches']} batches, {flat['sweep.queries_per_batch']} queries a batch; the next "
        f"tick {flat['sweep.next_tick_ms'] / 1000:.2f} s.",
        "",
        "Targets (set for PostgreSQL on a 2-core machine):",
    ]
    for key, value in flat.items():
        if key.startswith("target.") and not key.endswith(".figure"):
            lines.append(f"  {value.upper():<7} {key[len('target.') :]:<28} {flat[key + '.figure']}")
    lines.append(f"\nWhole benchmark: {flat['seconds']:.0f} s.")
    return "\n".join(lines)
