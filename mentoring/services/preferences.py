"""Ranked preferences (issue 19): a mentee's ranking of their suggested mentors, a mentor's wishes about waiting
mentees. Both are taken only while the programme is matching, and both are replaced whole (a form's rows),
all or nothing: bad input saves nothing. Reads are in ``mentoring.selectors.preferences``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentoring.models import MenteeRanking, MentorStance
from mentoring.selectors.cohort import cohort_load, match_settings_get
from mentoring.selectors.preferences import ranking_choices, waiting_mentees
from programmes.models import Application, Membership, Person, Programme, Role


def preferences_open(programme: Programme) -> bool:
    """Preferences are taken while the programme is matching (enrolment closed, pairings not yet running)."""
    return programme.status == Programme.Status.MATCHING


def _require_open(programme: Programme) -> Programme:
    programme = Programme.objects.get(pk=programme.pk)
    if not preferences_open(programme):
        raise ValidationError(
            _("%(programme)s takes preferences only while it is matching; nothing was saved.")
            % {"programme": programme.name}
        )
    return programme


@transaction.atomic
def ranking_save(*, programme: Programme, mentee: Person, mentor_ids: Sequence[int]) -> list[MenteeRanking]:
    """Replace the mentee's ranking: ``mentor_ids`` first choice first (empty: no ranking). Each mentor must be
    among the mentors they may rank (``ranking_choices``), once, and at most N of them."""
    programme = _require_open(programme)
    settings = match_settings_get(programme=programme)
    n = settings.max_ranked
    if not n:
        raise ValidationError(_("%(programme)s does not take rankings.") % {"programme": programme.name})
    cohort = cohort_load(programme=programme, settings=settings)
    if mentee.pk not in cohort.mentees:
        raise ValidationError(_("Only the programme's approved mentees rank mentors."))
    mentor_ids = list(mentor_ids)
    if len(mentor_ids) > n:
        raise ValidationError(
            ngettext(
                "You may rank %(count)s mentor at most; nothing was saved.",
                "You may rank %(count)s mentors at most; nothing was saved.",
                n,
            )
            % {"count": n}
        )
    if len(set(mentor_ids)) != len(mentor_ids):
        raise ValidationError(_("Each mentor can have one place in your ranking only; nothing was saved."))
    allowed = {c.mentor.pk for c in ranking_choices(cohort, mentee.pk)}
    if any(mentor_id not in allowed for mentor_id in mentor_ids):
        raise ValidationError(_("Choose mentors from your suggestions; nothing was saved."))
    MenteeRanking.objects.filter(programme=programme, mentee=mentee).delete()
    return MenteeRanking.objects.bulk_create(
        MenteeRanking(programme=programme, mentee=mentee, mentor_id=mentor_id, rank=rank)
        for rank, mentor_id in enumerate(mentor_ids, start=1)
    )


def _is_approved_mentor(programme: Programme, person: Person) -> bool:
    return (
        Membership.objects.filter(programme=programme, person=person, role=Role.MENTOR).exists()
        and Application.objects.filter(
            programme=programme, person=person, role=Role.MENTOR, status=Application.Status.APPROVED
        ).exists()
    )


@transaction.atomic
def stances_save(*, programme: Programme, mentor: Person, stances: Mapping[int, str]) -> None:
    """Record the mentor's wish about each of these mentees: "prefer", "prefer_not", or "" for no preference.
    Every mentee must be waiting for a mentor in the programme; otherwise nothing is saved."""
    programme = _require_open(programme)
    if not _is_approved_mentor(programme, mentor):
        raise ValidationError(_("Only the programme's approved mentors mark mentees."))
    known = set(MentorStance.Stance.values) | {""}
    if any(value not in known for value in stances.values()):
        raise ValidationError(_("Choose prefer, no preference or prefer not for each mentee; nothing was saved."))
    ids = list(stances)
    waiting = set(
        waiting_mentees(programme, exclude_person_id=mentor.pk)
        .filter(person_id__in=ids)
        .values_list("person_id", flat=True)
    )
    if set(ids) - waiting:
        raise ValidationError(
            _("Some of these mentees are no longer waiting for a mentor in %(programme)s; nothing was saved.")
            % {"programme": programme.name}
        )
    MentorStance.objects.filter(programme=programme, mentor=mentor, mentee_id__in=ids).delete()
    MentorStance.objects.bulk_create(
        MentorStance(programme=programme, mentor=mentor, mentee_id=mentee_id, stance=stance)
        for mentee_id, stance in stances.items()
        if stance
    )
