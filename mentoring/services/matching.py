"""Matching a programme's cohort: rounds (run, swap, remove, publish), overrides. The settings are in
``mentoring.services.match_settings``.

Services (keyword-only, ``<entity>_<verb>``, atomic where they write). The scores live in
``mentoring.selectors.scoring``, the cohort and the hard rules in ``mentoring.selectors.cohort``, the
assessment of mentees against mentors and the coordinator's tables in ``mentoring.selectors.matching``; this
module turns them into drafts and pairings.

Whole-cohort matching is an assignment problem: one row per mentee, one column per free place of a mentor
(a mentor with two free places has two columns), the score as the value, pairs that break a hard rule or
score below the minimum forbidden. ``scipy.optimize.linear_sum_assignment`` finds the assignment with the
largest total, which first-come-first-served (greedy) matching does not.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from scipy import sparse

from core.i18n import in_language_of
from mentoring.models import MatchOverride, MatchProposal, MatchRound, MentorRequest, Objective, Pairing
from mentoring.said import words
from mentoring.selectors import assignment
from mentoring.selectors.cohort import (
    ENDED,
    Cohort,
    below_minimum,
    cohort_load,
    cohort_refresh,
    match_settings_get,
    rules_broken,
)
from mentoring.selectors.matching import assess_matrix, mentors_with_places, no_match_reason
from mentoring.selectors.scoring import Profile, Weights, score_parts
from mentoring.services.pairing import notify as notify_people
from programmes.models import Application, Person, Programme, Role
from programmes.services.notifications import Notice, notices_send

from .match_settings import _require_coordinator

__all__ = [
    "match_settings_get",
    "mentor_places_lock",
    "pairing_propose",
    "objective_check",
    "round_run",
    "round_plan",
    "proposal_remove",
    "proposal_swap",
    "round_publish",
    "match_override_record",
]

MATCHING_STATUSES = (Programme.Status.MATCHING, Programme.Status.RUNNING)
# Blocking pairs a round keeps by name (the count is always whole).
BLOCKING_SHOWN = 50


# --- Rounds ---------------------------------------------------------------------------------------------------


@dataclass
class PlannedProposal:
    mentor: Profile
    mentee: Profile
    score: int
    parts: list[dict[str, Any]]


@dataclass
class Plan:
    proposals: list[PlannedProposal]
    unmatched: list[dict[str, Any]]  # {"mentee": id, "name": ..., "reason": ...}
    weights: Weights
    pairs_scored: int = 0
    objective: str = assignment.BEST_TOTAL
    # Every objective's outcome on the same cohort: objective -> {"matched", "total", "worst", "blocking"}.
    comparison: dict[str, dict[str, int | bool | None]] = dataclasses.field(default_factory=dict)
    # The chosen assignment's blocking pairs: [{"mentor": id, "mentee": id, "mentor_name", "mentee_name"}], 50 at most.
    blocking: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    blocking_count: int = 0
    proven: bool = False  # the dual prices proved the chosen assignment optimal over every pair

    @property
    def total(self) -> int:
        return sum(p.score for p in self.proposals)


# Why a mentee with a mentor who fits was left out, by the objective that ran.
UNMATCHED_BECAUSE = {
    assignment.BEST_TOTAL: gettext_noop(
        "every mentor who fits went to another mentee for a better total (best here: %(mentor)s, %(score)s)"
    ),
    assignment.MOST_MATCHED: gettext_noop(
        "every mentor who fits went to another mentee, so that as many people as possible are matched "
        "(best here: %(mentor)s, %(score)s)"
    ),
    assignment.FAIREST: gettext_noop(
        "every mentor who fits went to another mentee, so that as many people as possible are matched and the "
        "worst pair is as good as it can be (best here: %(mentor)s, %(score)s)"
    ),
    assignment.STABLE: gettext_noop(
        "every mentor who fits preferred the mentees they were given (best here: %(mentor)s, %(score)s)"
    ),
}


def _problem(cohort: Cohort, mentees: list[Profile], mentors: list[Profile], scores: np.ndarray) -> assignment.Problem:
    """The assignment problem of a cohort: scores, free places, and the people's own preferences where given."""
    row = {p.pk: i for i, p in enumerate(mentees)}
    column = {p.pk: j for j, p in enumerate(mentors)}
    shape = (len(mentees), len(mentors))

    def bonus(entries: Iterable[tuple[int, int, int]]) -> sparse.csr_array | None:
        kept = [(row[e], column[m], b) for e, m, b in entries if e in row and m in column and b]
        if not kept:
            return None
        rows, cols, values = zip(*kept, strict=True)
        return sparse.csr_array((np.array(values, dtype=np.int64), (rows, cols)), shape=shape)

    # A rank beyond the programme's number (lowered after the mentee ranked) counts nothing, in the score as here.
    most = getattr(cohort, "max_ranked", 0)
    rankings = {key: rank for key, rank in (getattr(cohort, "rankings", {}) or {}).items() if rank <= most}
    stances = getattr(cohort, "stances", {}) or {}
    limit = max([*rankings.values(), 0]) + 1
    return assignment.Problem(
        scores=scores,
        capacity=np.array([cohort.free_places(p.pk) for p in mentors], dtype=np.int64),
        # A 1st choice outranks a 2nd; any ranked mentor outranks every unranked one.
        mentee_bonus=bonus((e, m, limit - rank) for (e, m), rank in rankings.items()),
        mentor_bonus=bonus((e, m, stance) for (m, e), stance in stances.items()),
    )


