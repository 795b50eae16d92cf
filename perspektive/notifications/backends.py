"""Gateways that carry text messages (SMS, WhatsApp).

A backend gets what a real gateway needs: the recipient (E.164 phone number), the text and
its language, and a reference the gateway echoes in its delivery-status callback. It
returns the gateway's message id; ``perspektive.notifications.services.delivery_status``
records what the callback later reports. The console and file backends ship for development
and tests; a production gateway subclasses ``TextBackend`` and is named in
``NOTIFICATIONS_SMS_BACKEND`` / ``NOTIFICATIONS_WHATSAPP_BACKEND``.
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class OutgoingText:
    recipient: str  # E.164, e.g. +9647501234567
    text: str
    language: str  # UI language code, e.g. "ar"
    reference: str  # our Delivery id; the gateway returns it in status callbacks


class GatewayError(Exception):
    """The gateway refused or could not take the message."""


class TextBackend:
    name = "base"

    def send(self, message: OutgoingText) -> str:
        """Hand the message to the gateway; return the gateway's id for it."""
        raise NotImplementedError


class ConsoleBackend(TextBackend):
    """Prints each message to standard output (development, the demo)."""

    name = "console"

    def send(self, message: OutgoingText) -> str:
        external_id = f"console-{uuid.uuid4().hex[:12]}"
        sys.stdout.write(
            f"[{self.name}] to {message.recipient} ({message.language}): {message.text}\n"
        )
        return external_id


class FileBackend(TextBackend):
    """Appends each message as one JSON line to ``NOTIFICATIONS_FILE`` (tests, staging)."""

    name = "file"

    def send(self, message: OutgoingText) -> str:
        external_id = f"file-{uuid.uuid4().hex[:12]}"
        path = Path(str(settings.NOTIFICATIONS_FILE))
        record = {
            "id": external_id,
            "at": timezone.now().isoformat(),
            "to": message.recipient,
            "language": message.language,
            "text": message.text,
            "reference": message.reference,
        }
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return external_id


def backend_for(channel: str) -> TextBackend:
    path = str(settings.NOTIFICATIONS_BACKENDS[channel])
    return import_string(path)()
