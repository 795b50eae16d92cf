"""WebSocket routes of the live chat (mounted by perspektive.asgi)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from perspektive.chat.consumers import ConsoleConsumer, ConversationConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/chat/console/", ConsoleConsumer.as_asgi(), name="chat_console_socket"),
    path(
        "ws/chat/<int:conversation_id>/",
        ConversationConsumer.as_asgi(),
        name="chat_conversation_socket",
    ),
]
