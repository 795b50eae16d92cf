from __future__ import annotations

import factory

from perspektive.cases.models import Case, CaseStatus, MeasureType, ReintegrationPlan
from perspektive.clients.tests.factories import ClientFactory
from perspektive.organisations.tests.factories import ValidatedFactory


class CaseFactory(ValidatedFactory):
    class Meta:
        model = Case

    client = factory.SubFactory(ClientFactory)
    organisation = factory.LazyAttribute(lambda o: o.client.organisation)
    status = CaseStatus.INTAKE


class PlanFactory(ValidatedFactory):
    class Meta:
        model = ReintegrationPlan

    case = factory.SubFactory(CaseFactory)


def measure_type(code: str = "job_placement") -> MeasureType:
    return MeasureType.objects.get(code=code)
