"""Committee reports: the figures, their suppression, the lifecycle, who sees what, the frozen snapshot, and a
fixed number of queries whatever the programme's size."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import Intervention, Report
from evaluation.selectors.reporting import Period, last_quarter, recent_quarters, report_figures
from evaluation.services import reports as services
from evaluation.services.draft_figures import kept_figures_check
from evaluation.tests.factories import InterventionFactory, ReportFactory
from evaluation.tests.report_world import NOW, QUARTER, backdate_memberships, populate
from mentoring.models import MentoringSession, Pairing
from mentoring.services import lifecycle
from mentoring.tests.factories import MentoringSessionFactory
from programmes.models import Notification, Role
from programmes.tests.factories import MembershipFactory, PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(cast):
    """The cast's programme with Finance (3 mentees: too few to show), Engineering (8) and Operations (6)."""
    programme = cast["pairing"].programme
    populate(programme, {"Finance": 3, "Engineering": 8, "Operations": 6})
    backdate_memberships(programme)
    return programme


def table(data: dict, key: str) -> dict:
    if key == "team":
        return data["team"]
    return next(t for s in data["sections"] for t in s["tables"] if t["key"] == key)


def figure(data: dict, key: str) -> dict:
    found = [f for s in data["sections"] for f in s["figures"] if f["key"] == key]
    return found[0]


def team_cell(data: dict, row: str, col: str) -> dict:
    t = data["team"]
    return t["cells"][t["rows"].index(row)][t["cols"].index(col)]


# --- The figures ---------------------------------------------------------------------------------------------


def test_figures_count_the_period_and_compare_with_the_one_before(world):
    data = report_figures(programme=world, period=QUARTER)
    assert data["previous"]["label"] == "1 Oct 2025 to 31 Dec 2025"
    # 17 pairings from December plus the cast's from March: 18 active in Q1, 17 in Q4.
    assert figure(data, "active_pairings") | {} == figure(data, "active_pairings")
    assert (figure(data, "active_pairings")["value"], figure(data, "active_pairings")["previous"]) == (18, 17)
    assert figure(data, "active_pairings")["change"] == 1
    # No session in Q4: the total of 0 would tell that Finance's three mentees (a hidden cell) met 0 times.
    assert (figure(data, "sessions")["value"], figure(data, "sessions")["previous"]) == (17, None)
    assert figure(data, "confirmed_hours")["value"] == 17.0
    # Every pairing is escalated at the quarter's end (last session 10 Feb, every 14 days, 7 days' grace).
    states = table(data, "checkin_states")
    assert [c["value"] for c in states["cells"][0]] == [0, 0, 0, 18]
    assert states["row_totals"][0]["value"] == 18


def test_the_team_table_hides_a_department_under_five_and_one_more_so_totals_give_nothing_away(world):
    data = report_figures(programme=world, period=QUARTER)
    team = data["team"]
    assert team["rows"] == ["Engineering", "Finance", "Mentor pool", "Operations"]
    for col in team["cols"]:
        assert team_cell(data, "Finance", col)["value"] is None  # 3 mentees
    # The column totals are the programme's: 17 mentors + 17 mentees + the cast's mentor and mentee.
    assert [c["value"] for c in team["col_totals"]] == [36, 18, 17, 17.0]
    assert team_cell(data, "Engineering", "Participants")["value"] == 9  # 8 mentees and the cast's mentor
    for i, col in enumerate(team["cols"]):
        hidden = [team["cells"][r][i]["value"] for r in range(len(team["rows"]))].count(None)
        assert hidden != 1, f"{col}: one hidden cell is the total minus the others"
    # A department where nobody is paired shows its 0: it describes nobody.
    assert team_cell(data, "Mentor pool", "Active pairings")["value"] == 0


def test_a_change_is_never_shown_beside_a_hidden_figure(world):
    data = report_figures(programme=world, period=QUARTER)
    cell = team_cell(data, "Finance", "Sessions held")
    assert cell["value"] is None and cell["change"] is None


