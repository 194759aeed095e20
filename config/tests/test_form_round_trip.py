"""Saving a form unchanged changes nothing.

A person opens an edit page, changes nothing and presses Save: the object must be exactly as it was. The test
client never showed the bug that broke this (date inputs rendered as 01/03/2026, which Chromium shows empty and
submits as nothing, so saving the programme settings wiped its dates), because tests posted what the code meant
to send. Here every page of the permission matrix is loaded as every role that gets it, its forms are read the
way a browser reads them (``config.tests.html_forms``), and:

- every date and month input on every page holds a value the browser keeps (ISO ``2026-03-01``, ``2026-03``);
- every form that edits an existing object is submitted as rendered, CSRF checks on, and the object must be
  unchanged in the database (auto timestamps apart), with no error shown;
- every POST form a person can fill in must be decided here: a round trip in ``EDIT_FORMS`` or a reason in
  ``NOT_EDIT_FORMS``. A new page with a form, or a new form on a page, fails until someone decides; a decision
  whose form no longer appears fails too. Forms with nothing to fill in (only hidden fields and a button: accept,
  confirm, delete...) edit no field and need no decision.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import constants, get_messages
from django.db import models
from django.test import Client
from django.urls import resolve, reverse

from config.tests.html_forms import Form, forms_of, valid_date, valid_month
from config.tests.test_permission_matrix import (
    GOAL,
    MATRIX,
    _decision,
    _intervention,
    _report,
    _session,
    _survey,
    _training_record,
    budget_line_kwargs,
    world,
)

SHARED_FIXTURES = (world,)  # the permission matrix's cast plus its objects, used here by name

Getter = Callable[[dict, Any, dict], list[models.Model]]  # (world, person, action kwargs) -> the objects edited


def _get(model_path: str, kwarg: str) -> Getter:
    def objects(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
        from django.apps import apps

        return [apps.get_model(model_path).objects.get(pk=kwargs[kwarg])]

    return objects


def _programme(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    from programmes.models import Programme

    return [Programme.objects.get(pk=kwargs["pk"])]


def _agreement(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    from mentoring.models import Agreement

    return list(Agreement.objects.filter(pairing_id=kwargs["pk"]))


def _own_note(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    from mentoring.models import PrivateNote

    return list(PrivateNote.objects.filter(session_id=kwargs["session_pk"], author=person))


def _match_settings(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    from mentoring.models import MatchSettings

    return list(MatchSettings.objects.filter(programme_id=kwargs["pk"]))


def _planning_settings(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    from mentoring.models import PlanningSettings

    return list(PlanningSettings.objects.filter(programme_id=kwargs["pk"]))


def _own_fit(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    from mentoring.models import FitAnswer

    return list(FitAnswer.objects.filter(pairing_id=kwargs["pk"], person=person))


def _person(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    return [type(person).objects.get(pk=person.pk)]


def _sync_mapping(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    from programmes.models import PeopleImportMapping

    return list(PeopleImportMapping.objects.filter(purpose="sync"))


def _audit_plan(world: dict, person: Any, kwargs: dict) -> list[models.Model]:
    from evaluation.models import ActionPlan, AuditAction, AuditActionChange

    plans = list(ActionPlan.objects.filter(round_id=kwargs["round_pk"], unit_id=kwargs["unit_pk"]))
    return [
        *plans,
        *AuditAction.objects.filter(plan__in=plans),
        *AuditActionChange.objects.filter(action__plan__in=plans),
    ]


# (page, the URL name the form posts to) -> the objects the form edits. Each is submitted unchanged.
EDIT_FORMS: dict[tuple[str, str], Getter] = {
    ("programmes:settings", "programmes:settings"): _programme,
    ("programmes:budget_line_edit", "programmes:budget_line_edit"): _get("programmes.BudgetLine", "line_pk"),
    ("programmes:skills", "programmes:skill_rename"): _get("programmes.Skill", "pk"),
    ("programmes:course_edit", "programmes:course_edit"): _get("programmes.Course", "course_pk"),
    ("programmes:opportunity_edit", "programmes:opportunity_edit"): _get("programmes.Opportunity", "pk"),
    ("programmes:training_record_edit", "programmes:training_record_edit"): _get(
        "programmes.TrainingRecord", "record_pk"
    ),
    ("programmes:email_preferences", "programmes:email_preferences"): _person,
    ("mentoring:calendar", "mentoring:meeting_preferences"): _person,
    ("mentoring:agreement_edit", "mentoring:agreement_edit"): _agreement,
    ("mentoring:goal_edit", "mentoring:goal_edit"): _get("mentoring.Goal", "goal_pk"),
    ("mentoring:session_edit", "mentoring:session_edit"): _get("mentoring.MentoringSession", "session_pk"),
    ("mentoring:session_detail", "mentoring:note_save"): _own_note,
    ("mentoring:pairing_detail", "mentoring:fit_save"): _own_fit,
    ("mentoring:matching_settings", "mentoring:matching_settings"): _match_settings,
    ("mentoring:planning_settings", "mentoring:planning_settings"): _planning_settings,
    ("evaluation:intervention_detail", "evaluation:intervention_detail"): _get(
        "evaluation.Intervention", "intervention_pk"
    ),
    ("evaluation:survey_edit", "evaluation:survey_edit"): _get("evaluation.Survey", "survey_pk"),
    ("evaluation:question_edit", "evaluation:question_edit"): _get("evaluation.Question", "question_pk"),
    ("evaluation:report_edit", "evaluation:report_edit"): _get("evaluation.Report", "pk"),
    ("programmes:hr_sync", "programmes:hr_sync"): _sync_mapping,
    ("evaluation:audit_unit", "evaluation:audit_plan_save"): _audit_plan,
    # Issue 20: an audit item saved unchanged makes no new version; a decision saved unchanged records no update.
    ("evaluation:audit_item_edit", "evaluation:audit_item_edit"): _get("evaluation.Question", "pk"),
    ("evaluation:decision_update", "evaluation:decision_update"): _get("evaluation.ReportDecision", "pk"),
    ("mentoring:reflection_edit", "mentoring:reflection_edit"): _get("mentoring.ReflectionTime", "pk"),
}

# Forms of the site's frame, on every page (base.html), not of the page: never an edit of what the page shows.
FRAME_FORMS = {"language_set": "the footer's language switcher: sets the language, edits nothing on the page"}
CREATES = "creates a new object"
DECIDES = "records a decision or an action with its reason, not an edit of fields shown filled in"
# (page, the URL name the form posts to) -> why submitting it unchanged is not an edit of an existing object.
NOT_EDIT_FORMS: dict[tuple[str, str], str] = {
    # Planned sessions (issue 17): proposals and answers, not edits of stored fields.
    ("mentoring:planned_create", "mentoring:planned_create"): CREATES,
    ("mentoring:webhooks", "mentoring:webhooks"): CREATES,
    # Time to think and line managers' briefing (issue 20).
    ("mentoring:reflection_create", "mentoring:reflection_create"): CREATES,
    ("programmes:briefings", "programmes:briefing_record"): "records a completed briefing (a new training record)",
    ("mentoring:planned_detail", "mentoring:planned_accept"): DECIDES,
    ("mentoring:planned_detail", "mentoring:planned_decline"): DECIDES,
    ("mentoring:planned_detail", "mentoring:planned_cancel"): DECIDES,
    ("mentoring:planned_record", "mentoring:planned_record"): CREATES,
    ("mentoring:planned_counter", "mentoring:planned_counter"): "proposes new times (a new set, not an edit)",
    ("mentoring:planned_move", "mentoring:planned_move"): "moves a meeting with a reason: sent unchanged, the same "
    "time is refused and the reason is required, so nothing changes",
    ("password_change", "password_change"): "asks for passwords, never filled in",
    ("password_reset", "password_reset"): "sends a reset email",
    ("send_test_email", "send_test_email"): "sends an email",
    ("programmes:team", "programmes:application_endorse"): DECIDES,
    ("programmes:team", "programmes:allocation_decide"): DECIDES,
    ("programmes:applications", "programmes:applications_decide"): DECIDES,
    ("programmes:detail", "programmes:transition"): DECIDES,
    ("programmes:create", "programmes:create"): CREATES,
    ("programmes:settings", "programmes:member_add"): CREATES,
    ("programmes:settings", "programmes:question_add"): CREATES,
    ("programmes:budget_line_create", "programmes:budget_line_create"): CREATES,
    ("programmes:spend_create", "programmes:spend_create"): CREATES,
    ("programmes:apply", "programmes:apply"): CREATES,
    ("programmes:skills", "programmes:skills"): CREATES,
    ("programmes:people_import", "programmes:people_import"): "uploads a file to preview",
    ("programmes:people_import_map", "programmes:people_import_map"): "reads the uploaded file into a new preview",
    ("programmes:hr_sync", "programmes:hr_sync_sample"): "uploads a sample file to map its columns",
    ("programmes:course_create", "programmes:course_create"): CREATES,
    # Learning opportunities (issue 20): publishing and asking create; the rest decide.
    ("programmes:opportunity_create", "programmes:opportunity_create"): CREATES,
    ("programmes:opportunity_ask", "programmes:opportunity_ask"): CREATES,
    ("programmes:team", "programmes:opportunity_request_decide"): DECIDES,
    ("programmes:opportunity_decisions", "programmes:opportunity_request_decide"): DECIDES,
    ("programmes:opportunities_hosted", "programmes:opportunity_request_confirm"): DECIDES,
    ("programmes:training_requirements", "programmes:training_requirements"): CREATES,
    ("programmes:training_record_create", "programmes:training_record_create"): CREATES,
    ("programmes:readiness_override", "programmes:readiness_override"): CREATES,
    ("mentoring:pairing_decline", "mentoring:pairing_decline"): DECIDES,
    ("mentoring:pairing_pause", "mentoring:pairing_pause"): DECIDES,
    ("mentoring:pairing_end_early", "mentoring:pairing_end_early"): DECIDES,
    ("mentoring:pairing_reflection", "mentoring:pairing_reflection"): CREATES,
    ("mentoring:goal_create", "mentoring:goal_create"): CREATES,
    ("mentoring:session_create", "mentoring:session_create"): CREATES,
    ("mentoring:session_dispute", "mentoring:session_dispute"): DECIDES,
    ("mentoring:concern_raise", "mentoring:concern_raise"): CREATES,
    ("mentoring:matching_override", "mentoring:matching_override"): DECIDES,
    ("mentoring:matching", "mentoring:matching_run"): CREATES,  # a new round, with the objective chosen
    ("mentoring:requests", "mentoring:request_answer"): DECIDES,
    ("evaluation:intervention_detail", "evaluation:intervention_close"): DECIDES,
    ("evaluation:survey_create", "evaluation:survey_create"): CREATES,
    ("evaluation:question_add", "evaluation:question_add"): CREATES,
    ("evaluation:round_create", "evaluation:round_create"): CREATES,
    ("evaluation:survey_answer", "evaluation:survey_answer"): CREATES,
    ("evaluation:report_create", "evaluation:report_create"): CREATES,
    ("evaluation:report_detail", "evaluation:report_comment"): CREATES,
    ("evaluation:report_detail", "evaluation:report_decision"): CREATES,
    ("evaluation:audit_item_add", "evaluation:audit_item_add"): CREATES,
}

# Set by the code that saves, not by the person: an unchanged save may move them. A fit answer given again
# records when it was last given; a session made outside the services (as the test's is) gets its first history
# row from any save through them, and with it the mark that it has one (``MentoringSession.recorded``).
IGNORED_FIELDS = {"updated_at", "FitAnswer.answered_at", "PeopleImportMapping.updated_by", "MentoringSession.recorded"}


def fill(world: dict) -> None:
    """Give the objects the edit forms show a value in every field a person can edit, dates above all: an empty
    field round-trips trivially and proves nothing."""
    from mentoring.models import Agreement, FitAnswer, MatchSettings, PlanningSettings
    from mentoring.services import relationship
    from mentoring.services.calendars import calendar_feed_create
    from programmes.models import BudgetLine, PeopleImportMapping, Skill

    cast = world
    programme = cast["pairing"].programme
    programme.starts_on, programme.ends_on = datetime.date(2026, 3, 1), datetime.date(2027, 2, 28)
    programme.goals = "Grow confident first-line managers.\nKeep them."
    programme.save()
    record = _training_record(cast)
    record.completed_on, record.hours, record.evidence_note = datetime.date(2026, 1, 5), Decimal("6.5"), "Signed."
    record.save()
    course = record.course
    course.provider, course.qualification, course.validity_months = "Matrix Academy", "Level 3 coaching", 24
    course.save()
    BudgetLine.objects.filter(pk=budget_line_kwargs(cast)["line_pk"]).update(description="Venue hire")
    goal = cast["pairing"].goals.get(pk=GOAL(cast)["goal_pk"])
    goal.success, goal.target_on, goal.progress = "Runs a team meeting alone.", datetime.date(2026, 9, 30), 40
    goal.save()
    session = _session(cast)
    session.summary, session.next_steps = "Talked through the first month.\nAnd the rota.", "Book the course."
    session.save()
    session.topics.add(Skill.objects.get_or_create(name="Delegation")[0])
    session.goals.add(goal)
    Agreement.objects.get_or_create(
        pairing=cast["pairing"], defaults={"cadence_days": 21, "preferred_mode": "video", "arrangements": "Fridays."}
    )
    for person in (cast["mentor"], cast["mentee"]):
        relationship.note_write(session=session, author=person, text="Ask about the rota.", shared=False)
        FitAnswer.objects.get_or_create(pairing=cast["pairing"], person=person, defaults={"fit": "deciding"})
    calendar_feed_create(person=cast["mentor"])  # the matrix's POST entries made it; this walk only GETs
    PlanningSettings.objects.get_or_create(
        programme=programme, defaults={"link_pattern": "https://meet.example.org/tandem-{pairing}-{meeting}"}
    )
    # Matching settings away from their defaults in every field issue 19 added: criteria required, off and
    # weighted, a department direction, a time-zone limit, the spread, the objective and the preferences.
    MatchSettings.objects.update_or_create(
        programme=programme,
        defaults={
            "language_rule": "required",
            "meeting_mode_rule": "off",
            "time_zone_rule": "required",
            "department_rule": "weighted",
            "department_direction": "same",
            "time_zone_weight": 4,
            "max_time_zone_hours": 5,
            "suggestion_spread": 2,
            "objective": "fairest",
            "max_ranked": 3,
            "ranking_weight": 12,
            "mentor_wish_weight": 7,
            "allow_requests": False,
            "min_score": 25,
        },
    )
    intervention = _intervention(cast)
    intervention.follow_up_on = datetime.date(2026, 12, 20)
    intervention.save()
    survey = _survey(cast)
    survey.description = "Three questions, two minutes."
    survey.save()
    # A question given in German and Spanish keeps both when saved unchanged.
    survey.questions.update(translations={"de": "Die Matrix-Frage", "es": "La pregunta de la matriz"})
    report = _report(cast, "draft")
    report.narrative, report.created_by = "A steady quarter.\n\nMore pairs met.", cast["coordinator"]
    report.save()
    # A decision followed through part of the way: its status and what was done come back as they were.
    decision = _decision(cast)
    decision.status, decision.outcome = "in_progress", "Two of three mentors booked.\nThe third in May."
    decision.save()
    # The nightly HR file's settings (its folder needs TANDEM_HR_SYNC_ROOT, which the walk does not set).
    PeopleImportMapping.objects.update_or_create(
        purpose="sync",
        defaults={
            "columns": {"email": "mail", "name": "who"},
            "sync_pattern": "people-*.csv",
            "max_leavers_percent": 7,
            "max_manager_changes_percent": 12,
        },
    )


def same_text(value: Any) -> Any:
    """Text with its line breaks as LF. A browser sends every line break in a textarea as CRLF (the HTML
    standard), so what a person types is stored with CRLF; text written with LF (seeded, imported) comes back
    as CRLF after a save. It reads the same on every page, so only the encoding of line breaks is ignored."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def snapshot(objects: list[models.Model]) -> list[dict[str, Any]]:
    """Every field a save could change, read afresh from the database (many-to-many links included)."""
    found = []
    for obj in objects:
        fresh = type(obj).objects.get(pk=obj.pk)
        values: dict[str, Any] = {"__model__": type(obj).__name__}
        for f in fresh._meta.concrete_fields:
            ignored = f.name in IGNORED_FIELDS or f"{type(obj).__name__}.{f.name}" in IGNORED_FIELDS
            if ignored or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                continue
            values[f.name] = same_text(getattr(fresh, f.attname))
        for f in fresh._meta.many_to_many:
            values[f.name] = sorted(getattr(fresh, f.name).values_list("pk", flat=True))
        if type(obj).__name__ == "PrivateNote":
            from mentoring import crypto

            values["ciphertext"] = same_text(
                crypto.decrypt(fresh.ciphertext)
            )  # fresh ciphertext each save; the text counts
        found.append(values)
    return found


