"""This app's part of the outsider walk (perspektive/core/tests/test_outsider_walk.py).

Centre A's objects: a conversation of client A (a visitor who turned out to be client A),
in progress with counsellor A and attached to case A, and a canned answer of centre A.
Outsiders hold no token of the conversation, so the visitor pages give them 404; starting
a new chat with centre A is open to anyone (a public write) and changes nothing of A's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from perspektive.chat.models import CannedAnswer, Conversation, ConversationStatus, Message

Objects = dict[str, Any]

MESSAGE = "WALK-MARKER: does my welding experience from Germany count?"
CONTACT = "walk.marker@example.org"
CANNED = "WALK-CANNED: welcome to centre A"

# url name -> (kwargs from the objects, POST body or None for GET only)
ROUTES: dict[str, tuple[Callable[[Objects], dict[str, Any]], Callable[[Objects], Any] | None]] = {
    "chat:start": (
        lambda o: {},
        lambda o: {
            "centre": o["centre"].pk,
            "language": "ar",
            "text": "hello",
            "contact_email": "someone@example.org",
            "client_msg_id": "walkstart",
        },
    ),
    "chat:conversation": (lambda o: {"conversation_id": o["conversation"].pk}, None),
    "chat:send": (
        lambda o: {"conversation_id": o["conversation"].pk},
        lambda o: {"text": "injected", "client_msg_id": "walkinjected"},
    ),
    "chat:leave_message": (
        lambda o: {"conversation_id": o["conversation"].pk},
        lambda o: {"contact_email": "injected@example.org"},
    ),
    "chat:console": (lambda o: {}, None),
    "chat:console_queue": (lambda o: {}, None),
    "chat:console_panel": (lambda o: {"conversation_id": o["conversation"].pk}, None),
    "chat:claim": (lambda o: {"conversation_id": o["waiting_conversation"].pk}, lambda o: {}),
    "chat:transfer": (
        lambda o: {"conversation_id": o["conversation"].pk},
        lambda o: {"to_user": o["conversation"].assigned_to_id},
    ),
    "chat:close": (lambda o: {"conversation_id": o["conversation"].pk}, lambda o: {}),
    "chat:attach": (
        lambda o: {"conversation_id": o["waiting_conversation"].pk},
        lambda o: {"case": o["case"].reference},
    ),
    "chat:canned": (
        lambda o: {},
        lambda o: {
            "centre": o["centre"].pk,
            "language": "ar",
            "title": "Injected",
            "text": "Injected",
        },
    ),
    "chat:canned_delete": (lambda o: {"answer_id": o["canned"].pk}, lambda o: {}),
}
PUBLIC_WRITES: set[str] = {"chat:start"}  # anyone may start a chat (a new conversation)
PUBLIC_PAGES: set[str] = {"chat:start", "chat:conversation"}  # the latter: 404 without token
API_METHODS: dict[str, str] = {}


def objects(o: Objects) -> Objects:
    centre, client, case = o["centre"], o["client"], o["case"]
    counsellor = case.counsellor
    now = timezone.now()
    conversation = Conversation.objects.create(
        centre=centre,
        language="ar",
        visitor_name="",
        contact_email=CONTACT,
        client=client,
        case=case,
        status=ConversationStatus.ACTIVE,
        assigned_to=counsellor,
        claimed_at=now,
        attached_at=now,
        attached_by=counsellor,
        token_digest=Conversation.digest_of("walk-secret-token"),
    )
    Message.objects.create(
        conversation=conversation, sender_kind="client", client_msg_id="walk1", text=MESSAGE
    )
    waiting = Conversation.objects.create(
        centre=centre,
        language="ar",
        visitor_name="Waiting Visitor",
        contact_email=CONTACT,
        token_digest=Conversation.digest_of("walk-secret-token-2"),
    )
    Message.objects.create(
        conversation=waiting, sender_kind="visitor", client_msg_id="walk2", text=MESSAGE
    )
    canned = CannedAnswer.objects.create(centre=centre, language="ar", title="Hello", text=CANNED)
    return {"conversation": conversation, "waiting_conversation": waiting, "canned": canned}


def markers(o: Objects) -> list[str]:
    return [MESSAGE, CONTACT, CANNED, "Waiting Visitor"]


def snapshot(o: Objects) -> tuple[Any, ...]:
    rows = Conversation.objects.filter(
        pk__in=[o["conversation"].pk, o["waiting_conversation"].pk]
    ).order_by("pk")
    return (
        list(
            rows.values_list(
                "status", "assigned_to_id", "case_id", "client_id", "contact_email", "closed_at"
            )
        ),
        Message.objects.filter(conversation__in=rows).count(),
        list(CannedAnswer.objects.filter(centre=o["centre"]).values_list("pk", "title")),
    )
