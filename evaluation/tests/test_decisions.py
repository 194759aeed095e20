"""Committee decisions followed through (issue 20, point 6): an owner, a due date and a status; the owner (or a
coordinator) keeps it up to date; the programme's next report lists every earlier decision still open when its
period started or closed during it, frozen when the report is submitted, on the page, in the PDF and the CSV."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.pagination import PAGE_SIZE
from evaluation.models import Report, ReportDecision
from evaluation.selectors.reporting import Period, report_figures
from evaluation.services import decisions as decisions_services
from evaluation.services import reports as services
from evaluation.services.draft_figures import kept_figures_check
from evaluation.tests.factories import ReportFactory
from evaluation.tests.report_world import NOW, backdate_memberships, populate
from evaluation.tests.test_report_exports import csv_rows, pdf_text
from programmes.models import Notification
from programmes.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

EARLIER = (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))  # Q4 2025; the next report is Q1 2026


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def earlier(cast):
    return earlier_report(cast["pairing"].programme)


def earlier_report(programme):
    """The programme's Q4 2025 report, submitted before decisions were followed (its snapshot has none)."""
    figures = report_figures(programme=programme, period=Period(*EARLIER))
    return ReportFactory(
        programme=programme,
        title="Q4 2025 report",
        period_start=EARLIER[0],
        period_end=EARLIER[1],
        status=Report.Status.SUBMITTED,
        snapshot={**figures, "title": "Q4 2025 report", "narrative": "A quarter."},
    )


def decision(report, author, *, owner=None, status="open", closed_on=None, due_on=None, text="Train the mentors."):
    return ReportDecision.objects.create(
        report=report,
        author=author,
        kind=ReportDecision.Kind.DECISION,
        text=text,
        owner=owner,
        due_on=due_on or datetime.date(2026, 2, 28),
        status=status,
        closed_on=closed_on,
    )


# --- Owner, due date, who is told ------------------------------------------------------------------------------


def test_a_decision_is_owned_by_a_coordinator_or_a_participants_line_manager_never_an_outsider(cast, earlier):
    committee, due = cast["committee_member"], datetime.date(2026, 6, 30)
    for owner in (cast["coordinator"], cast["line_manager"]):
        made = services.report_decision_record(
            report=earlier, by=committee, kind="decision", text="Act.", owner=owner, due_on=due
        )
        assert (made.owner, made.due_on, made.status) == (owner, due, ReportDecision.Status.OPEN)
    for stranger in (cast["outsider"], cast["mentor"], PersonFactory()):
        with pytest.raises(ValidationError) as exc:
            services.report_decision_record(
                report=earlier, by=committee, kind="decision", text="Act.", owner=stranger, due_on=due
            )
        assert "owner" in exc.value.message_dict
    assert earlier.decisions.count() == 2  # nothing half-saved


def test_a_decision_needs_an_owner_and_a_due_date_a_recommendation_does_not(cast, earlier):
    committee = cast["committee_member"]
    with pytest.raises(ValidationError) as exc:
        services.report_decision_record(report=earlier, by=committee, kind="decision", text="Act.")
    assert set(exc.value.message_dict) == {"owner", "due_on"}
    with pytest.raises(ValidationError) as exc:
        services.report_decision_record(
            report=earlier,
            by=committee,
            kind="decision",
            text="Act.",
            owner=cast["coordinator"],
            due_on=datetime.date(2026, 4, 1),
        )
    assert "due_on" in exc.value.message_dict  # already past
    services.report_decision_record(report=earlier, by=committee, kind="recommendation", text="Think about it.")


def test_the_owner_is_told_in_their_own_language(cast, earlier, django_capture_on_commit_callbacks):
    manager = cast["line_manager"]
    manager.language = "de"
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        made = services.report_decision_record(
            report=earlier,
            by=cast["committee_member"],
            kind="decision",
            text="Act.",
            owner=manager,
            due_on=datetime.date(2026, 6, 30),
        )
    note = Notification.objects.get(person=manager)
    assert "Beschluss" in note.text and note.url == made.get_absolute_url()
    assert [m.subject for m in mail.outbox if manager.email in m.to] == [
        "Ein Beschluss des Ausschusses für Sie: Q4 2025 report"
    ]


