"""Journey 1, the chat: Yusuf, on a 360 px phone in Arabic, asks the centre in Erbil; Dilan
answers from her console in another browser. Both sides see each other's messages live
(WebSockets through an ASGI server), a message typed as HTML stays text, and the phone
page right-to-left fits the screen. SCREENSHOTS=1 saves the pages in English and Arabic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from perspektive.chat.models import Conversation, Message
from tests.e2e.asgi_server import asgi_server  # noqa: F401 (fixture)
from tests.e2e.helpers import PASSWORD, PHONE, scroll_width, shot, use_language

pytestmark = pytest.mark.e2e

QUESTION = "هل تُحتسب خبرتي في اللحام في ألمانيا؟"
ANSWER = "نعم، خبرتك تُحتسب. هل لديك شهادة؟"
HTML_TEXT = "<b>شهادة</b> من إيسن"


@pytest.fixture
def contexts(browser: Any, asgi_server: str) -> Iterator[tuple[Any, Any]]:  # noqa: F811
    visitor = browser.new_context(viewport=PHONE, locale="ar", base_url=asgi_server)
    counsellor = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", base_url=asgi_server
    )
    for context in (visitor, counsellor):
        context.set_default_timeout(10_000)
    use_language(visitor, asgi_server, "ar")
    yield visitor, counsellor
    visitor.close()
    counsellor.close()


def _login(page: Any, user: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def test_yusuf_asks_in_arabic_and_dilan_answers_live(
    contexts: tuple[Any, Any], erbil: Any, dilan: Any
) -> None:
    visitor_context, counsellor_context = contexts
    console = counsellor_context.new_page()
    _login(console, dilan)
    console.goto("/chat/console/")
    expect(console.locator("#chat-connection")).to_contain_text("Connected")

    phone = visitor_context.new_page()
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.goto(f"/chat/?centre={erbil.slug}")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("html")).to_have_attribute("lang", "ar")
    expect(phone.locator(".chat-presence")).to_have_class(re.compile(r"\bon\b"))
    expect(phone.locator("#id_language")).to_have_value("ar")
    shot(phone, "chat-start-ar-360")
    phone.fill("#id_visitor_name", "يوسف")
    phone.fill("#id_text", QUESTION)
    phone.locator("#chat-start button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/chat/\d+/$"))
    expect(phone.locator("#chat-log")).to_contain_text(QUESTION)
    expect(phone.locator("#chat-connection")).to_be_visible()
    conversation = Conversation.objects.get()

    # The queue shows Yusuf without a reload; Dilan takes the conversation.
    waiting = console.locator(f"#queue-{conversation.pk}")
    expect(waiting).to_contain_text("يوسف")
    waiting.get_by_role("button", name="Take").click()
    panel = console.locator(f"#conversation-{conversation.pk}")
    expect(panel.locator(".chat-log")).to_contain_text(QUESTION)
    expect(console.locator("#chat-connection")).to_contain_text("Connected")
    panel.locator("textarea").fill(ANSWER)
    panel.get_by_role("button", name="Send").click()

    # Yusuf sees the answer and the counsellor's arrival live, then answers.
    expect(phone.locator("#chat-log .msg-counsellor")).to_contain_text(ANSWER)
    expect(phone.locator("#chat-status")).not_to_contain_text("انتظار")
    phone.fill("#id_text", HTML_TEXT)
    phone.locator("#message-form button[type=submit]").click()
    expect(panel.locator(".chat-log")).to_contain_text(HTML_TEXT)  # as text, not as markup
    assert panel.locator(".chat-log b").count() == 0
    assert phone.locator("#chat-log b").count() == 0
    mine = phone.locator("#chat-log .msg-visitor").last
    expect(mine).not_to_have_class(re.compile("pending"))
    shot(phone, "chat-conversation-ar-360")
    shot(console, "chat-console-en")

    # Right-to-left on a phone: own messages at the line's end (the left), nothing sideways.
    assert scroll_width(phone) <= PHONE["width"]
    own_box = mine.bounding_box()
    theirs_box = phone.locator("#chat-log .msg-counsellor").first.bounding_box()
    assert own_box["x"] < theirs_box["x"]

    # Stored once each, in order; reloading shows the same history, nothing twice.
    texts = list(Message.objects.filter(conversation=conversation).values_list("text", flat=True))
    assert texts[0] == QUESTION and texts[-2:] == [ANSWER, HTML_TEXT]
    phone.reload()
    expect(phone.locator("#chat-log .msg")).to_have_count(len(texts))
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_start_page_fits_a_phone_in_english(
    contexts: tuple[Any, Any],
    erbil: Any,
    asgi_server: str,  # noqa: F811
) -> None:
    _visitor, context = contexts
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/jobs/board/")
    expect(page.locator(".chat-widget")).to_be_visible()
    shot(page, "chat-widget-en-360")
    page.locator(".chat-widget").click()
    page.wait_for_url(re.compile(r"/chat/$"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert scroll_width(page) <= PHONE["width"]
    shot(page, "chat-start-en-360")
