"""Job matching benchmark (DESIGN section 7, issue 3 point 9): 100,000 offers, 10,000 profiles.

    .venv/bin/python bench/jobs.py [--offers 100000] [--profiles 10000]
        [--database-url postgres://postgres@127.0.0.1:5432/perspektive_jobs_bench]
        [--samples 100] [--quality 500] [--batch-country MA] [--reload]

Creates the database if missing, migrates it (the ESCO taxonomy comes with migration jobs
0002), and loads synthetic offers and job-seeker profiles with COPY, spread over the 13
partner countries and their cities (``perspektive.jobs.places``), with ESCO occupations
weighted towards the ISCO groups returnees work in. Data already loaded at the same size
and generator version are reused. Then, in one run and on the same data:

(a) top-20 offers for one profile through the real selector ``offers_for_client``, as the
    counsellor of the client's centre (p50/p95/p99 over ``--samples`` profiles), next to
    the selector as it was before this benchmark (bench/jobs_reference.py), with a check
    that both return exactly the same matches;
(b) the baseline: a brute-force loop that loads every open offer of the same scope (no
    ``MATCH_CANDIDATES`` cap) and scores each with ``matching.score``; how often its top
    20 differs from the selector's, and why;
(c) a batch: all profiles of one country against all open offers of that country, with
    ``matching.best_offers`` and with the brute-force double loop (on a sample of the
    profiles when the full loop would take too long: the output says so);
(d) quality on a labelled set built from ESCO: the true matches of a profile are the open
    offers of its country in a wanted occupation (or in the ISCO unit group of one);
    precision@10 and recall@10 of the selector's ranking.

Before the timed part it waits while another benchmark (bench/search.py) runs, and prints
the 1-minute load average before and after. Figures are printed as a Markdown table and
written to bench/out/jobs-<timestamp>.json; docs/benchmarks.md explains them.

The settings are ``perspektive.settings.local`` on ``DATABASE_URL``, with DEBUG turned off
after start-up (with DEBUG on, Django formats and keeps every query, which the timings
would include). The database name must contain "bench": loading truncates the tables.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/perspektive_jobs_bench"
OUT = ROOT / "bench" / "out"
SEED = 20261122
DATA_VERSION = 1  # bump when the generated data change
LIMIT = 20  # offers shown for one client
MIN_SCORE = 30  # the selector's default
BRUTE_BATCH_BUDGET_S = 150.0  # the brute-force batch loop runs on a sample past this
WAIT_POLL_S = 30
WAIT_MAX_S = 15 * 60

# Share of offers and of job-seekers per partner country.
COUNTRY_SHARES: dict[str, float] = {
    "AF": 0.09,
    "EG": 0.10,
    "AL": 0.06,
    "GM": 0.04,
    "GH": 0.06,
    "IQ": 0.12,
    "XK": 0.05,
    "MA": 0.09,
    "NG": 0.11,
    "PK": 0.10,
    "SN": 0.06,
    "RS": 0.06,
    "TN": 0.06,
}
# Languages spoken in the country, the first being the one most offers ask for.
COUNTRY_LANGUAGES: dict[str, list[str]] = {
    "AF": ["fa", "ps"],
    "EG": ["ar"],
    "AL": ["sq"],
    "GM": ["en", "wo"],
    "GH": ["en", "tw"],
    "IQ": ["ar", "ckb", "ku"],
    "XK": ["sq", "sr"],
    "MA": ["ar", "fr", "ber"],
    "NG": ["en", "ha", "yo", "ig"],
    "PK": ["ur", "en", "pa"],
    "SN": ["fr", "wo"],
    "RS": ["sr"],
    "TN": ["ar", "fr"],
}
CURRENCY = {
    "AF": "AFN",
    "EG": "EGP",
    "AL": "ALL",
    "GM": "GMD",
    "GH": "GHS",
    "IQ": "IQD",
    "XK": "EUR",
    "MA": "MAD",
    "NG": "NGN",
    "PK": "PKR",
    "SN": "XOF",
    "RS": "RSD",
    "TN": "TND",
}
# ISCO-08 prefixes and their weight among offers and wanted occupations: the trades that
# returnees work in, and some professionals (2) and technicians (3).
ISCO_WEIGHTS: list[tuple[str, float]] = [
    ("71", 16),  # building and related trades (bricklayers, carpenters, plumbers, painters)
    ("72", 11),  # metal, machinery (welders, mechanics)
    ("83", 11),  # drivers and mobile plant operators
    ("51", 7),  # personal services (cooks, waiters, cleaning supervisors, hairdressers)
    ("75", 6),  # food processing, wood, garment trades
    ("52", 9),  # sales
    ("53", 5),  # personal care
    ("92", 7),  # agricultural labourers
    ("61", 3),  # market-oriented agriculture
    ("93", 5),  # labourers in construction, manufacturing, transport
    ("74", 4),  # electrical and electronics trades
    ("41", 2),  # clerks
    ("2", 7),  # professionals
    ("3", 7),  # technicians and associate professionals
]
OFFER_STATUSES = [("published", 0.80), ("paused", 0.06), ("closed", 0.09), ("draft", 0.05)]

OFFER_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "title",
    "description",
    "languages",
    "region",
    "city",
    "latitude",
    "longitude",
    "contract_type",
    "working_time",
    "wage_min",
    "wage_max",
    "wage_currency",
    "wage_period",
    "positions",
    "start_date",
    "deadline",
    "status",
    "published_at",
    "country_id",
    "created_by_id",
    "employer_id",
    "registered_by_id",
    "occupation_id",
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


class Weighted:
    """Draws from a list with weights (bisect on cumulative weights: fast for many draws)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


