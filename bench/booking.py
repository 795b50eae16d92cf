"""Booking benchmark: free slots of a counselling centre with 20 counsellors over 4 weeks.

    .venv/bin/python bench/booking.py
        [--database-url postgres://postgres@127.0.0.1:5432/perspektive_booking_bench]
        [--budget 100] [--min-rounds 60] [--naive-reps 5] [--naive-all-reps 2]
        [--scale-reps 15] [--reload] [--max-wait 30]

Creates the database if missing, migrates it and loads synthetic data (bench/booking.py
itself; reloaded when the centre's date or the generator changed, in about 30 s):
twelve counselling centres in twelve countries, among them the measured one, Baghdad
(IQ, Asia/Baghdad, work week Sunday to Thursday) with 20 active counsellors, and Kabul
(AF, Asia/Kabul, UTC+4:30) with 20. Each counsellor works 4 or 5 days a week, mornings
and most afternoons, in 30-minute slots (60 minutes for some psychosocial afternoons), with
mixed modes, topics and languages; some changed their hours two weeks ago or add a day in
two weeks (``valid_from``/``valid_until``); some take days off; the centre has two
holidays in the next four weeks. Live bookings fill about 60% of the next four weeks' slots
(more in the first week, fewer later), a year of history lies behind (eight weeks at the
centres not measured; attended, no-show, cancelled), and there are cancelled bookings. Rows
go in in the order they were booked, as in production (the plan of the bookings query
depends on it). Erbil (5 counsellors) and Basra (40) serve to
count queries as the centre grows; the other centres are there so that every query has to
filter. Baghdad also has a lead without hours and three people whose hours stay but who left
(inactive membership or user): the listing must leave them out.

Measured in one run, round-robin over the variants (so that load on the machine hits all
alike), as p50/p95/p99 in ms:

(a) ``selectors.slots_for_centre`` for 28 days (tomorrow to 4 weeks on), no filter and
    mode=video + topic=job + language=ar; also Kabul without filter;
(b) the public page ``GET /appointments/book/<slug>/?topic=job&mode=video&language=ar``
    through ``django.test.Client`` (one week from today, rendered HTML);
(c) baselines: the pure engine ``slots.free_slots`` alone on the same rows already in
    memory (the difference to (a) is the database part, also timed on its own: the four
    queries and building their dicts, and the two big queries alone), and a naive listing
    with one query per candidate slot (``--naive-reps``/``--naive-all-reps`` runs);
(d) the variant (bench/booking_variant.py), adopted by the product: now its own code again, a
    noise control. It was: bookings sorted by start and bisected instead of
    a scan of all of the counsellor's bookings per candidate slot; the bookings query with
    a lower bound on ``starts_at`` (else PostgreSQL reads the counsellors' whole history);
    only the counsellors whose hours fit the filter. Engine alone and whole selector.

The variants must give the same slots (checked). Query counts of (a) and (b) at 5, 20 and
40 counsellors (``CaptureQueriesContext``), and the engine's time at 1, 2, 4 and 8 weeks
show what grows with what. The 1-minute load average is printed before and after; it
waits up to ``--max-wait`` seconds while another benchmark or a test run is going, then
measures anyway and says so. Figures go to stdout as a Markdown table and to
bench/out/booking-<timestamp>.json; docs/benchmarks.md explains them.

The settings are ``perspektive.settings.local`` on ``DATABASE_URL``, with DEBUG turned off
after start-up (with DEBUG on, Django keeps every query, which the timings would include).
The database name must contain "bench": loading truncates the tables it fills.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/perspektive_booking_bench"
OUT = ROOT / "bench" / "out"
SEED = 20261122
DATA_VERSION = 2  # bump when the generated data change
SLUG = "booking-bench-"
MAIN = SLUG + "iq-baghdad"
KABUL = SLUG + "af-kabul"
BY_SIZE = {5: SLUG + "iq-erbil", 20: MAIN, 40: SLUG + "iq-basra"}
DAYS = 28  # the issue: 4 weeks
FUTURE_DAYS = 63  # 8 weeks from tomorrow, plus the day the engine looks beyond
BUDGET_MS = 50.0  # proposed: p95 of the 4-week listing
WAIT_POLL_S = 15
BUSY_PATTERNS = ["bench/search.py", "bench/jobs.py", "bench/chat", "pytest"]

# slug suffix, city, country, active counsellors with hours, days of booking history
CENTRES: list[tuple[str, str, str, int, int]] = [
    ("iq-baghdad", "Baghdad", "IQ", 20, 365),
    ("af-kabul", "Kabul", "AF", 20, 365),
    ("iq-erbil", "Erbil", "IQ", 5, 365),
    ("iq-basra", "Basra", "IQ", 40, 365),
    ("eg-cairo", "Cairo", "EG", 15, 56),
    ("ma-casablanca", "Casablanca", "MA", 12, 56),
    ("ng-lagos", "Lagos", "NG", 15, 56),
    ("pk-lahore", "Lahore", "PK", 15, 56),
    ("tn-tunis", "Tunis", "TN", 10, 56),
    ("gh-accra", "Accra", "GH", 10, 56),
    ("sn-dakar", "Dakar", "SN", 10, 56),
    ("rs-belgrade", "Belgrade", "RS", 8, 56),
]
WORK_WEEK = {  # Monday = 0
    "IQ": [6, 0, 1, 2, 3],
    "EG": [6, 0, 1, 2, 3],
    "AF": [5, 6, 0, 1, 2],
}
# (language, share of counsellors who speak it); the first one is the fallback
LANGUAGES: dict[str, list[tuple[str, float]]] = {
    "IQ": [("ar", 0.95), ("ckb", 0.3), ("en", 0.3)],
    "AF": [("fa", 0.9), ("ps", 0.5), ("en", 0.3)],
    "EG": [("ar", 1.0), ("en", 0.4)],
    "MA": [("ar", 0.9), ("fr", 0.6)],
    "NG": [("en", 1.0)],
    "PK": [("ur", 0.95), ("en", 0.5)],
    "TN": [("ar", 0.9), ("fr", 0.6)],
    "GH": [("en", 1.0)],
    "SN": [("fr", 1.0), ("en", 0.2)],
    "RS": [("sr", 1.0), ("en", 0.4)],
}
TOPICS = [
    ("job", 0.6),
    ("training", 0.4),
    ("education", 0.3),
    ("startup", 0.3),
    ("social", 0.35),
    ("psychosocial", 0.2),
    ("regular_migration", 0.25),
]
WANTED = {"mode": "video", "topic": "job", "language": "ar"}
PHONE = {"IQ": "+964750", "AF": "+9370", "EG": "+20100", "MA": "+2126", "NG": "+234803"}

APPOINTMENT_COLUMNS = [
    "created_at",
    "updated_at",
    "centre_id",
    "counsellor_id",
    "starts_at",
    "ends_at",
    "mode",
    "topic",
    "language",
    "name",
    "phone",
    "email",
    "contact_consent",
    "consent_notice_version",
    "message",
    "visitor_time_zone",
    "status",
    "link_version",
    "outcome_note",
]


# --- Set-up ------------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "perspektive.settings.local"
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.DEBUG = False  # no query log in the timings (see the module docstring)
    call_command("migrate", verbosity=0, interactive=False)


# --- Synthetic data ----------------------------------------------------------------------------


@dataclass
class Hours:
    weekday: int
    start: dt.time
    end: dt.time
    minutes: int
    modes: list[str]
    topics: list[str]
    languages: list[str]
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def applies_on(self, day: dt.date) -> bool:
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass
class Person:
    email: str
    name: str
    hours: list[Hours] = field(default_factory=list)
    time_off: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    role: str = "counsellor"
    membership_active: bool = True
    user_active: bool = True
    pk: int = 0


def _t(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


def _languages(rng: random.Random, country: str) -> list[str]:
    pool = LANGUAGES[country]
    chosen = [code for code, share in pool if rng.random() < share]
    return chosen or [pool[0][0]]


def _topics(rng: random.Random) -> list[str]:
    chosen = [t for t, share in TOPICS if rng.random() < share]
    return chosen or [rng.choice(TOPICS)[0]]


def _person_hours(rng: random.Random, country: str, today: dt.date) -> list[Hours]:
    """4 or 5 days of the centre's work week, mornings and most afternoons."""
    week = WORK_WEEK.get(country, [0, 1, 2, 3, 4])
    topics = _topics(rng)
    languages = _languages(rng, country)
    psychosocial = "psychosocial" in topics and rng.random() < 0.6

    def day_hours(weekday: int, **valid: Any) -> list[Hours]:
        out = [
            Hours(
                weekday,
                rng.choice([_t(8, 30), _t(9)]),
                rng.choice([_t(12), _t(12, 30)]),
                30,
                ["in_person", "phone"] + (["video"] if rng.random() < 0.4 else []),
                topics,
                languages,
                **valid,
            )
        ]
        if rng.random() < 0.85:
            start = rng.choice([_t(13), _t(13, 30)])
            end = rng.choice([_t(15, 30), _t(16)])
            if psychosocial and rng.random() < 0.5:
                out.append(
                    Hours(weekday, _t(13), _t(16), 60, ["in_person", "video"], ["psychosocial"],
                          languages, **valid)
                )  # fmt: skip
            else:
                modes = ["video", "phone"]
                modes += ["chat"] if rng.random() < 0.3 else []
                modes += ["in_person"] if rng.random() < 0.3 else []
                out.append(Hours(weekday, start, end, 30, modes, topics, languages, **valid))
        return out

    days = sorted(rng.sample(week, rng.choice([4, 5])))
    hours: list[Hours] = []
    if rng.random() < 0.15:  # changed hours two weeks ago: the old ones stay, expired
        changed = today - dt.timedelta(days=13)
        for weekday in sorted(rng.sample(week, 4)):
            hours += day_hours(weekday, valid_until=changed - dt.timedelta(days=1))
        for weekday in days:
            hours += day_hours(weekday, valid_from=changed)
    else:
        for weekday in days:
            hours += day_hours(weekday)
    free_days = [d for d in week if d not in days]
    if free_days and rng.random() < 0.1:  # one more day from two weeks on
        hours += day_hours(rng.choice(free_days), valid_from=today + dt.timedelta(days=14))[:1]
    return hours


