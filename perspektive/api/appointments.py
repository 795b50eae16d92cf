"""Appointments in the JSON API: a centre's free slots and its bookings (staff tokens).
The same selectors and services as the pages; other centres' data is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from perspektive.api.jobs import ERRORS
from perspektive.api.schemas import page_out
from perspektive.appointments import selectors, services
from perspektive.appointments.models import Appointment
from perspektive.appointments.policy import access_staff_centre, appointments_visible_to
from perspektive.appointments.slots import Wanted, openings, wall_clock

router = Router(tags=["appointments"])


class SlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_start: str = Field(..., description="Wall-clock start at the centre, ISO 8601")
    free_counsellors: int


class AppointmentOut(Schema):
    id: int
    centre_id: int
    counsellor_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: str
    topic: str
    language: str
    name: str
    phone: str
    email: str
    status: str
    client_id: int | None
    case_id: int | None
    measure_id: int | None


class AppointmentPage(Schema):
    items: list[AppointmentOut]
    page: int
    pages: int
    total: int


class BookingIn(Schema):
    centre_id: int
    starts_at: dt.datetime
    mode: str
    topic: str
    language: str
    name: str = Field(..., min_length=1, max_length=200)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    message: str = Field("", max_length=1000)
    contact_consent: bool


class OutcomeIn(Schema):
    status: str
    note: str = Field("", max_length=500)


def _out(a: Appointment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "centre_id": a.centre_id,
        "counsellor_id": a.counsellor_id,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "mode": a.mode,
        "topic": a.topic,
        "language": a.language,
        "name": a.name,
        "phone": str(a.phone or ""),
        "email": a.email,
        "status": a.status,
        "client_id": a.client_id,
        "case_id": a.case_id,
        "measure_id": a.measure_id,
    }


@router.get(
    "/centres/{int:centre_id}/slots",
    response={200: list[SlotOut], **ERRORS},
    url_name="appointment_slots",
)
def slots(
    request: HttpRequest,
    centre_id: int,
    first_day: dt.date | None = None,
    days: int = Query(7, ge=1, le=28),
    mode: str | None = None,
    topic: str | None = None,
    language: str | None = None,
) -> Any:
    """Free start times of one of your centres, soonest first (centre-local days)."""
    centre = access_staff_centre(request.user, centre_id)
    tz = selectors.centre_tz(centre)
    first = first_day or selectors.booking_horizon(centre)[0]
    found = selectors.slots_for_centre(
        centre,
        first_day=first,
        last_day=first + dt.timedelta(days=days - 1),
        wanted=Wanted(mode=mode, topic=topic, language=language),
    )
    return [
        {
            "starts_at": o.starts_at,
            "ends_at": o.ends_at,
            "local_start": wall_clock(o.starts_at, tz).isoformat(),
            "free_counsellors": len(o.counsellor_ids),
        }
        for o in openings(found)
    ]


@router.get("", response={200: AppointmentPage, **ERRORS}, url_name="appointment_list")
def list_appointments(
    request: HttpRequest,
    centre_id: int | None = None,
    starts_from: dt.datetime | None = None,
    starts_before: dt.datetime | None = None,
    status: str | None = None,
    mine: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=100),
) -> Any:
    qs = appointments_visible_to(request.user).order_by("starts_at", "id")
    if centre_id is not None:
        qs = qs.filter(centre_id=centre_id)
    if starts_from is not None:
        qs = qs.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        qs = qs.filter(starts_at__lt=starts_before)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(counsellor_id=request.user.pk)
    result = Paginator(qs, page_size).get_page(page)
    return page_out(result, [_out(a) for a in result.object_list])


@router.post("", response={201: AppointmentOut, **ERRORS}, url_name="appointment_book")
def book(request: HttpRequest, payload: BookingIn) -> Any:
    """Book a free slot for someone (on the phone, at the desk). 409 when it was taken."""
    centre = access_staff_centre(request.user, payload.centre_id)
    data = payload.dict()
    data.pop("centre_id")
    appointment = services.appointment_book(centre=centre, actor=request.user, **data)
    return Status(201, _out(appointment))


@router.get(
    "/{int:appointment_id}", response={200: AppointmentOut, **ERRORS}, url_name="appointment_detail"
)
def detail(request: HttpRequest, appointment_id: int) -> Any:
    return _out(
        selectors.appointment_get_for_view(user=request.user, appointment_id=appointment_id)
    )


@router.post(
    "/{int:appointment_id}/outcome",
    response={200: AppointmentOut, **ERRORS},
    url_name="appointment_outcome",
)
def outcome(request: HttpRequest, appointment_id: int, payload: OutcomeIn) -> Any:
    """Attended, no_show or cancelled; recorded as a counselling-session measure of the case."""
    return _out(
        services.appointment_record_outcome(
            actor=request.user,
            appointment_id=appointment_id,
            status=payload.status,
            note=payload.note,
        )
    )