def round_plan(cohort: Cohort, objective: str = assignment.BEST_TOTAL) -> Plan:
    """The whole-cohort assignment for the mentees without a mentor that is best for ``objective`` (pure Python,
    numpy and scipy, no queries), with what the other objectives would give and the blocking pairs."""
    objective_check(objective)
    mentees = [p for p in cohort.mentees.values() if p.pk not in cohort.mentee_pairing]
    mentors = mentors_with_places(cohort)
    assessed = assess_matrix(cohort, mentees, mentors)
    problem = _problem(cohort, mentees, mentors, assessed.scores)
    solutions = assignment.solve_all(problem)
    chosen = solutions[objective]
    proposals: list[PlannedProposal] = []
    unmatched = []
    for i, j in enumerate(chosen.mentor_of.tolist()):
        if j >= 0:
            score, parts = score_parts(mentors[j], mentees[i], cohort.weights)
            proposals.append(PlannedProposal(mentors[j], mentees[i], score, parts))
            continue
        row = assessed.rows[i]
        reason = no_match_reason(cohort, row, len(mentors))
        if not reason:
            reason = _(UNMATCHED_BECAUSE[objective]) % {"mentor": mentors[row.best_mentor].name, "score": row.best}
        unmatched.append({"mentee": mentees[i].pk, "name": mentees[i].name, "reason": reason})
    count, found = assignment.blocking_pairs(problem, chosen.mentor_of, limit=BLOCKING_SHOWN)
    blocking = [
        {
            "mentor": mentors[j].pk,
            "mentee": mentees[i].pk,
            "mentor_name": mentors[j].name,
            "mentee_name": mentees[i].name,
        }
        for i, j in found
    ]
    proposals.sort(key=lambda p: (p.mentee.name.casefold(), p.mentee.pk))
    return Plan(
        proposals,
        unmatched,
        cohort.weights,
        pairs_scored=len(mentees) * len(mentors),
        objective=objective,
        comparison={name: solution.summary() for name, solution in solutions.items()},
        blocking=blocking,
        blocking_count=count,
        proven=chosen.proven,
    )


def _round_may_run(programme: Programme, by: Person) -> None:
    _require_coordinator(programme, by)
    if programme.status not in MATCHING_STATUSES:
        raise ValidationError(
            _("%(programme)s has the status %(status)s: matching starts when enrolment closes.")
            % {"programme": programme.name, "status": programme.get_status_display()}
        )


