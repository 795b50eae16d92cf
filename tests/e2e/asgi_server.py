"""An ASGI server (uvicorn) in a thread, for browser tests that need WebSockets.

pytest-django's ``live_server`` speaks WSGI only. This serves the project's ASGI stack
(HTTP with static files, and the WebSocket routes of ``perspektive.asgi`` with their origin
check, sessions and auth) on a free port of 127.0.0.1, against the same test database:
like the live server, it shares the test's connection when the database is SQLite in
memory, and opens its own connections to PostgreSQL.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest


class SharedConnections:
    """Hands the test's in-memory SQLite connection to every request: asgiref carries it
    from the request's context into the threads that run the sync code."""

    def __init__(self, app: Any, overrides: dict[str, Any]) -> None:
        self.app, self.overrides = app, overrides

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from django.db import connections

        for alias, conn in self.overrides.items():
            connections[alias] = conn
        await self.app(scope, receive, send)


class AsgiServer(threading.Thread):
    def __init__(self, app: Any, connections_override: dict[str, Any]) -> None:
        super().__init__(daemon=True, name="asgi-test-server")
        self.app = app
        self.connections_override = connections_override
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server: Any = None
        self.error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self) -> None:
        import uvicorn

        app = SharedConnections(self.app, self.connections_override)
        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        try:
            asyncio.run(self.server.serve(sockets=[self.sock]))
        except BaseException as exc:  # reported by the fixture
            self.error = exc

    def wait_started(self, timeout: float = 10.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.error is not None:
                raise self.error
            if self.server is not None and self.server.started:
                return
            time.sleep(0.02)
        raise RuntimeError("the ASGI test server did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        self.join(timeout=10)
        self.sock.close()


def application() -> Any:
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from perspektive.asgi import application as project

    return ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": project.application_mapping["websocket"],
        }
    )


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The base URL of an ASGI server on the test database (HTTP and WebSockets)."""
    from django.db import connections

    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    server = AsgiServer(application(), shared)
    server.start()
    try:
        server.wait_started()
        yield server.url
    finally:
        server.stop()
        for conn in shared.values():
            conn.dec_thread_sharing()
