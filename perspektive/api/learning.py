"""Courses and enrolments in the JSON API (staff tokens): the same selectors and services
as the pages. Certificates are verified on the public page, not here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from perspektive.api.jobs import ERRORS
from perspektive.api.schemas import page_out
from perspektive.learning import selectors, services
from perspektive.learning.models import Course, Enrolment, Trade
from perspektive.learning.policy import access_course

router = Router(tags=["learning"])

TRADE_FILTER = "^(|" + "|".join(Trade.values) + ")$"


class ProviderRef(Schema):
    id: int
    name: str


class CourseOut(Schema):
    id: int
    title: str
    trade: str
    occupation_id: int | None
    occupation: str | None
    language: str
    location: str
    city: str
    country: str
    first_day: dt.date
    last_day: dt.date
    sessions: int
    capacity: int
    places_taken: int
    waiting: int
    description: str
    status: str
    provider: ProviderRef


class CoursePage(Schema):
    items: list[CourseOut]
    page: int
    pages: int
    total: int


class EnrolmentOut(Schema):
    id: int
    course_id: int
    course_title: str
    client_id: int
    client_name: str
    status: str
    waiting_position: int | None = Field(None, description="1 = next to get a place")
    attended_sessions: int
    requested_at: dt.datetime
    enrolled_at: dt.datetime | None
    finished_at: dt.datetime | None
    certificate_code: str | None = Field(None, description="Once completed")


class EnrolmentIn(Schema):
    client_id: int
    course_id: int


def _course_out(course: Course) -> dict[str, Any]:
    return {
        "id": course.pk,
        "title": course.title,
        "trade": course.trade,
        "occupation_id": course.occupation_id,
        "occupation": course.occupation.label if course.occupation is not None else None,
        "language": course.language,
        "location": course.location,
        "city": course.city,
        "country": course.country_id,
        "first_day": course.first_day,
        "last_day": course.last_day,
        "sessions": course.sessions,
        "capacity": course.capacity,
        "places_taken": getattr(course, "taken", 0),
        "waiting": getattr(course, "waiting", 0),
        "description": course.description,
        "status": course.status,
        "provider": {"id": course.provider_id, "name": course.provider.name},
    }


def _enrolment_out(enrolment: Enrolment) -> dict[str, Any]:
    certificate = getattr(enrolment, "certificate", None)
    return {
        "id": enrolment.pk,
        "course_id": enrolment.course_id,
        "course_title": enrolment.course.title,
        "client_id": enrolment.client_id,
        "client_name": enrolment.client.name,
        "status": enrolment.status,
        "waiting_position": selectors.waiting_position(enrolment),
        "attended_sessions": enrolment.attended_sessions,
        "requested_at": enrolment.requested_at,
        "enrolled_at": enrolment.enrolled_at,
        "finished_at": enrolment.finished_at,
        "certificate_code": certificate.code if certificate else None,
    }


@router.get("/courses", response={200: CoursePage, **ERRORS}, url_name="course_list")
def list_courses(
    request: HttpRequest,
    trade: str = Query("", pattern=TRADE_FILTER),
    country: str = Query("", max_length=2),
    starts_after: dt.date | None = None,
    starts_before: dt.date | None = None,
    has_places: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=100),
) -> Any:
    """Published courses that have not ended, soonest first."""
    result = selectors.course_catalogue(
        user=request.user,
        trade=trade,
        country=country.upper(),
        starts_after=starts_after,
        starts_before=starts_before,
        has_places=has_places,
        page=page,
        page_size=page_size,
    )
    return page_out(result, [_course_out(c) for c in result.object_list])


@router.get(
    "/courses/{int:course_id}", response={200: CourseOut, **ERRORS}, url_name="course_detail"
)
def course_detail(request: HttpRequest, course_id: int) -> Any:
    return _course_out(selectors.course_with_places(access_course(request.user, course_id)))


@router.get("/enrolments", response={200: list[EnrolmentOut], **ERRORS}, url_name="enrolment_list")
def list_enrolments(
    request: HttpRequest, client_id: int | None = None, course_id: int | None = None
) -> Any:
    """Enrolments you may see: your clients', or those on your courses (at most 500)."""
    qs = selectors.enrolment_list(user=request.user, client_id=client_id, course_id=course_id)
    return [_enrolment_out(e) for e in qs[:500]]


@router.post("/enrolments", response={201: EnrolmentOut, **ERRORS}, url_name="enrolment_create")
def create_enrolment(request: HttpRequest, payload: EnrolmentIn) -> Any:
    """A place for the client if one is free (``enrolled``), else on the waiting list."""
    enrolment = services.enrolment_create(
        actor=request.user, client_id=payload.client_id, course_id=payload.course_id
    )
    return Status(201, _enrolment_out(enrolment))
