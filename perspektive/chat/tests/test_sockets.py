"""The chat over WebSockets, through the project's real ASGI stack (origin check, session,
auth): history on every connect, idempotent sending, live delivery between the visitor and
the console, limits (length, rate), presence, and nobody else gets anything."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client as HttpClient

from perspektive import asgi
from perspektive.chat import consumers, services
from perspektive.chat.models import Conversation, Message, Presence
from perspektive.chat.tests.helpers import (
    message_count,
    receive,
    run,
    socket,
    start_chat,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_now")]


def _path(conversation: Conversation) -> str:
    return f"/ws/chat/{conversation.pk}/"


def test_the_visitor_gets_the_whole_history_then_sends_with_acknowledgement(
    conversation_a: Conversation, visitor_web: HttpClient
) -> None:
    async def scenario() -> None:
        ws = socket(_path(conversation_a), visitor_web)
        connected, _ = await ws.connect()
        assert connected
        history = await receive(ws, "history")
        assert [m["text"] for m in history["messages"]] == ["هل تُحتسب خبرتي في اللحام في ألمانيا؟"]
        assert history["status"] == "waiting"
        await ws.send_json_to({"type": "send", "id": "m-1", "text": "<b>مرحبا</b>"})
        ack = await receive(ws, "ack")
        assert ack["id"] == "m-1"
        assert ack["message"]["text"] == "<b>مرحبا</b>"  # as typed: pages render it as text
        assert ack["message"]["kind"] == "visitor"
        echoed = await receive(ws, "message")  # delivered to the conversation, the sender too
        assert echoed["message"]["id"] == ack["message"]["id"]
        await ws.disconnect()

        # Reconnecting shows the full history, with the new message once.
        again = socket(_path(conversation_a), visitor_web)
        assert (await again.connect())[0]
        history = await receive(again, "history")
        assert [m["cid"] for m in history["messages"]][-1] == "m-1"
        assert len(history["messages"]) == 2
        await again.disconnect()

    run(scenario)
    assert message_count(conversation_a) == 2


def test_the_same_id_twice_is_stored_once_and_acknowledged_twice(
    conversation_a: Conversation, visitor_web: HttpClient
) -> None:
    async def scenario() -> None:
        ws = socket(_path(conversation_a), visitor_web)
        await ws.connect()
        await receive(ws, "history")
        for _ in range(2):  # a resend after a lost acknowledgement
            await ws.send_json_to({"type": "send", "id": "retry-1", "text": "once"})
        first, second = await receive(ws, "ack"), await receive(ws, "ack")
        assert first["message"]["id"] == second["message"]["id"]
        await ws.disconnect()

    run(scenario)
    assert Message.objects.filter(conversation=conversation_a, client_msg_id="retry-1").count() == 1


def test_visitor_and_counsellor_talk_live(
    conversation_a: Conversation,
    visitor_web: HttpClient,
    counsellor_a: Any,
    centre_a: Any,
    web_as: Any,
) -> None:
    counsellor_web = web_as(counsellor_a)

    async def scenario() -> None:
        console = socket("/ws/chat/console/", counsellor_web)
        assert (await console.connect())[0]
        visitor = socket(_path(conversation_a), visitor_web)
        assert (await visitor.connect())[0]
        await receive(visitor, "history")

        # A new visitor starts a chat: it shows up in the console's queue.
        await database_sync_to_async(start_chat)(HttpClient(), centre_a, text="?")
        queued = await receive(console, "queue")
        assert queued["status"] == "waiting" and queued["mine"] is False

        # The counsellor takes Yusuf's conversation; the console joins it.
        await database_sync_to_async(services.conversation_claim)(
            actor=counsellor_a, conversation_id=conversation_a.pk
        )
        claimed = await receive(console, "queue")
        while claimed["conversation"] != conversation_a.pk:
            claimed = await receive(console, "queue")
        assert claimed["mine"] is True
        status = await receive(visitor, "status")
        assert status["status"] == "active"

        await console.send_json_to(
            {"type": "send", "conversation": conversation_a.pk, "id": "c-1", "text": "أهلا يوسف"}
        )
        got = await receive(visitor, "message")
        while got["message"]["kind"] == "system":
            got = await receive(visitor, "message")
        assert got["message"]["text"] == "أهلا يوسف"
        assert got["message"]["kind"] == "counsellor"
        assert got["message"]["author"] == counsellor_a.name
        assert (await receive(console, "ack"))["id"] == "c-1"

        await visitor.send_json_to({"type": "send", "id": "v-2", "text": "شكرا"})
        heard = await receive(console, "message")
        while heard["message"]["cid"] != "v-2":
            heard = await receive(console, "message")
        assert heard["conversation"] == conversation_a.pk
        await visitor.disconnect()
        await console.disconnect()

    run(scenario)


def test_too_long_and_too_fast_get_an_error_frame_and_store_nothing(
    conversation_a: Conversation, visitor_web: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(consumers.ChatSocket, "clock", lambda: now[0])

    async def scenario() -> None:
        ws = socket(_path(conversation_a), visitor_web)
        await ws.connect()
        await receive(ws, "history")
        await ws.send_json_to({"type": "send", "id": "long", "text": "x" * 2001})
        error = await receive(ws, "error")
        assert (error["id"], error["code"]) == ("long", "too_long")
        assert "2000" in error["error"]
        for i in range(10):
            await ws.send_json_to({"type": "send", "id": f"r{i}", "text": "hi"})
            assert (await receive(ws, "ack"))["id"] == f"r{i}"
        await ws.send_json_to({"type": "send", "id": "r10", "text": "hi"})
        error = await receive(ws, "error")
        assert (error["id"], error["code"]) == ("r10", "rate")
        now[0] += 10.0  # the window has passed
        await ws.send_json_to({"type": "send", "id": "r11", "text": "hi"})
        assert (await receive(ws, "ack"))["id"] == "r11"
        await ws.send_to(text_data="not json")
        assert (await receive(ws, "error"))["code"] == "invalid"
        await ws.send_json_to({"type": "send", "id": 5, "text": ["x"]})
        assert (await receive(ws, "error"))["code"] == "invalid"
        await ws.disconnect()

    run(scenario)
    cids = set(
        Message.objects.filter(conversation=conversation_a).values_list("client_msg_id", flat=True)
    )
    assert {f"r{i}" for i in range(10)} | {"r11"} <= cids
    assert not {"long", "r10"} & cids


def test_error_frames_speak_the_visitors_language(
    conversation_a: Conversation, visitor_web: HttpClient
) -> None:
    visitor_web.cookies["django_language"] = "ar"

    async def scenario() -> Any:
        ws = socket(_path(conversation_a), visitor_web)
        await ws.connect()
        await receive(ws, "history")
        await ws.send_json_to({"type": "send", "id": "e", "text": "   "})
        error = await receive(ws, "error")
        await ws.disconnect()
        return error

    error = run(scenario)
    assert error["code"] == "invalid" and error["error"]


def test_a_foreign_origin_is_refused() -> None:
    """The socket stack checks the Origin against ALLOWED_HOSTS (asgi.py)."""
    from channels.security.websocket import OriginValidator

    stack = asgi.application.application_mapping["websocket"]
    assert isinstance(stack, OriginValidator)
    stack_hosts = stack.allowed_origins
    try:
        stack.allowed_origins = ["perspektive.example.org"]

        async def scenario() -> tuple[bool, bool]:
            foreign = socket("/ws/chat/console/", origin=b"https://evil.example.com")
            refused = not (await foreign.connect())[0]
            own = socket("/ws/chat/console/", origin=b"https://perspektive.example.org")
            # Our own origin passes the check (and the console then refuses the anonymous).
            reached, code = await own.connect()
            return refused, (not reached and code == consumers.CLOSE_DENIED)

        refused, reached_consumer = run(scenario)
    finally:
        stack.allowed_origins = stack_hosts
    assert refused
    assert reached_consumer


@pytest.mark.parametrize("who", ["other visitor", "guessing visitor", "counsellor B", "client"])
def test_nobody_else_gets_a_conversation_over_the_socket(
    who: str,
    conversation_a: Conversation,
    counsellor_b: Any,
    client_user: Any,
    centre_a: Any,
    web_as: Any,
) -> None:
    if who == "other visitor":
        web = HttpClient()
        start_chat(web, centre_a, text="my own")  # holds a token, of another conversation
    elif who == "guessing visitor":
        web = HttpClient()
        session = web.session
        session["chat_tokens"] = {str(conversation_a.pk): "guessed-token"}
        session.save()
    elif who == "counsellor B":
        web = web_as(counsellor_b)
    else:
        web = web_as(client_user)
        start_chat(web, centre_a, text="the client's own chat")

    async def scenario() -> Any:
        ws = socket(_path(conversation_a), web)
        connected, code = await ws.connect()
        return connected, code

    connected, code = run(scenario)
    assert not connected
    assert code == consumers.CLOSE_DENIED


def test_counsellor_b_hears_nothing_of_centre_a_and_cannot_write_there(
    conversation_a: Conversation, counsellor_b: Any, centre_a: Any, web_as: Any
) -> None:
    web = web_as(counsellor_b)

    async def scenario() -> Any:
        console = socket("/ws/chat/console/", web)
        assert (await console.connect())[0]
        await database_sync_to_async(start_chat)(HttpClient(), centre_a, text="?")
        heard = await console.receive_nothing(timeout=0.3)
        await console.send_json_to(
            {"type": "send", "conversation": conversation_a.pk, "id": "x", "text": "injected"}
        )
        error = await receive(console, "error")
        await console.disconnect()
        return heard, error

    heard_nothing, error = run(scenario)
    assert heard_nothing
    assert error["id"] == "x"
    assert not Message.objects.filter(client_msg_id="x").exists()


def test_clients_and_anonymous_have_no_console(client_user: Any, web_as: Any) -> None:
    webs = [HttpClient(), web_as(client_user)]

    async def scenario() -> list[Any]:
        out = []
        for web in webs:
            ws = socket("/ws/chat/console/", web)
            out.append(await ws.connect())
        return out

    assert run(scenario) == [(False, consumers.CLOSE_DENIED)] * 2


def test_an_open_console_means_online_and_closing_it_means_offline(
    centre_a: Any, counsellor_a: Any, web_as: Any
) -> None:
    web = web_as(counsellor_a)

    async def scenario() -> tuple[bool, bool, bool]:
        ws = socket("/ws/chat/console/", web)
        await ws.connect()
        online = await database_sync_to_async(services.counsellors_online)(centre_a.pk)
        await ws.send_json_to({"type": "beat"})
        await ws.receive_nothing(timeout=0.1)
        beat = await database_sync_to_async(Presence.objects.filter(user=counsellor_a).exists)()
        await ws.disconnect()
        offline = not await database_sync_to_async(services.counsellors_online)(centre_a.pk)
        return online, beat, offline

    assert run(scenario) == (True, True, True)


def test_the_console_gets_the_history_of_its_conversations_on_reconnect(
    active_a: Conversation, counsellor_a: Any, web_as: Any
) -> None:
    web = web_as(counsellor_a)

    async def scenario() -> Any:
        ws = socket("/ws/chat/console/", web)
        await ws.connect()
        history = await receive(ws, "history")
        await ws.disconnect()
        return history

    history = run(scenario)
    assert history["conversation"] == active_a.pk
    assert [m["kind"] for m in history["messages"]] == ["visitor", "system"]
