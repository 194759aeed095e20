import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from programmes.models import (
    Course,
    Membership,
    OrgUnit,
    Person,
    Programme,
    ProgrammeRequirement,
    Role,
    TrainingRecord,
)
from programmes.services.training import months_after

PASSWORD = "correct-horse-battery"


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
