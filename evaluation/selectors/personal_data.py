"""Personal data, read-only: a person's own export, whether someone is erased, and who retention has reached.

Lives in evaluation because it reads all three apps (evaluation -> mentoring -> programmes).
Export: everything Tandem holds about the person, their own private notes decrypted and nobody else's.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterable
from tempfile import SpooledTemporaryFile
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import long_date
from core.exports import csv_cell
from mentoring.models import (
    Agreement,
    ClosingReflection,
    Concern,
    FitAnswer,
    Goal,
    MatchOverride,
    MenteeRanking,
    MentoringSession,
    MentorRequest,
    MentorStance,
    Pairing,
    ReflectionTime,
    SessionReflection,
)
from mentoring.selectors.relationship import notes_readable_by
from programmes.models import (
    Application,
    ApplicationAnswer,
    ApplicationSkill,
    AuditEvent,
    Membership,
    Notification,
    OpportunityRequest,
    Person,
    PersonUnitHistory,
    Programme,
    ReadinessOverride,
    Spend,
    TimeAllocation,
    TrainingRecord,
)
from programmes.services.audit import audit_record

from ..models import Answer, Intervention, Report, ReportComment, ReportDecision, Survey, SurveyResponse

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024  # larger evidence files are listed, not copied into the ZIP
ERASED_EMAIL_DOMAIN = "invalid"  # RFC 2606: never delivers


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _rows(queryset: Iterable[models.Model], fields: list[str]) -> list[dict[str, Any]]:
    """Plain dicts of the named attributes (``a__b`` follows a relation), ready for JSON and CSV."""
    rows = []
    for obj in queryset:
        row = {}
        for name in fields:
            value = obj
            for part in name.split("__"):
                value = getattr(value, part, None) if value is not None else None
            row[name] = _value(value)
        rows.append(row)
    return rows


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(json.dumps(v) if isinstance(v, list | dict) else v) for k, v in row.items()})
    return out.getvalue()


def personal_data_collect(*, person: Person) -> dict[str, Any]:
    """Everything Tandem holds about ``person``, as sections of plain rows. Their partners appear by display
    name only; a partner's private note, even a shared one, is the partner's and is left out."""
    pairings = list(
        Pairing.objects.filter(Q(mentor=person) | Q(mentee=person)).select_related("programme", "mentor", "mentee")
    )
    pairing_ids = [p.pk for p in pairings]
    sessions = list(
        MentoringSession.objects.filter(pairing_id__in=pairing_ids).select_related("pairing").order_by("held_on")
    )
    notes = notes_readable_by(person, [s.pk for s in sessions])
    own_notes = [n for found in notes.values() for n in found if n.own]
    responses = list(SurveyResponse.objects.filter(person=person).select_related("round__survey"))
    return {
        **_organisation_sections(person),
        **_mentoring_sections(person, pairings, sessions, own_notes),
        "survey_responses": _rows(responses, ["round__survey__title", "submitted_on", "role", "may_quote"]),
        "survey_answers": _rows(
            Answer.objects.filter(response__person=person).select_related("question", "response__round__survey"),
            ["response__round__survey__title", "question__text", "likert", "choice", "text"],
        ),
        # What they wrote in a coordinator's, line manager's or committee member's role. Only their own
        # words and what they are about; nothing someone else wrote there.
        **_written_in_a_role(person),
        "audit_events_about_me": _rows(
            AuditEvent.objects.filter(subject=person), ["at", "actor_label", "action", "object_type", "summary"]
        ),
    }


def _organisation_sections(person: Person) -> dict[str, list[dict[str, Any]]]:
    """The person's profile and what they did on the organisation side: memberships, applications, training,
    time and notifications."""
    return {**_profile_sections(person), **_application_sections(person), **_activity_sections(person)}


def _profile_sections(person: Person) -> dict[str, list[dict[str, Any]]]:
    """Their profile, the teams they were in and their memberships."""
    return {
        "profile": _rows(
            [person],
            [
                "email",
                "display_name",
                "job_title",
                "grade",
                "org_unit__name",
                "line_manager__display_name",
                "start_date",
                "date_joined",
                "last_login",
                "email_updates",
                "email_reminders",
            ],
        ),
        # The teams they were in and when (what committee reports read); a team they were in
        # before Tandem kept the dates has no start date.
        "team_history": [
            {
                "team": stay.org_unit.name,
                "since": "" if stay.since == PersonUnitHistory.ALWAYS else _value(stay.since),
                "until": _value(stay.until),
            }
            for stay in PersonUnitHistory.objects.filter(person=person).select_related("org_unit")
        ],
        "memberships": _rows(
            Membership.objects.filter(person=person).select_related("programme"),
            ["programme__name", "role", "created_at"],
        ),
    }


def _application_sections(person: Person) -> dict[str, list[dict[str, Any]]]:
    """Their applications, with the answers and skills they gave."""
    return {
        "applications": _rows(
            Application.objects.filter(person=person).select_related("programme"),
            [
                "programme__name",
                "role",
                "status",
                "goals",
                "meeting_mode",
                "availability",
                "languages",
                "capacity",
                "created_at",
                "decided_at",
                "decision_reason",
                "endorsement",
                "endorsement_reason",
            ],
        ),
        "application_answers": _rows(
            ApplicationAnswer.objects.filter(application__person=person).select_related(
                "question", "application__programme"
            ),
            ["application__programme__name", "question__text", "text"],
        ),
        "application_skills": _rows(
            ApplicationSkill.objects.filter(application__person=person).select_related(
                "skill", "application__programme"
            ),
            ["application__programme__name", "skill__name", "level"],
        ),
    }


def _activity_sections(person: Person) -> dict[str, list[dict[str, Any]]]:
    """Their training records, time allocations and notifications."""
    return {
        "training_records": _rows(
            TrainingRecord.objects.filter(person=person).select_related("course"),
            [
                "course__title",
                "status",
                "completed_on",
                "expires_on",
                "hours",
                "evidence_note",
                "evidence_file__name",
                "verified_at",
                "created_at",
            ],
        ),
        "time_allocations": _rows(
            TimeAllocation.objects.filter(person=person).select_related("programme"),
            ["programme__name", "month", "hours", "status", "decided_at", "decline_reason"],
        ),
        "notifications": _rows(Notification.objects.filter(person=person), ["created_at", "text", "url", "read_at"]),
        "learning_opportunity_requests": _rows(
            OpportunityRequest.objects.filter(person=person).select_related("opportunity__host", "programme"),
            [
                "opportunity__title",
                "opportunity__kind",
                "opportunity__host__display_name",
                "programme__name",
                "hours",
                "status",
                "suggested_by_mentor",
                "created_at",
                "decided_at",
                "decline_reason",
                "happened_on",
                "confirmed_at",
            ],
        ),
    }


def _mentoring_sections(
    person: Person, pairings: list[Pairing], sessions: list[MentoringSession], own_notes: list
) -> dict[str, list[dict[str, Any]]]:
    """Their pairings (partners by display name only), agreements, requests, sessions, their own private notes,
    reflections, goals, fit answers and concerns."""
    pairing_ids = [p.pk for p in pairings]
    return {
        **_pairing_sections(person, pairings, pairing_ids),
        **_session_sections(person, pairing_ids, sessions, own_notes),
    }


def _pairing_sections(
    person: Person, pairings: list[Pairing], pairing_ids: list[int]
) -> dict[str, list[dict[str, Any]]]:
    """Their pairings (partners by display name only), the pairs' agreements and their mentor requests."""
    return {
        "pairings": [
            {
                "programme": p.programme.name,
                "my_role": "mentor" if p.mentor_id == person.pk else "mentee",
                "partner": (p.mentee if p.mentor_id == person.pk else p.mentor).display_name,
                "status": p.status,
                "started_on": _value(p.started_on),
                "ended_on": _value(p.ended_on),
                "end_reason": p.end_reason,
                "paused_reason": p.paused_reason,
            }
            for p in pairings
        ],
        # What the pair agreed in their own words, and the requests a mentee sent or a mentor answered.
        "agreements": _rows(
            Agreement.objects.filter(pairing_id__in=pairing_ids),
            [
                "pairing_id",
                "cadence_days",
                "preferred_mode",
                "arrangements",
                "mentor_signed_at",
                "mentee_signed_at",
                "updated_at",
            ],
        ),
        # What they said while matching: a mentee's ranking, a mentor's wishes (never others' wishes about them).
        "my_mentor_ranking": [
            {"programme": r.programme.name, "rank": r.rank, "mentor": r.mentor.display_name}
            for r in MenteeRanking.objects.filter(mentee=person).select_related("programme", "mentor")
        ],
        "my_preferences_about_mentees": [
            {"programme": s.programme.name, "mentee": s.mentee.display_name, "stance": s.stance}
            for s in MentorStance.objects.filter(mentor=person).select_related("programme", "mentee")
        ],
        "mentor_requests": [
            {
                "programme": r.programme.name,
                "my_role": "mentee" if r.mentee_id == person.pk else "mentor",
                "partner": (r.mentor if r.mentee_id == person.pk else r.mentee).display_name,
                "status": r.status,
                "message": r.message,
                "decline_reason": r.decline_reason,
                "created_at": _value(r.created_at),
                "decided_at": _value(r.decided_at),
            }
            for r in MentorRequest.objects.filter(Q(mentee=person) | Q(mentor=person)).select_related(
                "programme", "mentor", "mentee"
            )
        ],
    }


