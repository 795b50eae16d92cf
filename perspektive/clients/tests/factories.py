from __future__ import annotations

import datetime as dt

import factory

from perspektive.clients.models import Client, TargetGroup
from perspektive.core.names import latin, name_keys
from perspektive.organisations.tests.factories import OrganisationFactory, ValidatedFactory


class ClientFactory(ValidatedFactory):
    class Meta:
        model = Client

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person Number{n}")
    name_latin = factory.LazyAttribute(lambda o: latin(o.name))
    search_keys = factory.LazyAttribute(lambda o: " ".join(name_keys(f"{o.name} {o.name_latin}")))
    birth_date = dt.date(1990, 5, 17)
    target_group = TargetGroup.RETURNEE_GERMANY
    languages = factory.LazyFunction(lambda: ["ar"])
