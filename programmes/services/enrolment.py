"""Enrolment: apply, endorse (the line manager), decide (the coordinator), withdraw. The skills vocabulary is in
``skills`` (re-exported here for the enrolment views that manage it)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from core.i18n import noun_in_sentence

from ..models import (
    Application,
    ApplicationAnswer,
    ApplicationSkill,
    Membership,
    Person,
    Programme,
    Role,
    Skill,
)
from ..models.enrolment import AVAILABILITY_SLOTS
from .audit import audit_record
from .notifications import Group, coordinators_of, notification_send
from .skills import skill_create, skill_merge, skill_rename  # noqa: F401
from .time import active_line_manager

VALID_SLOTS = {slot for slot, _ in AVAILABILITY_SLOTS}
MAX_SKILLS = 8


@dataclass(frozen=True)
class SkillChoice:
    skill: Skill
    level: int


def _clean_profile(
    *, role: str, skills: list[SkillChoice], availability: list[str], languages: list[str], capacity: int | None
) -> None:
    errors: dict[str, str] = {}
    if not skills:
        errors["skills"] = (
            gettext("Add at least one skill you can offer.")
            if role == Role.MENTOR
            else gettext("Add at least one skill you want to grow.")
        )
    elif len(skills) > MAX_SKILLS:
        errors["skills"] = gettext("Choose at most %(count)s skills: the ones that matter most.") % {
            "count": MAX_SKILLS
        }
    elif len({c.skill.pk for c in skills}) != len(skills):
        errors["skills"] = gettext("Each skill only once, please.")
    elif any(c.skill.merged_into_id for c in skills):
        errors["skills"] = gettext("One of the skills was merged into another; choose the current name.")
    if not availability:
        errors["availability"] = gettext("Tick at least one time when you could meet.")
    elif not set(availability) <= VALID_SLOTS:
        errors["availability"] = gettext("Unknown time slot.")
    if not languages:
        errors["languages"] = gettext("Name at least one language you can meet in.")
    if role == Role.MENTOR and not capacity:
        errors["capacity"] = gettext("Say how many mentees you could take on.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def application_submit(
    *,
    programme: Programme,
    person: Person,
    role: str,
    goals: str,
    meeting_mode: str,
    availability: list[str],
    languages: list[str],
    skills: list[SkillChoice],
    capacity: int | None = None,
    answers: dict[int, str] | None = None,
) -> Application:
    """A person applies to a recruiting programme. Their line manager is asked to endorse it."""
    _check_can_apply(programme=programme, person=person, role=role)
    _clean_profile(role=role, skills=skills, availability=availability, languages=languages, capacity=capacity)
    answers = answers or {}
    questions = _answered_questions(programme=programme, role=role, answers=answers)

    manager = active_line_manager(person)
    application = Application(
        programme=programme,
        person=person,
        role=role,
        goals=goals.strip(),
        meeting_mode=meeting_mode,
        availability=sorted(set(availability)),
        languages=languages,
        capacity=capacity if role == Role.MENTOR else None,
        endorsement=Application.Endorsement.PENDING if manager else Application.Endorsement.NOT_NEEDED,
    )
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(
            gettext("You already have an application for %(programme)s.") % {"programme": programme.name}
        ) from None
    ApplicationSkill.objects.bulk_create(
        ApplicationSkill(application=application, skill=c.skill, level=c.level) for c in skills
    )
    ApplicationAnswer.objects.bulk_create(
        ApplicationAnswer(application=application, question=q, text=answers.get(q.pk, "").strip()) for q in questions
    )
    _application_submitted_notices(application=application, manager=manager)
    return application


def _check_can_apply(*, programme: Programme, person: Person, role: str) -> None:
    """The programme recruits, the role is one can apply for, and the person neither applied nor takes part."""
    if programme.status != Programme.Status.RECRUITING:
        raise ValidationError(
            gettext("%(programme)s is not taking applications at the moment.") % {"programme": programme.name}
        )
    if role not in (Role.MENTOR, Role.MENTEE):
        raise ValidationError(gettext("Apply as a mentor or as a mentee."))
    if Application.objects.filter(programme=programme, person=person, status__in=Application.OPEN).exists():
        raise ValidationError(
            gettext("You already have an application for %(programme)s.") % {"programme": programme.name}
        )
    if Membership.objects.filter(programme=programme, person=person, role__in=(Role.MENTOR, Role.MENTEE)).exists():
        raise ValidationError(gettext("You already take part in %(programme)s.") % {"programme": programme.name})


def _answered_questions(*, programme: Programme, role: str, answers: dict[int, str]) -> list:
    """The programme's questions for ``role``; every required one must have an answer."""
    questions = list(programme.questions.filter(for_role__in=("", role)))
    missing = [q.text for q in questions if q.required and not answers.get(q.pk, "").strip()]
    if missing:
        raise ValidationError({"answers": gettext("Please answer: %(questions)s") % {"questions": "; ".join(missing)}})
    return questions


