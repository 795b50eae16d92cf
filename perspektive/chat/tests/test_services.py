"""The chat's services: starting (online, or leaving a message with contact details),
idempotent sending with limits, claim/transfer/close audited, attaching to a case only
with consent, presence across processes (database rows with a heartbeat), canned answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from perspektive.audit.models import AuditEvent
from perspektive.cases.selectors import case_timeline
from perspektive.cases.tests.factories import CaseFactory
from perspektive.chat import events, services
from perspektive.chat.models import (
    CannedAnswer,
    Conversation,
    ConversationStatus,
    Message,
    Presence,
    SenderKind,
)
from perspektive.chat.policy import access_conversation
from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.core.errors import ConsentRequired, DomainError, Forbidden, NotFound
from perspektive.organisations.models import Membership, OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, staff

pytestmark = pytest.mark.django_db
S = ConversationStatus


def _send(conversation: Conversation, cid: str, text: str = "hello", **kw: Any) -> services.Sent:
    return services.message_send(
        user=kw.pop("user", None),
        conversation_id=conversation.pk,
        client_msg_id=cid,
        text=text,
        **kw,
    )


def _token_start(centre: Any, **kw: Any) -> services.Started:
    return services.conversation_start(user=None, centre_id=centre.pk, language="ar", **kw)


# Starting ---------------------------------------------------------------------------------


def test_start_with_a_counsellor_online_waits_in_the_queue(centre_a: Any, online_a: None) -> None:
    started = _token_start(centre_a, visitor_name="Yusuf", text="مرحبا", client_msg_id="first")
    conversation = started.conversation
    assert conversation.status == S.WAITING
    assert conversation.token_digest == Conversation.digest_of(started.token)
    assert started.token not in conversation.token_digest
    assert list(conversation.messages.values_list("client_msg_id", "text", "sender_kind")) == [
        ("first", "مرحبا", SenderKind.VISITOR)
    ]


def test_start_refuses_a_language_the_centre_does_not_speak(centre_a: Any, online_a: None) -> None:
    with pytest.raises(ValidationError) as refused:
        services.conversation_start(user=None, centre_id=centre_a.pk, language="fr")
    assert "language" in refused.value.message_dict
    assert "Arabic" in refused.value.message_dict["language"][0]
    assert not Conversation.objects.exists()


def test_start_refuses_an_organisation_that_is_not_a_counselling_centre(
    partner_org: Any, db: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.conversation_start(user=None, centre_id=partner_org.pk, language="ar")
    assert "centre" in refused.value.message_dict
    assert not Conversation.objects.exists()


def test_nobody_online_needs_a_question_and_contact_details(centre_a: Any) -> None:
    with pytest.raises(ValidationError) as no_text:
        _token_start(centre_a, contact_email="yusuf@example.org")
    assert "text" in no_text.value.message_dict
    with pytest.raises(ValidationError) as no_contact:
        _token_start(centre_a, text="Please call me")
    assert "contact_phone" in no_contact.value.message_dict
    with pytest.raises(ValidationError) as bad_phone:
        _token_start(centre_a, text="Please call me", contact_phone="12345")
    assert "contact_phone" in bad_phone.value.message_dict
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()

    left = _token_start(centre_a, text="Please call me", contact_phone="+9647501234567")
    assert left.conversation.status == S.LEFT_MESSAGE
    assert str(left.conversation.contact_phone) == "+9647501234567"
    assert left.conversation.messages.get().text == "Please call me"


def test_a_logged_in_client_chats_under_their_account(
    centre_a: Any, client_user: Any, online_a: None
) -> None:
    started = services.conversation_start(
        user=client_user, centre_id=centre_a.pk, language="ar", text="Hi"
    )
    assert started.conversation.client == client_user.client_profile
    assert started.conversation.messages.get().sender_kind == SenderKind.CLIENT
    # The client reaches it through the account too, without the token.
    assert access_conversation(client_user, started.conversation.pk).conversation.pk == (
        started.conversation.pk
    )


# Messages ---------------------------------------------------------------------------------


def test_the_same_message_id_twice_stores_one_row_and_answers_both_times(
    conversation_a: Conversation, visitor_web: Any
) -> None:
    token = visitor_web.session["chat_tokens"][str(conversation_a.pk)]
    before = conversation_a.messages.count()
    first = _send(conversation_a, "abc-1", "سؤال", token=token)
    again = _send(conversation_a, "abc-1", "سؤال", token=token)
    assert first.created and not again.created
    assert first.message.pk == again.message.pk
    assert first.payload == again.payload
    assert conversation_a.messages.count() == before + 1


@pytest.mark.parametrize(
    ("cid", "text", "field"),
    [
        ("ok-id", "x" * 2001, "text"),
        ("ok-id", "   ", "text"),
        ("", "hello", "client_msg_id"),
        ("has space", "hello", "client_msg_id"),
        ("x" * 65, "hello", "client_msg_id"),
    ],
)
def test_bad_messages_are_refused_with_a_message_and_store_nothing(
    conversation_a: Conversation, visitor_web: Any, cid: str, text: str, field: str
) -> None:
    token = visitor_web.session["chat_tokens"][str(conversation_a.pk)]
    before = Message.objects.count()
    with pytest.raises(ValidationError) as refused:
        _send(conversation_a, cid, text, token=token)
    assert refused.value.message_dict[field][0]
    assert Message.objects.count() == before


def test_two_thousand_characters_are_fine(conversation_a: Conversation, visitor_web: Any) -> None:
    token = visitor_web.session["chat_tokens"][str(conversation_a.pk)]
    assert _send(conversation_a, "long", "ع" * 2000, token=token).created


def test_a_counsellor_answers_only_after_taking_the_conversation(
    conversation_a: Conversation, counsellor_a: Any
) -> None:
    with pytest.raises(DomainError):
        _send(conversation_a, "c1", "أهلا", user=counsellor_a)
    services.conversation_claim(actor=counsellor_a, conversation_id=conversation_a.pk)
    sent = _send(conversation_a, "c1", "أهلا", user=counsellor_a)
    assert sent.message.sender_kind == SenderKind.COUNSELLOR
    assert sent.payload["author"] == counsellor_a.name


def test_a_closed_conversation_takes_no_messages(
    active_a: Conversation, counsellor_a: Any, visitor_web: Any
) -> None:
    services.conversation_close(actor=counsellor_a, conversation_id=active_a.pk)
    token = visitor_web.session["chat_tokens"][str(active_a.pk)]
    before = Message.objects.count()
    with pytest.raises(DomainError, match="closed"):
        _send(active_a, "late", "still there?", token=token)
    assert Message.objects.count() == before


def test_outsiders_cannot_send(
    conversation_a: Conversation, counsellor_b: Any, client_user: Any
) -> None:
    before = Message.objects.count()
    for user, token in [(None, None), (None, "guess"), (counsellor_b, None), (client_user, None)]:
        with pytest.raises(NotFound):
            _send(conversation_a, "x1", "injected", user=user, token=token)
    assert Message.objects.count() == before


def test_delivery_waits_for_the_commit(
    conversation_a: Conversation, visitor_web: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored first, delivered after the commit; a refused message is never delivered."""
    pushed: list[Any] = []
    monkeypatch.setattr(events, "push", lambda group, event: pushed.append((group, event)))
    token = visitor_web.session["chat_tokens"][str(conversation_a.pk)]
    callbacks: list[Any] = []
    with transaction.atomic():
        real = transaction.on_commit
        monkeypatch.setattr(transaction, "on_commit", lambda f, **kw: callbacks.append(f))
        sent = _send(conversation_a, "later", "hi", token=token)
        with pytest.raises(ValidationError):
            _send(conversation_a, "never", "", token=token)
        monkeypatch.setattr(transaction, "on_commit", real)
    assert not pushed  # nothing left before the commit
    assert Message.objects.filter(pk=sent.message.pk).exists()
    for callback in callbacks:
        callback()
    delivered = [e["message"]["cid"] for _g, e in pushed if e["type"] == "chat.message"]
    assert delivered == ["later"]


