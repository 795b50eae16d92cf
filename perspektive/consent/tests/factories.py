from __future__ import annotations

import datetime as dt

import factory

from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.models import Consent, GivenBy, Method, Purpose
from perspektive.organisations.tests.factories import UserFactory, ValidatedFactory


class ConsentFactory(ValidatedFactory):
    """A written consent given by the client themselves, in force."""

    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    purpose = Purpose.COUNSELLING
    given_by = GivenBy.SELF
    method = Method.WRITTEN
    notice_version = "1"
    notice_language = "ar"
    recorded_by = factory.SubFactory(UserFactory)
    given_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC))