def test_the_committee_records_owner_and_due_date_on_the_report_page(client, cast, earlier):
    client.force_login(cast["committee_member"])
    page = client.get(earlier.get_absolute_url()).content.decode()
    assert str(cast["line_manager"]) in page and str(cast["outsider"]) not in page  # the owners offered
    response = client.post(
        reverse("evaluation:report_decision", args=[earlier.pk]),
        {"kind": "decision", "text": "Brief the managers.", "owner": cast["line_manager"].pk, "due_on": "2026-06-30"},
    )
    assert response.status_code == 302
    assert earlier.decisions.get().owner == cast["line_manager"]
    response = client.post(
        reverse("evaluation:report_decision", args=[earlier.pk]),
        {"kind": "decision", "text": "Again.", "owner": cast["outsider"].pk, "due_on": "2026-06-30"},
        follow=True,
    )
    assert earlier.decisions.count() == 1 and "valid choice" in response.content.decode()


# --- Updating: the owner and the coordinators only -------------------------------------------------------------


def test_only_the_owner_and_the_programmes_coordinators_update_a_decision(cast, earlier):
    made = decision(earlier, cast["committee_member"], owner=cast["line_manager"])
    for someone in (cast["committee_member"], cast["mentor"], cast["outsider"]):
        with pytest.raises(PermissionDenied):
            decisions_services.decision_update(decision=made, by=someone, status="done", outcome="Done.")
    decisions_services.decision_update(decision=made, by=cast["line_manager"], status="in_progress", outcome="Begun.")
    made = decisions_services.decision_update(decision=made, by=cast["coordinator"], status="done", outcome="Ended.")
    assert (made.status, made.closed_on, made.updated_by) == ("done", NOW.date(), cast["coordinator"])
    assert [(u.status, u.by) for u in made.updates.all()] == [
        ("in_progress", cast["line_manager"]),
        ("done", cast["coordinator"]),
    ]


def test_closing_a_decision_needs_what_was_done_and_reopening_clears_the_day(cast, earlier):
    made = decision(earlier, cast["committee_member"], owner=cast["line_manager"])
    with pytest.raises(ValidationError):
        decisions_services.decision_update(decision=made, by=cast["line_manager"], status="done", outcome=" ")
    made = decisions_services.decision_update(decision=made, by=cast["line_manager"], status="dropped", outcome="No.")
    assert made.closed_on == NOW.date()
    made = decisions_services.decision_update(decision=made, by=cast["line_manager"], status="open", outcome="No.")
    assert made.closed_on is None


def test_the_decision_page_lets_the_owner_update_and_the_committee_only_read(client, cast, earlier):
    made = decision(earlier, cast["committee_member"], owner=cast["line_manager"])
    url = reverse("evaluation:decision_update", args=[made.pk])
    client.force_login(cast["committee_member"])
    assert 'name="outcome"' not in client.get(url).content.decode()
    assert client.post(url, {"status": "done", "outcome": "x"}).status_code == 403
    client.force_login(cast["line_manager"])
    response = client.post(url, {"status": "in_progress", "outcome": "Booked the course."})
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.outcome) == ("in_progress", "Booked the course.")
    assert client.post(url, {"status": "done", "outcome": ""}).status_code == 200  # the message, nothing saved
    made.refresh_from_db()
    assert made.status == "in_progress"


# --- The next report: carry-over, frozen, exported --------------------------------------------------------------


def test_the_next_report_lists_decisions_open_at_its_start_or_closed_during_it(cast, programme, earlier):
    author, owner = cast["committee_member"], cast["coordinator"]
    still_open = decision(earlier, author, owner=owner, text="Still open.")
    closed_during = decision(earlier, author, owner=owner, status="done", closed_on=datetime.date(2026, 2, 1),
                             text="Closed during.")  # fmt: skip
    decision(earlier, author, owner=owner, status="done", closed_on=datetime.date(2025, 12, 20), text="Before.")
    ReportDecision.objects.create(report=earlier, author=author, kind="recommendation", text="A recommendation.")
    nxt = ReportFactory(programme=programme, title="Q1 2026 report")
    decision(nxt, author, owner=owner, text="On this report itself.")
    followed = decisions_services.decisions_followed(nxt)
    assert [i["id"] for i in followed["items"]] == [still_open.pk, closed_during.pk]
    assert followed["items"][0]["overdue"] and not followed["items"][1]["overdue"]  # due 28 Feb, now mid-April
    shown = decisions_services.decisions_followed_present(followed)
    assert shown["summary"] == "1 of 2 earlier decisions done."


