"""Chat languages: a centre answers in its country's languages (``Country.languages``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import get_language_info

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def label(code: str) -> str:
    """A language in its own name, then in the interface language: a visitor finds their
    language whichever language the page is in."""
    name = str(LANGUAGE_NAMES.get(code, code))
    try:
        own = str(get_language_info(code)["name_local"])
    except KeyError:
        return name
    return own if own == name else f"{own} ({name})"


def languages_of(centres: Iterable[Any]) -> list[str]:
    codes: list[str] = []
    for centre in centres:
        codes += [c for c in centre.country.languages if c not in codes and c in LANGUAGE_NAMES]
    return codes


def choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    return [(code, label(code)) for code in codes if code in LANGUAGE_NAMES]