@dataclass
class Taxonomy:
    """ESCO occupations (id, uri, ISCO unit group) and transversal skills, from the database."""

    occupations: dict[int, tuple[str, str]]  # id -> (uri, isco)
    labels: dict[int, str]
    by_minor: dict[str, list[int]]
    draw_occupation: Weighted
    skill_pools: dict[str, list[int]]  # ISCO sub-major group -> its usual skills
    skills: list[int]


def load_taxonomy(rng: random.Random) -> Taxonomy:
    from perspektive.jobs.models import Occupation, Skill, SkillKind

    occupations: dict[int, tuple[str, str]] = {}
    labels: dict[int, str] = {}
    by_minor: dict[str, list[int]] = defaultdict(list)
    by_prefix: dict[str, list[int]] = defaultdict(list)
    for pk, uri, isco, label in Occupation.objects.order_by("uri").values_list(
        "id", "uri", "isco_id", "label"
    ):
        occupations[pk] = (uri, isco)
        labels[pk] = label
        by_minor[isco[:3]].append(pk)
        for prefix, _weight in ISCO_WEIGHTS:
            if isco.startswith(prefix):
                by_prefix[prefix].append(pk)
    # Within a group, a few occupations are common and most are rare (Zipf on a shuffle).
    items: list[int] = []
    weights: list[float] = []
    for prefix, weight in ISCO_WEIGHTS:
        members = by_prefix[prefix][:]
        rng.shuffle(members)
        zipf = [1 / (rank + 1) ** 0.9 for rank in range(len(members))]
        total = sum(zipf)
        items += members
        weights += [weight * z / total for z in zipf]
    skills = list(
        Skill.objects.filter(kind=SkillKind.TRANSVERSAL)
        .order_by("uri")
        .values_list("id", flat=True)
    )
    pools = {
        isco[:2]: rng.sample(skills, 12) for _uri, isco in occupations.values() if len(isco) >= 2
    }
    return Taxonomy(occupations, labels, by_minor, Weighted(items, weights), pools, skills)


@dataclass
class Loaded:
    offers: int = 0
    profiles: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    reused: bool = False
    loaded_on: str = ""


def _cities(country: str) -> Weighted:
    from perspektive.jobs.places import CITIES

    names = list(CITIES[country])  # the first is the capital or the largest city
    return Weighted(names, [1 / (i + 1) for i in range(len(names))])


def _skills_for(rng: random.Random, tax: Taxonomy, isco: str, n: int) -> set[int]:
    pool = tax.skill_pools.get(isco[:2], tax.skills)
    chosen = set(rng.sample(pool, min(n, len(pool))))
    if rng.random() < 0.2:
        chosen.add(rng.choice(tax.skills))
    return chosen


