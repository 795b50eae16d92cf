"""Name keys for finding people whatever the script or spelling.

A counsellor types "Mohamed"; the record says "Muhammad" or "محمد". We reduce every name
token to a consonant skeleton over a common Latin form:

1. transliterate to ASCII (anyascii), lower-case, split into tokens;
2. fold spellings of the same sound (kh->k, q->k, ph->f, z->s, d->t, ...); a few
   ambiguous digraphs give two keys (th -> t or s: "Othman"/"Osman");
3. drop vowels and the half-vowels y, w after the first letter, and a final h
   ("Fatimah" = "Fatima" = "فاطمة"); an initial vowel becomes "a" ("Omar" = "عمر");
4. collapse doubled letters ("Mohammed" = "Mohamed").

The Arabic article (al-, el-, ال) is dropped, and adjacent tokens are also keyed joined
("عبد الله" = "Abdullah"). The functions are pure: no database, no settings.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from anyascii import anyascii

_ARABIC_ALIFS = "اأإآٱ"
_ARABIC_INITIAL_VOWEL = _ARABIC_ALIFS + "ع"
_TOKEN_SPLIT = re.compile(r"[^0-9a-z`']+")
_ARTICLES = {"al", "el", "ul", "ol"}

# Ordered: longer patterns first. Each maps to one or more alternatives.
_FOLDS: list[tuple[str, tuple[str, ...]]] = [
    ("tch", ("s",)),
    ("sch", ("s",)),
    ("kh", ("k",)),
    ("gh", ("j",)),
    ("sh", ("s",)),
    ("ch", ("s",)),
    ("zh", ("j",)),
    ("dj", ("j", "t")),  # Serbian đ: "Đorđević" is also written "Djordjevic"
    ("dzh", ("j",)),
    ("th", ("t", "s")),
    ("dh", ("t", "s")),
    ("ph", ("f",)),
    ("ck", ("k",)),
    ("ou", ("u",)),
    ("ee", ("i",)),
    ("q", ("k",)),
    ("c", ("k",)),
    ("g", ("j",)),
    ("x", ("ks",)),
    ("z", ("s",)),
    ("d", ("t",)),
    ("v", ("f",)),
    ("p", ("b",)),
]
_FOLDS.sort(key=lambda item: -len(item[0]))
_VOWELS = set("aeiouyw`'")
MAX_VARIANTS = 4


def latin(name: str) -> str:
    """The searchable Latin form of a name in any script ("محمد" -> "mhmd")."""
    return " ".join(anyascii(unicodedata.normalize("NFC", name)).lower().split())


def _raw_tokens(name: str) -> list[str]:
    """Latin tokens of a name; Arabic-script articles dropped, initial alif/ain kept as 'a'."""
    out: list[str] = []
    for word in unicodedata.normalize("NFC", name).split():
        if word[:1] and "\u0600" <= word[0] <= "\u06ff":
            if len(word) > 3 and word[0] in _ARABIC_ALIFS and word[1] == "ل":
                word = word[2:]
            prefix = "a" if word[0] in _ARABIC_INITIAL_VOWEL else ""
            out.extend(t for t in _TOKEN_SPLIT.split(prefix + anyascii(word).lower()) if t)
        else:
            out.extend(t for t in _TOKEN_SPLIT.split(anyascii(word).lower()) if t)
    return out


def _fold(token: str) -> list[str]:
    """Spellings of one token with sound-alike letters folded (at most MAX_VARIANTS)."""
    variants = [""]
    i = 0
    while i < len(token):
        for pattern, alternatives in _FOLDS:
            if token.startswith(pattern, i):
                variants = [v + alt for v in variants for alt in alternatives][:MAX_VARIANTS]
                i += len(pattern)
                break
        else:
            variants = [v + token[i] for v in variants]
            i += 1
    return variants


def _skeleton(folded: str) -> str:
    if not folded:
        return ""
    first = folded[0]
    head = "a" if first in "aeiou`'" else first
    body = [c for c in folded[1:] if c not in _VOWELS]
    if body and body[-1] == "h":
        body.pop()
    out = [head]
    for c in body:
        if c != out[-1]:
            out.append(c)
    return "".join(out)


def token_keys(token: str) -> set[str]:
    return {k for k in (_skeleton(v) for v in _fold(token)) if k}


def name_keys(name: str) -> list[str]:
    """All keys a record is found by: each token's keys and each adjacent pair's joined keys."""
    tokens = [t for t in _raw_tokens(name) if t not in _ARTICLES]
    keys: set[str] = set()
    for token in tokens:
        keys |= token_keys(token)
        if len(token) >= 5 and token[:2] in _ARTICLES:
            keys |= token_keys(token[2:])
    for left, right in pairwise(tokens):
        keys |= token_keys(left + right)
    return sorted(keys)


def query_keys(query: str) -> list[set[str]]:
    """For each token of a search query, the keys any of which must match (AND over tokens).

    A token also matches through its join with a neighbour, so "عبد الله" finds "Abdullah"."""
    tokens = [t for t in _raw_tokens(query) if t not in _ARTICLES and not t.isdigit()]
    out = []
    for i, token in enumerate(tokens):
        keys = token_keys(token)
        if len(token) >= 5 and token[:2] in _ARTICLES:
            keys |= token_keys(token[2:])
        if i > 0:
            keys |= token_keys(tokens[i - 1] + token)
        if i + 1 < len(tokens):
            keys |= token_keys(token + tokens[i + 1])
        if keys:
            out.append(keys)
    return out


def _devowel(token: str) -> str:
    return token[:1] + "".join(c for c in token[1:] if c not in "aeiou")


# Particles written joined, hyphenated or apart ("Al-Jubouri", "Al Jubouri", "Aljubouri").
_PARTICLES = frozenset(
    {"al", "el", "ul", "abu", "abou", "bin", "ben", "ibn", "bint", "ould", "abd", "abdel", "abdul"}
)


def _scorer_tokens(name: str) -> list[str]:
    """Latin tokens with hyphens and apostrophes as spaces; in Arabic script the article is
    attached to the word ("الجبوري" -> "aljbwry"), as it often is in Latin too."""
    return re.sub(r"[-'`]+", " ", latin(name)).split()


def _joined(tokens: list[str]) -> list[str]:
    """The tokens with each particle joined to the word after it."""
    out: list[str] = []
    skip = False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        if token in _PARTICLES and i + 1 < len(tokens):
            out.append(token + tokens[i + 1])
            skip = True
        else:
            out.append(token)
    return out


class NameScorer:
    """How alike names are to one query (0-100), for ranking matches of the keys.

    For each query token, the best name token by the mean of plain similarity and similarity
    without vowels (so "mohamed" is nearer "mhmd" than "mahmoud" is). Particles count the
    same written apart, hyphenated or joined: the query is scored split and joined, against
    the name's split and joined tokens, and the better reading counts. The query side is
    prepared once, then many names are scored."""

    def __init__(self, query: str) -> None:
        from rapidfuzz.fuzz import ratio

        self._ratio = ratio
        split = _scorer_tokens(query)
        joined = _joined(split)
        self._readings = [[(q, _devowel(q)) for q in split]]
        if joined != split:
            self._readings.append([(q, _devowel(q)) for q in joined])

    def __call__(self, name: str) -> float:
        split = _scorer_tokens(name)
        forms = set(split) | set(_joined(split))
        tokens = [(n, _devowel(n)) for n in forms]
        if not self._readings[0] or not tokens:
            return 0.0
        ratio = self._ratio
        best = 0.0
        for reading in self._readings:
            total = 0.0
            for q, qd in reading:
                total += max((ratio(q, n) + ratio(qd, nd)) / 2 for n, nd in tokens)
            best = max(best, total / len(reading))
        return best


def name_similarity(query: str, name: str) -> float:
    return NameScorer(query)(name)
