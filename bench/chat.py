"""Live chat benchmark (DESIGN section 7: 1,000 sockets, delivery p99 < 50 ms, nothing lost).

    .venv/bin/python bench/chat.py [--visitors 980] [--consoles 20] [--rates 50,100,200]
        [--seconds 20] [--database-url postgres://postgres@127.0.0.1:5432/perspektive_chat_bench]
        [--redis-url redis://127.0.0.1:6379/2]

One uvicorn process serves ``bench/chat_asgi.py`` with the Redis channel layer
(``RedisPubSubChannelLayer``) on PostgreSQL. This script (another process) loads a centre,
``--consoles`` counsellors and ``--visitors`` conversations in progress (each counsellor
handles ``visitors / consoles`` of them), with a browser session per visitor (the
conversation's token) and per counsellor (logged in), then opens every socket at once:
the visitors' ``/ws/chat/<id>/`` and the counsellors' ``/ws/chat/console/``.

At each rate of ``--rates`` (messages per second over all visitors) for ``--seconds``,
visitors send messages (each visitor at most one every few seconds: under the rate limit
of 10 per 10 s); measured per message, on this process's clock:

* delivery: visitor sends -> the counsellor's console receives it (stored, then pushed);
* acknowledgement: visitor sends -> the visitor's own socket gets ``ack``.

Then the same with the baseline: a bare Channels consumer in the same uvicorn process
(``/bench/echo/...``: the same fan-out through the same Redis layer, no database, no
checks), same sockets, same rates. The ratio real/baseline is the figure. Afterwards:
every sent id is stored exactly once (rows in the database) and delivered exactly once
to the console (nothing lost, nothing twice).

Figures are printed as a Markdown table and written to bench/out/chat-<timestamp>.json.
The database name must contain "bench": loading deletes the chat tables' rows.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/perspektive_chat_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/2"
OUT = ROOT / "bench" / "out"
SEED = 20261122
TEXT = "هل تُحتسب خبرتي في اللحام في ألمانيا؟ "  # an Arabic question, some 40 characters


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


def setup_django(url: str, redis_url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@dataclass
class World:
    centre_id: int
    visitors: list[tuple[int, str]]  # conversation id, session cookie
    consoles: list[tuple[str, list[int]]]  # session cookie, its conversation ids


def load(visitors: int, consoles: int) -> World:
    """A centre, its counsellors and their conversations in progress, with sessions."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone

    from perspektive.accounts.models import User
    from perspektive.chat.consumers import SESSION_KEY as CHAT_TOKENS
    from perspektive.chat.models import Conversation
    from perspektive.organisations.models import Membership, Organisation

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE chat_message, chat_presence, chat_cannedanswer, chat_conversation, "
            "django_session CASCADE"
        )
    centre, _ = Organisation.objects.get_or_create(
        slug="bench-chat-centre",
        defaults={"name": "Bench centre", "kind": "counselling_centre", "country_id": "IQ"},
    )
    staff = []
    for i in range(consoles):
        user, _ = User.objects.get_or_create(
            email=f"bench-chat-{i}@example.org", defaults={"name": f"Counsellor {i}"}
        )
        Membership.objects.get_or_create(user=user, organisation=centre, role="counsellor")
        staff.append(user)
    now = timezone.now()
    tokens = [Conversation.new_token() for _ in range(visitors)]
    rows = Conversation.objects.bulk_create(
        [
            Conversation(
                centre=centre,
                language="ar",
                status="active",
                assigned_to=staff[i % consoles],
                claimed_at=now,
                token_digest=Conversation.digest_of(tokens[i]),
            )
            for i in range(visitors)
        ]
    )
    name = settings.SESSION_COOKIE_NAME

    def session(data: dict[str, Any]) -> str:
        store = SessionStore()
        store.update(data)
        store.create()
        return f"{name}={store.session_key}"

    visitor_sessions = [
        (c.pk, session({CHAT_TOKENS: {str(c.pk): token}}))
        for c, token in zip(rows, tokens, strict=True)
    ]
    console_sessions = []
    for i, user in enumerate(staff):
        cookie = session(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        console_sessions.append((cookie, [c.pk for c in rows[i::consoles]]))
    sessions = Session.objects.count()
    print(f"loaded {visitors} conversations, {consoles} counsellors, {sessions} sessions")
    return World(centre.pk, visitor_sessions, console_sessions)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, url: str, redis_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable, "-m", "uvicorn", "bench.chat_asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--no-access-log", "--ws-ping-interval", "60", "--backlog", "4096",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("uvicorn did not start")


# --- Measuring ---------------------------------------------------------------------------------


@dataclass
class Phase:
    variant: str
    rate: int
    seconds: float
    sent: dict[str, float] = field(default_factory=dict)  # id -> send time
    delivered: Counter[str] = field(default_factory=Counter)
    acked: set[str] = field(default_factory=set)
    drain_s: float = 0.0
    delivery_ms: list[float] = field(default_factory=list)
    ack_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    started: float = 0.0
    ended: float = 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


async def run_variant(
    variant: str, port: int, world: World, rates: list[int], seconds: float
) -> list[Phase]:
    import websockets

    origin = f"http://127.0.0.1:{port}"
    base = f"ws://127.0.0.1:{port}"
    current: list[Phase | None] = [None]

    def visitor_path(index: int, conversation_id: int) -> str:
        if variant == "chat":
            return f"/ws/chat/{conversation_id}/"
        return f"/bench/echo/v/{index}/"

    # Echo rooms are visitor indexes; each echo console joins a block of them (as many as
    # a counsellor's conversations in the real run).
    per = len(world.visitors) // len(world.consoles)
    blocks = [(k * per, (k + 1) * per - 1) for k in range(len(world.consoles))]
    blocks[-1] = (blocks[-1][0], len(world.visitors) - 1)

    def console_path(k: int) -> str:
        if variant == "chat":
            return "/ws/chat/console/"
        return f"/bench/echo/c/{blocks[k][0]}-{blocks[k][1]}/"

    async def connect(path: str, cookie: str) -> Any:
        for attempt in range(5):
            try:
                return await websockets.connect(
                    base + path,
                    origin=origin,  # type: ignore[arg-type]
                    additional_headers={"Cookie": cookie},
                    open_timeout=60,
                    ping_interval=None,
                    max_queue=None,
                )
            except (OSError, websockets.exceptions.InvalidStatus, TimeoutError):
                await asyncio.sleep(0.5 * (attempt + 1))
        raise RuntimeError(f"cannot connect {path}")

    async def listen(ws: Any, console: bool) -> None:
        async for raw in ws:
            now = time.perf_counter()
            frame = json.loads(raw)
            phase = current[0]
            if phase is None:
                continue
            kind = frame.get("type")
            if kind == "message" and console:
                cid = frame["message"]["cid"]
                if cid in phase.sent:
                    phase.delivered[cid] += 1
                    phase.delivery_ms.append((now - phase.sent[cid]) * 1000)
            elif kind == "ack" and not console:
                cid = frame["id"]
                if cid in phase.sent and cid not in phase.acked:
                    phase.acked.add(cid)
                    phase.ack_ms.append((now - phase.sent[cid]) * 1000)
            elif kind == "error":
                phase.errors[frame.get("code", "?")] += 1

    t0 = time.perf_counter()
    consoles = [await connect(console_path(k), c) for k, (c, _ids) in enumerate(world.consoles)]
    semaphore = asyncio.Semaphore(100)

    async def open_visitor(i: int, conversation_id: int, cookie: str) -> Any:
        async with semaphore:
            return await connect(visitor_path(i, conversation_id), cookie)

    visitors = await asyncio.gather(
        *(open_visitor(i, cid, cookie) for i, (cid, cookie) in enumerate(world.visitors))
    )
    connect_s = time.perf_counter() - t0
    print(f"{variant}: {len(visitors) + len(consoles)} sockets open in {connect_s:.1f} s")
    listeners = [asyncio.create_task(listen(ws, True)) for ws in consoles]
    listeners += [asyncio.create_task(listen(ws, False)) for ws in visitors]
    await asyncio.sleep(1.0)  # histories on connect are read and dropped

    phases = []
    rng = random.Random(SEED)
    for rate in rates:
        phase = Phase(variant, rate, seconds)
        current[0] = phase
        total = int(rate * seconds)
        # Every visitor in turn (shuffled per round): at most a few messages per visitor in
        # 10 s at these rates, under the per-connection limit.
        order: list[int] = []
        while len(order) < total:
            turn = list(range(len(visitors)))
            rng.shuffle(turn)
            order += turn
        order = order[:total]
        phase.started = time.perf_counter()
        for n, index in enumerate(order):
            due = phase.started + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            cid = uuid.uuid4().hex
            phase.sent[cid] = time.perf_counter()
            await visitors[index].send(json.dumps({"type": "send", "id": cid, "text": TEXT}))
        phase.ended = time.perf_counter()
        # Wait until every message is acknowledged (the server's backlog drained), at most
        # a minute, then a second for the last deliveries.
        while len(phase.acked) < len(phase.sent) and time.perf_counter() - phase.ended < 60:
            await asyncio.sleep(0.1)
        phase.drain_s = time.perf_counter() - phase.ended
        await asyncio.sleep(1.0)
        current[0] = None
        phases.append(phase)
        print(
            f"{variant} {rate}/s: sent {len(phase.sent)}, delivered {len(phase.delivered)}, "
            f"p50 {percentile(phase.delivery_ms, 50):.1f} ms, "
            f"p99 {percentile(phase.delivery_ms, 99):.1f} ms, errors {dict(phase.errors)}"
        )
        await asyncio.sleep(10.0 if variant == "chat" else 2.0)  # rate-limit windows pass
    for ws in [*visitors, *consoles]:
        await ws.close()
    for task in listeners:
        task.cancel()
    return phases


def stored_once(phases: list[Phase]) -> tuple[int, int, int]:
    """(sent, stored rows, ids stored more than once) over the real chat's phases."""
    from django.db.models import Count

    from perspektive.chat.models import Message

    ids = [cid for p in phases for cid in p.sent]
    rows = 0
    twice = 0
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        counted = (
            Message.objects.filter(client_msg_id__in=chunk)
            .values("client_msg_id")
            .annotate(n=Count("id"))
        )
        for row in counted:
            rows += row["n"]
            twice += row["n"] > 1
    return len(ids), rows, twice


def load_average() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=int, default=980)
    parser.add_argument("--consoles", type=int, default=20)
    parser.add_argument("--rates", default="50,100,200")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]

    ensure_database(args.database_url)
    setup_django(args.database_url, args.redis_url)
    world = load(args.visitors, args.consoles)
    port = free_port()
    load_before = load_average()
    server = start_server(port, args.database_url, args.redis_url)
    try:
        chat = asyncio.run(run_variant("chat", port, world, rates, args.seconds))
        echo = asyncio.run(run_variant("echo", port, world, rates, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=20)
    load_after = load_average()
    sent, rows, twice = stored_once(chat)

    results: dict[str, Any] = {
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "sockets": args.visitors + args.consoles,
        "visitors": args.visitors,
        "consoles": args.consoles,
        "seconds_per_rate": args.seconds,
        "load_average": [load_before, load_after],
        "stored": {"sent": sent, "rows": rows, "ids_stored_twice": twice},
        "phases": [],
    }
    print()
    print(
        f"{args.visitors + args.consoles} sockets ({args.visitors} visitors, "
        f"{args.consoles} consoles), one uvicorn process, Redis pub/sub layer, PostgreSQL"
    )
    print()
    print(
        "| rate (msg/s) | variant | delivered/sent | twice | delivery p50 | p99 | max "
        "| ack p50 | ack p99 | msg/s | p99 ratio chat/echo |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for c, e in zip(chat, echo, strict=True):
        for phase in (c, e):
            twice_delivered = sum(1 for n in phase.delivered.values() if n > 1)
            duration = max(phase.ended - phase.started + phase.drain_s, 1e-9)
            row = {
                "variant": phase.variant,
                "rate": phase.rate,
                "sent": len(phase.sent),
                "delivered": len(phase.delivered),
                "delivered_twice": twice_delivered,
                "delivery_p50_ms": percentile(phase.delivery_ms, 50),
                "delivery_p99_ms": percentile(phase.delivery_ms, 99),
                "delivery_max_ms": max(phase.delivery_ms, default=float("nan")),
                "ack_p50_ms": percentile(phase.ack_ms, 50),
                "ack_p99_ms": percentile(phase.ack_ms, 99),
                "messages_per_s": len(phase.delivered) / duration,
                "errors": dict(phase.errors),
                "drain_s": phase.drain_s,
                "mean_ms": statistics.fmean(phase.delivery_ms) if phase.delivery_ms else None,
            }
            results["phases"].append(row)
            ratio = ""
            if phase is e:
                ratio = f"{percentile(c.delivery_ms, 99) / percentile(e.delivery_ms, 99):.1f}x"
            print(
                f"| {phase.rate} | {phase.variant} | {row['delivered']}/{row['sent']} "
                f"| {twice_delivered} | {row['delivery_p50_ms']:.1f} ms "
                f"| {row['delivery_p99_ms']:.1f} ms | {row['delivery_max_ms']:.0f} ms "
                f"| {row['ack_p50_ms']:.1f} ms | {row['ack_p99_ms']:.1f} ms "
                f"| {row['messages_per_s']:.0f} | {ratio} |"
            )
    print()
    print(
        f"stored: {rows} rows for {sent} ids sent, {twice} ids stored twice; "
        f"load average {load_before:.2f} before, {load_after:.2f} after"
    )
    OUT.mkdir(exist_ok=True)
    path = OUT / f"chat-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
