"""Free slots from weekly hours, days off, holidays and existing bookings (pure functions).

Hours are wall-clock times at the centre; each day's slots are placed in the centre's time
zone and converted to UTC, so daylight-saving changes and half-hour offsets (Kabul is
UTC+4:30) come out right. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from zoneinfo import ZoneInfo

UTC = dt.UTC


@dataclass(frozen=True)
class Window:
    counsellor_id: int
    weekday: int  # Monday = 0
    start: dt.time
    end: dt.time
    slot_minutes: int
    modes: frozenset[str]
    topics: frozenset[str]
    languages: frozenset[str]
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def applies_on(self, day: dt.date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime
    counsellor_id: int
    modes: frozenset[str]
    topics: frozenset[str]
    languages: frozenset[str]


@dataclass(frozen=True)
class Wanted:
    mode: str | None = None
    topic: str | None = None
    language: str | None = None

    def fits(self, window: Window) -> bool:
        return (
            (self.mode is None or self.mode in window.modes)
            and (self.topic is None or self.topic in window.topics)
            and (self.language is None or self.language in window.languages)
        )


ANYTHING = Wanted()


def _local(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=tz)


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
    """Every bookable slot between two centre-local days (inclusive), sorted by start.

    ``busy`` holds each counsellor's live appointments (UTC); a slot overlapping one is
    taken. ``not_before`` hides slots that start earlier (now plus a notice period).
    """
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


Busy = tuple[list[dt.datetime], list[dt.datetime]]  # starts (sorted), running max of ends


def _index(spans: Sequence[tuple[dt.datetime, dt.datetime]]) -> Busy:
    """A counsellor's bookings sorted by start, with the latest end so far at each."""
    ordered = sorted(spans)
    return [a for a, _b in ordered], list(accumulate((b for _a, b in ordered), max))


def _overlaps(busy: Busy | None, starts: dt.datetime, ends: dt.datetime) -> bool:
    """Whether [starts, ends) meets a booking: of the bookings that start before ``ends``,
    the one ending last ends after ``starts``. One binary search instead of a scan."""
    if busy is None:
        return False
    before = bisect_left(busy[0], ends)
    return before > 0 and busy[1][before - 1] > starts


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
    taken = busy.get(window.counsellor_id)
    cursor = start_local
    while cursor + step <= end_local:
        # Wall-clock arithmetic, then to UTC: a DST change inside a window keeps the grid.
        starts = cursor.astimezone(UTC)
        ends = (cursor + step).astimezone(UTC)
        cursor += step
        if starts < not_before:
            continue
        if _overlaps(taken, starts, ends):
            continue
        yield Slot(
            starts, ends, window.counsellor_id, window.modes, window.topics, window.languages
        )


def _dedupe(slots: list[Slot]) -> list[Slot]:
    """Overlapping windows of one counsellor must not offer the same start twice."""
    seen: set[tuple[int, dt.datetime]] = set()
    out = []
    for slot in slots:
        key = (slot.counsellor_id, slot.starts_at)
        if key not in seen:
            seen.add(key)
            out.append(slot)
    return out


@dataclass(frozen=True)
class Opening:
    """What a visitor sees: a start time and how many counsellors are free then."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    counsellor_ids: tuple[int, ...]


def openings(slots: Iterable[Slot]) -> list[Opening]:
    grouped: dict[tuple[dt.datetime, dt.datetime], list[int]] = defaultdict(list)
    for slot in slots:
        grouped[(slot.starts_at, slot.ends_at)].append(slot.counsellor_id)
    return [Opening(start, end, tuple(ids)) for (start, end), ids in sorted(grouped.items())]


def by_local_day(items: Iterable[Opening], tz: ZoneInfo) -> list[tuple[dt.date, list[Opening]]]:
    days: dict[dt.date, list[Opening]] = defaultdict(list)
    for item in items:
        days[item.starts_at.astimezone(tz).date()].append(item)
    return sorted(days.items())


def wall_clock(at: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The time as a clock in ``tz`` shows it (naive: templates would convert aware times
    to the server's zone)."""
    return at.astimezone(tz).replace(tzinfo=None)
