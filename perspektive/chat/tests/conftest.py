"""Chat fixtures on top of the root personas: a visitor's conversation with centre A (and
the visitor's browser session holding its token), socket helpers for the real ASGI stack,
and the channel layer isolated per test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.layers import channel_layers
from django.db import transaction
from django.test import Client as HttpClient
from django.utils import timezone

from perspektive.chat import events
from perspektive.chat.models import Conversation
from perspektive.chat.services import presence_beat
from perspektive.chat.tests.helpers import start_chat
from perspektive.consent.models import Consent, Method, Purpose


@pytest.fixture(autouse=True)
def _isolated_layer() -> Iterator[None]:
    """Each test its own group names (parallel test processes may share one Redis) and a
    fresh in-memory layer (no events left over from the previous test)."""
    previous = events.PREFIX
    events.PREFIX = f"t{uuid.uuid4().hex[:12]}"
    channel_layers.backends.clear()
    yield
    events.PREFIX = previous
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Channels closes "old" connections around every database call of a consumer; inside
    a test's transaction PostgreSQL's connection counts as old and would be closed (SQLite
    in memory ignores it). Django's test client turns the same clean-up off for requests."""
    import channels.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda **kwargs: None)


@pytest.fixture
def on_commit_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test database never commits (each test is one rolled-back transaction), so
    ``on_commit`` callbacks would never run: run them at once instead. Only for tests of
    live delivery; ``test_delivery_waits_for_the_commit`` checks the real ordering."""

    def run_now(func: Callable[[], Any], using: str | None = None, robust: bool = False) -> None:
        func()

    monkeypatch.setattr(transaction, "on_commit", run_now)


@pytest.fixture
def online_a(centre_a: Any, counsellor_a: Any) -> None:
    """A counsellor of centre A has the console open."""
    presence_beat(user=counsellor_a, connection="fixture-console")


@pytest.fixture
def visitor_web(db: Any) -> HttpClient:
    return HttpClient()


@pytest.fixture
def conversation_a(visitor_web: HttpClient, centre_a: Any, online_a: None) -> Conversation:
    """Yusuf asks centre A in Arabic; his browser session holds the conversation's token."""
    return start_chat(
        visitor_web,
        centre_a,
        visitor_name="Yusuf",
        text="هل تُحتسب خبرتي في اللحام في ألمانيا؟",
    )


@pytest.fixture
def active_a(conversation_a: Conversation, counsellor_a: Any) -> Conversation:
    from perspektive.chat.services import conversation_claim

    return conversation_claim(actor=counsellor_a, conversation_id=conversation_a.pk)


@pytest.fixture
def counselling_consent(client_a: Any) -> Consent:
    return Consent.objects.create(
        client=client_a,
        purpose=Purpose.COUNSELLING,
        method=Method.WRITTEN,
        notice_version="1",
        notice_language="ar",
        given_at=timezone.now(),
    )
