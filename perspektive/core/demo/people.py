"""Generating plausible demo clients per partner country (deterministic for a seed)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from perspektive.core.demo import names as N


@dataclass
class Person:
    name: str
    name_latin: str
    sex: str
    languages: list[str]


def _pick_script(
    rng: random.Random,
    given: tuple[str, list[str]],
    family: tuple[str, list[str]],
    native_share: float,
) -> tuple[str, str]:
    latin = f"{rng.choice(given[1])} {rng.choice(family[1])}"
    if rng.random() < native_share:
        return f"{given[0]} {family[0]}", latin
    return latin, ""


def person_for(country: str, rng: random.Random) -> Person:
    female = rng.random() < 0.42
    sex = "female" if female else "male"
    if country in {"IQ", "EG", "MA", "TN"}:
        if country == "IQ" and rng.random() < 0.35:
            name, latin = _pick_script(
                rng, rng.choice(N.KURDISH_GIVEN), rng.choice(N.KURDISH_FAMILY), 0.6
            )
            return Person(name, latin, sex, ["ckb", "ar"])
        if country in {"MA", "TN"} and rng.random() < 0.5:
            given = rng.choice(N.MAGHREB_GIVEN_F_LATIN if female else N.MAGHREB_GIVEN_M_LATIN)
            return Person(f"{given} {rng.choice(N.MAGHREB_FAMILY_LATIN)}", "", sex, ["ar", "fr"])
        given_pool = N.ARABIC_GIVEN_F if female else N.ARABIC_GIVEN_M
        name, latin = _pick_script(rng, rng.choice(given_pool), rng.choice(N.ARABIC_FAMILY), 0.55)
        return Person(name, latin, sex, ["ar"] + (["fr"] if country in {"MA", "TN"} else []))
    if country == "AF":
        given_pool = N.DARI_GIVEN_F if female else N.DARI_GIVEN_M
        name, latin = _pick_script(rng, rng.choice(given_pool), rng.choice(N.DARI_FAMILY), 0.6)
        return Person(name, latin, sex, [rng.choice(["fa", "ps"])])
    if country == "PK":
        given_pool = N.URDU_GIVEN_F if female else N.URDU_GIVEN_M
        name, latin = _pick_script(rng, rng.choice(given_pool), rng.choice(N.URDU_FAMILY), 0.4)
        return Person(name, latin, sex, ["ur", "en"] if rng.random() < 0.5 else ["ur", "pa"])
    if country in {"AL", "XK"}:
        given = rng.choice(N.ALBANIAN_GIVEN_F if female else N.ALBANIAN_GIVEN_M)
        return Person(f"{given} {rng.choice(N.ALBANIAN_FAMILY)}", "", sex, ["sq"])
    if country == "RS":
        first, last = rng.choice(N.SERBIAN), rng.choice(N.SERBIAN_FAMILY)
        if rng.random() < 0.5:
            return Person(f"{first[0]} {last[0]}", f"{first[1]} {last[1]}", sex, ["sr"])
        return Person(f"{first[1]} {last[1]}", "", sex, ["sr"])
    if country in {"SN", "GM"}:
        given = rng.choice(N.WEST_AFRICA_GIVEN_F if female else N.WEST_AFRICA_GIVEN_M)
        langs = ["fr", "wo"] if country == "SN" else ["en", "wo"]
        return Person(f"{given} {rng.choice(N.WEST_AFRICA_FAMILY)}", "", sex, langs)
    if country == "GH":
        given = rng.choice(N.GHANA_GIVEN_F if female else N.GHANA_GIVEN_M)
        return Person(f"{given} {rng.choice(N.GHANA_FAMILY)}", "", sex, ["en", "tw"])
    if country == "NG":
        given = rng.choice(N.NIGERIA_GIVEN_F if female else N.NIGERIA_GIVEN_M)
        return Person(
            f"{given} {rng.choice(N.NIGERIA_FAMILY)}",
            "",
            sex,
            ["en", rng.choice(["ha", "yo", "ig"])],
        )
    raise ValueError(country)
