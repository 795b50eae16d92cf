"""Client search benchmark (DESIGN section 7): search over N clients on PostgreSQL.

    .venv/bin/python bench/search.py [--clients 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/perspektive_bench] [--reload]

Creates the database if missing, migrates it, loads N synthetic clients (bench/synth.py;
COPY from two worker processes, ``search_keys`` as the client services compute them:
name keys plus holder tokens), reusing them when already loaded at this size and content,
then measures in one run, through the project's own selectors:

* ``client_search`` as a counsellor of one centre and as a counsellor of all 15
  organisations, over a set of names in several scripts and spellings;
* the baseline: ``name_latin__icontains``, first page of 25, same scope, same queries;
* ``client_duplicates`` (name + date of birth);
* the same with the changes prototyped in bench/proposals.py, and with JIT off;
* recall on a labelled sample: persons registered under several spellings and scripts;
* EXPLAIN ANALYZE of representative queries (bench/out/explain-<timestamp>.txt).

Figures are printed and written to bench/out/search-<timestamp>.json; docs/benchmarks.md
explains them. The database name must contain "bench": loading truncates the client table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import synth  # noqa: E402
from perspektive.core import names  # noqa: E402 (pure: no settings needed)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/perspektive_bench"
ALL_PROPOSALS = "+ wide-scope holder filter, JIT off"
SEED = 20261122
CHUNK = 20_000
OUT = ROOT / "bench" / "out"
PLANTED = 200

CLIENT_COLUMNS = [
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
    "organisation_id",
]
CASE_COLUMNS = [
    "created_at",
    "updated_at",
    "status",
    "vulnerabilities",
    "client_id",
    "organisation_id",
    "closed_at",
]
PHONE_PREFIX = {
    "AF": "+9370",
    "EG": "+20100",
    "AL": "+35569",
    "GM": "+2207",
    "GH": "+23324",
    "IQ": "+964750",
    "XK": "+38344",
    "MA": "+2126",
    "NG": "+234803",
    "PK": "+92300",
    "SN": "+22177",
    "RS": "+38164",
    "TN": "+2162",
}

# The query set: (label, query). Rare ones are added from the planted sample at run time.
QUERIES: list[tuple[str, str]] = [
    ("common given, Latin", "Mohamed"),
    ("common given, Arabic", "محمد"),
    ("given + family", "Muhammad Hassan"),
    ("given + article family", "Fatima Al-Jubouri"),
    ("Maghreb spelling", "Youssef"),
    ("spelling variant", "Sameer"),
    ("short name", "Ali"),
    ("Serbian diacritics", "Đorđević"),
    ("Serbian Cyrillic", "Марко Петровић"),
    ("West African", "Fatoumata Diallo"),
    ("Ghanaian", "Kwame Mensah"),
    ("prefix as typed", "Moh"),
    ("no match", "Zbigniew Przybylski"),
    ("no match, one token", "Xochitl"),
]
DUPLICATE_INPUTS: list[tuple[str, str, dt.date]] = [
    ("common name", "Mohamed Hassan", dt.date(1990, 5, 1)),
    ("common name, Arabic", "محمد حسن", dt.date(1988, 3, 14)),
    ("West African", "Fatoumata Diallo", dt.date(1995, 7, 20)),
    ("Serbian", "Marko Jovanović", dt.date(1979, 11, 2)),
    ("no match", "Zbigniew Przybylski", dt.date(1970, 1, 1)),
]


# --- Database and Django --------------------------------------------------------------------


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
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def pg_url(url: str) -> str:
    """psycopg takes the same URL; only the scheme spelling differs."""
    return url.replace("postgres://", "postgresql://", 1)


# --- Data generation (runs in worker processes) -----------------------------------------------

_STATE: dict[str, Any] = {}


def _memoise_token_keys() -> None:
    """In the loader's worker processes only: ``name_keys`` is pure and names repeat a lot,
    so caching its per-token step halves the load time. Each call gets a fresh set (callers
    such as ``query_keys`` add to the set they get); the main process is left alone."""
    original = names.token_keys
    cached = lru_cache(maxsize=500_000)(lambda token: frozenset(original(token)))
    names.token_keys = lambda token: set(cached(token))


def _init_pool_worker(orgs: list[tuple[int, str, str]], now: str) -> None:
    _memoise_token_keys()
    _init_worker(orgs, now)


def _init_worker(orgs: list[tuple[int, str, str]], now: str) -> None:
    _STATE["tails"] = synth.Tails(SEED)
    _STATE["orgs"] = orgs  # (id, slug, country)
    _STATE["cum"] = synth.org_cum_weights()
    _STATE["now"] = now
    _STATE["centre_by_country"] = {c: i for i, _s, c in orgs if c != "DE"}
    _STATE["german"] = [i for i, _s, c in orgs if c == "DE"]


def keys_for(name: str, name_latin: str, holders: list[int]) -> str:
    """What the client services store: name keys plus one holder token per organisation
    holding the record (perspektive/clients/search_keys.py)."""
    from perspektive.clients.search_keys import search_keys_for

    return search_keys_for(name, name_latin, holders)


def _esc(value: Any) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _client_line(
    rng: random.Random,
    client_id: int,
    org_id: int,
    row: synth.Row,
    birth: dt.date | None,
    approximate: bool,
    holders: list[int],
) -> str:
    phone = PHONE_PREFIX.get(row.nationality, "+49151") + f"{rng.randrange(10**7):07d}"
    household = rng.randint(1, 8)
    values = [
        client_id,
        _STATE["now"],
        _STATE["now"],
        row.name,
        row.name_latin,
        keys_for(row.name, row.name_latin, holders),
        birth.isoformat() if birth else None,
        "t" if approximate else "f",
        row.sex,
        row.nationality,
        json.dumps(row.languages),
        phone,
        "",
        rng.choice(synth.TARGET_GROUPS),
        household,
        rng.randint(0, max(0, household - 1)),
        org_id,
    ]
    return "\t".join(_esc(v) for v in values) + "\n"


def _case_orgs(rng: random.Random, org_id: int, country: str) -> list[int]:
    """Most clients have a case at the organisation that registered them; some also have
    one elsewhere (registered in Germany, counselled at the centre at home, or the reverse)."""
    orgs = []
    if rng.random() < 0.85:
        orgs.append(org_id)
    if org_id in _STATE["german"]:
        centre = _STATE["centre_by_country"].get(country)
        if centre and rng.random() < 0.4:
            orgs.append(centre)
    elif rng.random() < 0.06:
        orgs.append(rng.choice(_STATE["german"]))
    return orgs


def _case_lines(rng: random.Random, client_id: int, orgs: list[int]) -> list[str]:
    lines = []
    for org in orgs:
        status = rng.choice(synth.CASE_STATUSES)
        closed = _STATE["now"] if status == "closed" else None
        values = [_STATE["now"], _STATE["now"], status, "[]", client_id, org, closed]
        lines.append("\t".join(_esc(v) for v in values) + "\n")
    return lines


def make_chunk(task: tuple[int, int, int]) -> tuple[bytes, bytes]:
    """Rows ``start .. start+count-1`` as COPY text for clients and their cases."""
    chunk_no, start, count = task
    rng = random.Random(SEED * 1_000_003 + chunk_no)
    orgs, cum, tails = _STATE["orgs"], _STATE["cum"], _STATE["tails"]
    clients: list[str] = []
    cases: list[str] = []
    for client_id in range(start, start + count):
        org_id, _slug, country = orgs[min(len(orgs) - 1, _bisect(cum, rng.random() * cum[-1]))]
        nationality = rng.choice(synth.GERMAN_OFFICE_NATIONALITIES) if country == "DE" else country
        row = synth.person_row(nationality, rng, tails)
        birth, approximate = synth.birth(rng)
        case_orgs = _case_orgs(rng, org_id, nationality)
        holders = [org_id, *case_orgs]
        clients.append(_client_line(rng, client_id, org_id, row, birth, approximate, holders))
        cases.extend(_case_lines(rng, client_id, case_orgs))
    return "".join(clients).encode(), "".join(cases).encode()


def _bisect(cum: list[float], x: float) -> int:
    import bisect

    return bisect.bisect_left(cum, x)


def planted_chunk(start: int) -> tuple[bytes, bytes, list[tuple[int, int, str, str, str]]]:
    """The labelled sample as COPY text; returns also (person, id, name, category, kind)."""
    rng = random.Random(SEED + 99)
    orgs = _STATE["orgs"]
    clients, cases, labels = [], [], []
    client_id = start
    for person_no, person in enumerate(synth.planted_persons(SEED, PLANTED)):
        for name, name_latin, kind in person.records:
            org_id, _slug, country = rng.choice(orgs)
            row = synth.Row(name, name_latin, "undisclosed", ["ar"], country)
            case_orgs = _case_orgs(rng, org_id, country)
            holders = [org_id, *case_orgs]
            clients.append(
                _client_line(rng, client_id, org_id, row, person.birth_date, False, holders)
            )
            cases.extend(_case_lines(rng, client_id, case_orgs))
            labels.append((person_no, client_id, name, person.category, kind))
            client_id += 1
    return "".join(clients).encode(), "".join(cases).encode(), labels


def fingerprint(orgs: list[tuple[int, str, str]]) -> str:
    """Changes when the generated names or their keys would change (pools, generator,
    ``name_keys``): then the data are reloaded."""
    _init_worker(orgs, "2000-01-01T00:00:00+00:00")
    clients, _cases = make_chunk((0, 1, 3000))
    p_clients, _p_cases, _labels = planted_chunk(1)
    digest = hashlib.sha256()
    digest.update(f"{synth.DATA_VERSION}/{SEED}/{CHUNK}/{PLANTED}".encode())
    digest.update(clients)
    digest.update(p_clients)
    return digest.hexdigest()[:16]


# --- Loading --------------------------------------------------------------------------------


def ensure_organisations() -> list[tuple[int, str, str]]:
    from perspektive.organisations.models import Organisation, OrganisationKind

    out = []
    for slug, name, country, _share in synth.ORGANISATIONS:
        kind = (
            OrganisationKind.RETURN_OFFICE
            if country == "DE"
            else OrganisationKind.COUNSELLING_CENTRE
        )
        org, _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "country_id": country}
        )
        out.append((org.pk, slug, country))
    return out


def _meta(conn: Any) -> dict[str, Any]:
    conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)")
    return dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())


def _set_meta(conn: Any, key: str, value: Any) -> None:
    conn.execute(
        "INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = %s",
        [key, json.dumps(value), json.dumps(value)],
    )


def _secondary_indexes(conn: Any, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """Indexes not backing a constraint: dropped for the load, rebuilt after it."""
    return conn.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = (quote_ident(i.indexname))::regclass)
        """,
        [list(tables)],
    ).fetchall()


