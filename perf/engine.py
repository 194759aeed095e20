"""The matching engine at scale (issue 19): 2,000 x 800 and 10,000 x 4,000 cohorts, timed with their peak memory as
the operating system counts it (resident set size, not only Python's heap).

Each measurement runs in a child process of its own (``python -m perf.engine``), so that one figure's memory never
holds another's up and the peak is that of a process doing only this: the child builds a made-up cohort in memory
(the people, teams, skills, languages, grades, line managers and preferences that ``perf.matching.build_cohort``
gives a database cohort, as the ``Profile`` objects ``cohort_load`` would return; nothing is read or written), then

- ``engine``: scores it the way a round does (``assess_matrix``: ``score_matrix`` 256 mentees at a time into one
  int16 matrix, hard rules and the minimum as forbidden pairs) into the round's ``Problem``, and times ``solve`` for
  one objective alone;
- ``round``: times the whole ``round_plan`` for one objective (scoring, every objective for the comparison, the
  proposals with their parts in words, the unmatched with their reasons, the blocking pairs): a round without its
  database load and save.

The peak is the process's high-water mark (``VmHWM``) reset just before the timed call (``/proc/self/clear_refs``),
so it counts what the process holds then (the interpreter, Django, the cohort, the scores) plus the call's own
peak: what a server process doing the round would need. Where the mark cannot be reset (not Linux), it is the
peak of the whole child (``ru_maxrss``), building included, and says so.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

CHILD_TIMEOUT_S = 600


def synthetic_cohort(*, mentees: int, mentors: int, seed: int):  # -> Cohort (imported inside: Django set up first)
    """A matching cohort in memory, shaped like ``perf.matching.build_cohort``'s: mentors with capacity 1 to 3, teams
    in eight departments, 30 skills, one or two languages, grades, availability, a meeting mode, some line managers
    among the mentors; and preferences as people give them (``perf.matching.preferences_draw``)."""
    from mentoring.models import MatchSettings
    from mentoring.selectors.cohort import Cohort
    from mentoring.selectors.scoring import Profile, Weights
    from perf.matching import LANGUAGES, SLOTS, preferences_draw
    from programmes.models import MeetingMode, OrgUnit, Person, Programme, Role

    rng = random.Random(seed)
    departments = [OrgUnit(pk=1 + d, name=f"Department {d}", kind=OrgUnit.Kind.DEPARTMENT) for d in range(8)]
    teams = [
        OrgUnit(pk=100 + 4 * d + t, name=f"Team {t}", kind=OrgUnit.Kind.TEAM, parent=departments[d])
        for d in range(8)
        for t in range(4)
    ]
    skill_names = {s: f"Skill {s}" for s in range(1, 31)}

    def profile(pk: int, role: str) -> Profile:
        mentor = role == Role.MENTOR
        unit = rng.choice(teams)
        person = Person(
            pk=pk, display_name=f"Person {pk:05d}", grade=rng.randint(3, 12) if mentor else rng.randint(1, 6)
        )
        person.org_unit = unit
        chosen = rng.sample(sorted(skill_names), rng.randint(2, 6) if mentor else rng.randint(1, 4))
        languages = sorted(set(rng.sample(LANGUAGES, rng.randint(1, 2))))
        return Profile(
            person=person,
            role=role,
            skills={s: (skill_names[s], rng.randint(1, 4)) for s in chosen},
            availability=frozenset(rng.sample(SLOTS, rng.randint(1, 5))),
            meeting_mode=rng.choice(MeetingMode.values),
            languages={lang.casefold(): lang for lang in languages},
            capacity=rng.randint(1, 3) if mentor else 0,
            department=unit.parent.pk,
        )

    mentor_profiles = [profile(1_000_000 + j, Role.MENTOR) for j in range(mentors)]
    mentee_profiles = [profile(2_000_000 + i, Role.MENTEE) for i in range(mentees)]
    mentor_by_id, mentee_by_id = {p.pk: p for p in mentor_profiles}, {p.pk: p for p in mentee_profiles}
    bosses = [p.pk for p in mentor_profiles[: max(1, mentors // 4)]]
    managers = {}
    for p in mentee_profiles[::5] + mentor_profiles[1::4]:
        boss = rng.choice(bosses)
        if boss != p.pk:
            managers[p.pk] = boss
    rankings, stances = preferences_draw(
        mentee_ids=[p.pk for p in mentee_profiles], mentor_ids=[p.pk for p in mentor_profiles], rng=rng
    )
    # On the profiles too, as cohort_load puts them (the scores' preference parts read them there).
    for (mentee_id, mentor_id), rank in rankings.items():
        mentee_by_id[mentee_id].ranks[mentor_id] = rank
    for (mentor_id, mentee_id), stance in stances.items():
        mentor_by_id[mentor_id].stances[mentee_id] = stance
    cohort = Cohort(
        programme=Programme(pk=1, name="Benchmark", status=Programme.Status.MATCHING),
        weights=Weights.from_settings(MatchSettings(), preferences_in_play=bool(rankings or stances)),
        mentors=mentor_by_id,
        mentees=mentee_by_id,
        managers=managers,
        load=Counter(),
        mentee_pairing={},
        ended={},
        overrides=set(),
        rankings=rankings,
        stances=stances,
    )
    return cohort


def rss_reset() -> bool:
    """Reset this process's resident-set high-water mark to what it holds now (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def rss_now_mb(field: str = "VmRSS") -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_peak_mb(reset: bool) -> float:
    """The peak resident set since the reset, or of the whole process when there was none."""
    peak = rss_now_mb("VmHWM") if reset else None
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    return peak


