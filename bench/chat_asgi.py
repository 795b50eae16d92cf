"""The ASGI application of the chat benchmark (bench/chat.py), for uvicorn:

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... REDIS_URL=... \
        .venv/bin/python -m uvicorn bench.chat_asgi:application

``/ws/...`` goes to the project's real WebSocket stack (``perspektive.asgi``: origin check,
session, auth, the chat consumers). ``/bench/echo/...`` goes to a bare Channels consumer,
the baseline: the same fan-out through the same channel layer (the visitor's frame to the
conversation's group, heard by the console in that group), with no database, no auth and
no checks. Both run in the same process, one after the other.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.asgi import get_asgi_application

django_app = get_asgi_application()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402

from perspektive.asgi import application as project  # noqa: E402

GROUP = "bench.echo.{}"


class EchoConsumer(AsyncJsonWebsocketConsumer):
    """Visitor: ``/bench/echo/v/<room>/`` joins one room. Console:
    ``/bench/echo/c/<first>-<last>/`` joins the rooms first..last. A frame
    ``{"type": "send", "id", "text"}`` from a visitor is acknowledged and sent to its room."""

    async def connect(self) -> None:
        parts = self.scope["path"].strip("/").split("/")
        kind, rooms = parts[2], parts[3]
        if kind == "v":
            self.rooms = [int(rooms)]
        else:
            first, last = (int(x) for x in rooms.split("-"))
            self.rooms = list(range(first, last + 1))
        for room in self.rooms:
            await self.channel_layer.group_add(GROUP.format(room), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for room in self.rooms:
            await self.channel_layer.group_discard(GROUP.format(room), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        room = self.rooms[0]
        message = {"cid": content["id"], "text": content["text"], "kind": "visitor"}
        await self.channel_layer.group_send(
            GROUP.format(room), {"type": "echo.message", "conversation": room, "message": message}
        )
        await self.send_json({"type": "ack", "id": content["id"], "message": message})

    async def echo_message(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "message", "conversation": event["conversation"], "message": event["message"]}
        )


echo_app = EchoConsumer.as_asgi()
project_ws = project.application_mapping["websocket"]


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket":
        if scope["path"].startswith("/bench/echo/"):
            await echo_app(scope, receive, send)
        else:
            await project_ws(scope, receive, send)
    elif scope["type"] == "http":
        await django_app(scope, receive, send)
    elif scope["type"] == "lifespan":
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        message = await receive()
        await send({"type": "lifespan.shutdown.complete"})
