"""A synthetic client population for the search benchmark, deterministic for a seed.

Names come from two sources, mixed per record:

* the head: the project's demo generator (``perspektive.core.demo.people.person_for``) with
  its pools of common names ("Mohamed", "Fatima", "Diallo"), in native script and the Latin
  spellings counsellors meet; common names are very common, as in the real caseload;
* the tail: family names (and some given names) built from sounds and rendered *together*
  in native script and in several Latin spellings (Arabic-script names for the Arab world,
  Afghanistan and Pakistan; Serbian Cyrillic/Latin; Albanian; West African French/English
  orthographies), drawn with a Zipf distribution, so most family names are rare.

``planted_persons`` makes the labelled sample for recall: people registered several times
under different spellings or scripts, whose records the search must bring together.
Nothing here touches the database; the functions are run in worker processes.
"""

# ruff: noqa: RUF001 (Arabic and Cyrillic letters are the point here)
from __future__ import annotations

import bisect
import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate

from perspektive.core.demo import names as N
from perspektive.core.demo.people import person_for
from perspektive.core.names import latin

# Bump when the generated data change in a way the fingerprint would not notice.
DATA_VERSION = 4

# (slug, display name, country, share of clients). 13 centres and 2 German return offices.
ORGANISATIONS: list[tuple[str, str, str, float]] = [
    ("bench-kabul", "Bench centre Kabul", "AF", 0.09),
    ("bench-cairo", "Bench centre Cairo", "EG", 0.08),
    ("bench-tirana", "Bench centre Tirana", "AL", 0.06),
    ("bench-banjul", "Bench centre Banjul", "GM", 0.05),
    ("bench-accra", "Bench centre Accra", "GH", 0.05),
    ("bench-erbil", "Bench centre Erbil", "IQ", 0.09),
    ("bench-pristina", "Bench centre Pristina", "XK", 0.05),
    ("bench-casablanca", "Bench centre Casablanca", "MA", 0.06),
    ("bench-lagos", "Bench centre Lagos", "NG", 0.07),
    ("bench-islamabad", "Bench centre Islamabad", "PK", 0.07),
    ("bench-dakar", "Bench centre Dakar", "SN", 0.05),
    ("bench-belgrade", "Bench centre Belgrade", "RS", 0.05),
    ("bench-tunis", "Bench centre Tunis", "TN", 0.05),
    ("bench-bochum", "Bench return office Bochum", "DE", 0.09),
    ("bench-berlin", "Bench return office Berlin", "DE", 0.09),
]
# Nationalities of clients registered in Germany.
GERMAN_OFFICE_NATIONALITIES = (
    ["IQ"] * 4 + ["AF"] * 4 + ["PK", "RS", "AL", "XK", "NG", "GM"]
) * 2 + [
    "EG",
    "MA",
    "TN",
    "SN",
    "GH",
]
HEAD_SHARE = 0.6  # share of records taken from the project's demo generator
NATIVE_SHARE = {"IQ": 0.55, "EG": 0.55, "MA": 0.3, "TN": 0.3, "AF": 0.6, "PK": 0.4, "RS": 0.5}
CASE_STATUSES = ["intake", "assessment", "planning", "implementation", "follow_up", "closed"]
TARGET_GROUPS = ["returnee_germany", "returnee_germany", "returnee_third_country", "local", "idp"]

# --- Atoms: one sound, its native spelling and its Latin spellings (first = most usual) ---

Atom = tuple[str, tuple[str, ...]]

