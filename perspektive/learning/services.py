"""Every write to courses, enrolments and certificates: validated, atomic, audited.

Places: an enrolment gets a place while the course has one free, else it waits. When a
place frees up (a cancelled enrolment), the first waiting one moves up in the same
transaction, with the course row locked, so two cancellations cannot both hand the same
place on, and an enrolment and a cancellation cannot overbook.

Completing a course issues a certificate with a verification code, adds the course to the
client's job-seeker profile (a qualification, and experience in the trade when the course
names an occupation) and records a vocational-course measure in the client's open case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.cases.models import Case, CaseStatus
from perspektive.cases.services import measure_record_for_case
from perspektive.clients.policy import access_client
from perspektive.core.authz import Action
from perspektive.core.errors import DomainError, Forbidden, InvalidTransition
from perspektive.core.models import Country
from perspektive.jobs.models import Experience, JobSeekerProfile, Qualification, Recognition
from perspektive.learning.models import (
    LIVE,
    TAKES_A_PLACE,
    Certificate,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    new_certificate_code,
)
from perspektive.learning.policy import (
    access_course,
    access_enrolment,
    enrolling_organisation,
    provider_orgs,
)
from perspektive.organisations.models import Organisation

COURSE_FIELDS = (
    "title",
    "trade",
    "occupation",
    "language",
    "location",
    "city",
    "country",
    "first_day",
    "last_day",
    "sessions",
    "capacity",
    "description",
)
COURSE_TRANSITIONS: dict[str, set[str]] = {
    CourseStatus.DRAFT: {CourseStatus.PUBLISHED, CourseStatus.CANCELLED},
    CourseStatus.PUBLISHED: {CourseStatus.CANCELLED},
    CourseStatus.CANCELLED: set(),
}
E = EnrolmentStatus


def _lock_course(course_id: int) -> Course:
    """The course row, locked until the transaction ends (PostgreSQL; SQLite serialises
    writers with its IMMEDIATE transactions)."""
    return Course.objects.select_for_update().get(pk=course_id)


def places_taken(course: Course) -> int:
    return Enrolment.objects.filter(course=course, status__in=TAKES_A_PLACE).count()


# Courses ---------------------------------------------------------------------------------


def _check_course(course: Course) -> None:
    errors: dict[str, str] = {}
    if course.sessions is not None and course.sessions < 1:
        errors["sessions"] = _("A course has at least one session.")
    if course.capacity is not None and course.capacity < 1:
        errors["capacity"] = _("A course has at least one place.")
    if errors:
        raise ValidationError(errors)
    course.full_clean()


@transaction.atomic
def course_create(*, actor: Any, provider: Organisation, **data: Any) -> Course:
    if provider.pk not in provider_orgs(actor, Action.CREATE):
        raise Forbidden
    unknown = set(data) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown course fields: {sorted(unknown)}")
    course = Course(provider=provider, created_by=actor, **data)
    _check_course(course)
    course.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=course, organisation_id=provider.pk)
    return course


@transaction.atomic
def course_update(*, actor: Any, course_id: int, **data: Any) -> Course:
    access_course(actor, course_id, need=Action.UPDATE)
    course = _lock_course(course_id)
    unknown = set(data) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown course fields: {sorted(unknown)}")
    if course.status == CourseStatus.CANCELLED:
        raise DomainError(_("A cancelled course cannot be changed."))
    for field, value in data.items():
        setattr(course, field, value)
    _check_course(course)
    taken = places_taken(course)
    if course.capacity < taken:
        raise ValidationError(
            {
                "capacity": _("%(n)s people already have a place: keep at least %(n)s places.")
                % {"n": taken}
            }
        )
    course.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=course,
        organisation_id=course.provider_id,
        fields=sorted(data),
    )
    _fill_places(actor, course)
    return course


@transaction.atomic
def course_set_status(*, actor: Any, course_id: int, status: str) -> Course:
    """Publish a draft, or cancel a course (every open place with it)."""
    access_course(actor, course_id, need=Action.UPDATE)
    course = _lock_course(course_id)
    if status not in COURSE_TRANSITIONS.get(course.status, set()):
        raise InvalidTransition(_("This course cannot change to that status."))
    previous = course.status
    course.status = status
    course.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.STATUS,
        obj=course,
        organisation_id=course.provider_id,
        from_status=previous,
        to_status=status,
    )
    if status == CourseStatus.CANCELLED:
        for enrolment in Enrolment.objects.filter(course=course, status__in=LIVE):
            _set_status(actor, enrolment, E.CANCELLED, reason="course cancelled")
    return course


# Enrolments -------------------------------------------------------------------------------


def _set_status(actor: Any, enrolment: Enrolment, status: str, **detail: Any) -> None:
    previous = enrolment.status
    enrolment.status = status
    now = timezone.now()
    if status == E.ENROLLED:
        enrolment.enrolled_at = now
    if status in (E.COMPLETED, E.DID_NOT_COMPLETE, E.CANCELLED):
        enrolment.finished_at = now
    enrolment.full_clean()
    enrolment.save()
    audit_record(
        actor=actor,
        action=AuditAction.STATUS,
        obj=enrolment,
        client_id=enrolment.client_id,
        organisation_id=enrolment.course.provider_id,
        from_status=previous,
        to_status=status,
        **detail,
    )


def _fill_places(actor: Any, course: Course) -> list[Enrolment]:
    """Move the first waiting enrolments up while places are free (course row locked)."""
    free = course.capacity - places_taken(course)
    moved: list[Enrolment] = []
    if free <= 0 or course.status != CourseStatus.PUBLISHED:
        return moved
    waiting = Enrolment.objects.filter(course=course, status=E.WAITING).order_by(
        "requested_at", "id"
    )[:free]
    for enrolment in waiting:
        enrolment.course = course
        _set_status(actor, enrolment, E.ENROLLED, reason="moved up from the waiting list")
        moved.append(enrolment)
    return moved


@transaction.atomic
def enrolment_create(*, actor: Any, client_id: int, course_id: int) -> Enrolment:
    """A place for the client on the course if one is free, else a place on the waiting list."""
    client = access_client(actor, client_id)
    organisation = enrolling_organisation(actor, client)
    if organisation is None:
        raise Forbidden
    access_course(actor, course_id)
    course = _lock_course(course_id)
    if course.status != CourseStatus.PUBLISHED:
        raise DomainError(_("Only published courses take enrolments."))
    if course.last_day < timezone.localdate():
        raise DomainError(_("This course has already ended."))
    if Enrolment.objects.filter(
        course=course, client=client, status__in=(*LIVE, E.COMPLETED)
    ).exists():
        raise DomainError(_("This person is already enrolled in this course or waiting for it."))
    full = places_taken(course) >= course.capacity
    now = timezone.now()
    enrolment = Enrolment(
        course=course,
        client=client,
        status=E.WAITING if full else E.ENROLLED,
        requested_at=now,
        enrolled_at=None if full else now,
        enrolled_by=actor,
        enrolled_by_organisation=organisation,
    )
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:
        raise DomainError(
            _("This person is already enrolled in this course or waiting for it.")
        ) from exc
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=enrolment,
        client_id=client.pk,
        organisation_id=organisation.pk,
        course_id=course.pk,
        status=enrolment.status,
    )
    return enrolment


@transaction.atomic
def enrolment_cancel(*, actor: Any, enrolment_id: int) -> Enrolment:
    """The client gives up their place (or leaves the waiting list); the first one waiting
    moves up into a freed place."""
    found = access_enrolment(actor, enrolment_id, need=Action.CHANGE_STATUS)
    course = _lock_course(found.course_id)
    enrolment = Enrolment.objects.select_related("client").get(pk=found.pk)
    enrolment.course = course
    if enrolment.status not in LIVE:
        raise InvalidTransition(_("Only a place or a place on the waiting list can be cancelled."))
    _set_status(actor, enrolment, E.CANCELLED)
    _fill_places(actor, course)
    return enrolment


def _for_record(actor: Any, enrolment_id: int) -> Enrolment:
    found = access_enrolment(actor, enrolment_id, need=Action.RECORD)
    course = _lock_course(found.course_id)
    enrolment = Enrolment.objects.select_related("client").get(pk=found.pk)
    enrolment.course = course
    if enrolment.status != E.ENROLLED:
        raise InvalidTransition(_("Attendance and results are recorded for enrolled people only."))
    return enrolment


def _check_attended(course: Course, attended: int) -> None:
    if attended < 0 or attended > course.sessions:
        raise ValidationError(
            {"attended_sessions": _("Give a number from 0 to %(n)s.") % {"n": course.sessions}}
        )


@transaction.atomic
def attendance_record(*, actor: Any, enrolment_id: int, attended_sessions: int) -> Enrolment:
    enrolment = _for_record(actor, enrolment_id)
    _check_attended(enrolment.course, attended_sessions)
    previous = enrolment.attended_sessions
    enrolment.attended_sessions = attended_sessions
    enrolment.full_clean()
    enrolment.save(update_fields=["attended_sessions", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=enrolment,
        client_id=enrolment.client_id,
        organisation_id=enrolment.course.provider_id,
        fields=["attended_sessions"],
        before=previous,
        after=attended_sessions,
    )
    return enrolment


@transaction.atomic
def enrolment_not_completed(*, actor: Any, enrolment_id: int) -> Enrolment:
    enrolment = _for_record(actor, enrolment_id)
    _set_status(actor, enrolment, E.DID_NOT_COMPLETE)
    return enrolment


@transaction.atomic
def enrolment_complete(
    *, actor: Any, enrolment_id: int, attended_sessions: int | None = None
) -> Certificate:
    """The client completed the course: the certificate, the profile entries, the measure."""
    enrolment = _for_record(actor, enrolment_id)
    course = enrolment.course
    if attended_sessions is not None:
        _check_attended(course, attended_sessions)
        enrolment.attended_sessions = attended_sessions
    if course.first_day > timezone.localdate():
        raise DomainError(_("The course has not started yet."))
    _set_status(actor, enrolment, E.COMPLETED, attended_sessions=enrolment.attended_sessions)
    certificate = Certificate(
        enrolment=enrolment, code=new_certificate_code(), issued_at=timezone.now(), issued_by=actor
    )
    certificate.full_clean()
    certificate.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=certificate,
        client_id=enrolment.client_id,
        organisation_id=course.provider_id,
    )
    _add_to_profile(actor, enrolment, certificate)
    _record_measure(actor, enrolment)
    return certificate


def _profile_country(client: Any) -> str:
    code = str(client.nationality or "")
    if code and Country.objects.filter(pk=code).exists():
        return code
    return str(client.organisation.country_id)


def _add_to_profile(actor: Any, enrolment: Enrolment, certificate: Certificate) -> None:
    """The course in the client's job-seeker profile (created if missing): a qualification
    carrying the certificate code, and experience in the trade acquired where the course
    was held, when the course names an occupation."""
    client, course = enrolment.client, enrolment.course
    profile = JobSeekerProfile.objects.filter(client=client).first()
    if profile is None:
        profile = JobSeekerProfile(client=client, country_id=_profile_country(client))
        profile.full_clean()
        profile.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=profile,
            client_id=client.pk,
            organisation_id=client.organisation_id,
            reason="course certificate",
        )
    qualification = Qualification(
        profile=profile,
        title=_("%(course)s (course at %(provider)s)")
        % {"course": course.title, "provider": course.provider.name},
        awarded_in=course.country_id,
        year=course.last_day.year,
        recognition=Recognition.NOT_NEEDED,
        certificate_code=certificate.code,
    )
    qualification.full_clean()
    qualification.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=qualification, client_id=client.pk)
    if course.occupation_id:
        experience = Experience(
            profile=profile,
            occupation_id=course.occupation_id,
            employer_name=course.provider.name,
            country=course.country_id,
            start_date=course.first_day,
            end_date=course.last_day,
            description=_("Course: %(course)s") % {"course": course.title},
        )
        experience.full_clean()
        experience.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=experience, client_id=client.pk)


def _record_measure(actor: Any, enrolment: Enrolment) -> None:
    case = (
        Case.objects.filter(client_id=enrolment.client_id)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("-id")
        .first()
    )
    if case is None:
        return
    measure_record_for_case(
        actor=actor,
        case=case,
        type_code="vocational_course",
        description=enrolment.course.title,
        start_date=enrolment.course.first_day,
    )


@transaction.atomic
def certificate_export(*, actor: Any, enrolment_id: int) -> tuple[Certificate, bytes]:
    """The certificate as PDF, for someone who may see the enrolment; audited as an export."""
    from perspektive.learning.pdf import certificate_pdf

    enrolment = access_enrolment(actor, enrolment_id)
    certificate = Certificate.objects.filter(enrolment=enrolment).first()
    if certificate is None:
        raise DomainError(_("No certificate: the course was not completed."))
    certificate.enrolment = enrolment
    pdf = certificate_pdf(certificate)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=certificate,
        client_id=enrolment.client_id,
        format="pdf",
    )
    return certificate, pdf


def default_first_day() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=14)
