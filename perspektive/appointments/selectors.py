"""Reads for appointments: free slots of a centre, calendars, and what the public may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from perspektive.appointments.models import (
    Appointment,
    AppointmentStatus,
    Holiday,
    TimeOff,
    WeeklyHours,
)
from perspektive.appointments.policy import (
    COUNSELLING_ROLES,
    access_appointment,
    appointments_visible_to,
)
from perspektive.appointments.slots import ANYTHING, Slot, Wanted, Window, free_slots
from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.organisations.models import Organisation, OrganisationKind

LIVE = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


def centre_tz(centre: Organisation) -> ZoneInfo:
    return ZoneInfo(centre.country.time_zone)


def bookable_centres() -> QuerySet[Organisation]:
    """Active counselling centres that publish hours (the public booking page lists them)."""
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.COUNSELLING_CENTRE,
            is_active=True,
            weekly_hours__isnull=False,
        )
        .distinct()
        .select_related("country")
        .order_by("country__name", "name")
    )


def public_centre(slug: str) -> Organisation | None:
    return bookable_centres().filter(slug=slug).first()


def centre_windows(centre: Organisation) -> list[Window]:
    """The weekly hours of the centre's active counsellors (plain values: no model rows)."""
    rows = (
        WeeklyHours.objects.filter(
            centre=centre,
            counsellor__is_active=True,
            counsellor__memberships__organisation=centre,
            counsellor__memberships__role__in=COUNSELLING_ROLES,
            counsellor__memberships__is_active=True,
        )
        .distinct()
        .order_by()
        .values_list(
            "counsellor_id",
            "weekday",
            "start_time",
            "end_time",
            "slot_minutes",
            "modes",
            "topics",
            "languages",
            "valid_from",
            "valid_until",
        )
    )
    return [
        Window(
            counsellor_id=counsellor,
            weekday=weekday,
            start=start,
            end=end,
            slot_minutes=minutes,
            modes=frozenset(modes),
            topics=frozenset(topics),
            languages=frozenset(languages),
            valid_from=valid_from,
            valid_until=valid_until,
        )
        for (
            counsellor,
            weekday,
            start,
            end,
            minutes,
            modes,
            topics,
            languages,
            valid_from,
            valid_until,
        ) in rows
    ]


def centre_languages(centre: Organisation) -> list[str]:
    """Languages offered at the centre: those of its published hours, in settings order."""
    offered: set[str] = set()
    for languages in WeeklyHours.objects.filter(centre=centre).values_list("languages", flat=True):
        offered |= set(languages)
    return [code for code, _name in settings.LANGUAGES if code in offered]


def slots_for_centre(
    centre: Organisation,
    *,
    first_day: dt.date,
    last_day: dt.date,
    wanted: Wanted = ANYTHING,
    now: dt.datetime | None = None,
    exclude: Appointment | None = None,
) -> list[Slot]:
    """Free slots of a centre between two of its local days (inclusive)."""
    now = now or timezone.now()
    tz = centre_tz(centre)
    # Only the counsellors whose hours fit what is wanted: theirs are the bookings to load.
    windows = [w for w in centre_windows(centre) if wanted.fits(w)]
    if not windows:
        return []
    counsellors = sorted({w.counsellor_id for w in windows})
    span_start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz) - dt.timedelta(days=1)
    span_end = dt.datetime.combine(last_day, dt.time.max, tzinfo=tz) + dt.timedelta(days=1)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    # A lower bound on starts_at too (no appointment lasts a day): the database reads a range
    # of the (counsellor, starts_at) index instead of every booking the counsellors ever had.
    taken = Appointment.objects.filter(
        counsellor_id__in=counsellors,
        status__in=LIVE,
        starts_at__gt=span_start - dt.timedelta(days=1),
        starts_at__lt=span_end,
        ends_at__gt=span_start,
    ).order_by()
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    for counsellor_id, starts, ends in taken.values_list("counsellor_id", "starts_at", "ends_at"):
        busy[counsellor_id].append((starts, ends))
    time_off: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for counsellor_id, first, last in TimeOff.objects.filter(
        counsellor_id__in=counsellors, first_day__lte=last_day, last_day__gte=first_day
    ).values_list("counsellor_id", "first_day", "last_day"):
        time_off[counsellor_id].append((first, last))
    holidays = set(
        Holiday.objects.filter(centre=centre, day__range=(first_day, last_day)).values_list(
            "day", flat=True
        )
    )
    notice = dt.timedelta(minutes=settings.BOOKING_NOTICE_MINUTES)
    return free_slots(
        windows,
        tz=tz,
        first_day=first_day,
        last_day=last_day,
        not_before=now + notice,
        holidays=holidays,
        time_off=time_off,
        busy=busy,
        wanted=wanted,
    )


