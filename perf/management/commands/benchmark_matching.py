"""Time a whole-cohort matching round on a made-up cohort that is rolled back afterwards."""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mentoring.selectors.cohort import cohort_load
from mentoring.services.matching import round_plan, round_run
from perf.matching import build_cohort

LIMIT_SECONDS = 2.0


class Rollback(Exception):
    """Raised inside the transaction so that nothing the benchmark made is kept."""


class Command(BaseCommand):
    help = (
        "Time a matching round (loading, scoring every pair, the assignment, storing the draft) on a made-up "
        "cohort inside a transaction that is rolled back, so the database is left as it was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentees", type=int, default=500)
        parser.add_argument("--mentors", type=int, default=200)
        parser.add_argument("--seed", type=int, default=4, help="The same seed builds the same cohort.")
        parser.add_argument(
            "--check", action="store_true", help=f"Fail when the round takes longer than {LIMIT_SECONDS:g} seconds."
        )

    def handle(self, *args, **options) -> None:
        mentees, mentors = options["mentees"], options["mentors"]
        if mentees < 1 or mentors < 1:
            raise CommandError("A cohort needs at least one mentee and one mentor.")
        try:
            with transaction.atomic():
                programme, coordinator = build_cohort(
                    mentees=mentees, mentors=mentors, rng=random.Random(options["seed"])
                )
                # The parts, to see where the time goes...
                started = time.perf_counter()
                cohort = cohort_load(programme=programme)
                loaded = time.perf_counter()
                plan = round_plan(cohort)
                planned = time.perf_counter()
                # ...and the whole round as a coordinator runs it (load, score, assign, store): the number checked.
                match_round = round_run(programme=programme, by=coordinator)
                finished = time.perf_counter()
                places = sum(cohort.free_places(m) for m in cohort.mentors)
                proposals = match_round.proposals.count()
                raise Rollback
        except Rollback:
            pass
        seconds = finished - planned
        self.stdout.write(
            f"Cohort: {mentees} mentees, {mentors} mentors with {places} places; {plan.pairs_scored} pairs scored.\n"
            f"Loading: {loaded - started:.3f} s; scoring and assignment: {planned - loaded:.3f} s.\n"
            f"Whole round (load, score, assign, store): {seconds:.3f} s; "
            f"{proposals} proposals, {len(plan.unmatched)} unmatched, total score {plan.total}.\n"
            "Nothing was kept: the cohort and the round were rolled back."
        )
        if options["check"] and seconds > LIMIT_SECONDS:
            raise CommandError(f"The round took {seconds:.3f} s, more than the {LIMIT_SECONDS:g} s allowed.")
