"""The chat's pages. The visitor's side works without JavaScript: a normal form starts
the chat and posts messages, a reload shows the history. Message text is never HTML.
Nobody but the visitor (token in their session), the client, and staff of the centre
gets a conversation; the console and canned answers are for staff and leads."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from perspektive.audit.models import AuditEvent
from perspektive.chat import services
from perspektive.chat.models import CannedAnswer, Conversation, ConversationStatus, Message
from perspektive.chat.tests.helpers import start_chat

pytestmark = pytest.mark.django_db
S = ConversationStatus
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _page(web: HttpClient, conversation: Conversation) -> Any:
    return web.get(reverse("chat:conversation", args=[conversation.pk]))


def test_the_jobs_board_offers_the_chat(db: Any) -> None:
    page = HttpClient().get(reverse("jobs:board")).content.decode()
    assert reverse("chat:start") in page
    assert "Chat with a counsellor" in page


def test_start_page_lists_centres_with_their_languages(centre_a: Any, centre_b: Any) -> None:
    response = HttpClient().get(reverse("chat:start"), {"centre": centre_a.slug})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-languages="ar ckb"' in page and 'data-languages="fr"' in page
    assert "Nobody of Centre Erbil is online right now" in page
    assert 'src="/static/js/chat.js"' in page


def test_start_page_in_arabic_is_right_to_left(centre_a: Any, online_a: None) -> None:
    web = HttpClient()
    web.cookies["django_language"] = "ar"
    page = web.get(reverse("chat:start"), {"centre": centre_a.slug}).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert '<option value="ar" selected>' in page  # the page's language, preselected


def test_no_javascript_visitor_starts_sends_and_sees_history_after_reload(
    visitor_web: HttpClient, centre_a: Any, online_a: None
) -> None:
    conversation = start_chat(visitor_web, centre_a, visitor_name="Yusuf", text="سؤال أول")
    page = _page(visitor_web, conversation)
    assert page.status_code == 200
    html = page.content.decode()
    assert "سؤال أول" in html
    assert "Waiting for a counsellor" in html
    form_id = page.context["form"].initial["client_msg_id"]
    url = reverse("chat:send", args=[conversation.pk])
    for _ in range(2):  # the browser posts the form twice (a reload of the POST)
        response = visitor_web.post(url, {"text": "سؤال ثان", "client_msg_id": form_id})
        assert response.status_code == 302
    assert Message.objects.filter(conversation=conversation, text="سؤال ثان").count() == 1
    assert "سؤال ثان" in _page(visitor_web, conversation).content.decode()


def test_message_text_is_never_rendered_as_html(
    visitor_web: HttpClient, centre_a: Any, online_a: None, counsellor_a: Any, web_as: Any
) -> None:
    conversation = start_chat(visitor_web, centre_a, visitor_name=XSS, text=XSS)
    pages = [
        _page(visitor_web, conversation).content.decode(),
        web_as(counsellor_a).get(reverse("chat:console")).content.decode(),
        web_as(counsellor_a)
        .get(reverse("chat:console_panel", args=[conversation.pk]))
        .content.decode(),
    ]
    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_too_long_message_comes_back_with_a_clear_error(
    conversation_a: Conversation, visitor_web: HttpClient
) -> None:
    before = Message.objects.count()
    response = visitor_web.post(
        reverse("chat:send", args=[conversation_a.pk]),
        {"text": "x" * 2001, "client_msg_id": "toolong"},
    )
    assert response.status_code == 400
    assert "at most 2000 characters" in response.content.decode()
    assert Message.objects.count() == before


def test_start_refuses_bad_input_with_messages_on_the_fields(centre_a: Any) -> None:
    web = HttpClient()
    response = web.post(reverse("chat:start"), {"centre": centre_a.pk, "language": "fr"})
    assert response.status_code == 400
    assert "language" in response.context["form"].errors
    response = web.post(
        reverse("chat:start"), {"centre": centre_a.pk, "language": "ar", "text": "call me"}
    )
    assert response.status_code == 400  # nobody online and no contact given
    assert "phone number or an e-mail address" in response.content.decode()
    response = web.post(
        reverse("chat:start"),
        {"centre": centre_a.pk, "language": "ar", "text": "x", "contact_phone": "0750"},
    )
    assert response.status_code == 400
    assert "contact_phone" in response.context["form"].errors
    assert not Conversation.objects.exists()


def test_nobody_online_the_visitor_leaves_a_message_and_it_is_a_task_in_the_queue(
    centre_a: Any, counsellor_a: Any, web_as: Any
) -> None:
    web = HttpClient()
    conversation = start_chat(
        web, centre_a, text="اتصلوا بي", contact_phone="+9647501234567", visitor_name="Samir"
    )
    assert conversation.status == S.LEFT_MESSAGE
    assert "+9647501234567" in _page(web, conversation).content.decode()
    console = web_as(counsellor_a).get(reverse("chat:console")).content.decode()
    assert "Left a message" in console
    assert "+9647501234567" in console and "Samir" in console


def test_a_waiting_visitor_can_leave_contact_details_when_nobody_comes(
    conversation_a: Conversation, visitor_web: HttpClient
) -> None:
    from perspektive.chat.models import Presence

    Presence.objects.all().delete()  # the counsellor closed the console
    page = _page(visitor_web, conversation_a).content.decode()
    assert "Nobody is online right now" in page
    url = reverse("chat:leave_message", args=[conversation_a.pk])
    assert visitor_web.post(url, {}).status_code == 400
    conversation_a.refresh_from_db()
    assert conversation_a.status == S.WAITING
    assert visitor_web.post(url, {"contact_email": "yusuf@example.org"}).status_code == 302
    conversation_a.refresh_from_db()
    assert (conversation_a.status, conversation_a.contact_email) == (
        S.LEFT_MESSAGE,
        "yusuf@example.org",
    )


@pytest.mark.parametrize("who", ["anonymous", "other visitor", "counsellor B", "client", "guess"])
def test_nobody_else_gets_a_conversation_over_http(
    who: str, conversation_a: Conversation, centre_a: Any, counsellor_b: Any, client_user: Any
) -> None:
    web = HttpClient()
    target = conversation_a.pk
    if who == "other visitor":
        start_chat(web, centre_a, text="mine")
    elif who == "counsellor B":
        web.force_login(counsellor_b)
    elif who == "client":
        web.force_login(client_user)
        start_chat(web, centre_a, text="the client's own")
    elif who == "guess":
        own = start_chat(web, centre_a, text="mine")
        target = own.pk - 1 if own.pk - 1 == conversation_a.pk else conversation_a.pk
    before = Message.objects.count()
    assert _page(web, Conversation(pk=target)).status_code == 404
    posted = web.post(
        reverse("chat:send", args=[target]), {"text": "injected", "client_msg_id": "inj"}
    )
    assert posted.status_code == 404
    left = web.post(reverse("chat:leave_message", args=[target]), {"contact_email": "a@b.org"})
    assert left.status_code == 404
    assert Message.objects.count() == before
    assert "هل تُحتسب" not in _page(web, Conversation(pk=target)).content.decode()


def test_the_client_sees_their_own_conversations_without_the_token(
    centre_a: Any, client_user: Any, online_a: None, web_as: Any
) -> None:
    first = web_as(client_user)
    conversation = start_chat(first, centre_a, text="from my phone")
    other_device = web_as(client_user)
    page = other_device.get(reverse("chat:conversation", args=[conversation.pk]))
    assert page.status_code == 200
    assert "from my phone" in page.content.decode()
    listing = other_device.get(reverse("chat:start")).content.decode()
    assert reverse("chat:conversation", args=[conversation.pk]) in listing


# Console ----------------------------------------------------------------------------------


def test_console_is_for_staff_only(client_user: Any, partner_staff: Any, web_as: Any) -> None:
    for user in (client_user, partner_staff):
        assert web_as(user).get(reverse("chat:console")).status_code == 403
    assert HttpClient().get(reverse("chat:console")).status_code == 302


def test_console_shows_the_queue_by_language_and_marks_the_counsellor_online(
    centre_a: Any, counsellor_a: Any, web_as: Any
) -> None:
    web = web_as(counsellor_a)
    assert web.get(reverse("chat:console")).status_code == 200  # opens the console
    assert services.counsellors_online(centre_a.pk)
    start_chat(HttpClient(), centre_a, visitor_name="Arabic Visitor", text="?")
    start_chat(HttpClient(), centre_a, visitor_name="Kurdish Visitor", text="?", language="ckb")
    everything = web.get(reverse("chat:console")).content.decode()
    assert "Arabic Visitor" in everything and "Kurdish Visitor" in everything
    only_ckb = web.get(reverse("chat:console"), {"language": "ckb"}).content.decode()
    assert "Kurdish Visitor" in only_ckb and "Arabic Visitor" not in only_ckb
    fragment = web.get(reverse("chat:console_queue"), {"language": "ar"}).content.decode()
    assert "Arabic Visitor" in fragment and "<html" not in fragment


def test_the_console_costs_the_same_queries_for_few_or_many(
    centre_a: Any, counsellor_a: Any, web_as: Any, online_a: None
) -> None:
    web = web_as(counsellor_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web.get(reverse("chat:console")).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            started = services.conversation_start(
                user=None, centre_id=centre_a.pk, language="ar", text="?"
            )
            services.conversation_claim(actor=counsellor_a, conversation_id=started.conversation.pk)
            services.conversation_start(user=None, centre_id=centre_a.pk, language="ar", text="?")

    queries()  # the first visit records the console's presence
    add(1)
    few = queries()
    add(5)
    assert queries() == few


def test_claim_answer_and_close_through_forms(
    conversation_a: Conversation, counsellor_a: Any, visitor_web: HttpClient, web_as: Any
) -> None:
    web = web_as(counsellor_a)
    response = web.post(reverse("chat:claim", args=[conversation_a.pk]))
    assert response.status_code == 302
    console = web.get(reverse("chat:console")).content.decode()
    assert f'id="conversation-{conversation_a.pk}"' in console
    web.post(
        reverse("chat:send", args=[conversation_a.pk]), {"text": "أهلا", "client_msg_id": "f1"}
    )
    assert "أهلا" in _page(visitor_web, conversation_a).content.decode()
    web.post(reverse("chat:close", args=[conversation_a.pk]))
    conversation_a.refresh_from_db()
    assert conversation_a.status == S.CLOSED
    assert "This conversation has ended." in _page(visitor_web, conversation_a).content.decode()
    assert AuditEvent.objects.filter(detail__chat__in=["claim", "close"]).count() == 2


def test_transfer_through_the_form(
    active_a: Conversation, counsellor_a: Any, colleague_a: Any, counsellor_b: Any, web_as: Any
) -> None:
    web = web_as(counsellor_a)
    response = web.post(reverse("chat:transfer", args=[active_a.pk]), {"to_user": counsellor_b.pk})
    assert response.status_code == 302
    active_a.refresh_from_db()
    assert active_a.assigned_to == counsellor_a  # refused: not a colleague
    web.post(reverse("chat:transfer", args=[active_a.pk]), {"to_user": colleague_a.pk})
    active_a.refresh_from_db()
    assert active_a.assigned_to == colleague_a


def test_attach_through_the_form_needs_consent(
    active_a: Conversation, counsellor_a: Any, case_a: Any, web_as: Any
) -> None:
    web = web_as(counsellor_a)
    url = reverse("chat:attach", args=[active_a.pk])
    refused = web.post(url, {"case": case_a.reference}, follow=True)
    assert "has not consented" in refused.content.decode()
    active_a.refresh_from_db()
    assert active_a.case_id is None
    assert (
        "Chat with Centre Erbil"
        not in web.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    )


def test_attached_chat_appears_in_the_case_timeline(
    active_a: Conversation, counsellor_a: Any, case_a: Any, counselling_consent: Any, web_as: Any
) -> None:
    web = web_as(counsellor_a)
    web.post(reverse("chat:attach", args=[active_a.pk]), {"case": case_a.reference})
    active_a.refresh_from_db()
    assert active_a.case == case_a
    page = web.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert "Chat with Centre Erbil" in page
    assert "هل تُحتسب خبرتي في اللحام في ألمانيا؟" in page


def test_staff_see_a_conversation_of_their_centre_others_do_not(
    conversation_a: Conversation, colleague_a: Any, counsellor_b: Any, web_as: Any
) -> None:
    url = reverse("chat:console_panel", args=[conversation_a.pk])
    assert web_as(colleague_a).get(url).status_code == 200
    assert web_as(counsellor_b).get(url).status_code == 404
    assert (
        web_as(counsellor_b).post(reverse("chat:claim", args=[conversation_a.pk])).status_code
        == 404
    )
    conversation_a.refresh_from_db()
    assert conversation_a.status == S.WAITING


# Canned answers ---------------------------------------------------------------------------


def test_the_lead_manages_canned_answers_and_the_console_offers_them(
    lead_a: Any, counsellor_a: Any, active_a: Conversation, centre_a: Any, web_as: Any
) -> None:
    lead = web_as(lead_a)
    url = reverse("chat:canned")
    assert lead.get(url).status_code == 200
    bad = lead.post(url, {"centre": centre_a.pk, "language": "ar", "title": "", "text": "x"})
    assert bad.status_code == 400
    ok = lead.post(
        url, {"centre": centre_a.pk, "language": "ar", "title": "Welcome", "text": "أهلا وسهلا"}
    )
    assert ok.status_code == 302
    lead.post(url, {"centre": centre_a.pk, "language": "ckb", "title": "Kurdish", "text": "سڵاو"})
    console = web_as(counsellor_a).get(reverse("chat:console")).content.decode()
    assert '<option value="أهلا وسهلا">Welcome</option>' in console
    assert "سڵاو" not in console  # the conversation is in Arabic
    answer = CannedAnswer.objects.get(title="Welcome")
    assert web_as(counsellor_a).get(url).status_code == 403
    assert (
        web_as(counsellor_a).post(reverse("chat:canned_delete", args=[answer.pk])).status_code
        == 403
    )
    lead.post(reverse("chat:canned_delete", args=[answer.pk]))
    assert not CannedAnswer.objects.filter(pk=answer.pk).exists()


def test_nav_shows_the_console_to_staff_not_to_clients(
    counsellor_a: Any, client_user: Any, web_as: Any
) -> None:
    link = f'href="{reverse("chat:console")}"'
    assert link in web_as(counsellor_a).get(reverse("core:dashboard")).content.decode()
    assert link not in web_as(client_user).get(reverse("core:dashboard")).content.decode()