# Staff actions ----------------------------------------------------------------------------


def test_claim_is_audited_and_a_second_claim_is_refused(
    conversation_a: Conversation, counsellor_a: Any, colleague_a: Any
) -> None:
    services.conversation_claim(actor=counsellor_a, conversation_id=conversation_a.pk)
    conversation_a.refresh_from_db()
    assert conversation_a.status == S.ACTIVE
    assert conversation_a.assigned_to == counsellor_a
    audit = AuditEvent.objects.get(object_type="chat.conversation", detail__chat="claim")
    assert audit.actor == counsellor_a
    assert audit.organisation_id == conversation_a.centre_id
    with pytest.raises(DomainError, match="already taken"):
        services.conversation_claim(actor=colleague_a, conversation_id=conversation_a.pk)
    conversation_a.refresh_from_db()
    assert conversation_a.assigned_to == counsellor_a
    assert conversation_a.messages.filter(sender_kind=SenderKind.SYSTEM).count() == 1


def test_several_conversations_at_once(centre_a: Any, counsellor_a: Any, online_a: None) -> None:
    ids = [_token_start(centre_a, text=f"q{i}").conversation.pk for i in range(3)]
    for conversation_id in ids:
        services.conversation_claim(actor=counsellor_a, conversation_id=conversation_id)
    assert Conversation.objects.filter(assigned_to=counsellor_a, status=S.ACTIVE).count() == 3


