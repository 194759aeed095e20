"""The matching engine (``mentoring.selectors.assignment``, issue 19) checked against answers worked out here, with
nothing of the engine's: every objective's optimum from ``scipy.optimize.milp`` (binary x_ij over the allowed pairs,
each mentee at most once, each mentor at most its capacity) on random cohorts up to 60 x 25 and on the shapes with
nothing to match; from ``linear_sum_assignment`` over one column per free place on larger cohorts; and stability from
a brute-force blocking-pair check written from the definition (never the engine's ``blocking_pairs``), on cohorts
hypothesis makes, with the mentee-optimal stable assignment found by listing every assignment of small cohorts.

A coordinator notices these as: the round matches as many people, for as high a total, with as good a worst pair as
its objective promises (and the page's comparison of objectives is true); "stable" leaves no mentor and mentee who
would both rather have each other.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from mentoring.selectors.assignment import FORBIDDEN, Problem, blocking_pairs, solve, solve_all

OPTIMISING = ("best_total", "most_matched", "fairest")
ALL_OBJECTIVES = (*OPTIMISING, "stable")
CHECKS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- The independent optimum (scipy.optimize.milp) --------------------------------------------------------------


@dataclass(frozen=True)
class Optimum:
    matched: int
    total: int
    worst: int | None  # promised by "fairest" only (any best-total assignment may have its own worst pair)


def _milp_best(
    scores: np.ndarray,
    capacity: np.ndarray,
    *,
    maximise: str,
    floor: int | None = None,
    keep: tuple[tuple[str, int], ...] = (),
) -> int:
    """The largest ``maximise`` ("count" or "total") of an assignment using only allowed pairs (scoring at least
    ``floor`` when given), among those reaching each ``(measure, value)`` of ``keep``."""
    rows, cols = np.nonzero(scores != FORBIDDEN)
    if floor is not None:
        kept = scores[rows, cols] >= floor
        rows, cols = rows[kept], cols[kept]
    if not len(rows):
        assert all(value <= 0 for _measure, value in keep)
        return 0
    n, m, k = *scores.shape, len(rows)
    measures = {"count": np.ones(k), "total": scores[rows, cols].astype(float)}
    each_mentee = sp.csr_array((np.ones(k), (rows, np.arange(k))), shape=(n, k))
    each_mentor = sp.csr_array((np.ones(k), (cols, np.arange(k))), shape=(m, k))
    constraints = [
        LinearConstraint(each_mentee, 0, 1),
        LinearConstraint(each_mentor, 0, capacity.astype(float)),
        *(LinearConstraint(measures[measure][None, :], value - 0.5, np.inf) for measure, value in keep),
    ]
    found = milp(-measures[maximise], integrality=np.ones(k), bounds=Bounds(0, 1), constraints=constraints)
    assert found.success, found.message
    return round(-found.fun)


def milp_optimum(scores: np.ndarray, capacity: np.ndarray, objective: str) -> Optimum:
    """What each objective promises, lexicographically: best total (ties: more matched); most matched, then the
    total; fairest: most matched, then the highest t such that that many can be matched on pairs scoring >= t
    (binary search over the scores present), then the total."""
    if objective == "best_total":
        total = _milp_best(scores, capacity, maximise="total")
        return Optimum(_milp_best(scores, capacity, maximise="count", keep=(("total", total),)), total, None)
    most = _milp_best(scores, capacity, maximise="count")
    if objective == "most_matched":
        return Optimum(most, _milp_best(scores, capacity, maximise="total", keep=(("count", most),)), None)
    assert objective == "fairest"
    if most == 0:
        return Optimum(0, 0, None)
    present = np.unique(scores[scores != FORBIDDEN])
    low, high = 0, len(present) - 1  # present[low] always reaches `most` (it is the lowest allowed score)
    while low < high:
        middle = (low + high + 1) // 2
        if _milp_best(scores, capacity, maximise="count", floor=int(present[middle])) == most:
            low = middle
        else:
            high = middle - 1
    worst = int(present[low])
    total = _milp_best(scores, capacity, maximise="total", floor=worst, keep=(("count", most),))
    return Optimum(most, total, worst)


# --- The same optimum by linear_sum_assignment, for cohorts too large for milp in a test ------------------------


def _lsa(values: np.ndarray, capacity: np.ndarray) -> int:
    """The largest sum of non-negative integer ``values`` over assignments (one column per free place)."""
    slots = np.repeat(np.arange(values.shape[1]), capacity)
    if not values.size or not len(slots):
        return 0
    expanded = values[:, slots]
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    return int(expanded[rows, cols].sum())


def lsa_optimum(scores: np.ndarray, capacity: np.ndarray, objective: str) -> Optimum:
    """As ``milp_optimum``, with each lexicographic pair folded into one integer value: a forbidden pair is worth
    0, exactly what an unmatched mentee is worth."""
    allowed = scores != FORBIDDEN
    s = np.where(allowed, scores, 0).astype(np.int64)
    count_weight = int(s.max(initial=0)) * scores.shape[0] + 1  # more than any total
    if objective == "best_total":
        total, matched = divmod(
            _lsa(np.where(allowed, s * (scores.shape[0] + 1) + 1, 0), capacity), scores.shape[0] + 1
        )
        return Optimum(matched, total, None)
    matched, total = divmod(_lsa(np.where(allowed, count_weight + s, 0), capacity), count_weight)
    if objective == "most_matched" or matched == 0:
        return Optimum(matched, total, None)
    present = np.unique(scores[allowed])
    low, high = 0, len(present) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if _lsa((allowed & (scores >= present[middle])).astype(np.int64), capacity) == matched:
            low = middle
        else:
            high = middle - 1
    worst = int(present[low])
    fair, total = divmod(_lsa(np.where(allowed & (scores >= worst), count_weight + s, 0), capacity), count_weight)
    assert fair == matched
    return Optimum(matched, total, worst)


# --- Blocking pairs from the definition ----------------------------------------------------------------------------


def _dense(bonus: sp.csr_array | None, shape: tuple[int, int]) -> np.ndarray:
    return np.zeros(shape, dtype=np.int64) if bonus is None else np.asarray(bonus.toarray(), dtype=np.int64)


def blocking_by_hand(problem: Problem, mentor_of: np.ndarray) -> set[tuple[int, int]]:
    """Every allowed (mentee i, mentor j) not paired together where i strictly prefers j to what i got (unmatched:
    any allowed mentor) by (mentee_bonus, score), and j has a free place or strictly prefers i to one of the
    mentees j got, by (mentor_bonus, score). Pair by pair, in plain Python."""
    scores = problem.scores.astype(np.int64)
    n, m = scores.shape
    mentee_bonus, mentor_bonus = _dense(problem.mentee_bonus, (n, m)), _dense(problem.mentor_bonus, (n, m))
    held = {j: [i for i in range(n) if mentor_of[i] == j] for j in range(m)}
    found = set()
    for i in range(n):
        for j in range(m):
            if scores[i, j] == FORBIDDEN or mentor_of[i] == j:
                continue
            k = int(mentor_of[i])
            if k >= 0 and (mentee_bonus[i, j], scores[i, j]) <= (mentee_bonus[i, k], scores[i, k]):
                continue
            if len(held[j]) < problem.capacity[j] or any(
                (mentor_bonus[i, j], scores[i, j]) > (mentor_bonus[h, j], scores[h, j]) for h in held[j]
            ):
                found.add((i, j))
    return found


# --- What every solution must be -----------------------------------------------------------------------------------


def assert_feasible_and_reported(problem: Problem, solution, objective: str, *, blocking: bool = True) -> None:
    """No forbidden pair, no mentor over capacity, each mentee at most once (one entry each), and the reported
    matched, total, worst and (unless told not to: pair by pair in Python is slow on large cohorts) blocking are
    what the assignment gives."""
    n, m = problem.scores.shape
    mentor_of = np.asarray(solution.mentor_of)
    assert solution.objective == objective
    assert mentor_of.shape == (n,)
    assert ((mentor_of >= -1) & (mentor_of < m)).all()
    rows = np.flatnonzero(mentor_of >= 0)
    cols = mentor_of[rows]
    got = problem.scores[rows, cols].astype(np.int64)
    assert (got != FORBIDDEN).all(), "a forbidden pair was matched"
    assert (np.bincount(cols, minlength=m) <= problem.capacity).all(), "a mentor got more mentees than places"
    assert solution.matched == len(rows)
    assert solution.total == int(got.sum())
    assert solution.worst == (int(got.min()) if len(got) else None)
    if blocking:
        assert solution.blocking == len(blocking_by_hand(problem, mentor_of))


def assert_optimal(problem: Problem, objective: str, optimum: Optimum, *, blocking: bool = True):
    solution = solve(problem, objective)
    assert_feasible_and_reported(problem, solution, objective, blocking=blocking)
    if objective == "fairest":
        assert (solution.matched, solution.worst, solution.total) == (optimum.matched, optimum.worst, optimum.total)
    else:
        assert (solution.matched, solution.total) == (optimum.matched, optimum.total)
    assert solution.proven is True
    return solution


def random_problem(
    rng: np.random.Generator,
    n: int,
    m: int,
    *,
    forbidden: float = 0.15,
    capacity: tuple[int, int] = (1, 3),
    top: int = 100,
) -> Problem:
    scores = rng.integers(0, top + 1, size=(n, m)).astype(np.int16)
    scores[rng.random((n, m)) < forbidden] = FORBIDDEN
    return Problem(scores=scores, capacity=rng.integers(capacity[0], capacity[1] + 1, size=m).astype(np.int64))


# --- Every objective equals the independent optimum ------------------------------------------------------------------

RANDOM_COHORTS = {
    # name: (seed, mentees, mentors, keyword arguments of random_problem)
    "60x25": (1, 60, 25, {}),
    "60x25 again": (2, 60, 25, {}),
    "60x25 half forbidden": (3, 60, 25, {"forbidden": 0.5}),
    "60x25 scores 0-5, many ties": (4, 60, 25, {"top": 5}),
    "60x25 capacities 0-3": (5, 60, 25, {"capacity": (0, 3)}),
    "40x10 more mentees than places": (6, 40, 10, {"capacity": (1, 2)}),
    "12x25 more mentors than mentees": (7, 12, 25, {}),
    "60x25 capacity 1": (8, 60, 25, {"capacity": (1, 1), "forbidden": 0.3}),
}


@pytest.mark.parametrize("objective", OPTIMISING)
@pytest.mark.parametrize("cohort", RANDOM_COHORTS)
def test_every_objective_equals_an_independent_milp_optimum_on_random_cohorts(cohort, objective):
    seed, n, m, shape = RANDOM_COHORTS[cohort]
    problem = random_problem(np.random.default_rng(seed), n, m, **shape)
    optimum = milp_optimum(problem.scores, problem.capacity, objective)
    assert optimum.matched > 0
    assert_optimal(problem, objective, optimum)


@pytest.mark.parametrize("objective", OPTIMISING)
@pytest.mark.parametrize("n, m, seed", [(300, 120, 11), (1000, 400, 12)])
def test_every_objective_equals_an_independent_optimum_on_larger_cohorts(n, m, seed, objective):
    """Beyond milp's reach in a test: the optimum by linear_sum_assignment over every free place."""
    problem = random_problem(np.random.default_rng(seed), n, m, forbidden=0.2)
    assert_optimal(problem, objective, lsa_optimum(problem.scores, problem.capacity, objective), blocking=n <= 300)