def test_interventions_are_counted_by_kind_without_a_name_or_a_note(world, coordinator):
    pairings = list(world.pairings.all()[:6])
    for kind, count in ((Intervention.Kind.CALL, 6), (Intervention.Kind.EXTRA_TRAINING, 5)):
        for p in pairings[:count]:
            InterventionFactory(pairing=p, kind=kind, note="Secret note", created_by=coordinator)
    InterventionFactory(pairing=pairings[0], kind=Intervention.Kind.MEDIATION, note="x")
    Intervention.objects.filter(programme=world).update(created_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    data = report_figures(programme=world, period=QUARTER)
    line = table(data, "interventions")
    values = dict(zip(line["cols"], [c["value"] for c in line["cells"][0]], strict=True))
    assert values["Call"] == 6
    assert values["Mediation"] is None  # one person
    assert values["Extra training"] is None  # else the mediation would be 12 - 6 - 5
    assert values["Pause"] == 0  # about nobody
    assert line["row_totals"][0]["value"] == 12
    assert "Secret note" not in str(data)


def test_quarters_to_choose_from_and_the_last_one_that_ended():
    assert recent_quarters(datetime.date(2026, 4, 15), 3) == [
        ("2026-Q2", "Q2 2026 (1 Apr 2026 to 30 Jun 2026)"),
        ("2026-Q1", "Q1 2026 (1 Jan 2026 to 31 Mar 2026)"),
        ("2025-Q4", "Q4 2025 (1 Oct 2025 to 31 Dec 2025)"),
    ]
    assert last_quarter(datetime.date(2026, 4, 15)) == QUARTER
    assert Period(datetime.date(2026, 1, 10), datetime.date(2026, 1, 19)).previous == Period(
        datetime.date(2025, 12, 31), datetime.date(2026, 1, 9)
    )


def checkin_states(data: dict) -> list[int]:
    return [c["value"] for c in table(data, "checkin_states")["cells"][0]]


def test_a_pairing_paused_after_the_period_keeps_its_checkin_state_at_the_periods_end(world, cast):
    before = report_figures(programme=world, period=QUARTER)
    pairing = cast["pairing"]
    lifecycle.pairing_pause(pairing=pairing, by=pairing.mentor, reason="Leave", resume_on=NOW.date() + days(30))
    after = report_figures(programme=world, period=QUARTER)
    # Paused on 15 April: it was running, and escalated, on 31 March.
    assert checkin_states(after) == checkin_states(before) == [0, 0, 0, 18]
    assert table(after, "checkin_states") == table(before, "checkin_states")


def test_a_pairing_paused_in_the_period_and_resumed_since_counts_as_paused_at_its_end(world, cast):
    pairing = cast["pairing"]
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC), tick=False):
        lifecycle.pairing_pause(
            pairing=pairing, by=pairing.mentor, reason="Leave", resume_on=datetime.date(2026, 4, 10)
        )
    assert lifecycle.pairings_resume_due(today=NOW.date()) == 1  # the sweep resumes it on 15 April
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.ACTIVE
    data = report_figures(programme=world, period=QUARTER)
    # Paused from 20 March to 15 April: no check-in schedule on 31 March, so 17 escalated, not 18.
    assert checkin_states(data) == [0, 0, 0, 17]
    assert table(data, "checkin_states")["row_totals"][0]["value"] == 17


def test_a_session_made_outside_the_services_counts_for_checkin_states_from_when_it_was_answered(world, cast):
    # A session without a history (imported, or made in the admin) counts by its own row: confirmed before the
    # period's end, it is the pairing's last session then; confirmed after, not yet.
    pairings = list(Pairing.objects.filter(programme=world).order_by("pk")[:6])
    answered = [datetime.datetime(2026, 3, 26, 9, tzinfo=datetime.UTC), None, None, None, None, NOW - days(5)]
    for pairing, when in zip(pairings, answered, strict=True):
        MentoringSessionFactory(pairing=pairing, held_on=datetime.date(2026, 3, 25), answered_at=when)
    assert not MentoringSession.objects.filter(recorded=True).exists()
    # Five pairings' last session by 31 March is the 25th (one confirmed on the 26th, four with no answer time:
    # from the day it was held): on track with the programme's cadence. The sixth was confirmed in April:
    # still escalated on 31 March.
    assert checkin_states(report_figures(programme=world, period=QUARTER)) == [5, 0, 0, 13]


