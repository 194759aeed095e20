from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mentoring.demo import seed_pairings
from programmes.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_organisation


class Command(BaseCommand):
    help = "Create or refresh the demo organisation, programmes and pairings (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a real installation)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo adds demo people with a published password, so it refuses to run with DEBUG off. "
                "Use --force only on a throw-away installation."
            )
        org = seed_organisation()
        pairings = seed_pairings(
            programme=org["running"], mentors=org["running_mentors"], mentees=org["running_mentees"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(org['people']) + 1} people, 2 programmes, {len(pairings)} pairings."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<17} {login.email:<26} {login.name}: {login.what}")
