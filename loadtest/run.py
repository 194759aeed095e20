"""`make loadtest`: Tandem under gunicorn with PostgreSQL and Redis, driven by locust, with a verdict.

Steps: check that PostgreSQL and Redis answer; drop and recreate a throw-away database (tandem_loadtest by
default); migrate and seed the demo data into it; collect static files; start gunicorn, a Celery worker and beat
with production settings (DEBUG off) on loopback; wait for /healthz; run locust headless; stop everything
(always, also on Ctrl-C or an error); print the figures and each target as met or missed.

Exit status: 0 when every target is met, 1 when a request failed or a target was missed, 2 when the run could
not take place (PostgreSQL or Redis not answering, the server not starting, locust not producing figures).

Runs under any Python 3.11+ (make uses the load test's own venv, .venv-load): the app's commands run from the
app's venv (.venv), locust from .venv-load; only the standard library is imported here.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_BIN = ROOT / ".venv" / "bin"
LOAD_BIN = ROOT / ".venv-load" / "bin"

# Targets for this machine (2 cores).
TARGET_RPS = 50.0
TARGET_P95_MS = 500.0

# Databases other sessions and the test suite use; this script drops the database it is given, so never these.
PROTECTED_DATABASES = ("tandem", "test_tandem")
PROTECTED_PREFIXES = ("tandem_bench",)

# Who logs in: the active pairings of the running demo programme (both sides of each), its coordinator.
DISCOVER_ACCOUNTS = """
import json
from django.utils import timezone
from mentoring.models import Pairing
from demo.organisation import DEMO_PASSWORD
from programmes.models import Programme
programme = Programme.objects.get(status=Programme.Status.RUNNING)
pairings = Pairing.objects.filter(programme=programme, status=Pairing.Status.ACTIVE).select_related("mentor", "mentee")
participants = []
for p in pairings.order_by("pk"):
    for person, side in ((p.mentor, "mentor"), (p.mentee, "mentee")):
        participants.append(
            {"email": person.email, "side": side, "pairing": p.pk, "started_on": p.started_on.isoformat()}
        )
coordinator = programme.memberships.filter(role="coordinator").select_related("person").order_by("pk").first()
print(json.dumps({
    "password": DEMO_PASSWORD,
    "coordinator": coordinator.person.email,
    "programme": programme.pk,
    "today": timezone.localdate().isoformat(),
    "participants": participants,
}))
"""


class RunFailed(Exception):
    """The run could not take place; the message says why and what to do."""


def say(text: str) -> None:
    print(f"[loadtest] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_command(host: str, port: int, *commands: str) -> list[str]:
    """Send inline Redis commands over a plain socket; return the reply lines (no client library needed)."""
    with socket.create_connection((host, port), timeout=3) as sock:
        sock.sendall("".join(f"{c}\r\n" for c in commands).encode())
        replies: list[str] = []
        buffer = b""
        while len(replies) < len(commands):
            chunk = sock.recv(4096)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\r\n")
            replies.extend(line.decode() for line in lines)
        return replies


def check_redis(host: str, port: int, db: int) -> None:
    try:
        replies = redis_command(host, port, "PING", f"SELECT {db}", "FLUSHDB")
    except OSError as exc:
        raise RunFailed(
            f"Redis does not answer at {host}:{port} ({exc}). The load test needs Redis; start it (e.g. "
            "`redis-server --daemonize yes`) or pass --redis-port."
        ) from None
    if replies[:1] != ["+PONG"] or any(r.startswith("-") for r in replies):
        raise RunFailed(f"Redis at {host}:{port} answered {replies!r}; expected PONG and OK.")


def run_app(args: list[str], env: dict[str, str], what: str) -> str:
    """Run a command of the app's venv to completion; on failure show its output and stop."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RunFailed(f"{what} failed (exit {done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout


def recreate_database(name: str, pg_url: str, env: dict[str, str]) -> None:
    """Drop and create the throw-away database, through the app venv's psycopg."""
    code = (
        "import sys, psycopg\n"
        "from psycopg import sql\n"
        "try:\n"
        "    conn = psycopg.connect(sys.argv[1], autocommit=True, connect_timeout=3)\n"
        "except psycopg.OperationalError as exc:\n"
        "    print(exc, file=sys.stderr); sys.exit(3)\n"
        "name = sql.Identifier(sys.argv[2])\n"
        "conn.execute(sql.SQL('DROP DATABASE IF EXISTS {} WITH (FORCE)').format(name))\n"
        "conn.execute(sql.SQL('CREATE DATABASE {}').format(name))\n"
    )
    done = subprocess.run(
        [str(APP_BIN / "python"), "-c", code, f"{pg_url}/postgres", name], env=env, capture_output=True, text=True
    )
    if done.returncode == 3:
        raise RunFailed(
            f"PostgreSQL does not answer at {pg_url} ({done.stderr.strip()}). The load test needs PostgreSQL; "
            "start it or pass --pg-url."
        )
    if done.returncode != 0:
        raise RunFailed(f"Could not recreate the database {name}:\n{done.stderr[-3000:]}")