@pytest.mark.parametrize("cohort", ["60x25", "60x25 scores 0-5, many ties", "40x10 more mentees than places"])
def test_a_rounds_side_by_side_solves_each_equal_the_independent_optimum(cohort):
    """A round solves every objective on one cohort, sharing the candidate pairs one solve's proof adds (``solve_all``,
    what the comparison on the round page shows): each still equals its own independent optimum."""
    seed, n, m, shape = RANDOM_COHORTS[cohort]
    problem = random_problem(np.random.default_rng(seed), n, m, **shape)
    solutions = solve_all(problem)
    assert set(solutions) == set(ALL_OBJECTIVES)
    for objective in OPTIMISING:
        optimum = milp_optimum(problem.scores, problem.capacity, objective)
        solution = solutions[objective]
        assert_feasible_and_reported(problem, solution, objective)
        assert (solution.matched, solution.total) == (optimum.matched, optimum.total), objective
        if objective == "fairest":
            assert solution.worst == optimum.worst
        assert solution.proven is True
    assert solutions["stable"].blocking == 0 == len(blocking_by_hand(problem, solutions["stable"].mentor_of))


def test_the_two_independent_optima_agree_with_each_other():
    """The larger cohorts' yardstick (linear_sum_assignment) gives milp's answers where both can run."""
    for seed in range(4):
        problem = random_problem(np.random.default_rng(100 + seed), 30, 12, top=10 if seed % 2 else 100)
        for objective in OPTIMISING:
            a, b = (f(problem.scores, problem.capacity, objective) for f in (milp_optimum, lsa_optimum))
            assert (a.matched, a.total, a.worst) == (b.matched, b.total, b.worst), (seed, objective)


