"""The chat's WebSocket endpoints.

``ConversationConsumer`` (``/ws/chat/<id>/``): the visitor's (or client's) socket for one
conversation. ``ConsoleConsumer`` (``/ws/chat/console/``): a counsellor's console, with the
queue of their centres and the conversations they handle. Both do their database work
through ``database_sync_to_async`` calling the services, which deliver after the commit
to the groups in ``perspektive.chat.events``.

Frames from the browser (JSON): ``{"type": "send", "id": <client id>, "text": ...}`` (the
console adds ``"conversation"``), ``{"type": "beat"}`` (console heartbeat). Frames to the
browser: ``history`` (the whole conversation, on every connect), ``message``, ``ack``
(the sender's message is stored; also for a retry of the same id), ``status`` (visitor)
and ``queue`` (console), ``error`` (nothing was stored).
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import override

from perspektive.chat import events, selectors, services
from perspektive.chat.models import MAX_MESSAGE_LENGTH, Conversation, ConversationStatus
from perspektive.chat.policy import Access, Side, access_conversation, staff_centres
from perspektive.core.errors import DomainError

SESSION_KEY = "chat_tokens"  # conversation id -> the visitor's secret token
MAX_FRAME = 4 * MAX_MESSAGE_LENGTH + 512  # a JSON frame with a full message, escaped
RATE_LIMIT = 10  # messages
RATE_WINDOW = 10.0  # seconds
CLOSE_DENIED = 4403


class RateLimit:
    """At most ``limit`` events in any ``window`` seconds (one per connection)."""

    def __init__(
        self,
        limit: int = RATE_LIMIT,
        window: float = RATE_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.times: deque[float] = deque()

    def allow(self) -> bool:
        now = self.clock()
        while self.times and now - self.times[0] >= self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, Http404):
        return _("This conversation does not exist.")
    return _("You may not do this.")


class ChatSocket(AsyncJsonWebsocketConsumer):
    """What both endpoints share: sending with limits, errors as frames, translations."""

    clock: Callable[[], float] = time.monotonic

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = RateLimit(clock=type(self).clock)
        self.language = "en"

    @property
    def user(self) -> Any:
        return self.scope.get("user")

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels runs ``close_old_connections`` before every handler, in the one thread
        that does all database work of the process: each pushed chat event would wait
        there behind other sockets' writes. Pushes touch no database, and the frames'
        database work goes through ``database_sync_to_async``, which cleans up itself."""
        if message["type"].startswith("chat.") or message["type"] == "websocket.receive":
            handler = getattr(self, get_handler_name(message), None)
            if handler is not None:
                await handler(message)
                return
        await super().dispatch(message)

    def _chosen_language(self, fallback: str = "") -> str:
        """The interface language the visitor chose (the language cookie), else
        ``fallback``, else the site's default: error frames speak it."""
        from django.conf import settings

        cookie = (self.scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        codes = {code for code, _name in settings.LANGUAGES}
        for code in (cookie, fallback):
            if code in codes:
                return code
        return settings.LANGUAGE_CODE

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not text_data or len(text_data) > MAX_FRAME:
            await self.error(
                _("A message can have at most %(max)d characters.") % {"max": MAX_MESSAGE_LENGTH}
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.error(_("This frame is not valid JSON."))
            return
        if not isinstance(content, dict):
            await self.error(_("This frame is not valid JSON."))
            return
        await self.receive_json(content)

    async def error(self, text: str, cid: Any = None, code: str = "invalid") -> None:
        await self.send_json({"type": "error", "id": cid, "code": code, "error": text})

    async def send_message(self, conversation_id: int, content: dict[str, Any]) -> None:
        cid, text = content.get("id"), content.get("text")
        if not isinstance(cid, str) or not isinstance(text, str):
            with override(self.language):
                await self.error(_("A message needs an id and a text."), cid)
            return
        with override(self.language):
            if len(text.strip()) > MAX_MESSAGE_LENGTH:
                await self.error(
                    _("A message can have at most %(max)d characters; this one has %(n)d.")
                    % {"max": MAX_MESSAGE_LENGTH, "n": len(text.strip())},
                    cid,
                    code="too_long",
                )
                return
            if not self.limit.allow():
                await self.error(
                    _("You are sending too fast. Wait a few seconds, then send again."),
                    cid,
                    code="rate",
                )
                return
        try:
            sent = await self._send(conversation_id, cid, text)
        except (ValidationError, DomainError, Http404, PermissionDenied) as exc:
            with override(self.language):
                await self.error(_error_text(exc), cid)
            return
        await self.send_json(
            {"type": "ack", "id": cid, "conversation": conversation_id, "message": sent.payload}
        )

    @database_sync_to_async
    def _send(self, conversation_id: int, cid: str, text: str) -> services.Sent:
        with override(self.language):
            return services.message_send(
                user=self.user,
                conversation_id=conversation_id,
                client_msg_id=cid,
                text=text,
                token=self.token_for(conversation_id),
                access=self.access_for(conversation_id),
            )

    def token_for(self, conversation_id: int) -> str | None:
        return None

    def access_for(self, conversation_id: int) -> Access | None:
        return None

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "message",
                "conversation": event["conversation"],
                "message": event["message"],
            }
        )


