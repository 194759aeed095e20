"""Tandem on several machines, played on one: two web nodes, two Celery workers and one beat, each process with
its own var folder (they share no disk), all on one PostgreSQL database, one Redis and one S3-compatible bucket.

A person logs in on node A and carries on on node B with the same cookie; evidence uploaded on A is downloaded
from B; sessions are logged on both; every main page answers 200 on both nodes for the coordinator, a mentor, a
mentee, a line manager and a committee member. Meanwhile beat's reminder sweeps run and one worker is SIGKILLed
in the middle of sending: every reminder due is recorded once, everyone is told in the app once per reminder, and
every reminder email reaches the mail server (at most one twice per killed worker). Then /healthz answers 200 on
both nodes.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): skipped without them, failed in CI
(TANDEM_REQUIRE_SERVICES=1). The test makes its own database (tandem_scaleout_<random>) and uses a Redis
database number of its own (SCALE_OUT_REDIS_DB, emptied before and after), so it shares nothing with the suite.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import secrets
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import redis
import requests
from django.db import connection
from django.urls import reverse

from config.tests.html_forms import form_of
from config.tests.object_storage import new_bucket, s3_server
from config.tests.scale_out import (
    BIN,
    Processes,
    SmtpSink,
    ThrowAwayDatabase,
    free_port,
    log_in,
    main_pages,
    unfinished_tasks,
    var_dir,
    wait_for,
)
from conftest import require
from programmes.hooks import PROGRAMME_TABS
from programmes.tests.factories import evidence_pdf

pytestmark = pytest.mark.services

# Not the suite's (CI runs it on 15) nor a helper's: the workers' queues and the shared cache of this test only.
SCALE_OUT_REDIS_DB = 14
EXTRA_PAIRINGS = 150  # active pairings with a check-in due in two days: one "coming up" reminder each
PASSWORD = "tandem-demo"  # demo.organisation.DEMO_PASSWORD, published in the README
SWEEP = "mentoring.tasks.send_due_checkin_reminders"
SCIM_LIMIT = 4  # SCIM requests per token a minute, counted in the cache every node shares

# The demo data (seed_demo), then pairings enough for the sweeps to take a while; prints the ids the test needs.
SEED = """
import datetime, json
from django.core.management import call_command
call_command("seed_demo", force=True)
from django.utils import timezone
from mentoring.models import Pairing
from programmes.models import Person, Programme
programme = Programme.objects.get(status=Programme.Status.RUNNING)
today = timezone.localdate()
people = Person.objects.bulk_create(
    [Person(email=f"scale-{n}@example.net", display_name=f"Scale Person {n}", password="!") for n in range(2 * N)]
)
Pairing.objects.bulk_create(
    [
        Pairing(
            programme=programme, mentor=people[2 * n], mentee=people[2 * n + 1], status=Pairing.Status.ACTIVE,
            started_on=today - datetime.timedelta(days=30), checkin_due_on=today + datetime.timedelta(days=2),
        )
        for n in range(N)
    ]
)
demo = Pairing.objects.get(programme=programme, mentor__email="mentor@example.com", status=Pairing.Status.ACTIVE)
from programmes.services.scim_tokens import scim_token_create
_token, scim = scim_token_create(name="Scale-out test", by=None)
print(json.dumps({
    "programme": programme.pk, "pairing": demo.pk, "mentee": demo.mentee_id, "today": today.isoformat(), "scim": scim,
}))
"""


def server_urls() -> tuple[str, str]:
    database = os.environ.get("DATABASE_URL", "")
    require(connection.vendor == "postgresql" and bool(database), "DATABASE_URL does not name a PostgreSQL server")
    broker = os.environ.get("REDIS_URL", "")
    require(bool(broker), "REDIS_URL is not set")
    try:
        redis.Redis.from_url(broker, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {broker} does not answer: {exc}")
    parsed = urlparse(broker)
    own_db = SCALE_OUT_REDIS_DB if parsed.path.strip("/") != str(SCALE_OUT_REDIS_DB) else SCALE_OUT_REDIS_DB - 1
    return database, urlunparse(parsed._replace(path=f"/{own_db}"))


def node_environment(*, var: Path, database_url: str, redis_url: str, bucket_env: dict, smtp_port: int) -> dict:
    """What one production node needs (DEBUG off), and nothing from the developer's .env or the suite."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TANDEM_", "DJANGO_", "EMAIL_", "CELERY_", "SECURE_", "AWS_"))
        and key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TANDEM_ENV_FILE": str(var / "no.env"),
        "TANDEM_VAR_DIR": str(var),
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "TANDEM_NOTE_KEYS": NOTE_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on loopback; production sits behind HTTPS and keeps both on.
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        **bucket_env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "TANDEM_REMINDER_SWEEP_SECONDS": "2",
        # A dead worker's claimed emails go again after this; longer than any chunk takes to send here.
        "TANDEM_REMINDER_LEASE_SECONDS": "10",
        "LOG_LEVEL": "INFO",
        "TANDEM_SCIM_REQUESTS_PER_MINUTE": str(SCIM_LIMIT),
    }


