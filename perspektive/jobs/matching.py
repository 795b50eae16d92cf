"""The matching engine: how well a job offer fits a job-seeker, with reasons in words.

Pure functions over plain data (no database, no settings), so they are unit-tested directly
and can score many pairs quickly. Each component gives a value in [0, 1]; the score is their
weighted sum on a 0-100 scale. Reasons carry a code and parameters; the interface words them
(``reason_text``) in the user's language.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

WEIGHTS: Mapping[str, float] = {
    "occupation": 45.0,
    "skills": 20.0,
    "languages": 15.0,
    "location": 15.0,
    "availability": 5.0,
}
# Closeness of two ISCO-08 codes by the length of their common prefix.
ISCO_CLOSENESS = {4: 0.8, 3: 0.6, 2: 0.35, 1: 0.15, 0: 0.0}
HELD_FACTOR = 0.9  # experience in an occupation counts almost as much as wanting it
LATE_DAYS = 90  # available this many days after the start: no availability points


@dataclass(frozen=True)
class OfferFacts:
    id: int
    occupation: str  # ESCO occupation URI
    isco: str  # ISCO-08 unit group, 4 digits
    required_skills: frozenset[str] = frozenset()
    optional_skills: frozenset[str] = frozenset()
    languages: Mapping[str, int] = field(default_factory=dict)  # code -> minimum level 1-4
    country: str = ""
    city: str = ""
    location: tuple[float, float] | None = None
    start_date: dt.date | None = None


@dataclass(frozen=True)
class ProfileFacts:
    id: int
    wanted: Mapping[str, str] = field(default_factory=dict)  # occupation URI -> ISCO unit
    held: Mapping[str, str] = field(default_factory=dict)  # from experience, incl. abroad
    skills: frozenset[str] = frozenset()
    languages: Mapping[str, int] = field(default_factory=dict)  # code -> level 1-4
    country: str = ""
    city: str = ""
    location: tuple[float, float] | None = None
    willing_to_move: bool = False
    max_distance_km: int = 30
    available_from: dt.date | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    positive: bool
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    offer_id: int
    profile_id: int
    score: int
    parts: Mapping[str, float]
    reasons: tuple[Reason, ...]


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


_CLOSENESS_CODE = {
    4: "same_unit_group",
    3: "same_minor_group",
    2: "same_sub_major_group",
    1: "same_major_group",
}


def occupation_part(offer: OfferFacts, profile: ProfileFacts) -> tuple[float, list[Reason]]:
    best, reason = 0.0, None
    for source, occupations, factor in (
        ("wanted", profile.wanted, 1.0),
        ("held", profile.held, HELD_FACTOR),
    ):
        for uri, isco in occupations.items():
            if uri == offer.occupation:
                value, code, digits = factor, "same_occupation", 4
            else:
                digits = min(common_prefix(isco, offer.isco), 4)
                value, code = factor * ISCO_CLOSENESS[digits], _CLOSENESS_CODE.get(digits, "")
            if value > best:
                best = value
                reason = Reason(code, True, {"isco": offer.isco[:digits], "source": source})
    if reason is None:
        return 0.0, [Reason("other_occupation", False, {})]
    return best, [reason]


def skills_part(offer: OfferFacts, profile: ProfileFacts) -> tuple[float, list[Reason]]:
    reasons: list[Reason] = []
    if offer.required_skills:
        have = offer.required_skills & profile.skills
        value = len(have) / len(offer.required_skills)
        missing = len(offer.required_skills) - len(have)
        if have:
            reasons.append(
                Reason(
                    "has_required_skills", True, {"n": len(have), "of": len(offer.required_skills)}
                )
            )
        if missing:
            reasons.append(Reason("missing_skills", False, {"n": missing}))
    else:
        value = 1.0
    if offer.optional_skills:
        extra = len(offer.optional_skills & profile.skills) / len(offer.optional_skills)
        value = min(1.0, value + 0.25 * extra)
    return value, reasons


def languages_part(offer: OfferFacts, profile: ProfileFacts) -> tuple[float, list[Reason]]:
    if not offer.languages:
        return 1.0, []
    total, reasons = 0.0, []
    for code, needed in offer.languages.items():
        level = profile.languages.get(code, 0)
        if level >= needed:
            total += 1.0
            reasons.append(Reason("speaks", True, {"language": code}))
        elif level > 0 and needed - level == 1:
            total += 0.5
            reasons.append(Reason("speaks_some", False, {"language": code}))
        else:
            reasons.append(Reason("lacks_language", False, {"language": code}))
    return total / len(offer.languages), reasons


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def location_part(offer: OfferFacts, profile: ProfileFacts) -> tuple[float, list[Reason]]:
    if offer.country != profile.country:
        if profile.willing_to_move:
            return 0.3, [Reason("other_country_willing", False, {"country": offer.country})]
        return 0.0, [Reason("other_country", False, {"country": offer.country})]
    if offer.city and profile.city and offer.city.casefold() == profile.city.casefold():
        return 1.0, [Reason("same_city", True, {"city": offer.city})]
    if offer.location and profile.location:
        km = distance_km(offer.location, profile.location)
        limit = max(profile.max_distance_km, 1)
        if km <= limit:
            return 1.0 - 0.5 * km / limit, [Reason("distance", True, {"km": round(km)})]
        if profile.willing_to_move:
            return 0.5, [Reason("distance_willing", True, {"km": round(km)})]
        return 0.1, [Reason("too_far", False, {"km": round(km)})]
    return 0.5, [Reason("same_country", True, {"country": offer.country})]


def availability_part(offer: OfferFacts, profile: ProfileFacts) -> tuple[float, list[Reason]]:
    if not offer.start_date or not profile.available_from:
        return 1.0, []
    late = (profile.available_from - offer.start_date).days
    if late <= 0:
        return 1.0, [Reason("available", True, {})]
    return max(0.0, 1.0 - late / LATE_DAYS), [Reason("available_later", False, {"days": late})]


PARTS = {
    "occupation": occupation_part,
    "skills": skills_part,
    "languages": languages_part,
    "location": location_part,
    "availability": availability_part,
}


def score(offer: OfferFacts, profile: ProfileFacts) -> Match:
    parts: dict[str, float] = {}
    reasons: list[Reason] = []
    total = 0.0
    for name, part in PARTS.items():
        value, why = part(offer, profile)
        parts[name] = value
        total += WEIGHTS[name] * value
        reasons.extend(why)
    reasons.sort(key=lambda r: not r.positive)
    return Match(offer.id, profile.id, round(total), parts, tuple(reasons))


# Bounds are compared with this margin: a sum of the same terms in another order may differ
# from ``score``'s by a few units in the last place, never by this much.
_EPSILON = 1e-9
COMPLETE_BATCH = 128  # offers completed by the first ``complete`` call; doubles per call


def cannot_reach(bound: float, score: int) -> bool:
    """Whether an offer whose weighted total is at most ``bound`` scores below ``score``
    (``x < k - 0.5`` rounds to at most ``k - 1``)."""
    return bound < score - 0.5 - _EPSILON


def score_ceiling(occupation: float) -> float:
    """The highest weighted total of an offer whose occupation part is at most
    ``occupation``: every other part at its maximum of 1."""
    rest = sum(w for name, w in WEIGHTS.items() if name != "occupation")
    return WEIGHTS["occupation"] * occupation + rest


def _upper_bounds(profile: ProfileFacts, offers: list[OfferFacts]) -> list[float]:
    """For each offer, a total its score cannot exceed: the occupation, language, location
    and availability parts exactly, the skills part at its maximum. Those four parts read
    only a few facts of the offer (its occupation, languages, place, start date), which
    repeat a lot, so each is computed once per distinct value, by the part itself."""
    occupation: dict[tuple[str, str], float] = {}
    languages: dict[tuple[tuple[str, int], ...], float] = {}
    location: dict[tuple[str, str, tuple[float, float] | None], float] = {}
    availability: dict[dt.date | None, float] = {}
    w_occupation, w_skills, w_languages, w_location, w_availability = (
        WEIGHTS["occupation"],
        WEIGHTS["skills"],
        WEIGHTS["languages"],
        WEIGHTS["location"],
        WEIGHTS["availability"],
    )
    bounds = []
    for o in offers:
        k1 = (o.occupation, o.isco)
        occ = occupation.get(k1)
        if occ is None:
            occ = occupation[k1] = occupation_part(o, profile)[0]
        k2 = tuple(o.languages.items())
        lang = languages.get(k2)
        if lang is None:
            lang = languages[k2] = languages_part(o, profile)[0]
        k3 = (o.country, o.city, o.location)
        loc = location.get(k3)
        if loc is None:
            loc = location[k3] = location_part(o, profile)[0]
        avail = availability.get(o.start_date)
        if avail is None:
            avail = availability[o.start_date] = availability_part(o, profile)[0]
        bounds.append(
            w_occupation * occ
            + w_skills
            + w_languages * lang
            + w_location * loc
            + w_availability * avail
        )
    return bounds


def best_offers(
    profile: ProfileFacts,
    offers: Iterable[OfferFacts],
    limit: int = 20,
    min_score: int = 1,
    complete: Callable[[list[OfferFacts]], list[OfferFacts]] | None = None,
) -> list[Match]:
    """The ``limit`` best offers for one profile, best first (ties: lower id first).

    The same result as scoring every offer, with fewer offers scored: each offer gets an
    upper bound (``_upper_bounds``), offers are scored from the highest bound down, and
    the rest are left out once the next bound cannot reach the ``limit``-th best score so
    far (nor ``min_score``).

    ``complete`` is for callers that load an offer's skills only when it is scored: the
    offers may then come without skills (the bound does not read them), and ``complete``
    is called with those about to be scored, returning them with every fact, in order.
    """
    if limit <= 0:
        return []
    offers = list(offers)
    bounds = _upper_bounds(profile, offers)
    order = sorted(range(len(offers)), key=bounds.__getitem__, reverse=True)
    batch = COMPLETE_BATCH if complete is not None else 1
    best: list[int] = []  # min-heap of the ``limit`` best scores so far (>= min_score)
    scored: dict[int, Match] = {}  # position in ``offers`` -> match
    i = 0
    while i < len(order):
        floor = best[0] if len(best) >= limit else min_score
        chunk: list[int] = []
        while i < len(order) and len(chunk) < batch and not cannot_reach(bounds[order[i]], floor):
            chunk.append(order[i])
            i += 1
        if not chunk:
            break
        facts = [offers[j] for j in chunk]
        if complete is not None:
            facts = complete(facts)
            batch *= 2
        for j, offer in zip(chunk, facts, strict=True):
            match = scored[j] = score(offer, profile)
            if match.score < min_score:
                continue
            if len(best) < limit:
                heapq.heappush(best, match.score)
            elif match.score > best[0]:
                heapq.heapreplace(best, match.score)
    # In input order, as the full ranking would meet them (equal keys keep that order).
    kept = (scored[j] for j in sorted(scored) if scored[j].score >= min_score)
    return heapq.nsmallest(limit, kept, key=lambda m: (-m.score, m.offer_id))


def best_candidates(
    offer: OfferFacts, profiles: Iterable[ProfileFacts], limit: int = 20, min_score: int = 1
) -> list[Match]:
    scored = (score(offer, p) for p in profiles)
    return heapq.nsmallest(
        limit, (m for m in scored if m.score >= min_score), key=lambda m: (-m.score, m.profile_id)
    )