def test_a_submitted_report_keeps_the_decisions_as_they_stood(client, cast, programme):
    populate(programme, {"Finance": 3, "Engineering": 8, "Operations": 6})
    backdate_memberships(programme)
    earlier = earlier_report(programme)
    made = decision(earlier, cast["committee_member"], owner=cast["line_manager"])
    quarter = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    nxt = services.report_create(programme=programme, by=cast["coordinator"], period=quarter)
    services.report_update(report=nxt, title=nxt.title, narrative="A quarter.")
    services.report_submit(report=nxt, by=cast["coordinator"])
    decisions_services.decision_update(decision=made, by=cast["line_manager"], status="done", outcome="All trained.")
    nxt.refresh_from_db()
    assert nxt.snapshot["decisions_followed"]["items"][0]["status"] == "open"
    client.force_login(cast["committee_member"])
    page = client.get(nxt.get_absolute_url()).content.decode()
    assert "0 of 1 earlier decision done." in page and "All trained." not in page
    assert "Train the mentors." in page and "overdue" in page
    text = pdf_text(client.get(reverse("evaluation:report_pdf", args=[nxt.pk])))
    assert "Earlier decisions followed up" in text and "Train the mentors." in text and "overdue" in text
    rows = csv_rows(client.get(reverse("evaluation:report_csv", args=[nxt.pk])))
    followed = [r for r in rows if r[0] == "Earlier decisions followed up"]
    assert followed[3][:5] == [
        "Earlier decisions followed up",
        "",
        "Q4 2025 report: Train the mentors.",
        "Status",
        "Open (overdue)",
    ]


def test_a_report_frozen_before_decisions_were_followed_reads_as_it_did(client, cast, earlier):
    client.force_login(cast["committee_member"])
    page = client.get(earlier.get_absolute_url()).content.decode()
    assert page.count("Decisions and recommendations") == 1 and "Earlier decisions followed up" not in page
    text = pdf_text(client.get(reverse("evaluation:report_pdf", args=[earlier.pk])))
    assert "Earlier decisions followed up" not in text


# --- Decisions for me: the same queries with 1 decision and with 30 ----------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_decisions_for_me_runs_the_same_queries_with_1_and_30(client, cast, earlier, django_assert_num_queries, count):
    for i in range(count):
        decision(earlier, cast["committee_member"], owner=cast["line_manager"], text=f"Decision {i}")
    client.force_login(cast["line_manager"])
    url = reverse("evaluation:decisions_mine")
    client.get(url)
    # session, user, areas (the decorator, cached for the navigation); the count; the page of decisions with their
    # reports, programmes and owners.
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200 and "Decision 0" in response.content.decode()
    assert len(re.findall(r"overdue", response.content.decode())) == min(count, PAGE_SIZE)  # all due 28 Feb


def test_decisions_for_me_lists_a_coordinators_programme_decisions_and_nobody_elses(client, cast, earlier):
    decision(earlier, cast["committee_member"], owner=cast["line_manager"], text="The manager's.")
    client.force_login(cast["coordinator"])
    assert "The manager&#x27;s." in client.get(reverse("evaluation:decisions_mine")).content.decode()
    other = PersonFactory()
    client.force_login(other)
    assert client.get(reverse("evaluation:decisions_mine")).status_code == 403


@pytest.mark.parametrize("count", [1, 30])
def test_the_next_reports_page_runs_the_same_queries_with_1_and_30_earlier_decisions(
    client, cast, earlier, django_assert_num_queries, count
):
    for i in range(count):
        decision(earlier, cast["committee_member"], owner=cast["line_manager"], text=f"Decision {i}")
    nxt = ReportFactory(programme=earlier.programme, title="Q1 2026 report")
    client.force_login(cast["coordinator"])
    client.get(nxt.get_absolute_url())
    # session, user, the report with my roles, the navigation's areas; the draft's live figures, the mentors' two
    # included (see test_reports.test_report_pages_run_the_same_queries_with_3_pairings_and_with_300), the earlier
    # decisions it follows up (one query, with their reports and owners); comments, decisions, sign-offs. Both
    # periods' sessions are read in one query, for the department table, sessions by month and protected time; the
    # pairings with their sessions without a history, pauses and cadence changes (4); the participants once, for
    # participants by role, by department and protected time, with the courses each role requires (2); survey
    # answers, then their questions' words (2).
    # On PostgreSQL, one more: whether figures kept from an earlier view may be shown (never here: the test's
    # transaction has written, so nothing is kept; test_draft_figures shows a kept draft's single query).
    with django_assert_num_queries(29 + kept_figures_check()):
        page = client.get(nxt.get_absolute_url()).content.decode()
    assert f"0 of {count} earlier decision" in page and f"Decision {count - 1}" in page
