"""Late joiners: mentees approved after the programme's last published round, matched into the mentors' free
places by a round over them alone. Every existing pairing, proposal and draft stays as it is: the cohort is not
matched again, its mentees are only left out of this round.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentoring.models import MatchRound
from mentoring.selectors.cohort import Cohort, cohort_load, match_settings_get
from mentoring.selectors.rematch import late_joiner_ids, late_joiners
from mentoring.services.matching import Plan, _round_may_run, _round_save, round_plan
from programmes.models import Person, Programme


def _no_draft_waiting(programme: Programme) -> None:
    if MatchRound.objects.filter(programme=programme, status=MatchRound.Status.DRAFT).exists():
        raise ValidationError(
            _(
                "A draft round is waiting. Publish it, or run a new round, before matching late joiners: this "
                "action never replaces a draft."
            )
        )


def late_joiners_cohort(*, programme: Programme) -> Cohort:
    """The programme's cohort with only its late joiners as mentees (the mentors and their free places as they are):
    the cohort's queries and one more."""
    cohort = cohort_load(programme=programme)
    late = late_joiners(cohort, late_joiner_ids(programme))
    return dataclasses.replace(cohort, mentees={p.pk: p for p in late})


@transaction.atomic
def _late_round_save(*, programme: Programme, by: Person, cohort: Cohort, plan: Plan) -> MatchRound:
    # The programme's row is locked first (as _round_save does), so no draft appears between the check and the write.
    locked = Programme.objects.select_for_update(no_key=True).get(pk=programme.pk)
    _no_draft_waiting(locked)
    return _round_save(programme=locked, by=by, cohort=cohort, plan=plan)


def late_joiners_match(*, programme: Programme, by: Person) -> MatchRound:
    """A draft round over ONLY the mentees approved after the last published round who have no pairing, into the
    mentors' free places (current and proposed pairings count against them). The coordinator reviews and
    publishes it like any round. Refused when a draft is waiting (it would be replaced) or nobody joined late.

    Like ``round_run``, the assignment is computed outside any transaction and only its result is written.
    """
    _round_may_run(Programme.objects.get(pk=programme.pk), by)
    _no_draft_waiting(programme)
    cohort = late_joiners_cohort(programme=programme)
    if not cohort.mentees:
        raise ValidationError(_("No mentee without a mentor joined after the last published round."))
    # With the objective the programme runs its rounds with.
    plan = round_plan(cohort, objective=match_settings_get(programme=programme).objective)
    return _late_round_save(programme=programme, by=by, cohort=cohort, plan=plan)
