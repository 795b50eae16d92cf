"""Every write of the live chat: atomic, validated; staff actions on person data audited.

Messages are stored first and delivered after the commit (``transaction.on_commit``), so a
socket never shows a message the database does not have. Sending is idempotent: the
sender makes an id for each message (``client_msg_id``); the same id twice stores one row
and returns it both times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.cases.policy import access_case
from perspektive.chat import events
from perspektive.chat.languages import label
from perspektive.chat.models import (
    MAX_CLIENT_MSG_ID_LENGTH,
    MAX_MESSAGE_LENGTH,
    CannedAnswer,
    Conversation,
    ConversationStatus,
    Message,
    Presence,
    SenderKind,
)
from perspektive.chat.policy import Access, Side, access_conversation, lead_centres, staff_centres
from perspektive.consent.models import Purpose
from perspektive.consent.services import consent_require
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden, NotFound
from perspektive.organisations.models import Membership, Organisation, OrganisationKind
from perspektive.organisations.scoping import allows, principal_for

S = ConversationStatus
PRESENCE_TTL = dt.timedelta(seconds=60)  # consoles beat every 20 s
CLIENT_MSG_ID = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_CLIENT_MSG_ID_LENGTH}}}$")
QUEUED = (S.WAITING, S.LEFT_MESSAGE)


def _after_commit(fn: Any) -> None:
    transaction.on_commit(fn, robust=True)


def _author_name(message: Message, conversation: Conversation) -> str:
    if message.sender_kind == SenderKind.COUNSELLOR and message.author is not None:
        return message.author.name
    if message.sender_kind in (SenderKind.VISITOR, SenderKind.CLIENT):
        return conversation.display_name
    return ""


def payload(message: Message, conversation: Conversation) -> dict[str, Any]:
    return events.message_payload(message, _author_name(message, conversation))


# Starting ---------------------------------------------------------------------------------


def chat_centres() -> Any:
    """Centres a visitor can chat with: active counselling centres."""
    return Organisation.objects.filter(
        kind=OrganisationKind.COUNSELLING_CENTRE, is_active=True
    ).select_related("country")


def centre_languages(centre: Organisation) -> list[str]:
    return [code for code in centre.country.languages if isinstance(code, str)]


def counsellors_online(centre_id: int, *, now: dt.datetime | None = None) -> bool:
    """Whether a counsellor of the centre has the console open (a fresh heartbeat)."""
    now = now or timezone.now()
    return Presence.objects.filter(
        centre_id=centre_id,
        last_seen__gte=now - PRESENCE_TTL,
        user__memberships__organisation_id=centre_id,
        user__memberships__is_active=True,
    ).exists()


@dataclass(frozen=True)
class Started:
    conversation: Conversation
    token: str  # for the visitor's session; shown nowhere, stored only as a digest


def _clean_contact(conversation: Conversation, *, required: bool) -> None:
    if required and not (conversation.contact_phone or conversation.contact_email):
        raise ValidationError(
            {
                "contact_phone": _(
                    "Give a phone number or an e-mail address, so that the centre can answer you."
                )
            }
        )


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a message first.")})
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValidationError(
            {
                "text": _("A message can have at most %(max)d characters; this one has %(n)d.")
                % {"max": MAX_MESSAGE_LENGTH, "n": len(text)}
            }
        )
    return text


def _client_of(user: Any) -> Any:
    if user is None or not user.is_authenticated:
        return None
    from perspektive.clients.models import Client

    return Client.objects.filter(user_id=user.pk).first()


@transaction.atomic
def conversation_start(
    *,
    user: Any,
    centre_id: int,
    language: str,
    visitor_name: str = "",
    text: str = "",
    client_msg_id: str = "",
    contact_phone: Any = "",
    contact_email: str = "",
    now: dt.datetime | None = None,
) -> Started:
    """A visitor (or a logged-in client) starts a chat with a centre in a language.

    With a counsellor online it waits in the centre's queue; with nobody online the
    visitor leaves a message and contact details instead, a task in the same queue."""
    centre = chat_centres().filter(pk=centre_id).first()
    if centre is None:
        raise ValidationError({"centre": _("Choose a counselling centre.")})
    languages = centre_languages(centre)
    if language not in languages:
        raise ValidationError(
            {
                "language": _("%(centre)s answers in these languages: %(languages)s.")
                % {"centre": centre.name, "languages": ", ".join(map(label, languages))}
            }
        )
    online = counsellors_online(centre.pk, now=now)
    token = Conversation.new_token()
    conversation = Conversation(
        centre=centre,
        language=language,
        visitor_name=(visitor_name or "").strip()[:100],
        contact_phone=contact_phone or "",
        contact_email=(contact_email or "").strip(),
        client=_client_of(user),
        status=S.WAITING if online else S.LEFT_MESSAGE,
        token_digest=Conversation.digest_of(token),
    )
    if not online:
        if not (text or "").strip():
            raise ValidationError(
                {"text": _("Nobody is online right now: write your question for the centre.")}
            )
        _clean_contact(conversation, required=conversation.client is None)
    clean_text = _clean_text(text) if (text or "").strip() else ""
    conversation.full_clean()
    conversation.save()
    if clean_text:
        _store(
            conversation,
            kind=SenderKind.CLIENT if conversation.client else SenderKind.VISITOR,
            author=user if conversation.client else None,
            client_msg_id=_check_id(client_msg_id) if client_msg_id else Conversation.new_token(),
            text=clean_text,
        )
    _after_commit(partial(events.push_status, conversation))
    return Started(conversation, token)


@transaction.atomic
def conversation_leave_message(
    *,
    user: Any,
    conversation_id: int,
    token: str | None,
    visitor_name: str = "",
    contact_phone: Any = "",
    contact_email: str = "",
) -> Conversation:
    """Nobody came: the waiting visitor leaves contact details; the chat becomes a task."""
    access = access_conversation(user, conversation_id, Action.UPDATE, token=token)
    if access.side is not Side.VISITOR:
        raise Forbidden
    conversation = access.conversation
    if conversation.status not in QUEUED:
        raise DomainError(_("A counsellor has already taken this conversation."))
    if visitor_name.strip():
        conversation.visitor_name = visitor_name.strip()[:100]
    conversation.contact_phone = contact_phone or ""
    conversation.contact_email = (contact_email or "").strip()
    _clean_contact(conversation, required=True)
    conversation.full_clean()
    conversation.status = S.LEFT_MESSAGE
    conversation.save()
    _after_commit(partial(events.push_status, conversation))
    return conversation


# Messages ---------------------------------------------------------------------------------


def _check_id(client_msg_id: str) -> str:
    if not CLIENT_MSG_ID.match(client_msg_id or ""):
        raise ValidationError({"client_msg_id": _("This message has no valid id.")})
    return client_msg_id


def _store(
    conversation: Conversation, *, kind: str, author: Any, client_msg_id: str, text: str
) -> tuple[Message, bool]:
    """Insert the message unless its id is stored already, then return that row instead.

    One statement, race-free on PostgreSQL and SQLite alike: ``INSERT ... ON CONFLICT DO
    NOTHING RETURNING id`` returns a row only when this call stored it (the ORM's
    ``bulk_create(ignore_conflicts=True)`` cannot tell). Inputs are validated before."""
    author_id = author.pk if getattr(author, "pk", None) else None
    now = timezone.now()
    table = Message._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (the table name is ours; values are params)
            "(conversation_id, sender_kind, author_id, client_msg_id, text, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (conversation_id, client_msg_id) DO NOTHING RETURNING id",
            [
                conversation.pk,
                str(kind),
                author_id,
                client_msg_id,
                text,
                connection.ops.adapt_datetimefield_value(now),
            ],
        )
        row = cursor.fetchone()
    if row is None:  # stored before: a retry, or the same id on another socket
        existing = Message.objects.select_related("author").get(
            conversation=conversation, client_msg_id=client_msg_id
        )
        return existing, False
    message = Message(
        pk=row[0],
        conversation=conversation,
        sender_kind=kind,
        author=author if author_id else None,
        client_msg_id=client_msg_id,
        text=text,
        created_at=now,
    )
    return message, True


@dataclass(frozen=True)
class Sent:
    message: Message
    created: bool  # False: this id was stored before (a retry), nothing new
    payload: dict[str, Any]


def message_send(
    *,
    user: Any,
    conversation_id: int,
    client_msg_id: str,
    text: str,
    token: str | None = None,
    access: Access | None = None,
) -> Sent:
    """Store one message, then (after the commit) deliver it to the conversation.

    The only write is one INSERT, atomic by itself: no transaction around it, so the hot
    path of the chat costs two statements (read the conversation, insert). Inside a
    caller's transaction the delivery still waits for that transaction's commit."""
    if access is None or access.conversation.pk != conversation_id:
        access = access_conversation(user, conversation_id, Action.UPDATE, token=token)
    client_msg_id = _check_id(client_msg_id)
    text = _clean_text(text)
    conversation = Conversation.objects.select_related("client").get(pk=conversation_id)
    if conversation.status == S.CLOSED:
        raise DomainError(_("This conversation is closed."))
    if access.side is Side.STAFF and conversation.assigned_to_id != getattr(user, "pk", None):
        raise DomainError(_("Take this conversation first, then answer."))
    message, created = _store(
        conversation,
        kind=Access(conversation, access.side).sender_kind,
        author=user,
        client_msg_id=client_msg_id,
        text=text,
    )
    data = payload(message, conversation)
    if created:
        _after_commit(
            partial(events.push_message, conversation, data, queued=conversation.status in QUEUED)
        )
    return Sent(message, created, data)


def _system_message(conversation: Conversation, text: Callable[[], str]) -> None:
    """A line of the chat itself, written in the conversation's language (the visitor's)."""
    with override(conversation.language):
        line = text()
    message, _created = _store(
        conversation,
        kind=SenderKind.SYSTEM,
        author=None,
        client_msg_id=f"sys-{Conversation.new_token()}",
        text=line,
    )
    data = payload(message, conversation)
    _after_commit(partial(events.push_message, conversation, data, queued=False))


# Staff actions ----------------------------------------------------------------------------


def _staff_access(user: Any, conversation_id: int, need: Action) -> Conversation:
    access = access_conversation(user, conversation_id, need)
    if access.side is not Side.STAFF:
        raise Forbidden
    return access.conversation


def _audit(actor: Any, conversation: Conversation, action: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.STATUS if action != "attach" else AuditAction.UPDATE,
        obj=conversation,
        client_id=conversation.client_id,
        organisation_id=conversation.centre_id,
        chat=action,
        **detail,
    )


@transaction.atomic
def conversation_claim(*, actor: Any, conversation_id: int) -> Conversation:
    """A counsellor takes a waiting conversation (or a left message). Two counsellors
    claiming at once: one wins, the other is told."""
    conversation = _staff_access(actor, conversation_id, Action.UPDATE)
    now = timezone.now()
    taken = Conversation.objects.filter(pk=conversation.pk, status__in=QUEUED).update(
        status=S.ACTIVE, assigned_to=actor, claimed_at=now, updated_at=now
    )
    if not taken:
        if conversation.status == S.CLOSED:
            raise DomainError(_("This conversation is closed."))
        raise DomainError(_("Another counsellor has already taken this conversation."))
    previous = conversation.status
    conversation.refresh_from_db()
    _audit(actor, conversation, "claim", from_status=previous, to_status=S.ACTIVE)
    _system_message(
        conversation, lambda: _("%(name)s has joined the conversation.") % {"name": actor.name}
    )
    _after_commit(partial(events.push_status, conversation))
    return conversation


def _may_take_over(actor: Any, conversation: Conversation) -> bool:
    return conversation.assigned_to_id == actor.pk or conversation.centre_id in lead_centres(actor)


@transaction.atomic
def conversation_transfer(*, actor: Any, conversation_id: int, to_user_id: int) -> Conversation:
    """Hand an active conversation to a colleague of the same centre."""
    conversation = _staff_access(actor, conversation_id, Action.TRANSFER)
    if conversation.status != S.ACTIVE:
        raise DomainError(_("Only a conversation in progress can be handed over."))
    if not _may_take_over(actor, conversation):
        raise Forbidden
    colleague = colleagues(actor, conversation).filter(pk=to_user_id).first()
    if colleague is None:
        raise ValidationError({"to_user": _("Choose a colleague of this centre.")})
    moved = Conversation.objects.filter(
        pk=conversation.pk, status=S.ACTIVE, assigned_to_id=conversation.assigned_to_id
    ).update(assigned_to=colleague, updated_at=timezone.now())
    if not moved:
        raise DomainError(_("This conversation changed in the meantime; reload the page."))
    previous = conversation.assigned_to_id
    conversation.refresh_from_db()
    _audit(actor, conversation, "transfer", from_user=previous, to_user=colleague.pk)
    _system_message(
        conversation,
        lambda: _("%(name)s has taken over the conversation.") % {"name": colleague.name},
    )
    _after_commit(partial(events.push_status, conversation))
    return conversation


def colleagues(actor: Any, conversation: Conversation) -> Any:
    """Who a conversation can go to: other active staff of its centre who handle chats."""
    from perspektive.accounts.models import User

    user_ids = Membership.objects.filter(
        organisation_id=conversation.centre_id,
        is_active=True,
        role__in=["counsellor", "centre_lead"],
    ).values("user_id")
    qs = User.objects.filter(pk__in=user_ids, is_active=True)
    if conversation.assigned_to_id is not None:
        qs = qs.exclude(pk=conversation.assigned_to_id)
    return qs.order_by("name")


@transaction.atomic
def conversation_close(*, actor: Any, conversation_id: int) -> Conversation:
    conversation = _staff_access(actor, conversation_id, Action.UPDATE)
    if conversation.status == S.CLOSED:
        raise DomainError(_("This conversation is already closed."))
    if conversation.status == S.ACTIVE and not _may_take_over(actor, conversation):
        raise Forbidden
    previous = conversation.status
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(
        status=S.CLOSED, closed_at=now, updated_at=now
    )
    conversation.refresh_from_db()
    _audit(actor, conversation, "close", from_status=previous, to_status=S.CLOSED)
    _system_message(conversation, lambda: _("The conversation has ended."))
    _after_commit(partial(events.push_status, conversation))
    return conversation


@transaction.atomic
def conversation_attach_case(*, actor: Any, conversation_id: int, case_id: int) -> Conversation:
    """Put a conversation into the client's case: only with the client's consent to
    counselling, checked here; without it nothing is attached."""
    conversation = _staff_access(actor, conversation_id, Action.UPDATE)
    case = access_case(actor, case_id)
    if case.organisation_id != conversation.centre_id:
        raise ValidationError({"case": _("Choose a case of this centre.")})
    if conversation.client_id and conversation.client_id != case.client_id:
        raise ValidationError({"case": _("This case belongs to another client.")})
    if conversation.case_id == case.pk:
        raise DomainError(_("This conversation is already in this case."))
    consent_require(actor=actor, client=case.client, purpose=Purpose.COUNSELLING)
    conversation.case = case
    conversation.client = case.client
    conversation.attached_at = timezone.now()
    conversation.attached_by = actor
    conversation.save(update_fields=["case", "client", "attached_at", "attached_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=conversation,
        client_id=case.client_id,
        organisation_id=conversation.centre_id,
        chat="attach",
        case_id=case.pk,
    )
    return conversation


# Presence ---------------------------------------------------------------------------------


def presence_beat(*, user: Any, connection: str, now: dt.datetime | None = None) -> list[int]:
    """The user's console (``connection``) is open: mark them online at their centres."""
    now = now or timezone.now()
    centres = sorted(staff_centres(user))
    for centre_id in centres:
        row = Presence.objects.filter(connection=connection, centre_id=centre_id)
        if row.update(last_seen=now, user_id=user.pk):
            continue
        try:
            with transaction.atomic():
                Presence.objects.create(
                    connection=connection, centre_id=centre_id, user_id=user.pk, last_seen=now
                )
        except IntegrityError:  # the same console beat twice at once
            row.update(last_seen=now, user_id=user.pk)
    return centres