def differences(before: list[dict], after: list[dict]) -> list[str]:
    if len(before) != len(after):
        return [f"{len(before)} object(s) before, {len(after)} after"]
    return [
        f"{old['__model__']}.{name}: {old[name]!r} -> {new.get(name)!r}"
        for old, new in zip(before, after, strict=True)
        for name in old
        if old[name] != new.get(name)
    ]


def dropped_dates(form: Form) -> list[str]:
    """Date and month inputs whose value the browser throws away (so the field shows empty and sends nothing)."""
    found = []
    for control in form.controls:
        value = control.attrs.get("value") or ""
        if control.tag != "input" or not value:
            continue
        if control.kind == "date" and not valid_date(value):
            found.append(f"<input type=date name={control.name}> holds {value!r}, which Chromium shows empty")
        elif control.kind == "month" and not valid_month(value):
            found.append(f"<input type=month name={control.name}> holds {value!r}, which Chromium shows empty")
    return found


def refused(response) -> str | None:
    """Why the save did not go through as a person would see it: the form shown again, or an error message."""
    if response.status_code != 302:
        form = (response.context or {}).get("form") if response.context is not None else None
        errors = dict(form.errors) if form is not None and hasattr(form, "errors") else ""
        return f"answered {response.status_code}, not a redirect {errors}".strip()
    bad = [m.message for m in get_messages(response.wsgi_request) if m.level >= constants.WARNING]
    return f"redirected with {bad}" if bad else None


