"""Background messages about appointments: confirmation, 24 h and 2 h reminders, changes.

Tasks run in the django-tasks-db worker (``manage.py db_worker``). Reminders are enqueued
with ``run_after`` when a booking is made or moved; each carries the booking's link version,
so a reminder for a time that has since changed, or for a cancelled booking, does nothing.
Sending is idempotent per appointment, version and kind (``notify(topic=...)``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from perspektive.appointments.ics import appointment_ics
from perspektive.appointments.links import manage_url
from perspektive.appointments.models import Appointment, AppointmentStatus
from perspektive.appointments.selectors import centre_tz
from perspektive.notifications.models import Channel
from perspektive.notifications.services import notify

REMINDERS = {"reminder_24h": dt.timedelta(hours=24), "reminder_2h": dt.timedelta(hours=2)}


def schedule_messages(appointment_id: int, link_version: int, kind: str) -> None:
    """Enqueue the message about a change now, and the reminders before the start."""
    send_appointment_message.enqueue(appointment_id, link_version, kind)
    if kind == "cancelled":
        return
    appointment = Appointment.objects.filter(pk=appointment_id).first()
    if appointment is None:
        return
    now = timezone.now()
    for reminder, before in REMINDERS.items():
        at = appointment.starts_at - before
        if at > now:
            send_appointment_message.using(run_after=at).enqueue(
                appointment_id, link_version, reminder
            )


def _when(appointment: Appointment) -> str:
    local = appointment.starts_at.astimezone(centre_tz(appointment.centre))
    zone = appointment.centre.country.time_zone
    return f"{date_format(local, 'DATE_FORMAT')} {local:%H:%M} ({zone})"


def _text(appointment: Appointment, kind: str, url: str) -> tuple[str, str]:
    values = {
        "centre": appointment.centre.name,
        "when": _when(appointment),
        "mode": appointment.get_mode_display(),
        "url": url,
    }
    subjects = {
        "confirmation": _("Your appointment with %(centre)s"),
        "rescheduled": _("Your appointment with %(centre)s was moved"),
        "cancelled": _("Your appointment with %(centre)s is cancelled"),
        "reminder_24h": _("Reminder: your appointment with %(centre)s tomorrow"),
        "reminder_2h": _("Reminder: your appointment with %(centre)s soon"),
    }
    if kind == "cancelled":
        body = _("Your appointment with %(centre)s on %(when)s is cancelled.") % values
    else:
        body = (
            _(
                "Your appointment with %(centre)s: %(when)s, %(mode)s. "
                "To change or cancel it: %(url)s"
            )
            % values
        )
    return subjects[kind] % values, body


@task()
def send_appointment_message(appointment_id: int, link_version: int, kind: str) -> str:
    """Send one message about an appointment by e-mail and SMS (whichever contacts it has)."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("centre__country")
            .filter(pk=appointment_id)
            .first()
        )
        if appointment is None or appointment.link_version != link_version:
            return "outdated"
        if kind in REMINDERS and appointment.status != AppointmentStatus.BOOKED:
            return "not booked"
        if kind == "reminder_24h" and appointment.reminded_24h_at:
            return "already sent"
        if kind == "reminder_2h" and appointment.reminded_2h_at:
            return "already sent"
        url = manage_url(appointment)
        with translation.override(appointment.language):
            subject, body = _text(appointment, kind, url)
            topic = f"appointment:{appointment.pk}:{link_version}:{kind}"
            if appointment.email:
                attachments = []
                if kind != "reminder_2h":
                    attachments.append(
                        ("appointment.ics", appointment_ics(appointment, url), "text/calendar")
                    )
                notify(
                    channel=Channel.EMAIL,
                    recipient=appointment.email,
                    subject=subject,
                    text=body,
                    language=appointment.language,
                    topic=topic,
                    attachments=attachments,
                )
            if appointment.phone:
                notify(
                    channel=Channel.SMS,
                    recipient=str(appointment.phone),
                    text=body,
                    language=appointment.language,
                    topic=topic,
                )
        if kind == "reminder_24h":
            appointment.reminded_24h_at = timezone.now()
            appointment.save(update_fields=["reminded_24h_at"])
        elif kind == "reminder_2h":
            appointment.reminded_2h_at = timezone.now()
            appointment.save(update_fields=["reminded_2h_at"])
    return "sent"
