"""WebSocket routes of the live chat (mounted by perspektive.asgi)."""

from __future__ import annotations

from typing import Any

websocket_urlpatterns: list[Any] = []