def test_the_report_reads_the_same_before_and_after_a_pause_and_a_resume(world, cast):
    pairing = cast["pairing"]
    first = report_figures(programme=world, period=QUARTER)
    lifecycle.pairing_pause(pairing=pairing, by=pairing.mentee, reason="Leave", resume_on=NOW.date() + days(10))
    paused = report_figures(programme=world, period=QUARTER)
    lifecycle.pairing_resume(pairing=Pairing.objects.get(pk=pairing.pk), by=pairing.mentor)
    resumed = report_figures(programme=world, period=QUARTER)
    assert paused["sections"] == first["sections"] == resumed["sections"]
    assert paused["team"] == first["team"] == resumed["team"]


# --- The lifecycle -------------------------------------------------------------------------------------------


def draft(programme, coordinator, narrative="The programme grew.") -> Report:
    report = services.report_create(programme=programme, by=coordinator, period=QUARTER)
    return services.report_update(report=report, title=report.title, narrative=narrative)


def test_a_new_report_is_titled_after_its_quarter_and_one_period_has_one_report(programme, coordinator):
    report = services.report_create(programme=programme, by=coordinator, period=QUARTER)
    assert report.title == "Q1 2026 report" and report.status == Report.Status.DRAFT
    with pytest.raises(ValidationError, match="already has a report for 1 Jan 2026 to 31 Mar 2026"):
        services.report_create(programme=programme, by=coordinator, period=QUARTER)
    with pytest.raises(ValidationError, match="at most a year"):
        services.report_create(
            programme=programme, by=coordinator, period=Period(datetime.date(2024, 1, 1), datetime.date(2026, 1, 1))
        )


def test_a_report_is_submitted_only_after_its_period_and_with_a_narrative(programme, coordinator):
    report = services.report_create(
        programme=programme, by=coordinator, period=Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    )
    services.report_update(report=report, title=report.title, narrative="Early days.")
    with pytest.raises(ValidationError, match="submit the report once it has ended"):
        services.report_submit(report=report, by=coordinator)
    empty = services.report_create(programme=programme, by=coordinator, period=QUARTER)
    with pytest.raises(ValidationError, match="Write the narrative"):
        services.report_submit(report=empty, by=coordinator)


def test_submitting_freezes_the_figures_and_tells_the_committee(world, coordinator, committee_member):
    report = draft(world, coordinator)
    report = services.report_submit(report=report, by=coordinator)
    assert report.status == Report.Status.SUBMITTED
    assert report.snapshot["narrative"] == "The programme grew."
    assert figure(report.snapshot, "sessions")["value"] == 17
    note = Notification.objects.get(person=committee_member)
    assert "submitted for the committee's review" in note.text and note.url == report.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[committee_member.email]]
    with pytest.raises(ValidationError, match="frozen"):
        services.report_update(report=report, title="New", narrative="Rewritten")


def test_the_committee_reviews_and_the_coordinators_hear_who_commented_but_not_what(
    world, coordinator, committee_member
):
    report = services.report_submit(report=draft(world, coordinator), by=coordinator)
    mail.outbox.clear()
    services.report_comment(report=report, by=committee_member, text="Finance worries me: low uptake.")
    report.refresh_from_db()
    assert report.status == Report.Status.UNDER_REVIEW
    note = Notification.objects.get(person=coordinator)
    assert note.text == "Cleo Committee commented on the report “Q1 2026 report”."
    assert all("Finance worries" not in m.body and "Finance worries" not in m.subject for m in mail.outbox)
    services.report_decision_record(report=report, by=committee_member, kind="recommendation", text="Recruit more.")
    with pytest.raises(ValidationError, match="committee member must sign off"):
        services.report_publish(report=report, by=coordinator)
    services.report_sign_off(report=report, by=committee_member)
    with pytest.raises(ValidationError, match="already signed off"):
        services.report_sign_off(report=report, by=committee_member)
    report = services.report_publish(report=report, by=coordinator)
    assert report.status == Report.Status.PUBLISHED
    with pytest.raises(ValidationError, match="published"):
        services.report_comment(report=report, by=committee_member, text="Late")