def _application_submitted_notices(*, application: Application, manager: Person | None) -> None:
    """Tell the applicant, ask their line manager (if any) to endorse, and tell the coordinators."""
    programme, person, role = application.programme, application.person, application.role
    url = application.get_absolute_url()
    names = {"person": person, "programme": programme.name}

    def what() -> dict[str, str]:
        # Said in the reader's language: the role's name too.
        return names | {"role": noun_in_sentence(application.get_role_display())}

    if manager:
        yours = gettext_lazy("Your application to %(programme)s is in. Your line manager has been asked to endorse it.")
    else:
        yours = gettext_lazy("Your application to %(programme)s is in. The coordinators will look at it.")
    notification_send(
        people=[person],
        text=lambda: yours % names,
        url=url,
        email_subject=lambda: gettext("Your application to %(programme)s") % names,
    )
    if manager:
        hours = programme.mentor_hours_per_month if role == Role.MENTOR else programme.mentee_hours_per_month
        notification_send(
            people=[manager],
            text=lambda: (
                gettext("%(person)s applied to %(programme)s as a %(role)s. Please endorse it or say why not.") % what()
            ),
            url=url,
            email_subject=lambda: gettext("%(person)s asks for your endorsement") % names,
            email_body=lambda: (
                gettext(
                    "%(person)s applied to %(programme)s as a %(role)s. Taking part means about %(hours)s hours "
                    "a month "
                    "of protected time.\n"
                    "Please endorse the application, or decline it with a reason, here: %(url)s\n"
                    "(Not answering is not taken as a yes.)"
                )
                % (what() | {"hours": number_format(hours), "url": url})
            ),
        )
    notification_send(
        people=coordinators_of(programme),
        text=lambda: gettext("New application: %(person)s applied to %(programme)s as a %(role)s.") % what(),
        url=url,
        group=_applications_group(
            programme,
            "new",
            lambda n: (
                ngettext(
                    "%(count)s new application to %(programme)s.", "%(count)s new applications to %(programme)s.", n
                )
                % {"count": n, "programme": programme.name}
            ),
            "applied",
        ),
    )


def _applications_group(programme: Programme, kind: str, text: Callable[[int], str], status: str = "") -> Group:
    """Coordinators' news about a programme's applications, one notification per kind with a count."""
    url = reverse("programmes:applications", args=[programme.pk]) + (f"?status={status}" if status else "")
    return Group(key=f"applications.{kind}:{programme.pk}", text=text, url=url)


