"""Who may read and write which conversations.

Staff reach a conversation through the matrix (CONVERSATION at ORGANISATION scope: the
conversations of their centre). A client reaches their own conversations (SELF). A visitor
without an account reaches exactly one conversation: the one whose secret token their
session holds. Outside all of these: 404, with no hint whether the id exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from perspektive.chat.models import Conversation, SenderKind
from perspektive.core.authz import Action, Resource, Role
from perspektive.core.errors import Forbidden, NotFound
from perspektive.organisations.scoping import ScopeFields, allows, principal_for, scope_filter

CONVERSATION_SCOPE = ScopeFields(
    model=Conversation, organisation="centre", self_user="client__user"
)
# What holding the secret token lets a visitor do: read and write, like a client's SELF.
VISITOR_ACTIONS = frozenset({Action.VIEW, Action.UPDATE})


class Side(StrEnum):
    STAFF = "staff"  # a counsellor or lead of the conversation's centre
    VISITOR = "visitor"  # the person who started it (anonymous visitor or client)


@dataclass(frozen=True)
class Access:
    conversation: Conversation
    side: Side

    @property
    def sender_kind(self) -> SenderKind:
        if self.side is Side.STAFF:
            return SenderKind.COUNSELLOR
        return SenderKind.CLIENT if self.conversation.client_id else SenderKind.VISITOR


def conversations_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Conversation]:
    condition = scope_filter(principal_for(user), Resource.CONVERSATION, action, CONVERSATION_SCOPE)
    if condition is None:
        return Conversation.objects.none()
    return Conversation.objects.filter(condition)


def staff_allows(user: Any, conversation: Conversation, action: Action) -> bool:
    """Whether the user acts on the conversation as staff of its centre (not as its owner)."""
    return allows(
        principal_for(user),
        Resource.CONVERSATION,
        action,
        organisation_ids={conversation.centre_id},
    )


def owner_allows(user: Any, conversation: Conversation, action: Action) -> bool:
    """Whether the user is the client the conversation belongs to, with the right."""
    owner = conversation.client.user_id if conversation.client_id and conversation.client else None
    return owner is not None and allows(
        principal_for(user),
        Resource.CONVERSATION,
        action,
        organisation_ids=set(),
        owner_user_id=owner,
    )


def staff_centres(user: Any, action: Action = Action.UPDATE) -> set[int]:
    """The centres whose conversations the user handles as staff."""
    principal = principal_for(user)
    ids: set[int] = set()
    for role, _scope in principal.grants(Resource.CONVERSATION, action):
        if role is not Role.CLIENT:
            ids |= principal.orgs_by_role.get(role, frozenset())
    return ids


def lead_centres(user: Any) -> set[int]:
    """Centres the user leads: a lead keeps the canned answers and may take over chats.

    The matrix gives leads and counsellors the same conversation rights; what a lead does
    beyond that is tied to the role itself, here, in one place."""
    principal = principal_for(user)
    return set(principal.orgs_by_role.get(Role.CENTRE_LEAD, frozenset()))


def access_conversation(
    user: Any, conversation_id: int, need: Action = Action.VIEW, *, token: str | None = None
) -> Access:
    """The conversation and the side the user is on: 404 outside their reach, 403 inside
    it without the right for ``need``."""
    conversation = (
        Conversation.objects.select_related("centre", "centre__country", "client", "assigned_to")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise NotFound
    if staff_allows(user, conversation, Action.VIEW):
        if not staff_allows(user, conversation, need):
            raise Forbidden
        return Access(conversation, Side.STAFF)
    is_owner = owner_allows(user, conversation, Action.VIEW)
    if is_owner or conversation.token_matches(token):
        if need in VISITOR_ACTIONS or (is_owner and owner_allows(user, conversation, need)):
            return Access(conversation, Side.VISITOR)
        raise Forbidden
    raise NotFound
