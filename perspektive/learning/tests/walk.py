"""This app's part of the outsider walk (perspektive/core/tests/test_outsider_walk.py).

Centre A's counsellor enrolled client A in a training provider's course, and a second
client of centre A completed another one (with a certificate). The outsiders (another
centre, a civil-society partner, an employer, a client of another record, the programme
manager, the operator) must see and change nothing of it. The verification page is public
and shows only initials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.learning.models import Certificate, Course, Enrolment
from perspektive.learning.tests.factories import CourseFactory, EnrolmentFactory, training_provider
from perspektive.organisations.tests.factories import staff

Objects = dict[str, Any]

_COURSE_BODY = {
    "title": "Injected course",
    "trade": "painting",
    "language": "de",
    "city": "Essen",
    "country": "DE",
    "first_day": "2031-01-10",
    "last_day": "2031-01-20",
    "sessions": "5",
    "capacity": "5",
}

# url name -> (kwargs from the objects, POST body or None for GET only)
ROUTES: dict[str, tuple[Callable[[Objects], dict[str, Any]], Callable[[Objects], Any] | None]] = {
    "learning:course_list": (lambda o: {}, None),
    "learning:course_create": (lambda o: {}, lambda o: _COURSE_BODY),
    "learning:course_detail": (lambda o: {"course_id": o["course"].pk}, None),
    "learning:course_edit": (
        lambda o: {"course_id": o["course"].pk},
        lambda o: {**_COURSE_BODY, "provider": o["course"].provider_id},
    ),
    "learning:course_status": (
        lambda o: {"course_id": o["course"].pk},
        lambda o: {"status": "cancelled"},
    ),
    "learning:enrol": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"course": o["course"].pk},
    ),
    "learning:record": (
        lambda o: {"enrolment_id": o["enrolment"].pk},
        lambda o: {"action": "complete", "attended_sessions": "3"},
    ),
    "learning:cancel": (lambda o: {"enrolment_id": o["enrolment"].pk}, lambda o: {}),
    "learning:certificate": (lambda o: {"enrolment_id": o["completed_enrolment"].pk}, None),
    "learning:mine": (lambda o: {}, None),
    "learning:verify_lookup": (lambda o: {}, None),
    "learning:verify": (lambda o: {"code": o["certificate"].code}, None),
    "api:course_list": (lambda o: {}, None),
    "api:course_detail": (lambda o: {"course_id": o["course"].pk}, None),
    "api:enrolment_list": (lambda o: {}, None),
    "api:enrolment_create": (
        lambda o: {},
        lambda o: {"client_id": o["client"].pk, "course_id": o["course"].pk},
    ),
}
PUBLIC_WRITES: set[str] = set()
PUBLIC_PAGES: set[str] = {"learning:verify", "learning:verify_lookup"}
API_METHODS: dict[str, str] = {}


def objects(o: Objects) -> Objects:
    provider = training_provider(name="Walk provider", slug="walk-provider")
    trainer = staff(provider, Role.PARTNER_STAFF, name="Walk Trainer")
    course = CourseFactory(provider=provider, title="Walk metalwork course", capacity=3)
    enrolment = EnrolmentFactory(course=course, client=o["client"])
    today = timezone.localdate()
    done = CourseFactory(
        provider=provider,
        title="Walk finished course",
        first_day=today - dt.timedelta(days=20),
        last_day=today - dt.timedelta(days=5),
    )
    person = ClientFactory(organisation=o["centre"], name="Course Marker Person")
    completed = EnrolmentFactory(
        course=done, client=person, status="completed", attended_sessions=8
    )
    certificate = Certificate.objects.create(
        enrolment=completed, code="WALK-CODE-2345-6789", issued_at=timezone.now()
    )
    return {
        "course": course,
        "enrolment": enrolment,
        "completed_enrolment": completed,
        "certificate": certificate,
        "trainer": trainer,
    }


def markers(o: Objects) -> list[str]:
    return ["Course Marker Person"]


def snapshot(o: Objects) -> tuple[Any, ...]:
    return (
        tuple(
            Course.objects.order_by("id").values_list("id", "title", "status", "capacity", "city")
        ),
        tuple(
            Enrolment.objects.order_by("id").values_list(
                "id", "status", "attended_sessions", "client_id"
            )
        ),
        Certificate.objects.count(),
    )
