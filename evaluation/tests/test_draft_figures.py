"""A draft's figures are kept while nothing they read has changed, and worked out again after any change, however
it was made (a service, a bulk update, a hand-run statement, another node), so the draft always shows the figures
as they are now (``services/draft_figures.py``). PostgreSQL: the change log is written by its triggers."""

from __future__ import annotations

import datetime
import re
import threading

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from evaluation.models import DraftFigures, FiguresChange, Report
from evaluation.services import draft_figures
from evaluation.services import reports as services
from evaluation.services.draft_figures import figure_changes_purge
from evaluation.services.personal_data import person_erase
from evaluation.tasks import purge_old_figure_changes
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from mentoring.models import MentoringSession
from mentoring.tests.factories import MentoringSessionFactory
from programmes.models import OrgUnit, Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres():
    from conftest import require

    require(connection.vendor == "postgresql", "kept draft figures need PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def report(cast, frozen) -> Report:
    programme = cast["pairing"].programme
    populate(programme, {"Engineering": 8, "Operations": 6})
    backdate_memberships(programme)
    made = services.report_create(programme=programme, by=cast["coordinator"], period=QUARTER)
    return services.report_update(report=made, title=made.title, narrative="The programme grew.")


def figure(data: dict, key: str) -> dict:
    return next(f for s in data["sections"] for f in s["figures"] if f["key"] == key)


def shown(report: Report) -> tuple[dict, int]:
    """What the page shows of a draft now, and how many queries that took (1 when kept)."""
    report.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        content = services.report_content(report)
    return content, len(queries)


def fresh(report: Report) -> dict:
    """The figures worked out now, as submitting would freeze them."""
    report.refresh_from_db()
    return services.report_snapshot(report)


def same(a: dict, b: dict) -> bool:
    strip = lambda d: {k: v for k, v in d.items() if k != "computed_at"}  # noqa: E731
    return strip(a) == strip(b)


def test_kept_figures_are_shown_while_nothing_changed_and_worked_out_again_after_a_change_however_made(report):
    first, worked = shown(report)
    again, kept = shown(report)
    assert kept == 1 and worked > 20
    assert again == first and same(again, fresh(report))
    hours = figure(first, "confirmed_hours")["value"]
    assert hours == 14.0  # 14 pairings with an hour each in the quarter

    # A hand-run statement on a session (no service, no signal): the next view works the figures out again.
    session = MentoringSession.objects.filter(pairing__programme=report.programme, held_on__lt=QUARTER.end).first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mentoring_mentoringsession SET duration_minutes = 180 WHERE id = %s", [session.pk])
    after, worked = shown(report)
    assert worked > 20 and figure(after, "confirmed_hours")["value"] == hours + 2
    assert same(after, fresh(report))
    assert shown(report) == (after, 1)

    # A table that is no one programme's (a department renamed in bulk): every draft is worked out again.
    OrgUnit.objects.filter(name="Engineering").update(name="Engineering and Data")
    after, worked = shown(report)
    assert (
        worked > 20 and "Engineering and Data" in after["team"]["rows"] and "Engineering" not in after["team"]["rows"]
    )


def test_the_narrative_a_login_or_another_programmes_session_change_no_figure_so_the_kept_ones_are_shown(report, cast):
    elsewhere = MentoringSessionFactory(held_on=datetime.date(2026, 2, 1))
    assert elsewhere.pairing.programme_id != report.programme_id
    shown(report)
    Report.objects.filter(pk=report.pk).update(narrative="Rewritten while the figures stay.")
    Person.objects.filter(pk=cast["coordinator"].pk).update(last_login=NOW)
    MentoringSession.objects.filter(pk=elsewhere.pk).update(duration_minutes=45)
    content, queries = shown(report)
    assert queries == 1 and content["narrative"] == "Rewritten while the figures stay."
    # A column the figures read on the same rows is a change.
    Person.objects.filter(pk=cast["mentee"].pk).update(display_name="Someone else")
    assert shown(report)[1] > 20


def test_every_table_the_figures_read_logs_its_changes(report):
    with CaptureQueriesContext(connection) as queries:
        fresh(report)
    tables = {t for q in queries.captured_queries for t in re.findall(r'(?:FROM|JOIN)\s+"([a-z_0-9]+)"', q["sql"])}
    assert "mentoring_sessionstate" in tables and len(tables) > 20
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, array_agg(t.tgname::text) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'tandem_figures_%%' GROUP BY c.relname"
        )
        triggers = {table: set(names) for table, names in cursor.fetchall()}
    missing = {
        t for t in tables if triggers.get(t) != {"tandem_figures_ins", "tandem_figures_upd", "tandem_figures_del"}
    }
    assert not missing, f"add these tables' triggers in a migration (as evaluation/0008 does): {sorted(missing)}"