def _check_columns(conn: Any, table: str, given: list[str]) -> None:
    missing = conn.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
             AND is_identity = 'NO' AND NOT (column_name = ANY(%s))""",
        [table, given],
    ).fetchall()
    if missing:
        sys.exit(f"{table} has new required columns the loader does not fill: {missing}")


def load(
    url: str, n: int, orgs: list[tuple[int, str, str]], reload: bool = False
) -> dict[str, Any]:
    """Load ``n`` clients (plus the planted sample) unless they are there already."""
    import psycopg

    fp = fingerprint(orgs)
    wanted = {"clients": n, "planted": PLANTED, "fingerprint": fp}
    with psycopg.connect(pg_url(url), autocommit=True) as conn:
        meta = _meta(conn)
        dataset = meta.get("dataset") or {}
        present = {k: dataset.get(k) for k in wanted} == wanted and "pending_indexes" not in meta
        if present and not reload:
            print(f"data present: {n:,} clients (+ planted sample), loaded {dataset['loaded_at']}")
            conn.execute("ANALYZE clients_client")
            conn.execute("ANALYZE cases_case")
            return {**dataset, "reused": True}

        started = time.perf_counter()
        tables = ("clients_client", "cases_case")
        for table, cols in (("clients_client", CLIENT_COLUMNS), ("cases_case", CASE_COLUMNS)):
            _check_columns(conn, table, cols)
        indexes = dict(meta.get("pending_indexes") or {})
        indexes.update(dict(_secondary_indexes(conn, tables)))
        _set_meta(conn, "pending_indexes", indexes)  # survives a crash mid-load
        conn.execute("DELETE FROM bench_meta WHERE key = 'dataset'")
        conn.execute("TRUNCATE clients_client, cases_case CASCADE")
        for name in indexes:
            conn.execute(f'DROP INDEX IF EXISTS "{name}"')
        print(f"loading {n:,} clients ({CHUNK:,} per chunk, 2 worker processes) ...")

        now = dt.datetime.now(dt.UTC).isoformat()
        tasks = [(i, 1 + i * CHUNK, min(CHUNK, n - i * CHUNK)) for i in range(math.ceil(n / CHUNK))]
        _init_worker(orgs, now)
        from django.db import connections

        connections.close_all()  # nothing of Django's must cross the fork
        with (
            psycopg.connect(pg_url(url)) as c_conn,
            psycopg.connect(pg_url(url)) as k_conn,
            multiprocessing.get_context("fork").Pool(
                2, initializer=_init_pool_worker, initargs=(orgs, now)
            ) as pool,
        ):
            for c in (c_conn, k_conn):  # consistent by construction: skip per-row FK checks
                c.execute("SET session_replication_role = replica")
            with (
                c_conn.cursor().copy(
                    f"COPY clients_client ({', '.join(CLIENT_COLUMNS)}) FROM STDIN"
                ) as c_copy,
                k_conn.cursor().copy(
                    f"COPY cases_case ({', '.join(CASE_COLUMNS)}) FROM STDIN"
                ) as k_copy,
            ):
                for done, (clients, cases) in enumerate(pool.imap(make_chunk, tasks), 1):
                    c_copy.write(clients)
                    k_copy.write(cases)
                    if done % 10 == 0 or done == len(tasks):
                        rate = done * CHUNK / (time.perf_counter() - started)
                        print(
                            f"  {min(done * CHUNK, n):>9,} rows  ({rate:,.0f} rows/s)", flush=True
                        )
                p_clients, p_cases, _labels = planted_chunk(n + 1)
                c_copy.write(p_clients)
                k_copy.write(p_cases)
        copied = time.perf_counter() - started
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('clients_client', 'id'), "
            "(SELECT max(id) FROM clients_client))"
        )
        print(f"  copied in {copied:.0f} s; building {len(indexes)} indexes ...", flush=True)
        t_index = time.perf_counter()
        build_indexes(url, indexes)
        conn.execute("DELETE FROM bench_meta WHERE key = 'pending_indexes'")
        t_vacuum = time.perf_counter()
        conn.execute("VACUUM (ANALYZE) clients_client")
        conn.execute("VACUUM (ANALYZE) cases_case")
        total = time.perf_counter() - started
        dataset = {
            **wanted,
            "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "load_seconds": round(total, 1),
            "copy_seconds": round(copied, 1),
            "index_seconds": round(t_vacuum - t_index, 1),
            "vacuum_analyze_seconds": round(total - (t_vacuum - started), 1),
            "cases": conn.execute("SELECT count(*) FROM cases_case").fetchone()[0],
        }
        _set_meta(conn, "dataset", dataset)
        print(
            f"loaded in {total:.0f} s (copy {copied:.0f} s, indexes "
            f"{dataset['index_seconds']:.0f} s, vacuum+analyze "
            f"{dataset['vacuum_analyze_seconds']:.0f} s)"
        )
        return {**dataset, "reused": False}


def build_indexes(url: str, indexes: dict[str, str]) -> None:
    """Two at a time (two cores), the GIN index first: it takes longest."""
    import psycopg

    def build(definition: str) -> None:
        with psycopg.connect(pg_url(url), autocommit=True) as c:
            c.execute("SET maintenance_work_mem = '512MB'")
            c.execute("SET max_parallel_maintenance_workers = 0")
            t = time.perf_counter()
            c.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            print(f"    {time.perf_counter() - t:5.1f} s  {definition[:90]}", flush=True)

    ordered = sorted(indexes.values(), key=lambda d: (" gin " not in d.lower(), d))
    with ThreadPoolExecutor(2) as ex:
        list(ex.map(build, ordered))


def verify_keys(sample: int = 2000) -> int:
    """Stored keys of a random sample against what the project computes now."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.name, c.name_latin, c.search_keys, c.organisation_id, "
            "ARRAY(SELECT k.organisation_id FROM cases_case k WHERE k.client_id = c.id) "
            "FROM clients_client c TABLESAMPLE SYSTEM (1) REPEATABLE (7) LIMIT %s",
            [sample],
        )
        rows = cur.fetchall()
    wrong = sum(
        keys_for(n, lat, [org, *case_orgs]) != keys for n, lat, keys, org, case_orgs in rows
    )
    if wrong:
        print(f"WARNING: {wrong} of {len(rows)} sampled records have stale keys; use --reload")
    else:
        print(f"keys checked: {len(rows)} sampled records match the project's search_keys_for")
    return wrong


