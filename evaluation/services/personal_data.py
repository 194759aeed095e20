"""Personal data rights: erasure on request, and retention after close.

Lives in evaluation because it reads all three apps (evaluation -> mentoring -> programmes); programmes
reaches it only through the admin action that evaluation's AppConfig adds to the Person admin.

Erasure: the person's words and identity go; the rows that report figures count (memberships, pairings,
sessions' dates and durations, survey answers' scores, training hours) stay, anonymous, so totals add up.
The export and the retention rule's selection: ``selectors/personal_data.py``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Replace
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentoring.fields import EncryptedTextField, Unreadable, encrypted_fields
from mentoring.models import (
    Alert,
    CalendarFeed,
    ClosingReflection,
    Concern,
    Goal,
    MentoringSession,
    MentorRequest,
    Pairing,
    PrivateNote,
    ReflectionTime,
    SessionReflection,
)
from programmes.models import (
    Application,
    ApplicationAnswer,
    AuditEvent,
    Notification,
    Person,
    TimeAllocation,
    TrainingRecord,
)
from programmes.services.audit import ERASED_LABEL, audit_record
from programmes.services.leavers import people_leave

from ..models import Answer, DraftFigures, SurveyResponse
from ..selectors.personal_data import ERASED_EMAIL_DOMAIN, retention_due

# --- Erasure -------------------------------------------------------------------------------------------------


def _text_columns(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in {"ciphertext", "password", "respondent_hash", "token"}
        and not isinstance(f, EncryptedTextField)  # scrubbed in Python: see _scrub_encrypted
    ]


def _scrub_everywhere(old: str, new: str) -> None:
    """Replace a name or address wherever other rows quote it (notices, audit summaries, reasons)."""
    from django.apps import apps

    if not old:
        return
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for name in _text_columns(model):
            model._default_manager.filter(**{f"{name}__contains": old}).update(
                **{name: Replace(name, models.Value(old), models.Value(new))}
            )
    _scrub_encrypted(old, new)


def _scrub_encrypted(old: str, new: str, *, batch_size: int = 500) -> None:
    """The pair's words are encrypted at rest, so the database cannot search them: load, replace, save back."""
    for model, names in encrypted_fields().items():
        manager = model._base_manager
        changed = []
        for row in manager.only("pk", *names).order_by("pk").iterator(chunk_size=batch_size):
            hit = False
            for name in names:
                value = getattr(row, name)
                if value and old in value and not isinstance(value, Unreadable):
                    setattr(row, name, value.replace(old, new))
                    hit = True
            if hit:
                changed.append(row)
        manager.bulk_update(changed, names, batch_size=batch_size)


@transaction.atomic
def person_erase(*, person: Person, by: Person | None) -> Person:
    """Erase a person's personal data on request (or by the retention rule), keeping the anonymous figures.

    Deleted: their private notes, closing and session reflections, notifications and calendar feed, training
    evidence files. Blanked: what they wrote (concerns, application text, summaries of sessions they logged, survey
    comments, pause reasons, requests, reflection time's notes). Kept, anonymous: the Person row (with its team, so
    team figures still add up), memberships, pairings, sessions' dates and durations, survey scores, training and
    reflection hours.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    old_name, old_email = person.display_name, person.email
    label = f"Former participant #{person.pk}"
    pairings = Pairing.objects.filter(Q(mentor=person) | Q(mentee=person))
    # An erased person has left: the leavers' rules first (their running pairings pause, open applications,
    # requests and proposals are withdrawn, coordinators and partners told), before their words are blanked.
    people_leave(person_ids=[person.pk], by=by, source="admin", why="personal data erased")
    person.refresh_from_db()

    PrivateNote.objects.filter(author=person).delete()
    ClosingReflection.objects.filter(author=person).delete()
    SessionReflection.objects.filter(author=person).delete()
    ReflectionTime.objects.filter(person=person).update(note="")  # the hours stay: protected time used
    Notification.objects.filter(person=person).delete()
    CalendarFeed.objects.filter(person=person).delete()
    # The alert stays (it is counted) with a reason that quotes nothing.
    for alert in Alert.objects.filter(concern__raised_by=person):
        # Stored once for every coordinator who reads it: in the installation's language.
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("%(kind)s (details erased on request).") % {"kind": alert.get_kind_display()}
        Alert.objects.filter(pk=alert.pk).update(reason=reason)
    Concern.objects.filter(raised_by=person).update(text="")
    # The files go once the erasure has committed: a rolled-back erasure must not leave records pointing at
    # evidence that is gone (on disk or in the bucket).
    evidence = TrainingRecord._meta.get_field("evidence_file").storage
    files = list(
        TrainingRecord.objects.filter(person=person).exclude(evidence_file="").values_list("evidence_file", flat=True)
    )
    TrainingRecord.objects.filter(person=person).update(evidence_file="", evidence_note="")
    transaction.on_commit(lambda: [evidence.delete(name) for name in files])
    Application.objects.filter(person=person).update(goals="", decision_reason="", endorsement_reason="")
    ApplicationAnswer.objects.filter(application__person=person).update(text="")
    TimeAllocation.objects.filter(person=person).update(decline_reason="")
    # Each person's own words only: the summary and next steps of the sessions they logged, the dispute reasons
    # they gave on their partner's sessions, the goals they wrote.
    MentoringSession.objects.filter(logged_by=person).update(summary="", next_steps="")
    MentoringSession.objects.filter(answered_by=person).update(dispute_reason="")
    Goal.objects.filter(created_by=person).update(title="(erased)", success="")
    pairings.update(paused_reason="")
    MentorRequest.objects.filter(Q(mentee=person) | Q(mentor=person)).update(message="", decline_reason="")
    Answer.objects.filter(response__person=person).update(text="")
    SurveyResponse.objects.filter(person=person).update(person=None)
    AuditEvent.objects.filter(actor=person).update(actor_label=ERASED_LABEL)

    person.display_name = label
    person.email = f"erased-{person.pk}@{ERASED_EMAIL_DOMAIN}"
    person.set_unusable_password()
    person.is_active = person.is_staff = person.is_superuser = False
    person.job_title = ""
    person.grade = None
    person.start_date = None
    person.line_manager = None
    person.missing_from_hr_since = None
    person.employee_id = person.sso_subject = None  # ids in the organisation's systems point back at the person
    person.last_login = None
    # The identity provider's names for them go too; SCIM no longer shows them (its 404, as after a DELETE).
    person.scim_user_name = person.scim_external_id = None
    person.scim_deleted_at = person.scim_deleted_at or timezone.now()
    person.save()
    _scrub_everywhere(old_email, person.email)
    # A one-word or very short name would also match inside other words; those are left where quoted.
    if " " in old_name.strip() and len(old_name.strip()) >= 5:
        _scrub_everywhere(old_name, label)
    # Kept draft figures may name them (a decision's owner): worked out again on the next view instead.
    DraftFigures.objects.all().delete()
    audit_record(actor=by, action="personal_data.erased", obj=person, subject=person, summary="Personal data erased.")
    return person


# --- Retention -------------------------------------------------------------------------------------------------


def retention_apply(*, dry_run: bool = False, today: datetime.date | None = None) -> int:
    """Erase everyone the retention rule has reached; with ``dry_run``, only count them."""
    due = retention_due(today=today)
    if not dry_run:
        for person in due:
            person_erase(person=person, by=None)
    return len(due)
