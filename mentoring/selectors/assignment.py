"""Whole-cohort assignment under a chosen objective, provably optimal, for cohorts of ten thousand mentees.

Pure numpy and scipy: no queries, no models. ``mentoring.services.matching.round_plan`` builds a ``Problem`` (every
mentee's score with every mentor, forbidden pairs marked) and calls ``solve``.

**The objectives.** Matching mentees to mentors' places is a bipartite b-matching: a mentee takes at most one
place, a mentor at most their free places. Each objective is a maximum-weight b-matching with weights derived from
the scores, so one exact solver serves them all:

- best total: weight ``w * (n + 1) + 1``: the largest total score, and among equal totals the most people matched
  (the ``+ 1`` per pair counts people, and n + 1 of them cannot add up to one point of score);
- most matched: weight ``w + B`` with ``B`` larger than any total: first the number matched, then the total;
- fairest: the most matched, then the best worst pair, then the total: the largest threshold ``t`` for which
  "most matched" using only pairs scoring ``t`` or more still matches as many people (a binary search over the
  scores that occur), then "most matched" above that threshold;
- stable: mentee-proposing deferred acceptance with mentor capacities (the hospitals/residents algorithm): no
  mentor and mentee both prefer each other to what they got.

**Exact at scale, and proved so.** A dense assignment over 10,000 mentees and 8,000 places grows almost cubically.
Instead each mentee keeps their best few mentors (candidates), the sparse problem is solved exactly
(``scipy.sparse.csgraph.min_weight_full_bipartite_matching``, one column per mentor's place and one "unmatched"
column per mentee), and the solution is proved optimal over *all* pairs with the linear programme's dual prices:
``u`` per mentee, ``v`` per mentor, ``u + v >= weight`` on every allowed pair, equal on the chosen pairs, zero
where a mentee is unmatched or a mentor has a free place. Such prices make the dual's value equal the assignment's,
which no assignment can exceed (weak duality; the bipartite constraint matrix is totally unimodular, so the
integer optimum is the linear one). The prices are the shortest-path distances of a system of difference
constraints over the candidate pairs (Bellman-Ford, one vectorised relaxation of every edge per sweep). Then every
pair of the whole matrix is checked in chunks: a pair with ``weight > u + v`` joins the candidates and the sparse
problem is solved again, until none is left. All arithmetic is in integers, so the proof is exact.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from mentoring.selectors.stability import FORBIDDEN as FORBIDDEN  # re-exported: the engine's marker
from mentoring.selectors.stability import blocking_pairs as blocking_pairs  # re-exported
from mentoring.selectors.stability import deferred_acceptance

BEST_TOTAL, MOST_MATCHED, FAIREST, STABLE = "best_total", "most_matched", "fairest", "stable"
OBJECTIVES = (BEST_TOTAL, MOST_MATCHED, FAIREST, STABLE)
# Mentees' rows handled at once in a pass over the whole matrix: 256 rows of 4,000 mentors are 1M pairs, a few MB.
CHUNK_PAIRS = 1 << 20
# Candidates kept per mentee for the sparse problem; pairs the proof finds missing are added.
CANDIDATES = 12
# And per mentor, this many mentees per free place.
COLUMN_CANDIDATES = 4
# Edges (pairs times places) up to which the fairest objective's threshold tests run Hopcroft-Karp over every pair:
# about 9 bytes each, so 60 MB at most.
HOPCROFT_KARP_EDGES = 6_000_000


@dataclass
class Problem:
    scores: np.ndarray  # int16 (n_mentees, n_mentors); FORBIDDEN where a hard rule or the minimum forbids the pair
    capacity: np.ndarray  # (n_mentors,) free places
    mentee_bonus: sparse.csr_array | None = None  # (n, m): a mentee's explicit ranking, bigger = preferred
    mentor_bonus: sparse.csr_array | None = None  # (n, m): +1 the mentor prefers the mentee, -1 prefers not

    def __post_init__(self) -> None:
        self.scores = np.asarray(self.scores, dtype=np.int16)
        if self.scores.ndim != 2:
            self.scores = self.scores.reshape(len(self.scores), -1)
        self.capacity = np.maximum(np.asarray(self.capacity, dtype=np.int64).reshape(-1), 0)
        if self.capacity.shape[0] != self.scores.shape[1]:
            raise ValueError("capacity needs one entry per mentor (column of scores)")

    @property
    def shape(self) -> tuple[int, int]:
        return self.scores.shape

    @functools.cached_property
    def biggest(self) -> int:
        """The largest absolute score of an allowed pair (chunk by chunk: no copy of the matrix)."""
        biggest = 0
        for start, stop in self.chunks():
            block = self.scores[start:stop]
            biggest = max(biggest, int(np.abs(np.where(block == FORBIDDEN, 0, block).astype(np.int32)).max(initial=0)))
        return biggest

    def chunks(self) -> Iterator[tuple[int, int]]:
        n, m = self.shape
        step = max(1, CHUNK_PAIRS // max(m, 1))
        for start in range(0, n, step):
            yield start, min(n, start + step)

    def allowed(self, rows: slice) -> np.ndarray:
        """Allowed pairs of some rows: not forbidden, and the mentor has a place."""
        return (self.scores[rows] != FORBIDDEN) & (self.capacity > 0)[None, :]


@dataclass
class Solution:
    objective: str
    mentor_of: np.ndarray  # (n,) the mentor column of each mentee, -1 when unmatched
    matched: int
    total: int
    worst: int | None
    proven: bool
    resolves: int = 0
    blocking: int = 0

    def summary(self) -> dict[str, int | bool | None]:
        return {
            "matched": self.matched,
            "total": self.total,
            "worst": self.worst,
            "blocking": self.blocking,
            "proven": self.proven,
        }


# --- Weights of each objective ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Weighting:
    """``weight = score * scale + offset`` for allowed pairs scoring at least ``threshold``; others are no edge.
    Computed in 32-bit integers when every weight and price fits (half the memory traffic of a pass)."""

    scale: int
    offset: int
    threshold: int = FORBIDDEN + 1
    dtype: type = np.int64

    def of(self, scores: np.ndarray) -> np.ndarray:
        weights = scores.astype(self.dtype) * self.dtype(self.scale) + self.dtype(self.offset)
        # A pair worth nothing or less is never better than leaving the mentee unmatched: no edge.
        return np.where((scores >= self.threshold) & (scores != FORBIDDEN) & (weights > 0), weights, 0)


def _weighting(problem: Problem, objective: str, threshold: int | None = None) -> _Weighting:
    n = problem.shape[0]
    if objective == BEST_TOTAL:
        scale, offset = n + 1, 1
    else:
        # Larger than any total of scores: one more person matched outweighs every difference of total.
        scale, offset = 1, problem.biggest * n + 1
    # Weights, prices (each at most the largest weight) and their sums stay far below 2**31 for int32.
    largest = (problem.biggest * scale + offset) * 4
    dtype = np.int32 if largest < np.iinfo(np.int32).max else np.int64
    return _Weighting(scale, offset, FORBIDDEN + 1 if threshold is None else threshold, dtype)


# --- The exact sparse solve, and its proof over every pair ----------------------------------------------------------


def _top_candidates(problem: Problem, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs: each mentee's ``k`` best allowed mentors, and each mentor's best mentees, a few per place.

    Every objective's weight grows with the score, so a mentee's best are the best by any of them. The mentors'
    side matters when many mentees share the same favourites: their best few alone would crowd a handful of
    mentors and leave the rest without candidates, and the proof would have to add them round after round."""
    rows_out, cols_out = [], []
    n, m = problem.shape
    k = min(k, m)
    if not k or not n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    per_mentor = np.minimum(problem.capacity * COLUMN_CANDIDATES, n)
    depth = int(per_mentor.max(initial=0))
    best_rows = np.full((depth, m), -1, dtype=np.int64)
    best_scores = np.full((depth, m), FORBIDDEN, dtype=np.int16)
    for start, stop in problem.chunks():
        block = np.where(problem.allowed(slice(start, stop)), problem.scores[start:stop], FORBIDDEN)
        if k < m:
            top = np.argpartition(-block.astype(np.int32), k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(m), block.shape)
        keep = np.take_along_axis(block, top, axis=1) != FORBIDDEN
        r, c = np.nonzero(keep)
        rows_out.append(r + start)
        cols_out.append(top[r, c])
        if depth:
            # Merge this chunk's column-wise best into the running best ``depth`` mentees of each mentor.
            scores = np.concatenate((best_scores, block), axis=0)
            rows = np.concatenate((best_rows, np.broadcast_to(np.arange(start, stop)[:, None], block.shape)), axis=0)
            if scores.shape[0] > depth:
                order = np.argpartition(-scores.astype(np.int32), depth - 1, axis=0)[:depth]
                best_scores = np.take_along_axis(scores, order, axis=0)
                best_rows = np.take_along_axis(rows, order, axis=0)
            else:
                best_scores, best_rows = scores, rows
    if depth:
        keep = (best_scores != FORBIDDEN) & (np.arange(best_scores.shape[0])[:, None] < per_mentor[None, :])
        r, c = np.nonzero(keep)
        rows_out.append(best_rows[r, c])
        cols_out.append(c)
    return np.concatenate(rows_out).astype(np.int64), np.concatenate(cols_out).astype(np.int64)


