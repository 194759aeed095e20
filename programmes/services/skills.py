"""The skills vocabulary: one managed list; coordinators create, rename and merge synonyms (the old name stays
findable)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from ..models import ApplicationSkill, Person, Skill


@transaction.atomic
def skill_create(*, name: str, description: str = "", by: Person) -> Skill:
    name = " ".join(name.split())
    existing = Skill.objects.filter(name__iexact=name).select_related("merged_into").first()
    if existing:
        target = existing.merged_into or existing
        raise ValidationError(
            {"name": gettext("“%(name)s” already exists as “%(target)s”.") % {"name": name, "target": target}}
        )

    skill = Skill(name=name, description=description.strip())
    skill.full_clean()
    skill.save()
    return skill


@transaction.atomic
def skill_rename(*, skill: Skill, name: str, by: Person) -> Skill:
    name = " ".join(name.split())
    if Skill.objects.filter(name__iexact=name).exclude(pk=skill.pk).exists():
        raise ValidationError(
            {"name": gettext("“%(name)s” is already in the vocabulary: merge the two instead.") % {"name": name}}
        )
    skill.name = name
    skill.full_clean()
    skill.save()
    return skill


@transaction.atomic
def skill_merge(*, source: Skill, target: Skill, by: Person) -> Skill:
    """Merge a synonym into a skill: every use moves to the target, and the synonym's name stays findable."""
    if source.pk == target.pk:
        raise ValidationError(gettext("Choose two different skills."))
    if source.merged_into_id:
        raise ValidationError(gettext("“%(source)s” is already merged into another skill.") % {"source": source})
    if target.merged_into_id:
        raise ValidationError(
            gettext("“%(target)s” is itself a synonym; merge into “%(other)s” instead.")
            % {"target": target, "other": target.merged_into}
        )
    # Where an application already has both, keep the higher level on the target and drop the duplicate.
    both = ApplicationSkill.objects.filter(skill=source, application__skills__skill=target)
    for row in both.select_related("application"):
        target_row = ApplicationSkill.objects.get(application=row.application, skill=target)
        if row.level > target_row.level:
            target_row.level = row.level
            target_row.save(update_fields=["level"])
        row.delete()
    ApplicationSkill.objects.filter(skill=source).update(skill=target)
    # The synonym's own synonyms now point at the target as well.
    Skill.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    return target
