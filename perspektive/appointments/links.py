"""Signed links that let a visitor manage their booking without an account."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from perspektive.appointments.models import Appointment

SALT = "perspektive.appointments.manage"


def manage_token(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "v": appointment.link_version}, salt=SALT)


def manage_path(appointment: Appointment) -> str:
    return reverse("appointments:manage", kwargs={"token": manage_token(appointment)})


def manage_url(appointment: Appointment) -> str:
    return settings.SITE_URL.rstrip("/") + manage_path(appointment)


def appointment_for_token(token: str) -> Appointment | None:
    """The appointment a link points at, or None for a forged, garbled or outdated link."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    appointment = (
        Appointment.objects.select_related("centre__country").filter(pk=int(data["a"])).first()
    )
    if appointment is None or appointment.link_version != data.get("v"):
        return None
    return appointment
