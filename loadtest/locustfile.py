"""Locust users for Tandem's load test; `make loadtest` runs them through loadtest/run.py.

Each user is one participant of an active pairing (mentor or mentee); the programme's coordinator is one more
browser whose dashboards the users' tasks open. All log in through the real login form. Task weights give the
mix of requests: 70 % mentor and mentee pages, 20 % session logging (a POST of a valid session to the user's own
pairing), 10 % coordinator dashboards. Every request is one page load without following redirects, so a
redirect to the login page or a form shown again with errors counts as a failure. Requests are grouped by URL
name (``mentoring:pairing_detail``), not by id.

The accounts come from the file named by TANDEM_LOADTEST_ACCOUNTS (run.py writes it from the seeded
database). Without it, against a `make run` with the demo data, the demo mentor and mentee are used and their
pairing and programme are read from the pages:
    .venv-load/bin/locust -f loadtest/locustfile.py --host http://127.0.0.1:8000
"""

from __future__ import annotations

import datetime
import html
import itertools
import json
import os
import random
import re

from gevent.lock import Semaphore
from locust import HttpUser, between, task
from locust.clients import HttpSession

DEMO_PASSWORD = "tandem-demo"
# Think time between a user's requests: short, so that 20 users make a busy office's worth of traffic.
WAIT_MIN, WAIT_MAX = (float(s) for s in os.environ.get("TANDEM_LOADTEST_WAIT", "0.05,0.25").split(","))

PAIRING_LINK = re.compile(r'href="/mentoring/pairings/(\d+)/"')
DASHBOARD_LINK = re.compile(r'href="/reports/programmes/(\d+)/dashboard/')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_ERRORS = re.compile(
    r'class="invalid-feedback"><strong>(.*?)</strong>|alert-danger[^>]*>\s*<ul>\s*<li>(.*?)</li>', re.S
)
SESSION_DETAIL = re.compile(r"^/mentoring/pairings/\d+/sessions/\d+/$")


def _accounts() -> dict:
    path = os.environ.get("TANDEM_LOADTEST_ACCOUNTS")
    if path:
        with open(path) as handle:
            return json.load(handle)
    return {
        "password": DEMO_PASSWORD,
        "coordinator": "coordinator@example.com",
        "programme": None,
        "today": None,
        "participants": [
            {"email": "mentor@example.com", "side": "mentor", "pairing": None, "started_on": None},
            {"email": "mentee@example.com", "side": "mentee", "pairing": None, "started_on": None},
        ],
    }


ACCOUNTS = _accounts()
_slots = itertools.count()


def _form_errors(text: str) -> str:
    found = [html.unescape(a or b).strip() for a, b in FORM_ERRORS.findall(text)]
    return "; ".join(found) or "the form came back without a visible error"


def log_in(client: HttpSession, email: str, password: str) -> None:
    """GET the login form for its CSRF token, POST it; a successful login redirects away from the form."""
    with client.get("/accounts/login/", name="login form", allow_redirects=False, catch_response=True) as page:
        token = CSRF_INPUT.search(page.text or "")
        if page.status_code != 200 or not token:
            page.failure(f"login form: HTTP {page.status_code}, CSRF token {'found' if token else 'missing'}")
            raise RuntimeError(f"cannot log in {email}")
    with client.post(
        "/accounts/login/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token.group(1), "next": ""},
        name="login",
        allow_redirects=False,
        catch_response=True,
    ) as answer:
        if answer.status_code != 302 or "/accounts/login/" in answer.headers.get("Location", ""):
            answer.failure(f"login of {email} refused: HTTP {answer.status_code}")
            raise RuntimeError(f"cannot log in {email}")


def expect_page(client: HttpSession, url: str, name: str) -> str:
    """GET a page a logged-in user may see; anything but 200 (a redirect to login, a 403, a 500) fails."""
    with client.get(url, name=name, allow_redirects=False, catch_response=True) as page:
        if page.status_code != 200:
            where = page.headers.get("Location", "")
            page.failure(f"HTTP {page.status_code}{' to ' + where if where else ''}")
        return page.text or ""


_coordinator: dict = {}
_coordinator_lock = Semaphore()


