"""Reads for jobs, scoped to the acting user; the matching engine gets plain facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet, Value
from django.utils import timezone

from perspektive.clients.models import Client
from perspektive.clients.policy import access_client, clients_visible_to
from perspektive.core.authz import Action, Resource
from perspektive.jobs import matching
from perspektive.jobs.models import (
    Application,
    Experience,
    JobOffer,
    JobSeekerProfile,
    Occupation,
    OfferStatus,
    Skill,
)
from perspektive.jobs.policy import (
    applications_visible_to,
    consenting_clients,
    holding_orgs,
    offers_visible_to,
)

SUGGESTION_LIMIT = 12
MATCH_CANDIDATES = 5000  # offers scored per request at most, newest first


def occupation_suggest(query: str, limit: int = SUGGESTION_LIMIT) -> list[Occupation]:
    """ESCO occupations for a typed job title: exact label first, then labels starting with
    the text, then labels containing every word ("wire drawer" -> metal drawing machine
    operator)."""
    words = [w for w in query.lower().split() if w]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    phrase = " ".join(words)
    rows = list(Occupation.objects.filter(condition).select_related("isco")[:400])

    def rank(o: Occupation) -> tuple[int, int, str]:
        labels = o.search_text.split("\n")
        if o.label.lower() == phrase:
            return (0, len(o.label), o.label)
        if phrase in labels:
            return (1, len(o.label), o.label)
        if any(label.startswith(phrase) for label in labels):
            return (2, len(o.label), o.label)
        if phrase in o.search_text:
            return (3, len(o.label), o.label)
        return (4, len(o.label), o.label)

    rows.sort(key=rank)
    return rows[:limit]


def skill_choices(kind: str | None = None) -> QuerySet[Skill]:
    qs = Skill.objects.all()
    return qs.filter(kind=kind) if kind else qs


def offer_list(
    *,
    user: Any,
    query: str = "",
    country: str = "",
    status: str = "",
    mine: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> Any:
    qs = offers_visible_to(user).select_related("employer", "occupation", "country")
    if query.strip():
        for word in query.lower().split():
            qs = qs.filter(Q(title__icontains=word) | Q(occupation__search_text__contains=word))
    if country:
        qs = qs.filter(country_id=country)
    if status in OfferStatus.values:
        qs = qs.filter(status=status)
    if mine:
        own = sorted(holding_orgs(user, Resource.JOB_OFFER, Action.UPDATE))
        qs = qs.filter(Q(employer__in=own) | Q(registered_by__in=own))
    return Paginator(qs.order_by("-published_at", "-id"), page_size).get_page(page)


def offer_facts(
    offer: JobOffer, required: set[str] | None = None, optional: set[str] | None = None
) -> matching.OfferFacts:
    location = (
        (offer.latitude, offer.longitude)
        if offer.latitude is not None and offer.longitude is not None
        else None
    )
    return matching.OfferFacts(
        id=offer.pk,
        occupation=offer.occupation.uri,
        isco=offer.occupation.isco_id,
        required_skills=frozenset(
            required if required is not None else (s.uri for s in offer.required_skills.all())
        ),
        optional_skills=frozenset(
            optional if optional is not None else (s.uri for s in offer.optional_skills.all())
        ),
        languages={k: int(v) for k, v in (offer.languages or {}).items()},
        country=offer.country_id,
        city=offer.city,
        location=location,
        start_date=offer.start_date,
    )


def profile_facts(profile: JobSeekerProfile) -> matching.ProfileFacts:
    location = (
        (profile.latitude, profile.longitude)
        if profile.latitude is not None and profile.longitude is not None
        else None
    )
    return matching.ProfileFacts(
        id=profile.pk,
        wanted={o.uri: o.isco_id for o in profile.occupations_wanted.all()},
        # .all(): callers prefetch "experiences__occupation" (a new query per profile else).
        held={e.occupation.uri: e.occupation.isco_id for e in profile.experiences.all()},
        skills=frozenset(s.uri for s in profile.skills.all()),
        languages={k: int(v) for k, v in (profile.languages or {}).items()},
        country=profile.country_id,
        city=profile.city,
        location=location,
        willing_to_move=profile.willing_to_move,
        max_distance_km=profile.max_distance_km,
        available_from=profile.available_from,
    )


def _open_offers() -> QuerySet[JobOffer]:
    today = timezone.localdate()
    return JobOffer.objects.filter(status=OfferStatus.PUBLISHED).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=today)
    )


_FACT_FIELDS = (
    "id",
    "occupation__uri",
    "occupation__isco_id",
    "languages",
    "country_id",
    "city",
    "latitude",
    "longitude",
    "start_date",
)
# Candidates whose occupation shares at least this many ISCO digits (the sub-major group)
# with one of the profile's are read first, in one query; see _best_among.
RING_LEVEL = 2
# The most the occupation part gives an offer of each group (the ring: the same occupation).
GROUP_CEILINGS = {RING_LEVEL: 1.0, 1: matching.ISCO_CLOSENESS[1], 0: matching.ISCO_CLOSENESS[0]}


def _fact(row: tuple[Any, ...]) -> matching.OfferFacts:
    """``offer_facts`` from plain values (``_FACT_FIELDS``), skills left out: ``_add_skills``
    adds them to the few offers the engine scores in full."""
    pk, uri, isco, languages, country, city, lat, lon, start = row[: len(_FACT_FIELDS)]
    return matching.OfferFacts(
        id=pk,
        occupation=uri,
        isco=isco,
        languages={k: int(v) for k, v in (languages or {}).items()},
        country=country,
        city=city,
        location=(lat, lon) if lat is not None and lon is not None else None,
        start_date=start,
    )


def _add_skills(offers: list[matching.OfferFacts]) -> list[matching.OfferFacts]:
    """The offers with their required and optional skills (one query)."""
    ids = [o.id for o in offers]
    if not ids:
        return []
    skills: dict[int, tuple[set[str], set[str]]] = {i: (set(), set()) for i in ids}
    through_r = JobOffer.required_skills.through.objects.filter(joboffer_id__in=ids)
    through_o = JobOffer.optional_skills.through.objects.filter(joboffer_id__in=ids)
    rows = through_r.values_list("joboffer_id", "skill__uri", Value(0)).union(
        through_o.values_list("joboffer_id", "skill__uri", Value(1)), all=True
    )
    for offer_id, uri, kind in rows:
        skills[offer_id][kind].add(uri)
    return [
        replace(
            o,
            required_skills=frozenset(skills[o.id][0]),
            optional_skills=frozenset(skills[o.id][1]),
        )
        for o in offers
    ]


def _closeness_levels(facts: matching.ProfileFacts) -> dict[int, int]:
    """Occupation id -> how many leading ISCO digits (1-4) it shares with the closest of the
    profile's occupations (wanted or held). Occupations not listed share none."""
    iscos = {*facts.wanted.values(), *facts.held.values()}
    majors = sorted({isco[:1] for isco in iscos if isco})
    if not majors:
        return {}
    condition = Q()
    for major in majors:
        condition |= Q(isco__code__startswith=major)
    by_isco: dict[str, int] = {}
    levels = {}
    for pk, isco in Occupation.objects.filter(condition).values_list("id", "isco_id"):
        level = by_isco.get(isco)
        if level is None:
            level = by_isco[isco] = max(min(matching.common_prefix(isco, o), 4) for o in iscos)
        levels[pk] = level
    return levels


