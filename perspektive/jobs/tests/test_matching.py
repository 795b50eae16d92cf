"""The matching engine on plain data, without the database: each part of the score, the
weights, the reasons, the ranking, and properties that must hold for any offer and profile."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perspektive.jobs import matching
from perspektive.jobs.matching import (
    WEIGHTS,
    Match,
    OfferFacts,
    ProfileFacts,
    Reason,
    best_candidates,
    best_offers,
    distance_km,
    score,
)
from perspektive.jobs.places import locate

WIRE = "esco:metal-drawing-machine-operator"  # ISCO 8121
ERBIL = locate("IQ", "Erbil")
DUHOK = locate("IQ", "Duhok")
BERLIN = locate("DE", "Berlin")
MUNICH = locate("DE", "Munich")
START = dt.date(2026, 9, 1)

OFFER = OfferFacts(id=1, occupation=WIRE, isco="8121", country="IQ", city="Erbil")
PROFILE = ProfileFacts(id=1, country="IQ", city="Erbil")


def offer(**changes: object) -> OfferFacts:
    return replace(OFFER, **changes)


def profile(**changes: object) -> ProfileFacts:
    return replace(PROFILE, **changes)


def codes(match: Match) -> list[str]:
    return [r.code for r in match.reasons]


def reason(match: Match, code: str) -> Reason:
    found = [r for r in match.reasons if r.code == code]
    assert found, f"no {code} in {codes(match)}"
    return found[0]


# Occupation -------------------------------------------------------------------------------

# From the closest to the farthest: (what the profile wants, expected reason, ISCO prefix).
CLOSENESS = [
    ({WIRE: "8121"}, "same_occupation", "8121"),
    ({"esco:wire-drawing-supervisor": "8121"}, "same_unit_group", "8121"),
    ({"esco:metal-finisher": "8122"}, "same_minor_group", "812"),
    ({"esco:glass-maker": "8131"}, "same_sub_major_group", "81"),
    ({"esco:crane-operator": "8343"}, "same_major_group", "8"),
    ({"esco:software-developer": "2512"}, "other_occupation", None),
]


def test_occupation_closeness_falls_from_same_occupation_to_unrelated() -> None:
    matches = [score(OFFER, profile(wanted=wanted)) for wanted, _code, _isco in CLOSENESS]
    values = [m.parts["occupation"] for m in matches]
    assert values == sorted(values, reverse=True)
    assert len(set(values)) == len(values), f"two levels score the same: {values}"
    assert values[0] == 1.0
    assert values[-1] == 0.0
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)


@pytest.mark.parametrize(("wanted", "code", "isco"), CLOSENESS, ids=[c[1] for c in CLOSENESS])
def test_occupation_reason_names_the_level_and_the_shared_isco_group(
    wanted: dict[str, str], code: str, isco: str | None
) -> None:
    match = score(OFFER, profile(wanted=wanted))
    first = match.reasons[0] if code != "other_occupation" else reason(match, code)
    assert first.code == code
    assert first.positive is (code != "other_occupation")
    if isco is not None:
        assert first.params["isco"] == isco
        assert first.params["source"] == "wanted"


@pytest.mark.parametrize(("wanted", "code", "isco"), CLOSENESS, ids=[c[1] for c in CLOSENESS])
def test_experience_in_an_occupation_counts_nine_tenths_of_wanting_it(
    wanted: dict[str, str], code: str, isco: str | None
) -> None:
    as_wanted = score(OFFER, profile(wanted=wanted)).parts["occupation"]
    as_held = score(OFFER, profile(held=wanted))
    assert as_held.parts["occupation"] == pytest.approx(0.9 * as_wanted)
    if isco is not None:
        assert reason(as_held, code).params["source"] == "held"


def test_the_closest_of_several_occupations_counts_held_or_wanted() -> None:
    both = profile(
        wanted={"esco:crane-operator": "8343", "esco:metal-finisher": "8122"},
        held={WIRE: "8121"},
    )
    match = score(OFFER, both)
    assert match.parts["occupation"] == pytest.approx(0.9)  # held exact beats wanted minor
    assert match.reasons[0] == Reason("same_occupation", True, {"isco": "8121", "source": "held"})


def test_a_profile_without_occupations_gets_no_occupation_points() -> None:
    match = score(OFFER, PROFILE)
    assert match.parts["occupation"] == 0.0
    assert "other_occupation" in codes(match)


# Skills -----------------------------------------------------------------------------------


def test_skills_without_requirements_count_fully() -> None:
    match = score(offer(optional_skills=frozenset({"s1"})), PROFILE)
    assert match.parts["skills"] == 1.0
    assert not {"has_required_skills", "missing_skills"} & set(codes(match))


def test_skills_coverage_is_the_share_of_required_skills_held() -> None:
    job = offer(required_skills=frozenset({"s1", "s2", "s3", "s4"}))
    match = score(job, profile(skills=frozenset({"s1", "s2", "other"})))
    assert match.parts["skills"] == pytest.approx(0.5)
    assert reason(match, "has_required_skills").params == {"n": 2, "of": 4}
    assert reason(match, "missing_skills").params == {"n": 2}
    assert reason(match, "missing_skills").positive is False


def test_no_required_skill_held_gives_no_skill_points_and_no_positive_reason() -> None:
    match = score(offer(required_skills=frozenset({"s1", "s2"})), PROFILE)
    assert match.parts["skills"] == 0.0
    assert "has_required_skills" not in codes(match)
    assert reason(match, "missing_skills").params == {"n": 2}


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        ({"s1", "s2"}, 0.5),
        ({"s1", "s2", "o1"}, 0.625),
        ({"s1", "s2", "o1", "o2"}, 0.75),
        ({"s1", "s2", "s3", "s4", "o1", "o2"}, 1.0),  # the bonus never passes full marks
    ],
    ids=["no-optional", "half-optional", "all-optional", "capped"],
)
def test_optional_skills_add_a_bonus_of_a_quarter(held: set[str], expected: float) -> None:
    job = offer(
        required_skills=frozenset({"s1", "s2", "s3", "s4"}),
        optional_skills=frozenset({"o1", "o2"}),
    )
    assert score(job, profile(skills=frozenset(held))).parts["skills"] == pytest.approx(expected)


# Languages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spoken", "value", "code"),
    [
        ({"ar": 4}, 1.0, "speaks"),
        ({"ar": 3}, 1.0, "speaks"),
        ({"ar": 2}, 0.5, "speaks_some"),
        ({"ar": 1}, 0.0, "lacks_language"),
        ({"en": 4}, 0.0, "lacks_language"),
    ],
    ids=["above", "met", "one-below", "two-below", "missing"],
)
def test_languages_level_met_one_below_or_missing(
    spoken: dict[str, int], value: float, code: str
) -> None:
    match = score(offer(languages={"ar": 3}), profile(languages=spoken))
    assert match.parts["languages"] == value
    assert reason(match, code).params == {"language": "ar"}
    assert reason(match, code).positive is (code == "speaks")


def test_languages_average_over_the_languages_asked() -> None:
    match = score(offer(languages={"ar": 3, "en": 2, "de": 1}), profile(languages={"ar": 3}))
    assert match.parts["languages"] == pytest.approx(1 / 3)
    assert codes(match).count("lacks_language") == 2


def test_an_offer_asking_no_language_counts_fully() -> None:
    match = score(OFFER, PROFILE)
    assert match.parts["languages"] == 1.0
    assert not {"speaks", "speaks_some", "lacks_language"} & set(codes(match))


# Location ---------------------------------------------------------------------------------


def test_haversine_distance_of_known_city_pairs() -> None:
    assert ERBIL and DUHOK and BERLIN and MUNICH
    # Great-circle distances (the road from Erbil to Duhok is longer, about 140 km).
    assert distance_km(ERBIL, DUHOK) == pytest.approx(118, abs=3)
    assert distance_km(BERLIN, MUNICH) == pytest.approx(504, abs=5)
    assert distance_km(ERBIL, DUHOK) == pytest.approx(distance_km(DUHOK, ERBIL))
    assert distance_km(ERBIL, ERBIL) == 0.0


def test_same_city_counts_fully_whatever_the_case_of_the_name() -> None:
    match = score(offer(location=ERBIL), profile(city="erbil"))
    assert match.parts["location"] == 1.0
    assert reason(match, "same_city").params == {"city": "Erbil"}


def test_a_city_within_reach_counts_less_the_farther_it_is() -> None:
    job = offer(location=ERBIL)
    near = score(job, profile(city="Duhok", location=DUHOK, max_distance_km=200))
    km = distance_km(ERBIL, DUHOK)
    assert near.parts["location"] == pytest.approx(1 - 0.5 * km / 200)
    assert reason(near, "distance").params == {"km": round(km)}
    farther_reach = score(job, profile(city="Duhok", location=DUHOK, max_distance_km=1000))
    assert farther_reach.parts["location"] > near.parts["location"]


def test_beyond_the_travel_distance_only_moving_helps() -> None:
    job = offer(location=ERBIL)
    stays = score(job, profile(city="Duhok", location=DUHOK, max_distance_km=30))
    moves = score(
        job, profile(city="Duhok", location=DUHOK, max_distance_km=30, willing_to_move=True)
    )
    assert stays.parts["location"] == pytest.approx(0.1)
    assert reason(stays, "too_far").positive is False
    assert moves.parts["location"] == pytest.approx(0.5)
    assert reason(moves, "distance_willing").params == {"km": round(distance_km(ERBIL, DUHOK))}


def test_same_country_without_coordinates_counts_half() -> None:
    match = score(offer(city="Zakho"), profile(city="Duhok", location=DUHOK))
    assert match.parts["location"] == 0.5
    assert reason(match, "same_country").params == {"country": "IQ"}


def test_another_country_counts_only_for_someone_willing_to_move() -> None:
    job = offer(country="DE", city="Berlin", location=BERLIN)
    stays = score(job, PROFILE)
    moves = score(job, profile(willing_to_move=True))
    assert stays.parts["location"] == 0.0
    assert reason(stays, "other_country").params == {"country": "DE"}
    assert moves.parts["location"] == pytest.approx(0.3)
    assert reason(moves, "other_country_willing").params == {"country": "DE"}


# Availability -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "available", "value", "code"),
    [
        (None, START, 1.0, None),
        (START, None, 1.0, None),
        (START, START - dt.timedelta(days=30), 1.0, "available"),
        (START, START, 1.0, "available"),
        (START, START + dt.timedelta(days=1), 89 / 90, "available_later"),
        (START, START + dt.timedelta(days=45), 0.5, "available_later"),
        (START, START + dt.timedelta(days=90), 0.0, "available_later"),
        (START, START + dt.timedelta(days=400), 0.0, "available_later"),
    ],
    ids=[
        "no-start",
        "no-availability",
        "before",
        "on-the-day",
        "a-day",
        "45-days",
        "90-days",
        "a-year",
    ],
)
def test_availability_before_the_start_or_up_to_90_days_later(
    start: dt.date | None, available: dt.date | None, value: float, code: str | None
) -> None:
    match = score(offer(start_date=start), profile(available_from=available))
    assert match.parts["availability"] == pytest.approx(value)
    availability_codes = {"available", "available_later"} & set(codes(match))
    assert availability_codes == ({code} if code else set())
    if code == "available_later":
        assert start and available
        assert reason(match, code).params == {"days": (available - start).days}


# The score --------------------------------------------------------------------------------


def test_weights_cover_every_part_and_sum_to_100() -> None:
    assert set(WEIGHTS) == set(matching.PARTS)
    assert sum(WEIGHTS.values()) == 100
    assert WEIGHTS["occupation"] == max(WEIGHTS.values())


def test_a_perfect_match_scores_100_and_a_hopeless_one_0() -> None:
    job = offer(
        required_skills=frozenset({"s1"}),
        languages={"ar": 3},
        location=ERBIL,
        start_date=START,
    )
    perfect = profile(
        wanted={WIRE: "8121"}, skills=frozenset({"s1"}), languages={"ar": 4}, available_from=START
    )
    hopeless = ProfileFacts(
        id=2,
        wanted={"esco:software-developer": "2512"},
        country="SN",
        city="Dakar",
        available_from=START + dt.timedelta(days=365),
    )
    assert score(job, perfect).score == 100
    assert all(r.positive for r in score(job, perfect).reasons)
    assert score(job, hopeless).score == 0
    assert not any(r.positive for r in score(job, hopeless).reasons)


def test_the_score_is_the_weighted_sum_of_the_parts() -> None:
    job = offer(required_skills=frozenset({"s1", "s2"}), languages={"ar": 3}, start_date=START)
    seeker = profile(
        wanted={"esco:wire-drawing-supervisor": "8121"},  # same unit group: 0.8
        skills=frozenset({"s1"}),  # half the skills: 0.5
        languages={"ar": 2},  # one level below: 0.5
        city="Zakho",  # same country, no coordinates: 0.5
        available_from=START,  # available: 1.0
    )
    match = score(job, seeker)
    assert match.parts == {
        "occupation": pytest.approx(0.8),
        "skills": pytest.approx(0.5),
        "languages": pytest.approx(0.5),
        "location": pytest.approx(0.5),
        "availability": pytest.approx(1.0),
    }
    assert match.score == round(45 * 0.8 + 20 * 0.5 + 15 * 0.5 + 15 * 0.5 + 5 * 1.0)  # 66
    assert (match.offer_id, match.profile_id) == (1, 1)


def test_reasons_list_the_good_news_first() -> None:
    job = offer(required_skills=frozenset({"s1", "s2"}), languages={"ar": 3, "en": 3})
    match = score(
        job, profile(wanted={WIRE: "8121"}, skills=frozenset({"s1"}), languages={"ar": 3})
    )
    signs = [r.positive for r in match.reasons]
    assert signs == sorted(signs, reverse=True)
    assert True in signs and False in signs


# Every reason the engine can give ---------------------------------------------------------


def engine_reason_codes() -> set[str]:
    """The reason codes written in the engine's source, so a new one cannot go unworded."""
    source = inspect.getsource(matching)
    return (
        set(re.findall(r'Reason\(\s*"([a-z_]+)"', source))
        | set(matching._CLOSENESS_CODE.values())
        | {"same_occupation"}
    )