@transaction.atomic
def application_endorse(*, application: Application, by: Person, endorse: bool, reason: str = "") -> Application:
    """The applicant's line manager endorses the application, or declines with a reason."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("person", "programme").get(pk=application.pk)
    )
    if application.person.line_manager_id != by.pk:
        raise ValidationError(gettext("Only the applicant's line manager can endorse this application."))
    if not application.is_open or application.status == Application.Status.APPROVED:
        raise ValidationError(gettext("This application has already been decided."))
    if application.endorsement != Application.Endorsement.PENDING:
        raise ValidationError(gettext("You have already answered this application."))
    if not endorse and not reason.strip():
        raise ValidationError(
            {"reason": gettext("Say why you do not endorse it: the applicant and the coordinators see it.")}
        )
    application.endorsement = Application.Endorsement.ENDORSED if endorse else Application.Endorsement.DECLINED
    application.endorsed_by = by
    application.endorsement_reason = reason.strip()
    application.endorsement_decided_at = timezone.now()
    application.updated_at = timezone.now()
    application.save()
    programme = application.programme
    names = {"by": by, "programme": programme.name, "person": application.person, "reason": reason.strip()}
    if endorse:
        to_applicant = gettext_lazy("%(by)s endorsed your application to %(programme)s.")
        to_coordinators = gettext_lazy("%(by)s endorsed %(person)s's application.")
    else:
        to_applicant = gettext_lazy("%(by)s did not endorse (%(reason)s) your application to %(programme)s.")
        to_coordinators = gettext_lazy("%(by)s did not endorse (%(reason)s) %(person)s's application.")
    notification_send(
        people=[application.person],
        text=lambda: to_applicant % names,
        url=application.get_absolute_url(),
        email_subject=lambda: gettext("Your line manager answered your application to %(programme)s") % names,
    )
    notification_send(
        people=coordinators_of(programme),
        text=lambda: to_coordinators % names,
        url=application.get_absolute_url(),
        group=_applications_group(
            programme,
            "endorsement",
            lambda n: (
                ngettext(
                    "Line managers answered %(count)s application to %(programme)s.",
                    "Line managers answered %(count)s applications to %(programme)s.",
                    n,
                )
                % {"count": n, "programme": programme.name}
            ),
        ),
    )
    return application


DECISIONS = {
    "approve": Application.Status.APPROVED,
    "decline": Application.Status.DECLINED,
    "waitlist": Application.Status.WAITLISTED,
}


@transaction.atomic
def application_decide(*, application: Application, by: Person, decision: str, reason: str = "") -> Application:
    """A coordinator approves, declines (with a reason the applicant sees) or wait-lists an application."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("person", "programme").get(pk=application.pk)
    )
    status = _checked_decision(application=application, by=by, decision=decision, reason=reason)
    if status == Application.Status.APPROVED:
        _approved_membership(application=application, by=by)
    application.status = status
    application.decided_by = by
    application.decided_at = timezone.now()
    application.updated_at = timezone.now()
    application.decision_reason = reason.strip()
    application.save()
    _decision_notices(application=application, decision=decision, reason=reason)
    return application


def _checked_decision(*, application: Application, by: Person, decision: str, reason: str) -> str:
    """The status ``decision`` leads to, if ``by`` may take it on this application now."""
    programme = application.programme
    if not Membership.objects.filter(programme=programme, person=by, role=Role.COORDINATOR).exists():
        raise ValidationError(gettext("Only the programme's coordinators decide on applications."))
    if decision not in DECISIONS:
        raise ValidationError(gettext("Approve, decline or wait-list."))
    status = DECISIONS[decision]
    if application.status not in (Application.Status.APPLIED, Application.Status.WAITLISTED):
        raise ValidationError(_already(application))
    if application.status == status:
        raise ValidationError(_already(application))
    if programme.status not in (Programme.Status.RECRUITING, Programme.Status.MATCHING, Programme.Status.RUNNING):
        raise ValidationError(
            gettext("%(programme)s is %(status)s: no decisions now.")
            % {"programme": programme.name, "status": programme.get_status_display().lower()}
        )
    if status == Application.Status.DECLINED and not reason.strip():
        raise ValidationError({"reason": gettext("Give the applicant a reason: they will see it.")})
    return status


