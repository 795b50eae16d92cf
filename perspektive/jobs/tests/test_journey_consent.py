"""Journey 9: Samir, employed now, withdraws his consent to job matching. From then on the
employer's portal no longer shows him (not on the offer, not the application), while his
counsellor still follows the application."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.consent.models import Consent, Purpose
from perspektive.jobs import services
from perspektive.jobs.models import Application, JobOffer
from perspektive.jobs.policy import applications_visible_to
from perspektive.jobs.tests.factories import job_matching_consent
from perspektive.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WebAs = Callable[[Any], HttpClient]


@pytest.fixture
def samir(client_a: Any) -> Any:
    """Client A with a login of his own."""
    client_a.user = UserFactory(name="Samir")
    client_a.save()
    return client_a


@pytest.fixture
def proposed(samir: Any, case_a: Any, counsellor_a: Any, offer_a: JobOffer) -> Application:
    job_matching_consent(samir)
    return services.offer_propose(actor=counsellor_a, offer_id=offer_a.pk, client_id=samir.pk)


def _offer_page(web: HttpClient, offer: JobOffer) -> Any:
    response = web.get(reverse("jobs:offer_detail", kwargs={"offer_id": offer.pk}))
    assert response.status_code == 200
    return response


def _application_url(application: Application) -> str:
    return reverse("jobs:application_detail", kwargs={"application_id": application.pk})


def test_withdrawing_job_matching_consent_hides_the_candidate_from_the_employer(
    web_as: WebAs,
    samir: Any,
    proposed: Application,
    offer_a: JobOffer,
    employer_staff: Any,
    counsellor_a: Any,
) -> None:
    employer = web_as(employer_staff)
    # While the consent is in force, the employer sees Samir on the offer and his profile.
    page = _offer_page(employer, offer_a)
    assert list(page.context["applications"]) == [proposed]
    assert samir.name in page.content.decode()
    assert employer.get(_application_url(proposed)).status_code == 200

    # Samir withdraws the consent himself, in the portal.
    consent = Consent.objects.get(client=samir, purpose=Purpose.JOB_MATCHING)
    response = web_as(samir.user).post(
        reverse("clients:consent_withdraw", kwargs={"consent_id": consent.pk}),
        {"note": "I have a job now"},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None

    # The employer: the offer no longer lists him, his application is not found.
    page = _offer_page(employer, offer_a)
    assert list(page.context["applications"]) == []
    text = page.content.decode()
    assert samir.name not in text and samir.name_latin not in text
    assert employer.get(_application_url(proposed)).status_code == 404
    status_url = reverse("jobs:application_status", kwargs={"application_id": proposed.pk})
    assert employer.post(status_url, {"status": "applied"}).status_code == 404
    assert not applications_visible_to(employer_staff).exists()

    # His counsellor still sees and follows the application.
    counsellor = web_as(counsellor_a)
    assert list(_offer_page(counsellor, offer_a).context["applications"]) == [proposed]
    assert counsellor.get(_application_url(proposed)).status_code == 200
    assert counsellor.post(status_url, {"status": "withdrawn"}).status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == "withdrawn"

    # And Samir still sees his own application.
    assert web_as(samir.user).get(_application_url(proposed)).status_code == 200


def test_a_new_consent_shows_the_candidate_to_the_employer_again(
    samir: Any, proposed: Application, employer_staff: Any, counsellor_a: Any
) -> None:
    consent = Consent.objects.get(client=samir, purpose=Purpose.JOB_MATCHING)
    from perspektive.consent.services import consent_withdraw

    consent_withdraw(actor=counsellor_a, consent_id=consent.pk)
    assert not applications_visible_to(employer_staff).exists()
    job_matching_consent(samir)
    assert list(applications_visible_to(employer_staff)) == [proposed]


def test_another_clients_consent_does_not_reveal_this_one(
    samir: Any,
    proposed: Application,
    employer_staff: Any,
    counsellor_a: Any,
    offer_a: JobOffer,
    centre_a: Any,
) -> None:
    """The consent that counts is the candidate's own, not anyone's on the same offer."""
    from perspektive.cases.tests.factories import CaseFactory
    from perspektive.clients.tests.factories import ClientFactory

    other = ClientFactory(organisation=centre_a)
    CaseFactory(client=other, counsellor=counsellor_a)
    job_matching_consent(other)
    second = services.offer_propose(actor=counsellor_a, offer_id=offer_a.pk, client_id=other.pk)
    Consent.objects.filter(client=samir).update(withdrawn_at="2026-06-01T00:00:00Z")
    assert list(applications_visible_to(employer_staff)) == [second]