AR_CONSONANTS: list[Atom] = [
    ("ب", ("b",)),
    ("ت", ("t",)),
    ("ث", ("th", "s")),
    ("ج", ("j", "dj", "g")),
    ("ح", ("h",)),
    ("خ", ("kh",)),
    ("د", ("d",)),
    ("ذ", ("dh", "z")),
    ("ر", ("r",)),
    ("ز", ("z",)),
    ("س", ("s",)),
    ("ش", ("sh", "ch")),
    ("ص", ("s",)),
    ("ض", ("d", "dh")),
    ("ط", ("t",)),
    ("ع", ("'", "")),
    ("غ", ("gh",)),
    ("ف", ("f",)),
    ("ق", ("q", "k")),
    ("ك", ("k",)),
    ("ل", ("l",)),
    ("م", ("m",)),
    ("ن", ("n",)),
    ("ه", ("h",)),
    ("و", ("w",)),
    ("ي", ("y",)),
]
# Letters frequent in names come up more often.
AR_WEIGHTS = [3, 2, 1, 2, 3, 2, 3, 1, 4, 2, 4, 2, 1, 1, 1, 2, 1, 2, 2, 3, 3, 5, 4, 1, 1, 1]
SHORT_VOWELS: dict[str, tuple[str, ...]] = {"a": ("a", "e"), "i": ("i", "e"), "u": ("u", "o", "ou")}
LONG_VOWELS: dict[str, Atom] = {
    "a": ("ا", ("a", "aa")),
    "i": ("ي", ("i", "ee", "ei")),
    "u": ("و", ("ou", "u", "oo")),
}
NISBA: Atom = ("ي", ("i", "y", "ee"))
ARTICLES = ("Al-", "El-", "Al ", "Al", "El ")
PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})

SR_ONSETS = [
    "b",
    "v",
    "g",
    "d",
    "đ",
    "ž",
    "z",
    "j",
    "k",
    "l",
    "lj",
    "m",
    "n",
    "nj",
    "p",
    "r",
    "s",
    "t",
    "ć",
    "č",
    "š",
    "dž",
    "h",
    "c",
    "st",
    "dr",
    "br",
    "kr",
    "gr",
    "sl",
]
SR_SUFFIXES = ["ović", "ević", "ić", "vić", "ski", "in"]
SR_CYRILLIC = {
    "lj": "љ",
    "nj": "њ",
    "dž": "џ",
    **dict(zip("abvgdđežzijklmnoprstćufhcčš", "абвгдђежзијклмнопрстћуфхцчш", strict=True)),
}
# Ways Serbian Latin is written without diacritics: stripped, or spelled out.
SR_ASCII = [
    {"č": "c", "ć": "c", "š": "s", "ž": "z", "đ": "dj", "dž": "dz"},
    {"č": "ch", "ć": "ch", "š": "sh", "ž": "zh", "đ": "dj", "dž": "dj"},
    {"č": "c", "ć": "c", "š": "s", "ž": "z", "đ": "d", "dž": "dz"},
]
SQ_ONSETS = [
    "b",
    "d",
    "dh",
    "f",
    "g",
    "gj",
    "h",
    "j",
    "k",
    "l",
    "ll",
    "m",
    "n",
    "nj",
    "p",
    "q",
    "r",
    "rr",
    "s",
    "sh",
    "t",
    "th",
    "v",
    "x",
    "xh",
    "z",
    "zh",
    "ç",
]
SQ_VOWELS = ["a", "e", "i", "o", "u", "ë"]
SQ_SUFFIXES = ["aj", "i", "a", "ku", "ri", "ja", "ollari", "ëri"]
# West African names: (French orthography, English orthography) per piece.
WA_PIECES = [
    ("ou", "u"),
    ("dia", "ja"),
    ("dio", "jo"),
    ("ch", "sh"),
    ("c", "k"),
    ("é", "ay"),
    ("y", "y"),
    ("b", "b"),
    ("d", "d"),
    ("f", "f"),
    ("g", "g"),
    ("k", "k"),
    ("l", "l"),
    ("m", "m"),
    ("n", "n"),
    ("nd", "nd"),
    ("mb", "mb"),
    ("s", "s"),
    ("t", "t"),
    ("w", "w"),
    ("a", "a"),
    ("e", "e"),
    ("i", "i"),
    ("o", "o"),
]
WA_CONS = [p for p in WA_PIECES if p[0][0] not in "aeiou"]
WA_VOW = [p for p in WA_PIECES if p[0][0] in "aeiou"]