def reasons_of_every_kind() -> list[Reason]:
    """Offer/profile pairs that together make the engine give each of its reasons."""
    far = START + dt.timedelta(days=30)
    pairs = [(OFFER, profile(wanted=wanted)) for wanted, _code, _isco in CLOSENESS]
    pairs += [
        (OFFER, profile(held={WIRE: "8121"})),
        (
            offer(required_skills=frozenset({"s1", "s2"}), languages={"ar": 3, "en": 2, "de": 1}),
            profile(skills=frozenset({"s1"}), languages={"ar": 3, "en": 1}),
        ),
        (offer(location=ERBIL), profile(city="Duhok", location=DUHOK, max_distance_km=200)),
        (offer(location=ERBIL), profile(city="Duhok", location=DUHOK)),
        (
            offer(location=ERBIL),
            profile(city="Duhok", location=DUHOK, willing_to_move=True),
        ),
        (offer(city="Zakho"), PROFILE),
        (offer(country="DE", city="Berlin"), PROFILE),
        (offer(country="DE", city="Berlin"), profile(willing_to_move=True)),
        (offer(start_date=START), profile(available_from=START)),
        (offer(start_date=START), profile(available_from=far)),
    ]
    return [r for job, seeker in pairs for r in score(job, seeker).reasons]