def test_only_the_programmes_committee_reviews(world, coordinator, mentor):
    report = services.report_submit(report=draft(world, coordinator), by=coordinator)
    with pytest.raises(ValidationError, match="committee members review"):
        services.report_sign_off(report=report, by=mentor)


# --- Pages ---------------------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_draft_from_the_form_with_messages_for_bad_dates(client, coordinator, programme):
    client.force_login(coordinator)
    url = reverse("evaluation:report_create", args=[programme.pk])
    response = client.post(url, {"period_kind": "custom", "period_start": "2026-03-01", "period_end": "2026-02-01"})
    assert "The period must end on or after the day it starts." in response.content.decode()
    response = client.post(url, {"period_kind": "custom", "period_start": "2026-03-01"})
    assert "Give the last day of the period." in response.content.decode()
    response = client.post(url, {"period_kind": "quarter", "quarter": "2026-Q1", "title": ""})
    report = Report.objects.get()
    assert response.url == report.get_absolute_url() and report.period_end == QUARTER.end


def test_a_committee_member_sees_only_submitted_reports_of_their_programmes(
    client, world, coordinator, committee_member
):
    report = draft(world, coordinator)
    client.force_login(committee_member)
    assert client.get(report.get_absolute_url()).status_code == 404  # a draft is not there for them
    assert report.title not in client.get(reverse("evaluation:reports")).content.decode()
    services.report_submit(report=report, by=coordinator)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    assert report.title in client.get(reverse("evaluation:reports")).content.decode()
    # A committee member of another programme never learns the report exists.
    stranger = PersonFactory()
    MembershipFactory(programme=ProgrammeFactory(), person=stranger, role=Role.COMMITTEE)
    client.force_login(stranger)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("evaluation:report_pdf", args=[report.pk])).status_code == 404


def test_the_committee_page_shows_no_participant_name(client, world, coordinator, committee_member):
    report = services.report_submit(report=draft(world, coordinator), by=coordinator)
    client.force_login(committee_member)
    content = client.get(report.get_absolute_url()).content.decode()
    assert "fewer than 5" in content and "By department" in content
    participants = world.memberships.filter(role__in=(Role.MENTOR, Role.MENTEE)).select_related("person")
    for m in participants:
        assert m.person.display_name not in content and m.person.email not in content


def test_the_report_page_has_one_main_heading_and_no_id_twice(client, world, coordinator, committee_member):
    # A screen reader's "next heading level 1" finds the report; a link to #review lands on one place.
    report = services.report_submit(report=draft(world, coordinator), by=coordinator)
    for person in (committee_member, coordinator):
        client.force_login(person)
        content = client.get(report.get_absolute_url()).content.decode()
        assert len(re.findall(r"<h1[\s>]", content)) == 1, person
        ids = re.findall(r'\sid="([^"]+)"', content)
        assert sorted({i for i in ids if ids.count(i) > 1}) == [], person


def test_a_committee_member_comments_and_signs_off_on_the_page(client, world, coordinator, committee_member):
    report = services.report_submit(report=draft(world, coordinator), by=coordinator)
    client.force_login(committee_member)
    client.post(reverse("evaluation:report_comment", args=[report.pk]), {"text": "Good quarter."})
    client.post(reverse("evaluation:report_sign_off", args=[report.pk]))
    response = client.get(report.get_absolute_url())
    content = response.content.decode()
    assert "Good quarter." in content and "Cleo Committee signed off on 15 Apr 2026" in content
    assert "Sign off the report" not in content
    client.force_login(coordinator)
    assert client.post(reverse("evaluation:report_comment", args=[report.pk]), {"text": "x"}).status_code == 403
    client.post(reverse("evaluation:report_publish", args=[report.pk]))
    assert Report.objects.get().status == Report.Status.PUBLISHED


