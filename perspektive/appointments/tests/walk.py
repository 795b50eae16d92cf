"""This app's part of the outsider walk (perspektive/core/tests/test_outsider_walk.py).

The manage links are public by design (whoever holds the signed link manages the booking);
the walk points them at an outdated link of centre A's appointment, which must show nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core import signing

from perspektive.appointments.links import SALT
from perspektive.appointments.models import Appointment, Holiday, WeeklyHours
from perspektive.appointments.tests.factories import AppointmentFactory, every_weekday

Objects = dict[str, Any]

ROUTES: dict[str, tuple[Callable[[Objects], dict[str, Any]], Callable[[Objects], Any] | None]] = {
    "appointments:calendar": (lambda o: {}, None),
    "appointments:book": (lambda o: {}, None),
    "appointments:book_centre": (
        lambda o: {"slug": o["centre"].slug},
        lambda o: {"name": "Injected", "phone": "+9647500000000", "contact_consent": "on"},
    ),
    "appointments:manage": (lambda o: {"token": o["old_token"]}, None),
    "appointments:manage_cancel": (lambda o: {"token": o["old_token"]}, lambda o: {}),
    "appointments:manage_move": (
        lambda o: {"token": o["old_token"]},
        lambda o: {"slot": o["appointment"].starts_at.strftime("%Y-%m-%dT%H:%M:%S%z")},
    ),
    "appointments:manage_ics": (lambda o: {"token": o["old_token"]}, None),
    "appointments:detail": (lambda o: {"appointment_id": o["appointment"].pk}, None),
    "appointments:outcome": (
        lambda o: {"appointment_id": o["appointment"].pk},
        lambda o: {"status": "cancelled"},
    ),
    "appointments:link_client": (
        lambda o: {"appointment_id": o["appointment"].pk},
        lambda o: {"client": o["client"].pk},
    ),
    "appointments:create_client": (
        lambda o: {"appointment_id": o["appointment"].pk},
        lambda o: {"name": "Injected", "target_group": "local", "confirm_not_duplicate": "on"},
    ),
    "appointments:hours": (
        lambda o: {},
        lambda o: {
            "kind": "holiday",
            "centre": o["centre"].pk,
            "day": "2031-01-01",
            "name": "Injected",
        },
    ),
    "appointments:hours_remove": (
        lambda o: {"kind": "hours", "item_id": o["hours"].pk},
        lambda o: {"centre": o["centre"].pk},
    ),
    "api:appointment_slots": (lambda o: {"centre_id": o["centre"].pk}, None),
    "api:appointment_list": (lambda o: {}, None),
    "api:appointment_book": (
        lambda o: {},
        lambda o: {
            "centre_id": o["centre"].pk,
            "starts_at": o["appointment"].starts_at.isoformat(),
            "mode": "video",
            "topic": "job",
            "language": "ar",
            "name": "Injected",
            "phone": "+9647500000000",
            "contact_consent": True,
        },
    ),
    "api:appointment_detail": (lambda o: {"appointment_id": o["appointment"].pk}, None),
    "api:appointment_outcome": (
        lambda o: {"appointment_id": o["appointment"].pk},
        lambda o: {"status": "cancelled"},
    ),
    "notifications:delivery_status": (
        lambda o: {"channel": "sms"},
        lambda o: {"id": "x", "status": "failed"},
    ),
}
PUBLIC_WRITES: set[str] = {"appointments:book_centre"}
PUBLIC_PAGES: set[str] = {
    "appointments:book",
    "appointments:book_centre",
    "appointments:manage",
    "appointments:manage_cancel",
    "appointments:manage_move",
    "appointments:manage_ics",
    "notifications:delivery_status",
}
API_METHODS: dict[str, str] = {}


def objects(o: Objects) -> Objects:
    centre, client = o["centre"], o["client"]
    counsellor = o["case"].counsellor
    hours = every_weekday(centre, counsellor)
    appointment = AppointmentFactory(
        centre=centre,
        counsellor=counsellor,
        client=client,
        case=o["case"],
        name="Booking Marker Person",
        phone="+9647501112233",
        starts_at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(
            minute=0, second=0, microsecond=0
        ),
        link_version=2,
    )
    old_token = signing.dumps({"a": appointment.pk, "v": 1}, salt=SALT)
    return {"appointment": appointment, "hours": hours[0], "old_token": old_token}


def markers(o: Objects) -> list[str]:
    return ["Booking Marker Person", "+9647501112233"]


def snapshot(o: Objects) -> tuple[Any, ...]:
    a = Appointment.objects.get(pk=o["appointment"].pk)
    return (
        a.status,
        a.starts_at,
        a.counsellor_id,
        a.client_id,
        a.link_version,
        WeeklyHours.objects.filter(centre=o["centre"]).count(),
        Appointment.objects.filter(centre=o["centre"]).count(),
        Holiday.objects.filter(centre=o["centre"]).count(),
    )