def objective_check(objective: str) -> str:
    """The objective if Tandem knows it; a ValidationError in words otherwise."""
    if objective not in Objective.values:
        raise ValidationError(
            _("“%(objective)s” is not an objective a round can run with. Choose one of: %(choices)s.")
            % {"objective": str(objective)[:50], "choices": ", ".join(str(label) for label in Objective.labels)}
        )
    return objective


def round_run(*, programme: Programme, by: Person, objective: str | None = None) -> MatchRound:
    """Run a matching round: a draft with the best proposals for the objective (None: the programme's default in
    its settings) and every unmatched mentee with the reason.

    A draft already there is discarded (kept in the history) and replaced.

    The cohort is read and the assignment computed outside any transaction: on SQLite a transaction holds the
    whole database's write lock, and everyone else's saves would wait for the whole computation. Only the
    result is written, in one short transaction (``_round_save``) that checks again what could have changed
    meanwhile.
    """
    if objective is not None:
        objective_check(objective)
    _round_may_run(Programme.objects.get(pk=programme.pk), by)
    settings = match_settings_get(programme=programme)
    cohort = cohort_load(programme=programme, settings=settings)
    plan = round_plan(cohort, objective=objective or settings.objective)
    return _round_save(programme=programme, by=by, cohort=cohort, plan=plan)


@transaction.atomic
def _round_save(*, programme: Programme, by: Person, cohort: Cohort, plan: Plan) -> MatchRound:
    """Write a computed plan as the programme's draft, re-checking it against the database as it is now.

    A proposal that no longer fits (the mentor's places taken, a person no longer approved or gone, the mentee
    paired meanwhile) joins the unmatched with the reason; settings changed meanwhile refuse the round.
    Publishing checks every rule again in any case.
    """
    # One round at a time per programme: a second coordinator waits, then replaces this draft.
    # (FOR NO KEY UPDATE, so pairings of the programme can still be written meanwhile.)
    programme = Programme.objects.select_for_update(no_key=True).get(pk=programme.pk)
    _round_may_run(programme, by)
    if Weights.from_settings(match_settings_get(programme=programme)) != plan.weights:
        raise ValidationError(_("The matching settings changed while the round ran. Run the round again."))
    now = cohort_refresh(cohort)
    proposals, unmatched, taken = [], list(plan.unmatched), Counter()
    for p in plan.proposals:
        broken = rules_broken(now, p.mentor.person, p.mentee.person, extra_load=taken[p.mentor.pk])
        if broken:
            reason = _("changed while the round ran: %(reasons)s") % {"reasons": " ".join(b.text for b in broken)}
            unmatched.append({"mentee": p.mentee.pk, "name": p.mentee.name, "reason": reason})
            continue
        taken[p.mentor.pk] += 1
        proposals.append(p)
    MatchRound.objects.filter(programme=programme, status=MatchRound.Status.DRAFT).update(
        status=MatchRound.Status.DISCARDED
    )
    match_round = MatchRound.objects.create(
        programme=programme,
        run_by=by,
        weights=plan.weights.snapshot(),
        unmatched=unmatched,
        total_score=sum(p.score for p in proposals),
        objective=plan.objective,
        comparison=plan.comparison,
        blocking=plan.blocking[:50],
        blocking_count=plan.blocking_count,
    )
    MatchProposal.objects.bulk_create(
        MatchProposal(round=match_round, mentor=p.mentor.person, mentee=p.mentee.person, score=p.score, parts=p.parts)
        for p in proposals
    )
    return match_round


def _draft_locked(match_round: MatchRound) -> MatchRound:
    # Only the round's own row, and FOR NO KEY UPDATE: a lock on the programme too (or a plain FOR UPDATE) would
    # block the foreign-key checks of pairings being written meanwhile, and deadlock with mentor_places_lock.
    locked = (
        MatchRound.objects.select_for_update(of=("self",), no_key=True)
        .select_related("programme")
        .get(pk=match_round.pk)
    )
    if locked.status == MatchRound.Status.PUBLISHED:
        raise ValidationError(_("This round is already published: its proposals are pairings now."))
    if locked.status == MatchRound.Status.DISCARDED:
        raise ValidationError(_("A newer round replaced this draft; open the current draft instead."))
    return locked


