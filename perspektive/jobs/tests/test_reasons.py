"""Every reason the matching engine gives reads as words, in English and in Arabic."""

from __future__ import annotations

import pytest
from django.utils import translation

from perspektive.jobs.matching import Reason
from perspektive.jobs.reasons import reason_text
from perspektive.jobs.tests.test_matching import engine_reason_codes, reasons_of_every_kind


def _one_of_each() -> list[Reason]:
    seen: dict[str, Reason] = {}
    for r in reasons_of_every_kind():
        seen.setdefault(r.code, r)
    return sorted(seen.values(), key=lambda r: r.code)


EVERY_REASON = _one_of_each()


def test_the_reasons_cover_every_code_of_the_engine() -> None:
    assert {r.code for r in EVERY_REASON} == engine_reason_codes()


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("reason", EVERY_REASON, ids=[r.code for r in EVERY_REASON])
def test_every_reason_renders_as_words(reason: Reason, language: str) -> None:
    with translation.override(language):
        text = reason_text(reason)
    assert text.strip()
    assert text != reason.code
    assert "_" not in text  # no code such as other_country_willing shows through
    assert "%(" not in text and "{" not in text  # every placeholder was filled


def test_reasons_carry_their_numbers_and_names() -> None:
    with translation.override("en"):
        assert reason_text(Reason("distance", True, {"km": 118})) == "118 km away"
        assert reason_text(Reason("has_required_skills", True, {"n": 2, "of": 4})) == (
            "has 2 of 4 required skills"
        )
        assert reason_text(Reason("missing_skills", False, {"n": 1})) == "lacks 1 required skill"
        assert reason_text(Reason("missing_skills", False, {"n": 3})) == ("lacks 3 required skills")
        assert reason_text(Reason("speaks", True, {"language": "ar"})) == "speaks Arabic"
        assert "8121" in reason_text(
            Reason("same_unit_group", True, {"isco": "8121", "source": "wanted"})
        )
        assert reason_text(
            Reason("same_occupation", True, {"isco": "8121", "source": "wanted"})
        ) != reason_text(Reason("same_occupation", True, {"isco": "8121", "source": "held"}))


def test_language_names_follow_the_users_language() -> None:
    with translation.override("ar"):
        text = reason_text(Reason("speaks", True, {"language": "ar"}))
        other = reason_text(Reason("lacks_language", False, {"language": "ku"}))
    assert "العربية" in text
    assert "الكردية الكرمانجية" in other