def undecided(key: str, action: str) -> str | None:
    if (key, action) in EDIT_FORMS or (key, action) in NOT_EDIT_FORMS:
        return None
    return (
        f"a form posting to {action} has no decision: add it to EDIT_FORMS (with the objects it edits) or to "
        "NOT_EDIT_FORMS (with the reason)"
    )


def html_pages(world: dict):
    """(page key, role, url) for every GET page of the matrix, as every role the matrix gives a 200."""
    for key, entry in MATRIX.items():
        if entry.method != "get":
            continue
        for role, expected in entry.expect.items():
            if expected == 200 and role != "anonymous":
                yield key, role, reverse(key, kwargs=entry.kwargs(world))


def action_name(form: Form, page_url: str) -> tuple[str, dict]:
    match = resolve(urlsplit(form.action_url(page_url)).path)
    return match.view_name, match.kwargs


@pytest.fixture
def filled_world(world):
    for entry in MATRIX.values():  # make the objects the matrix's pages show, then fill them in
        entry.kwargs(world)
    fill(world)
    return world


def test_every_edit_form_saved_unchanged_leaves_its_object_unchanged(filled_world):
    """The walk: every page as every role that gets it; every date field readable; every edit form a no-op."""
    world = filled_world
    clients: dict[str, Client] = {}
    failures: list[str] = []
    found: set[tuple[str, str]] = set()
    for key, role, url in html_pages(world):
        if role not in clients:
            clients[role] = Client(enforce_csrf_checks=True)
            clients[role].force_login(world[role])
        client = clients[role]
        page = client.get(url)
        if page.status_code != 200:
            failures.append(f"{key} as {role}: answered {page.status_code}; the permission matrix says 200")
            continue
        if not page.get("Content-Type", "").startswith("text/html"):
            continue  # a PDF, CSV, calendar or zip: no form
        for form in forms_of(page.content.decode()):
            failures += [f"{key} as {role}: {problem}" for problem in dropped_dates(form)]
            if form.method != "post" or not form.editable_controls:
                continue
            action, kwargs = action_name(form, url)
            if action in FRAME_FORMS:
                continue
            decision = (key, action)
            found.add(decision)
            if problem := undecided(key, action):
                failures.append(f"{key} as {role}: {problem}")
                continue
            if decision in NOT_EDIT_FORMS:
                continue
            objects = EDIT_FORMS[decision](world, world[role], kwargs)
            if not objects:
                failures.append(f"{key} as {role}: the objects its form edits were not found; fill() should make them")
                continue
            before = snapshot(objects)
            response = form.submit(client, url)
            if problem := refused(response):
                failures.append(f"{key} as {role}: saved unchanged, {problem}")
            failures += [f"{key} as {role}: saved unchanged, {d}" for d in differences(before, snapshot(objects))]
    decided = set(EDIT_FORMS) | set(NOT_EDIT_FORMS)
    failures += [f"{page} -> {action}: decided, but no page shows this form" for page, action in decided - found]
    assert not failures, "\n".join(failures)