def _person_time_off(
    rng: random.Random, today: dt.date, history: int
) -> list[tuple[dt.date, dt.date]]:
    out = []
    if rng.random() < 0.25:  # leave ahead
        first = today + dt.timedelta(days=rng.randint(1, 40))
        out.append((first, first + dt.timedelta(days=rng.randint(0, 4))))
    if rng.random() < 0.1:  # a training day ahead
        day = today + dt.timedelta(days=rng.randint(1, 50))
        out.append((day, day))
    for _ in range(history // 56):  # leave behind
        if rng.random() < 0.3:
            first = today - dt.timedelta(days=rng.randint(5, history))
            out.append((first, first + dt.timedelta(days=rng.randint(0, 4))))
    return out


def _fill(offset: int) -> float:
    """Share of a day's slots booked, ``offset`` days ahead: 80% tomorrow, 40% in four
    weeks (60% on average over the four weeks), 25% beyond."""
    if offset <= 0:
        return 0.7
    if offset <= DAYS:
        return 0.8 - 0.4 * (offset - 1) / (DAYS - 1)
    return 0.25


def _slot_grid(h: Hours, day: dt.date, tz: ZoneInfo) -> Iterable[tuple[dt.datetime, dt.datetime]]:
    """As the engine places them: wall-clock steps in the centre's zone, then UTC."""
    step = dt.timedelta(minutes=h.minutes)
    cursor = dt.datetime.combine(day, h.start, tzinfo=tz)
    end = dt.datetime.combine(day, h.end, tzinfo=tz)
    while cursor + step <= end:
        yield cursor.astimezone(dt.UTC), (cursor + step).astimezone(dt.UTC)
        cursor += step


@dataclass
class Loaded:
    reused: bool
    anchor: str
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def _meta_get(key: str) -> str | None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "CREATE TABLE IF NOT EXISTS booking_bench_meta (key text PRIMARY KEY, value text)"
        )
        c.execute("SELECT value FROM booking_bench_meta WHERE key = %s", [key])
        row = c.fetchone()
    return row[0] if row else None


def _meta_set(key: str, value: str) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "INSERT INTO booking_bench_meta VALUES (%s, %s)"
            " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, value],
        )