def _near(rng: random.Random, tax: Taxonomy, occupation: int) -> int:
    """An occupation of the same ISCO minor group (often the same one)."""
    return rng.choice(tax.by_minor[tax.occupations[occupation][1][:3]])


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    n = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def load_data(n_offers: int, n_profiles: int, *, reload: bool) -> Loaded:
    """Offers, profiles, and who may see them, loaded with COPY unless already there."""
    from django.db import connection, transaction

    from perspektive.clients.search_keys import search_keys_for
    from perspektive.jobs.places import CITIES

    fingerprint = f"v{DATA_VERSION} seed {SEED} offers {n_offers} profiles {n_profiles}"
    with connection.cursor() as c:
        c.execute("CREATE TABLE IF NOT EXISTS jobs_bench_meta (key text PRIMARY KEY, value text)")
        c.execute("SELECT value FROM jobs_bench_meta WHERE key = 'fingerprint'")
        row = c.fetchone()
        c.execute("SELECT value FROM jobs_bench_meta WHERE key = 'loaded_on'")
        day = c.fetchone()
        c.execute("SELECT count(*) FROM jobs_joboffer")
        have_offers = c.fetchone()[0]
        c.execute("SELECT count(*) FROM jobs_jobseekerprofile")
        have_profiles = c.fetchone()[0]
    if (
        not reload
        and row
        and row[0] == fingerprint
        and (have_offers, have_profiles) == (n_offers, n_profiles)
    ):
        print(f"reusing the loaded data ({fingerprint}, loaded on {day[0] if day else '?'})")
        return Loaded(n_offers, n_profiles, reused=True, loaded_on=day[0] if day else "")

    started = time.perf_counter()
    rng = random.Random(SEED)
    tax = load_taxonomy(rng)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    countries = list(COUNTRY_SHARES)
    draw_country = Weighted(countries, list(COUNTRY_SHARES.values()))
    cities = {c: _cities(c) for c in countries}
    rows: dict[str, int] = {}

    # Organisations: a counselling centre per country (its counsellor sees its clients) and
    # 30 employers per country.
    orgs: list[tuple[Any, ...]] = []
    centre: dict[str, int] = {}
    employers: dict[str, list[int]] = defaultdict(list)
    for country in countries:
        capital = next(iter(CITIES[country]))
        orgs.append(
            (
                len(orgs) + 1,
                f"Jobs bench centre {capital}",
                f"jobs-bench-{country.lower()}",
                "counselling_centre",
                country,
                capital,
            )
        )
        centre[country] = len(orgs)
        for i in range(30):
            city = cities[country].draw(rng)
            orgs.append(
                (
                    len(orgs) + 1,
                    f"Jobs bench employer {country}-{i}",
                    f"jobs-bench-{country.lower()}-employer-{i}",
                    "employer",
                    country,
                    city,
                )
            )
            employers[country].append(len(orgs))

    def org_rows() -> Iterable[Sequence[Any]]:
        for pk, name, slug, kind, country, city in orgs:
            yield (pk, now, now, name, slug, kind, city, "", "", True, country)

    # Profiles (and their clients) ------------------------------------------------------------
    profiles: list[tuple[Any, ...]] = []
    clients: list[tuple[Any, ...]] = []
    wanted: list[tuple[int, int, int]] = []
    profile_skills: list[tuple[int, int, int]] = []
    experiences: list[tuple[Any, ...]] = []
    for pid in range(1, n_profiles + 1):
        country = draw_country.draw(rng)
        langs = COUNTRY_LANGUAGES[country]
        first = tax.draw_occupation.draw(rng)
        chosen = [first]
        if rng.random() < 0.5:
            second = _near(rng, tax, first) if rng.random() < 0.6 else tax.draw_occupation.draw(rng)
            if second != first:
                chosen.append(second)
        held: list[int] = []
        for _ in range(rng.choices([0, 1, 2], [0.35, 0.4, 0.25])[0]):
            held.append(
                _near(rng, tax, rng.choice(chosen))
                if rng.random() < 0.6
                else tax.draw_occupation.draw(rng)
            )
        skills: set[int] = set()
        for occ in chosen + held:
            skills |= _skills_for(rng, tax, tax.occupations[occ][1], rng.randint(1, 4))
        languages = {langs[0]: 4 if rng.random() < 0.9 else 3}
        for extra in langs[1:]:
            if rng.random() < 0.4:
                languages[extra] = rng.randint(2, 4)
        if rng.random() < 0.5:  # returnees from Germany
            languages["de"] = rng.randint(1, 3)
        if "en" not in languages and rng.random() < 0.3:
            languages["en"] = rng.randint(1, 3)
        city = "" if rng.random() < 0.05 else cities[country].draw(rng)
        point = CITIES[country].get(city)
        available = None if rng.random() < 0.3 else today + dt.timedelta(rng.randint(-60, 90))
        created = now - dt.timedelta(days=rng.randint(0, 700))
        org = centre[country]
        name = f"Jobseeker {pid:05d}"
        clients.append(
            (
                pid,
                created,
                created,
                name,
                name,
                search_keys_for(name, name, [org]),
                None,
                False,
                "undisclosed",
                country,
                json.dumps(langs[:1]),
                "",
                "",
                "returnee_germany",
                None,
                None,
                None,
                None,
                None,
                None,
                org,
                None,
            )
        )
        profiles.append(
            (
                pid,
                created,
                created,
                json.dumps(languages),
                city,
                point[0] if point else None,
                point[1] if point else None,
                rng.random() < 0.2,
                rng.choice([10, 30, 30, 50, 100]),
                available,
                "",
                pid,
                country,
            )
        )
        for occ in chosen:
            wanted.append((len(wanted) + 1, pid, occ))
        for skill in sorted(skills):
            profile_skills.append((len(profile_skills) + 1, pid, skill))
        for occ in held:
            start = dt.date(rng.randint(2008, 2023), rng.randint(1, 12), 1)
            end = start + dt.timedelta(days=rng.randint(120, 1800))
            abroad = rng.random() < 0.45
            experiences.append(
                (
                    len(experiences) + 1,
                    "",
                    "DE" if abroad else country,
                    start,
                    min(end, today),
                    "",
                    pid,
                    occ,
                )
            )

    # Offers ----------------------------------------------------------------------------------
    statuses = Weighted([s for s, _ in OFFER_STATUSES], [w for _, w in OFFER_STATUSES])
    offers: list[tuple[Any, ...]] = []
    required: list[tuple[int, int, int]] = []
    optional: list[tuple[int, int, int]] = []
    for oid in range(1, n_offers + 1):
        country = draw_country.draw(rng)
        langs = COUNTRY_LANGUAGES[country]
        occ = tax.draw_occupation.draw(rng)
        isco = tax.occupations[occ][1]
        status = statuses.draw(rng)
        published = (
            None if status == "draft" else now - dt.timedelta(minutes=rng.randint(0, 180_000))
        )
        created = (published or now) - dt.timedelta(days=rng.randint(0, 10))
        deadline = None
        if rng.random() < 0.7:
            deadline = (published or now).date() + dt.timedelta(days=rng.randint(30, 180))
        start = (
            None
            if rng.random() < 0.25
            else (published or now).date() + dt.timedelta(days=rng.randint(7, 120))
        )
        if rng.random() < 0.92:
            city = cities[country].draw(rng)
            point: tuple[float, float] | None = CITIES[country][city]
        else:  # a town the gazetteer does not know
            city, point = f"Town {rng.randint(1, 40)}", None
        languages: dict[str, int] = {}
        if rng.random() < 0.9:
            languages[langs[0]] = rng.choice([2, 3, 3])
        if rng.random() < 0.25:
            extra = rng.choice([*langs[1:], "en", "fr", "de"])
            languages.setdefault(extra, rng.randint(1, 3))
        wage = rng.randint(2, 40) * 50
        offers.append(
            (
                oid,
                created,
                created,
                tax.labels[occ][:200],
                "",
                json.dumps(languages),
                "",
                city,
                point[0] if point else None,
                point[1] if point else None,
                rng.choice(["permanent", "fixed_term", "seasonal", "daily", "apprenticeship"]),
                rng.choice(["full_time", "full_time", "part_time", "shifts"]),
                wage,
                wage * 1.3,
                CURRENCY[country],
                "month",
                rng.choice([1, 1, 1, 2, 3, 5]),
                start,
                deadline,
                status,
                published,
                country,
                None,
                rng.choice(employers[country]),
                centre[country] if rng.random() < 0.5 else None,
                occ,
            )
        )
        for skill in sorted(_skills_for(rng, tax, isco, rng.randint(1, 3))):
            required.append((len(required) + 1, oid, skill))
        if rng.random() < 0.6:
            for skill in sorted(_skills_for(rng, tax, isco, rng.randint(1, 3))):
                optional.append((len(optional) + 1, oid, skill))
    generated = time.perf_counter()

    tables = [
        "jobs_applicationevent",
        "jobs_application",
        "jobs_joboffer_required_skills",
        "jobs_joboffer_optional_skills",
        "jobs_joboffer",
        "jobs_experience",
        "jobs_qualification",
        "jobs_jobseekerprofile_occupations_wanted",
        "jobs_jobseekerprofile_skills",
        "jobs_jobseekerprofile",
        "clients_client",
        "organisations_membership",
        "organisations_organisation",
        "accounts_user",
    ]
    with transaction.atomic(), connection.cursor() as c:
        c.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cur = c.cursor  # the psycopg cursor under Django's wrapper: COPY
        rows["organisations"] = _copy(
            cur,
            "organisations_organisation",
            [
                "id",
                "created_at",
                "updated_at",
                "name",
                "slug",
                "kind",
                "city",
                "email",
                "phone",
                "is_active",
                "country_id",
            ],
            org_rows(),
        )
        rows["users"] = _copy(
            cur,
            "accounts_user",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "email",
                "name",
                "preferred_language",
                "is_active",
                "is_staff",
                "date_joined",
            ],
            (
                (
                    i,
                    "!",
                    None,
                    False,
                    f"counsellor-{c.lower()}@jobs.bench",
                    f"Counsellor {c}",
                    "en",
                    True,
                    False,
                    now,
                )
                for i, c in enumerate(countries, start=1)
            ),
        )
        _copy(
            cur,
            "organisations_membership",
            ["id", "created_at", "updated_at", "role", "is_active", "user_id", "organisation_id"],
            (
                (i, now, now, "counsellor", True, i, centre[c])
                for i, c in enumerate(countries, start=1)
            ),
        )
        rows["clients"] = _copy(
            cur,
            "clients_client",
            [
                "id",
                "created_at",
                "updated_at",
                "name",
                "name_latin",
                "search_keys",
                "birth_date",
                "birth_date_approximate",
                "sex",
                "nationality",
                "languages",
                "phone",
                "email",
                "target_group",
                "household_size",
                "children_count",
                "health_notes",
                "psychosocial_notes",
                "migration_status",
                "created_by_id",
                "organisation_id",
                "user_id",
            ],
            clients,
        )
        rows["profiles"] = _copy(
            cur,
            "jobs_jobseekerprofile",
            [
                "id",
                "created_at",
                "updated_at",
                "languages",
                "city",
                "latitude",
                "longitude",
                "willing_to_move",
                "max_distance_km",
                "available_from",
                "summary",
                "client_id",
                "country_id",
            ],
            profiles,
        )
        rows["wanted"] = _copy(
            cur,
            "jobs_jobseekerprofile_occupations_wanted",
            ["id", "jobseekerprofile_id", "occupation_id"],
            wanted,
        )
        rows["profile_skills"] = _copy(
            cur,
            "jobs_jobseekerprofile_skills",
            ["id", "jobseekerprofile_id", "skill_id"],
            profile_skills,
        )
        rows["experiences"] = _copy(
            cur,
            "jobs_experience",
            [
                "id",
                "employer_name",
                "country",
                "start_date",
                "end_date",
                "description",
                "profile_id",
                "occupation_id",
            ],
            experiences,
        )
        rows["offers"] = _copy(cur, "jobs_joboffer", OFFER_COLUMNS, offers)
        rows["required_skills"] = _copy(
            cur, "jobs_joboffer_required_skills", ["id", "joboffer_id", "skill_id"], required
        )
        rows["optional_skills"] = _copy(
            cur, "jobs_joboffer_optional_skills", ["id", "joboffer_id", "skill_id"], optional
        )
        for table in tables:
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        c.execute("DELETE FROM jobs_bench_meta")
        c.execute(
            "INSERT INTO jobs_bench_meta VALUES ('fingerprint', %s), ('loaded_on', %s)",
            [fingerprint, today.isoformat()],
        )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(
        f"loaded {n_offers:,} offers and {n_profiles:,} profiles in {seconds:.1f} s"
        f" (generation {generated - started:.1f} s, COPY and ANALYZE"
        f" {seconds - (generated - started):.1f} s): {rows}"
    )
    return Loaded(n_offers, n_profiles, seconds, rows, loaded_on=today.isoformat())


