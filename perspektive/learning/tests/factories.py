from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from perspektive.learning.models import Course, CourseStatus, Enrolment, Trade
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, ValidatedFactory


def training_provider(**kwargs: Any) -> Any:
    defaults = {
        "name": "Ruhr metal training centre",
        "slug": "training-essen",
        "kind": OrganisationKind.TRAINING_PROVIDER,
        "country_id": "DE",
        "city": "Essen",
    }
    return OrganisationFactory(**{**defaults, **kwargs})


class CourseFactory(ValidatedFactory):
    """A published two-week metalwork course in Essen, starting in a week."""

    class Meta:
        model = Course

    provider = factory.LazyFunction(training_provider)
    title = "Metalwork and welding basics"
    trade = Trade.METALWORK
    language = "de"
    location = "Altendorfer Str. 1"
    city = "Essen"
    country_id = "DE"
    first_day = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    last_day = factory.LazyAttribute(lambda o: o.first_day + dt.timedelta(days=11))
    sessions = 10
    capacity = 12
    status = CourseStatus.PUBLISHED


class EnrolmentFactory(ValidatedFactory):
    class Meta:
        model = Enrolment

    course = factory.SubFactory(CourseFactory)
    status = "enrolled"
    requested_at = factory.LazyFunction(timezone.now)
    enrolled_at = factory.LazyAttribute(lambda o: o.requested_at if o.status != "waiting" else None)