def test_a_new_form_without_a_decision_and_a_date_the_browser_drops_are_reported():
    assert undecided("programmes:settings", "programmes:settings") is None
    assert "no decision" in undecided("programmes:settings", "programmes:new_thing")
    (form,) = forms_of('<form method="post"><input type="date" name="d" value="01/03/2026"></form>')
    assert dropped_dates(form) == ["<input type=date name=d> holds '01/03/2026', which Chromium shows empty"]
    before = [{"__model__": "Programme", "starts_on": datetime.date(2026, 3, 1)}]
    assert differences(before, [{"__model__": "Programme", "starts_on": None}]) == [
        "Programme.starts_on: datetime.date(2026, 3, 1) -> None"
    ]


# The two forms that lost dates, rendered and saved unchanged as a browser does


def the_form(client: Client, url: str) -> Form:
    """The page's form that posts back to the page itself (the edit form)."""
    page = client.get(url)
    assert page.status_code == 200
    return next(f for f in forms_of(page.content.decode()) if f.method == "post" and f.action_url(url) == url)


def values(form: Form) -> dict[str, str]:
    return dict(form.submission())


def test_programme_settings_form_saved_unchanged_keeps_dates(programme, coordinator):
    programme.starts_on, programme.ends_on = datetime.date(2026, 3, 1), datetime.date(2027, 2, 28)
    programme.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    url = reverse("programmes:settings", args=[programme.pk])
    form = the_form(client, url)
    assert (values(form)["starts_on"], values(form)["ends_on"]) == ("2026-03-01", "2027-02-28")  # shown, not blank

    response = form.submit(client, url)

    assert refused(response) is None
    programme.refresh_from_db()
    assert (programme.starts_on, programme.ends_on) == (datetime.date(2026, 3, 1), datetime.date(2027, 2, 28))


