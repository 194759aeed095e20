"""How ``manage.py bench`` times a page: in this process, through Django's test client (the whole request:
middleware, access, queries, template), after a warm-up, several times; queries counted on a separate run,
the peak memory of a download on another (``tracemalloc`` slows what it watches, so it never runs while
timing).

Every page's peak memory as the operating system sees it (resident set size, not only Python's heap) is read
around the last timed request: the process's high-water mark (``VmHWM``) is reset just before it
(``/proc/self/clear_refs``, Linux) and read just after, so the figure is what a server process answering that
request needs at its peak: what it held already (the interpreter, Django, and here the benchmark's own data)
plus the request's own growth, which is given too. Where the mark cannot be reset, there is no figure."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.http import HttpResponseBase
from django.test import Client

from perf.engine import rss_now_mb, rss_peak_mb, rss_reset


class BenchError(Exception):
    """A measured page did not answer as a user would expect: the figures would mean nothing."""


@dataclass
class Timing:
    """The figures of one measured thing at one scale."""

    runs_ms: list[float]
    queries: int | None = None
    peak_mb: float | None = None
    peak_rss_mb: float | None = None  # the process's resident set at its peak during one request (VmHWM)
    rss_growth_mb: float | None = None  # that peak less what the process held just before the request
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)

    @property
    def spread_ms(self) -> float:
        """Slowest minus fastest run: how much to trust the median."""
        return max(self.runs_ms) - min(self.runs_ms)


class _Statements:
    """Counts every statement sent to the database and, when asked, keeps the SELECTs with their parameters."""

    def __init__(self, *, keep: bool = False) -> None:
        self.count = 0
        self.keep = keep
        self.selects: list[tuple[str, Any]] = []

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        if self.keep and not many and sql.lstrip()[:6].upper() in ("SELECT", "WITH ("):
            self.selects.append((sql, params))
        return execute(sql, params, many, context)


@contextmanager
def counting(*, keep: bool = False) -> Iterator[_Statements]:
    statements = _Statements(keep=keep)
    with connection.execute_wrapper(statements):
        yield statements


def _fetch(client: Client, method: str, url: str, data: dict | None) -> HttpResponseBase:
    """One request, read to its last byte as a browser would (a streamed download is produced while read).
    The test client closes the response itself (at once, or when a stream is exhausted); closing it again
    would send a second "request finished", which closes the database connection inside a test."""
    response = client.post(url, data or {}) if method == "POST" else client.get(url)
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return response


def page_measure(
    client: Client,
    url: str,
    *,
    runs: int,
    method: str = "GET",
    data: dict | None = None,
    expect: int = 200,
    memory: bool = False,
    bare_sql: bool = False,
    before: Callable[[], None] | None = None,
) -> Timing:
    """Time ``runs`` requests after one warm-up; count the queries of one more; the last timed request's peak
    resident set (see the module's docstring); with ``memory``, the peak of Python's memory while one more is
    produced and read; with ``bare_sql``, time the page's own SELECTs run
    straight on the database cursor (no ORM, no view, no template), ``runs`` times; ``before``, run before every
    request and outside the timer."""
    before = before or (lambda: None)
    before()
    response = _fetch(client, method, url, data)
    if response.status_code != expect:
        raise BenchError(f"{method} {url} answered {response.status_code}, not {expect}.")
    before()
    with counting(keep=bare_sql) as statements:
        _fetch(client, method, url, data)
    times = []
    rss_before = reset = None
    for n in range(runs):
        before()
        if n == runs - 1:  # the last run's peak resident set (outside the timer: the reset walks page tables)
            rss_before, reset = rss_now_mb(), rss_reset()
        started = time.perf_counter()
        _fetch(client, method, url, data)
        times.append((time.perf_counter() - started) * 1000)
    timing = Timing(runs_ms=times, queries=statements.count)
    if reset:
        timing.peak_rss_mb = rss_peak_mb(reset)
        # Never below 0: the resident set can shrink by a page between reading it and resetting the mark.
        timing.rss_growth_mb = max(0.0, timing.peak_rss_mb - rss_before) if rss_before is not None else None
    if memory:
        before()
        tracemalloc.start()
        try:
            _fetch(client, method, url, data)
            timing.peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    if bare_sql:
        timing.extra["sql_runs_ms"] = [sql_time(statements.selects) for _ in range(runs)]
        timing.extra["sql_statements"] = len(statements.selects)
    return timing


def sql_time(selects: list[tuple[str, Any]]) -> float:
    """Milliseconds to run these SELECTs and fetch every row, on a plain cursor."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in selects:
            cursor.execute(sql, params)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def call_measure(call: Callable[[], Any], *, runs: int, warm_up: bool = True) -> tuple[Timing, Any]:
    """Time a callable ``runs`` times (after a warm-up call unless told not to), counting its queries on
    the first timed run. Returns the timing and the last result."""
    if warm_up:
        call()
    times, queries, result = [], None, None
    for n in range(runs):
        with counting() as statements:
            started = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - started) * 1000)
        if n == 0:
            queries = statements.count
    return Timing(runs_ms=times, queries=queries), result