def _session_sections(
    person: Person, pairing_ids: list[int], sessions: list[MentoringSession], own_notes: list
) -> dict[str, list[dict[str, Any]]]:
    """Sessions, their own private notes, closing reflections, goals, fit answers and concerns."""
    session_day = {s.pk: s.held_on for s in sessions}
    return {
        "sessions": _rows(
            sessions,
            ["pairing_id", "held_on", "duration_minutes", "mode", "status", "summary", "next_steps", "dispute_reason"],
        ),
        "my_private_notes": [
            {
                "session_held_on": _value(session_day[n.session_id]),
                "text": n.text,
                "shared": n.shared,
                "updated_at": _value(n.updated_at),
            }
            for n in own_notes
        ],
        "closing_reflections": _rows(
            ClosingReflection.objects.filter(author=person), ["pairing_id", "text", "created_at"]
        ),
        # Time to think (issue 20): their own, in their own export only.
        "my_session_reflections": _rows(
            SessionReflection.objects.filter(author=person).select_related("session"),
            ["session__held_on", "text", "updated_at"],
        ),
        "my_reflection_time": _rows(
            ReflectionTime.objects.filter(person=person).select_related("programme"),
            ["programme__name", "day", "hours", "note", "updated_at"],
        ),
        "goals": _rows(
            Goal.objects.filter(pairing_id__in=pairing_ids),
            [
                "pairing_id",
                "owner",
                "title",
                "success",
                "target_on",
                "status",
                "progress",
                "rating_start",
                "rating_end",
            ],
        ),
        "fit_answers": _rows(FitAnswer.objects.filter(person=person), ["pairing_id", "fit", "answered_at"]),
        "concerns_raised": _rows(Concern.objects.filter(raised_by=person), ["pairing_id", "text", "created_at"]),
    }