@dataclass
class Lemma:
    """A name as sounds: spelt natively and in any of its Latin spellings."""

    atoms: list[Atom]
    article: bool = False
    script: str = "arabic"  # arabic, persian, serbian, albanian, west_african
    native_override: str | None = None
    spellings: list[str] = field(default_factory=list)  # fixed Latin spellings, if given

    def native(self) -> str | None:
        if self.native_override is not None:
            return self.native_override
        if self.script in ("albanian", "west_african"):
            return None
        text = "".join(a[0] for a in self.atoms)
        if self.script == "persian":
            text = text.translate(PERSIAN_LETTERS)
        if self.article:
            text = "ال" + text
        return text

    def spell(self, rng: random.Random, variant: int | None = None) -> str:
        """One Latin spelling; ``variant`` fixes the choice (0: the usual one)."""
        if self.spellings:
            i = variant if variant is not None else _pick_index(rng, len(self.spellings))
            return self.spellings[i % len(self.spellings)]
        out = []
        for _native, latins in self.atoms:
            if variant is None:
                out.append(latins[_pick_index(rng, len(latins))])
            else:
                out.append(latins[variant % len(latins)])
        word = "".join(out).lstrip("'")
        word = word[:1].upper() + word[1:]
        if self.article:
            prefix = ARTICLES[
                _pick_index(rng, len(ARTICLES)) if variant is None else variant % len(ARTICLES)
            ]
            word = prefix + (word if prefix.endswith((" ", "-")) else word.lower())
        return word


def _pick_index(rng: random.Random, n: int) -> int:
    """0 most of the time: the usual spelling dominates."""
    if n == 1 or rng.random() < 0.6:
        return 0
    return rng.randrange(n)


def _arabic_lemma(rng: random.Random, script: str = "arabic") -> Lemma:
    cons = rng.choices(AR_CONSONANTS, weights=AR_WEIGHTS, k=4)
    if cons[0][0] == "ع":
        cons[0] = ("ع", ("",))  # an initial ain is just the vowel in Latin: Omar, Abbas
    sv = [(None, SHORT_VOWELS[v]) for v in rng.choices("aiu", weights=[5, 3, 2], k=2)]
    lv = LONG_VOWELS[rng.choice("aiu")]
    pattern = rng.randrange(4)
    atoms: list[Atom]
    if pattern == 0:  # CaCiiC: Karim, Hamid
        atoms = [cons[0], ("", sv[0][1]), cons[1], lv, cons[2]]
    elif pattern == 1:  # CaaCiC: Khaled, Tarek
        atoms = [cons[0], lv, cons[1], ("", sv[0][1]), cons[2]]
    elif pattern == 2:  # CaCCuuC: Mahmoud, Mansour
        atoms = [cons[0], ("", sv[0][1]), cons[1], cons[2], lv, cons[3]]
    else:  # CaCaC: Hasan
        atoms = [cons[0], ("", sv[0][1]), cons[1], ("", sv[1][1]), cons[2]]
    if rng.random() < (0.5 if script == "persian" else 0.3):
        atoms.append(NISBA)
    article = script == "arabic" and rng.random() < 0.3
    return Lemma(atoms, article=article, script=script)


def _serbian_lemma(rng: random.Random) -> Lemma:
    word = "".join(rng.choice(SR_ONSETS) + rng.choice("aeiou") for _ in range(rng.choice((1, 2))))
    word += rng.choice(SR_SUFFIXES)
    word = word[:1].upper() + word[1:]
    return Lemma([], script="serbian", native_override=_cyrillic(word), spellings=[word])


def _cyrillic(word: str) -> str:
    out, i = [], 0
    while i < len(word):
        two = word[i : i + 2].lower()
        if two in ("lj", "nj", "dž"):
            cyr = SR_CYRILLIC[two]
            i += 2
        else:
            cyr = SR_CYRILLIC.get(word[i].lower(), word[i])
            i += 1
        out.append(cyr.upper() if not out and word[0].isupper() else cyr)
    return "".join(out)


