"""Helpers shared by the end-to-end tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PASSWORD = "correct-horse-battery"  # UserFactory's password
PHONE = {"width": 360, "height": 740}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot to test-artifacts/ when SCREENSHOTS=1 (CI does not)."""
    if os.environ.get("SCREENSHOTS") != "1":
        return
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def use_language(context: Any, url: str, language: str) -> None:
    """Choose the interface language: the cookie the header's language select sets."""
    context.add_cookies([{"name": "django_language", "value": language, "url": url}])


def scroll_width(page: Any) -> int:
    """The page's full width in CSS pixels: at most the viewport's without a scrollbar."""
    return page.evaluate("() => document.scrollingElement.scrollWidth")
