import datetime
from decimal import Decimal

import factory

from programmes.models import Membership, OrgUnit, Person, Programme, Role, TimeAllocation

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


class TimeAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeAllocation

    programme = factory.SubFactory(ProgrammeFactory)
    person = factory.SubFactory(PersonFactory)
    month = datetime.date(2026, 11, 1)
    hours = Decimal("3.0")