def test_transfer_goes_to_a_colleague_of_the_same_centre_only(
    active_a: Conversation, counsellor_a: Any, colleague_a: Any, counsellor_b: Any
) -> None:
    audits = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.conversation_transfer(
            actor=counsellor_a, conversation_id=active_a.pk, to_user_id=counsellor_b.pk
        )
    with pytest.raises(ValidationError):
        services.conversation_transfer(
            actor=counsellor_a, conversation_id=active_a.pk, to_user_id=counsellor_a.pk
        )
    assert AuditEvent.objects.count() == audits
    services.conversation_transfer(
        actor=counsellor_a, conversation_id=active_a.pk, to_user_id=colleague_a.pk
    )
    active_a.refresh_from_db()
    assert active_a.assigned_to == colleague_a
    audit = AuditEvent.objects.get(detail__chat="transfer")
    assert (audit.detail["from_user"], audit.detail["to_user"]) == (counsellor_a.pk, colleague_a.pk)
    # Now the colleague answers; the first counsellor no longer can.
    with pytest.raises(DomainError):
        _send(active_a, "c2", "still me", user=counsellor_a)
    assert _send(active_a, "c3", "أنا هنا", user=colleague_a).created


def test_only_the_assigned_counsellor_or_the_lead_hands_over_or_closes(
    active_a: Conversation, colleague_a: Any, lead_a: Any, counsellor_a: Any
) -> None:
    with pytest.raises(Forbidden):
        services.conversation_transfer(
            actor=colleague_a, conversation_id=active_a.pk, to_user_id=colleague_a.pk
        )
    with pytest.raises(Forbidden):
        services.conversation_close(actor=colleague_a, conversation_id=active_a.pk)
    services.conversation_transfer(
        actor=lead_a, conversation_id=active_a.pk, to_user_id=colleague_a.pk
    )
    services.conversation_close(actor=lead_a, conversation_id=active_a.pk)
    active_a.refresh_from_db()
    assert active_a.status == S.CLOSED and active_a.closed_at is not None
    assert AuditEvent.objects.filter(detail__chat="close", actor=lead_a).count() == 1
    with pytest.raises(DomainError):
        services.conversation_close(actor=lead_a, conversation_id=active_a.pk)


