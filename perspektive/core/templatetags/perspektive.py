"""Small display helpers for templates."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _language_labels() -> dict[str, str]:
    from perspektive.clients.forms import CLIENT_LANGUAGES

    return {code: str(label) for code, label in CLIENT_LANGUAGES}


@register.filter
def language_name(code: str) -> str:
    """A language code as its name in the active language ("ar" -> "Arabic")."""
    return _language_labels().get(code, code)


@register.filter
def language_names(codes: Iterable[str] | None) -> str:
    labels = _language_labels()
    # Translators: the separator between items of a list, e.g. "Arabic, German".
    return _(", ").join(labels.get(c, c) for c in codes or [])