def test_the_scenarios_make_the_engine_give_every_reason_it_knows() -> None:
    given_codes = {r.code for r in reasons_of_every_kind()}
    assert given_codes == engine_reason_codes()
    assert len(given_codes) == 20


# Ranking ----------------------------------------------------------------------------------


def _ranked_offers() -> list[OfferFacts]:
    """Offers whose scores tie in pairs, listed out of id order."""
    far = offer(country="DE", city="Berlin")
    return [
        replace(far, id=7, isco="2512", occupation="x"),  # lowest
        replace(OFFER, id=5),
        replace(OFFER, id=3),  # ties with 5: lower id first
        replace(OFFER, id=9, isco="8122", occupation="y"),
        replace(OFFER, id=4, isco="8122", occupation="z"),  # ties with 9
    ]


def test_best_offers_rank_by_score_then_by_lower_id() -> None:
    seeker = profile(wanted={WIRE: "8121"})
    ranked = best_offers(seeker, _ranked_offers(), min_score=0)
    assert [m.offer_id for m in ranked] == [3, 5, 4, 9, 7]
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)


def test_best_offers_keep_the_limit_and_the_minimum_score() -> None:
    seeker = profile(wanted={WIRE: "8121"})
    assert [m.offer_id for m in best_offers(seeker, _ranked_offers(), limit=2)] == [3, 5]
    lowest = min(score(o, seeker).score for o in _ranked_offers())
    above = best_offers(seeker, _ranked_offers(), min_score=lowest + 1)
    assert 7 not in [m.offer_id for m in above]
    assert len(above) == 4
    assert best_offers(seeker, [], limit=5) == []


