"""Sending a message to a person and recording what became of it.

``notify`` is called from background tasks (reminders, confirmations): it writes a
``Delivery`` row, hands the message to Django's mail or a text gateway, and records the
result. With a ``topic`` it is idempotent: a message already sent for that topic is not sent
again (a retried task cannot remind twice).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from perspektive.notifications.backends import GatewayError, OutgoingText, backend_for
from perspektive.notifications.models import Channel, Delivery, DeliveryStatus

log = logging.getLogger(__name__)

Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def notify(
    *,
    channel: str,
    recipient: str,
    text: str,
    language: str,
    subject: str = "",
    topic: str = "",
    attachments: Sequence[Attachment] = (),
) -> Delivery:
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if not recipient:
        raise ValueError("a message needs a recipient")
    if topic:
        done = (
            Delivery.objects.filter(topic=topic, channel=channel)
            .exclude(status=DeliveryStatus.FAILED)
            .first()
        )
        if done is not None:
            return done
    backend = str(
        "django.core.mail" if channel == Channel.EMAIL else settings.NOTIFICATIONS_BACKENDS[channel]
    )
    delivery = Delivery.objects.create(
        channel=channel,
        recipient=recipient,
        language=language,
        subject=subject[:200],
        text=text,
        backend=backend,
        topic=topic,
    )
    try:
        if channel == Channel.EMAIL:
            message = EmailMessage(subject=subject, body=text, to=[recipient])
            for name, content, mimetype in attachments:
                message.attach(name, content, mimetype)
            message.send()
        else:
            delivery.external_id = backend_for(channel).send(
                OutgoingText(recipient, text, language, reference=str(delivery.pk))
            )
    except (GatewayError, OSError) as exc:
        log.warning("delivery %s over %s failed: %s", delivery.pk, channel, exc)
        delivery.status = DeliveryStatus.FAILED
        delivery.error = str(exc)[:500]
    else:
        delivery.status = DeliveryStatus.SENT
    delivery.save(update_fields=["status", "external_id", "error", "updated_at"])
    return delivery


STATUS_FROM_GATEWAY = {
    "delivered": DeliveryStatus.DELIVERED,
    "failed": DeliveryStatus.FAILED,
    "undelivered": DeliveryStatus.FAILED,
    "sent": DeliveryStatus.SENT,
}


@transaction.atomic
def delivery_status(*, backend: str, external_id: str, status: str, error: str = "") -> Delivery:
    """Record a gateway's status callback. Unknown ids and statuses raise ValueError."""
    new = STATUS_FROM_GATEWAY.get(status.lower())
    if new is None:
        raise ValueError(f"unknown delivery status {status!r}")
    delivery = (
        Delivery.objects.select_for_update()
        .filter(backend=backend, external_id=external_id)
        .exclude(external_id="")
        .first()
    )
    if delivery is None:
        raise ValueError("unknown message id")
    if delivery.status != DeliveryStatus.DELIVERED:  # a late "sent" never undoes "delivered"
        delivery.status = new
        delivery.error = error[:500]
        delivery.save(update_fields=["status", "error", "updated_at"])
    return delivery