# --- Facts for the baseline --------------------------------------------------------------------


def open_offer_facts(country: str | None) -> list[Any]:
    """Every open offer of a country (or of all countries) as matching facts, no cap: what
    the brute-force baseline scores. Three queries; the same facts as ``offer_facts``."""
    from perspektive.jobs.matching import OfferFacts
    from perspektive.jobs.models import JobOffer
    from perspektive.jobs.selectors import _open_offers

    qs = _open_offers()
    if country:
        qs = qs.filter(country_id=country)
    skills: dict[str, dict[int, set[str]]] = {
        "required": defaultdict(set),
        "optional": defaultdict(set),
    }
    for kind, through in (
        ("required", JobOffer.required_skills.through),
        ("optional", JobOffer.optional_skills.through),
    ):
        links = through.objects.filter(joboffer__in=qs.values("id"))
        for offer_id, uri in links.values_list("joboffer_id", "skill__uri"):
            skills[kind][offer_id].add(uri)
    out = []
    for pk, uri, isco, languages, ctry, city, lat, lon, start in qs.values_list(
        "id",
        "occupation__uri",
        "occupation__isco_id",
        "languages",
        "country_id",
        "city",
        "latitude",
        "longitude",
        "start_date",
    ):
        out.append(
            OfferFacts(
                id=pk,
                occupation=uri,
                isco=isco,
                required_skills=frozenset(skills["required"].get(pk, ())),
                optional_skills=frozenset(skills["optional"].get(pk, ())),
                languages={k: int(v) for k, v in (languages or {}).items()},
                country=ctry,
                city=city,
                location=(lat, lon) if lat is not None and lon is not None else None,
                start_date=start,
            )
        )
    return out


