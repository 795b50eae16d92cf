"""The notification layer: mail and text backends, idempotence, delivery-status callbacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from perspektive.notifications.backends import GatewayError, OutgoingText, TextBackend
from perspektive.notifications.models import Delivery, DeliveryStatus
from perspektive.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "texts.jsonl"
    settings.NOTIFICATIONS_FILE = str(path)
    settings.NOTIFICATIONS_BACKENDS = {
        "sms": "perspektive.notifications.backends.FileBackend",
        "whatsapp": "perspektive.notifications.tests.test_notifications.BrokenGateway",
    }
    settings.NOTIFICATIONS_CALLBACK_TOKEN = "s3cret-token"
    return path


class BrokenGateway(TextBackend):
    name = "broken"

    def send(self, message: OutgoingText) -> str:
        raise GatewayError("gateway answered 503")


def test_email_goes_through_django_mail(outbox: Path) -> None:
    delivery = notify(
        channel="email",
        recipient="a@example.org",
        subject="Hello",
        text="Body",
        language="ar",
        attachments=[("x.ics", b"BEGIN:VCALENDAR", "text/calendar")],
    )
    assert delivery.status == DeliveryStatus.SENT
    assert mail.outbox[0].to == ["a@example.org"]
    assert mail.outbox[0].attachments[0][0] == "x.ics"


def test_text_goes_to_the_backend_with_language_and_reference(outbox: Path) -> None:
    delivery = notify(channel="sms", recipient="+9647501234567", text="مرحبا", language="ar")
    record = json.loads(outbox.read_text(encoding="utf-8"))
    assert record["to"] == "+9647501234567"
    assert record["text"] == "مرحبا" and record["language"] == "ar"
    assert record["reference"] == str(delivery.pk)
    assert delivery.external_id == record["id"]


def test_a_topic_is_sent_once_and_a_failure_is_recorded(outbox: Path) -> None:
    first = notify(channel="sms", recipient="+9647501234567", text="x", language="en", topic="t1")
    again = notify(channel="sms", recipient="+9647501234567", text="x", language="en", topic="t1")
    assert first.pk == again.pk
    assert len(outbox.read_text().splitlines()) == 1
    failed = notify(channel="whatsapp", recipient="+9647501234567", text="x", language="en")
    assert failed.status == DeliveryStatus.FAILED
    assert "503" in failed.error
    with pytest.raises(ValueError):
        notify(channel="pigeon", recipient="x", text="x", language="en")


def test_delivery_status_callback_needs_the_token_and_a_known_id(outbox: Path) -> None:
    delivery = notify(channel="sms", recipient="+9647501234567", text="x", language="en")
    url = reverse("notifications:delivery_status", kwargs={"channel": "sms"})
    web = HttpClient()
    body = {"id": delivery.external_id, "status": "delivered"}
    assert web.post(url, body).status_code == 403
    assert web.post(url, body, HTTP_X_CALLBACK_TOKEN="wrong").status_code == 403
    assert (
        web.post(url, {**body, "id": "nope"}, HTTP_X_CALLBACK_TOKEN="s3cret-token").status_code
        == 400
    )
    assert (
        web.post(url, {**body, "status": "??"}, HTTP_X_CALLBACK_TOKEN="s3cret-token").status_code
        == 400
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert web.post(url, body, HTTP_X_CALLBACK_TOKEN="s3cret-token").json() == {
        "status": "delivered"
    }
    # A late "sent" never undoes "delivered".
    web.post(url, {**body, "status": "sent"}, HTTP_X_CALLBACK_TOKEN="s3cret-token")
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DELIVERED
