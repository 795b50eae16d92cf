"""The case status machine: which changes are allowed (pure data, no database)."""

from __future__ import annotations

from perspektive.cases.models import CaseStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTAKE: frozenset({S.ASSESSMENT, S.CLOSED}),
    S.ASSESSMENT: frozenset({S.PLANNING, S.INTAKE, S.CLOSED}),
    S.PLANNING: frozenset({S.IMPLEMENTATION, S.ASSESSMENT, S.CLOSED}),
    S.IMPLEMENTATION: frozenset({S.FOLLOW_UP, S.PLANNING, S.CLOSED}),
    S.FOLLOW_UP: frozenset({S.IMPLEMENTATION, S.CLOSED}),
    S.CLOSED: frozenset({S.ASSESSMENT}),  # reopening starts with a fresh assessment
}

# Changes that need a written reason.
NEEDS_REASON = frozenset({(s, S.CLOSED) for s in S if s != S.CLOSED} | {(S.CLOSED, S.ASSESSMENT)})


def allowed_next(status: str) -> list[str]:
    order = list(S)
    return sorted(TRANSITIONS[status], key=lambda s: order.index(S(s)))


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