def _check_columns() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            """SELECT column_name FROM information_schema.columns
               WHERE table_name = 'appointments_appointment' AND is_nullable = 'NO'
                 AND column_default IS NULL AND is_identity = 'NO'
                 AND NOT (column_name = ANY(%s))""",
            [APPOINTMENT_COLUMNS],
        )
        missing = c.fetchall()
    if missing:
        sys.exit(f"appointments_appointment has new required columns: {missing}")


def load_data(*, reload: bool) -> Loaded:
    """Centres, counsellors, hours, days off, holidays and bookings, around today."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from perspektive.accounts.models import User
    from perspektive.appointments.models import Holiday, TimeOff, WeeklyHours
    from perspektive.core.models import Country
    from perspektive.organisations.models import Membership, Organisation, OrganisationKind

    zones = dict(Country.objects.values_list("code", "time_zone"))
    anchor = dt.datetime.now(ZoneInfo(zones["IQ"])).date()
    fingerprint = f"v{DATA_VERSION} seed {SEED} anchor {anchor}"
    have = _meta_get("fingerprint")
    if have == fingerprint and not reload:
        print(f"reusing the loaded data ({fingerprint})")
        return Loaded(True, str(anchor))

    started = time.perf_counter()
    rng = random.Random(SEED)
    now = dt.datetime.now(dt.UTC)
    password = make_password(None)
    _check_columns()
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute("DELETE FROM booking_bench_meta")
            c.execute(
                "TRUNCATE appointments_appointment, appointments_weeklyhours,"
                " appointments_timeoff, appointments_holiday, organisations_membership"
                " RESTART IDENTITY CASCADE"
            )
        Organisation.objects.filter(slug__startswith=SLUG).delete()
        User.objects.filter(email__endswith="@booking-bench.example").delete()

        people: dict[str, list[Person]] = {}
        centres: dict[str, Organisation] = {}
        holidays: dict[str, set[dt.date]] = {}
        for suffix, city, country, size, history in CENTRES:
            slug = SLUG + suffix
            tz = ZoneInfo(zones[country])
            today = dt.datetime.now(tz).date()
            centres[slug] = Organisation.objects.create(
                name=f"Counselling centre {city} (bench)",
                slug=slug,
                kind=OrganisationKind.COUNSELLING_CENTRE,
                country_id=country,
                city=city,
            )
            staff = []
            for i in range(size):
                p = Person(f"{suffix}-{i}@booking-bench.example", f"Counsellor {city} {i + 1}")
                p.hours = _person_hours(rng, country, today)
                p.time_off = _person_time_off(rng, today, history)
                staff.append(p)
            if slug == MAIN:  # a lead without hours; three who left with their hours
                staff.append(
                    Person(f"{suffix}-lead@booking-bench.example", "Lead", role="centre_lead")
                )
                for j, (membership, user) in enumerate(
                    [(False, True), (False, True), (True, False)]
                ):
                    p = Person(f"{suffix}-left-{j}@booking-bench.example", f"Left {j}")
                    p.hours = _person_hours(rng, country, today)
                    p.membership_active, p.user_active = membership, user
                    staff.append(p)
                days = {today + dt.timedelta(days=9), today + dt.timedelta(days=20)}
            else:
                days = {today + dt.timedelta(days=rng.randint(1, 50))}
            days |= {
                today - dt.timedelta(days=rng.randint(1, history)) for _ in range(history // 90 + 1)
            }
            holidays[slug] = days
            people[slug] = staff

        users = User.objects.bulk_create(
            [
                User(email=p.email, name=p.name, password=password, is_active=p.user_active)
                for staff in people.values()
                for p in staff
            ]
        )
        by_email = {u.email: u.pk for u in users}
        memberships, hours, time_off, holiday_rows = [], [], [], []
        for slug, staff in people.items():
            centre = centres[slug]
            for p in staff:
                p.pk = by_email[p.email]
                memberships.append(
                    Membership(
                        user_id=p.pk,
                        organisation=centre,
                        role=p.role,
                        is_active=p.membership_active,
                    )
                )
                for h in p.hours:
                    hours.append(
                        WeeklyHours(
                            centre=centre,
                            counsellor_id=p.pk,
                            weekday=h.weekday,
                            start_time=h.start,
                            end_time=h.end,
                            slot_minutes=h.minutes,
                            modes=h.modes,
                            topics=h.topics,
                            languages=h.languages,
                            valid_from=h.valid_from,
                            valid_until=h.valid_until,
                        )
                    )
                for first, last in p.time_off:
                    time_off.append(
                        TimeOff(centre=centre, counsellor_id=p.pk, first_day=first, last_day=last)
                    )
            for n, day in enumerate(sorted(holidays[slug])):
                holiday_rows.append(Holiday(centre=centre, day=day, name=f"Holiday {n + 1}"))
        Membership.objects.bulk_create(memberships)
        WeeklyHours.objects.bulk_create(hours)
        TimeOff.objects.bulk_create(time_off)
        Holiday.objects.bulk_create(holiday_rows)

        def appointment_rows() -> Iterable[Sequence[Any]]:
            serial = 0
            for suffix, _city, country, _size, history in CENTRES:
                slug = SLUG + suffix
                tz = ZoneInfo(zones[country])
                today = dt.datetime.now(tz).date()
                centre_id = centres[slug].pk
                prefix = PHONE.get(country, "+4915")
                for p in people[slug]:
                    for offset in range(-history, FUTURE_DAYS + 1):
                        day = today + dt.timedelta(days=offset)
                        if day in holidays[slug] or any(a <= day <= b for a, b in p.time_off):
                            continue
                        share = _fill(offset)
                        for h in p.hours:
                            if not h.applies_on(day):
                                continue
                            for starts, ends in _slot_grid(h, day, tz):
                                r = rng.random()
                                if offset < 0:
                                    if r >= share:
                                        continue
                                    s = rng.random()
                                    status = (
                                        "attended"
                                        if s < 0.78
                                        else ("no_show" if s < 0.9 else "cancelled")
                                    )
                                    live = [status]
                                elif r < share:
                                    # sometimes an earlier booking of the slot was cancelled
                                    live = (
                                        ["cancelled", "booked"]
                                        if rng.random() < 0.03
                                        else ["booked"]
                                    )
                                elif rng.random() < 0.06:
                                    live = ["cancelled"]
                                else:
                                    continue
                                for status in live:
                                    serial += 1
                                    # booked 0 to 28 days ahead, and never after now
                                    made = min(
                                        now, starts - dt.timedelta(hours=rng.randint(2, 28 * 24))
                                    )
                                    yield (
                                        made,
                                        made,
                                        centre_id,
                                        p.pk,
                                        starts,
                                        ends,
                                        rng.choice(h.modes),
                                        rng.choice(h.topics),
                                        rng.choice(h.languages),
                                        f"Visitor {serial}",
                                        f"{prefix}{serial % 10**7:07d}",
                                        "",
                                        True,
                                        "1",
                                        "",
                                        str(tz),
                                        status,
                                        1,
                                        "",
                                    )

        # In the order they were booked, as the table fills in production: the rows of one
        # counsellor spread over the whole table (the planner's choice depends on it).
        rows = sorted(appointment_rows(), key=lambda r: r[0])
        n = len(rows)
        with connection.cursor() as c:
            columns = ", ".join(APPOINTMENT_COLUMNS)
            with c.cursor.copy(f"COPY appointments_appointment ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        del rows
    with connection.cursor() as c:
        for table in (
            "appointments_appointment",
            "appointments_weeklyhours",
            "appointments_timeoff",
            "appointments_holiday",
            "organisations_membership",
            "organisations_organisation",
            "accounts_user",
        ):
            c.execute(f"ANALYZE {table}")
    _meta_set("fingerprint", fingerprint)
    rows = {
        "appointments": n,
        "weekly_hours": len(hours),
        "time_off": len(time_off),
        "holidays": len(holiday_rows),
        "users": len(users),
        "memberships": len(memberships),
        "centres": len(centres),
    }
    seconds = time.perf_counter() - started
    print(f"loaded {json.dumps(rows)} in {seconds:.1f} s")
    return Loaded(False, str(anchor), round(seconds, 1), rows)


# --- What is measured --------------------------------------------------------------------------


@dataclass
class Inputs:
    """What ``slots_for_centre`` hands to the engine."""

    windows: list[Any]
    tz: ZoneInfo
    first_day: dt.date
    last_day: dt.date
    not_before: dt.datetime
    holidays: set[dt.date]
    time_off: dict[int, list[tuple[dt.date, dt.date]]]
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]]

    def engine_kwargs(self) -> dict[str, Any]:
        return {
            "tz": self.tz,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "not_before": self.not_before,
            "holidays": self.holidays,
            "time_off": self.time_off,
            "busy": self.busy,
        }


def load_inputs(centre: Any, first_day: dt.date, last_day: dt.date, now: dt.datetime) -> Inputs:
    """The database part of ``selectors.slots_for_centre`` (its four queries and dicts),
    copied from it: the engine's inputs."""
    from django.conf import settings

    from perspektive.appointments.models import Appointment, Holiday, TimeOff
    from perspektive.appointments.selectors import LIVE, centre_tz, centre_windows

    tz = centre_tz(centre)
    windows = centre_windows(centre)
    counsellors = {w.counsellor_id for w in windows}
    span_start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz) - dt.timedelta(days=1)
    span_end = dt.datetime.combine(last_day, dt.time.max, tzinfo=tz) + dt.timedelta(days=1)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for counsellor_id, starts, ends in Appointment.objects.filter(
        counsellor_id__in=counsellors,
        status__in=LIVE,
        starts_at__lt=span_end,
        ends_at__gt=span_start,
    ).values_list("counsellor_id", "starts_at", "ends_at"):
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
    return Inputs(
        windows, tz, first_day, last_day, now + notice, holidays, dict(time_off), dict(busy)
    )


