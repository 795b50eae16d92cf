"""The case services: status changes, opening, editing, and the case's parts (notes,
assessments, plans, measures). Every write is checked for what it wrote, and every refusal
for what it did not write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from perspektive.audit.models import AuditEvent
from perspektive.cases import services
from perspektive.cases.models import (
    Assessment,
    Case,
    CaseStatus,
    CaseStatusChange,
    Measure,
    MeasureStatus,
    Note,
)
from perspektive.cases.tests.factories import CaseFactory, measure_type
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.errors import DomainError, Forbidden, InvalidTransition, NotFound

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]


def _walk_to(case: Case, actor: Any, *statuses: str) -> Case:
    for status in statuses:
        reason = "done" if status == CaseStatus.CLOSED else ""
        case = services.case_change_status(
            actor=actor, case_id=case.pk, to_status=status, reason=reason
        )
    return case


# Status changes -------------------------------------------------------------------------


def test_case_change_status_moves_the_case_and_records_the_change(
    case_a: Case, counsellor_a: Any
) -> None:
    case = services.case_change_status(
        actor=counsellor_a, case_id=case_a.pk, to_status=CaseStatus.ASSESSMENT
    )

    case_a.refresh_from_db()
    assert case.status == case_a.status == CaseStatus.ASSESSMENT
    change = CaseStatusChange.objects.get(case=case_a)
    assert (change.from_status, change.to_status, change.by) == (
        CaseStatus.INTAKE,
        CaseStatus.ASSESSMENT,
        counsellor_a,
    )
    event = AuditEvent.objects.get()
    assert event.action == "status"
    assert event.actor == counsellor_a
    assert (event.object_type, event.object_id) == ("cases.case", str(case_a.pk))
    assert event.client_id == case_a.client_id
    assert event.organisation_id == case_a.organisation_id
    assert event.detail == {
        "case_id": case_a.pk,
        "from_status": "intake",
        "to_status": "assessment",
    }


def test_case_can_walk_the_whole_path_to_closed(case_a: Case, counsellor_a: Any) -> None:
    path = ["assessment", "planning", "implementation", "follow_up", "closed"]
    case = _walk_to(case_a, counsellor_a, *path)

    assert case.status == CaseStatus.CLOSED
    assert case.closed_at is not None
    assert (
        list(CaseStatusChange.objects.filter(case=case_a).values_list("to_status", flat=True))
        == path
    )
    assert AuditEvent.objects.filter(action="status", object_id=str(case_a.pk)).count() == 5


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("intake", "implementation"),
        ("intake", "follow_up"),
        ("assessment", "follow_up"),
        ("follow_up", "intake"),
        ("intake", "intake"),
        ("intake", "bogus"),
        ("intake", ""),
    ],
)
def test_case_change_status_refuses_a_change_the_machine_does_not_allow(
    client_a: Any, counsellor_a: Any, row_counts: Counts, start: str, target: str
) -> None:
    case: Case = CaseFactory(client=client_a, counsellor=counsellor_a, status=start)
    before = row_counts()

    with pytest.raises(InvalidTransition):
        services.case_change_status(actor=counsellor_a, case_id=case.pk, to_status=target)

    case.refresh_from_db()
    assert case.status == start
    assert row_counts() == before


def test_closing_a_case_needs_a_reason(case_a: Case, counsellor_a: Any, row_counts: Counts) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.case_change_status(
            actor=counsellor_a, case_id=case_a.pk, to_status=CaseStatus.CLOSED, reason="   "
        )
    assert "reason" in exc.value.message_dict
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.INTAKE
    assert case_a.closed_at is None
    assert row_counts() == before


def test_closing_with_a_reason_keeps_the_reason(case_a: Case, counsellor_a: Any) -> None:
    services.case_change_status(
        actor=counsellor_a, case_id=case_a.pk, to_status="closed", reason=" moved away "
    )
    change = CaseStatusChange.objects.get(case=case_a)
    assert change.reason == "moved away"


def test_reopening_needs_a_reason_and_clears_closed_at(client_a: Any, counsellor_a: Any) -> None:
    case: Case = CaseFactory(client=client_a, counsellor=counsellor_a, status=CaseStatus.CLOSED)

    with pytest.raises(ValidationError):
        services.case_change_status(actor=counsellor_a, case_id=case.pk, to_status="assessment")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    services.case_change_status(
        actor=counsellor_a, case_id=case.pk, to_status="assessment", reason="came back"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT
    assert case.closed_at is None
    assert CaseStatusChange.objects.get(case=case).reason == "came back"


def test_reopen_is_refused_while_another_case_is_open_at_the_same_centre(
    client_a: Any, counsellor_a: Any, row_counts: Counts
) -> None:
    closed: Case = CaseFactory(client=client_a, counsellor=counsellor_a, status=CaseStatus.CLOSED)
    CaseFactory(client=client_a, counsellor=counsellor_a, status=CaseStatus.PLANNING)
    before = row_counts()

    with pytest.raises(DomainError) as exc:
        services.case_change_status(
            actor=counsellor_a, case_id=closed.pk, to_status="assessment", reason="again"
        )

    assert not isinstance(exc.value, InvalidTransition)
    closed.refresh_from_db()
    assert closed.status == CaseStatus.CLOSED
    assert row_counts() == before


def test_reopen_is_allowed_when_the_open_case_is_at_another_centre(
    client_a: Any, counsellor_a: Any, centre_b: Any
) -> None:
    closed: Case = CaseFactory(client=client_a, counsellor=counsellor_a, status=CaseStatus.CLOSED)
    CaseFactory(client=client_a, organisation=centre_b, status=CaseStatus.PLANNING)
    services.case_change_status(
        actor=counsellor_a, case_id=closed.pk, to_status="assessment", reason="again"
    )
    closed.refresh_from_db()
    assert closed.status == CaseStatus.ASSESSMENT


def test_status_change_needs_the_right_inside_the_scope(
    case_a: Case, colleague_a: Any, lead_a: Any, counsellor_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        services.case_change_status(actor=colleague_a, case_id=case_a.pk, to_status="assessment")
    with pytest.raises(NotFound):
        services.case_change_status(actor=counsellor_b, case_id=case_a.pk, to_status="assessment")
    assert row_counts() == before

    services.case_change_status(actor=lead_a, case_id=case_a.pk, to_status="assessment")
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.ASSESSMENT


# Opening and editing --------------------------------------------------------------------


def test_case_open_creates_the_case_its_first_status_and_one_audit_row(
    client_a: Any, counsellor_a: Any, centre_a: Any
) -> None:
    case = services.case_open(
        actor=counsellor_a,
        client_id=client_a.pk,
        organisation=centre_a,
        counsellor=counsellor_a,
        vulnerabilities=["medical", "minor", "medical"],
    )

    assert case.status == CaseStatus.INTAKE
    assert case.vulnerabilities == ["medical", "minor"]
    assert case.created_by == counsellor_a
    change = CaseStatusChange.objects.get(case=case)
    assert (change.from_status, change.to_status) == ("", "intake")
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "cases.case",
        str(case.pk),
    )
    assert event.client_id == client_a.pk
    assert event.organisation_id == centre_a.pk


def test_case_open_refuses_a_second_open_case_at_the_same_centre(
    case_a: Case, counsellor_a: Any, centre_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(DomainError):
        services.case_open(actor=counsellor_a, client_id=case_a.client_id, organisation=centre_a)
    assert row_counts() == before


def test_case_open_refuses_a_counsellor_of_another_centre(
    client_a: Any, counsellor_a: Any, counsellor_b: Any, centre_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.case_open(
            actor=counsellor_a,
            client_id=client_a.pk,
            organisation=centre_a,
            counsellor=counsellor_b,
        )
    assert "counsellor" in exc.value.message_dict
    assert row_counts() == before


def test_case_open_refuses_unknown_vulnerabilities(
    client_a: Any, counsellor_a: Any, centre_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError):
        services.case_open(
            actor=counsellor_a,
            client_id=client_a.pk,
            organisation=centre_a,
            vulnerabilities=["dragon"],
        )
    assert row_counts() == before


def test_case_open_for_a_client_outside_the_scope_is_not_found(
    counsellor_a: Any, centre_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    other: Client = ClientFactory(organisation=centre_b)
    before = row_counts()
    with pytest.raises(NotFound):
        services.case_open(actor=counsellor_a, client_id=other.pk, organisation=centre_a)
    assert row_counts() == before


def test_case_open_at_a_centre_the_actor_does_not_work_for_is_forbidden(
    client_a: Any, counsellor_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        services.case_open(actor=counsellor_a, client_id=client_a.pk, organisation=centre_b)
    assert row_counts() == before


def test_case_update_writes_one_audit_row_with_the_changed_field_names(
    case_a: Case, counsellor_a: Any
) -> None:
    services.case_update(
        actor=counsellor_a,
        case_id=case_a.pk,
        next_follow_up=dt.date(2030, 1, 2),
        vulnerabilities=["trafficking"],
        return_date=case_a.return_date,
    )
    case_a.refresh_from_db()
    assert case_a.next_follow_up == dt.date(2030, 1, 2)
    event = AuditEvent.objects.get()
    assert event.action == "update"
    assert event.detail == {"case_id": case_a.pk, "fields": ["next_follow_up", "vulnerabilities"]}
    assert "trafficking" not in str(event.detail.get("fields"))


def test_case_update_without_a_change_writes_nothing(case_a: Case, counsellor_a: Any) -> None:
    services.case_update(actor=counsellor_a, case_id=case_a.pk, return_date=case_a.return_date)
    assert not AuditEvent.objects.exists()


def test_case_update_by_an_unassigned_colleague_is_forbidden(
    case_a: Case, colleague_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        services.case_update(actor=colleague_a, case_id=case_a.pk, next_follow_up=dt.date.today())
    assert row_counts() == before


# Notes, assessments, plans, measures ----------------------------------------------------


def test_note_add_saves_the_note_and_audits_without_the_text(
    case_a: Case, counsellor_a: Any
) -> None:
    note = services.note_add(actor=counsellor_a, case_id=case_a.pk, text="  Met at the office  ")
    assert Note.objects.get().text == "Met at the office"
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "cases.note",
        str(note.pk),
    )
    assert "office" not in str(event.detail)


def test_an_empty_note_is_refused(case_a: Case, counsellor_a: Any, row_counts: Counts) -> None:
    before = row_counts()
    with pytest.raises(ValidationError):
        services.note_add(actor=counsellor_a, case_id=case_a.pk, text=" \n ")
    assert row_counts() == before


def test_an_unassigned_colleague_cannot_add_notes_but_the_lead_can(
    case_a: Case, colleague_a: Any, lead_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        services.note_add(actor=colleague_a, case_id=case_a.pk, text="hello")
    assert row_counts() == before
    services.note_add(actor=lead_a, case_id=case_a.pk, text="hello")
    assert Note.objects.filter(case=case_a, author=lead_a).count() == 1


def test_assessment_record_saves_each_domain(case_a: Case, counsellor_a: Any) -> None:
    assessment = services.assessment_record(
        actor=counsellor_a, case_id=case_a.pk, needs={"housing": 3, "health": 0}
    )
    assert dict(assessment.needs.values_list("domain", "level")) == {"housing": 3, "health": 0}
    event = AuditEvent.objects.get()
    assert event.object_type == "cases.assessment"
    assert event.detail["domains"] == ["health", "housing"]


@pytest.mark.parametrize(
    "needs", [{}, {"housing": 7}, {"dragons": 1}], ids=["none", "bad-level", "bad-domain"]
)
def test_assessment_record_refuses_bad_needs_and_writes_nothing(
    case_a: Case, counsellor_a: Any, row_counts: Counts, needs: dict[str, int]
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError):
        services.assessment_record(actor=counsellor_a, case_id=case_a.pk, needs=needs)
    assert row_counts() == before
    assert not Assessment.objects.exists()


def test_plan_update_creates_then_updates_one_plan(case_a: Case, counsellor_a: Any) -> None:
    services.plan_update(actor=counsellor_a, case_id=case_a.pk, goals="a", agreed_with_client=False)
    plan = services.plan_update(
        actor=counsellor_a, case_id=case_a.pk, goals="b", agreed_with_client=True
    )
    assert (plan.goals, plan.agreed_with_client) == ("b", True)
    assert list(AuditEvent.objects.values_list("action", "object_type")) == [
        ("update", "cases.reintegrationplan"),
        ("update", "cases.reintegrationplan"),
    ]


def test_measure_add_records_type_and_category(case_a: Case, counsellor_a: Any) -> None:
    measure = services.measure_add(
        actor=counsellor_a,
        case_id=case_a.pk,
        type=measure_type("job_placement"),
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 2, 1),
    )
    assert measure.plan.case == case_a
    event = AuditEvent.objects.get(object_type="cases.measure")
    assert event.detail["type"] == "job_placement"
    assert event.detail["category"] == "direct_employment"


def test_measure_add_refuses_an_end_before_the_start(
    case_a: Case, counsellor_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.measure_add(
            actor=counsellor_a,
            case_id=case_a.pk,
            type=measure_type(),
            start_date=dt.date(2026, 2, 1),
            end_date=dt.date(2026, 1, 1),
        )
    assert "end_date" in exc.value.message_dict
    assert row_counts() == before


def test_measure_add_refuses_a_closed_case(
    client_a: Any, counsellor_a: Any, row_counts: Counts
) -> None:
    case: Case = CaseFactory(client=client_a, counsellor=counsellor_a, status=CaseStatus.CLOSED)
    before = row_counts()
    with pytest.raises(DomainError):
        services.measure_add(actor=counsellor_a, case_id=case.pk, type=measure_type())
    assert row_counts() == before


def test_measure_add_refuses_an_inactive_type(
    case_a: Case, counsellor_a: Any, row_counts: Counts
) -> None:
    retired = measure_type("job_fair")
    retired.is_active = False
    retired.save()
    before = row_counts()
    with pytest.raises(ValidationError):
        services.measure_add(actor=counsellor_a, case_id=case_a.pk, type=retired)
    assert row_counts() == before


def test_measure_set_status_completes_with_an_end_date(case_a: Case, counsellor_a: Any) -> None:
    measure = services.measure_add(actor=counsellor_a, case_id=case_a.pk, type=measure_type())
    services.measure_set_status(
        actor=counsellor_a, measure_id=measure.pk, status=MeasureStatus.COMPLETED
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.COMPLETED
    assert measure.end_date is not None


def test_measure_status_can_change_after_its_creator_was_deleted(
    case_a: Case, counsellor_a: Any, lead_a: Any
) -> None:
    measure = services.measure_add(actor=lead_a, case_id=case_a.pk, type=measure_type())
    lead_a.delete()
    services.measure_set_status(actor=counsellor_a, measure_id=measure.pk, status="ongoing")
    measure.refresh_from_db()
    assert (measure.status, measure.created_by) == ("ongoing", None)


def test_measure_set_status_refuses_an_unknown_status(case_a: Case, counsellor_a: Any) -> None:
    measure = services.measure_add(actor=counsellor_a, case_id=case_a.pk, type=measure_type())
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.measure_set_status(actor=counsellor_a, measure_id=measure.pk, status="bogus")
    assert Measure.objects.get().status == MeasureStatus.PLANNED
    assert AuditEvent.objects.count() == audit_before
