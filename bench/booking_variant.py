"""A variant of the slot listing, measured next to the real one by bench/booking.py.

Not used by the application. Two changes against ``perspektive.appointments``:

1. the engine (``slots.free_slots``) tests each candidate slot against *every* live booking
   of its counsellor in the span (``any(a < ends and starts < b for a, b in taken)``):
   slots x bookings per counsellor, which grows with the square of the span. Here each
   counsellor's bookings are sorted by start once, with the running maximum of their ends;
   a slot [s, e) overlaps one iff the bookings starting before e end, at the latest, after s:
   one ``bisect`` per slot. Same answer for any bookings, overlapping ones included.
2. the selector loads the bookings and days off of only the counsellors whose hours fit
   what is wanted (mode, topic, language), not of every counsellor of the centre;
3. its bookings query has a lower bound on ``starts_at`` too (one day before the span, which
   already starts a day early: no appointment lasts a day), so that PostgreSQL reads a
   range of the (counsellor, starts_at) index instead of every booking of the counsellors
   up to the end of the span, history included; and it drops the ORDER BY (the engine sorts).

Everything else (queries, time zones, days off, holidays, de-duplication) is copied from
``perspektive/appointments/slots.py`` and ``selectors.py``; bench/booking.py checks that
both give the same slots.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from perspektive.appointments.slots import ANYTHING, UTC, Slot, Wanted, Window, _dedupe, _local

Busy = tuple[list[dt.datetime], list[dt.datetime]]  # starts (sorted), running max of ends


def _index(spans: Sequence[tuple[dt.datetime, dt.datetime]]) -> Busy:
    ordered = sorted(spans)
    return [a for a, _b in ordered], list(accumulate((b for _a, b in ordered), max))


def free_slots(
    windows: Iterable[Window],
    *,
    tz: ZoneInfo,
    first_day: dt.date,
    last_day: dt.date,
    not_before: dt.datetime,
    holidays: set[dt.date] = frozenset(),  # type: ignore[assignment]
    time_off: Mapping[int, Sequence[tuple[dt.date, dt.date]]] | None = None,
    busy: Mapping[int, Sequence[tuple[dt.datetime, dt.datetime]]] | None = None,
    wanted: Wanted = ANYTHING,
) -> list[Slot]:
    """``slots.free_slots`` with a sorted index of each counsellor's bookings."""
    time_off = time_off or {}
    busy = busy or {}
    by_weekday: dict[int, list[Window]] = defaultdict(list)
    for window in windows:
        if wanted.fits(window):
            by_weekday[window.weekday].append(window)
    indexed = {c: _index(spans) for c, spans in busy.items()}
    out: list[Slot] = []
    day = first_day
    while day <= last_day:
        if day not in holidays:
            for window in by_weekday.get(day.weekday(), ()):
                if not window.applies_on(day):
                    continue
                if any(a <= day <= b for a, b in time_off.get(window.counsellor_id, ())):
                    continue
                out.extend(_window_slots(window, day, tz, not_before, indexed))
        day += dt.timedelta(days=1)
    out.sort(key=lambda s: (s.starts_at, s.counsellor_id))
    return _dedupe(out)


def _window_slots(
    window: Window,
    day: dt.date,
    tz: ZoneInfo,
    not_before: dt.datetime,
    busy: Mapping[int, Busy],
) -> Iterable[Slot]:
    step = dt.timedelta(minutes=window.slot_minutes)
    start_local = _local(day, window.start, tz)
    end_local = _local(day, window.end, tz)
    starts_of, max_end = busy.get(window.counsellor_id, ([], []))
    cursor = start_local
    while cursor + step <= end_local:
        starts = cursor.astimezone(UTC)
        ends = (cursor + step).astimezone(UTC)
        cursor += step
        if starts < not_before:
            continue
        before = bisect_left(starts_of, ends)  # bookings starting before this slot ends
        if before and max_end[before - 1] > starts:
            continue
        yield Slot(
            starts, ends, window.counsellor_id, window.modes, window.topics, window.languages
        )


def slots_for_centre(
    centre: Any,
    *,
    first_day: dt.date,
    last_day: dt.date,
    wanted: Wanted = ANYTHING,
    now: dt.datetime | None = None,
) -> list[Slot]:
    """``selectors.slots_for_centre`` with the changes (no ``exclude``: not measured)."""
    from django.conf import settings
    from django.utils import timezone

    from perspektive.appointments.models import Appointment, Holiday, TimeOff
    from perspektive.appointments.selectors import LIVE, centre_tz, centre_windows

    now = now or timezone.now()
    tz = centre_tz(centre)
    windows = [w for w in centre_windows(centre) if wanted.fits(w)]
    if not windows:
        return []
    counsellors = {w.counsellor_id for w in windows}
    span_start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz) - dt.timedelta(days=1)
    span_end = dt.datetime.combine(last_day, dt.time.max, tzinfo=tz) + dt.timedelta(days=1)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    taken = Appointment.objects.filter(
        counsellor_id__in=counsellors,
        status__in=LIVE,
        starts_at__gt=span_start - dt.timedelta(days=1),
        starts_at__lt=span_end,
        ends_at__gt=span_start,
    ).order_by()
    for counsellor_id, starts, ends in taken.values_list("counsellor_id", "starts_at", "ends_at"):
        busy[counsellor_id].append((starts, ends))
    time_off: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for counsellor_id, first, last in TimeOff.objects.filter(
        counsellor_id__in=counsellors, first_day__lte=last_day, last_day__gte=first_day
    ).values_list("counsellor_id", "first_day", "last_day"):
        time_off[counsellor_id].append((first, last))
    holidays = set(
        Holiday.objects.filter(centre=centre, day__range=(first_day, last_day)).values_list(
            "day", flat=True
        )
    )
    notice = dt.timedelta(minutes=settings.BOOKING_NOTICE_MINUTES)
    return free_slots(
        windows,
        tz=tz,
        first_day=first_day,
        last_day=last_day,
        not_before=now + notice,
        holidays=holidays,
        time_off=time_off,
        busy=busy,
        wanted=wanted,
    )
