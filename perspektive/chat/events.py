"""What the chat pushes over the channel layer, and to which groups.

Services call ``push`` through ``transaction.on_commit``: a message or a status change is
delivered only once it is stored. Consumers forward the events to their sockets as JSON
frames (``perspektive.chat.consumers``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

from perspektive.chat.models import Conversation, Message

logger = logging.getLogger(__name__)

# Group names start with this. Tests give each test its own prefix, so that parallel test
# processes sharing one Redis never hear each other's conversations.
PREFIX = "chat"


def conversation_group(conversation_id: int) -> str:
    """Everyone in one conversation: its visitor's sockets and the consoles handling it."""
    return f"{PREFIX}.conv.{conversation_id}"


def queue_group(centre_id: int) -> str:
    """Every open console of one centre: new conversations and changes in the queue."""
    return f"{PREFIX}.queue.{centre_id}"


def message_payload(message: Message, author_name: str = "") -> dict[str, Any]:
    return {
        "id": message.pk,
        "cid": message.client_msg_id,
        "kind": message.sender_kind,
        "author": author_name,
        "text": message.text,  # plain text: every page renders it as text, never as HTML
        "at": message.created_at.isoformat(),
    }


def status_payload(conversation: Conversation) -> dict[str, Any]:
    return {
        "conversation": conversation.pk,
        "status": conversation.status,
        "language": conversation.language,
        "assigned_to": conversation.assigned_to_id,
    }


def _serving_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the ASGI server when this sync code runs in its database thread
    (``sync_to_async`` records it there, as ``async_to_sync`` uses it), else None."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running() and not loop.is_closed():
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return loop  # this thread runs no loop of its own: hand the send over
    return None


def _report(future: Any) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("chat push failed", exc_info=future.exception())


def push(group: str, event: dict[str, Any]) -> None:
    """Send one event to a group (from sync code: services' on_commit callbacks).

    In the ASGI server the database work of all sockets shares one thread; waiting there
    for the send would hold up every other socket's message. So the send goes to the
    server's event loop and this returns at once. (Sends leave in the order they were
    handed over; the pages also place messages by their id.) Elsewhere (a WSGI request,
    a command) it waits for the send."""
    layer = get_channel_layer()
    if layer is None:  # no CHANNEL_LAYERS configured: nothing listens
        return
    loop = _serving_loop()
    if loop is not None:
        asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop).add_done_callback(
            _report
        )
        return
    async_to_sync(layer.group_send)(group, event)


def push_message(conversation: Conversation, payload: dict[str, Any], *, queued: bool) -> None:
    event = {"type": "chat.message", "conversation": conversation.pk, "message": payload}
    push(conversation_group(conversation.pk), event)
    if queued:
        # Still waiting in the queue: consoles show the latest message there.
        push(
            queue_group(conversation.centre_id),
            {"type": "chat.queue", **status_payload(conversation)},
        )


def push_status(conversation: Conversation) -> None:
    event = {"type": "chat.status", **status_payload(conversation)}
    push(conversation_group(conversation.pk), event)
    push(queue_group(conversation.centre_id), {**event, "type": "chat.queue"})
