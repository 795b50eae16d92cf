"""The job matching code as it was before the benchmark's changes, timed by bench/jobs.py.

Not used by the application: verbatim copies of ``matching.best_offers`` (score every
candidate, keep the best) and of ``selectors.offers_for_client`` with its bulk facts
loader, as they stood when the benchmark was written. The benchmark runs them on the same
data in the same run as the current code, times both, and checks that every result
(order, scores, parts and reasons) is identical.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any

from perspektive.clients.policy import access_client
from perspektive.core.authz import Resource
from perspektive.jobs import matching
from perspektive.jobs.models import Application, JobOffer, JobSeekerProfile
from perspektive.jobs.selectors import (
    MATCH_CANDIDATES,
    OfferMatch,
    _open_offers,
    offer_facts,
    profile_facts,
)


def best_offers(
    profile: matching.ProfileFacts,
    offers: Iterable[matching.OfferFacts],
    limit: int = 20,
    min_score: int = 1,
) -> list[matching.Match]:
    """The ``limit`` best offers for one profile, best first (ties: lower id first)."""
    scored = (matching.score(o, profile) for o in offers)
    top = heapq.nsmallest(
        limit, (m for m in scored if m.score >= min_score), key=lambda m: (-m.score, m.offer_id)
    )
    return top


def _offer_facts_bulk(offers: list[JobOffer]) -> list[matching.OfferFacts]:
    """Facts for many offers in three queries (skills fetched in bulk, not per offer)."""
    ids = [o.pk for o in offers]
    required: dict[int, set[str]] = {i: set() for i in ids}
    optional: dict[int, set[str]] = {i: set() for i in ids}
    through_r = JobOffer.required_skills.through.objects.filter(joboffer_id__in=ids)
    for offer_id, uri in through_r.values_list("joboffer_id", "skill__uri"):
        required[offer_id].add(uri)
    through_o = JobOffer.optional_skills.through.objects.filter(joboffer_id__in=ids)
    for offer_id, uri in through_o.values_list("joboffer_id", "skill__uri"):
        optional[offer_id].add(uri)
    return [offer_facts(o, required[o.pk], optional[o.pk]) for o in offers]


def offers_for_client(
    *, user: Any, client_id: int, country: str = "", limit: int = 20, min_score: int = 30
) -> tuple[JobSeekerProfile | None, list[OfferMatch]]:
    """The best open offers for a client's profile, with reasons."""
    client = access_client(user, client_id, resource=Resource.JOB_PROFILE)
    profile = (
        JobSeekerProfile.objects.filter(client=client)
        .prefetch_related("occupations_wanted", "skills", "experiences__occupation")
        .first()
    )
    if profile is None:
        return None, []
    facts = profile_facts(profile)
    qs = _open_offers().select_related("occupation")
    if country:
        qs = qs.filter(country_id=country)
    elif not profile.willing_to_move:
        qs = qs.filter(country_id=profile.country_id)
    offers = list(qs.order_by("-published_at", "-id")[:MATCH_CANDIDATES])
    best = best_offers(facts, _offer_facts_bulk(offers), limit=limit, min_score=min_score)
    by_id = {o.pk: o for o in offers}
    proposed = set(
        Application.objects.filter(
            client=client, offer_id__in=[m.offer_id for m in best]
        ).values_list("offer_id", flat=True)
    )
    picked = JobOffer.objects.select_related("employer", "occupation", "country").in_bulk(
        [m.offer_id for m in best]
    )
    return profile, [
        OfferMatch(picked.get(m.offer_id, by_id[m.offer_id]), m, m.offer_id in proposed)
        for m in best
    ]