def test_a_coordinator_writes_the_narrative_of_a_draft_only(client, world, coordinator):
    report = services.report_create(programme=world, by=coordinator, period=QUARTER)
    client.force_login(coordinator)
    url = reverse("evaluation:report_edit", args=[report.pk])
    response = client.post(url, {"title": "First quarter", "narrative": "We grew.\nAnd learnt."})
    assert response.url == report.get_absolute_url()
    content = client.get(report.get_absolute_url()).content.decode()
    assert "First quarter" in content and "We grew.<br>And learnt." in content
    assert "the figures below are live" in content
    client.post(reverse("evaluation:report_submit", args=[report.pk]))
    response = client.get(url, follow=True)
    assert "its figures and narrative are frozen" in response.content.decode()


def test_the_lists_show_coordinators_their_drafts_and_the_committee_the_submitted(
    client, world, coordinator, committee_member
):
    services.report_create(programme=world, by=coordinator, period=QUARTER)
    client.force_login(coordinator)
    content = client.get(reverse("evaluation:reports")).content.decode()
    assert "Q1 2026 report" in content and "New report" in content and "Draft" in content
    content = client.get(reverse("evaluation:report_list_programme", args=[world.pk])).content.decode()
    assert "Q1 2026 report" in content
    client.force_login(committee_member)
    content = client.get(reverse("evaluation:reports")).content.decode()
    assert "Q1 2026 report" not in content and "No report has been submitted to the committee yet." in content
    assert "New report" not in content


def _without_tokens(content: bytes) -> str:
    return re.sub(r'name="(csrfmiddlewaretoken|once_token)" value="[^"]+"', "", content.decode())


def test_a_submitted_report_reads_the_same_after_the_data_changes(client, world, coordinator, committee_member):
    """The snapshot test: the page, the PDF's text and the CSV stay exactly as submitted."""
    from evaluation.tests.test_report_exports import pdf_text

    report = services.report_submit(report=draft(world, coordinator), by=coordinator)
    client.force_login(committee_member)
    urls = [report.get_absolute_url(), reverse("evaluation:report_csv", args=[report.pk])]
    pdf_url = reverse("evaluation:report_pdf", args=[report.pk])
    before = [
        _without_tokens(b"".join(client.get(u).streaming_content if u.endswith(".csv") else [client.get(u).content]))
        for u in urls
    ]  # noqa: E501
    pdf_before = pdf_text(client.get(pdf_url))
    # Much happens after submission: new pairings and sessions, an extra session everywhere, a new team.
    populate(world, {"Legal": 7, "Finance": 4}, session_on=datetime.date(2026, 3, 5))
    MentoringSession.objects.update(duration_minutes=90)
    after = [
        _without_tokens(b"".join(client.get(u).streaming_content if u.endswith(".csv") else [client.get(u).content]))
        for u in urls
    ]  # noqa: E501
    assert after == before
    assert pdf_text(client.get(pdf_url)) == pdf_before
    # A draft, on the other hand, shows the data as it is now.
    live = report_figures(programme=world, period=QUARTER)
    assert figure(live, "sessions")["value"] == 28 and figure(report.snapshot, "sessions")["value"] == 17


