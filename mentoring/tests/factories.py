import datetime

import factory

from mentoring.models import ClosingReflection, Pairing
from programmes.tests.factories import PersonFactory, ProgrammeFactory


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    programme = factory.SubFactory(ProgrammeFactory)
    mentor = factory.SubFactory(PersonFactory)
    mentee = factory.SubFactory(PersonFactory)
    status = Pairing.Status.ACTIVE
    started_on = datetime.date(2026, 3, 2)


# --- Pairing lifecycle -------------------------------------------------------------------------------------


class ProposedPairingFactory(PairingFactory):
    status = Pairing.Status.PROPOSED
    started_on = None


class ClosingReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosingReflection

    pairing = factory.SubFactory(PairingFactory, status=Pairing.Status.COMPLETED, ended_on=datetime.date(2026, 6, 1))
    author = factory.LazyAttribute(lambda o: o.pairing.mentee)
    text = "What I take away, for my eyes only."