class ConversationConsumer(ChatSocket):
    """One visitor's (or client's) socket for their conversation."""

    access: Access | None = None

    async def connect(self) -> None:
        self.conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        opened = await self._open()
        if opened is None:
            await self.close(code=CLOSE_DENIED)  # before accept: the handshake is refused
            return
        self.access, messages = opened
        self.language = self._chosen_language(self.access.conversation.language)
        self.group = events.conversation_group(self.conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        conversation = self.access.conversation
        await self.send_json(
            {
                "type": "history",
                "conversation": conversation.pk,
                "status": conversation.status,
                "messages": messages,
            }
        )

    @database_sync_to_async
    def _open(self) -> tuple[Access, list[dict[str, Any]]] | None:
        session = self.scope.get("session")
        tokens = session.get(SESSION_KEY, {}) if session is not None else {}
        self.token = tokens.get(str(self.conversation_id)) if isinstance(tokens, dict) else None
        try:
            access = access_conversation(self.user, self.conversation_id, token=self.token)
        except (Http404, PermissionDenied):
            return None
        return access, selectors.history(access.conversation)

    async def disconnect(self, code: int) -> None:
        if self.access is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if content.get("type") == "send":
            await self.send_message(self.conversation_id, content)
        else:
            await self.error(_("Unknown frame."))

    def token_for(self, conversation_id: int) -> str | None:
        return self.token

    def access_for(self, conversation_id: int) -> Access | None:
        return self.access

    async def chat_status(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "status", "conversation": event["conversation"], "status": event["status"]}
        )


class ConsoleConsumer(ChatSocket):
    """A counsellor's console: queue events of their centres, messages of the
    conversations assigned to them, and their presence (heartbeat)."""

    centres: list[int]
    joined: set[int]

    async def connect(self) -> None:
        self.centres, self.joined = [], set()
        user = self.user
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_DENIED)
            return
        self.language = self._chosen_language(getattr(user, "preferred_language", ""))
        opened = await self._open()
        if not opened:
            await self.close(code=CLOSE_DENIED)
            return
        self.centres, histories = opened
        for centre_id in self.centres:
            await self.channel_layer.group_add(events.queue_group(centre_id), self.channel_name)
        for conversation_id in histories:
            await self._join(conversation_id)
        await self.accept()
        for conversation_id, messages in histories.items():
            await self.send_json(
                {"type": "history", "conversation": conversation_id, "messages": messages}
            )

    @database_sync_to_async
    def _open(self) -> tuple[list[int], dict[int, list[dict[str, Any]]]] | None:
        if not staff_centres(self.user):
            return None
        services.presence_prune()  # consoles of processes that died
        centres = services.presence_beat(user=self.user, connection=self.channel_name)
        mine = Conversation.objects.filter(
            centre_id__in=centres,
            status=ConversationStatus.ACTIVE,
            assigned_to_id=self.user.pk,
        )
        return centres, {c.pk: selectors.history(c) for c in mine}

    async def _join(self, conversation_id: int) -> None:
        if conversation_id not in self.joined:
            self.joined.add(conversation_id)
            await self.channel_layer.group_add(
                events.conversation_group(conversation_id), self.channel_name
            )

    async def _leave(self, conversation_id: int) -> None:
        if conversation_id in self.joined:
            self.joined.discard(conversation_id)
            await self.channel_layer.group_discard(
                events.conversation_group(conversation_id), self.channel_name
            )

    async def disconnect(self, code: int) -> None:
        for centre_id in self.centres:
            await self.channel_layer.group_discard(events.queue_group(centre_id), self.channel_name)
        for conversation_id in list(self.joined):
            await self._leave(conversation_id)
        if self.centres:
            await database_sync_to_async(services.presence_leave)(connection=self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type")
        if kind == "beat":
            await database_sync_to_async(services.presence_beat)(
                user=self.user, connection=self.channel_name
            )
        elif kind == "send":
            conversation = content.get("conversation")
            if not isinstance(conversation, int) or isinstance(conversation, bool):
                await self.error(_("Which conversation?"), content.get("id"))
                return
            await self.send_message(conversation, content)
        else:
            await self.error(_("Unknown frame."))

    async def chat_queue(self, event: dict[str, Any]) -> None:
        conversation_id = event["conversation"]
        mine = event["status"] == ConversationStatus.ACTIVE and event["assigned_to"] == self.user.pk
        if mine:
            await self._join(conversation_id)
        else:
            await self._leave(conversation_id)  # closed, or handed to a colleague
        await self.send_json(
            {
                "type": "queue",
                "conversation": conversation_id,
                "status": event["status"],
                "language": event["language"],
                "mine": mine,
            }
        )

    async def chat_status(self, event: dict[str, Any]) -> None:
        """Status changes reach consoles through their queue group (``chat_queue``)."""

    def access_for(self, conversation_id: int) -> Access | None:
        return None  # checked on every message: a console handles many conversations


__all__ = ["ConsoleConsumer", "ConversationConsumer", "RateLimit", "Side"]
