from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from perspektive.audit.models import AuditEvent
from perspektive.cases.models import Measure
from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.errors import DomainError, Forbidden, InvalidTransition, NotFound
from perspektive.core.models import Country
from perspektive.jobs.models import JobSeekerProfile
from perspektive.learning import services
from perspektive.learning.models import Certificate, Course, Enrolment
from perspektive.learning.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def _enrol(actor: Any, client: Any, course: Any) -> Enrolment:
    return services.enrolment_create(actor=actor, client_id=client.pk, course_id=course.pk)


def _office_clients(office: Any, n: int) -> list[Any]:
    return [ClientFactory(organisation=office, name=f"Person {i}") for i in range(n)]


def test_enrolment_takes_a_free_place_then_the_waiting_list(
    scout: Any, return_office: Any, course: Course
) -> None:
    a, b, c, d = _office_clients(return_office, 4)
    assert _enrol(scout, a, course).status == "enrolled"
    assert _enrol(scout, b, course).status == "enrolled"
    third = _enrol(scout, c, course)
    fourth = _enrol(scout, d, course)
    assert (third.status, fourth.status) == ("waiting", "waiting")
    assert Enrolment.objects.filter(course=course, status="enrolled").count() == course.capacity
    event = AuditEvent.objects.filter(object_type="learning.enrolment", client_id=c.pk).get()
    assert event.detail["status"] == "waiting"


def test_cancelling_a_place_moves_the_first_waiting_up(
    scout: Any, return_office: Any, course: Course
) -> None:
    a, b, c, d = _office_clients(return_office, 4)
    first = _enrol(scout, a, course)
    _enrol(scout, b, course)
    waiting_first = _enrol(scout, c, course)
    waiting_second = _enrol(scout, d, course)
    services.enrolment_cancel(actor=scout, enrolment_id=first.pk)
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert waiting_first.status == "enrolled" and waiting_first.enrolled_at is not None
    assert waiting_second.status == "waiting"
    # Leaving the waiting list frees no place: nobody moves.
    services.enrolment_cancel(actor=scout, enrolment_id=waiting_second.pk)
    assert Enrolment.objects.filter(course=course, status="enrolled").count() == 2