# --- Users ----------------------------------------------------------------------------------


def ensure_users(orgs: list[tuple[int, str, str]]) -> tuple[Any, Any]:
    from perspektive.accounts.models import User
    from perspektive.core.authz import Role
    from perspektive.organisations.models import Membership

    def user(email: str, name: str, org_ids: list[int]) -> Any:
        u, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created:
            u.set_unusable_password()
            u.save()
        for org_id in org_ids:
            Membership.objects.get_or_create(
                user=u, organisation_id=org_id, role=Role.COUNSELLOR.value
            )
        return User.objects.get(pk=u.pk)

    erbil = [i for i, slug, _c in orgs if slug == "bench-erbil"]
    scoped = user("counsellor.erbil@bench.invalid", "Bench counsellor Erbil", erbil)
    everywhere = user(
        "counsellor.all@bench.invalid", "Bench counsellor everywhere", [o[0] for o in orgs]
    )
    return scoped, everywhere


# --- Measuring ------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    xs = sorted(values)
    return xs[max(0, math.ceil(q / 100 * len(xs)) - 1)]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(pct(values, 50), 2),
        "p95": round(pct(values, 95), 2),
        "p99": round(pct(values, 99), 2),
        "max": round(max(values), 2),
    }


def set_jit(mode: str | None) -> None:
    """``off``/``on`` for this connection; None: back to the server's setting."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("RESET jit" if mode is None else f"SET jit = {mode}")


def machine_load() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        active = cur.fetchone()[0]
    return {"loadavg1": os.getloadavg()[0], "other_active_pg_backends": active}


def current_search(user: Any, q: str, **kwargs: Any) -> Any:
    from perspektive.clients.selectors import client_search

    return client_search(user=user, query=q, **kwargs)


def current_duplicates(user: Any, name: str, birth: dt.date | None) -> Any:
    from perspektive.clients.selectors import client_duplicates

    return client_duplicates(user=user, name=name, birth_date=birth)


def baseline_page(user: Any, q: str) -> list[Any]:
    """The plain alternative: substring match on the Latin name, first page of 25."""
    from perspektive.clients.policy import clients_visible_to

    return list(
        clients_visible_to(user)
        .filter(name_latin__icontains=q)
        .select_related("organisation")
        .order_by("name_latin", "id")[:25]
    )


def proposed_search(wide_filter: bool = False) -> Callable[..., Any]:
    from bench import proposals

    return lambda user, q, **kw: proposals.client_search(
        user=user, query=q, wide_filter=wide_filter, **kw
    )


def proposed_duplicates(lean: bool, wide_filter: bool = False) -> Callable[..., Any]:
    from bench import proposals

    return lambda user, name, birth: proposals.client_duplicates(
        user=user, name=name, birth_date=birth, lean=lean, wide_filter=wide_filter
    )


@dataclass
class Variant:
    name: str
    search: Callable[..., Any]
    duplicates: Callable[..., Any]
    jit: str | None  # None: the server's setting
    rounds: int
    baseline_rounds: int = 0
    budget: float = 1e9  # seconds; rounds stop once it is spent (at least 2 rounds)


def run_variant(
    v: Variant, users: dict[str, Any], queries: list[tuple[str, str]]
) -> dict[str, Any]:
    """Warm up once, then ``rounds`` rounds over every (scope, query), in a shuffled order."""
    jobs: list[tuple[str, str, str, Callable[[], Any], int]] = []
    for scope, user in users.items():
        for _label, q in queries:
            jobs.append(("search", scope, q, partial(v.search, user, q), v.rounds))
            if v.baseline_rounds:
                jobs.append(
                    ("baseline", scope, q, partial(baseline_page, user, q), v.baseline_rounds)
                )
        for _label, name, birth in DUPLICATE_INPUTS:
            jobs.append(
                ("duplicates", scope, name, partial(v.duplicates, user, name, birth), v.rounds)
            )
    print(f"\n[{v.name}] (jit {v.jit or 'as configured'}) warming up ...", flush=True)
    set_jit(v.jit)
    try:
        info: dict[tuple[str, str], dict[str, Any]] = {}
        warmed: set[tuple[str, str]] = set()
        for kind, scope, q, fn, _r in jobs:
            if kind == "baseline" and (kind, scope) in warmed:
                continue  # a scan is a scan: one per scope warms it
            warmed.add((kind, scope))
            result = fn()
            if kind == "search":
                info[(scope, q)] = {"matches": result.total, "capped": result.capped}
        samples: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        loads = []
        rng = random.Random(7)
        started = time.perf_counter()
        rounds = max(v.rounds, v.baseline_rounds)
        for r in range(rounds):
            order = [j for j in jobs if r < j[4]]
            rng.shuffle(order)
            for kind, scope, q, fn, _r in order:
                t = time.perf_counter()
                fn()
                samples[(kind, scope, q)].append((time.perf_counter() - t) * 1000)
            loads.append(machine_load())
            elapsed = time.perf_counter() - started
            print(
                f"  round {r + 1}/{rounds}  ({elapsed:.0f} s, load {loads[-1]['loadavg1']:.2f})",
                flush=True,
            )
            if elapsed > v.budget and r >= 1:
                print(f"  time budget of {v.budget:.0f} s spent: stopping after {r + 1} rounds")
                break
    finally:
        set_jit(None)
    out: dict[str, Any] = {"by_query": [], "overall": {}, "load": loads, "jit": v.jit}
    for kind in ("search", "baseline", "duplicates"):
        for scope in users:
            values = [
                x for (k, s, _q), xs in samples.items() if k == kind and s == scope for x in xs
            ]
            if values:
                out["overall"][f"{kind}/{scope}"] = summary(values)
    for (kind, scope, q), values in samples.items():
        row = {"kind": kind, "scope": scope, "query": q, **summary(values)}
        row.update(info.get((scope, q), {}) if kind == "search" else {})
        out["by_query"].append(row)
    return out


def print_overall(res: dict[str, Any]) -> None:
    print(f"  {'ms':40} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    for key, s in res["overall"].items():
        print(
            f"  {key:40} {s['n']:5d} {s['p50']:8.2f} {s['p95']:8.2f} {s['p99']:8.2f}"
            f" {s['max']:8.2f}"
        )


def ratios(res: dict[str, Any], users: dict[str, Any]) -> dict[str, dict[str, float]]:
    out = {}
    for scope in users:
        s = res["overall"].get(f"search/{scope}")
        b = res["overall"].get(f"baseline/{scope}")
        if s and b:
            out[scope] = {p: round(s[p] / b[p], 3) for p in ("p50", "p95", "p99")}
    return out


def print_per_query(
    res: dict[str, Any], users: dict[str, Any], queries: list[tuple[str, str]]
) -> None:
    by = {(r["kind"], r["scope"], r["query"]): r for r in res["by_query"]}
    print("  per query, p50 / p95 ms; matches ranked ('+': more than 500, capped):")
    for scope in users:
        print(f"  [{scope}]")
        for label, q in queries:
            s, b = by[("search", scope, q)], by.get(("baseline", scope, q))
            base = f"  baseline {b['p50']:7.1f} / {b['p95']:7.1f}" if b else ""
            print(
                f"    {label:30} {q[:22]:22} search {s['p50']:7.1f} / {s['p95']:7.1f}{base}"
                f"  matches {s['matches']}{'+' if s['capped'] else ''}"
            )
        for _label, name, _b in DUPLICATE_INPUTS:
            d = by[("duplicates", scope, name)]
            print(f"    {'duplicate check':30} {name[:22]:22} {d['p50']:7.1f} / {d['p95']:7.1f}")


def ranking_cost(user: Any, query: str = "Mohamed", repeat: int = 20) -> dict[str, Any]:
    """Python time to rank CANDIDATE_LIMIT candidates with ``name_similarity``, as the
    selector does (p50 of ``repeat``)."""
    from bench import proposals
    from perspektive.clients.selectors import CANDIDATE_LIMIT, name_match_filter
    from perspektive.core.names import name_similarity

    rows = list(
        proposals.searchable(user)
        .filter(name_match_filter(query))
        .order_by()
        .values_list("id", "name_latin")[:CANDIDATE_LIMIT]
    )
    times = []
    for _ in range(repeat):
        work = list(rows)
        t = time.perf_counter()
        work.sort(key=lambda r: (-name_similarity(query, r[1]), r[1], r[0]))
        times.append((time.perf_counter() - t) * 1000)
    return {"rows": len(rows), "p50_ms": round(pct(times, 50), 2)}


# --- Recall ---------------------------------------------------------------------------------


def recall(
    user: Any,
    labels: list[tuple[int, int, str, str, str]],
    search: Callable[..., Any],
    duplicates: Callable[..., Any],
) -> dict[str, Any]:
    """For each record of each planted person, search its name (and name + date of birth)
    and count how many of the person's other records are found: on the first page of 25,
    and among all ranked matches (up to 500). And: does the duplicate check on create,
    given this name and the date of birth, flag one of the person's other records?
    Runs with JIT off (faster here; results do not depend on it)."""
    from perspektive.clients.models import Client
    from perspektive.clients.selectors import CANDIDATE_LIMIT

    persons: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    for person_no, client_id, name, category, kind in labels:
        persons[person_no].append((client_id, name, category, kind))
    births = dict(
        Client.objects.filter(pk__in=[x[1] for x in labels]).values_list("id", "birth_date")
    )
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses: dict[str, list[str]] = defaultdict(list)
    set_jit("off")
    try:
        for records in persons.values():
            category = records[0][2]
            ids = {r[0] for r in records}
            names = {r[0]: r[1] for r in records}
            for client_id, name, _cat, kind in records:
                others = ids - {client_id}
                birth = births[client_id]
                for mode, kwargs in (("name", {}), ("name+dob", {"birth_date": birth})):
                    page = search(user, name, page_size=CANDIDATE_LIMIT, **kwargs)
                    ranked = [c.pk for c in page.items]
                    s = stats[f"{category}/{mode}"]
                    s["pairs"] += len(others)
                    s["found_top25"] += len(others & set(ranked[:25]))
                    s["found_any"] += len(others & set(ranked))
                    s["queries"] += 1
                    s["capped"] += int(page.capped)
                    if mode == "name+dob":
                        for lost in sorted(others - set(ranked)):
                            if len(misses[category]) < 12:
                                misses[category].append(f"{name} -> {names[lost]} ({kind})")
                flagged = {c.client.pk for c in duplicates(user, name, birth)}
                d = stats[f"{category}/duplicate check"]
                d["queries"] += 1
                d["flagged"] += int(bool(flagged & others))
    finally:
        set_jit(None)
    out: dict[str, Any] = {"by_category": {}, "misses": dict(misses)}
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, s in sorted(stats.items()):
        out["by_category"][key] = dict(s)
        mode = key.split("/", 1)[1]
        for k, x in s.items():
            totals[mode][k] += x
    out["total"] = {k: dict(x) for k, x in totals.items()}
    return out


def fmt_recall(s: dict[str, int]) -> str:
    if "pairs" in s:
        return (
            f"first page {s['found_top25'] / s['pairs']:.3f}"
            f"  all ranked {s['found_any'] / s['pairs']:.3f}"
            f"  ({s['pairs']} pairs; {s['capped']} of {s['queries']} queries capped at 500)"
        )
    return f"flagged {s['flagged'] / s['queries']:.3f}  ({s['queries']} new registrations)"


def print_recall(rec: dict[str, Any]) -> None:
    for key, s in rec["by_category"].items():
        print(f"  {key:34} {fmt_recall(s)}")
    for mode, s in rec["total"].items():
        print(f"  {'ALL/' + mode:34} {fmt_recall(s)}")


# --- EXPLAIN --------------------------------------------------------------------------------


def _duplicate_querysets(user: Any) -> list[tuple[str, str | None, Any]]:
    """The candidate query of ``client_duplicates`` for the first duplicate input, as the
    selector builds it, and the two queries of the proposal."""
    from django.db.models import Q

    from bench import proposals
    from perspektive.clients.selectors import name_match_filter
    from perspektive.core.names import name_keys

    _label, name, birth = DUPLICATE_INPUTS[0]
    window = Q(birth_date__isnull=True) | Q(
        birth_date__year__gte=birth.year - 1, birth_date__year__lte=birth.year + 1
    )
    any_key = proposals.searchable(user).filter(search_keys__overlap=name_keys(name))
    every = proposals.searchable(user).filter(name_match_filter(name))
    return [
        ("dup", None, any_key.filter(window).select_related("organisation")[:200]),
        ("dup/dob", "off", any_key.filter(birth_date=birth).order_by().values_list("id")[:200]),
        ("dup/win", "off", every.filter(window).order_by().values_list("id")[:200]),
    ]


def explain(users: dict[str, Any], queries: list[str], path: Path) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS), warm, of the candidate query of ``client_search`` (the
    queryset it builds), of the proposed one and of the baseline; plans go to bench/out."""
    from bench import proposals
    from perspektive.clients.policy import clients_visible_to
    from perspektive.clients.selectors import CANDIDATE_LIMIT, name_match_filter

    OUT.mkdir(parents=True, exist_ok=True)
    found, lines = [], []
    for scope, user in users.items():
        for q in queries:
            condition = name_match_filter(q)
            qsets: list[tuple[str, str | None, Any]] = [
                (
                    "baseline",
                    None,
                    clients_visible_to(user)
                    .filter(name_latin__icontains=q)
                    .select_related("organisation")
                    .order_by("name_latin", "id")[:25],
                )
            ]
            if condition is not None:
                current = proposals.searchable(user).filter(condition)
                proposed = current.order_by()
                qsets += [
                    (
                        "search",
                        None,
                        current.values_list("id", "name_latin")[: CANDIDATE_LIMIT + 1],
                    ),
                    (
                        "search",
                        "off",
                        current.values_list("id", "name_latin")[: CANDIDATE_LIMIT + 1],
                    ),
                    (
                        "proposed",
                        "off",
                        proposed.values_list("id", "name_latin")[: CANDIDATE_LIMIT + 1],
                    ),
                    (
                        "prop/wide",
                        "off",
                        proposals.searchable(user, wide_filter=True)
                        .filter(condition)
                        .order_by()
                        .values_list("id", "name_latin")[: CANDIDATE_LIMIT + 1],
                    ),
                ]
            if q == queries[0]:
                qsets += _duplicate_querysets(user)
            for kind, jit, qs in qsets:
                set_jit(jit)
                try:
                    qs.explain(analyze=True, buffers=True)
                    plan = qs.explain(analyze=True, buffers=True)  # the second one, warm
                finally:
                    set_jit(None)
                ex = [ln for ln in plan.splitlines() if "Execution Time" in ln]
                jit_line = [
                    ln.strip() for ln in plan.splitlines() if ln.strip().startswith("Timing:")
                ]
                found.append(
                    {
                        "scope": scope,
                        "query": q,
                        "kind": kind,
                        "jit_setting": jit or "server",
                        "execution": ex[0].split(":")[1].strip() if ex else "?",
                        "jit": jit_line[0].split(",")[-1].strip() if jit_line else "",
                    }
                )
                lines += [f"=== {kind} / jit {jit or 'server'} / {scope} / {q!r}", str(qs.query)]
                lines += [plan, ""]
    path.write_text("\n".join(lines))
    return found


