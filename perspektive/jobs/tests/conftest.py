"""Jobs fixtures on top of the root personas: centre A's partner company and its HR person,
a published offer of that company registered by centre A, and client A's job-seeker profile.
``row_counts`` here also counts the jobs tables (offers, profiles and their parts,
applications and their events)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from perspektive.core.authz import Role
from perspektive.jobs.models import (
    Application,
    ApplicationEvent,
    Experience,
    JobOffer,
    JobSeekerProfile,
    Qualification,
)
from perspektive.jobs.tests.factories import (
    EmployerFactory,
    JobOfferFactory,
    JobSeekerProfileFactory,
    occupation,
)
from perspektive.organisations.tests.factories import staff


@pytest.fixture
def employer_a(db: Any) -> Any:
    """A construction company in Erbil that works with centre A."""
    return EmployerFactory(name="Erbil Steel", slug="erbil-steel", country_id="IQ", city="Erbil")


@pytest.fixture
def employer_staff(employer_a: Any) -> Any:
    return staff(employer_a, Role.EMPLOYER, name="HR Erbil Steel")


@pytest.fixture
def wire_drawer(db: Any) -> Any:
    return occupation()


@pytest.fixture
def offer_a(employer_a: Any, centre_a: Any, counsellor_a: Any, wire_drawer: Any) -> JobOffer:
    return JobOfferFactory(
        employer=employer_a,
        registered_by=centre_a,
        created_by=counsellor_a,
        title="Wire drawer",
        occupation=wire_drawer,
    )


@pytest.fixture
def profile_a(client_a: Any, wire_drawer: Any) -> JobSeekerProfile:
    return JobSeekerProfileFactory(client=client_a, wanted=[wire_drawer])


@pytest.fixture
def row_counts(row_counts: Callable[[], dict[str, int]]) -> Callable[[], dict[str, int]]:
    """The root counts plus every jobs table a refused write could touch."""
    models = [JobOffer, JobSeekerProfile, Experience, Qualification, Application, ApplicationEvent]
    throughs = {
        "offer_required_skills": JobOffer.required_skills.through,
        "offer_optional_skills": JobOffer.optional_skills.through,
        "profile_wanted": JobSeekerProfile.occupations_wanted.through,
        "profile_skills": JobSeekerProfile.skills.through,
    }

    def counts() -> dict[str, int]:
        out = row_counts()
        out.update({m.__name__: m.objects.count() for m in models})
        out.update({name: t.objects.count() for name, t in throughs.items()})
        return out

    return counts
