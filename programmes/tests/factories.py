import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from programmes.models import (
    Application,
    BudgetLine,
    Course,
    EnrolmentQuestion,
    Membership,
    OrgUnit,
    PeopleImport,
    Person,
    Programme,
    ProgrammeRequirement,
    Role,
    Skill,
    Spend,
    TimeAllocation,
    TrainingRecord,
)
from programmes.services.training import months_after

PASSWORD = "correct-horse-battery"


def evidence_pdf() -> bytes:
    """A real one-page PDF, as a certificate would be: evidence uploads must parse as PDF."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Certificate of completion")
    page.save()
    return buffer.getvalue()


def evidence_image(fmt: str = "PNG") -> bytes:
    """A real small image (PNG or JPEG) that decodes: evidence uploads must decode as images."""
    import io
    import random

    from PIL import Image

    buffer = io.BytesIO()
    noise = random.Random(13).randbytes(32 * 32 * 3)  # noise does not compress: cutting it short is visible
    Image.frombytes("RGB", (32, 32), noise).save(buffer, format=fmt)
    return buffer.getvalue()


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Team {n}")
    kind = OrgUnit.Kind.TEAM


class DepartmentFactory(OrgUnitFactory):
    name = factory.Sequence(lambda n: f"Department {n}")
    kind = OrgUnit.Kind.DEPARTMENT


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    job_title = factory.Faker("job")
    grade = 3
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # persist the hashed password once
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    status = Programme.Status.RUNNING
    description = "A programme for the tests."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    programme = factory.SubFactory(ProgrammeFactory)
    person = factory.SubFactory(PersonFactory)
    role = Role.MENTEE


# --- Enrolment ---


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class EnrolmentQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrolmentQuestion

    programme = factory.SubFactory(ProgrammeFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    programme = factory.SubFactory(ProgrammeFactory, status=Programme.Status.RECRUITING)
    person = factory.SubFactory(PersonFactory)
    role = Role.MENTEE
    goals = "Grow in my role."
    availability = ["mon-am", "wed-pm"]
    languages = ["English"]
    endorsement = Application.Endorsement.PENDING


# --- Resource budgets ------------------------------------------------------------------------------------


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    programme = factory.SubFactory(ProgrammeFactory)
    category = BudgetLine.Category.TRAINING
    description = factory.Sequence(lambda n: f"Line {n}")
    planned_amount = Decimal("1000.00")
    currency = "EUR"


class SpendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spend

    line = factory.SubFactory(BudgetLineFactory)
    spent_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    amount = Decimal("100.00")
    description = factory.Sequence(lambda n: f"Spend {n}")
    created_by = factory.SubFactory(PersonFactory)


class TimeAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeAllocation

    programme = factory.SubFactory(ProgrammeFactory)
    person = factory.SubFactory(PersonFactory)
    month = datetime.date(2026, 11, 1)
    hours = Decimal("3.0")


# --- People import ------------------------------------------------------------------------------------------


def people_import_row(line: int, email: str, outcome: str = "unchanged", **values: str) -> dict:
    """One parsed row as PeopleImport.rows stores it."""
    return {
        "line": line,
        "values": {"email": email, "name": values.pop("name", email.split("@")[0].title()), **values},
        "outcome": outcome,
        "errors": [],
        "changes": [],
    }


class PeopleImportFactory(factory.django.DjangoModelFactory):
    """A stored preview. Its rows are made up: applying one re-checks them and refuses when they don't fit."""

    class Meta:
        model = PeopleImport

    uploaded_by = factory.SubFactory(PersonFactory)
    filename = "people.csv"
    rows = factory.LazyFunction(lambda: [people_import_row(2, "someone@example.org")])
    summary = factory.LazyAttribute(
        lambda o: {
            "create": 0,
            "update": 0,
            "unchanged": len(o.rows),
            "error": 0,
            "flag": 0,
            "flag_sample": [],
            "rows": len(o.rows),
            "columns": ["email", "name"],
            "ignored_columns": [],
        }
    )


# --- Training records (training part) --------------------------------------------------------------------


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    kind = Course.Kind.MENTOR_TRAINING
    provider = "Learning and Development"
    hours = Decimal("6.0")
    validity_months = 24


class ProgrammeRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeRequirement

    programme = factory.SubFactory(ProgrammeFactory)
    role = Role.MENTOR
    course = factory.SubFactory(CourseFactory)


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """A completed record; its expiry follows the course's validity like the service computes it."""

    class Meta:
        model = TrainingRecord

    person = factory.SubFactory(PersonFactory)
    course = factory.SubFactory(CourseFactory)
    status = TrainingRecord.Status.COMPLETED
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    hours = factory.LazyAttribute(lambda o: o.course.hours)
    expires_on = factory.LazyAttribute(
        lambda o: (
            months_after(o.completed_on, o.course.validity_months)
            if o.completed_on and o.course.validity_months
            else None
        )
    )