def serbian_ascii(word: str, style: int) -> str:
    table = SR_ASCII[style % len(SR_ASCII)]
    for src in ("dž", "Dž"):
        word = word.replace(src, table["dž"] if src[0] == "d" else table["dž"].capitalize())
    out = []
    for ch in word:
        low = ch.lower()
        if low in table:
            rep = table[low]
            out.append(rep.capitalize() if ch.isupper() else rep)
        else:
            out.append(ch)
    return "".join(out)


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _albanian_lemma(rng: random.Random) -> Lemma:
    word = "".join(rng.choice(SQ_ONSETS) + rng.choice(SQ_VOWELS) for _ in range(rng.choice((1, 2))))
    word = (word + rng.choice(SQ_SUFFIXES)).replace("ëë", "ë")
    word = word[:1].upper() + word[1:]
    return Lemma([], script="albanian", spellings=[word, strip_diacritics(word)])


def _west_african_lemma(rng: random.Random) -> Lemma:
    pieces: list[tuple[str, str]] = []
    for _ in range(rng.choice((1, 2, 2, 3))):
        pieces.append(rng.choice(WA_CONS))
        pieces.append(rng.choice(WA_VOW))
    french = "".join(p[0] for p in pieces)
    english = "".join(p[1] for p in pieces)
    french, english = french.capitalize(), english.capitalize()
    return Lemma([], script="west_african", spellings=[french, english])


TAIL_GROUP = {
    "IQ": "arabic",
    "EG": "arabic",
    "MA": "arabic",
    "TN": "arabic",
    "AF": "persian",
    "PK": "persian",
    "RS": "serbian",
    "AL": "albanian",
    "XK": "albanian",
    "SN": "west_african",
    "GM": "west_african",
    "GH": "west_african",
    "NG": "west_african",
}
_LEMMA_MAKERS = {
    "arabic": _arabic_lemma,
    "persian": lambda rng: _arabic_lemma(rng, "persian"),
    "serbian": _serbian_lemma,
    "albanian": _albanian_lemma,
    "west_african": _west_african_lemma,
}
TAIL_SIZE = 20_000  # distinct family names per group


class Tails:
    """Per group: TAIL_SIZE family names with Zipf weights (name k has weight 1/(k+10))."""

    def __init__(self, seed: int) -> None:
        self.names: dict[str, list[Lemma]] = {}
        for i, (group, make) in enumerate(_LEMMA_MAKERS.items()):
            rng = random.Random(seed * 7919 + i)
            self.names[group] = [make(rng) for _ in range(TAIL_SIZE)]
        self.cum = list(accumulate(1.0 / (k + 10) for k in range(TAIL_SIZE)))

    def family(self, group: str, rng: random.Random) -> Lemma:
        k = bisect.bisect_left(self.cum, rng.random() * self.cum[-1])
        return self.names[group][min(k, TAIL_SIZE - 1)]


def given_pool(country: str, female: bool) -> list[tuple[str | None, list[str]]]:
    """Given names for a country as (native or None, Latin spellings)."""
    if country in ("IQ", "EG", "MA", "TN"):
        return N.ARABIC_GIVEN_F if female else N.ARABIC_GIVEN_M  # type: ignore[return-value]
    if country == "AF":
        return N.DARI_GIVEN_F if female else N.DARI_GIVEN_M  # type: ignore[return-value]
    if country == "PK":
        return N.URDU_GIVEN_F if female else N.URDU_GIVEN_M  # type: ignore[return-value]
    if country == "RS":
        return [(cyr, [lat, strip_diacritics(lat)]) for cyr, lat in N.SERBIAN]
    if country in ("AL", "XK"):
        pool = N.ALBANIAN_GIVEN_F if female else N.ALBANIAN_GIVEN_M
        return [(None, [g, strip_diacritics(g)]) for g in pool]
    if country in ("SN", "GM"):
        pool = N.WEST_AFRICA_GIVEN_F if female else N.WEST_AFRICA_GIVEN_M
        return [(None, [g, strip_diacritics(g)]) for g in pool]
    if country == "GH":
        return [(None, [g]) for g in (N.GHANA_GIVEN_F if female else N.GHANA_GIVEN_M)]
    return [(None, [g]) for g in (N.NIGERIA_GIVEN_F if female else N.NIGERIA_GIVEN_M)]