def booking_horizon(
    centre: Organisation, now: dt.datetime | None = None
) -> tuple[dt.date, dt.date]:
    today = (now or timezone.now()).astimezone(centre_tz(centre)).date()
    return today, today + dt.timedelta(days=settings.BOOKING_HORIZON_DAYS)


@dataclass
class CalendarDay:
    day: dt.date
    appointments: list[Appointment]


def calendar(
    *,
    user: Any,
    centre: Organisation,
    first_day: dt.date,
    days: int,
    counsellor_id: int | None = None,
    include_cancelled: bool = False,
) -> list[CalendarDay]:
    """The centre's appointments day by day (centre-local days), as the user may see them."""
    tz = centre_tz(centre)
    start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=days)
    qs = (
        appointments_visible_to(user)
        .filter(centre=centre, starts_at__gte=start, starts_at__lt=end)
        .select_related("counsellor", "client")
        .order_by("starts_at", "id")
    )
    if counsellor_id:
        qs = qs.filter(counsellor_id=counsellor_id)
    if not include_cancelled:
        qs = qs.exclude(status=AppointmentStatus.CANCELLED)
    by_day: dict[dt.date, list[Appointment]] = defaultdict(list)
    for appointment in qs:
        by_day[appointment.starts_at.astimezone(tz).date()].append(appointment)
    return [
        CalendarDay(
            first_day + dt.timedelta(days=i), by_day.get(first_day + dt.timedelta(days=i), [])
        )
        for i in range(days)
    ]


@transaction.atomic
def appointment_get_for_view(*, user: Any, appointment_id: int) -> Appointment:
    appointment = access_appointment(user, appointment_id)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=appointment,
        client_id=appointment.client_id,
        organisation_id=appointment.centre_id,
    )
    return appointment


def hours_of(centre: Organisation, counsellor_id: int) -> QuerySet[WeeklyHours]:
    return WeeklyHours.objects.filter(centre=centre, counsellor_id=counsellor_id)


def time_off_of(centre: Organisation, counsellor_id: int) -> QuerySet[TimeOff]:
    return TimeOff.objects.filter(
        centre=centre, counsellor_id=counsellor_id, last_day__gte=timezone.localdate()
    )


def holidays_of(centre: Organisation) -> QuerySet[Holiday]:
    return Holiday.objects.filter(centre=centre, day__gte=timezone.localdate())


def upcoming_for(*, user: Any, limit: int = 8) -> list[tuple[Appointment, dt.datetime]]:
    """The user's own next appointments (from two hours ago on), with the centre's wall
    clock time of each."""
    from perspektive.appointments.slots import wall_clock

    since = timezone.now() - dt.timedelta(hours=2)
    rows = (
        appointments_visible_to(user)
        .filter(counsellor=user, status=AppointmentStatus.BOOKED, starts_at__gte=since)
        .select_related("centre__country", "client")
        .order_by("starts_at", "id")[:limit]
    )
    return [(a, wall_clock(a.starts_at, centre_tz(a.centre))) for a in rows]
