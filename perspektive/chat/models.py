"""Live chat between a visitor or client and a counselling centre (DESIGN section 3).

A conversation belongs to one centre and one language. Its visitor proves access with a
secret token (kept in their session; only its digest is stored here); a client who is
logged in also reaches their own conversations through their account. Every message is
stored before it is delivered, and ``client_msg_id`` (made by the sender) makes sending
idempotent: the same id twice is one row.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from perspektive.cases.models import Case
from perspektive.clients.models import Client
from perspektive.core.models import TimeStamped
from perspektive.organisations.models import Organisation

MAX_MESSAGE_LENGTH = 2000
MAX_CLIENT_MSG_ID_LENGTH = 64


class ConversationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACTIVE = "active", _("Active")
    LEFT_MESSAGE = "left_message", _("Left a message")
    CLOSED = "closed", _("Closed")


class SenderKind(models.TextChoices):
    VISITOR = "visitor", _("Visitor")
    CLIENT = "client", _("Client")
    COUNSELLOR = "counsellor", _("Counsellor")
    SYSTEM = "system", _("System")


class Conversation(TimeStamped):
    centre = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="conversations",
        verbose_name=_("centre"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    visitor_name = models.CharField(_("your name"), max_length=100, blank=True)
    contact_phone = PhoneNumberField(_("phone"), blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    client = models.ForeignKey(
        Client,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name=_("client"),
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name=_("case"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConversationStatus.choices,
        default=ConversationStatus.WAITING,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
        verbose_name=_("counsellor"),
    )
    # SHA-256 of the visitor's secret token; the token itself is never stored.
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    attached_at = models.DateTimeField(_("attached to the case"), null=True, blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["centre", "status", "language"], name="chat_conv_queue_idx"),
            models.Index(fields=["assigned_to", "status"], name="chat_conv_assigned_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="active") | Q(assigned_to__isnull=False),
                name="chat_conv_active_has_counsellor",
            ),
        ]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"{self.centre} · {self.language} · {self.pk}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def token_matches(self, token: str | None) -> bool:
        return bool(token) and secrets.compare_digest(self.token_digest, self.digest_of(str(token)))

    @property
    def contact(self) -> str:
        return str(self.contact_phone or "") or self.contact_email

    @property
    def display_name(self) -> str:
        if self.client_id and self.client is not None:
            return self.client.name
        return self.visitor_name


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender_kind = models.CharField(_("sender"), max_length=16, choices=SenderKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_msg_id = models.CharField(max_length=MAX_CLIENT_MSG_ID_LENGTH)
    text = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_msg_id"], name="chat_message_unique_client_id"
            ),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.conversation_id}/{self.client_msg_id}"


class CannedAnswer(TimeStamped):
    """A prepared reply of a centre in one language; the centre lead keeps the list."""

    centre = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="canned_answers"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=80)
    text = models.TextField(_("text"), max_length=MAX_MESSAGE_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["language", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "language", "title"], name="chat_canned_unique_title"
            ),
        ]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")

    def __str__(self) -> str:
        return self.title


class Presence(models.Model):
    """A counsellor's open console: one row per connection, refreshed by a heartbeat.

    Stored in the database so that every process sees it; a row whose heartbeat is older
    than ``PRESENCE_TTL`` no longer counts (a crashed process leaves no ghost online)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_presence"
    )
    centre = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    connection = models.CharField(max_length=200)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "centre"], name="chat_presence_unique_connection"
            ),
        ]
        indexes = [models.Index(fields=["centre", "last_seen"], name="chat_presence_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.centre_id}"
