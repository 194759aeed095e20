"""Stability of an assignment: mentee-proposing deferred acceptance with mentor capacities (the stable option of a
round) and the blocking pairs of any assignment (the round's stability report). Pure numpy; the problem is
``mentoring.selectors.assignment.Problem``."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from mentoring.selectors.assignment import Problem

# In a problem's scores: a hard rule or the minimum forbids the pair.
FORBIDDEN = -32768
# A preference bonus outweighs any difference of scores in the stability orders.
BONUS_SCALE = 1 << 17


# --- Stability: deferred acceptance and blocking pairs ---------------------------------------------------------------


def _keys(problem: Problem, rows: slice, bonus: sparse.csr_array | None) -> np.ndarray:
    """Preference keys of some rows' pairs: the explicit bonus first, then the score."""
    keys = problem.scores[rows].astype(np.int64)
    if bonus is not None:
        keys = keys + bonus[rows].toarray().astype(np.int64) * BONUS_SCALE
    return keys


def deferred_acceptance(problem: Problem) -> np.ndarray:
    """Mentee-proposing deferred acceptance with mentor capacities: the stable assignment every mentee likes best.

    A mentee proposes to their most preferred mentor who has not yet turned them down; a mentor keeps the best
    proposals up to their places and turns down the rest. Ties are broken by position (the lower index first), so
    the orders are strict; a pair tied in the original orders never blocks, so the result is stable for them too.

    A mentor's bar only rises (a full mentor lets a mentee in only by turning a less preferred one away), so a
    mentee who would be turned down now would be turned down later too: each mentee goes straight to the best
    mentor who would hold them now, found with one vectorised pass over their row, instead of proposing down their
    list one by one (the result is the same; the proposals that fail are never made).
    """
    n, m = problem.shape
    mentor_of = np.full(n, -1, dtype=np.int64)
    if not n or not m:
        return mentor_of
    capacity = problem.capacity
    has_place = capacity > 0
    mentee_bonus = _bonus_rows(problem.mentee_bonus)
    mentor_bonus = _bonus_rows(problem.mentor_bonus)
    columns = np.arange(m, dtype=np.int64)
    lowest = np.iinfo(np.int64).min
    # A full mentor's bar: the key of the least preferred mentee they hold (keys strictly ordered, see _strict).
    bar = np.where(has_place, lowest, np.iinfo(np.int64).max)
    held: list[list[tuple[int, int]]] = [[] for _ in range(m)]  # min-heaps of (mentor's key, mentee)
    waiting = list(range(n - 1, -1, -1))
    while waiting:
        i = waiting.pop()
        row = problem.scores[i].astype(np.int64)
        allowed = (row != FORBIDDEN) & has_place
        theirs = _strict(_with_bonus(row, mentor_bonus.get(i)), n - i, n)
        open_to = allowed & (theirs > bar)
        if not open_to.any():
            continue  # nobody would hold them: unmatched
        mine = np.where(open_to, _strict(_with_bonus(row, mentee_bonus.get(i)), m - columns, m), lowest)
        j = int(mine.argmax())
        heap = held[j]
        heapq.heappush(heap, (int(theirs[j]), i))
        mentor_of[i] = j
        if len(heap) > capacity[j]:
            _key, rejected = heapq.heappop(heap)
            mentor_of[rejected] = -1
            waiting.append(rejected)
        if len(heap) >= capacity[j]:
            bar[j] = heap[0][0]
    return mentor_of


def _with_bonus(row: np.ndarray, bonus: list[tuple[int, int]] | None) -> np.ndarray:
    if not bonus:
        return row
    row = row.copy()
    for j, value in bonus:
        row[j] += value * BONUS_SCALE
    return row


def _strict(keys: np.ndarray, tie_break: np.ndarray | int, size: int) -> np.ndarray:
    """Keys made strict: equal keys ordered by ``tie_break`` (in 0..size), which never outweighs a key's unit."""
    return keys * (size + 1) + tie_break


def _bonus_rows(bonus: sparse.csr_array | None) -> dict[int, list[tuple[int, int]]]:
    rows: dict[int, list[tuple[int, int]]] = {}
    for (i, j), value in _bonus_pairs(bonus).items():
        rows.setdefault(i, []).append((j, value))
    return rows


def _bonus_pairs(bonus: sparse.csr_array | None) -> dict[tuple[int, int], int]:
    if bonus is None:
        return {}
    coo = sparse.coo_array(bonus)
    return {
        (int(i), int(j)): int(v)
        for i, j, v in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
        if v
    }


def blocking_pairs(problem: Problem, mentor_of: np.ndarray, limit: int = 50) -> tuple[int, list[tuple[int, int]]]:
    """How many pairs block the assignment, and the first ``limit`` of them as (mentee row, mentor column).

    A pair blocks when both strictly prefer each other to what they got: the mentee is unmatched or prefers this
    mentor (bonus, then score) to theirs, and the mentor has a free place or prefers this mentee to the least
    preferred mentee they have. Ties never block.
    """
    n, m = problem.shape
    if not n or not m:
        return 0, []
    mentor_of = np.asarray(mentor_of, dtype=np.int64)
    lowest = np.iinfo(np.int64).min
    matched = np.flatnonzero(mentor_of >= 0)
    # What each mentee got (their own key) and each full mentor's least preferred mentee (the mentor's key).
    mentee_now = np.full(n, lowest, dtype=np.int64)
    mentor_worst = np.full(m, lowest, dtype=np.int64)
    if len(matched):
        cols = mentor_of[matched]
        own = problem.scores[matched, cols].astype(np.int64)
        theirs = own.copy()
        if problem.mentee_bonus is not None:
            own += np.asarray(problem.mentee_bonus[matched, cols]).ravel().astype(np.int64) * BONUS_SCALE
        if problem.mentor_bonus is not None:
            theirs += np.asarray(problem.mentor_bonus[matched, cols]).ravel().astype(np.int64) * BONUS_SCALE
        mentee_now[matched] = own
        worst = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(worst, cols, theirs)
        load = np.bincount(cols, minlength=m)
        full = load >= problem.capacity
        mentor_worst = np.where(full & (load > 0), worst, lowest)
    count, found = 0, []
    for start, stop in problem.chunks():
        allowed = problem.allowed(slice(start, stop))
        blocks = (
            allowed
            & (_keys(problem, slice(start, stop), problem.mentee_bonus) > mentee_now[start:stop, None])
            & (_keys(problem, slice(start, stop), problem.mentor_bonus) > mentor_worst[None, :])
        )
        count += int(blocks.sum())
        if len(found) < limit:
            r, c = np.nonzero(blocks)
            found += [
                (int(a) + start, int(b)) for a, b in zip(r[: limit - len(found)], c[: limit - len(found)], strict=True)
            ]
    return count, found