def test_a_counsellor_of_centre_b_cannot_act_on_centre_a(
    conversation_a: Conversation, counsellor_b: Any
) -> None:
    for action in (services.conversation_claim, services.conversation_close):
        with pytest.raises(NotFound):
            action(actor=counsellor_b, conversation_id=conversation_a.pk)
    conversation_a.refresh_from_db()
    assert conversation_a.status == S.WAITING
    assert not AuditEvent.objects.filter(object_type="chat.conversation").exists()


def test_a_client_cannot_claim_their_own_conversation(centre_a: Any, client_user: Any) -> None:
    started = services.conversation_start(
        user=client_user, centre_id=centre_a.pk, language="ar", text="x", contact_email="a@b.org"
    )
    with pytest.raises(Forbidden):
        services.conversation_claim(actor=client_user, conversation_id=started.conversation.pk)


# Attach to a case -------------------------------------------------------------------------


def test_attach_with_consent_puts_the_chat_into_the_case_timeline(
    active_a: Conversation, counsellor_a: Any, case_a: Any, counselling_consent: Any
) -> None:
    services.conversation_attach_case(
        actor=counsellor_a, conversation_id=active_a.pk, case_id=case_a.pk
    )
    active_a.refresh_from_db()
    assert active_a.case == case_a and active_a.client == case_a.client
    audit = AuditEvent.objects.get(detail__chat="attach")
    assert audit.client_id == case_a.client_id
    chat_entries = [e for e in case_timeline(case=case_a) if e.kind == "chat"]
    assert [e.obj.pk for e in chat_entries] == [active_a.pk]
    assert chat_entries[0].template == "chat/_timeline_entry.html"


def test_attach_without_consent_is_refused_and_attaches_nothing(
    active_a: Conversation, counsellor_a: Any, case_a: Any
) -> None:
    audits = AuditEvent.objects.count()
    with pytest.raises(ConsentRequired) as refused:
        services.conversation_attach_case(
            actor=counsellor_a, conversation_id=active_a.pk, case_id=case_a.pk
        )
    assert "consented" in refused.value.message
    active_a.refresh_from_db()
    assert active_a.case_id is None and active_a.client_id is None
    assert AuditEvent.objects.count() == audits
    assert not [e for e in case_timeline(case=case_a) if e.kind == "chat"]


def test_withdrawn_consent_does_not_count(
    active_a: Conversation, counsellor_a: Any, case_a: Any, counselling_consent: Any
) -> None:
    counselling_consent.withdrawn_at = timezone.now()
    counselling_consent.save()
    with pytest.raises(ConsentRequired):
        services.conversation_attach_case(
            actor=counsellor_a, conversation_id=active_a.pk, case_id=case_a.pk
        )


def test_attach_refuses_a_case_of_another_centre_or_another_client(
    active_a: Conversation, counsellor_a: Any, centre_a: Any, centre_b: Any, client_user: Any
) -> None:
    elsewhere = CaseFactory(client=ClientFactory(organisation=centre_b), organisation=centre_b)
    with pytest.raises(NotFound):  # not even visible to counsellor A
        services.conversation_attach_case(
            actor=counsellor_a, conversation_id=active_a.pk, case_id=elsewhere.pk
        )
    mine = ClientFactory(organisation=centre_a)
    other = ClientFactory(organisation=centre_a)
    Conversation.objects.filter(pk=active_a.pk).update(client=mine)
    other_case = CaseFactory(client=other, organisation=centre_a)
    with pytest.raises(ValidationError):
        services.conversation_attach_case(
            actor=counsellor_a, conversation_id=active_a.pk, case_id=other_case.pk
        )
    active_a.refresh_from_db()
    assert active_a.case_id is None


# Presence ---------------------------------------------------------------------------------


