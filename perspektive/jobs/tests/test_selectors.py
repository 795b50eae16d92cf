"""Reads for jobs, always scoped to the acting user: the offer list and its filters, the
best offers for a client, the best candidates for an offer, and retention checks due."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.errors import NotFound
from perspektive.jobs import selectors
from perspektive.jobs.models import JobOffer, JobSeekerProfile, OfferStatus
from perspektive.jobs.tests.factories import (
    ApplicationFactory,
    ExperienceFactory,
    JobOfferFactory,
    JobSeekerProfileFactory,
    job_matching_consent,
    occupation,
)

pytestmark = pytest.mark.django_db


def _titles(page: Any) -> set[str]:
    return {o.title for o in page.object_list}


def test_offer_list_filters_by_words_country_status_and_ownership(
    counsellor_a: Any, centre_a: Any, offer_a: JobOffer
) -> None:
    welder = JobOfferFactory(title="Welder in Berlin", occupation=occupation("welder"))
    JobOffer.objects.filter(pk=welder.pk).update(country_id="DE", city="Berlin")
    draft = JobOfferFactory(
        title="Our draft", registered_by=centre_a, status=OfferStatus.DRAFT, published_at=None
    )
    JobOfferFactory(title="Their draft", status=OfferStatus.DRAFT, published_at=None)

    def titles(**filters: Any) -> set[str]:
        return _titles(selectors.offer_list(user=counsellor_a, **filters))

    assert titles() == {offer_a.title, welder.title, draft.title}
    assert titles(query="BERLIN") == {welder.title}
    # The occupation's ESCO labels count as well as the title.
    assert titles(query="metal drawing") == {offer_a.title, draft.title}
    assert titles(query="wire drawer") == {offer_a.title, draft.title}
    assert titles(query="welder berlin") == {welder.title}
    assert titles(country="DE") == {welder.title}
    assert titles(status="draft") == {draft.title}
    assert titles(status="nonsense") == titles()
    assert titles(mine=True) == {offer_a.title, draft.title}


def test_offer_list_pages_newest_first(counsellor_a: Any) -> None:
    base = timezone.now()
    for i in range(30):
        JobOfferFactory(title=f"Job {i:02}", published_at=base - dt.timedelta(hours=i))
    first = selectors.offer_list(user=counsellor_a)
    assert [o.title for o in first.object_list][:3] == ["Job 00", "Job 01", "Job 02"]
    assert len(first.object_list) == 25
    second = selectors.offer_list(user=counsellor_a, page=2)
    assert [o.title for o in second.object_list] == [f"Job {i}" for i in range(25, 30)]
    assert selectors.offer_list(user=counsellor_a, page=99).number == 2


def test_offers_for_client_stay_in_the_country_unless_the_person_would_move(
    counsellor_a: Any, client_a: Any, profile_a: JobSeekerProfile, offer_a: JobOffer
) -> None:
    abroad = JobOfferFactory(title="Wire drawer in Bochum", country_id="DE", city="Bochum")
    _profile, found = selectors.offers_for_client(user=counsellor_a, client_id=client_a.pk)
    assert [m.offer for m in found] == [offer_a]
    assert found[0].match.score == 100
    _profile, found = selectors.offers_for_client(
        user=counsellor_a, client_id=client_a.pk, country="DE"
    )
    assert [m.offer for m in found] == [abroad]
    profile_a.willing_to_move = True
    profile_a.save()
    _profile, found = selectors.offers_for_client(user=counsellor_a, client_id=client_a.pk)
    assert [m.offer for m in found] == [offer_a, abroad]


def test_offers_for_client_count_experience_and_mark_proposals(
    counsellor_a: Any, client_a: Any, offer_a: JobOffer
) -> None:
    profile = JobSeekerProfileFactory(client=client_a)  # wants nothing
    ExperienceFactory(profile=profile)  # but worked as a wire drawer in Germany
    ApplicationFactory(offer=offer_a, client=client_a)
    _profile, found = selectors.offers_for_client(user=counsellor_a, client_id=client_a.pk)
    assert [m.offer for m in found] == [offer_a]
    assert found[0].match.parts["occupation"] == pytest.approx(0.9)
    assert found[0].proposed is True


def test_offers_for_a_client_without_profile_or_outside_the_scope(
    counsellor_a: Any, counsellor_b: Any, client_a: Any, offer_a: JobOffer
) -> None:
    assert selectors.offers_for_client(user=counsellor_a, client_id=client_a.pk) == (None, [])
    with pytest.raises(NotFound):
        selectors.offers_for_client(user=counsellor_b, client_id=client_a.pk)


def test_candidates_are_only_the_users_clients_with_their_consent_shown(
    counsellor_a: Any, centre_a: Any, centre_b: Any, offer_a: JobOffer
) -> None:
    agreed = JobSeekerProfileFactory(
        client=ClientFactory(organisation=centre_a), wanted=[occupation()]
    )
    job_matching_consent(agreed.client)
    not_asked = JobSeekerProfileFactory(
        client=ClientFactory(organisation=centre_a), wanted=[occupation()]
    )
    JobSeekerProfileFactory(client=ClientFactory(organisation=centre_b), wanted=[occupation()])
    found = selectors.candidates_for_offer(user=counsellor_a, offer=offer_a)
    assert [(c.profile, c.consent) for c in found] == [(agreed, True), (not_asked, False)]


def test_retention_checks_are_due_six_months_after_hiring(
    counsellor_a: Any, case_a: Any, client_a: Any, offer_a: JobOffer
) -> None:
    today = timezone.localdate()
    due = ApplicationFactory(offer=offer_a, client=client_a, status="hired", retention_due=today)
    ApplicationFactory(
        offer=JobOfferFactory(),
        client=client_a,
        status="hired",
        retention_due=today + dt.timedelta(days=1),
    )
    ApplicationFactory(
        offer=JobOfferFactory(), client=client_a, status="hired", retention_due=today, retained=True
    )
    assert list(selectors.retention_checks_due(user=counsellor_a)) == [due]
    assert list(selectors.retention_checks_due(user=counsellor_a, on=today - dt.timedelta(1))) == []