def test_training_record_edit_form_saved_unchanged_keeps_completion_date(programme, coordinator, mentee):
    from programmes.tests.factories import TrainingRecordFactory

    record = TrainingRecordFactory(person=mentee, completed_on=datetime.date(2026, 1, 5))
    expires_on = record.expires_on
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    url = reverse("programmes:training_record_edit", args=[programme.pk, record.pk])
    form = the_form(client, url)
    assert values(form)["completed_on"] == "2026-01-05"  # the date is there: nobody has to type it again

    response = form.submit(client, url)

    assert refused(response) is None
    record.refresh_from_db()
    assert (record.completed_on, record.expires_on) == (datetime.date(2026, 1, 5), expires_on)


def test_date_and_month_inputs_render_iso_values_and_british_typing_still_parses():
    from django import forms

    from programmes.forms.budget import SpendFilterForm
    from programmes.forms.time import TimeFilterForm

    day = datetime.date(2026, 3, 1)
    # Any date widget, with no format of its own: ISO, which is all <input type="date"> holds.
    assert 'value="2026-03-01"' in forms.DateInput(attrs={"type": "date"}).render("on", day)
    month_filters = [SpendFilterForm(initial={"month": day}, lines=[]), TimeFilterForm(initial={"month": day})]
    assert all('value="2026-03"' in str(form["month"]) for form in month_filters)
    # A person typing a British date into a text field is still understood.
    assert forms.DateField().clean("01/03/2026") == day