def _already(application: Application) -> str:
    return gettext("This application is already %(status)s.") % {"status": application.get_status_display().lower()}


def _approved_membership(*, application: Application, by: Person) -> Membership:
    """An endorsed (or not needing it) application becomes a membership, audited."""
    programme = application.programme
    if application.endorsement == Application.Endorsement.PENDING:
        raise ValidationError(
            gettext(
                "%(person)s's line manager has not answered yet. Silence is not consent: "
                "wait for the endorsement, or remind them."
            )
            % {"person": application.person}
        )
    if application.endorsement == Application.Endorsement.DECLINED:
        raise ValidationError(
            gettext(
                "The line manager did not endorse this application (%(reason)s). "
                "Talk to them first, or decline or wait-list it."
            )
            % {"reason": application.endorsement_reason}
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                programme=programme, person=application.person, role=application.role
            )
    except IntegrityError:
        raise ValidationError(
            gettext("%(person)s already takes part in %(programme)s.")
            % {"person": application.person, "programme": programme.name}
        ) from None
    audit_record(
        actor=by,
        action="membership.added",
        obj=membership,
        subject=application.person,
        summary=f"Approved as {membership.get_role_display().lower()}.",
    )
    return membership


def _decision_notices(*, application: Application, decision: str, reason: str) -> None:
    """Tell the applicant the decision (and why), and an approved applicant's line manager."""
    programme, status = application.programme, application.status
    subject = {
        "approve": gettext_lazy("Your application to %(programme)s was approved"),
        "decline": gettext_lazy("Your application to %(programme)s was declined"),
        "waitlist": gettext_lazy("Your application to %(programme)s was put on the waiting list"),
    }[decision]
    names = {"programme": programme.name}

    def text() -> str:
        said = (subject % names) + "."
        return f"{said} {reason.strip()}" if reason.strip() else said

    notification_send(
        people=[application.person],
        text=text,
        url=application.get_absolute_url(),
        email_subject=lambda: subject % names,
    )
    if status == Application.Status.APPROVED and application.person.line_manager_id:
        notification_send(
            people=[application.person.line_manager],
            text=lambda: (
                gettext("%(person)s joins %(programme)s as a %(role)s.")
                % {
                    "person": application.person,
                    "programme": programme.name,
                    "role": noun_in_sentence(application.get_role_display()),
                }
            ),
            url=reverse("programmes:team"),
            group=Group(
                key=f"team.joined:{programme.pk}",
                text=lambda n: (
                    ngettext(
                        "%(count)s person of your team joins %(programme)s.",
                        "%(count)s people of your team join %(programme)s.",
                        n,
                    )
                    % {"count": n, "programme": programme.name}
                ),
                url=reverse("programmes:team"),
            ),
        )


@transaction.atomic
def applications_decide(
    *, programme: Programme, application_ids: Collection[int], by: Person, decision: str, reason: str = ""
) -> list[Application]:
    """One decision with one reason for several applications of ``programme``: all of them or none.

    Each is decided by ``application_decide`` (same rules, same notices). If any cannot take the decision,
    nothing is changed, nobody is told, and the error names each one that could not, with why.
    """
    ids = sorted(set(application_ids))
    if not ids:
        raise ValidationError(gettext("Tick at least one application."))
    if decision not in DECISIONS:
        raise ValidationError(gettext("Approve, decline or wait-list."))
    if DECISIONS[decision] == Application.Status.DECLINED and not reason.strip():
        raise ValidationError({"reason": gettext("Give the applicants a reason: each of them will see it.")})
    applications = list(Application.objects.filter(programme=programme, pk__in=ids).select_related("person"))
    if len(applications) != len(ids):
        raise ValidationError(
            gettext("Some of the ticked applications are not in this programme any more. Reload the page.")
        )
    decided, problems = [], []
    for application in sorted(applications, key=lambda a: (a.person.display_name.casefold(), a.pk)):
        try:
            decided.append(application_decide(application=application, by=by, decision=decision, reason=reason))
        except ValidationError as exc:
            problems.append(f"{application.person}: {' '.join(exc.messages)}")
    if problems:
        # Raising rolls back the decisions already taken above, with their notifications and emails.
        raise ValidationError(
            [
                ngettext(
                    "Nothing was changed: %(count)s of the %(total)s applications cannot take this decision.",
                    "Nothing was changed: %(count)s of the %(total)s applications cannot take this decision.",
                    len(ids),
                )
                % {"count": len(problems), "total": len(ids)},
                *problems,
            ]
        )
    return decided


