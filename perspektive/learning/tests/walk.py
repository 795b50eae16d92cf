"""This app's part of the outsider walk (perspektive/core/tests/test_outsider_walk.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Objects = dict[str, Any]

# url name -> (kwargs from the objects, POST body or None for GET only)
ROUTES: dict[str, tuple[Callable[[Objects], dict[str, Any]], Callable[[Objects], Any] | None]] = {}
PUBLIC_WRITES: set[str] = set()  # writes an outsider may make (touching nothing of centre A)
PUBLIC_PAGES: set[str] = set()  # pages anyone may open without logging in
API_METHODS: dict[str, str] = {}  # API writes that are not POST


def objects(o: Objects) -> Objects:
    """Centre A's objects of this app, given the walk's shared objects."""
    return {}


def markers(o: Objects) -> list[str]:
    """Strings of centre A's objects that no outsider may see."""
    return []


def snapshot(o: Objects) -> tuple[Any, ...]:
    """What of centre A's must not change."""
    return ()