def _round_total(match_round: MatchRound) -> int:
    return sum(match_round.proposals.filter(removed=False).values_list("score", flat=True))


def _live_proposal(match_round: MatchRound, proposal: MatchProposal) -> MatchProposal:
    proposal = MatchProposal.objects.select_related("mentor", "mentee").get(pk=proposal.pk, round=match_round)
    if proposal.removed:
        raise ValidationError(_("The proposal for %(mentee)s was already removed.") % {"mentee": proposal.mentee})
    return proposal


@transaction.atomic
def proposal_remove(*, proposal: MatchProposal, by: Person) -> MatchProposal:
    """Take a proposal out of the draft; the mentee joins the unmatched with the reason."""
    match_round = _draft_locked(proposal.round)
    _require_coordinator(match_round.programme, by)
    proposal = _live_proposal(match_round, proposal)
    proposal.removed = True
    proposal.save(update_fields=["removed"])
    match_round.unmatched = [u for u in match_round.unmatched if u.get("mentee") != proposal.mentee_id] + [
        {
            "mentee": proposal.mentee_id,
            "name": str(proposal.mentee),
            "reason": f"{by} removed the proposal with {proposal.mentor}",
        }
    ]
    match_round.total_score = _round_total(match_round)
    match_round.save(update_fields=["unmatched", "total_score"])
    return proposal


def round_cohort(match_round: MatchRound) -> tuple[Cohort, Counter[int]]:
    """The cohort scored with the weights the round used (the minimum: the programme's now), and the round's live
    proposals per mentor."""
    cohort = cohort_load(programme=match_round.programme)
    # Scored as the round scored them, against the programme's minimum as it is now.
    cohort.weights = dataclasses.replace(
        Weights.from_snapshot(match_round.weights, fallback=cohort.weights), min_score=cohort.weights.min_score
    )
    proposed = Counter(match_round.proposals.filter(removed=False).values_list("mentor_id", flat=True))
    return cohort, proposed


@transaction.atomic
def proposal_swap(*, proposal: MatchProposal, mentor: Person, by: Person) -> MatchProposal:
    """Give a draft proposal another mentor, re-checking every hard rule, capacity counting the round's other
    proposals. Scored with the round's weights."""
    match_round = _draft_locked(proposal.round)
    _require_coordinator(match_round.programme, by)
    proposal = _live_proposal(match_round, proposal)
    if mentor.pk == proposal.mentor_id:
        raise ValidationError(f"{mentor} is already the proposed mentor for {proposal.mentee}.")
    cohort, proposed = round_cohort(match_round)
    proposed[proposal.mentor_id] -= 1  # this proposal moves away from its old mentor
    broken = rules_broken(cohort, mentor, proposal.mentee, extra_load=proposed[mentor.pk])
    if broken := broken or below_minimum(cohort, mentor, proposal.mentee):
        raise ValidationError([f"{mentor} cannot be proposed for {proposal.mentee}:", *(b.text for b in broken)])
    proposal.score, proposal.parts = score_parts(
        cohort.mentors[mentor.pk], cohort.mentees[proposal.mentee_id], cohort.weights
    )
    proposal.mentor = mentor
    proposal.save(update_fields=["mentor", "score", "parts"])
    match_round.total_score = _round_total(match_round)
    match_round.save(update_fields=["total_score"])
    return proposal