def test_figures_read_by_a_transaction_that_has_written_are_not_kept(report):
    sessions = MentoringSession.objects.filter(pairing__programme=report.programme)
    with transaction.atomic():
        sessions.update(duration_minutes=120)
        content, _ = shown(report)
        assert figure(content, "confirmed_hours")["value"] == 28.0
        sessions.update(duration_minutes=180)  # the same transaction writes again after reading them
    assert not DraftFigures.objects.filter(report=report).exists()
    assert figure(shown(report)[0], "confirmed_hours")["value"] == 42.0

    with transaction.atomic():
        sessions.update(duration_minutes=60)
        assert figure(shown(report)[0], "confirmed_hours")["value"] == 14.0
        transaction.set_rollback(True)
    assert figure(shown(report)[0], "confirmed_hours")["value"] == 42.0  # the rolled-back hours never show


def test_a_change_committed_on_another_connection_while_the_figures_are_read_is_shown_on_the_next_view(
    report, monkeypatch
):
    real = services.report_snapshot

    def read_then_another_node_writes(r: Report) -> dict:
        content = real(r)  # the figures are read, and before they are kept another node's change commits

        def write() -> None:
            try:
                MentoringSession.objects.filter(pairing__programme=r.programme).update(duration_minutes=30)
            finally:
                connections.close_all()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        return content

    monkeypatch.setattr(services, "report_snapshot", read_then_another_node_writes)
    before, _ = shown(report)
    assert figure(before, "confirmed_hours")["value"] == 14.0
    monkeypatch.setattr(services, "report_snapshot", real)
    after, worked = shown(report)
    assert worked > 20 and figure(after, "confirmed_hours")["value"] == 7.0


def test_kept_figures_are_shown_only_on_their_day_by_the_code_that_worked_them_out_on_the_same_database(
    report, monkeypatch
):
    shown(report)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert shown(report)[1] > 20
        assert shown(report)[1] == 1
        # A new release (the reporting code hashed differently) works them out again.
        monkeypatch.setattr(draft_figures, "_code", lambda: "another release")
        assert shown(report)[1] > 20
        assert shown(report)[1] == 1
        # Restored into another server, whose transaction ids are behind the stored snapshot's: not kept.
        DraftFigures.objects.filter(report=report).update(db_snapshot="9000000000:9000000000:")
        assert shown(report)[1] > 20
        assert shown(report)[1] == 1


def test_erasing_a_person_drops_every_kept_figure(report, cast, administrator):
    shown(report)
    assert DraftFigures.objects.filter(report=report).exists()
    person_erase(person=cast["outsider"], by=administrator)
    assert not DraftFigures.objects.exists()
    assert shown(report)[1] > 20


def test_the_daily_purge_forgets_changes_after_two_days_and_kept_figures_once_they_can_no_longer_be_shown(report):
    shown(report)  # kept on the 15th
    FiguresChange.objects.create(programme_id=0, xact=1, at=NOW - datetime.timedelta(days=3))
    newer = FiguresChange.objects.filter(at__gte=NOW - datetime.timedelta(days=2)).count()
    assert newer >= 1  # the changes the report's world was made with
    assert figure_changes_purge() == 1 and FiguresChange.objects.count() == newer
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        purge_old_figure_changes()
        assert DraftFigures.objects.exists()
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        purge_old_figure_changes()
        assert not DraftFigures.objects.exists()