def _scores(rows: list[list[int | None]]) -> np.ndarray:
    return np.array([[FORBIDDEN if s is None else s for s in row] for row in rows], dtype=np.int16)


DEGENERATE = {
    "no mentors": (np.zeros((5, 0), dtype=np.int16), np.zeros(0, dtype=np.int64)),
    "no mentees": (np.zeros((0, 4), dtype=np.int16), np.ones(4, dtype=np.int64)),
    "nobody": (np.zeros((0, 0), dtype=np.int16), np.zeros(0, dtype=np.int64)),
    "every pair forbidden": (np.full((6, 4), FORBIDDEN, dtype=np.int16), np.full(4, 2, dtype=np.int64)),
    "no free places": (np.full((6, 4), 70, dtype=np.int16), np.zeros(4, dtype=np.int64)),
}


@pytest.mark.parametrize("objective", ALL_OBJECTIVES)
@pytest.mark.parametrize("shape", DEGENERATE)
def test_nothing_to_match_gives_an_empty_assignment(shape, objective):
    scores, capacity = DEGENERATE[shape]
    problem = Problem(scores=scores, capacity=capacity)
    solution = solve(problem, objective)
    assert_feasible_and_reported(problem, solution, objective)
    assert (solution.matched, solution.total, solution.worst, solution.blocking) == (0, 0, None, 0)
    assert (np.asarray(solution.mentor_of) == -1).all()
    assert blocking_pairs(problem, np.full(scores.shape[0], -1, dtype=np.int64)) == (0, [])