def profile_facts_for(ids: Iterable[int] | None = None, country: str = "") -> list[Any]:
    from perspektive.jobs.models import JobSeekerProfile
    from perspektive.jobs.selectors import profile_facts

    qs = JobSeekerProfile.objects.prefetch_related(
        "occupations_wanted", "skills", "experiences__occupation"
    ).order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if country:
        qs = qs.filter(country_id=country)
    return [profile_facts(p) for p in qs]


def brute_top(profile: Any, offers: Iterable[Any], limit: int = LIMIT) -> list[Any]:
    """The baseline ranking: score every offer, keep those above the minimum, sort."""
    from perspektive.jobs.matching import score

    scored = [score(o, profile) for o in offers]
    kept = [m for m in scored if m.score >= MIN_SCORE]
    kept.sort(key=lambda m: (-m.score, m.offer_id))
    return kept[:limit]


def candidate_ids(country: str | None) -> set[int]:
    """The offers the selector scores: the newest ``MATCH_CANDIDATES`` open ones."""
    from perspektive.jobs.selectors import MATCH_CANDIDATES, _open_offers

    qs = _open_offers()
    if country:
        qs = qs.filter(country_id=country)
    return set(qs.order_by("-published_at", "-id").values_list("id", flat=True)[:MATCH_CANDIDATES])


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


# Work that makes timings worthless: the other benchmark, and test suites run by others.
BUSY_PATTERNS = ["bench/search.py", "pytest"]


def other_benchmarks() -> list[str]:
    found = []
    for pattern in BUSY_PATTERNS:
        out = subprocess.run(
            ["pgrep", "-af", pattern], capture_output=True, text=True, check=False
        ).stdout
        found += [line for line in out.splitlines() if line.strip()]
    return found


def wait_for_quiet_machine(force: bool, max_wait: int = WAIT_MAX_S) -> dict[str, Any]:
    waited = 0
    while others := other_benchmarks():
        if waited >= max_wait:
            print(f"another benchmark still runs after {waited} s: {others}")
            if not force:
                sys.exit("not measuring on a busy machine (use --force to measure anyway)")
            return {"waited_s": waited, "busy": True}
        print(f"another benchmark runs ({others[0][:80]}); waiting {WAIT_POLL_S} s")
        time.sleep(WAIT_POLL_S)
        waited += WAIT_POLL_S
    return {"waited_s": waited, "busy": False}


def fresh(user: Any) -> Any:
    """As in a new request: the user's roles are looked up again."""
    user.__dict__.pop("_principal", None)
    return user


Selector = Any  # offers_for_client or its copy in jobs_reference


def time_selector(
    selector: Selector, samples: list[tuple[int, str]], users: dict[str, Any]
) -> tuple[list[float], dict[int, list[tuple[Any, ...]]]]:
    """One pass of the selector over the samples: times (ms) and results."""
    times: list[float] = []
    results: dict[int, list[tuple[Any, ...]]] = {}
    for pid, country in samples:
        user = fresh(users[country])
        t0 = time.perf_counter()
        _profile, found = selector(user=user, client_id=pid)
        times.append((time.perf_counter() - t0) * 1000)
        results[pid] = [(m.offer.pk, m.match, m.proposed) for m in found]
    return times, results


@dataclass
class BruteResult:
    profile_id: int
    willing: bool
    ms: float
    loop_ms: float
    offers: int
    top: list[Any]


def time_brute(samples: list[tuple[int, str]]) -> list[BruteResult]:
    """The baseline for each sample: load the profile and every open offer of its scope
    (the country, or everywhere for those willing to move; no cap), score all, sort."""
    out = []
    for pid, _country in samples:
        t0 = time.perf_counter()
        (facts,) = profile_facts_for([pid])
        offers = open_offer_facts(None if facts.willing_to_move else facts.country)
        t1 = time.perf_counter()
        top = brute_top(facts, offers)
        t2 = time.perf_counter()
        out.append(
            BruteResult(
                pid, facts.willing_to_move, (t2 - t0) * 1000, (t2 - t1) * 1000, len(offers), top
            )
        )
    return out


def compare_with_brute(
    results: dict[int, list[tuple[Any, ...]]], brute: list[BruteResult]
) -> dict[str, Any]:
    """How often the selector's top 20 equals the brute force's, and whether the
    ``MATCH_CANDIDATES`` cap explains every difference: the brute force over the same
    newest offers only must then give exactly the selector's matches."""
    same = explained = 0
    overlaps = []
    for b in brute:
        got = [match for _pk, match, _proposed in results[b.profile_id]]
        if got == b.top:
            same += 1
            continue
        overlaps.append(len({m.offer_id for m in got} & {m.offer_id for m in b.top}))
        (facts,) = profile_facts_for([b.profile_id])
        scope = None if facts.willing_to_move else facts.country
        allowed = candidate_ids(scope)
        offers = [o for o in open_offer_facts(scope) if o.id in allowed]
        explained += brute_top(facts, offers) == got
    return {
        "profiles": len(brute),
        "same_top20": same,
        "differ": len(brute) - same,
        "differ_explained_by_cap": explained,
        "differ_mean_overlap": round(statistics.fmean(overlaps), 1) if overlaps else None,
    }


