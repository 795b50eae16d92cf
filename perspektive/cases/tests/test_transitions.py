from __future__ import annotations

import itertools

import pytest

from perspektive.cases.models import CaseStatus
from perspektive.cases.transitions import NEEDS_REASON, TRANSITIONS, allowed_next, is_allowed

FORWARD = ["intake", "assessment", "planning", "implementation", "follow_up", "closed"]


def test_every_status_has_transitions() -> None:
    assert set(TRANSITIONS) == set(CaseStatus.values)


@pytest.mark.parametrize(("a", "b"), list(itertools.pairwise(FORWARD)))
def test_the_normal_path_is_allowed(a: str, b: str) -> None:
    assert is_allowed(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("intake", "implementation"),
        ("intake", "follow_up"),
        ("assessment", "follow_up"),
        ("closed", "implementation"),
        ("closed", "closed"),
        ("follow_up", "intake"),
        ("intake", "bogus"),
    ],
)
def test_skipping_ahead_or_unknown_is_refused(a: str, b: str) -> None:
    assert not is_allowed(a, b)


def test_any_open_case_can_close_and_a_closed_case_reopens_to_assessment() -> None:
    for status in CaseStatus.values:
        if status != "closed":
            assert is_allowed(status, "closed")
            assert (status, "closed") in NEEDS_REASON
    assert allowed_next("closed") == ["assessment"]
    assert ("closed", "assessment") in NEEDS_REASON