@pytest.mark.parametrize("objective", OPTIMISING)
def test_more_mentors_than_mentees_and_one_allowed_pair_each_way(objective):
    rng = np.random.default_rng(21)
    for problem in (
        random_problem(rng, 3, 10),
        random_problem(rng, 1, 8, capacity=(0, 1)),
        Problem(scores=_scores([[None, None, 0, None]]), capacity=np.array([1, 1, 1, 1])),  # a 0 still matches
        Problem(scores=_scores([[40], [None], [40]]), capacity=np.array([3])),
    ):
        assert_optimal(problem, objective, milp_optimum(problem.scores, problem.capacity, objective))


# --- The cases ------------------------------------------------------------------------------------------


def test_starvation_2x2_best_total_leaves_z_alone_and_most_matched_matches_both():
    """Issue 19: mentees X, Z; mentors P, Q with one place each; X-P 100, X-Q 53, Z-P 38, Z with Q forbidden."""
    problem = Problem(scores=_scores([[100, 53], [38, None]]), capacity=np.array([1, 1]))
    best = solve(problem, "best_total")
    assert list(best.mentor_of) == [0, -1]
    assert (best.matched, best.total, best.worst) == (1, 100, 100)
    most = solve(problem, "most_matched")
    assert list(most.mentor_of) == [1, 0]
    assert (most.matched, most.total, most.worst) == (2, 91, 38)
    fair = solve(problem, "fairest")
    assert list(fair.mentor_of) == [1, 0]
    assert (fair.matched, fair.total, fair.worst) == (2, 91, 38)
    stable = solve(problem, "stable")  # X and P want each other most: Z's only mentor is taken
    assert list(stable.mentor_of) == [0, -1] and stable.blocking == 0
    for solution in (best, most, fair, stable):
        assert_feasible_and_reported(problem, solution, solution.objective)


def test_fairest_beats_best_total_on_the_worst_pair_and_loses_on_the_total():
    """A-P 100 + B-Q 20 = 120 (worst 20) against A-Q 55 + B-P 55 = 110 (worst 55): both match two."""
    problem = Problem(scores=_scores([[100, 55], [55, 20]]), capacity=np.array([1, 1]))
    best, fair = solve(problem, "best_total"), solve(problem, "fairest")
    assert best.matched == fair.matched == 2
    assert (best.total, best.worst) == (120, 20)
    assert (fair.total, fair.worst) == (110, 55)
    assert fair.worst > best.worst and best.total > fair.total


