"""Appointments in a case's timeline (perspektive.cases.selectors.case_timeline)."""

from __future__ import annotations

from typing import Any

from perspektive.cases.selectors import TimelineEntry


def entries_for_case(case: Any) -> list[TimelineEntry]:
    from perspektive.appointments.models import Appointment

    return [
        TimelineEntry(a.starts_at, "appointment", a, "appointments/_timeline_entry.html")
        for a in Appointment.objects.filter(case=case)
    ]