def presence_leave(*, connection: str) -> None:
    Presence.objects.filter(connection=connection).delete()


def presence_prune(*, now: dt.datetime | None = None) -> int:
    """Forget consoles whose heartbeat stopped (a process that died)."""
    now = now or timezone.now()
    deleted, _rows = Presence.objects.filter(last_seen__lt=now - PRESENCE_TTL).delete()
    return deleted


# Canned answers ---------------------------------------------------------------------------


def _lead_of(actor: Any, centre_id: int) -> None:
    if centre_id in lead_centres(actor):
        return
    if allows(
        principal_for(actor), Resource.CONVERSATION, Action.VIEW, organisation_ids={centre_id}
    ):
        raise Forbidden
    raise NotFound


@transaction.atomic
def canned_answer_create(
    *, actor: Any, centre_id: int, language: str, title: str, text: str
) -> CannedAnswer:
    _lead_of(actor, centre_id)
    centre = Organisation.objects.select_related("country").get(pk=centre_id)
    errors: dict[str, str] = {}
    if language not in centre_languages(centre):
        errors["language"] = _("%(centre)s answers in these languages: %(languages)s.") % {
            "centre": centre.name,
            "languages": ", ".join(map(label, centre_languages(centre))),
        }
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        errors["title"] = _("Give the answer a short title.")
    try:
        text = _clean_text(text)
    except ValidationError as exc:
        errors["text"] = exc.message_dict["text"][0]
    if (
        not errors
        and CannedAnswer.objects.filter(centre=centre, language=language, title=title).exists()
    ):
        errors["title"] = _("There is already an answer with this title in this language.")
    if errors:
        raise ValidationError(errors)
    answer = CannedAnswer(
        centre=centre, language=language, title=title, text=text, created_by=actor
    )
    answer.full_clean()
    answer.save()
    return answer


@transaction.atomic
def canned_answer_delete(*, actor: Any, answer_id: int) -> None:
    answer = CannedAnswer.objects.filter(pk=answer_id).first()
    if answer is None:
        raise NotFound
    _lead_of(actor, answer.centre_id)
    answer.delete()