SECRET_KEY = secrets.token_urlsafe(50)
NOTE_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def test_two_web_nodes_two_workers_and_a_beat_share_everything_and_lose_or_double_nothing(tmp_path):
    started = time.monotonic()
    database_url, redis_url = server_urls()
    database = ThrowAwayDatabase(database_url)
    processes = Processes(tmp_path)
    sink = SmtpSink(delay=0.02)
    broker = redis.Redis.from_url(redis_url)
    with s3_server() as endpoint:
        try:
            broker.flushdb()
            bucket = new_bucket(endpoint)
            sink.start()
            database.create()
            run(processes, database, redis_url, bucket, sink, tmp_path, started)
        except BaseException:
            print(processes.tail())  # shown with the failure: what each process said last
            raise
        finally:
            processes.stop_all()
            sink.stop()
            database.drop()
            broker.flushdb()
            broker.close()


def run(processes, database, redis_url, bucket, sink, tmp_path: Path, started: float) -> None:
    times: dict[str, float] = {}

    def env(name: str) -> dict:
        return node_environment(
            var=var_dir(tmp_path, name),
            database_url=database.url,
            redis_url=redis_url,
            bucket_env=bucket.environment(prefix="uploads"),
            smtp_port=sink.port,
        )

    manage = [str(BIN / "python"), "manage.py"]
    setup = env("setup")
    nodes = {"A": env("web-a"), "B": env("web-b")}
    ports = {name: free_port() for name in nodes}
    # Side by side, as a deploy does: migrations once (then the demo data), static files on each web machine.
    processes.start("migrate", [*manage, "migrate", "--noinput", "--verbosity", "0"], setup)
    for name, node_env in nodes.items():
        processes.start(f"collectstatic-{name}", [*manage, "collectstatic", "--noinput", "--verbosity", "0"], node_env)
    for name, node_env in nodes.items():
        processes.finish(f"collectstatic-{name}")
        processes.start(
            f"web-{name}",
            [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{ports[name]}", "--workers", "2"],
            node_env,
        )
    processes.finish("migrate")
    times["migrated"] = time.monotonic() - started
    processes.start("seed", [*manage, "shell", "-c", f"N = {EXTRA_PAIRINGS}\n{SEED}"], setup)
    ids = json.loads(next(line for line in reversed(processes.finish("seed").splitlines()) if line.startswith("{")))
    times["seeded"] = time.monotonic() - started

    a, b = (f"http://127.0.0.1:{ports[name]}" for name in ("A", "B"))
    for node in (a, b):
        wait_for(lambda node=node: serving(f"{node}/healthz"), f"{node} to answer", timeout=90)

    times["nodes up"] = time.monotonic() - started
    # The workers and beat last, so that the reminders are still going out when the test looks for a worker to kill.
    worker = [str(BIN / "celery"), "-A", "config", "worker", "--concurrency=1", "--loglevel=INFO"]
    worker += ["--without-gossip", "--without-mingle"]
    for n in (1, 2):
        processes.start(f"worker-{n}", [*worker, "--hostname", f"scale-{n}@%h"], env(f"worker-{n}"))
    beat_env = env("beat")
    schedule = str(Path(beat_env["TANDEM_VAR_DIR"]) / "celerybeat-schedule")
    processes.start("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO", "-s", schedule], beat_env)

    # --- While beat sweeps: kill a worker in the middle of sending the reminders -------------------------------
    killed = kill_a_worker_mid_send(processes, sink)
    times["worker killed"] = time.monotonic() - started

    # --- Log in on A, carry on on B -------------------------------------------------------------------------
    coordinator = requests.Session()
    log_in(coordinator, a, "coordinator@example.com", PASSWORD)
    on_b = coordinator.get(f"{b}/programmes/", timeout=30)
    assert on_b.status_code == 200 and "Claire Osei" in on_b.text, "node B did not know the session node A made"

    # --- Evidence uploaded on A, downloaded from B --------------------------------------------------------
    programme, mentee = ids["programme"], ids["mentee"]
    create = reverse("programmes:training_record_create", args=[programme, mentee])
    page = coordinator.get(f"{a}{create}", timeout=30)
    form = form_of(page.text, action="")
    course = next(v for v, _selected, _disabled in next(c for c in form.controls if c.name == "course").options if v)
    pdf = evidence_pdf()
    answer = coordinator.post(
        f"{a}{create}",
        data=form.pairs(course=course, status="completed", completed_on=ids["today"]),
        files={"evidence_file": ("certificate.pdf", pdf, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:3000]
    (record,) = database.rows(
        "SELECT id, evidence_file FROM programmes_trainingrecord WHERE person_id = %s AND evidence_file <> ''"
        " ORDER BY id DESC LIMIT 1",
        (mentee,),
    )
    assert bucket.keys() == [f"uploads/{record[1]}"] and bucket.read(f"uploads/{record[1]}") == pdf
    evidence = reverse("programmes:training_evidence", args=[record[0]])
    download = coordinator.get(f"{b}{evidence}", timeout=30)
    assert download.status_code == 200 and download.content == pdf
    mentee_browser = requests.Session()
    log_in(mentee_browser, b, "mentee@example.com", PASSWORD)
    assert mentee_browser.get(f"{a}{evidence}", timeout=30).content == pdf
    # No node kept a copy: nothing under either var folder but what the node made for itself.
    for name in ("web-a", "web-b"):
        assert not (tmp_path / name / "media").exists(), f"{name} wrote an upload to its own disk"

    # --- Sessions logged on both nodes ------------------------------------------------------------------------
    mentor_browser = requests.Session()
    log_in(mentor_browser, a, "mentor@example.com", PASSWORD)
    logged = [
        log_session(mentor_browser, a, ids["pairing"], ids["today"], "Logged on node A."),
        log_session(mentee_browser, b, ids["pairing"], ids["today"], "Logged on node B."),
    ]
    for browser, node in ((mentor_browser, b), (mentee_browser, a)):
        sessions = browser.get(f"{node}{reverse('mentoring:session_list', args=[ids['pairing']])}", timeout=30)
        assert sessions.status_code == 200 and all(url in sessions.text for url in logged)

    # --- Every main page, on both nodes ---------------------------------------------------------------------
    browsers = {"coordinator": coordinator, "mentor": mentor_browser, "mentee": mentee_browser}
    for role, address in (("line_manager", "manager@example.com"), ("committee", "committee@example.com")):
        browsers[role] = requests.Session()
        log_in(browsers[role], b, address, PASSWORD)
    programme_pages = [reverse(entry[3], args=[programme]) for entry in PROGRAMME_TABS]
    failures = []
    walked = 0
    for role, browser in browsers.items():
        home = browser.get(f"{a}/", timeout=30)
        assert home.status_code == 200, f"{role}'s home on {a}: {home.status_code}"
        pages = main_pages(home.text) + (programme_pages if role == "coordinator" else [])
        if role in ("mentor", "mentee"):
            pages.append(reverse("mentoring:pairing_detail", args=[ids["pairing"]]))
        for path in pages:
            for node in (a, b):
                walked += 1
                status = browser.get(f"{node}{path}", allow_redirects=False, timeout=60).status_code
                if status != 200:
                    failures.append(f"{role} {node}{path}: {status}")
    assert not failures, "\n".join(failures)

    times["pages walked"] = time.monotonic() - started
    print(
        f"scale-out: {walked} pages walked; seconds from the start: "
        + ", ".join(f"{k} {v:.0f}" for k, v in times.items())
    )

    check_scim_limit_is_shared(a, b, ids["scim"])

    # --- Reminders: recorded once, told once, emailed (at most one twice per kill) --------------------------
    doubled = check_reminders(database, sink)
    times["reminders checked"] = time.monotonic() - started

    for node in (a, b):
        health = requests.get(f"{node}/healthz", timeout=30)
        assert health.status_code == 200, health.text
    times["done"] = time.monotonic() - started
    print(
        f"scale-out: {walked} pages walked; seconds from the start: "
        + ", ".join(f"{k} {v:.0f}" for k, v in times.items())
    )
    print(f"scale-out: {doubled} reminder emails went twice after {killed} was killed mid-send")
    assert doubled <= 1, f"{doubled} reminder emails went twice after one worker was killed"


def check_scim_limit_is_shared(a: str, b: str, token: str) -> None:
    """The SCIM rate limit counts a token's requests on every node together (the cache is Redis): a client that
    spreads its requests over two nodes gets no more than one node would give it."""
    if datetime.datetime.now(datetime.UTC).second > 50:
        time.sleep(61 - datetime.datetime.now(datetime.UTC).second)  # all in one minute: the limit is per minute
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/scim+json"}
    statuses = [
        requests.get(f"{node}/scim/v2/ServiceProviderConfig", headers=headers, timeout=30).status_code
        for node in (a, b) * SCIM_LIMIT
    ]
    assert statuses == [200] * SCIM_LIMIT + [429] * SCIM_LIMIT, statuses


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def serving(url: str) -> bool:
    """The node answers with its database migrated; beat starts later, so /healthz may still say 503 for beat."""
    try:
        parts = requests.get(url, timeout=5).json()
    except (requests.RequestException, ValueError):
        return False
    return parts.get("database") == "ok" and parts.get("migrations") == "ok"


def kill_a_worker_mid_send(processes: Processes, sink: SmtpSink) -> str:
    """SIGKILL the worker that is running a sweep while reminder emails are going out; its name."""

    def sweeping() -> str | None:
        if sum(c for (recipient, _), c in sink.counts().items() if recipient.startswith("scale-")) < 20:
            return None
        for name in ("worker-1", "worker-2"):
            if unfinished_tasks(processes.log(name), SWEEP):
                return name
        return None

    name = wait_for(sweeping, "a worker to be sending reminder emails", timeout=90, every=0.05)
    processes.kill(name)
    return name


def log_session(browser: requests.Session, node: str, pairing: int, today: str, summary: str) -> str:
    """Log a session through the form as rendered on ``node``; the new session's address. When the day already has
    a session, the form comes back asking to confirm another one, and the person ticks that box, as in a browser."""
    url = f"{node}{reverse('mentoring:session_create', args=[pairing])}"
    page = browser.get(url, timeout=30).text
    for _attempt in range(2):
        form = form_of(page, action="")
        boxes = {f"{c.name}={c.attrs.get('value') or 'on'}" for c in form.controls if c.kind == "checkbox"}
        values = {"held_on": today, "summary": summary}
        if any(c.name == "duration_minutes" for c in form.controls):
            values["duration_minutes"] = "45"
        data = form.pairs(tick={"duplicate_ok=on"} & boxes, **values)
        answer = browser.post(url, data=data, allow_redirects=False, timeout=30)
        if answer.status_code == 302:
            return answer.headers["Location"]
        page = answer.text
    raise AssertionError(f"logging a session on {node}: {answer.status_code}\n{answer.text[:3000]}")


def check_reminders(database: ThrowAwayDatabase, sink: SmtpSink) -> int:
    """Every reminder due recorded once, each person told once in the app, every email at the mail server;
    returns how many emails went twice."""

    def outbox_settled() -> bool:
        (waiting,) = database.rows(
            "SELECT count(*) FROM mentoring_reminderdigest WHERE status IN ('pending', 'sending')"
            " AND next_attempt_at <= now()"
        )[0]
        return waiting == 0

    wait_for(outbox_settled, "every reminder email to go", timeout=90, every=0.5)
    reminders = database.rows(
        "SELECT p.id, count(r.id) FROM mentoring_pairing p LEFT JOIN mentoring_reminder r ON r.pairing_id = p.id"
        " JOIN programmes_person m ON m.id = p.mentor_id WHERE m.email LIKE 'scale-%%' GROUP BY p.id"
    )
    assert len(reminders) == EXTRA_PAIRINGS and {count for _, count in reminders} == {1}, (
        f"reminders per pairing: {Counter(count for _, count in reminders)}"
    )
    assert database.rows("SELECT count(*) FROM mentoring_reminderdigest WHERE status = 'failed'") == [(0,)]
    # Told in the app once per reminder: each of the extra pairs' people has exactly one notice.
    notices = database.rows(
        "SELECT p.email, count(n.id) FROM programmes_person p LEFT JOIN programmes_notification n"
        " ON n.person_id = p.id WHERE p.email LIKE 'scale-%%' GROUP BY p.email"
    )
    assert len(notices) == 2 * EXTRA_PAIRINGS and {count for _, count in notices} == {1}, (
        f"notices per person: {Counter(count for _, count in notices)}"
    )
    # Emailed: every digest sent is in the sink; more than one copy only for what the killed worker had in hand.
    sent = database.rows(
        "SELECT lower(p.email) FROM mentoring_reminderdigest d JOIN programmes_person p ON p.id = d.person_id"
        " WHERE d.status = 'sent' AND d.sent_at IS NOT NULL"
    )
    received = sink.counts()
    per_person = Counter()
    for (recipient, _subject), count in received.items():
        per_person[recipient] += count
    sent_to = {email for (email,) in sent}
    missing = sorted(email for email in sent_to if per_person[email] == 0)
    # Twice: the same subject to the same one of the extra people, whose only email is their reminder digest (the
    # demo's people also get other emails, e.g. one per session logged on each node, which may share a subject).
    twice = {key: count for key, count in received.items() if key[0].startswith("scale-") and count > 1}
    doubled = sum(count - 1 for count in twice.values())
    if twice:
        print(f"scale-out: emails that went more than once: {sorted(twice.items())[:10]}")
    assert not missing, f"{len(missing)} reminder emails marked sent never reached the mail server: {missing[:5]}"
    scale = {email for email in sent_to if email.startswith("scale-")}
    assert len(scale) == 2 * EXTRA_PAIRINGS, f"{2 * EXTRA_PAIRINGS - len(scale)} of the extra people got no email"
    return doubled