def _solve_sparse(rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, capacity: np.ndarray, n: int) -> np.ndarray:
    """The maximum-weight b-matching over the given pairs (weights > 0): each mentee's mentor column or -1."""
    mentor_of = np.full(n, -1, dtype=np.int64)
    if not len(rows):
        return mentor_of
    # Rows: mentees with at least one pair. Columns: each mentor's places, then one "unmatched" column per row.
    used_rows, row_index = np.unique(rows, return_inverse=True)
    used_mentors, mentor_index = np.unique(cols, return_inverse=True)
    places = capacity[used_mentors]
    first_place = np.concatenate(([0], np.cumsum(places)[:-1]))
    n_places = int(places.sum())
    # One edge per pair and place of its mentor.
    per_pair = places[mentor_index]
    edge_rows = np.repeat(row_index, per_pair)
    edge_cols = np.repeat(first_place[mentor_index], per_pair) + _ranges(per_pair)
    edge_weights = np.repeat(weights, per_pair)
    top = int(weights.max()) + 1
    r = len(used_rows)
    # Costs stay positive (scipy treats the sparse structure as the edges; a zero would still be fine, but a
    # negative cost is not needed): cost = top - weight, and "unmatched" costs top, i.e. is worth 0.
    matrix = sparse.csr_array(
        (
            np.concatenate((top - edge_weights, np.full(r, top, dtype=np.int64))).astype(np.float64),
            (np.concatenate((edge_rows, np.arange(r))), np.concatenate((edge_cols, n_places + np.arange(r)))),
        ),
        shape=(r, n_places + r),
    )
    _row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    place_mentor = np.repeat(used_mentors, places)
    real = col_ind < n_places
    mentor_of[used_rows[real]] = place_mentor[col_ind[real]]
    return mentor_of