def _best_among(
    facts: matching.ProfileFacts, candidates: QuerySet[JobOffer, Any], limit: int, min_score: int
) -> list[matching.Match]:
    """``matching.best_offers`` over every candidate, reading only what the result needs.

    The same matches as building full facts for the newest ``MATCH_CANDIDATES`` candidates
    and scoring them all. The candidates are read as (id, occupation) and put in groups by
    how close their occupation is to the profile's (``_closeness_levels``): the ISCO
    sub-major group or closer, the major group, the rest. The groups are read closest
    first; before the next one the engine ranks those read so far, and the rest stay unread
    once the list is full of scores that no offer of the next group can reach
    (``matching.score_ceiling``). The engine asks for skills (``complete``) only for the
    offers it scores in full.
    """
    completed: dict[int, matching.OfferFacts] = {}

    def complete(offers: list[matching.OfferFacts]) -> list[matching.OfferFacts]:
        completed.update(
            (o.id, o) for o in _add_skills([o for o in offers if o.id not in completed])
        )
        return [completed[o.id] for o in offers]

    levels = _closeness_levels(facts)
    groups: dict[int, list[int]] = {RING_LEVEL: [], 1: [], 0: []}
    for pk, occupation_id in candidates.values_list("id", "occupation_id")[:MATCH_CANDIDATES]:
        groups[min(levels.get(occupation_id, 0), RING_LEVEL)].append(pk)
    pool: list[matching.OfferFacts] = []
    best: list[matching.Match] = []
    for level, ids in groups.items():
        if not ids:
            continue
        most = matching.score_ceiling(GROUP_CEILINGS[level])
        if len(best) == limit and matching.cannot_reach(most, best[-1].score):
            break
        pool += [
            _fact(row) for row in JobOffer.objects.filter(pk__in=ids).values_list(*_FACT_FIELDS)
        ]
        best = matching.best_offers(facts, pool, limit, min_score, complete=complete)
    return best