def test_presence_is_a_heartbeat_in_the_database(centre_a: Any, counsellor_a: Any) -> None:
    t0 = timezone.now()
    assert not services.counsellors_online(centre_a.pk, now=t0)
    services.presence_beat(user=counsellor_a, connection="proc-1!abc", now=t0)
    assert services.counsellors_online(centre_a.pk, now=t0 + dt.timedelta(seconds=59))
    assert not services.counsellors_online(centre_a.pk, now=t0 + dt.timedelta(seconds=61))
    services.presence_beat(user=counsellor_a, connection="proc-1!abc", now=t0 + dt.timedelta(60))
    assert Presence.objects.count() == 1  # one row per console, refreshed
    services.presence_leave(connection="proc-1!abc")
    assert not services.counsellors_online(centre_a.pk, now=t0 + dt.timedelta(60))


def test_presence_of_someone_no_longer_at_the_centre_does_not_count(
    centre_a: Any, counsellor_a: Any
) -> None:
    services.presence_beat(user=counsellor_a, connection="c1")
    Membership.objects.filter(user=counsellor_a).update(is_active=False)
    assert not services.counsellors_online(centre_a.pk)


def test_stale_presence_is_pruned(centre_a: Any, counsellor_a: Any) -> None:
    t0 = timezone.now()
    services.presence_beat(user=counsellor_a, connection="dead", now=t0)
    services.presence_beat(user=counsellor_a, connection="alive", now=t0 + dt.timedelta(300))
    assert services.presence_prune(now=t0 + dt.timedelta(seconds=330)) == 1
    assert list(Presence.objects.values_list("connection", flat=True)) == ["alive"]


def test_a_client_has_no_presence(client_user: Any) -> None:
    assert services.presence_beat(user=client_user, connection="x") == []
    assert not Presence.objects.exists()


# Canned answers ---------------------------------------------------------------------------


def test_the_lead_keeps_canned_answers_per_language(lead_a: Any, centre_a: Any) -> None:
    answer = services.canned_answer_create(
        actor=lead_a, centre_id=centre_a.pk, language="ar", title="Welcome", text="أهلا وسهلا"
    )
    with pytest.raises(ValidationError) as duplicate:
        services.canned_answer_create(
            actor=lead_a, centre_id=centre_a.pk, language="ar", title="Welcome", text="x"
        )
    assert "title" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as wrong_language:
        services.canned_answer_create(
            actor=lead_a, centre_id=centre_a.pk, language="sq", title="Hi", text="x"
        )
    assert "language" in wrong_language.value.message_dict
    assert CannedAnswer.objects.count() == 1
    services.canned_answer_delete(actor=lead_a, answer_id=answer.pk)
    assert not CannedAnswer.objects.exists()


def test_counsellors_and_outsiders_cannot_manage_canned_answers(
    lead_a: Any, counsellor_a: Any, counsellor_b: Any, centre_a: Any
) -> None:
    answer = services.canned_answer_create(
        actor=lead_a, centre_id=centre_a.pk, language="ar", title="Welcome", text="أهلا"
    )
    with pytest.raises(Forbidden):
        services.canned_answer_create(
            actor=counsellor_a, centre_id=centre_a.pk, language="ar", title="X", text="x"
        )
    with pytest.raises(Forbidden):
        services.canned_answer_delete(actor=counsellor_a, answer_id=answer.pk)
    with pytest.raises(NotFound):
        services.canned_answer_delete(actor=counsellor_b, answer_id=answer.pk)
    assert CannedAnswer.objects.count() == 1


def test_chat_centres_are_active_counselling_centres_only(centre_a: Any, partner_org: Any) -> None:
    closed = OrganisationFactory(is_active=False)
    employer = OrganisationFactory(kind=OrganisationKind.EMPLOYER)
    ids = set(services.chat_centres().values_list("pk", flat=True))
    assert centre_a.pk in ids
    assert not ids & {closed.pk, employer.pk, partner_org.pk}
    staff(centre_a, Role.COUNSELLOR)  # unrelated: staff do not change the list
    assert set(services.chat_centres().values_list("pk", flat=True)) == ids
