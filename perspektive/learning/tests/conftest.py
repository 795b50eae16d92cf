from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.jobs.models import Occupation
from perspektive.learning.tests.factories import CourseFactory, training_provider
from perspektive.organisations.tests.factories import UserFactory, staff


@pytest.fixture
def provider(db: Any) -> Any:
    return training_provider()


@pytest.fixture
def provider_staff(provider: Any) -> Any:
    return staff(provider, Role.PARTNER_STAFF, name="Trainer Essen")


@pytest.fixture
def other_provider_staff(db: Any) -> Any:
    other = training_provider(name="Other provider", slug="other-provider", city="Berlin")
    return staff(other, Role.PARTNER_STAFF, name="Other Trainer")


@pytest.fixture
def scout(return_office: Any) -> Any:
    return staff(return_office, Role.SCOUT, name="Scout Yilmaz")


@pytest.fixture
def samir(return_office: Any) -> Any:
    """Journey 2: Samir, an Arabic speaker registered at the return office."""
    return ClientFactory(
        organisation=return_office,
        user=UserFactory(name="Samir"),
        name="سمير الجبوري",
        name_latin="Samir Al-Jubouri",
        nationality="IQ",
        languages=["ar", "de"],
    )


@pytest.fixture
def course(provider: Any) -> Any:
    return CourseFactory(
        provider=provider,
        occupation=Occupation.objects.get(label="metal drawing machine operator"),
        capacity=2,
    )


@pytest.fixture
def running_course(provider: Any) -> Any:
    """A course that has started (so it can be completed)."""
    from django.utils import timezone

    today = timezone.localdate()
    return CourseFactory(
        provider=provider,
        title="Pipe welding",
        occupation=Occupation.objects.get(label="metal drawing machine operator"),
        first_day=today - dt.timedelta(days=10),
        last_day=today,
    )