def test_ties_in_the_total_prefer_more_people_matched():
    """A 0-score pair adds nothing to the total but matches someone: best total takes it (the contract's tie rule)."""
    problem = Problem(scores=_scores([[80, None], [None, 0]]), capacity=np.array([1, 1]))
    best = solve(problem, "best_total")
    assert (best.matched, best.total, best.worst) == (2, 80, 0)


# --- The optimum is proven over every pair, not only the likely ones -----------------------------------------------


def test_the_best_total_needs_pairs_far_down_both_sides_lists():
    """100 mentees of group A and 100 of group B; 100 popular mentors P and 100 others F, one place each. A scores
    about 95 with P and 70 with F; B about 60 with P and 40 with F. Everyone ranks every P above every F, and every F
    ranks every A above every B, yet the best total gives P to A and F to B (95 + 40 > 60 + 70): each of its B-F
    pairs is below 100 others on the mentee's list and on the mentor's. No short list of candidates from either side
    holds one; the engine still finds every objective's exact optimum (fairest prefers B-P and A-F)."""
    rng = np.random.default_rng(31)
    k = 100

    def block(centre: int) -> np.ndarray:
        return rng.integers(centre - 2, centre + 3, size=(k, k))

    scores = np.block([[block(95), block(70)], [block(60), block(40)]]).astype(np.int16)
    problem = Problem(scores=scores, capacity=np.ones(2 * k, dtype=np.int64))
    together = solve_all(problem)  # as a round solves them, sharing the candidates
    for objective in OPTIMISING:
        optimum = lsa_optimum(scores, problem.capacity, objective)
        solution = assert_optimal(problem, objective, optimum)
        assert solution.matched == 2 * k
        assert (together[objective].matched, together[objective].total) == (solution.matched, solution.total)
        if objective == "fairest":  # the only objective that promises its worst pair
            assert together[objective].worst == solution.worst
        assert together[objective].proven is True
    best = np.asarray(solve(problem, "best_total").mentor_of)
    assert (best[:k] < k).all() and (best[k:] >= k).all()  # A with P, B with F
    # The case is as hard as it says: each B-F pair chosen is beyond the 100th place of both sides' orders.
    for i in range(k, 2 * k):
        j = best[i]
        assert (scores[i] > scores[i, j]).sum() >= k and (scores[:, j] > scores[i, j]).sum() >= k
    fair = np.asarray(solve(problem, "fairest").mentor_of)
    assert (fair[:k] >= k).all() and (fair[k:] < k).all()  # A with F, B with P: the worst pair near 60, not 40


def test_one_hidden_better_assignment_behind_a_wall_of_equal_scores():
    """Everyone scores 90 with 60 interchangeable mentors; mentee 0 alone has a mentor worth 91 for it, and
    mentee 1 a mentor it scores 30 with whom nobody else may meet. 62 mentees: without mentee 1's poor pair, one
    mentee is left out; every objective uses both special pairs (fairest's worst pair is then 30)."""
    n, equal = 62, 60
    scores = np.full((n, equal + 2), 90, dtype=np.int16)
    scores[:, equal:] = FORBIDDEN
    scores[0, equal] = 91
    scores[1, equal + 1] = 30
    problem = Problem(scores=scores, capacity=np.ones(equal + 2, dtype=np.int64))
    for objective in OPTIMISING:
        solution = assert_optimal(problem, objective, milp_optimum(scores, problem.capacity, objective))
        assert (solution.matched, solution.total) == (62, 91 + 30 + 60 * 90)
        assert solution.mentor_of[0] == equal and solution.mentor_of[1] == equal + 1


# --- Stability --------------------------------------------------------------------------------------------------