PROPOSED_INDEXES = [
    "CREATE INDEX IF NOT EXISTS jobs_bench_open_newest ON jobs_joboffer"
    " (published_at DESC, id DESC) INCLUDE (deadline, occupation_id)"
    " WHERE status = 'published'",
    "CREATE INDEX IF NOT EXISTS jobs_bench_open_newest_country ON jobs_joboffer"
    " (country_id, published_at DESC, id DESC) INCLUDE (deadline, occupation_id)"
    " WHERE status = 'published'",
]


def with_proposed_indexes(run: Any) -> Any:
    """Run ``run()`` with the proposed partial indexes (docs/benchmarks.md), then drop them:
    the database is left as the migrations made it."""
    from django.db import connection

    with connection.cursor() as c:
        for sql in PROPOSED_INDEXES:
            c.execute(sql)
        c.execute("VACUUM ANALYZE jobs_joboffer")  # index-only scans need the visibility map
    try:
        return run()
    finally:
        with connection.cursor() as c:
            c.execute("DROP INDEX IF EXISTS jobs_bench_open_newest")
            c.execute("DROP INDEX IF EXISTS jobs_bench_open_newest_country")
            c.execute("ANALYZE jobs_joboffer")


def counsellors() -> dict[str, Any]:
    from perspektive.accounts.models import User
    from perspektive.organisations.models import Membership

    out = {}
    for m in Membership.objects.filter(
        organisation__slug__startswith="jobs-bench-", role="counsellor"
    ):
        out[m.organisation.country_id] = User.objects.get(pk=m.user_id)
    return out


def run_batch(country: str, rng: random.Random) -> dict[str, Any]:
    from perspektive.jobs import matching

    t0 = time.perf_counter()
    offers = open_offer_facts(country)
    t1 = time.perf_counter()
    profiles = profile_facts_for(country=country)
    t2 = time.perf_counter()
    engine: dict[int, list[Any]] = {}
    for p in profiles:
        engine[p.id] = matching.best_offers(p, offers, limit=LIMIT, min_score=MIN_SCORE)
    t3 = time.perf_counter()
    engine_s = t3 - t2
    # The brute-force double loop: time a few profiles first, then all or a sample.
    probe = profiles[:10]
    b0 = time.perf_counter()
    brute = {p.id: brute_top(p, offers) for p in probe}
    per_profile = (time.perf_counter() - b0) / len(probe)
    rest = [p for p in profiles if p.id not in brute]
    if per_profile * len(profiles) > BRUTE_BATCH_BUDGET_S:
        k = max(0, int(BRUTE_BATCH_BUDGET_S / per_profile) - len(probe))
        rest = rng.sample(rest, min(k, len(rest)))
    b1 = time.perf_counter()
    for p in rest:
        brute[p.id] = brute_top(p, offers)
    brute_s = (time.perf_counter() - b1) + per_profile * len(probe)
    brute_n = len(brute)
    brute_full_s = brute_s / brute_n * len(profiles)
    pairs = len(profiles) * len(offers)
    differ = sum(1 for pid, top in brute.items() if engine[pid] != top)
    return {
        "country": country,
        "profiles": len(profiles),
        "offers": len(offers),
        "pairs": pairs,
        "load_offers_s": round(t1 - t0, 2),
        "load_profiles_s": round(t2 - t1, 2),
        "engine_s": round(engine_s, 2),
        "engine_pairs_per_s": round(pairs / engine_s),
        "brute_profiles": brute_n,
        "brute_sampled": brute_n < len(profiles),
        "brute_s": round(brute_s, 2),
        "brute_full_s": round(brute_full_s, 2),
        "brute_pairs_per_s": round(brute_n * len(offers) / brute_s),
        "ratio": round(brute_full_s / engine_s, 1),
        "engine_differs_from_brute": differ,
    }


@dataclass
class Quality:
    profiles: int = 0
    with_true: int = 0
    shown: int = 0
    hits: int = 0
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    recall_attainable: list[float] = field(default_factory=list)
    base_rate: list[float] = field(default_factory=list)
    true_sizes: list[int] = field(default_factory=list)

    def add(self, top10: list[int], true: set[int], pool: int) -> None:
        self.profiles += 1
        hits = sum(1 for i in top10 if i in true)
        self.shown += len(top10)
        self.hits += hits
        if top10:
            self.precision.append(hits / len(top10))
        if true:
            self.with_true += 1
            self.true_sizes.append(len(true))
            self.recall.append(hits / len(true))
            self.recall_attainable.append(hits / min(10, len(true)))
            self.base_rate.append(len(true) / pool if pool else 0.0)

    def report(self) -> dict[str, Any]:
        def mean(v: list[float]) -> float:
            return round(statistics.fmean(v), 3) if v else float("nan")

        return {
            "profiles": self.profiles,
            "with_true_matches": self.with_true,
            "precision@10": mean(self.precision),
            "recall@10": mean(self.recall),
            "recall@10_attainable": mean(self.recall_attainable),
            "random_precision": mean(self.base_rate),
            "median_true_matches": statistics.median(self.true_sizes) if self.true_sizes else 0,
        }


def offer_index() -> tuple[dict[int, tuple[str, str, str]], Counter[str]]:
    """Every open offer: id -> (country, occupation URI, ISCO unit); open offers per country."""
    from perspektive.jobs.selectors import _open_offers

    index = {
        pk: (c, uri, isco)
        for pk, c, uri, isco in _open_offers().values_list(
            "id", "country_id", "occupation__uri", "occupation__isco_id"
        )
    }
    return index, Counter(c for c, _u, _i in index.values())


