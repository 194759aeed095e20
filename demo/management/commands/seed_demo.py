"""Demo data for the whole product, seeded through each app's own services and models: programmes (organisation,
programmes, training, time, budgets), mentoring (pairings and their relationships) and evaluation (surveys,
interventions, reports). The demo app sits above the three, so none of them imports it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.audit_plans import seed_audit_plans
from demo.decisions import seed_decisions
from demo.interventions import seed_interventions
from demo.matching import seed_matching
from demo.mentor_goals import seed_mentor_goals
from demo.opportunities import seed_opportunities
from demo.organisation import DEMO_LOGINS, DEMO_PASSWORD, seed_organisation
from demo.pairings import seed_pairings
from demo.planning import seed_planning
from demo.programme_records import seed_skills
from demo.relationships import seed_relationships
from demo.reports import seed_reports
from demo.surveys import seed_surveys
from demo.time_to_think import seed_time_to_think
from mentoring.models import MentoringSession
from programmes.models import Person


class Command(BaseCommand):
    help = "Create or refresh the demo organisation, programmes, pairings and their sessions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a real installation)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Only seed a database that has nobody in it yet (make run)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo adds demo people with a published password, so it refuses to run with DEBUG off. "
                "Use --force only on a throw-away installation."
            )
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("The database already has people in it, so the demo data was left as it is.")
        else:
            org = seed_organisation()
            pairings = seed_pairings(
                programme=org["running"], mentors=org["running_mentors"], mentees=org["running_mentees"]
            )
            seed_relationships(programme=org["running"], pairings=pairings)
            seed_planning(
                programme=org["running"], mentor_email=DEMO_LOGINS[1].email, mentee_email=DEMO_LOGINS[2].email
            )
            seed_interventions(programme=org["running"])
            seed_mentor_goals(programme=org["running"], mentor_email=DEMO_LOGINS[1].email)
            seed_surveys(programme=org["running"])
            seed_audit_plans(programme=org["running"])
            seed_reports(programme=org["running"])
            seed_decisions(programme=org["running"])
            seed_matching(people=org["people"], named=org["named"], skills=seed_skills())
            seed_opportunities(programme=org["running"], named=org["named"])
            seed_time_to_think(
                programme=org["running"],
                mentor_email=DEMO_LOGINS[1].email,
                mentee_email=DEMO_LOGINS[2].email,
                manager_email=DEMO_LOGINS[3].email,
            )
            people = Person.objects.count()
            sessions = MentoringSession.objects.filter(pairing__programme=org["running"]).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {people} people, 3 programmes, {len(pairings)} pairings, {sessions} sessions."
                )
            )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<17} {login.email:<26} {login.name}: {login.what}")
