"""The slot engine: pure functions, no database."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from perspektive.appointments.slots import Wanted, Window, by_local_day, free_slots, openings

UTC = dt.UTC
KABUL = ZoneInfo("Asia/Kabul")
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 11, 23)
EARLY = dt.datetime(2026, 1, 1, tzinfo=UTC)


def window(**kwargs: object) -> Window:
    base: dict[str, object] = {
        "counsellor_id": 1,
        "weekday": 0,
        "start": dt.time(9, 0),
        "end": dt.time(11, 0),
        "slot_minutes": 30,
        "modes": frozenset({"phone", "video"}),
        "topics": frozenset({"job"}),
        "languages": frozenset({"fa", "ps"}),
    }
    base.update(kwargs)
    return Window(**base)


def test_kabul_hours_are_placed_at_utc_plus_four_and_a_half() -> None:
    slots = free_slots([window()], tz=KABUL, first_day=MONDAY, last_day=MONDAY, not_before=EARLY)
    assert [s.starts_at for s in slots] == [
        dt.datetime(2026, 11, 23, 4, 30, tzinfo=UTC),
        dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC),
        dt.datetime(2026, 11, 23, 5, 30, tzinfo=UTC),
        dt.datetime(2026, 11, 23, 6, 0, tzinfo=UTC),
    ]
    assert all(s.ends_at - s.starts_at == dt.timedelta(minutes=30) for s in slots)


def test_daylight_saving_keeps_the_wall_clock_time() -> None:
    # Berlin: 09:00 is 08:00 UTC in winter and 07:00 UTC in summer.
    before = dt.date(2026, 3, 23)  # a Monday before the change (29 March)
    after = dt.date(2026, 3, 30)
    slots = free_slots(
        [window(end=dt.time(9, 30))], tz=BERLIN, first_day=before, last_day=after, not_before=EARLY
    )
    assert [s.starts_at for s in slots] == [
        dt.datetime(2026, 3, 23, 8, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
    ]


def test_only_the_windows_weekday_and_validity() -> None:
    w = window(valid_from=dt.date(2026, 11, 30))
    slots = free_slots(
        [w], tz=KABUL, first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=7), not_before=EARLY
    )
    assert {s.starts_at.date() for s in slots} == {dt.date(2026, 11, 30)}


def test_holidays_time_off_and_bookings_take_slots_away() -> None:
    two = [window(), window(counsellor_id=2)]
    kwargs = {"tz": KABUL, "first_day": MONDAY, "last_day": MONDAY, "not_before": EARLY}
    assert len(free_slots(two, **kwargs)) == 8
    assert free_slots(two, holidays={MONDAY}, **kwargs) == []
    off = free_slots(two, time_off={1: [(MONDAY, MONDAY)]}, **kwargs)
    assert {s.counsellor_id for s in off} == {2}
    busy_start = dt.datetime(2026, 11, 23, 4, 45, tzinfo=UTC)  # overlaps 04:30 and 05:00
    busy = free_slots(
        two,
        busy={1: [(busy_start, busy_start + dt.timedelta(minutes=30))]},
        **kwargs,
    )
    assert len([s for s in busy if s.counsellor_id == 1]) == 2


def test_wanted_mode_topic_language_filter_windows() -> None:
    kwargs = {"tz": KABUL, "first_day": MONDAY, "last_day": MONDAY, "not_before": EARLY}
    w = [window()]
    assert free_slots(w, wanted=Wanted(mode="phone", topic="job", language="fa"), **kwargs)
    assert not free_slots(w, wanted=Wanted(mode="in_person"), **kwargs)
    assert not free_slots(w, wanted=Wanted(topic="startup"), **kwargs)
    assert not free_slots(w, wanted=Wanted(language="ar"), **kwargs)


def test_past_and_short_notice_slots_are_hidden() -> None:
    not_before = dt.datetime(2026, 11, 23, 5, 10, tzinfo=UTC)
    slots = free_slots(
        [window()], tz=KABUL, first_day=MONDAY, last_day=MONDAY, not_before=not_before
    )
    assert [s.starts_at.time() for s in slots] == [dt.time(5, 30), dt.time(6, 0)]


def test_openings_group_counsellors_and_days_follow_the_centre() -> None:
    two = [window(), window(counsellor_id=2, start=dt.time(10, 0))]
    slots = free_slots(two, tz=KABUL, first_day=MONDAY, last_day=MONDAY, not_before=EARLY)
    grouped = openings(slots)
    assert [len(o.counsellor_ids) for o in grouped] == [1, 1, 2, 2]
    late = [window(start=dt.time(23, 0), end=dt.time(23, 30))]  # 18:30 UTC, still Monday in Kabul
    days = by_local_day(
        openings(free_slots(late, tz=KABUL, first_day=MONDAY, last_day=MONDAY, not_before=EARLY)),
        KABUL,
    )
    assert [d for d, _items in days] == [MONDAY]


@given(
    start=st.integers(min_value=0, max_value=22 * 4),
    length=st.integers(min_value=1, max_value=8),
    minutes=st.sampled_from([15, 20, 30, 45, 60]),
    zone=st.sampled_from(["Asia/Kabul", "Europe/Berlin", "Africa/Dakar", "Asia/Baghdad"]),
)
def test_slots_fit_the_window_and_never_overlap(
    start: int, length: int, minutes: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    begin = dt.time(start // 4, (start % 4) * 15)
    end_minutes = min(start * 15 + length * minutes, 24 * 60 - 1)
    end = dt.time(end_minutes // 60, end_minutes % 60)
    if end <= begin:
        return
    w = window(start=begin, end=end, slot_minutes=minutes)
    slots = free_slots([w], tz=tz, first_day=MONDAY, last_day=MONDAY, not_before=EARLY)
    for slot in slots:
        local = slot.starts_at.astimezone(tz)
        assert local.date() == MONDAY
        assert begin <= local.time() and (slot.ends_at.astimezone(tz).time() <= end)
    for a, b in itertools.pairwise(slots):
        assert a.ends_at <= b.starts_at


@given(
    spans=st.lists(st.tuples(st.integers(0, 600), st.integers(1, 240)), max_size=30),
    probe=st.tuples(st.integers(0, 700), st.integers(1, 120)),
)
def test_the_booking_index_agrees_with_a_plain_scan(
    spans: list[tuple[int, int]], probe: tuple[int, int]
) -> None:
    """Overlapping and nested bookings included: one binary search = checking each one."""
    from perspektive.appointments.slots import _index, _overlaps

    base = dt.datetime(2026, 11, 23, tzinfo=UTC)

    def at(minutes: int) -> dt.datetime:
        return base + dt.timedelta(minutes=minutes)

    busy = [(at(a), at(a + length)) for a, length in spans]
    starts, ends = at(probe[0]), at(probe[0] + probe[1])
    expected = any(a < ends and starts < b for a, b in busy)
    assert _overlaps(_index(busy) if busy else None, starts, ends) == expected
