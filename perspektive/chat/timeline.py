"""This app's entries in a case's timeline (perspektive.cases.selectors.case_timeline):
conversations attached to the case (with the client's consent), with their messages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from perspektive.cases.selectors import TimelineEntry
from perspektive.chat.models import Conversation, Message

TEMPLATE = "chat/_timeline_entry.html"


def entries_for_case(case: Any) -> list[TimelineEntry]:
    conversations = (
        Conversation.objects.filter(case=case)
        .select_related("assigned_to", "attached_by", "centre")
        .prefetch_related(Prefetch("messages", queryset=Message.objects.select_related("author")))
        .order_by("created_at", "id")
    )
    return [TimelineEntry(c.created_at, "chat", c, template=TEMPLATE) for c in conversations]