def _ranges(lengths: np.ndarray) -> np.ndarray:
    """0..len-1 for each length, concatenated: [2, 3] -> [0, 1, 0, 1, 2]."""
    if not len(lengths):
        return np.zeros(0, np.int64)
    ends = np.cumsum(lengths)
    return np.arange(ends[-1]) - np.repeat(ends - lengths, lengths)


class NotOptimal(RuntimeError):
    """The dual prices could not be built: the sparse solution is not optimal over its own pairs (a solver fault)."""


def _prices(
    rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, mentor_of: np.ndarray, capacity: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Dual prices (u per mentee, v per mentor) proving ``mentor_of`` optimal over the given pairs.

    With ``u_i = w(i, m(i)) - v_m(i)`` for a matched mentee and ``u_i = 0`` otherwise, every constraint is one on
    ``v`` alone: ``v_a <= v_b + w(i, a) - w(i, b)`` for a mentee i matched to a and another pair (i, b);
    ``v_a <= w(i, a)`` (so that u_i >= 0); ``v_b >= w(i, b)`` for an unmatched mentee's pair; ``v = 0`` for a mentor
    with a free place and ``v >= 0`` for all. Shortest paths from a zero node solve such difference constraints;
    a violated lower bound means a negative cycle, i.e. the solution was not optimal.
    """
    m = len(capacity)
    n = len(mentor_of)
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=m)
    matched_w = np.zeros(n, dtype=np.int64)
    is_matched_pair = mentor_of[rows] == cols
    matched_w[rows[is_matched_pair]] = weights[is_matched_pair]
    infinity = np.iinfo(np.int64).max // 4
    # Upper bounds: a full mentor's price is at most the weight of each of its pairs; a mentor with a free place 0.
    v = np.full(m, infinity, dtype=np.int64)
    matched = mentor_of >= 0
    np.minimum.at(v, mentor_of[matched], matched_w[matched])
    v[load < capacity] = 0
    v[capacity <= 0] = infinity  # no place at all: no constraint binds it (never an edge either)
    # Lower bounds from unmatched mentees' pairs.
    lower = np.zeros(m, dtype=np.int64)
    free_mentee = mentor_of[rows] < 0
    np.maximum.at(lower, cols[free_mentee], weights[free_mentee])
    # Difference edges b -> a, weight w(i, a) - w(i, b), for matched mentees' other pairs.
    other = (~is_matched_pair) & (~free_mentee)
    source = cols[other]
    target = mentor_of[rows[other]]
    length = matched_w[rows[other]] - weights[other]
    if len(source):
        order = np.argsort(target, kind="stable")
        source, target, length = source[order], target[order], length[order]
        starts = np.flatnonzero(np.r_[True, target[1:] != target[:-1]])
        targets = target[starts]
        for _sweep in range(m + 1):
            reach = np.minimum.reduceat(v[source] + length, starts)
            better = reach < v[targets]
            if not better.any():
                break
            v[targets[better]] = reach[better]
        else:
            raise NotOptimal("the prices did not settle: a negative cycle")
    has_place = capacity > 0
    if (v[has_place] < lower[has_place]).any() or (v[has_place] < 0).any():
        raise NotOptimal("a price fell below its bound: a negative cycle")
    u = np.zeros(n, dtype=np.int64)
    u[matched] = matched_w[matched] - v[mentor_of[matched]]
    return u, v


def _violations(
    problem: Problem, weighting: _Weighting, u: np.ndarray, v: np.ndarray, per_row: int
) -> tuple[np.ndarray, np.ndarray]:
    """The allowed pairs of the whole matrix whose weight exceeds ``u + v`` (chunk by chunk): for each mentee with
    any, the ``per_row`` that exceed it most (enough to move the solution on; the next check finds the rest)."""
    rows_out, cols_out = [], []
    dtype = weighting.dtype
    ceiling = np.iinfo(dtype).max // 4
    finite_v = np.where(problem.capacity > 0, np.minimum(v, ceiling), ceiling).astype(dtype)
    # weight > u + v, i.e. score * scale > (u - offset) + v: as few passes over the block as possible. (Such a
    # weight is then above 0, as prices are never negative; forbidden pairs and those below the threshold are
    # masked.)
    u_less = (np.minimum(u, ceiling) - weighting.offset).astype(dtype)
    floor = max(weighting.threshold, FORBIDDEN + 1)
    for start, stop in problem.chunks():
        block = problem.scores[start:stop]
        left = block.astype(dtype)
        left *= dtype(weighting.scale)
        right = u_less[start:stop, None] + finite_v[None, :]
        over = left > right
        over &= block >= floor
        violating = np.flatnonzero(over.any(axis=1))
        if not len(violating):
            continue
        slack = np.where(over[violating], left[violating] - right[violating], 0)
        k = min(per_row, slack.shape[1])
        top = np.argpartition(-slack, k - 1, axis=1)[:, :k] if k < slack.shape[1] else np.argsort(-slack, axis=1)
        keep = np.take_along_axis(slack, top, axis=1) > 0
        r, c = np.nonzero(keep)
        rows_out.append(violating[r] + start)
        cols_out.append(top[r, c])
    if not rows_out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows_out).astype(np.int64), np.concatenate(cols_out).astype(np.int64)


class _Pool:
    """The candidate pairs, shared by the solves of one problem: each solve's proof adds the pairs it found missing,
    so later solves (another objective, another threshold) start from a better set."""

    def __init__(self, problem: Problem) -> None:
        self.width = max(problem.shape[1], 1)
        rows, cols = _top_candidates(problem, CANDIDATES)
        key = np.unique(rows * self.width + cols)
        self.rows, self.cols = key // self.width, key % self.width

    def add(self, rows: np.ndarray, cols: np.ndarray) -> None:
        key = np.unique(np.concatenate((self.rows * self.width + self.cols, rows * self.width + cols)))
        self.rows, self.cols = key // self.width, key % self.width


def _solve_weighted(
    problem: Problem, weighting: _Weighting, pool: _Pool, *, enough: int | None = None
) -> tuple[np.ndarray, bool, int]:
    """The maximum-weight b-matching over all pairs, with its proof; returns (mentor_of, proven, re-solves).

    ``enough``: a number of people matched that settles the question asked (the fairest objective's threshold
    test): a solution over the candidates that matches that many needs no proof, and comes back unproven."""
    n = problem.shape[0]
    resolves = 0
    while True:
        weights = weighting.of(problem.scores[pool.rows, pool.cols]).astype(np.int64)
        keep = weights > 0
        rows, cols, weights = pool.rows[keep], pool.cols[keep], weights[keep]
        mentor_of = _solve_sparse(rows, cols, weights, problem.capacity, n)
        if enough is not None and int((mentor_of >= 0).sum()) >= enough:
            return mentor_of, False, resolves
        u, v = _prices(rows, cols, weights, mentor_of, problem.capacity)
        extra_rows, extra_cols = _violations(problem, weighting, u, v, CANDIDATES)
        if not len(extra_rows):
            return mentor_of, True, resolves
        # The violating pairs join the candidates: the sparse optimum can only rise, and there are finitely many.
        resolves += 1
        pool.add(extra_rows, extra_cols)


def _summary(problem: Problem, objective: str, mentor_of: np.ndarray, proven: bool, resolves: int) -> Solution:
    matched_rows = np.flatnonzero(mentor_of >= 0)
    scores = problem.scores[matched_rows, mentor_of[matched_rows]].astype(np.int64)
    return Solution(
        objective=objective,
        mentor_of=mentor_of,
        matched=len(matched_rows),
        total=int(scores.sum()),
        worst=int(scores.min()) if len(scores) else None,
        proven=proven,
        resolves=resolves,
    )


def solve(
    problem: Problem,
    objective: str,
    *,
    with_blocking: bool = True,
    pool: _Pool | None = None,
    most_matched: Solution | None = None,
) -> Solution:
    """The assignment best for ``objective`` (one of ``OBJECTIVES``), with how it scores and, unless told not to,
    how many blocking pairs it leaves. (``pool`` and ``most_matched``: work already done on the same problem.)"""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}")
    if objective == STABLE:
        solution = _summary(problem, STABLE, deferred_acceptance(problem), False, 0)
    else:
        pool = pool or _Pool(problem)
        if objective == FAIREST:
            solution = _fairest(problem, pool, most_matched)
        else:
            mentor_of, proven, resolves = _solve_weighted(problem, _weighting(problem, objective), pool)
            solution = _summary(problem, objective, mentor_of, proven, resolves)
    if with_blocking:
        solution.blocking = blocking_pairs(problem, solution.mentor_of, limit=0)[0]
    return solution


def solve_all(problem: Problem) -> dict[str, Solution]:
    """Every objective's assignment, sharing the work (what a round shows side by side)."""
    pool = _Pool(problem)
    solutions = {objective: solve(problem, objective, pool=pool) for objective in (BEST_TOTAL, MOST_MATCHED)}
    solutions[FAIREST] = solve(problem, FAIREST, pool=pool, most_matched=solutions[MOST_MATCHED])
    solutions[STABLE] = solve(problem, STABLE)
    return solutions


def _fairest(problem: Problem, pool: _Pool, most_matched: Solution | None = None) -> Solution:
    """Most matched, then the best worst pair, then the best total (see the module's docstring).

    A binary search over the scores that occur for the highest threshold at which "most matched" over the pairs
    scoring at least that much still matches as many people; then the best total at that threshold, proved."""
    most = _weighting(problem, MOST_MATCHED)
    if most_matched is None:
        mentor_of, proven, resolves = _solve_weighted(problem, most, pool)
        most_matched = _summary(problem, FAIREST, mentor_of, proven, resolves)
    if most_matched.worst is None:
        return dataclasses.replace(most_matched, objective=FAIREST)
    matched, resolves = most_matched.matched, 0
    values = np.unique(problem.scores[problem.scores != FORBIDDEN])
    values = values[(values > most_matched.worst) & (values <= _threshold_bound(problem, matched))]
    low, high = -1, len(values) - 1  # values[low] is feasible (-1: the most-matched round's worst); find the last
    while low < high:
        middle = (low + high + 1) // 2
        threshold = int(values[middle])
        # Most matched above the threshold: exactly, over every such pair, when they are few enough for
        # Hopcroft-Karp; otherwise the weighted solve over candidates, with its proof.
        count = _most_matched_above(problem, threshold)
        if count is None:
            weighting = dataclasses.replace(most, threshold=threshold)
            trial, _proven, trial_resolves = _solve_weighted(problem, weighting, pool, enough=matched)
            resolves += trial_resolves
            count = int((trial >= 0).sum())
        if count >= matched:
            low = middle
        else:
            high = middle - 1
    threshold = int(values[low]) if low >= 0 else most_matched.worst
    mentor_of, proven, final_resolves = _solve_weighted(problem, dataclasses.replace(most, threshold=threshold), pool)
    return _summary(problem, FAIREST, mentor_of, proven and most_matched.proven, resolves + final_resolves)


def _most_matched_above(problem: Problem, threshold: int) -> int | None:
    """The most mentees that can be matched using only pairs scoring ``threshold`` or more, over every such pair
    (Hopcroft-Karp on one column per place: exact, so no proof is needed); None when the pairs are too many to hold
    (more than ``HOPCROFT_KARP_EDGES`` edges)."""
    n, m = problem.shape
    places = problem.capacity
    first_place = np.concatenate(([0], np.cumsum(places)[:-1]))
    rows_out, cols_out, edges = [], [], 0
    for start, stop in problem.chunks():
        block = problem.scores[start:stop]
        r, c = np.nonzero((block >= threshold) & (block != FORBIDDEN) & (places > 0)[None, :])
        edges += int(places[c].sum())
        if edges > HOPCROFT_KARP_EDGES:
            return None
        per_pair = places[c]
        rows_out.append(np.repeat(r + start, per_pair).astype(np.int32))
        cols_out.append((np.repeat(first_place[c], per_pair) + _ranges(per_pair)).astype(np.int32))
    rows, cols = np.concatenate(rows_out), np.concatenate(cols_out)
    if not len(rows):
        return 0
    graph = sparse.csr_array((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, int(places.sum())))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def _threshold_bound(problem: Problem, matched: int) -> int:
    """No threshold above this can still match ``matched`` mentees: fewer mentees have a pair that good, or the
    mentors with such a pair have fewer places."""
    row_best = np.full(problem.shape[0], FORBIDDEN, dtype=np.int16)
    column_best = np.full(problem.shape[1], FORBIDDEN, dtype=np.int16)
    for start, stop in problem.chunks():
        block = np.where(problem.allowed(slice(start, stop)), problem.scores[start:stop], FORBIDDEN)
        row_best[start:stop] = block.max(axis=1, initial=FORBIDDEN)
        column_best = np.maximum(column_best, block.max(axis=0, initial=FORBIDDEN))
    by_rows = np.sort(row_best)[::-1][matched - 1]
    # Mentors by their best pair, best first: the threshold at which their places first reach ``matched``.
    order = np.argsort(-column_best.astype(np.int32), kind="stable")
    reach = np.searchsorted(np.cumsum(problem.capacity[order]), matched)
    by_columns = column_best[order][min(reach, len(order) - 1)]
    return int(min(by_rows, by_columns))
