"""Reads for enrolment: open programmes, a programme's applications and their counts, notifications, skills."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from ..models import Application, ApplicationAnswer, ApplicationSkill, Notification, Person, Programme, Skill


def programmes_open_for(person: Person) -> QuerySet[Programme]:
    """Recruiting programmes, with the person's latest application to each (its id and status) as a subquery."""
    mine = Application.objects.filter(programme=OuterRef("pk"), person=person).order_by("-created_at")
    return (
        Programme.objects.open_for_enrolment()
        .annotate(my_application=Subquery(mine.values("pk")[:1]), my_status=Subquery(mine.values("status")[:1]))
        .order_by("starts_on", "name")
    )


def application_skills(application: Application) -> QuerySet[ApplicationSkill]:
    return ApplicationSkill.objects.filter(application=application).select_related("skill")


def application_answers(application: Application) -> QuerySet[ApplicationAnswer]:
    return ApplicationAnswer.objects.filter(application=application).select_related("question")


def programme_applications(
    programme: Programme, *, status: str = "", role: str = "", endorsement: str = ""
) -> QuerySet[Application]:
    """The programme's applications with their applicants and skill counts, by status then newest first."""
    applications = (
        Application.objects.filter(programme=programme)
        .select_related("person__org_unit__parent", "person__line_manager")
        .annotate(skill_count=Count("skills"))
        .order_by("status", "-created_at")
    )
    for field, value in (("status", status), ("role", role), ("endorsement", endorsement)):
        if value:
            applications = applications.filter(**{field: value})
    return applications


def application_counts(programme: Programme) -> dict[str, int]:
    """Applied, waiting for a line manager's endorsement, approved: one query."""
    return Application.objects.filter(programme=programme).aggregate(
        applied=Count("pk", filter=Q(status=Application.Status.APPLIED)),
        waiting_endorsement=Count(
            "pk", filter=Q(status__in=Application.OPEN, endorsement=Application.Endorsement.PENDING)
        ),
        approved=Count("pk", filter=Q(status=Application.Status.APPROVED)),
    )


def notifications_of(person: Person, *, unread_only: bool = False) -> QuerySet[Notification]:
    notes = Notification.objects.filter(person=person)
    return notes.filter(read_at__isnull=True) if unread_only else notes


def skills_with_uses(*, q: str = "") -> QuerySet[Skill]:
    """Canonical skills by name, each with how many applications name it and its synonyms; ``q`` matches a
    skill's name or one of its synonyms'."""
    skills = (
        Skill.objects.canonical()
        .annotate(uses=Count("application_skills"))
        .prefetch_related(Prefetch("synonyms", queryset=Skill.objects.order_by("name")))
        .order_by("name")
    )
    if q:
        # Exists, not a join: a join to the synonyms would multiply the usage counts.
        synonym = Skill.objects.filter(merged_into=OuterRef("pk"), name__icontains=q)
        skills = skills.filter(Q(name__icontains=q) | Exists(synonym))
    return skills


def skill_uses(skill: Skill) -> int:
    return ApplicationSkill.objects.filter(skill=skill).count()
