"""Every read of courses, enrolments and certificates a user sees, scoped to that user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from perspektive.learning.models import (
    TAKES_A_PLACE,
    Certificate,
    Course,
    CourseStatus,
    Enrolment,
)
from perspektive.learning.policy import courses_visible_to, enrolments_visible_to, provider_orgs

PAGE_SIZE = 20


def _with_places(qs: QuerySet[Course]) -> QuerySet[Course]:
    return qs.annotate(
        taken=Count("enrolments", filter=Q(enrolments__status__in=TAKES_A_PLACE), distinct=True),
        waiting=Count("enrolments", filter=Q(enrolments__status="waiting"), distinct=True),
    )


def course_catalogue(
    *,
    user: Any,
    trade: str = "",
    country: str = "",
    starts_after: dt.date | None = None,
    starts_before: dt.date | None = None,
    has_places: bool = False,
    own: bool = False,
    include_past: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> Page[Course]:
    """Courses the user may see, soonest first. ``own``: the user's providers' courses
    (every status); otherwise published courses that have not ended."""
    qs = courses_visible_to(user).select_related("provider", "country")
    if own:
        qs = qs.filter(provider__in=sorted(provider_orgs(user)))
    else:
        qs = qs.filter(status=CourseStatus.PUBLISHED)
        if not include_past:
            qs = qs.filter(last_day__gte=timezone.localdate())
    if trade:
        qs = qs.filter(trade=trade)
    if country:
        qs = qs.filter(country_id=country)
    if starts_after:
        qs = qs.filter(first_day__gte=starts_after)
    if starts_before:
        qs = qs.filter(first_day__lte=starts_before)
    qs = _with_places(qs)
    if has_places:
        qs = qs.filter(Q(taken__lt=F("capacity")))
    paginator = Paginator(qs.order_by("first_day", "id"), page_size)
    return paginator.get_page(page)


def course_with_places(course: Course) -> Course:
    return (
        _with_places(Course.objects.filter(pk=course.pk))
        .select_related("provider", "country", "occupation")
        .get()
    )


def course_roster(*, user: Any, course: Course) -> QuerySet[Enrolment]:
    """The enrolments on ``course`` the user may see: all for the provider, their own
    clients' for an office or centre."""
    return (
        enrolments_visible_to(user)
        .filter(course=course)
        .select_related("client", "certificate")
        .order_by("requested_at", "id")
    )


def enrolments_of_client(*, user: Any, client: Any) -> QuerySet[Enrolment]:
    return (
        enrolments_visible_to(user)
        .filter(client=client)
        .select_related("course", "course__provider", "certificate")
        .order_by("-requested_at", "-id")
    )


def enrolment_list(
    *, user: Any, client_id: int | None = None, course_id: int | None = None
) -> QuerySet[Enrolment]:
    qs = enrolments_visible_to(user).select_related(
        "course", "course__provider", "client", "certificate"
    )
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if course_id is not None:
        qs = qs.filter(course_id=course_id)
    return qs.order_by("-requested_at", "-id")


def waiting_position(enrolment: Enrolment) -> int | None:
    if enrolment.status != "waiting":
        return None
    ahead = Enrolment.objects.filter(course_id=enrolment.course_id, status="waiting").filter(
        Q(requested_at__lt=enrolment.requested_at)
        | Q(requested_at=enrolment.requested_at, id__lt=enrolment.pk)
    )
    return ahead.count() + 1


@dataclass(frozen=True)
class Verification:
    code: str
    initials: str
    course: str
    provider: str
    city: str
    country: str
    first_day: dt.date
    last_day: dt.date
    issued_at: dt.datetime


def initials(name: str) -> str:
    """The initials of a name ("S. A. J." for "Samir Al-Jubouri"): enough to compare with
    a document, not to identify anyone."""
    parts = [p for p in name.replace("-", " ").split() if p]
    return " ".join(f"{p[0].upper()}." for p in parts[:3])


def certificate_verify(code: str) -> Verification | None:
    """What the public may learn about a certificate from its code (nothing else)."""
    normalised = code.strip().upper().replace(" ", "")
    if len(normalised) == 16 and "-" not in normalised:
        normalised = "-".join(normalised[i : i + 4] for i in range(0, 16, 4))
    certificate = (
        Certificate.objects.select_related(
            "enrolment__client", "enrolment__course__provider", "enrolment__course__country"
        )
        .filter(code=normalised, enrolment__status="completed")
        .first()
    )
    if certificate is None:
        return None
    course = certificate.enrolment.course
    client = certificate.enrolment.client
    return Verification(
        code=certificate.code,
        initials=initials(client.name_latin or client.name),
        course=course.title,
        provider=course.provider.name,
        city=course.city,
        country=course.country.label,
        first_day=course.first_day,
        last_day=course.last_day,
        issued_at=certificate.issued_at,
    )
