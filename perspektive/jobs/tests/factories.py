"""Job offers, job-seeker profiles and applications for tests, saved through ``full_clean()``.

Occupations and skills are not made up: they come from the ESCO data the migration loads,
so ``occupation("welder")`` is the real ESCO welder in ISCO unit 7212.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.models import Consent, Purpose
from perspektive.consent.tests.factories import ConsentFactory
from perspektive.jobs.models import (
    Application,
    ContractType,
    Experience,
    JobOffer,
    JobSeekerProfile,
    Occupation,
    OfferStatus,
    Qualification,
    Recognition,
    Skill,
    SkillKind,
    WorkingTime,
)
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import (
    OrganisationFactory,
    UserFactory,
    ValidatedFactory,
)

WIRE_DRAWER = "metal drawing machine operator"  # ISCO 8121


def occupation(label: str = WIRE_DRAWER) -> Occupation:
    return Occupation.objects.select_related("isco").get(label=label)


def transversal_skills(n: int) -> list[Skill]:
    return list(Skill.objects.filter(kind=SkillKind.TRANSVERSAL).order_by("uri")[:n])


class EmployerFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    kind = OrganisationKind.EMPLOYER


class JobOfferFactory(ValidatedFactory):
    """A published offer in Erbil for a metal drawing machine operator."""

    class Meta:
        model = JobOffer
        skip_postgeneration_save = True

    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"Wire drawer {n}")
    occupation = factory.LazyFunction(occupation)
    country_id = "IQ"
    city = "Erbil"
    contract_type = ContractType.PERMANENT
    working_time = WorkingTime.FULL_TIME
    status = OfferStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def required_skills(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.required_skills.set(extracted)

    @factory.post_generation
    def optional_skills(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.optional_skills.set(extracted)


class JobSeekerProfileFactory(ValidatedFactory):
    """A job-seeker in Erbil; ``wanted=[...]`` sets the occupations wanted."""

    class Meta:
        model = JobSeekerProfile
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    country_id = "IQ"
    city = "Erbil"

    @factory.post_generation
    def wanted(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.occupations_wanted.set(extracted)

    @factory.post_generation
    def skills(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.skills.set(extracted)


class ExperienceFactory(ValidatedFactory):
    """Work done in Germany: skills acquired abroad."""

    class Meta:
        model = Experience

    profile = factory.SubFactory(JobSeekerProfileFactory)
    occupation = factory.LazyFunction(occupation)
    country = "DE"
    start_date = dt.date(2019, 1, 1)
    end_date = dt.date(2023, 6, 30)


class QualificationFactory(ValidatedFactory):
    class Meta:
        model = Qualification

    profile = factory.SubFactory(JobSeekerProfileFactory)
    title = "Welding certificate"
    awarded_in = "DE"
    year = 2022
    recognition = Recognition.PENDING


class ApplicationFactory(ValidatedFactory):
    """An offer proposed to a client by the centre that registered the client."""

    class Meta:
        model = Application

    offer = factory.SubFactory(JobOfferFactory)
    client = factory.SubFactory(ClientFactory)
    proposed_at = factory.LazyFunction(timezone.now)
    proposed_by = factory.SubFactory(UserFactory)
    proposed_by_organisation = factory.LazyAttribute(lambda o: o.client.organisation)


def job_matching_consent(client: Any) -> Consent:
    return ConsentFactory(client=client, purpose=Purpose.JOB_MATCHING)