@st.composite
def cohorts(draw, *, max_mentees: int = 12, max_mentors: int = 6) -> Problem:
    """Any cohort: sizes from 0, capacities 0-3, scores from a few values (many ties) or from 0-100, some
    forbidden pairs, and sparse bonuses (a mentee's ranking, a mentor's +1/-1) or none."""
    n, m = draw(st.integers(0, max_mentees)), draw(st.integers(0, max_mentors))
    values = draw(st.sampled_from([st.sampled_from([30, 50, 70]), st.integers(0, 100)]))
    scores = draw(hnp.arrays(np.int16, (n, m), elements=st.one_of(values, st.just(FORBIDDEN))))
    capacity = draw(hnp.arrays(np.int64, m, elements=st.integers(0, 3)))
    mentee_bonus = mentor_bonus = None
    if draw(st.booleans()):
        ranks = draw(hnp.arrays(np.int64, (n, m), elements=st.sampled_from([0, 0, 0, 1, 2, 3, 5])))
        mentee_bonus = sp.csr_array(ranks, shape=(n, m))
    if draw(st.booleans()):
        marks = draw(hnp.arrays(np.int64, (n, m), elements=st.sampled_from([0, 0, 0, 1, -1])))
        mentor_bonus = sp.csr_array(marks, shape=(n, m))
    return Problem(scores=scores, capacity=capacity, mentee_bonus=mentee_bonus, mentor_bonus=mentor_bonus)


@CHECKS
@given(cohorts())
def test_the_stable_option_leaves_no_blocking_pair(problem):
    solution = solve(problem, "stable")
    assert_feasible_and_reported(problem, solution, "stable")
    assert blocking_by_hand(problem, np.asarray(solution.mentor_of)) == set()
    assert solution.blocking == 0
    assert blocking_pairs(problem, np.asarray(solution.mentor_of)) == (0, [])


@st.composite
def cohorts_and_assignments(draw) -> tuple[Problem, np.ndarray]:
    """A cohort and any assignment a round could give (allowed pairs, places respected)."""
    problem = draw(cohorts())
    n, m = problem.scores.shape
    left = problem.capacity.copy()
    mentor_of = np.full(n, -1, dtype=np.int64)
    for i in draw(st.permutations(range(n))):
        options = [j for j in range(m) if problem.scores[i, j] != FORBIDDEN and left[j] > 0]
        j = draw(st.sampled_from([-1, *options]))
        if j >= 0:
            mentor_of[i], left[j] = j, left[j] - 1
    return problem, mentor_of


@CHECKS
@given(cohorts_and_assignments(), st.integers(1, 5))
def test_blocking_pairs_agrees_with_the_definition_on_any_assignment(drawn, limit):
    problem, mentor_of = drawn
    expected = blocking_by_hand(problem, mentor_of)
    count, pairs = blocking_pairs(problem, mentor_of, limit=10_000)
    assert count == len(expected)
    assert {(int(i), int(j)) for i, j in pairs} == expected and len(pairs) == len(expected)
    count, first = blocking_pairs(problem, mentor_of, limit=limit)
    assert count == len(expected)
    assert len(first) == min(limit, len(expected)) and {(int(i), int(j)) for i, j in first} <= expected


def test_every_objectives_blocking_count_is_true_on_random_cohorts_with_bonuses():
    rng = np.random.default_rng(41)
    for _ in range(5):
        problem = random_problem(rng, 40, 15, top=20)
        n, m = problem.scores.shape
        problem.mentee_bonus = sp.csr_array(np.where(rng.random((n, m)) < 0.1, rng.integers(1, 6, (n, m)), 0))
        problem.mentor_bonus = sp.csr_array(np.where(rng.random((n, m)) < 0.1, rng.choice([-1, 1], (n, m)), 0))
        for objective in ALL_OBJECTIVES:
            solution = solve(problem, objective)
            assert_feasible_and_reported(problem, solution, objective)  # its blocking count, by hand
        assert solve(problem, "stable").blocking == 0


def _mentee_key(problem: Problem, i: int, j: int) -> tuple:
    if j < 0:
        return (0,)
    bonus = 0 if problem.mentee_bonus is None else int(problem.mentee_bonus[i, j])
    return (1, bonus, int(problem.scores[i, j]))


def mentee_optimal_by_listing(problem: Problem) -> list[int]:
    """Every assignment of the cohort listed; of the stable ones (by hand), the mentor each mentee likes best. With
    strict preferences that is one stable assignment, the mentee-optimal one."""
    n, m = problem.scores.shape
    choices = [[-1, *(j for j in range(m) if problem.scores[i, j] != FORBIDDEN)] for i in range(n)]
    stable = []
    for assignment in itertools.product(*choices):
        mentor_of = np.array(assignment, dtype=np.int64)
        if (np.bincount(mentor_of[mentor_of >= 0], minlength=m) > problem.capacity).any():
            continue
        if not blocking_by_hand(problem, mentor_of):
            stable.append(assignment)
    assert stable, "a stable assignment always exists"
    best = [max((a[i] for a in stable), key=lambda j, i=i: _mentee_key(problem, i, j)) for i in range(n)]
    assert tuple(best) in stable
    return best