# --- Query budgets -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 300])
def test_report_pages_run_the_same_queries_with_3_pairings_and_with_300(client, cast, django_assert_num_queries, size):
    programme = cast["pairing"].programme
    populate(programme, {"Finance": size // 2, "Legal": size - size // 2})
    backdate_memberships(programme)
    report = draft(programme, cast["coordinator"])
    client.force_login(cast["coordinator"])
    # session, user, the report with my roles, the navigation's areas; the live figures (15, and 3 more, each read
    # once: the pairings' sessions without a history, pauses and cadence changes; 1 more, survey questions' words;
    # 1 more, the courses each role requires):
    # applications, the participants (one row each: participants by role, and by department with the pairings and
    # the participants' team histories; also for protected time), pairings, the sessions of both periods (one
    # read, which the department table, sessions by month and protected time add up), the org units
    # (departments), protected time (each table's hours by person), goals, interventions, survey rounds, survey
    # answers, quotable answers, mentors' own goals, mentors' ratings at both ends; the programme's submitted
    # reports (the previous period's column and the checker read them); the earlier decisions it follows up;
    # comments, decisions, sign-offs.
    # On PostgreSQL, one more: whether figures kept from an earlier view may be shown (never here: the test's
    # transaction has written, so nothing is kept; test_draft_figures shows a kept draft's single query).
    with django_assert_num_queries(29 + kept_figures_check()):
        assert client.get(report.get_absolute_url()).status_code == 200
    services.report_submit(report=report, by=cast["coordinator"])
    client.force_login(cast["committee_member"])
    # session, user, the report (with its snapshot) and my roles, the navigation's areas; comments,
    # decisions, sign-offs; the owners a decision may have (the committee member's form). No figure is counted again.
    with django_assert_num_queries(8):
        assert client.get(report.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("extra", [3, 40])
def test_report_list_query_budget(client, cast, django_assert_num_queries, extra):
    for i in range(extra):
        programme = ProgrammeFactory()
        MembershipFactory(programme=programme, person=cast["committee_member"], role=Role.COMMITTEE)
        ReportFactory(
            programme=programme,
            title=f"Report {i}",
            period_start=QUARTER.start,
            period_end=QUARTER.end,
            status=Report.Status.SUBMITTED,
            snapshot={},
        )
    client.force_login(cast["committee_member"])
    # session, user, areas (the decorator, cached for the navigation), my programmes, the reports I may see
    with django_assert_num_queries(5):
        response = client.get(reverse("evaluation:reports"))
    assert response.content.decode().count("Report ") >= extra


@pytest.mark.parametrize("extra", [3, 40])
def test_coordinator_report_list_query_budget(client, cast, django_assert_num_queries, extra):
    programme = cast["pairing"].programme
    for i in range(extra):
        ReportFactory(programme=programme, title=f"Draft {i}", period_start=QUARTER.start,
                      period_end=QUARTER.end - datetime.timedelta(days=i))  # fmt: skip
    client.force_login(cast["coordinator"])
    # session, user, the programme, my roles, its reports with review counts, the navigation's areas
    with django_assert_num_queries(6):
        response = client.get(reverse("evaluation:report_list_programme", args=[programme.pk]))
    assert response.content.decode().count("Draft ") == extra


def test_a_draft_of_a_period_still_running_reads_todays_checkin_states_not_an_end_still_to_come(world, cast):
    """Q2 2026 on 15 April: six pairs that met yesterday are on track today; at 30 June, with no session logged
    yet in May and June, they would read "escalated", like every pairing."""
    from mentoring.tests.factories import MentoringSessionFactory

    running = Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    for pairing in Pairing.objects.filter(programme=world).order_by("pk")[:6]:
        MentoringSessionFactory(pairing=pairing, held_on=NOW.date() - days(1), answered_at=NOW - days(1))
    data = report_figures(programme=world, period=running)
    states = table(data, "checkin_states")
    assert states["title"] == "Check-in states today (the period has not ended)"
    on_track = states["cols"].index("On track")
    assert checkin_states(data)[on_track] == 6
    # Once the period has ended, the same table reads its end again.
    with time_machine.travel(datetime.datetime(2026, 7, 2, 9, tzinfo=datetime.UTC), tick=False):
        ended = report_figures(programme=world, period=running)
    assert table(ended, "checkin_states")["title"] == "Check-in states at the period's end"
    assert checkin_states(ended)[on_track] == 0


def test_the_committee_and_the_coordinators_are_told_each_in_their_own_language(world, coordinator, committee_member):
    committee_member.language, coordinator.language = "de", "es"
    committee_member.save()
    coordinator.save()
    report = services.report_submit(report=draft(world, coordinator), by=coordinator)
    assert Notification.objects.get(person=committee_member).text.endswith("wurde dem Ausschuss zur Prüfung vorgelegt.")
    assert [m.subject for m in mail.outbox] == [f"Ein Bericht zur Prüfung: {report.title}"]
    mail.outbox.clear()
    services.report_comment(report=report, by=committee_member, text="Gut.")
    note = Notification.objects.get(person=coordinator)
    assert note.text == f"Cleo Committee ha comentado el informe «{report.title}»."
    assert [m.subject for m in mail.outbox] == [note.text]