@dataclass
class OfferMatch:
    offer: JobOffer
    match: matching.Match
    proposed: bool


def offers_for_client(
    *, user: Any, client_id: int, country: str = "", limit: int = 20, min_score: int = 30
) -> tuple[JobSeekerProfile | None, list[OfferMatch]]:
    """The best open offers for a client's profile, with reasons.

    Among the newest ``MATCH_CANDIDATES`` open offers in scope; ``_best_among`` reads only
    the part of them the ranking needs (bench/jobs.py checks it against scoring them all).
    """
    client = access_client(user, client_id, resource=Resource.JOB_PROFILE)
    experiences = Prefetch("experiences", Experience.objects.select_related("occupation"))
    profile = (
        JobSeekerProfile.objects.filter(client=client)
        .prefetch_related("occupations_wanted", "skills", experiences)
        .first()
    )
    if profile is None:
        return None, []
    facts = profile_facts(profile)
    qs = _open_offers()
    if country:
        qs = qs.filter(country_id=country)
    elif not profile.willing_to_move:
        qs = qs.filter(country_id=profile.country_id)
    candidates = qs.order_by("-published_at", "-id")
    best = _best_among(facts, candidates, limit, min_score)
    proposed = set(
        Application.objects.filter(
            client=client, offer_id__in=[m.offer_id for m in best]
        ).values_list("offer_id", flat=True)
    )
    picked = JobOffer.objects.select_related("employer", "occupation", "country").in_bulk(
        [m.offer_id for m in best]
    )
    # An offer deleted since it was scored is left out.
    return profile, [
        OfferMatch(picked[m.offer_id], m, m.offer_id in proposed)
        for m in best
        if m.offer_id in picked
    ]


@dataclass
class CandidateMatch:
    client: Client
    profile: JobSeekerProfile
    match: matching.Match
    consent: bool


def candidates_for_offer(
    *, user: Any, offer: JobOffer, limit: int = 20, min_score: int = 30
) -> list[CandidateMatch]:
    """Job-seekers the user may see, ranked for one offer (for counsellors proposing it)."""
    clients = clients_visible_to(user, resource=Resource.JOB_PROFILE)
    profiles = list(
        JobSeekerProfile.objects.filter(client__in=clients)
        .select_related("client")
        .prefetch_related("occupations_wanted", "skills", "experiences__occupation")[:5000]
    )
    facts = offer_facts(offer)
    best = matching.best_candidates(
        facts, [profile_facts(p) for p in profiles], limit=limit, min_score=min_score
    )
    by_id = {p.pk: p for p in profiles}
    consenting = set(
        consenting_clients()
        .filter(client_id__in=[by_id[m.profile_id].client_id for m in best])
        .values_list("client_id", flat=True)
    )
    return [
        CandidateMatch(
            by_id[m.profile_id].client,
            by_id[m.profile_id],
            m,
            by_id[m.profile_id].client_id in consenting,
        )
        for m in best
    ]


def applications_for_offer(*, user: Any, offer: JobOffer) -> QuerySet[Application]:
    return (
        applications_visible_to(user)
        .filter(offer=offer)
        .select_related("client", "client__job_profile")
        .order_by("-proposed_at")
    )


def applications_for_client(*, user: Any, client: Client) -> QuerySet[Application]:
    return (
        applications_visible_to(user)
        .filter(client=client)
        .select_related("offer", "offer__employer")
        .order_by("-proposed_at")
    )


def retention_checks_due(*, user: Any, on: dt.date | None = None) -> QuerySet[Application]:
    day = on or timezone.localdate()
    return (
        applications_visible_to(user)
        .filter(status="hired", retained__isnull=True, retention_due__lte=day)
        .select_related("client", "offer")
    )