def true_matches(
    facts: Any, index: dict[int, tuple[str, str, str]], by_key: dict[tuple[str, str], set[int]]
) -> tuple[set[int], set[int]]:
    exact: set[int] = set()
    unit: set[int] = set()
    for uri, isco in facts.wanted.items():
        exact |= by_key.get((facts.country, uri), set())
        unit |= by_key.get((facts.country, "isco:" + isco), set())
    return exact, unit


def run_quality(
    ranked: dict[int, list[int]],
    facts: dict[int, Any],
    index: dict[int, tuple[str, str, str]],
    per_country: Counter[str],
) -> dict[str, Any]:
    by_key: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pk, (country, uri, isco) in index.items():
        by_key[(country, uri)].add(pk)
        by_key[(country, "isco:" + isco)].add(pk)
    exact_q, unit_q = Quality(), Quality()
    for pid, ids in ranked.items():
        f = facts[pid]
        exact, unit = true_matches(f, index, by_key)
        pool = sum(per_country.values()) if f.willing_to_move else per_country[f.country]
        exact_q.add(ids[:10], exact, pool)
        unit_q.add(ids[:10], unit, pool)
    return {"same_occupation": exact_q.report(), "same_unit_group": unit_q.report()}


def explain(country: str, path: Path) -> None:
    """EXPLAIN ANALYZE of the selector's candidate query (the newest ``MATCH_CANDIDATES``
    open offers: ids and occupations), for one country and for every country."""
    from django.db import connection

    from perspektive.jobs.selectors import MATCH_CANDIDATES, _open_offers

    parts = []
    for scope in (country, ""):
        qs = _open_offers().filter(country_id=scope) if scope else _open_offers()
        query = qs.order_by("-published_at", "-id").values_list("id", "occupation_id")
        sql, params = query[:MATCH_CANDIDATES].query.sql_with_params()
        with connection.cursor() as c:
            c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(r[0] for r in c.fetchall())
        parts.append(f"-- candidate query, {scope or 'every country'}\n{plan}\n")
    path.write_text("\n".join(parts))


def profile_selector(samples: list[tuple[int, str]], users: dict[str, Any], path: Path) -> None:
    import cProfile
    import pstats

    from perspektive.jobs import selectors

    prof = cProfile.Profile()
    prof.enable()
    for pid, country in samples:
        selectors.offers_for_client(user=fresh(users[country]), client_id=pid)
    prof.disable()
    with path.open("w") as fh:
        pstats.Stats(prof, stream=fh).sort_stats("cumulative").print_stats(40)
    print(f"cProfile of {len(samples)} selector calls: {path}")


