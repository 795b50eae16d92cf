"""Coverage ("a job offer for every returnee") for centre leads, and the public job board."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.models import TargetGroup
from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.errors import Forbidden
from perspektive.jobs.coverage import coverage_for
from perspektive.jobs.models import Application, JobOffer, Occupation
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory

TODAY = dt.date(2026, 11, 15)


def _returnee(centre: Any, name: str, arrived: dt.date, **kwargs: Any) -> Any:
    client = ClientFactory(
        organisation=centre,
        name=name,
        target_group=kwargs.pop("target_group", TargetGroup.RETURNEE_GERMANY),
    )
    CaseFactory(client=client, organisation=centre, return_date=arrived)
    return client


def _offer(status: str = "published", **kwargs: Any) -> JobOffer:
    employer = OrganisationFactory(kind=OrganisationKind.EMPLOYER)
    return JobOffer.objects.create(
        employer=employer,
        title=kwargs.pop("title", "Welder"),
        occupation=Occupation.objects.get(label="welder"),
        country_id="IQ",
        city="Erbil",
        contract_type="permanent",
        working_time="full_time",
        status=status,
        **kwargs,
    )


def _propose(client: Any, offer: JobOffer, centre: Any, on: dt.date) -> None:
    Application.objects.create(
        offer=offer,
        client=client,
        proposed_by_organisation=centre,
        proposed_at=timezone.make_aware(dt.datetime.combine(on, dt.time(12))),
    )


@pytest.mark.django_db
def test_coverage_counts_returnees_by_arrival_month_with_days_to_first_offer(
    centre_a: Any, centre_b: Any, lead_a: Any
) -> None:
    offer = _offer()
    a = _returnee(centre_a, "Returnee A", dt.date(2026, 10, 3))
    b = _returnee(centre_a, "Returnee B", dt.date(2026, 10, 20))
    _returnee(centre_a, "Returnee C", dt.date(2026, 9, 1))
    _returnee(centre_a, "Local D", dt.date(2026, 10, 5), target_group=TargetGroup.LOCAL)
    _returnee(centre_b, "Other centre E", dt.date(2026, 10, 5))
    _propose(a, offer, centre_a, dt.date(2026, 10, 13))  # 10 days
    _propose(a, _offer(title="Second"), centre_a, dt.date(2026, 11, 1))  # not the first
    _propose(b, offer, centre_a, dt.date(2026, 10, 24))  # 4 days

    result = coverage_for(user=lead_a, months=3, today=TODAY)

    assert (result.arrived, result.with_offer, result.share) == (3, 2, 67)
    october = next(m for m in result.months if m.month == dt.date(2026, 10, 1))
    assert (october.arrived, october.with_offer, october.without_offer) == (2, 2, 0)
    assert october.median_days == 7
    assert [w.client_id for w in result.waiting] == [
        c.pk for c in type(a).objects.filter(name="Returnee C")
    ]
    assert result.waiting[0].days == (TODAY - dt.date(2026, 9, 1)).days


@pytest.mark.django_db
def test_coverage_is_for_centre_leads_only(counsellor_a: Any, programme_manager: Any) -> None:
    with pytest.raises(Forbidden):
        coverage_for(user=counsellor_a)
    web = HttpClient()
    web.force_login(counsellor_a)
    assert web.get(reverse("jobs:coverage")).status_code == 403


@pytest.mark.django_db
def test_coverage_page_lists_who_is_waiting(centre_a: Any, lead_a: Any) -> None:
    _returnee(centre_a, "Waiting Person", timezone.localdate() - dt.timedelta(days=40))
    web = HttpClient()
    web.force_login(lead_a)
    page = web.get(reverse("jobs:coverage"), {"months": "bogus"})
    assert page.status_code == 200
    assert "Waiting Person" in page.content.decode()


@pytest.mark.django_db
def test_public_board_shows_published_open_offers_without_people(
    client_a: Any, centre_a: Any
) -> None:
    shown = _offer(title="Open welder job")
    _offer(status="draft", title="Draft job")
    _offer(title="Expired job", deadline=timezone.localdate() - dt.timedelta(days=1))
    _propose(client_a, shown, centre_a, timezone.localdate())
    web = HttpClient()
    page = web.get(reverse("jobs:board_country", kwargs={"country": "iq"})).content.decode()
    assert "Open welder job" in page
    assert "Draft job" not in page and "Expired job" not in page
    assert client_a.name not in page
    detail = web.get(reverse("jobs:board_offer", kwargs={"offer_id": shown.pk}))
    assert detail.status_code == 200 and client_a.name not in detail.content.decode()
    draft = JobOffer.objects.get(title="Draft job")
    assert web.get(reverse("jobs:board_offer", kwargs={"offer_id": draft.pk})).status_code == 404
    assert web.get(reverse("jobs:board_country", kwargs={"country": "zz"})).status_code == 404


@pytest.mark.django_db
def test_public_board_is_small_for_slow_connections() -> None:
    for i in range(20):
        _offer(title=f"Job {i}")
    page = HttpClient().get(reverse("jobs:board_country", kwargs={"country": "iq"}))
    assert len(page.content) < 30_000