def test_move_up_locks_the_course_row_in_the_same_transaction(
    scout: Any, return_office: Any, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, c = _office_clients(return_office, 3)
    first = _enrol(scout, a, course)
    _enrol(scout, b, course)
    waiting = _enrol(scout, c, course)
    locked: list[Any] = []
    original = QuerySet.select_for_update

    def spy(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    services.enrolment_cancel(actor=scout, enrolment_id=first.pk)
    assert Course in locked

    # A failure while moving up rolls the cancellation back too.
    second = Enrolment.objects.get(client=b)
    other = ClientFactory(organisation=return_office, name="Another")
    _enrol(scout, other, course)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "_fill_places", broken)
    with pytest.raises(RuntimeError):
        services.enrolment_cancel(actor=scout, enrolment_id=second.pk)
    second.refresh_from_db()
    waiting.refresh_from_db()
    assert second.status == "enrolled" and waiting.status == "enrolled"


def test_one_live_enrolment_per_client_and_course(scout: Any, samir: Any, course: Course) -> None:
    _enrol(scout, samir, course)
    with pytest.raises(DomainError):
        _enrol(scout, samir, course)
    assert Enrolment.objects.filter(client=samir).count() == 1


def test_only_published_running_courses_take_enrolments(
    scout: Any, samir: Any, provider: Any
) -> None:
    draft = CourseFactory(provider=provider, status="draft")
    with pytest.raises(NotFound):  # a draft is the provider's own
        _enrol(scout, samir, draft)
    past = CourseFactory(
        provider=provider,
        first_day=timezone.localdate() - dt.timedelta(days=30),
        last_day=timezone.localdate() - dt.timedelta(days=20),
    )
    with pytest.raises(DomainError):
        _enrol(scout, samir, past)


def test_attendance_cannot_exceed_the_sessions(
    scout: Any, provider_staff: Any, samir: Any, course: Course, row_counts: Any
) -> None:
    enrolment = _enrol(scout, samir, course)
    services.attendance_record(actor=provider_staff, enrolment_id=enrolment.pk, attended_sessions=4)
    before = row_counts()
    for bad in (course.sessions + 1, -1):
        with pytest.raises(ValidationError):
            services.attendance_record(
                actor=provider_staff, enrolment_id=enrolment.pk, attended_sessions=bad
            )
    enrolment.refresh_from_db()
    assert enrolment.attended_sessions == 4
    assert row_counts() == before


def test_completion_issues_certificate_profile_entries_and_measure(
    scout: Any, provider_staff: Any, samir: Any, running_course: Course
) -> None:
    case = CaseFactory(client=samir, organisation=samir.organisation)
    enrolment = _enrol(scout, samir, running_course)
    assert not JobSeekerProfile.objects.filter(client=samir).exists()
    certificate = services.enrolment_complete(
        actor=provider_staff, enrolment_id=enrolment.pk, attended_sessions=9
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "completed" and enrolment.attended_sessions == 9
    assert len(certificate.code) == 19 and certificate.code.count("-") == 3
    profile = JobSeekerProfile.objects.get(client=samir)
    assert profile.country_id == "IQ"
    qualification = profile.qualifications.get()
    assert qualification.certificate_code == certificate.code
    assert qualification.awarded_in == "DE"
    experience = profile.experiences.get()
    assert experience.country == "DE" and experience.occupation_id == running_course.occupation_id
    measure = Measure.objects.get(plan__case=case)
    assert measure.type.code == "vocational_course"
    audited = set(
        AuditEvent.objects.filter(client_id=samir.pk).values_list("object_type", flat=True)
    )
    assert {
        "learning.certificate",
        "learning.enrolment",
        "jobs.qualification",
        "jobs.experience",
        "jobs.jobseekerprofile",
    } <= audited


def test_did_not_complete_issues_no_certificate(
    scout: Any, provider_staff: Any, samir: Any, running_course: Course
) -> None:
    enrolment = _enrol(scout, samir, running_course)
    services.enrolment_not_completed(actor=provider_staff, enrolment_id=enrolment.pk)
    assert not Certificate.objects.exists()
    assert not JobSeekerProfile.objects.filter(client=samir).exists()
    with pytest.raises(InvalidTransition):
        services.enrolment_complete(actor=provider_staff, enrolment_id=enrolment.pk)


def test_only_the_provider_records_and_only_holders_enrol(
    scout: Any,
    samir: Any,
    course: Course,
    other_provider_staff: Any,
    counsellor_a: Any,
    partner_staff: Any,
    other_employer: Any,
    client_user: Any,
    row_counts: Any,
) -> None:
    enrolment = _enrol(scout, samir, course)
    before = row_counts()
    for outsider in (
        other_provider_staff,
        counsellor_a,
        partner_staff,
        other_employer,
        client_user,
    ):
        with pytest.raises((NotFound, Forbidden)):
            services.attendance_record(
                actor=outsider, enrolment_id=enrolment.pk, attended_sessions=1
            )
        with pytest.raises((NotFound, Forbidden)):
            services.enrolment_cancel(actor=outsider, enrolment_id=enrolment.pk)
        with pytest.raises((NotFound, Forbidden)):
            _enrol(outsider, samir, course)
    # The scout holds the client but cannot record results.
    with pytest.raises(Forbidden):
        services.attendance_record(actor=scout, enrolment_id=enrolment.pk, attended_sessions=1)
    assert row_counts() == before
    assert Enrolment.objects.get(pk=enrolment.pk).status == "enrolled"


def test_course_writes_belong_to_the_provider(
    provider: Any, provider_staff: Any, partner_org: Any, partner_staff: Any, scout: Any
) -> None:
    data = {
        "title": "Tailoring",
        "trade": "tailoring",
        "language": "fr",
        "city": "Dakar",
        "country": Country.objects.get(pk="SN"),
        "first_day": dt.date(2031, 1, 1),
        "last_day": dt.date(2031, 1, 20),
        "sessions": 8,
        "capacity": 10,
    }
    course = services.course_create(actor=provider_staff, provider=provider, **data)
    assert course.status == "draft"
    for outsider in (partner_staff, scout):  # a civil-society partner is no training provider
        with pytest.raises(Forbidden):
            services.course_create(actor=outsider, provider=partner_org, **data)
        with pytest.raises((NotFound, Forbidden)):
            services.course_set_status(actor=outsider, course_id=course.pk, status="published")
    with pytest.raises(ValidationError):
        services.course_update(
            actor=provider_staff, course_id=course.pk, last_day=dt.date(2030, 1, 1)
        )
    services.course_set_status(actor=provider_staff, course_id=course.pk, status="published")
    with pytest.raises(InvalidTransition):
        services.course_set_status(actor=provider_staff, course_id=course.pk, status="draft")


def test_cancelling_a_course_cancels_its_places(
    scout: Any, provider_staff: Any, samir: Any, course: Course
) -> None:
    enrolment = _enrol(scout, samir, course)
    services.course_set_status(actor=provider_staff, course_id=course.pk, status="cancelled")
    enrolment.refresh_from_db()
    assert enrolment.status == "cancelled"


def test_raising_capacity_moves_waiting_people_up(
    scout: Any, provider_staff: Any, return_office: Any, course: Course
) -> None:
    people = _office_clients(return_office, 3)
    enrolments = [_enrol(scout, p, course) for p in people]
    assert enrolments[2].status == "waiting"
    with pytest.raises(ValidationError):
        services.course_update(actor=provider_staff, course_id=course.pk, capacity=1)
    services.course_update(actor=provider_staff, course_id=course.pk, capacity=3)
    enrolments[2].refresh_from_db()
    assert enrolments[2].status == "enrolled"
