"""An iCalendar (.ics) file for one appointment."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from perspektive.appointments.models import Appointment, AppointmentStatus, Mode


def appointment_ics(appointment: Appointment, manage_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Perspektive//appointments//EN")
    calendar.add("version", "2.0")
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@perspektive")
    event.add("sequence", appointment.link_version)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add(
        "summary",
        _("Appointment with %(centre)s (%(mode)s)")
        % {"centre": appointment.centre.name, "mode": appointment.get_mode_display()},
    )
    if appointment.mode == Mode.IN_PERSON:
        event.add(
            "location", ", ".join(filter(None, [appointment.centre.name, appointment.centre.city]))
        )
    event.add("description", _("Change or cancel: %(url)s") % {"url": manage_url})
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
