"""``manage.py bench`` (``make bench``): Tandem's performance promises measured in a throwaway database."""

from __future__ import annotations

import json
import logging
import tempfile
import warnings
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from perf.measure import BenchError
from perf.run import ENGINE_SIZES, ROUND_COHORT, bench_run, table


def _sizes(text: str, option: str) -> tuple[tuple[int, int], ...]:
    """ "2000x800,10000x4000" -> ((2000, 800), (10000, 4000)); "none" or "" -> ()."""
    if text.strip().lower() in ("", "none"):
        return ()
    try:
        sizes = tuple(tuple(int(x) for x in part.lower().split("x")) for part in text.split(","))
    except ValueError:
        sizes = ((0,),)
    if any(len(size) != 2 or min(size) < 1 for size in sizes):
        raise CommandError(f"{option} takes MENTEESxMENTORS (e.g. 2000x800), several separated by commas, or none.")
    return sizes  # type: ignore[return-value]


class Command(BaseCommand):
    help = (
        "Build a made-up organisation in a throwaway database (never yours: a new PostgreSQL database beside the "
        "one DATABASE_URL names, else a temporary SQLite file), then time the coordinator dashboard, the pairing "
        "and participant lists, the committee report page with its PDF and CSV, the pair workspace and logging a "
        "session at a scale and at ten times it; a whole-cohort matching round, rounds per objective at 2,000 x 800 "
        "and the matching engine at 2,000 x 800 and 10,000 x 4,000 with its peak resident set; and the reminder "
        "sweep. Prints a table with each target met or missed, and writes every figure to --json. The throwaway "
        "database is dropped at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 means 1,000 pairings in the measured programme (default 1)."
        )
        parser.add_argument("--factor", type=int, default=10, help="The second scale is this times the first.")
        parser.add_argument("--runs", type=int, default=5, help="Timed runs per page after the warm-up.")
        parser.add_argument("--sweep-pairings", type=int, default=100_000)
        parser.add_argument("--mentees", type=int, default=500)
        parser.add_argument("--mentors", type=int, default=200)
        parser.add_argument(
            "--engine-sizes",
            default=",".join(f"{n}x{m}" for n, m in ENGINE_SIZES),
            help="Cohorts for the matching engine, MENTEESxMENTORS separated by commas; the targets are judged at the "
            "largest. 'none' skips them. Default: %(default)s.",
        )
        parser.add_argument(
            "--round-cohort",
            default="x".join(map(str, ROUND_COHORT)),
            help="A cohort built in the database for whole rounds, one per objective; 'none' skips them. "
            "Default: %(default)s.",
        )
        parser.add_argument(
            "--matching-only",
            action="store_true",
            help="Only the matching figures (the round, rounds per objective, the engine): no pages, no sweep.",
        )
        parser.add_argument("--json", metavar="FILE", help="Write every figure to this file, one key per figure.")
        parser.add_argument(
            "--check", action="store_true", help="Exit with an error when a target is missed (for scripts)."
        )

    def handle(self, *args, **options) -> None:
        if options["scale"] <= 0 or options["factor"] < 2 or options["runs"] < 1:
            raise CommandError("--scale must be above 0, --factor at least 2 and --runs at least 1.")
        if min(options["sweep_pairings"], options["mentees"], options["mentors"]) < 1:
            raise CommandError("The sweep and the matching round need at least one pairing, mentee and mentor.")
        engine_sizes = _sizes(options["engine_sizes"], "--engine-sizes")
        round_cohort = _sizes(options["round_cohort"], "--round-cohort")
        if len(round_cohort) > 1:
            raise CommandError("--round-cohort takes one cohort, e.g. 2000x800.")
        json_path = Path(options["json"]).resolve() if options["json"] else None
        if json_path is not None and not json_path.parent.is_dir():
            raise CommandError(f"{json_path.parent} is not a folder: the figures could not be written there.")
        # Each test client's login would log a line through django-axes, and WhiteNoise warns when static
        # files were never collected (the benchmark serves none): noise between the figures.
        logging.getLogger("axes").setLevel(logging.WARNING)
        warnings.filterwarnings("ignore", message="No directory at")
        with tempfile.TemporaryDirectory(prefix="tandem-bench-") as folder:
            old_name = self._throwaway(folder)
            try:
                flat = bench_run(
                    scale=options["scale"],
                    factor=options["factor"],
                    runs=options["runs"],
                    sweep_pairings=options["sweep_pairings"],
                    cohort=(options["mentees"], options["mentors"]),
                    engine_sizes=engine_sizes,
                    round_cohort=round_cohort[0] if round_cohort else None,
                    matching_only=options["matching_only"],
                    log=lambda line: self.stdout.write(line),
                )
            except BenchError as exc:
                raise CommandError(str(exc)) from None
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0)
        self.stdout.write("\n" + table(flat))
        if json_path is not None:
            json_path.write_text(json.dumps(flat, indent=2, ensure_ascii=False) + "\n")
            self.stdout.write(f"Figures written to {json_path}.")
        missed = [k[len("target.") :] for k, v in flat.items() if k.startswith("target.") and v == "missed"]
        if options["check"] and missed:
            raise CommandError("Targets missed: " + ", ".join(missed))

    def _throwaway(self, folder: str) -> str:
        """Point the connection at a new, migrated database (Django's test-database machinery: the same
        migrations, dropped afterwards) and return the real database's name for putting it back."""
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            settings.setdefault("TEST", {})["NAME"] = str(Path(folder) / "bench.sqlite3")
        else:
            settings.setdefault("TEST", {})["NAME"] = f"{settings['NAME']}_bench"
        old_name = settings["NAME"]
        self.stdout.write(f"Creating the throwaway database {settings['TEST']['NAME']} (yours is not touched)…")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return old_name