def _written_in_a_role(person: Person) -> dict[str, list[dict[str, Any]]]:
    return {
        "application_decisions_i_wrote": _rows(
            Application.objects.filter(decided_by=person)
            .exclude(decision_reason="")
            .select_related("programme", "person"),
            ["programme__name", "person__display_name", "status", "decided_at", "decision_reason"],
        ),
        "endorsements_i_wrote": _rows(
            Application.objects.filter(endorsed_by=person)
            .exclude(endorsement_reason="")
            .select_related("programme", "person"),
            ["programme__name", "person__display_name", "endorsement", "endorsement_reason"],
        ),
        "time_decisions_i_wrote": _rows(
            TimeAllocation.objects.filter(decided_by=person)
            .exclude(decline_reason="")
            .select_related("programme", "person"),
            ["programme__name", "person__display_name", "month", "status", "decline_reason"],
        ),
        "readiness_overrides_i_wrote": _rows(
            ReadinessOverride.objects.filter(created_by=person).select_related("programme", "person"),
            ["programme__name", "person__display_name", "reason", "created_at"],
        ),
        "match_overrides_i_wrote": _rows(
            MatchOverride.objects.filter(created_by=person).select_related("programme", "mentor", "mentee"),
            ["programme__name", "mentor__display_name", "mentee__display_name", "reason", "created_at"],
        ),
        "interventions_i_recorded": _rows(
            Intervention.objects.filter(created_by=person).select_related("programme"),
            ["programme__name", "pairing_id", "kind", "note", "outcome", "status", "created_at"],
        ),
        "reports_i_wrote": _rows(
            Report.objects.filter(created_by=person).select_related("programme"),
            ["programme__name", "title", "period_start", "period_end", "status", "narrative"],
        ),
        "report_comments_i_wrote": _rows(
            ReportComment.objects.filter(author=person).select_related("report"),
            ["report__title", "text", "created_at"],
        ),
        "surveys_i_wrote": _rows(
            Survey.objects.filter(created_by=person).select_related("programme"),
            ["programme__name", "title", "description"],
        ),
        "spends_i_recorded": _rows(
            Spend.objects.filter(created_by=person).select_related("line__programme"),
            ["line__programme__name", "spent_on", "amount", "description"],
        ),
        "report_decisions_i_wrote": _rows(
            ReportDecision.objects.filter(author=person).select_related("report"),
            ["report__title", "kind", "text", "created_at"],
        ),
    }


