from __future__ import annotations

import datetime as dt

import factory

from perspektive.clients.models import Client, TargetGroup
from perspektive.clients.search_keys import search_keys_for
from perspektive.core.names import latin
from perspektive.organisations.tests.factories import OrganisationFactory, ValidatedFactory


class ClientFactory(ValidatedFactory):
    class Meta:
        model = Client

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person Number{n}")
    name_latin = factory.LazyAttribute(lambda o: latin(o.name))
    search_keys = factory.LazyAttribute(
        lambda o: search_keys_for(o.name, o.name_latin, [o.organisation.pk])
    )
    birth_date = dt.date(1990, 5, 17)
    target_group = TargetGroup.RETURNEE_GERMANY
    languages = factory.LazyFunction(lambda: ["ar"])