@transaction.atomic
def application_withdraw(*, application: Application, by: Person) -> Application:
    application = Application.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
    if application.person_id != by.pk:
        raise ValidationError(gettext("Only the applicant can withdraw an application."))
    if application.status == Application.Status.APPROVED:
        raise ValidationError(
            gettext(
                "You are already in the programme. "
                "To leave it, talk to its coordinators so they can close your pairing."
            )
        )
    if application.status not in Application.OPEN:
        raise ValidationError(_already(application))
    application.status = Application.Status.WITHDRAWN
    application.updated_at = timezone.now()
    application.save()
    programme = application.programme
    notification_send(
        people=coordinators_of(programme),
        text=lambda: (
            gettext("%(person)s withdrew their application to %(programme)s.")
            % {"person": by, "programme": programme.name}
        ),
        url=application.get_absolute_url(),
        group=_applications_group(
            programme,
            "withdrawn",
            lambda n: (
                ngettext(
                    "%(count)s application to %(programme)s was withdrawn.",
                    "%(count)s applications to %(programme)s were withdrawn.",
                    n,
                )
                % {"count": n, "programme": programme.name}
            ),
        ),
    )
    return application


def applications_remind_silent_managers(*, now: datetime.datetime | None = None) -> int:
    """Tell coordinators about endorsements that have waited longer than their programme allows.

    Idempotent: each application's reminder is claimed with a conditional UPDATE of its timestamp before
    anyone is told, so running the sweep twice, or after days of downtime, reminds once per application.
    """
    now = now or timezone.now()
    sent = 0
    candidates = Application.objects.filter(
        status__in=(Application.Status.APPLIED, Application.Status.WAITLISTED),
        endorsement=Application.Endorsement.PENDING,
        endorsement_reminder_sent_at__isnull=True,
        programme__status__in=(Programme.Status.RECRUITING, Programme.Status.MATCHING, Programme.Status.RUNNING),
        person__is_active=True,
        person__line_manager__isnull=False,
    ).select_related("programme", "person__line_manager")
    coordinators: dict[int, list[Person]] = {}
    for application in candidates:
        due = application.created_at + datetime.timedelta(days=application.programme.endorsement_reminder_days)
        if due > now:
            continue
        with transaction.atomic():
            claimed = Application.objects.filter(pk=application.pk, endorsement_reminder_sent_at__isnull=True).update(
                endorsement_reminder_sent_at=now
            )
            if not claimed:
                continue
            days = (now - application.created_at).days
            manager = application.person.line_manager
            if application.programme_id not in coordinators:
                coordinators[application.programme_id] = coordinators_of(application.programme)
            notification_send(
                people=coordinators[application.programme_id],
                text=functools.partial(
                    lambda values: (
                        ngettext(
                            "%(manager)s has not answered %(person)s's application for %(days)s day. "
                            "Silence is not consent: you may want to remind them.",
                            "%(manager)s has not answered %(person)s's application for %(days)s days. "
                            "Silence is not consent: you may want to remind them.",
                            values["days"],
                        )
                        % values
                    ),
                    {"manager": manager, "person": application.person, "days": days},
                ),
                url=application.get_absolute_url(),
                email_subject=functools.partial(
                    lambda name: gettext("An endorsement for %(programme)s is waiting") % {"programme": name},
                    application.programme.name,
                ),
            )
            sent += 1
    return sent