def personal_data_zip(*, person: Person) -> SpooledTemporaryFile:
    """The export as a ZIP: one JSON file with every section, a CSV per section, and small evidence files."""
    data = personal_data_collect(person=person)
    spool = SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 - the FileResponse closes it
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(person))
        archive.writestr("tandem-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for name, rows in data.items():
            archive.writestr(f"csv/{name}.csv", _csv(rows))
        for record in TrainingRecord.objects.filter(person=person).exclude(evidence_file=""):
            try:
                if record.evidence_file.size <= EVIDENCE_MAX_BYTES:
                    with record.evidence_file.open("rb") as file:
                        archive.writestr(
                            f"evidence/{record.pk}-{record.evidence_file.name.rsplit('/', 1)[-1]}", file.read()
                        )
            except OSError:
                continue  # a missing file is listed in training_records, nothing more to give
    audit_record(actor=person, action="personal_data.exported", obj=person, subject=person, summary="Own data export.")
    spool.seek(0)
    return spool


def _readme(person: Person) -> str:
    return _(
        "Everything Tandem holds about %(name)s on %(date)s.\n\n"
        "tandem-data.json has every section; csv/ has one spreadsheet per section; evidence/ has your training "
        "evidence files.\nYour private notes are included, decrypted, because they are yours. Your partners' "
        "notes are theirs and are not included, even those they shared with you.\n"
    ) % {"name": person.display_name, "date": long_date(timezone.localdate())}


def is_erased(person: Person) -> bool:
    return person.email.endswith(f"@{ERASED_EMAIL_DOMAIN}") and person.email.startswith("erased-")


# --- Retention -------------------------------------------------------------------------------------------------


def _programme_closed_on(programmes: Iterable[Programme]) -> dict[int, datetime.date | None]:
    """When each closed programme ended: its end date or its last pairing's end, whichever is later."""
    last_pairing = dict(
        Pairing.objects.filter(programme__in=programmes)
        .values("programme")
        .annotate(last=Max("ended_on"))
        .values_list("programme", "last")
    )
    result = {}
    for programme in programmes:
        days = [d for d in (programme.ends_on, last_pairing.get(programme.pk)) if d]
        result[programme.pk] = max(days) if days else None
    return result


def retention_due(*, today: datetime.date | None = None) -> list[Person]:
    """Participants (never coordinators, committee members or administrators) whose programmes are all closed
    for longer than TANDEM_RETENTION_DAYS_AFTER_CLOSE and who are not erased yet."""
    days = settings.TANDEM_RETENTION_DAYS_AFTER_CLOSE
    if not days:
        return []
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
    closed = list(Programme.objects.filter(status=Programme.Status.CLOSED))
    expired = {pk for pk, closed_on in _programme_closed_on(closed).items() if closed_on and closed_on < cutoff}
    if not expired:
        return []
    people = (
        Person.objects.filter(is_staff=False, memberships__programme__in=expired)
        .exclude(memberships__role__in=["coordinator", "committee"])
        .exclude(memberships__programme__in=Programme.objects.exclude(pk__in=expired))
        .exclude(email__startswith="erased-", email__endswith=f"@{ERASED_EMAIL_DOMAIN}")
        .distinct()
        .order_by("pk")
    )
    return list(people)