def child_measure(*, what: str, mentees: int, mentors: int, objective: str, seed: int) -> dict[str, Any]:
    """One measurement, in this process (the child): see the module's docstring."""
    import django

    django.setup()
    from mentoring.selectors import assignment
    from mentoring.selectors.matching import assess_matrix, mentors_with_places
    from mentoring.services.matching import _problem, round_plan

    started = time.perf_counter()
    cohort = synthetic_cohort(mentees=mentees, mentors=mentors, seed=seed)
    figures: dict[str, Any] = {"cohort_s": time.perf_counter() - started}
    if what == "engine":
        started = time.perf_counter()
        mentee_list, mentor_list = list(cohort.mentees.values()), mentors_with_places(cohort)
        problem = _problem(cohort, mentee_list, mentor_list, assess_matrix(cohort, mentee_list, mentor_list).scores)
        figures["score_s"] = time.perf_counter() - started
        figures["places"] = int(problem.capacity.sum())
        figures["forbidden_share"] = round(float((problem.scores == assignment.FORBIDDEN).mean()), 3)
        figures["ranked_pairs"] = 0 if problem.mentee_bonus is None else int(problem.mentee_bonus.count_nonzero())

        def call() -> Any:
            return assignment.solve(problem, objective)

    else:

        def call() -> Any:
            return round_plan(cohort, objective)

    figures["rss_before_mb"] = rss_now_mb()
    figures["rss_reset"] = rss_reset()
    started = time.perf_counter()
    result = call()
    figures["seconds"] = time.perf_counter() - started
    figures["peak_rss_mb"] = rss_peak_mb(figures["rss_reset"])
    if what == "engine":
        figures.update(matched=result.matched, total=result.total, worst=result.worst, proven=bool(result.proven))
        figures.update(resolves=result.resolves, blocking=result.blocking)
    else:
        figures.update(matched=len(result.proposals), total=result.total, proven=bool(getattr(result, "proven", False)))
        figures["blocking"] = getattr(result, "blocking_count", None)
    return figures


def measure_in_child(*, what: str, mentees: int, mentors: int, objective: str, seed: int = 4) -> dict[str, Any]:
    """``child_measure`` in a fresh Python process (the same interpreter and environment); its figures back."""
    from django.conf import settings

    args = {"what": what, "mentees": mentees, "mentors": mentors, "objective": objective, "seed": seed}
    done = subprocess.run(
        [sys.executable, "-m", "perf.engine", json.dumps(args)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings")},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
    )
    if done.returncode != 0:
        from perf.measure import BenchError

        raise BenchError(
            f"The {what} measurement at {mentees} x {mentors} ({objective}) failed:\n{done.stderr[-2000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(child_measure(**json.loads(sys.argv[1]))))