def test_best_candidates_rank_by_score_then_by_lower_profile_id() -> None:
    exact = profile(wanted={WIRE: "8121"})
    related = profile(wanted={"esco:metal-finisher": "8122"})
    profiles = [
        replace(related, id=8),
        replace(exact, id=6),
        replace(PROFILE, id=1, country="SN", city="Dakar"),
        replace(exact, id=2),
        replace(related, id=4),
    ]
    ranked = best_candidates(OFFER, profiles, limit=4, min_score=0)
    assert [m.profile_id for m in ranked] == [2, 6, 4, 8]
    assert all(m.offer_id == OFFER.id for m in ranked)


# Properties -------------------------------------------------------------------------------

URIS = st.sampled_from([WIRE, "esco:a", "esco:b", "esco:c"])
ISCO = st.text(alphabet="812", min_size=4, max_size=4)
SKILLS = st.frozensets(st.sampled_from(["s1", "s2", "s3", "s4", "s5"]), max_size=5)
LANGUAGES = st.dictionaries(st.sampled_from(["ar", "en", "de", "ku"]), st.integers(1, 4))
COUNTRY = st.sampled_from(["IQ", "DE"])
CITY = st.sampled_from(["", "Erbil", "erbil", "Duhok"])
POINT = st.none() | st.tuples(
    st.floats(-80, 80, allow_nan=False), st.floats(-180, 180, allow_nan=False)
)
DAY = st.none() | st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))

