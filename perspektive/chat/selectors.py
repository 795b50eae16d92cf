"""Every read of the live chat, scoped to the acting user (or the visitor's token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from perspektive.chat import languages
from perspektive.chat.models import CannedAnswer, Conversation, ConversationStatus, Message
from perspektive.chat.policy import conversations_visible_to, lead_centres, staff_centres
from perspektive.chat.services import payload
from perspektive.core.authz import Action, Role
from perspektive.organisations.models import Membership, Organisation

S = ConversationStatus


def history(conversation: Conversation) -> list[dict[str, Any]]:
    """The whole conversation, oldest first, as the sockets send it (access checked by
    the caller)."""
    messages = Message.objects.filter(conversation=conversation).select_related("author")
    return [payload(m, conversation) for m in messages]


def messages_of(conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).select_related("author")


@dataclass(frozen=True)
class Console:
    centres: list[Organisation]
    queue: list[Any]  # conversations with ``message_count``
    mine: list[Conversation]
    languages: list[tuple[str, str, int]]  # code, name, how many wait (for the filter)
    language: str


def _with_messages(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return qs.select_related("client", "centre", "assigned_to", "case").prefetch_related(
        Prefetch("messages", queryset=Message.objects.select_related("author")),
        "client__cases",
    )


def console_for(*, user: Any, language: str = "") -> Console:
    """A counsellor's console: the queue of their centres (waiting chats and left
    messages, oldest first, by language) and the conversations they handle now."""
    centre_ids = sorted(staff_centres(user))
    visible = conversations_visible_to(user, Action.UPDATE).filter(centre_id__in=centre_ids)
    queued = visible.filter(status__in=[S.WAITING, S.LEFT_MESSAGE])
    waiting = {
        row["language"]: row["n"]
        for row in queued.order_by().values("language").annotate(n=Count("id"))
    }
    centres = list(Organisation.objects.filter(pk__in=centre_ids).select_related("country"))
    codes = languages.languages_of(centres)
    codes += [c for c in waiting if c not in codes]
    choices = [(code, name, waiting.get(code, 0)) for code, name in languages.choices(codes)]
    if language:
        queued = queued.filter(language=language)
    queue = list(
        queued.select_related("client", "centre")
        .annotate(message_count=Count("messages"))
        .order_by("created_at", "id")[:200]
    )
    mine = list(
        _with_messages(visible.filter(status=S.ACTIVE, assigned_to_id=user.pk)).order_by(
            "claimed_at", "id"
        )
    )
    return Console(centres, queue, mine, choices, language)


def canned_answers_for(*, user: Any, centre_ids: set[int] | None = None) -> QuerySet[CannedAnswer]:
    ids = staff_centres(user) if centre_ids is None else centre_ids & staff_centres(user)
    return CannedAnswer.objects.filter(centre_id__in=sorted(ids)).order_by(
        "centre_id", "language", "title"
    )


def led_centres(*, user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=sorted(lead_centres(user))).select_related("country")


def conversations_of_client(*, user: Any) -> QuerySet[Conversation]:
    """A logged-in client's own conversations (newest first)."""
    if user is None or not user.is_authenticated:
        return Conversation.objects.none()
    return (
        conversations_visible_to(user)
        .filter(client__user_id=user.pk)
        .select_related("centre")
        .order_by("-created_at", "-id")
    )


def conversation_with_messages(conversation_id: int) -> Conversation:
    return _with_messages(Conversation.objects.filter(pk=conversation_id)).get()


def chat_staff(centre_ids: set[int]) -> dict[int, list[Any]]:
    """Active counsellors and leads per centre (whom a conversation can be handed to)."""
    out: dict[int, list[Any]] = {}
    rows = (
        Membership.objects.filter(
            organisation_id__in=sorted(centre_ids),
            is_active=True,
            role__in=[Role.COUNSELLOR.value, Role.CENTRE_LEAD.value],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__name", "user_id")
    )
    for row in rows:
        people = out.setdefault(row.organisation_id, [])
        if all(u.pk != row.user_id for u in people):
            people.append(row.user)
    return out