def naive_slots(
    centre: Any, first_day: dt.date, last_day: dt.date, wanted: Any, now: Any
) -> list[Any]:
    """The baseline: hours, days off and holidays loaded once, then one query per
    candidate slot asking whether the counsellor has a live booking overlapping it (with
    a lower bound on ``starts_at``, so that each is a short range of the (counsellor,
    starts_at) index and not a walk through the counsellor's history)."""
    from django.conf import settings

    from perspektive.appointments.models import Appointment, Holiday, TimeOff
    from perspektive.appointments.selectors import LIVE, centre_tz, centre_windows
    from perspektive.appointments.slots import Slot, _dedupe

    tz = centre_tz(centre)
    windows = [w for w in centre_windows(centre) if wanted.fits(w)]
    off: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for counsellor_id, first, last in TimeOff.objects.filter(
        counsellor_id__in={w.counsellor_id for w in windows},
        first_day__lte=last_day,
        last_day__gte=first_day,
    ).values_list("counsellor_id", "first_day", "last_day"):
        off[counsellor_id].append((first, last))
    holidays = set(
        Holiday.objects.filter(centre=centre, day__range=(first_day, last_day)).values_list(
            "day", flat=True
        )
    )
    not_before = now + dt.timedelta(minutes=settings.BOOKING_NOTICE_MINUTES)
    out = []
    day = first_day
    while day <= last_day:
        for w in windows if day not in holidays else ():
            if not w.applies_on(day) or any(a <= day <= b for a, b in off[w.counsellor_id]):
                continue
            step = dt.timedelta(minutes=w.slot_minutes)
            cursor = dt.datetime.combine(day, w.start, tzinfo=tz)
            end = dt.datetime.combine(day, w.end, tzinfo=tz)
            while cursor + step <= end:
                starts, ends = cursor.astimezone(dt.UTC), (cursor + step).astimezone(dt.UTC)
                cursor += step
                if starts < not_before:
                    continue
                if Appointment.objects.filter(
                    counsellor_id=w.counsellor_id,
                    status__in=LIVE,
                    starts_at__gt=starts - dt.timedelta(days=1),  # bounded: index range
                    starts_at__lt=ends,
                    ends_at__gt=starts,
                ).exists():
                    continue
                out.append(Slot(starts, ends, w.counsellor_id, w.modes, w.topics, w.languages))
        day += dt.timedelta(days=1)
    out.sort(key=lambda s: (s.starts_at, s.counsellor_id))
    return _dedupe(out)


