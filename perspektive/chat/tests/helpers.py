"""Helpers of the chat tests: start a chat as a browser does, open sockets through the
project's real ASGI stack, and run a socket scenario from a synchronous test."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.chat.models import Conversation, Message

ORIGIN = b"http://testserver"


def start_chat(web: HttpClient, centre: Any, **data: Any) -> Conversation:
    """Start a conversation through the public page, as a browser would."""
    body = {"centre": centre.pk, "language": "ar", "client_msg_id": uuid.uuid4().hex, **data}
    response = web.post(reverse("chat:start"), body)
    assert response.status_code == 302, response.content.decode()[:2000]
    conversation_id = int(response["Location"].rstrip("/").split("/")[-1])
    return Conversation.objects.get(pk=conversation_id)


def session_cookie(web: HttpClient) -> bytes:
    cookie = web.cookies.get(settings.SESSION_COOKIE_NAME)
    return f"{settings.SESSION_COOKIE_NAME}={cookie.value}".encode() if cookie else b""


def socket(
    path: str, web: HttpClient | None = None, *, origin: bytes = ORIGIN
) -> WebsocketCommunicator:
    """A socket through the project's real ASGI stack (origin check, sessions, auth)."""
    from perspektive.asgi import application

    headers = [(b"origin", origin), (b"host", b"testserver")]
    if web is not None:
        headers.append((b"cookie", session_cookie(web)))
    return WebsocketCommunicator(application, path, headers=headers)


def message_count(conversation: Conversation) -> int:
    return Message.objects.filter(conversation=conversation).count()


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    """Run an async socket scenario inside a (sync) pytest-django test: database calls of
    the consumers then use the test's own connection and transaction."""
    return async_to_sync(scenario)()


async def receive(ws: WebsocketCommunicator, kind: str | None = None, timeout: float = 2) -> Any:
    """The next frame (of the given type, skipping others)."""
    while True:
        frame = await ws.receive_json_from(timeout=timeout)
        if kind is None or frame.get("type") == kind:
            return frame
