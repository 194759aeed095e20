"""Learning opportunities for a mentee's goals: in the pair's workspace and on the matching round page.

The mentee's goals here are the skills they want to develop, from their approved mentee application (their
matching profile): no free text of the pair is read.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, Q

from programmes.models import Application, ApplicationSkill, Opportunity, Role, Skill
from programmes.selectors.opportunities import open_for_skills, with_places

from ..models import OpportunitySuggestion, Pairing


def development_skill_ids(pairing: Pairing) -> list[int]:
    return list(
        ApplicationSkill.objects.filter(
            application__programme_id=pairing.programme_id,
            application__person_id=pairing.mentee_id,
            application__role=Role.MENTEE,
            application__status=Application.Status.APPROVED,
        ).values_list("skill_id", flat=True)
    )


def pairing_opportunities(pairing: Pairing) -> dict[str, Any]:
    """The workspace panel: the mentor's suggestions first, then open opportunities that fit the mentee's
    development skills. Five queries: skills, suggestions (+ their skills), fitting (+ their skills)."""
    suggestions = list(
        OpportunitySuggestion.objects.filter(pairing=pairing)
        .select_related("opportunity__host", "opportunity__org_unit__parent")
        .prefetch_related(Prefetch("opportunity__skills", queryset=Skill.objects.order_by("name")))
        .order_by("-created_at", "-pk")
    )
    suggested = {s.opportunity_id for s in suggestions}
    fitting = [o for o in open_for_skills(development_skill_ids(pairing), limit=6) if o.pk not in suggested][:5]
    return {"suggestions": suggestions, "fitting": fitting, "suggested_ids": suggested}


def opportunities_for_unmatched(mentee_ids: list[int], programme_id: int, *, per_mentee: int = 3) -> dict[int, list]:
    """Up to ``per_mentee`` open opportunities per mentee that fit their development skills, for the matching round
    page: three queries whatever the number of mentees (their skills; the open opportunities that fit any of them,
    with their skills)."""
    if not mentee_ids:
        return {}
    wanted: dict[int, set[int]] = defaultdict(set)
    for person_id, skill_id in ApplicationSkill.objects.filter(
        application__programme_id=programme_id,
        application__person_id__in=mentee_ids,
        application__role=Role.MENTEE,
        application__status=Application.Status.APPROVED,
    ).values_list("application__person_id", "skill_id"):
        wanted[person_id].add(skill_id)
    all_skills = set().union(*wanted.values()) if wanted else set()
    if not all_skills:
        return {}
    # The organisation's open opportunities for those skills: a bounded list (the newest 200), scored in Python.
    candidates = list(
        with_places(Opportunity.objects.open().filter(skills__in=all_skills))
        .annotate(n=Count("skills", filter=Q(skills__in=all_skills), distinct=True))
        .order_by("-created_at", "-pk")[:200]
    )
    found: dict[int, list] = {}
    for person_id, skills in wanted.items():
        scored = []
        for opportunity in candidates:
            fit = len(skills & {s.pk for s in opportunity.skills.all()})
            if fit and opportunity.host_id != person_id and opportunity.places_held < opportunity.places:
                scored.append((-fit, opportunity.title, opportunity))
        found[person_id] = [o for _, _, o in sorted(scored, key=lambda t: (t[0], t[1]))[:per_mentee]]
    return found