def _given_atoms(rng: random.Random, country: str, female: bool, tails: Tails) -> Lemma:
    group = TAIL_GROUP[country]
    if rng.random() < 0.25:  # a rarer given name
        return tails.family(group, rng)
    native, latins = rng.choice(given_pool(country, female))
    return Lemma([], script=group, native_override=native, spellings=list(latins))


@dataclass
class Row:
    name: str
    name_latin: str
    sex: str
    languages: list[str]
    nationality: str


def tail_person(country: str, rng: random.Random, tails: Tails) -> Row:
    female = rng.random() < 0.42
    group = TAIL_GROUP[country]
    given = _given_atoms(rng, country, female, tails)
    family = tails.family(group, rng)
    native_given, native_family = given.native(), family.native()
    langs = {"arabic": ["ar"], "persian": ["fa"], "serbian": ["sr"], "albanian": ["sq"]}.get(
        group, ["fr" if country in ("SN", "MA", "TN") else "en"]
    )
    sex = "female" if female else "male"
    spelt = f"{given.spell(rng)} {family.spell(rng)}"
    if native_given and native_family and rng.random() < NATIVE_SHARE.get(country, 0.0):
        name = f"{native_given} {native_family}"
        # Most native-script records also carry a Latin spelling typed by the counsellor.
        return Row(name, spelt if rng.random() < 0.7 else latin(name), sex, langs, country)
    return Row(spelt, latin(spelt), sex, langs, country)


def person_row(country: str, rng: random.Random, tails: Tails) -> Row:
    if rng.random() < HEAD_SHARE:
        p = person_for(country, rng)
        return Row(p.name, p.name_latin or latin(p.name), p.sex, p.languages, country)
    return tail_person(country, rng, tails)


def org_cum_weights() -> list[float]:
    return list(accumulate(share for *_rest, share in ORGANISATIONS))


def birth(rng: random.Random) -> tuple[dt.date | None, bool]:
    r = rng.random()
    if r < 0.03:
        return None, False
    year = rng.randint(1960, 2008)
    if r < 0.13:  # only the year is known
        return dt.date(year, 1, 1), True
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), False


# --- The labelled sample -------------------------------------------------------------------


@dataclass
class Planted:
    """One person registered several times; ``records`` are (name, name_latin, kind)."""

    category: str
    birth_date: dt.date
    records: list[tuple[str, str, str]]


# West African names in French (Senegal) and English (Gambia) orthography: the same people.
WA_GIVEN_VARIANTS = [
    ("Ousmane", "Usman", "Ousman"),
    ("Mamadou", "Mamadu", "Mamudu"),
    ("Ibrahima", "Ebrima", "Ibrahim"),
    ("Moussa", "Musa"),
    ("Abdoulaye", "Abdoulie", "Abdulai"),
    ("Lamine", "Lamin"),
    ("Cheikh", "Sheikh"),
    ("Modou", "Modu"),
    ("Fatoumata", "Fatoumatta", "Fatoumatou"),
    ("Aïssatou", "Isatou", "Aissatou"),
    ("Mariama", "Mariam"),
    ("Ndèye", "Ndey", "Ndeye"),
]
WA_FAMILY_VARIANTS = [
    ("Diallo", "Jallow", "Djallo"),
    ("Ndiaye", "Njie", "Njai"),
    ("Cissé", "Ceesay", "Sise"),
    ("Touré", "Touray", "Ture"),
    ("Diop", "Jobe", "Job"),
    ("Camara", "Kamara"),
    ("Gueye", "Gaye", "Gey"),
    ("Mbaye", "Mbye"),
    ("Sow", "Sowe"),
    ("Diatta", "Jatta"),
    ("Sanneh", "Sané", "Sane"),
    ("Dramé", "Drammeh", "Drame"),
]