# --- Main -----------------------------------------------------------------------------------


def code_version() -> dict[str, str]:
    """Which search code was measured: the last commit touching it and local changes."""
    import subprocess

    paths = ["perspektive/clients", "perspektive/core/names.py", "perspektive/organisations"]

    def git(*cmd: str) -> str:
        try:
            out = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True)
            return out.stdout.strip()
        except OSError:
            return ""

    return {
        "head": git("rev-parse", "--short", "HEAD"),
        "search_code_commit": git("log", "-1", "--format=%h %s", "--", *paths)[:100],
        "search_code_local_changes": git("status", "--short", "--", *paths),
    }


def server_settings() -> dict[str, str]:
    from django.db import connection

    names = [
        "server_version",
        "shared_buffers",
        "work_mem",
        "effective_cache_size",
        "jit",
        "jit_above_cost",
        "max_parallel_workers_per_gather",
    ]
    out = {}
    with connection.cursor() as cur:
        for n in names:
            cur.execute(f"SHOW {n}")
            out[n] = cur.fetchone()[0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=12, help="rounds over the query set")
    parser.add_argument("--baseline-rounds", type=int, default=2)
    parser.add_argument(
        "--budget", type=float, default=240, help="seconds for the main measurement"
    )
    parser.add_argument("--proto-rounds", type=int, default=3, help="rounds per prototype")
    parser.add_argument("--reload", action="store_true", help="load the data even if present")
    parser.add_argument("--no-recall", action="store_true")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--no-prototypes", action="store_true")
    args = parser.parse_args()
    run_started = time.perf_counter()

    ensure_database(args.database_url)
    setup_django(args.database_url)
    orgs = ensure_organisations()
    dataset = load(args.database_url, args.clients, orgs, args.reload)
    dataset["stale_keys_in_sample"] = verify_keys()
    scoped, everywhere = ensure_users(orgs)
    users = {"counsellor (1 centre)": scoped, "all 15 organisations": everywhere}

    _init_worker(orgs, "2000-01-01T00:00:00+00:00")
    _c, _k, labels = planted_chunk(args.clients + 1)
    rare = [lab for lab in labels if lab[3] == "arabic_script"]
    queries = [
        *QUERIES,
        ("rare (planted), Arabic script", rare[0][2]),
        ("rare (planted), Latin", rare[1][2]),
    ]
    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    plans_path = OUT / f"explain-{stamp}.txt"
    env: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        **server_settings(),
        **code_version(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
    }
    print(f"machine: {env}")
    report: dict[str, Any] = {"dataset": dataset, "env": env, "queries": queries}

    main_variant = Variant(
        "as is",
        current_search,
        current_duplicates,
        None,
        args.rounds,
        args.baseline_rounds,
        args.budget,
    )
    phases: dict[str, float] = {}
    t_phase = time.perf_counter()
    res = run_variant(main_variant, users, queries)
    phases["as is"] = round(time.perf_counter() - t_phase)
    report["as_is"] = res
    report["ratios"] = ratios(res, users)
    print("\n[as is] latency, all queries of the set pooled:")
    print_overall(res)
    print("  ratio search / baseline: " + json.dumps(report["ratios"]))
    print_per_query(res, users, queries)
    report["ranking"] = ranking_cost(everywhere)
    print(
        f"  ranking {report['ranking']['rows']} candidates in Python (name_similarity): "
        f"{report['ranking']['p50_ms']:.1f} ms (p50)"
    )

    variants: dict[str, Any] = {}
    t_phase = time.perf_counter()
    if not args.no_prototypes:
        r = args.proto_rounds
        protos = [
            Variant("as is, JIT off", current_search, current_duplicates, "off", r, 2),
            Variant("no ORDER BY, JIT on", proposed_search(), proposed_duplicates(False), None, r),
            Variant(
                "no ORDER BY, JIT off", proposed_search(), proposed_duplicates(False), "off", r
            ),
            Variant(
                "+ lean dup check, JIT off",
                proposed_search(),
                proposed_duplicates(True),
                "off",
                r,
            ),
            Variant(
                ALL_PROPOSALS,
                proposed_search(wide_filter=True),
                proposed_duplicates(True, wide_filter=True),
                "off",
                max(r, args.rounds),
            ),
        ]
        for v in protos:
            variants[v.name] = run_variant(v, users, queries)
            print_overall(variants[v.name])
        variants["as is, JIT off"]["ratios"] = ratios(variants["as is, JIT off"], users)
        print_per_query(variants[ALL_PROPOSALS], users, queries)
        report["variants"] = variants
        phases["prototypes"] = round(time.perf_counter() - t_phase)

    if not args.no_recall:
        print("\nrecall on the planted sample (as the user of all organisations) ...", flush=True)
        t = time.perf_counter()
        report["recall"] = {"as is": recall(everywhere, labels, current_search, current_duplicates)}
        print("  [as is]")
        print_recall(report["recall"]["as is"])
        if not args.no_prototypes:
            for name, search, dups in (
                ("no ORDER BY", proposed_search(), proposed_duplicates(False)),
                (
                    ALL_PROPOSALS,
                    proposed_search(wide_filter=True),
                    proposed_duplicates(True, wide_filter=True),
                ),
            ):
                report["recall"][name] = recall(everywhere, labels, search, dups)
                print(f"  [{name}]")
                print_recall(report["recall"][name])
        print("  misses (name + date of birth), some of them:")
        for category, items in report["recall"]["as is"]["misses"].items():
            for item in items[:6]:
                print(f"    {category:14} {item}")
        phases["recall"] = round(time.perf_counter() - t)
        print(f"  ({phases['recall']} s)")

    if not args.no_explain:
        t_phase = time.perf_counter()
        plans = explain(users, ["Mohamed", "Fatima Al-Jubouri", rare[1][2]], plans_path)
        report["explain"] = plans
        phases["explain"] = round(time.perf_counter() - t_phase)
        print(f"\nEXPLAIN ANALYZE, warm (full plans: {plans_path.relative_to(ROOT)}):")
        for p in plans:
            print(
                f"  {p['kind']:8} jit {p['jit_setting']:6} {p['scope']:22} {p['query'][:18]:18}"
                f" {p['execution']:>12}  {('JIT ' + p['jit']) if p['jit'] else ''}"
            )

    env["load_after"] = os.getloadavg()
    env["phase_seconds"] = phases
    env["run_seconds"] = round(time.perf_counter() - run_started, 1)
    all_loads = [x for v in [res, *variants.values()] for x in v["load"]]
    loads = [x["loadavg1"] for x in all_loads]
    others = [x["other_active_pg_backends"] for x in all_loads]
    env["loadavg1_during"] = {"mean": round(sum(loads) / len(loads), 2), "max": max(loads)}
    env["other_active_pg_backends_max"] = max(others)
    print("\nsummary (ms; search and duplicate check pooled over the query set):")
    print(f"  {'variant':38} {'scope':22} {'search p50/p95/p99':>24} {'dup p50/p95/p99':>24}")
    for name, v in [("as is", res), *variants.items()]:
        for scope in users:
            s, d = v["overall"][f"search/{scope}"], v["overall"][f"duplicates/{scope}"]
            print(
                f"  {name:38} {scope:22} {s['p50']:8.1f}{s['p95']:8.1f}{s['p99']:8.1f}"
                f" {d['p50']:8.1f}{d['p95']:8.1f}{d['p99']:8.1f}"
            )
    print(
        f"\nmachine load during measurement: loadavg1 mean {env['loadavg1_during']['mean']:.2f}, "
        f"max {max(loads):.2f} (2 cores); other active PostgreSQL backends max {max(others)}"
    )
    print(
        f"run took {env['run_seconds']:.0f} s (data load {dataset.get('load_seconds', 0):.0f} s"
        f"{', reused' if dataset.get('reused') else ''}; phases {phases})"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"search-{stamp}.json"
    path.write_text(json.dumps(report, indent=1, default=str, ensure_ascii=False))
    print(f"figures written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