class Services:
    """The processes this run started, each in its own process group, so that stopping reaches their children."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        handle = log.open("w")
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        self.processes.append((name, process))
        return process

    def groups(self) -> set[int]:
        return {process.pid for _name, process in self.processes}

    def check_alive(self, logs: dict[str, Path]) -> None:
        for name, process in self.processes:
            if name not in logs:
                continue
            if process.poll() is not None:
                tail = logs[name].read_text()[-3000:] if logs[name].exists() else ""
                raise RunFailed(f"{name} stopped (exit {process.returncode}) before the run ended:\n{tail}")

    def stop(self) -> None:
        for _name, process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within 15 s; killing it.")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


def cpu_snapshot(groups: set[int], database: str) -> tuple[float, int, int]:
    """(time, busy CPU ticks of the machine, CPU ticks of this test's processes) from /proc (Linux only).

    This test's processes: the process groups it started (gunicorn, Celery, locust) and the PostgreSQL
    backends serving its database. Another job on the machine (a benchmark, a build) shows as the rest.
    """
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return time.monotonic(), 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and iowait
    busy = sum(fields[:8]) - idle
    ours = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            after_name = stat[stat.rindex(")") + 2 :].split()
            mine = int(after_name[2]) in groups
            if not mine and "postgres" in stat:
                mine = f" {database} " in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if mine:
                ours += int(after_name[11]) + int(after_name[12])  # utime + stime
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return time.monotonic(), busy, ours


def cpu_share(before: tuple[float, int, int], after: tuple[float, int, int]) -> dict[str, float]:
    """Cores kept busy during the run: in all, by this test, by everything else."""
    seconds = max(after[0] - before[0], 0.001)
    ticks = os.sysconf("SC_CLK_TCK") * seconds
    busy = (after[1] - before[1]) / ticks
    ours = (after[2] - before[2]) / ticks
    return {"busy": round(busy, 2), "ours": round(ours, 2), "others": round(max(busy - ours, 0.0), 2)}


def wait_for_health(url: str, services: Services, logs: dict[str, Path], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        services.check_alive(logs)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}: {exc.read()[:200]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.5)
    raise RunFailed(f"{url} did not answer 200 within {timeout:.0f} s (last: {last}).")


def read_stats(prefix: Path) -> dict:
    """The figures from locust's CSV files: the aggregate, one line per page, the failures."""
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise RunFailed(f"locust wrote no statistics ({stats_file} is missing).")

    def number(value: str) -> float:
        try:
            return float(value)
        except ValueError:  # "N/A" when a page got no request
            return 0.0

    pages, total = [], None
    with stats_file.open(newline="") as handle:
        for row in csv.DictReader(handle):
            figures = {
                "name": row["Name"] if row["Type"] in ("", "None") else f"{row['Type']} {row['Name']}",
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(number(row["Requests/s"]), 2),
                "p50_ms": number(row["50%"]),
                "p95_ms": number(row["95%"]),
                "p99_ms": number(row["99%"]),
                "max_ms": round(number(row["Max Response Time"])),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                pages.append(figures)
    if total is None:
        raise RunFailed(f"{stats_file} has no Aggregated line.")
    failures = []
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        with failures_file.open(newline="") as handle:
            failures = [
                {"page": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
                for row in csv.DictReader(handle)
            ]
    # Exceptions in the users' own code (a task that could not run) are errors too, though no request failed.
    exceptions_file = Path(f"{prefix}_exceptions.csv")
    if exceptions_file.exists():
        with exceptions_file.open(newline="") as handle:
            for row in csv.DictReader(handle):
                failures.append({"page": "(locust user code)", "error": row["Message"], "count": int(row["Count"])})
                total["exceptions"] = total.get("exceptions", 0) + int(row["Count"])
    total.setdefault("exceptions", 0)
    return {"total": total, "pages": pages, "failures": failures}


def report(stats: dict, *, users: int, seconds: int, workers: int, cpu: dict[str, float]) -> list[str]:
    """Print the table and the targets; return the targets missed."""
    total = stats["total"]
    print()
    print(f"Tandem load test: {users} users for {seconds} s, gunicorn with {workers} workers, {os.cpu_count()} cores")
    print()
    header = f"{'page':<44} {'requests':>8} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    print(header)
    print("-" * len(header))
    for row in sorted(stats["pages"], key=lambda r: r["name"]) + [dict(total, name="all requests")]:
        if row["name"] == "all requests":
            print("-" * len(header))
        print(
            f"{row['name']:<44} {row['requests']:>8} {row['failures']:>5} {row['rps']:>7.1f} "
            f"{row['p50_ms']:>7.0f} {row['p95_ms']:>7.0f} {row['p99_ms']:>7.0f}"
        )
    if stats["failures"]:
        print()
        print("Failures:")
        for failure in stats["failures"][:10]:
            print(f"  {failure['count']:>5} x {failure['page']}: {failure['error'][:160]}")
    cores = os.cpu_count() or 1
    print()
    print(
        f"CPU during the run: {cpu['busy']:.2f} of {cores} cores busy; this test (gunicorn, Celery, locust, its "
        f"PostgreSQL connections) {cpu['ours']:.2f}, other processes {cpu['others']:.2f}."
    )
    if cpu["others"] >= 0.25:
        print(
            "  Other work on the machine took CPU from this run, so the figures above are lower than this "
            "machine would give Tandem alone; run it again on a quiet machine before drawing conclusions."
        )
    targets = [
        (f"at least {TARGET_RPS:.0f} requests/s", total["rps"] >= TARGET_RPS, f"{total['rps']:.1f} requests/s"),
        (f"p95 under {TARGET_P95_MS:.0f} ms", total["p95_ms"] < TARGET_P95_MS, f"p95 {total['p95_ms']:.0f} ms"),
        (
            "no errors",
            total["failures"] == 0 and total["exceptions"] == 0,
            f"{total['failures']} failed requests, {total['exceptions']} exceptions in the users' code",
        ),
    ]
    print()
    print("Targets:")
    missed = []
    for label, met, measured in targets:
        print(f"  {'met   ' if met else 'MISSED'}  {label:<24} ({measured})")
        if not met:
            missed.append(label)
    print()
    return missed


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent locust users (default 20)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
    parser.add_argument("--seconds", type=int, default=60, help="length of the run (default 60)")
    parser.add_argument(
        "--wait",
        default="0.05,0.25",
        help="each user's think time between requests, MIN,MAX seconds (default 0.05,0.25)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file as JSON")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers (default 2 x cores + 1)"
    )
    parser.add_argument("--database", default="tandem_loadtest", help="throw-away database, dropped and recreated")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server, no db")
    parser.add_argument("--redis-host", default="127.0.0.1")
    parser.add_argument("--redis-port", type=int, default=6379)
    parser.add_argument("--redis-db", type=int, default=14, help="Redis database number, flushed (default 14)")
    parser.add_argument("--locust", type=Path, default=LOAD_BIN / "locust", help="the locust program")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, CSV files)")
    options = parser.parse_args(argv)

    name = options.database
    if (
        name in PROTECTED_DATABASES
        or name.startswith(PROTECTED_PREFIXES)
        or "loadtest" not in name
        or not name.replace("_", "").isalnum()
    ):
        parser.error(f"--database {name!r}: this script drops it, so the name must contain 'loadtest'.")
    try:
        low, high = (float(v) for v in options.wait.split(","))
        if not 0 <= low <= high:
            raise ValueError
    except ValueError:
        parser.error(f"--wait {options.wait!r}: give MIN,MAX seconds, e.g. 0.05,0.25.")
    for program in (APP_BIN / "gunicorn", APP_BIN / "celery", options.locust):
        if not Path(program).exists():
            say(f"{program} is missing: run `make loadtest` (it builds .venv and .venv-load).")
            return 2

    # SIGTERM (e.g. from a CI timeout) stops the services like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)

    tmp = Path(tempfile.mkdtemp(prefix="tandem-loadtest-"))
    services = Services()
    try:
        return _run(options, tmp, services)
    except RunFailed as exc:
        say(f"FAILED: {exc}")
        return 2
    except KeyboardInterrupt:
        say("Interrupted.")
        return 130
    finally:
        services.stop()
        if options.keep:
            say(f"Logs and CSV files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _run(options: argparse.Namespace, tmp: Path, services: Services) -> int:
    redis_url = f"redis://{options.redis_host}:{options.redis_port}/{options.redis_db}"
    port = free_port()
    env = {
        **os.environ,
        # Production settings on plain http over loopback; nothing from the developer's .env.
        "TANDEM_ENV_FILE": str(tmp / "no-env-file"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TANDEM_NOTE_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"{options.pg_url}/{options.database}",
        "REDIS_URL": redis_url,
        "TANDEM_VAR_DIR": str(tmp / "var"),
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    for variable in ("DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND", "EMAIL_HOST"):
        env.pop(variable, None)
    manage = [str(APP_BIN / "python"), "manage.py"]

    say(f"Checking Redis at {options.redis_host}:{options.redis_port} (database {options.redis_db}, emptied)")
    check_redis(options.redis_host, options.redis_port, options.redis_db)
    say(f"Recreating the PostgreSQL database {options.database}")
    recreate_database(options.database, options.pg_url, env)
    say("Migrating, seeding the demo data, collecting static files")
    run_app([*manage, "migrate", "--noinput", "--verbosity", "0"], env, "migrate")
    run_app([*manage, "seed_demo", "--force"], env, "seed_demo")
    run_app([*manage, "collectstatic", "--noinput", "--verbosity", "0"], env, "collectstatic")
    accounts = json.loads(
        run_app([*manage, "shell", "--no-imports", "-c", DISCOVER_ACCOUNTS], env, "finding the demo accounts")
    )
    if not accounts["participants"]:
        raise RunFailed("The demo data has no active pairing to log sessions in.")
    accounts_file = tmp / "accounts.json"
    accounts_file.write_text(json.dumps(accounts))
    say(
        f"{len(accounts['participants'])} participants in {len(accounts['participants']) // 2} active pairings, "
        f"coordinator {accounts['coordinator']}"
    )

    logs = {"gunicorn": tmp / "gunicorn.log", "celery worker": tmp / "celery.log"}
    services.start(
        "gunicorn",
        [
            str(APP_BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--timeout",
            "60",
        ],
        env,
        logs["gunicorn"],
    )
    services.start(
        "celery worker",
        [
            str(APP_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env,
        logs["celery worker"],
    )
    # Beat too, as in production: /healthz answers 200 only once beat's heartbeat is there.
    logs["celery beat"] = tmp / "beat.log"
    services.start(
        "celery beat",
        [str(APP_BIN / "celery"), "-A", "config", "beat", "--loglevel=WARNING"],
        env,
        logs["celery beat"],
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_health(f"{base}/healthz", services, logs)
    say(f"gunicorn ({options.workers} workers), a Celery worker and beat answer on {base}")

    prefix = tmp / "locust"
    say(
        f"locust: {options.users} users, {options.spawn_rate:g} started per second, {options.seconds} s, "
        f"think time {options.wait.replace(',', ' to ')} s"
    )
    started = datetime.datetime.now(datetime.UTC)
    logs["locust"] = tmp / "locust.log"
    before = cpu_snapshot(services.groups(), options.database)
    locust = services.start(
        "locust",
        [
            str(options.locust),
            "-f",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(options.users),
            "--spawn-rate",
            str(options.spawn_rate),
            "--run-time",
            f"{options.seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        {**os.environ, "TANDEM_LOADTEST_ACCOUNTS": str(accounts_file), "TANDEM_LOADTEST_WAIT": options.wait},
        logs["locust"],
    )
    locust.wait()
    after = cpu_snapshot(services.groups(), options.database)
    cpu = cpu_share(before, after)
    services.check_alive({name: path for name, path in logs.items() if name != "locust"})
    try:
        stats = read_stats(prefix)
    except RunFailed:
        say(f"locust exited {locust.returncode}:\n{logs['locust'].read_text()[-3000:]}")
        raise
    if locust.returncode not in (0, 1):  # 1: some requests failed, which the figures show
        say(f"locust exited {locust.returncode}:\n{logs['locust'].read_text()[-3000:]}")
    missed = report(stats, users=options.users, seconds=options.seconds, workers=options.workers, cpu=cpu)
    if options.json:
        total = stats["total"]
        figures = {
            "date": started.isoformat(timespec="seconds"),
            "cores": os.cpu_count(),
            "users": options.users,
            "seconds": options.seconds,
            "gunicorn_workers": options.workers,
            "think_time_seconds": options.wait,
            "requests": total["requests"],
            "failures": total["failures"],
            "exceptions": total["exceptions"],
            "requests_per_second": round(total["rps"], 2),
            "p50_ms": total["p50_ms"],
            "p95_ms": total["p95_ms"],
            "p99_ms": total["p99_ms"],
            "targets_missed": missed,
            "cpu_cores_busy": cpu["busy"],
            "cpu_cores_this_test": cpu["ours"],
            "cpu_cores_other_processes": cpu["others"],
            "pages": stats["pages"],
            "failure_messages": stats["failures"],
        }
        options.json.write_text(json.dumps(figures, indent=2) + "\n")
        say(f"Figures written to {options.json}")
    if missed:
        say(f"Targets missed: {', '.join(missed)}.")
        return 1
    say("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