# --- Measuring ---------------------------------------------------------------------------------


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def summary(ms: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50": round(pct(ms, 0.50), 2),
        "p95": round(pct(ms, 0.95), 2),
        "p99": round(pct(ms, 0.99), 2),
        "mean": round(statistics.fmean(ms), 2),
        "max": round(max(ms), 2),
    }


def other_work() -> list[str]:
    found = []
    me = str(os.getpid())
    for pattern in BUSY_PATTERNS:
        out = subprocess.run(
            ["pgrep", "-af", pattern], capture_output=True, text=True, check=False
        ).stdout
        found += [ln for ln in out.splitlines() if ln.strip() and ln.split()[0] != me]
    return found


def wait_for_quiet_machine(max_wait: int) -> dict[str, Any]:
    waited = 0
    while (others := other_work()) and waited < max_wait:
        print(f"other work runs ({others[0][:90]}); waiting {WAIT_POLL_S} s")
        time.sleep(WAIT_POLL_S)
        waited += WAIT_POLL_S
    others = other_work()
    if others:
        print(f"measuring anyway next to: {[o[:90] for o in others]}")
    return {"waited_s": waited, "busy_at_start": others}


def count_queries(fn: Callable[[], Any]) -> tuple[int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


def round_robin(
    variants: dict[str, Callable[[], Any]], budget_s: float, min_rounds: int, max_rounds: int
) -> dict[str, list[float]]:
    """Each round calls every variant once (in a rotating order); stops after the budget
    (but not before ``min_rounds``). A full collection between rounds, outside the timings."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    started = time.perf_counter()
    rounds = 0
    while rounds < max_rounds and (rounds < min_rounds or time.perf_counter() - started < budget_s):
        shift = rounds % len(names)
        for name in names[shift:] + names[:shift]:
            fn = variants[name]
            t0 = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t0) * 1000)
        gc.collect()
        rounds += 1
    return times


def key(slots: Iterable[Any]) -> list[tuple[Any, ...]]:
    return [(s.starts_at, s.ends_at, s.counsellor_id) for s in slots]


def busy_query(centre: Any, ids: set[int], first: dt.date, last: dt.date, *, bounded: bool) -> Any:
    """The selector's query for live bookings in the span; ``bounded`` adds the lower
    bound on ``starts_at`` that the selector now has (and drops the ORDER BY)."""
    from perspektive.appointments.models import Appointment
    from perspektive.appointments.selectors import LIVE, centre_tz

    tz = centre_tz(centre)
    span_start = dt.datetime.combine(first, dt.time.min, tzinfo=tz) - dt.timedelta(days=1)
    span_end = dt.datetime.combine(last, dt.time.max, tzinfo=tz) + dt.timedelta(days=1)
    qs = Appointment.objects.filter(
        counsellor_id__in=ids, status__in=LIVE, starts_at__lt=span_end, ends_at__gt=span_start
    )
    if bounded:
        qs = qs.filter(starts_at__gt=span_start - dt.timedelta(days=1)).order_by()
    return qs.values_list("counsellor_id", "starts_at", "ends_at")


def explain_busy_queries(centre: Any, ids: set[int], first: dt.date, last: dt.date) -> str:
    parts = []
    for bounded in (False, True):
        qs = busy_query(centre, ids, first, last, bounded=bounded)
        qs.explain(analyze=True)
        plan = qs.explain(analyze=True, buffers=True)
        parts.append(f"-- {'with' if bounded else 'without'} a lower bound on starts_at\n{plan}\n")
    return "\n".join(parts)


def plan_summary(plan: str) -> dict[str, str]:
    """The index used, rows removed by the filter and execution time of a plan."""
    out = {}
    for line in plan.splitlines():
        text = line.strip().lstrip("-> ").strip()
        if "Index Scan" in text and "index" not in out:  # "... using X on t" or "... on X"
            name = text.split(" using ")[1] if " using " in text else text.split(" on ")[1]
            out["index"] = name.split(" on ")[0].split(" ")[0]
        elif text.startswith("Rows Removed by Filter"):
            out["rows_removed_by_filter"] = text.split(":")[1].strip()
        elif text.startswith("Execution Time"):
            out["execution"] = text.split(":")[1].strip()
    return out


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def code_version() -> dict[str, str]:
    def git(*cmd: str) -> str:
        try:
            out = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True)
            return out.stdout.strip()
        except OSError:
            return ""

    paths = ["perspektive/appointments"]
    return {
        "head": git("rev-parse", "--short", "HEAD"),
        "appointments_commit": git("log", "-1", "--format=%h %s", "--", *paths)[:100],
        "appointments_local_changes": git("status", "--short", "--", *paths),
    }


# --- Main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--budget", type=float, default=100, help="seconds for the main rounds")
    parser.add_argument("--min-rounds", type=int, default=60)
    parser.add_argument("--max-rounds", type=int, default=1000)
    parser.add_argument("--naive-reps", type=int, default=5, help="naive baseline, filtered")
    parser.add_argument("--naive-all-reps", type=int, default=2, help="naive, no filter")
    parser.add_argument("--scale-reps", type=int, default=15, help="runs per size and span")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--max-wait", type=int, default=30, help="seconds to wait for quiet")
    args = parser.parse_args()
    run_started = time.perf_counter()

    ensure_database(args.database_url)
    setup_django(args.database_url)
    loaded = load_data(reload=args.reload)

    from django.db import connection
    from django.test import Client

    from bench import booking_variant as variant
    from perspektive.appointments import selectors
    from perspektive.appointments.slots import ANYTHING, Wanted, free_slots, openings
    from perspektive.organisations.models import Organisation

    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with connection.cursor() as c:
        c.execute("SELECT version()")
        pg_version = c.fetchone()[0].split(" on ")[0]

    centres = {
        o.slug: o
        for o in Organisation.objects.filter(slug__startswith=SLUG).select_related("country")
    }
    main_centre, kabul = centres[MAIN], centres[KABUL]
    tz = selectors.centre_tz(main_centre)
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(tz).date()
    first, last = today + dt.timedelta(days=1), today + dt.timedelta(days=DAYS)
    k_today = now.astimezone(selectors.centre_tz(kabul)).date()
    k_first, k_last = k_today + dt.timedelta(days=1), k_today + dt.timedelta(days=DAYS)
    wanted = Wanted(**WANTED)
    query = "&".join(f"{k}={WANTED[k]}" for k in ("topic", "mode", "language"))
    url = f"/appointments/book/{MAIN}/?{query}"
    client = Client()

    # --- checks and query counts (not timed) ---------------------------------------------------
    checks: dict[str, Any] = {}
    inputs = load_inputs(main_centre, first, last, now)
    k_inputs = load_inputs(kabul, k_first, k_last, now)
    ref_all = selectors.slots_for_centre(main_centre, first_day=first, last_day=last, now=now)
    ref_filtered = selectors.slots_for_centre(
        main_centre, first_day=first, last_day=last, wanted=wanted, now=now
    )
    active = set(
        main_centre.memberships.filter(
            is_active=True, user__is_active=True, role="counsellor"
        ).values_list("user_id", flat=True)
    )
    windows_by_counsellor = {w.counsellor_id for w in inputs.windows}
    grid = free_slots(inputs.windows, **{**inputs.engine_kwargs(), "busy": {}})
    grid_filtered = free_slots(
        inputs.windows, **{**inputs.engine_kwargs(), "busy": {}}, wanted=wanted
    )
    fill_by_week = []
    for w in range(4):
        lo = dt.datetime.combine(first + dt.timedelta(days=7 * w), dt.time.min, tzinfo=tz)
        hi = lo + dt.timedelta(days=7)
        cand = sum(1 for s in grid if lo <= s.starts_at < hi)
        free = sum(1 for s in ref_all if lo <= s.starts_at < hi)
        fill_by_week.append(round(1 - free / cand, 3) if cand else None)
    checks["counsellors_listed"] = len(windows_by_counsellor)
    checks["listed_are_the_active_counsellors"] = windows_by_counsellor == active
    checks["candidate_slots_4_weeks"] = len(grid)
    checks["candidate_slots_4_weeks_filtered"] = len(grid_filtered)
    checks["free_slots_4_weeks"] = len(ref_all)
    checks["free_slots_4_weeks_filtered"] = len(ref_filtered)
    checks["openings_4_weeks"] = len(openings(ref_all))
    checks["fill_4_weeks"] = round(1 - len(ref_all) / len(grid), 3)
    checks["fill_by_week"] = fill_by_week
    checks["busy_rows_loaded"] = sum(len(v) for v in inputs.busy.values())
    checks["windows_loaded"] = len(inputs.windows)
    checks["holidays_in_span"] = sorted(str(d) for d in inputs.holidays)
    checks["counsellors_with_days_off_in_span"] = len(inputs.time_off)
    checks["engine_equals_selector"] = key(
        free_slots(inputs.windows, **inputs.engine_kwargs())
    ) == key(ref_all)
    checks["variant_equals_selector"] = key(
        variant.slots_for_centre(main_centre, first_day=first, last_day=last, now=now)
    ) == key(ref_all)
    checks["variant_equals_selector_filtered"] = key(
        variant.slots_for_centre(
            main_centre, first_day=first, last_day=last, wanted=wanted, now=now
        )
    ) == key(ref_filtered)
    checks["variant_engine_equals_engine_kabul"] = key(
        variant.free_slots(k_inputs.windows, **k_inputs.engine_kwargs())
    ) == key(selectors.slots_for_centre(kabul, first_day=k_first, last_day=k_last, now=now))
    k_slots = selectors.slots_for_centre(kabul, first_day=k_first, last_day=k_last, now=now)
    k_tz = selectors.centre_tz(kabul)
    checks["kabul_free_slots"] = len(k_slots)
    checks["kabul_slots_off_the_local_half_hour_grid"] = sum(
        1 for s in k_slots if s.starts_at.astimezone(k_tz).minute not in (0, 30)
    )
    checks["kabul_utc_minutes"] = sorted({s.starts_at.minute for s in k_slots})
    ids = {w.counsellor_id for w in inputs.windows}
    checks["busy_rows_bounded_equal"] = sorted(
        busy_query(main_centre, ids, first, last, bounded=True)
    ) == sorted(busy_query(main_centre, ids, first, last, bounded=False))
    n_naive_q, naive_res = count_queries(lambda: naive_slots(main_centre, first, last, wanted, now))
    checks["naive_equals_selector_filtered"] = key(naive_res) == key(ref_filtered)

    queries: dict[str, Any] = {"slots_for_centre_4_weeks": {}, "page": {}}
    for size, slug in BY_SIZE.items():
        centre = Organisation.objects.select_related("country").get(slug=slug)
        n, _ = count_queries(
            lambda c=centre: selectors.slots_for_centre(c, first_day=first, last_day=last)
        )
        nf, _ = count_queries(
            lambda c=centre: selectors.slots_for_centre(
                c, first_day=first, last_day=last, wanted=wanted
            )
        )
        page_url = url.replace(MAIN, slug)
        client.get(page_url)
        npage, response = count_queries(lambda u=page_url: client.get(u))
        assert response.status_code == 200, response.status_code
        queries["slots_for_centre_4_weeks"][size] = {"no filter": n, "filtered": nf}
        queries["page"][size] = npage
    n_var_q, _ = count_queries(
        lambda: variant.slots_for_centre(main_centre, first_day=first, last_day=last, now=now)
    )
    queries["variant_4_weeks"] = n_var_q
    queries["naive_4_weeks_filtered"] = n_naive_q
    page = client.get(url)
    html = page.content
    checks["page_status"] = page.status_code
    checks["page_bytes"] = len(html)
    checks["page_gzip_bytes"] = len(gzip.compress(html))
    checks["page_slot_buttons"] = html.count(b'name="slot"')
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    page_sql = [q["sql"][:160] for q in ctx.captured_queries]

    print(f"checks: {json.dumps(checks, default=str)}")
    print(f"query counts: {json.dumps(queries)}")
    failed = [
        k
        for k in (
            "listed_are_the_active_counsellors",
            "engine_equals_selector",
            "variant_equals_selector",
            "variant_equals_selector_filtered",
            "variant_engine_equals_engine_kabul",
            "naive_equals_selector_filtered",
            "busy_rows_bounded_equal",
        )
        if not checks[k]
    ]
    checks["failed"] = failed
    if failed or checks["kabul_slots_off_the_local_half_hour_grid"]:
        print(f"CHECKS FAILED: {failed}")

    # --- timed part ----------------------------------------------------------------------------
    quiet = wait_for_quiet_machine(args.max_wait)
    load_before = os.getloadavg()[0]
    print(f"load average (1 min) before the timed part: {load_before:.2f}")
    phases: dict[str, dict[str, Any]] = {}

    def phase(name: str) -> None:
        phases[name] = {"load": round(os.getloadavg()[0], 2), "other_work": len(other_work())}
        print(f"{name} (load {phases[name]['load']:.2f})", flush=True)

    def sfc(centre: Any, a: dt.date, b: dt.date, w: Any = ANYTHING) -> Callable[[], Any]:
        return lambda: selectors.slots_for_centre(
            centre, first_day=a, last_day=b, wanted=w, now=now
        )

    def var(centre: Any, a: dt.date, b: dt.date, w: Any = ANYTHING) -> Callable[[], Any]:
        return lambda: variant.slots_for_centre(centre, first_day=a, last_day=b, wanted=w, now=now)

    def page_get() -> None:
        response = client.get(url)
        assert response.status_code == 200

    def form_get() -> None:  # the same page before the visitor chose: no slots
        response = client.get(f"/appointments/book/{MAIN}/")
        assert response.status_code == 200

    main_variants: dict[str, Callable[[], Any]] = {
        "a_all": sfc(main_centre, first, last),
        "a_filtered": sfc(main_centre, first, last, wanted),
        "a_kabul": sfc(kabul, k_first, k_last),
        "b_page": page_get,
        "engine_all": lambda: free_slots(inputs.windows, **inputs.engine_kwargs()),
        "engine_filtered": lambda: free_slots(
            inputs.windows, **inputs.engine_kwargs(), wanted=wanted
        ),
        "db_only": lambda: load_inputs(main_centre, first, last, now),
        "busy_query": lambda: list(busy_query(main_centre, ids, first, last, bounded=False)),
        "busy_query_bounded": lambda: list(busy_query(main_centre, ids, first, last, bounded=True)),
        "windows_query": lambda: selectors.centre_windows(main_centre),
        "b_form_only": form_get,
        "variant_all": var(main_centre, first, last),
        "variant_filtered": var(main_centre, first, last, wanted),
        "variant_engine_all": lambda: variant.free_slots(inputs.windows, **inputs.engine_kwargs()),
        "page_week_selector_only": sfc(main_centre, today, today + dt.timedelta(days=6), wanted),
        "page_week_variant": var(main_centre, today, today + dt.timedelta(days=6), wanted),
    }
    round_robin(main_variants, 0, 3, 3)  # warm-up
    phase("(a), (b), engine, database part and variant, round-robin")
    started = time.perf_counter()
    times = round_robin(main_variants, args.budget, args.min_rounds, args.max_rounds)
    main_s = time.perf_counter() - started

    phase(
        f"(c) naive: one query per candidate slot, {args.naive_reps} runs filtered,"
        f" {args.naive_all_reps} without filter"
    )
    naive_times: dict[str, list[float]] = {"naive_filtered": [], "naive_all": []}
    for i in range(max(args.naive_reps, args.naive_all_reps)):
        for name, w, reps in (
            ("naive_filtered", wanted, args.naive_reps),
            ("naive_all", ANYTHING, args.naive_all_reps),
        ):
            if i < reps:
                t0 = time.perf_counter()
                naive_slots(main_centre, first, last, w, now)
                naive_times[name].append((time.perf_counter() - t0) * 1000)
        gc.collect()
    n_naive_all_q, _ = count_queries(lambda: naive_slots(main_centre, first, last, ANYTHING, now))
    queries["naive_4_weeks_no_filter"] = n_naive_all_q

    phase(f"(e) size 5/20/40 counsellors and span 1/2/4/8 weeks, {args.scale_reps} runs each")
    scale_variants: dict[str, Callable[[], Any]] = {}
    for size, slug in BY_SIZE.items():
        c = centres[slug]
        scale_variants[f"size {size}"] = sfc(c, first, last)
        scale_variants[f"size {size} variant"] = var(c, first, last)
    span_inputs = {}
    for weeks in (1, 2, 4, 8):
        inp = load_inputs(main_centre, first, first + dt.timedelta(days=7 * weeks - 1), now)
        span_inputs[weeks] = inp
        scale_variants[f"engine {weeks} wk"] = lambda i=inp: free_slots(
            i.windows, **i.engine_kwargs()
        )
        scale_variants[f"engine {weeks} wk variant"] = lambda i=inp: variant.free_slots(
            i.windows, **i.engine_kwargs()
        )
    scale_times = round_robin(scale_variants, 0, args.scale_reps, args.scale_reps)
    load_after = os.getloadavg()[0]
    print(f"load average (1 min) after the timed part: {load_after:.2f}")

    explain = explain_busy_queries(main_centre, ids, first, last)
    (OUT / f"booking-explain-{stamp}.txt").write_text(explain)
    plans = dict(
        zip(
            ("busy_query", "busy_query_bounded"),
            [plan_summary(p) for p in explain.split("\n-- ")],
            strict=True,
        )
    )
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM appointments_appointment WHERE counsellor_id = ANY(%s)",
            [sorted(ids)],
        )
        plans["all_bookings_of_these_counsellors"] = c.fetchone()[0]

    s = {name: summary(v) for name, v in {**times, **naive_times}.items()}
    scale = {name: summary(v) for name, v in scale_times.items()}
    span_rows = {
        weeks: {
            "busy_rows": sum(len(v) for v in inp.busy.values()),
            "free_slots": len(free_slots(inp.windows, **inp.engine_kwargs())),
        }
        for weeks, inp in span_inputs.items()
    }

    def ratio(a: str, b: str, q: str = "p95") -> float:
        return round(s[a][q] / s[b][q], 2)

    ratios = {
        "a_all_over_engine_p50": ratio("a_all", "engine_all", "p50"),
        "a_all_over_engine_p95": ratio("a_all", "engine_all"),
        "engine_share_of_a_all_p50": round(s["engine_all"]["p50"] / s["a_all"]["p50"], 2),
        "db_share_of_a_all_p50": round(s["db_only"]["p50"] / s["a_all"]["p50"], 2),
        "naive_over_a_filtered_p50": ratio("naive_filtered", "a_filtered", "p50"),
        "naive_over_a_all_p50": ratio("naive_all", "a_all", "p50"),
        "a_all_over_variant_p95": ratio("a_all", "variant_all"),
        "a_filtered_over_variant_p95": ratio("a_filtered", "variant_filtered"),
        "engine_over_variant_engine_p50": ratio("engine_all", "variant_engine_all", "p50"),
        "busy_query_over_bounded_p50": ratio("busy_query", "busy_query_bounded", "p50"),
        "page_over_its_selector_call_p50": ratio("b_page", "page_week_selector_only", "p50"),
        "engine_8wk_over_4wk_p50": round(
            scale["engine 8 wk"]["p50"] / scale["engine 4 wk"]["p50"], 2
        ),
        "engine_4wk_over_1wk_p50": round(
            scale["engine 4 wk"]["p50"] / scale["engine 1 wk"]["p50"], 2
        ),
        "size_40_over_size_5_p50": round(scale["size 40"]["p50"] / scale["size 5"]["p50"], 2),
    }
    budget = {
        "proposed": f"p95 < {BUDGET_MS:.0f} ms for slots_for_centre over 4 weeks, 20 counsellors",
        "a_all_p95": s["a_all"]["p95"],
        "a_filtered_p95": s["a_filtered"]["p95"],
        "holds_no_filter": s["a_all"]["p95"] < BUDGET_MS,
        "holds_filtered": s["a_filtered"]["p95"] < BUDGET_MS,
        "holds_with_variant": s["variant_all"]["p95"] < BUDGET_MS,
    }
    other_after = other_work()
    result = {
        "stamp": stamp,
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "postgres": pg_version,
            "load_before": round(load_before, 2),
            "load_after": round(load_after, 2),
            "waited_s": quiet["waited_s"],
            "other_work_at_start": quiet["busy_at_start"],
            "other_work_at_end": other_after,
            "phases": phases,
            **code_version(),
        },
        "data": {
            "reused": loaded.reused,
            "anchor": loaded.anchor,
            "load_s": loaded.seconds,
            "rows": loaded.rows,
            "first_day": str(first),
            "last_day": str(last),
            "wanted": WANTED,
        },
        "checks": checks,
        "queries": queries,
        "page_queries": page_sql,
        "busy_query_plans": plans,
        "timings_ms": s,
        "scaling_ms": scale,
        "span_rows": span_rows,
        "ratios": ratios,
        "budget": budget,
        "rounds": len(times["a_all"]),
        "main_rounds_s": round(main_s, 1),
        "run_s": round(time.perf_counter() - run_started, 1),
    }
    out = OUT / f"booking-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, default=str))

    def row(name: str, x: dict[str, float], q: str = "") -> list[str]:
        return [
            name,
            f"{x['p50']:.1f}",
            f"{x['p95']:.1f}",
            f"{x['p99']:.1f}",
            f"{x['mean']:.1f}",
            str(x["n"]),
            q,
        ]

    qa = queries["slots_for_centre_4_weeks"][20]
    print()
    print(
        table(
            [
                ["Baghdad, 20 counsellors (ms)", "p50", "p95", "p99", "mean", "n", "queries"],
                row("(a) slots_for_centre, 4 weeks", s["a_all"], str(qa["no filter"])),
                row("(a) same, video+job+ar", s["a_filtered"], str(qa["filtered"])),
                row("(a) Kabul (UTC+4:30), 4 weeks", s["a_kabul"], "4"),
                row("(b) public page, 1 week, filtered", s["b_page"], str(queries["page"][20])),
                row("    its slots_for_centre call", s["page_week_selector_only"], "4"),
                row("    the same call, variant", s["page_week_variant"], "4"),
                row("(c) engine free_slots alone, 4 weeks", s["engine_all"], "0"),
                row("(c) engine alone, video+job+ar", s["engine_filtered"], "0"),
                row("(c) database part alone (4 queries)", s["db_only"], "4"),
                row("    of which: hours (centre_windows)", s["windows_query"], "1"),
                row("    of which: live bookings in the span", s["busy_query"], "1"),
                row("    bookings query with a lower bound", s["busy_query_bounded"], "1"),
                row("(b) the page without a choice (form)", s["b_form_only"], "3"),
                row("(c) naive, query per slot, filtered", s["naive_filtered"], str(n_naive_q)),
                row("(c) naive, query per slot, 4 weeks", s["naive_all"], str(n_naive_all_q)),
                row("(d) variant (bisect), 4 weeks", s["variant_all"], str(n_var_q)),
                row("(d) variant, video+job+ar", s["variant_filtered"], str(n_var_q)),
                row("(d) variant engine alone, 4 weeks", s["variant_engine_all"], "0"),
            ]
        )
    )
    print()
    size_rows = [["size / span (ms)", "p50", "p95", "p99", "mean", "n", "queries / rows"]]
    for size in BY_SIZE:
        qn = queries["slots_for_centre_4_weeks"][size]
        size_rows.append(
            row(f"{size} counsellors, 4 weeks", scale[f"size {size}"],
                f"{qn['no filter']} (page {queries['page'][size]})")
        )  # fmt: skip
        size_rows.append(row(f"{size} counsellors, variant", scale[f"size {size} variant"], ""))
    for weeks in (1, 2, 4, 8):
        size_rows.append(
            row(f"engine, {weeks} wk", scale[f"engine {weeks} wk"],
                f"{span_rows[weeks]['busy_rows']} bookings")
        )  # fmt: skip
        size_rows.append(
            row(f"engine, {weeks} wk, variant", scale[f"engine {weeks} wk variant"], "")
        )
    print(table(size_rows))
    print()
    print(f"bookings query, EXPLAIN ANALYZE: {json.dumps(plans)}")
    print(f"ratios: {json.dumps(ratios)}")
    print(f"budget: {json.dumps(budget)}")
    print(
        f"load average (1 min) {load_before:.2f} -> {load_after:.2f} on {os.cpu_count()} cores;"
        f" other work at the end: {len(other_after)} processes; run {result['run_s']:.0f} s;"
        f" figures in {out.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
