from __future__ import annotations

from typing import Any

import factory

from perspektive.cases.models import Case, CaseStatus, MeasureType, ReintegrationPlan
from perspektive.clients.services import client_refresh_holders
from perspektive.clients.tests.factories import ClientFactory
from perspektive.organisations.tests.factories import ValidatedFactory


class CaseFactory(ValidatedFactory):
    class Meta:
        model = Case

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        # As case_open does: the client's holder tokens follow the case's organisation.
        case = super()._create(model_class, *args, **kwargs)
        client_refresh_holders(case.client)
        return case

    client = factory.SubFactory(ClientFactory)
    organisation = factory.LazyAttribute(lambda o: o.client.organisation)
    status = CaseStatus.INTAKE


class PlanFactory(ValidatedFactory):
    class Meta:
        model = ReintegrationPlan

    case = factory.SubFactory(CaseFactory)


def measure_type(code: str = "job_placement") -> MeasureType:
    return MeasureType.objects.get(code=code)
