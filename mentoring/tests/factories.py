import datetime

import factory

from mentoring.models import Pairing
from programmes.tests.factories import PersonFactory, ProgrammeFactory


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    programme = factory.SubFactory(ProgrammeFactory)
    mentor = factory.SubFactory(PersonFactory)
    mentee = factory.SubFactory(PersonFactory)
    status = Pairing.Status.ACTIVE
    started_on = datetime.date(2026, 3, 2)