# --- Main --------------------------------------------------------------------------------------


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--samples", type=int, default=100, help="profiles timed one by one")
    parser.add_argument("--quality", type=int, default=500, help="profiles in the labelled set")
    parser.add_argument("--batch-country", default="MA")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--force", action="store_true", help="measure even on a busy machine")
    parser.add_argument(
        "--max-wait", type=int, default=WAIT_MAX_S, help="seconds to wait for a quiet machine"
    )
    parser.add_argument("--cprofile", action="store_true", help="cProfile 30 selector calls")
    args = parser.parse_args()

    ensure_database(args.database_url)
    setup_django(args.database_url)
    loaded = load_data(args.offers, args.profiles, reload=args.reload)

    from django.db import connection

    from perspektive.jobs.models import JobSeekerProfile
    from perspektive.jobs.selectors import MATCH_CANDIDATES

    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    rng = random.Random(SEED + 1)
    users = counsellors()
    everyone = list(JobSeekerProfile.objects.order_by("id").values_list("id", "country_id"))
    picked = rng.sample(everyone, min(len(everyone), args.samples + args.quality + 5))
    warm, samples, quality_set = (
        picked[:5],
        picked[5 : 5 + args.samples],
        picked[5 + args.samples :],
    )
    with connection.cursor() as c:
        c.execute("SELECT version()")
        pg_version = c.fetchone()[0].split(" on ")[0]

    quiet = wait_for_quiet_machine(args.force, args.max_wait)
    load_before = os.getloadavg()[0]
    print(f"load average (1 min) before the timed part: {load_before:.2f}")
    started = time.perf_counter()
    from bench import jobs_reference
    from perspektive.jobs.selectors import offers_for_client

    # Warm-up (caches, connection, imports), then one pass per variant, each on its own
    # so that one variant's garbage is not collected in another's timings.
    time_selector(offers_for_client, warm, users)
    time_selector(jobs_reference.offers_for_client, warm, users)
    phases: dict[str, dict[str, Any]] = {}

    def phase(name: str) -> None:
        phases[name] = {"load": round(os.getloadavg()[0], 2), "busy": other_benchmarks()}
        print(f"{name} (load {phases[name]['load']:.2f})")

    phase(f"(a) selector, {len(samples)} profiles")
    gc.collect()
    sel_ms, sel_res = time_selector(offers_for_client, samples, users)
    gc.collect()
    ref_ms, ref_res = time_selector(jobs_reference.offers_for_client, samples, users)
    phase(f"(b) brute force, {len(samples)} profiles")
    gc.collect()
    brute = time_brute(samples)
    phase(f"(c) batch, country {args.batch_country}")
    gc.collect()
    batch = run_batch(args.batch_country, rng)
    phase(f"(d) quality: {len(quality_set)} more profiles through the selector")
    gc.collect()
    quality_ms, quality_res = time_selector(offers_for_client, quality_set, users)
    phase("(e) selector with the proposed indexes")
    gc.collect()
    idx_ms, idx_res = with_proposed_indexes(
        lambda: time_selector(offers_for_client, samples, users)
    )
    timed_s = time.perf_counter() - started
    load_after = os.getloadavg()[0]
    busy_after = other_benchmarks()
    print(f"load average (1 min) after the timed part: {load_after:.2f}")

    willing = {b.profile_id for b in brute if b.willing}
    versus_brute = compare_with_brute(sel_res, brute)
    index, per_country = offer_index()
    all_ids = list(sel_res) + list(quality_res)
    facts = {f.id: f for f in profile_facts_for(all_ids)}

    def offer_ids(results: dict[int, list[tuple[Any, ...]]]) -> dict[int, list[int]]:
        return {pid: [pk for pk, _m, _p in rows] for pid, rows in results.items()}

    quality = {
        "selector": run_quality(offer_ids({**sel_res, **quality_res}), facts, index, per_country),
        "selector_timed_sample": run_quality(offer_ids(sel_res), facts, index, per_country),
        "brute_force_timed_sample": run_quality(
            {b.profile_id: [m.offer_id for m in b.top] for b in brute}, facts, index, per_country
        ),
    }
    if args.cprofile:
        profile_selector(samples[:30], users, OUT / f"jobs-cprofile-{stamp}.txt")
    explain(args.batch_country, OUT / "jobs-explain.txt")

    def split(times: list[float], which: bool) -> dict[str, float]:
        chosen = [
            t for (pid, _c), t in zip(samples, times, strict=True) if (pid in willing) == which
        ]
        return summary(chosen) if chosen else {}

    sel, ref, idx = summary(sel_ms), summary(ref_ms), summary(idx_ms)
    bru = summary([b.ms for b in brute])
    loop = summary([b.loop_ms for b in brute])
    result = {
        "stamp": stamp,
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "postgres": pg_version,
            "load_before": round(load_before, 2),
            "load_after": round(load_after, 2),
            "waited_for_other_benchmark_s": quiet["waited_s"],
            "other_work_during_run": bool(busy_after)
            or quiet["busy"]
            or any(p["busy"] for p in phases.values()),
            "phases": phases,
        },
        "data": {
            "offers": args.offers,
            "profiles": args.profiles,
            "open_offers": len(index),
            "open_per_country": dict(sorted(per_country.items())),
            "load_s": round(loaded.seconds, 1),
            "reused": loaded.reused,
            "loaded_on": loaded.loaded_on,
            "rows": loaded.rows,
            "match_candidates": MATCH_CANDIDATES,
        },
        "single": {
            "profiles": len(samples),
            "willing_to_move": len(willing),
            "selector_ms": sel,
            "selector_before_ms": ref,
            "selector_with_proposed_indexes_ms": idx,
            "brute_force_ms": bru,
            "brute_force_loop_only_ms": loop,
            "selector_local_ms": split(sel_ms, False),
            "selector_willing_ms": split(sel_ms, True),
            "selector_with_indexes_local_ms": split(idx_ms, False),
            "selector_with_indexes_willing_ms": split(idx_ms, True),
            "brute_local_ms": summary([b.ms for b in brute if not b.willing]),
            "brute_willing_ms": summary([b.ms for b in brute if b.willing]) if willing else {},
            "quality_run_selector_ms": summary(quality_ms) if quality_ms else {},
            "ratio_p95_brute_over_selector": round(bru["p95"] / sel["p95"], 1),
            "ratio_p50_brute_over_selector": round(bru["p50"] / sel["p50"], 1),
            "ratio_p95_before_over_selector": round(ref["p95"] / sel["p95"], 1),
            "ratio_p50_before_over_selector": round(ref["p50"] / sel["p50"], 1),
            "same_as_before": sum(sel_res[pid] == ref_res[pid] for pid in sel_res),
            "same_with_proposed_indexes": sum(sel_res[pid] == idx_res[pid] for pid in sel_res),
            "versus_brute_force": versus_brute,
        },
        "batch": batch,
        "quality": quality,
        "timed_part_s": round(timed_s, 1),
    }
    out = OUT / f"jobs-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, default=str))

    def row(name: str, s: dict[str, float]) -> list[str]:
        return [name, f"{s['p50']:.1f}", f"{s['p95']:.1f}", f"{s['p99']:.1f}", f"{s['mean']:.1f}"]

    print()
    print(
        table(
            [
                ["top 20 for one profile (ms)", "p50", "p95", "p99", "mean"],
                row("selector offers_for_client", sel),
                row("  profiles staying in their country", result["single"]["selector_local_ms"]),
                row("  profiles willing to move", result["single"]["selector_willing_ms"]),
                row("selector, proposed indexes", idx),
                row("selector before (jobs_reference)", ref),
                row("brute force: load scope + score all", bru),
                row("brute force: scoring loop only", loop),
            ]
        )
    )
    s = result["single"]
    print(
        f"ratio brute/selector p95 {s['ratio_p95_brute_over_selector']}x,"
        f" p50 {s['ratio_p50_brute_over_selector']}x; before/now p95"
        f" {s['ratio_p95_before_over_selector']}x, p50 {s['ratio_p50_before_over_selector']}x"
    )
    print(
        f"same as before: {s['same_as_before']}/{len(samples)}; same with the indexes:"
        f" {s['same_with_proposed_indexes']}/{len(samples)}; versus brute force:"
        f" {json.dumps(versus_brute)}"
    )
    print(f"batch: {json.dumps(batch)}")
    print(f"quality: {json.dumps(quality, indent=1)}")
    print(f"load {load_before:.2f} -> {load_after:.2f}; figures in {out}")


if __name__ == "__main__":
    main()