@st.composite
def strict_cohorts(draw) -> Problem:
    """Small cohorts where nobody is indifferent: every score distinct (so every mentee's and mentor's order is
    strict whatever the bonuses), some pairs forbidden."""
    n, m = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    distinct = draw(st.permutations(range(101)))[: n * m]
    scores = np.array(distinct, dtype=np.int16).reshape(n, m)
    forbidden = draw(hnp.arrays(bool, (n, m), elements=st.sampled_from([False, False, False, True])))
    scores[forbidden] = FORBIDDEN
    capacity = draw(hnp.arrays(np.int64, m, elements=st.integers(0, 2)))
    ranks = draw(hnp.arrays(np.int64, (n, m), elements=st.integers(0, 3)))
    marks = draw(hnp.arrays(np.int64, (n, m), elements=st.sampled_from([0, 1, -1])))
    return Problem(scores=scores, capacity=capacity, mentee_bonus=sp.csr_array(ranks), mentor_bonus=sp.csr_array(marks))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strict_cohorts())
def test_the_stable_option_is_the_mentee_optimal_stable_assignment(problem):
    assert list(solve(problem, "stable").mentor_of) == mentee_optimal_by_listing(problem)


def test_stable_on_gale_and_shapleys_three_by_three_example_gives_every_mentee_their_first_choice():
    """Gale and Shapley (1962), "College Admissions and the Stability of Marriage", the example with three stable
    marriages. Mentees a, b, c rank A>B>C, B>C>A, C>A>B; mentors A, B, C rank b>c>a, c>a>b, a>b>c. Worked by hand:
    each mentee proposes to their first choice, no mentor gets two proposals, so deferred acceptance stops at once
    with a-A, b-B, c-C, every mentee's first and every mentor's last choice (the mentor-optimal a-C, b-A, c-B and
    a-B, b-C, c-A are stable too). Mentors' orders are the scores (90 > 80 > 70), mentees' the ranking bonus."""
    scores = _scores([[70, 80, 90], [90, 70, 80], [80, 90, 70]])
    ranks = np.array([[3, 2, 1], [1, 3, 2], [2, 1, 3]])
    problem = Problem(scores=scores, capacity=np.ones(3, dtype=np.int64), mentee_bonus=sp.csr_array(ranks))
    stable = solve(problem, "stable")
    assert list(stable.mentor_of) == [0, 1, 2]
    assert (stable.total, stable.blocking) == (210, 0)
    for other in ([2, 0, 1], [1, 2, 0]):  # also stable, but worse for every mentee
        assert not blocking_by_hand(problem, np.array(other))
    assert solve(problem, "best_total").total == 270  # the mentor-optimal one: a-C, b-A, c-B


def test_stable_on_a_hospitals_residents_example_with_a_two_place_mentor():
    """Mentors H1 (two places) and H2 (one). Mentees r1: H1>H2, r2: H2>H1, r3: H1>H2, r4: H2 only. H1 ranks
    r2>r3>r1, H2 ranks r1>r4>r3>r2. Worked by hand (mentee-proposing deferred acceptance): r1, r3 propose to H1
    (held, two places); r2, r4 to H2, which holds r4 and rejects r2. r2 proposes to H1, which keeps r2 and r3 and
    rejects r1. r1 proposes to H2, which prefers r1 to r4 and rejects r4, who has nobody left. Result: H1 {r2, r3},
    H2 {r1}, r4 unmatched."""
    scores = _scores([[70, 90], [90, 60], [80, 70], [None, 80]])
    ranks = np.array([[2, 1], [1, 2], [2, 1], [0, 1]])
    problem = Problem(scores=scores, capacity=np.array([2, 1]), mentee_bonus=sp.csr_array(ranks))
    stable = solve(problem, "stable")
    assert list(stable.mentor_of) == [1, 0, 0, -1]
    assert stable.blocking == 0
    assert list(stable.mentor_of) == mentee_optimal_by_listing(problem)