def mentor_places_lock(*, programme: Programme, mentor_ids: Iterable[int]) -> None:
    """Lock the mentors' approved applications (the rows that hold their capacity) until the transaction ends.

    Every service that creates or activates a pairing calls this first, inside its transaction, and only then
    loads the cohort and checks the rules: a second transaction for the same mentor waits here and then sees
    the first one's pairing, so capacity can never be exceeded. Rows are locked in id order, so two services
    locking several mentors cannot deadlock. (SQLite locks the whole database on write instead.)
    """
    list(
        Application.objects.select_for_update(of=("self",))
        .filter(
            programme=programme, role=Role.MENTOR, status=Application.Status.APPROVED, person_id__in=list(mentor_ids)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _pair_notices(pairing: Pairing) -> list[Notice]:
    programme, url = pairing.programme, pairing.get_absolute_url()
    values = {"mentor": pairing.mentor, "mentee": pairing.mentee, "programme": programme.name}
    notices = []
    # Each notice is one person's, written in their language.
    with in_language_of(pairing.mentor):
        notices.append(
            Notice(
                pairing.mentor,
                _("You are proposed as %(mentee)s's mentor in %(programme)s: see why, and accept.") % values,
                url,
                _("A mentoring pairing is proposed for you in %(programme)s") % values,
            )
        )
    with in_language_of(pairing.mentee):
        notices.append(
            Notice(
                pairing.mentee,
                _("%(mentor)s is proposed as your mentor in %(programme)s: see why, and accept.") % values,
                url,
                _("A mentoring pairing is proposed for you in %(programme)s") % values,
            )
        )
    return notices


@transaction.atomic
def pairing_propose(
    *,
    programme: Programme,
    mentor: Person,
    mentee: Person,
    by: Person,
    source: str = Pairing.Source.MANUAL,
    score: int | None = None,
    explanation: list[dict[str, Any]] | None = None,
    notify: bool = True,
) -> Pairing:
    """Propose one pair outside a round (by hand, or from a mentee's request): the same rules and locks as
    publishing. The pair is told; both accept before it becomes active."""
    mentor_places_lock(programme=programme, mentor_ids=[mentor.pk])
    cohort = cohort_load(programme=programme)
    broken = rules_broken(cohort, mentor, mentee)
    if broken := broken or below_minimum(cohort, mentor, mentee):
        raise ValidationError([f"{mentor} cannot be proposed for {mentee}:", *(b.text for b in broken)])
    if score is None:
        score, explanation = score_parts(cohort.mentors[mentor.pk], cohort.mentees[mentee.pk], cohort.weights)
    pairing = Pairing(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        status=Pairing.Status.PROPOSED,
        source=source,
        score=score,
        explanation=explanation or [],
        created_by=by,
    )
    pairing.full_clean()
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:
        raise ValidationError(f"{mentee} was paired by someone else a moment ago.") from None
    _close_open_requests(programme, [mentee.pk], except_mentor=mentor.pk if source == Pairing.Source.REQUEST else None)
    if notify:
        notices_send(_pair_notices(pairing))
    return pairing


def _close_open_requests(programme: Programme, mentee_ids: list[int], *, except_mentor: int | None = None) -> None:
    """A mentee who now has a proposed pairing no longer waits for an answer elsewhere: their open requests are
    withdrawn and the mentors asked are told, so nobody is left with an Accept button that cannot work."""
    stale = MentorRequest.objects.open().filter(programme=programme, mentee_id__in=mentee_ids)
    if except_mentor is not None:
        stale = stale.exclude(mentor_id=except_mentor)
    stale = list(stale.select_related("mentor", "mentee"))
    if not stale:
        return
    MentorRequest.objects.filter(pk__in=[r.pk for r in stale]).update(
        status=MentorRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )
    for request in stale:
        notify_people(
            [request.mentor],
            text=words(
                gettext_noop("%(mentee)s has been matched with another mentor, so their request to you is closed."),
                mentee=request.mentee,
            ),
            url=reverse("mentoring:requests"),
        )


def _publish_recheck(match_round: MatchRound, proposals: list[MatchProposal]) -> None:
    """Every rule again, against the database as it is now (the mentors' places are locked), counting the
    proposals published before each in this round; refuses the whole draft, in words, if any pair breaks one."""
    cohort = cohort_load(programme=match_round.programme)
    # Scores as the round computed them, against the programme's minimum as it is now.
    cohort.weights = dataclasses.replace(
        Weights.from_snapshot(match_round.weights, fallback=cohort.weights), min_score=cohort.weights.min_score
    )
    published: Counter[int] = Counter()
    problems = []
    for proposal in proposals:
        broken = rules_broken(cohort, proposal.mentor, proposal.mentee, extra_load=published[proposal.mentor_id])
        if broken := broken or below_minimum(cohort, proposal.mentor, proposal.mentee):
            problems.append(
                _("%(mentor)s with %(mentee)s: %(rules)s")
                % {"mentor": proposal.mentor, "mentee": proposal.mentee, "rules": " ".join(b.text for b in broken)}
            )
        published[proposal.mentor_id] += 1
    if problems:
        raise ValidationError(
            [_("Nothing was published. Swap or remove these proposals first, or run a new round:"), *problems]
        )


@transaction.atomic
def round_publish(*, match_round: MatchRound, by: Person) -> list[Pairing]:
    """Turn the draft's proposals into proposed pairings, all or nothing, and tell each mentor and mentee.

    Locks the round (two coordinators publishing it at once: the second is refused) and every mentor's place,
    then re-checks every rule against what is in the database now, counting the proposals published before
    it in this round.
    """
    match_round = _draft_locked(match_round)
    programme = match_round.programme
    _require_coordinator(programme, by)
    if programme.status not in MATCHING_STATUSES:
        raise ValidationError(
            f"{programme} is {programme.get_status_display().lower()}: this draft can no longer be published."
        )
    proposals = list(match_round.proposals.filter(removed=False).select_related("mentor", "mentee").order_by("pk"))
    if not proposals:
        raise ValidationError(_("The draft has no proposals to publish. Run a new round instead."))
    mentor_places_lock(programme=programme, mentor_ids={p.mentor_id for p in proposals})
    _publish_recheck(match_round, proposals)
    now = timezone.now()
    pairings = [
        Pairing(
            programme=programme,
            mentor=p.mentor,
            mentee=p.mentee,
            status=Pairing.Status.PROPOSED,
            source=Pairing.Source.ROUND,
            score=p.score,
            explanation=p.parts,
            created_by=by,
            created_at=now,
        )
        for p in proposals
    ]
    try:
        with transaction.atomic():
            # Rules were checked above, under the locks; the constraints still stand guard.
            Pairing.objects.bulk_create(pairings)
    except IntegrityError:
        raise ValidationError(_("A mentee in this round was paired a moment ago. Run a new round.")) from None
    for proposal, pairing in zip(proposals, pairings, strict=True):
        proposal.pairing = pairing
    MatchProposal.objects.bulk_update(proposals, ["pairing"])
    _close_open_requests(programme, [p.mentee_id for p in proposals])
    match_round.status = MatchRound.Status.PUBLISHED
    match_round.published_by = by
    match_round.published_at = now
    match_round.save(update_fields=["status", "published_by", "published_at"])
    notices = []
    for pairing in pairings:
        pairing.programme = programme
        notices += _pair_notices(pairing)
    notices_send(notices)  # one insert for the whole round, however many pairs
    return pairings


@transaction.atomic
def match_override_record(
    *, programme: Programme, mentor: Person, mentee: Person, reason: str, by: Person
) -> MatchOverride:
    """Allow a pair that was paired before (ended or completed) to be proposed again; the reason is kept."""
    _require_coordinator(programme, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this pair may be matched again: the reason is kept.")})
    if not Pairing.objects.filter(mentor=mentor, mentee=mentee, status__in=ENDED).exists():
        raise ValidationError(f"{mentor} and {mentee} were never paired before, so no override is needed.")
    override, _created = MatchOverride.objects.update_or_create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        defaults={"reason": reason.strip(), "created_by": by, "created_at": timezone.now()},
    )
    return override
