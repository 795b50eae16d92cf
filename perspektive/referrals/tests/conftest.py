from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.jobs.models import (
    Experience,
    JobSeekerProfile,
    Occupation,
    Qualification,
)
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, UserFactory, staff
from perspektive.referrals.tests.factories import handover_consent


@pytest.fixture
def samir_user(db: Any) -> Any:
    return UserFactory(name="Samir", email="samir@example.org")


@pytest.fixture
def samir(return_office: Any, samir_user: Any) -> Any:
    """Journey 2: Samir, registered at the return office, with everything a record holds."""
    client = ClientFactory(
        organisation=return_office,
        user=samir_user,
        name="سمير الجبوري",
        name_latin="Sameer Al-Jubouri",
        birth_date=dt.date(1992, 3, 14),
        sex="male",
        nationality="IQ",
        languages=["ar", "de"],
        phone="+4915112345678",
        email="samir.mail@example.org",
        household_size=3,
        children_count=1,
        health_notes="Diabetes type 2, needs insulin",
        psychosocial_notes="Sleep problems since the journey",
        migration_status="Tolerated stay (Duldung)",
    )
    occupation = Occupation.objects.get(label="metal drawing machine operator")
    profile = JobSeekerProfile.objects.create(
        client=client, country_id="DE", city="Bochum", summary="Welder's helper for four years"
    )
    profile.occupations_wanted.add(occupation)
    Experience.objects.create(
        profile=profile,
        occupation=occupation,
        employer_name="Stahlbau Ruhr",
        country="DE",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2025, 6, 30),
    )
    Qualification.objects.create(
        profile=profile, title="Welding certificate MAG", awarded_in="DE", year=2023
    )
    return client


@pytest.fixture
def samir_consent(samir: Any) -> Any:
    return handover_consent(samir)


@pytest.fixture
def scout(return_office: Any) -> Any:
    return staff(return_office, Role.SCOUT, name="Scout Yilmaz")


@pytest.fixture
def other_office_counsellor(db: Any) -> Any:
    office = OrganisationFactory(
        name="Return office Munich",
        slug="ro-munich",
        kind=OrganisationKind.RETURN_OFFICE,
        country_id="DE",
        city="Munich",
    )
    return staff(office, Role.RETURN_COUNSELLOR, name="Other Office")
