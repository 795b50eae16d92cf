"""One row per message sent to a person (e-mail, SMS, WhatsApp), with its delivery status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from perspektive.core.models import TimeStamped


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")  # handed to the gateway
    DELIVERED = "delivered", _("Delivered")  # the gateway confirmed delivery
    FAILED = "failed", _("Failed")


class Delivery(TimeStamped):
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    backend = models.CharField(_("backend"), max_length=200)
    external_id = models.CharField(_("gateway id"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # What the message is about ("appointments.appointment:17:reminder_24h"), for idempotence.
    topic = models.CharField(_("topic"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["backend", "external_id"], name="delivery_external")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} ({self.status})"