def planted_persons(seed: int, count: int = 200) -> list[Planted]:
    """``count`` persons: 55% Arabic-script, 15% Serbian, 12.5% Albanian, the rest West
    African. Their family names are fresh (rare) except for the West Africans, whose
    names are common and who are therefore looked up with their date of birth."""
    rng = random.Random(seed * 31 + 5)
    out: list[Planted] = []
    n_ar, n_sr, n_sq = int(count * 0.55), int(count * 0.15), int(count * 0.125)
    n_wa = count - n_ar - n_sr - n_sq
    for i in range(n_ar):
        country = ["IQ", "EG", "AF", "PK", "TN"][i % 5]
        script = "persian" if country in ("AF", "PK") else "arabic"
        female = rng.random() < 0.45
        g_native, g_latins = rng.choice(given_pool(country, female))
        fam = _arabic_lemma(rng, script)
        native = f"{g_native} {fam.native()}"
        a = f"{g_latins[0]} {fam.spell(rng, 0)}"
        b = f"{g_latins[-1]} {fam.spell(rng, 1)}"
        recs = [
            (native, latin(native), "native script"),
            (a, latin(a), "Latin A"),
            (b, latin(b), "Latin B"),
        ]
        if rng.random() < 0.5:
            c = f"{rng.choice(g_latins)} {fam.spell(rng, 2)}"
            recs.append((native, c, "native + typed Latin"))
        out.append(Planted("arabic_script", _planted_birth(rng), recs))
    for _ in range(n_sr):
        first_cyr, first_lat = rng.choice(N.SERBIAN)
        fam = _serbian_lemma(rng)
        while not set(fam.spellings[0]) & set("čćšžđ"):
            fam = _serbian_lemma(rng)
        lat = fam.spellings[0]
        cyr = f"{first_cyr} {fam.native()}"
        dia = f"{first_lat} {lat}"
        recs = [(cyr, latin(cyr), "Cyrillic"), (dia, latin(dia), "Latin")]
        for style in rng.sample(range(len(SR_ASCII)), 2):
            plain = f"{strip_diacritics(first_lat)} {serbian_ascii(lat, style)}"
            recs.append((plain, latin(plain), f"ASCII {style}"))
        out.append(Planted("serbian", _planted_birth(rng), _distinct(recs)))
    for _ in range(n_sq):
        female = rng.random() < 0.45
        given = rng.choice(N.ALBANIAN_GIVEN_F if female else N.ALBANIAN_GIVEN_M)
        fam = _albanian_lemma(rng)
        while fam.spellings[0] == fam.spellings[1]:
            fam = _albanian_lemma(rng)
        dia = f"{given} {fam.spellings[0]}"
        plain = strip_diacritics(dia)
        recs = [(dia, latin(dia), "diacritics"), (plain, latin(plain), "ASCII")]
        out.append(Planted("albanian", _planted_birth(rng), recs))
    for _ in range(n_wa):
        given = rng.choice(WA_GIVEN_VARIANTS)
        family = rng.choice(WA_FAMILY_VARIANTS)
        recs = []
        for k, label in enumerate(("French", "English", "other")):
            if k < len(given) or k < len(family):
                text = f"{given[min(k, len(given) - 1)]} {family[min(k, len(family) - 1)]}"
                recs.append((text, latin(text), label))
        out.append(Planted("west_african", _planted_birth(rng), _distinct(recs)))
    return out


def _distinct(recs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for rec in recs:
        if rec[:2] not in seen:
            seen.add(rec[:2])
            out.append(rec)
    return out


def _planted_birth(rng: random.Random) -> dt.date:
    return dt.date(rng.randint(1965, 2005), rng.randint(1, 12), rng.randint(1, 28))