def coordinator_browser(user: HttpUser) -> tuple[HttpSession, int | None]:
    """The coordinator's one browser, logged in once and shared by every user's dashboard task.

    A programme has one coordinator, not twenty: one session, as in real life, and one password hash (a
    deliberate third of a second of CPU) instead of one per user.
    """
    with _coordinator_lock:  # the first user logs in; the others wait for that login, then share it
        if not _coordinator:
            browser = HttpSession(base_url=user.host, request_event=user.environment.events.request, user=None)
            log_in(browser, ACCOUNTS["coordinator"], ACCOUNTS["password"])
            programme = ACCOUNTS["programme"]
            if programme is None:  # no accounts file: read the programme from the overview's links
                page = expect_page(browser, "/reports/dashboard/", "evaluation:dashboard_all")
                found = DASHBOARD_LINK.search(page)
                programme = int(found.group(1)) if found else None
            _coordinator.update(browser=browser, programme=programme)
    return _coordinator["browser"], _coordinator["programme"]


class Participant(HttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        account = ACCOUNTS["participants"][next(_slots) % len(ACCOUNTS["participants"])]
        self.email = account["email"]
        log_in(self.client, self.email, ACCOUNTS["password"])
        self.pairing = account["pairing"]
        if self.pairing is None:  # no accounts file: read the pairing from the participant's home page
            found = PAIRING_LINK.search(expect_page(self.client, "/mentoring/", "mentoring:home"))
            if not found:
                raise RuntimeError(f"{self.email} has no pairing to work in")
            self.pairing = int(found.group(1))
        if ACCOUNTS["today"]:
            today = datetime.date.fromisoformat(ACCOUNTS["today"])  # the server's date, from run.py
        else:  # yesterday in UTC is no later than today in any time zone the server may use
            today = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1)
        started = datetime.date.fromisoformat(account["started_on"]) if account["started_on"] else today
        # Sessions go on the last four weeks' days (never the future, never before the pairing started).
        self.session_days = [
            today - datetime.timedelta(days=n) for n in range(28) if today - datetime.timedelta(days=n) >= started
        ]

        self.coordinator, self.programme = coordinator_browser(self)

    # --- 70 %: mentor and mentee pages ---
    @task(15)
    def my_mentoring(self) -> None:
        expect_page(self.client, "/mentoring/", "mentoring:home")

    @task(20)
    def pairing_workspace(self) -> None:
        expect_page(self.client, f"/mentoring/pairings/{self.pairing}/", "mentoring:pairing_detail")

    @task(15)
    def session_list(self) -> None:
        expect_page(self.client, f"/mentoring/pairings/{self.pairing}/sessions/", "mentoring:session_list")

    @task(10)
    def notifications(self) -> None:
        expect_page(self.client, "/programmes/notifications/", "programmes:notifications")

    @task(10)
    def session_form(self) -> None:
        expect_page(self.client, f"/mentoring/pairings/{self.pairing}/sessions/new/", "mentoring:session_create (form)")

    # --- 20 %: logging a session ---
    @task(20)
    def log_session(self) -> None:
        day = random.choice(self.session_days)
        data = {
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            "held_on": day.isoformat(),
            "duration_minutes": random.choice([30, 45, 60, 90]),
            "mode": random.choice(["in_person", "video", "phone", "chat"]),
            "summary": "Went through the quarter's plan and how to ask for a stretch project.",
            "next_steps": "Draft the project pitch before we meet again.",
            # Twenty users log hundreds of sessions into ten pairings, so most days already have one: the
            # user ticks "another session on the same day" up front rather than after the warning.
            "duplicate_ok": "on",
        }
        if random.random() < 0.5:  # half of them with a private note, which is encrypted on save
            data["private_note"] = "Felt more confident about the pitch than last time."
        with self.client.post(
            f"/mentoring/pairings/{self.pairing}/sessions/new/",
            data=data,
            name="mentoring:session_create (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            where = answer.headers.get("Location", "")
            if answer.status_code == 200:
                answer.failure(f"form error: {_form_errors(answer.text or '')}"[:300])
            elif answer.status_code != 302 or not SESSION_DETAIL.match(where):
                answer.failure(f"HTTP {answer.status_code}{' to ' + where if where else ''}")

    # --- 10 %: the coordinator's dashboards ---
    @task(5)
    def programme_dashboard(self) -> None:
        if self.programme is None:
            return
        expect_page(self.coordinator, f"/reports/programmes/{self.programme}/dashboard/", "evaluation:dashboard")

    @task(5)
    def all_dashboard(self) -> None:
        expect_page(self.coordinator, "/reports/dashboard/", "evaluation:dashboard_all")