offers = st.builds(
    OfferFacts,
    id=st.integers(1, 10_000),
    occupation=URIS,
    isco=ISCO,
    required_skills=SKILLS,
    optional_skills=SKILLS,
    languages=LANGUAGES,
    country=COUNTRY,
    city=CITY,
    location=POINT,
    start_date=DAY,
)
profiles = st.builds(
    ProfileFacts,
    id=st.integers(1, 10_000),
    wanted=st.dictionaries(URIS, ISCO, max_size=3),
    held=st.dictionaries(URIS, ISCO, max_size=3),
    skills=SKILLS,
    languages=LANGUAGES,
    country=COUNTRY,
    city=CITY,
    location=POINT,
    willing_to_move=st.booleans(),
    max_distance_km=st.integers(0, 2000),
    available_from=DAY,
)


@given(offers, profiles)
def test_score_and_parts_stay_within_bounds(job: OfferFacts, seeker: ProfileFacts) -> None:
    match = score(job, seeker)
    assert 0 <= match.score <= 100
    assert all(0.0 <= v <= 1.0 for v in match.parts.values()), match.parts
    assert match.score == round(sum(WEIGHTS[k] * v for k, v in match.parts.items()))


@given(offers, profiles, st.sampled_from(["s1", "s2", "s3", "s4", "s5", "new"]))
def test_requiring_a_skill_the_profile_has_never_lowers_the_score(
    job: OfferFacts, seeker: ProfileFacts, skill: str
) -> None:
    seeker = replace(seeker, skills=seeker.skills | {skill})
    stricter = replace(job, required_skills=job.required_skills | {skill})
    assert score(stricter, seeker).score >= score(job, seeker).score
    assert score(stricter, seeker).parts["skills"] >= score(job, seeker).parts["skills"]


@given(offers, profiles)
def test_wanting_exactly_the_offers_occupation_scores_at_least_as_well(
    job: OfferFacts, seeker: ProfileFacts
) -> None:
    exact = replace(seeker, wanted={job.occupation: job.isco})
    assert score(job, exact).score >= score(job, seeker).score
    assert score(job, exact).parts["occupation"] == 1.0


@given(profiles, st.lists(offers, max_size=12, unique_by=lambda o: o.id), st.integers(1, 5))
def test_best_offers_are_the_top_of_a_brute_force_ranking(
    seeker: ProfileFacts, jobs: list[OfferFacts], limit: int
) -> None:
    everything = sorted((score(o, seeker) for o in jobs), key=lambda m: (-m.score, m.offer_id))
    expected = [m for m in everything if m.score >= 1][:limit]
    assert best_offers(seeker, jobs, limit=limit) == expected
