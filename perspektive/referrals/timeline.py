"""This app's entries in a case's timeline (perspektive.cases.selectors.case_timeline):
"Handed over from <office>" in the centre's case that a handover's acceptance opened."""

from __future__ import annotations

from typing import Any

from perspektive.cases.selectors import TimelineEntry


def entries_for_case(case: Any) -> list[TimelineEntry]:
    from perspektive.referrals.models import Handover

    return [
        TimelineEntry(
            h.accepted_at or h.updated_at, "handover", h, "referrals/_timeline_entry.html"
        )
        for h in Handover.objects.filter(case=case).select_related("from_organisation")
    ]
