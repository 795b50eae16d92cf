"""The case pages: who may do what inside the centre, every form's refusal of bad input,
the scoped list, and query counts of the list and the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from perspektive.audit.models import AuditEvent
from perspektive.cases.models import Case, CaseStatus, Measure, Note
from perspektive.cases.tests.factories import CaseFactory, PlanFactory, measure_type
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory
from perspektive.clients.tests.test_client_views import assert_field_error
from perspektive.consent.models import Purpose
from perspektive.consent.tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]
WebAs = Callable[[Any], HttpClient]


def _url(name: str, case: Case) -> str:
    return reverse(name, kwargs={"case_id": case.pk})


# Authorization inside the centre --------------------------------------------------------

WRITES: list[tuple[str, dict[str, Any]]] = [
    ("cases:status", {"to_status": "assessment"}),
    ("cases:note_add", {"text": "A note"}),
    ("cases:edit", {"next_follow_up": "2030-01-01"}),
    ("cases:assessment_add", {"need_housing": "3"}),
    ("cases:plan_edit", {"goals": "Find work"}),
    ("cases:measure_add", {"type": "JOB", "status": "planned"}),
]


def _body(body: dict[str, Any]) -> dict[str, Any]:
    return {k: (measure_type().pk if v == "JOB" else v) for k, v in body.items()}


def test_an_unassigned_colleague_sees_the_case_but_may_not_change_it(
    web_as: WebAs, case_a: Case, colleague_a: Any, row_counts: Counts
) -> None:
    web = web_as(colleague_a)
    detail = web.get(_url("cases:detail", case_a))
    assert detail.status_code == 200
    assert detail.context["can_change_status"] is False
    assert detail.context["can_update"] is False
    before = row_counts()
    for name, body in WRITES:
        if name not in {"cases:note_add"}:
            assert web.get(_url(name, case_a)).status_code == 403, name
        assert web.post(_url(name, case_a), _body(body)).status_code == 403, name
    assert row_counts() == before
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.INTAKE


@pytest.mark.parametrize("who", ["counsellor_a", "lead_a"])
@pytest.mark.parametrize(("name", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_the_assigned_counsellor_and_the_lead_may_change_the_case(
    web_as: WebAs,
    case_a: Case,
    request: pytest.FixtureRequest,
    who: str,
    name: str,
    body: dict[str, Any],
) -> None:
    user = request.getfixturevalue(who)
    audit_before = AuditEvent.objects.count()
    response = web_as(user).post(_url(name, case_a), _body(body))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == _url("cases:detail", case_a)
    assert AuditEvent.objects.count() == audit_before + 1


def test_a_counsellor_of_another_centre_gets_404_everywhere(
    web_as: WebAs, case_a: Case, counsellor_b: Any, row_counts: Counts
) -> None:
    web = web_as(counsellor_b)
    before = row_counts()
    assert web.get(_url("cases:detail", case_a)).status_code == 404
    for name, body in WRITES:
        assert web.post(_url(name, case_a), _body(body)).status_code == 404, name
    assert row_counts() == before


def test_case_detail_view_is_audited(web_as: WebAs, case_a: Case, colleague_a: Any) -> None:
    web_as(colleague_a).get(_url("cases:detail", case_a))
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        "view",
        "cases.case",
        str(case_a.pk),
        colleague_a,
    )
    assert event.client_id == case_a.client_id


# Bad input: every case form answers 400, names the field and writes nothing ------------

TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def test_case_open_form_refuses_a_counsellor_of_another_centre(
    web_as: WebAs, client_a: Any, counsellor_a: Any, counsellor_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(
        reverse("cases:open", kwargs={"client_id": client_a.pk}),
        {"organisation": client_a.organisation_id, "counsellor": counsellor_b.pk},
    )
    assert_field_error(response, "counsellor")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"vulnerabilities": ["dragon"]}, "vulnerabilities"),
        ({"return_date": "soon"}, "return_date"),
        ({"organisation": "OTHER"}, "organisation"),
        ({"organisation": ""}, "organisation"),
    ],
    ids=["vulnerability", "date", "foreign-centre", "no-centre"],
)
def test_case_open_form_refuses_bad_input(
    web_as: WebAs,
    client_a: Any,
    counsellor_a: Any,
    centre_b: Any,
    row_counts: Counts,
    body: dict[str, Any],
    field: str,
) -> None:
    data = {"organisation": client_a.organisation_id, **body}
    if data["organisation"] == "OTHER":
        data["organisation"] = centre_b.pk
    before = row_counts()
    response = web_as(counsellor_a).post(
        reverse("cases:open", kwargs={"client_id": client_a.pk}), data
    )
    assert_field_error(response, field)
    assert row_counts() == before


def test_case_open_form_refuses_a_second_open_case(
    web_as: WebAs, case_a: Case, counsellor_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(
        reverse("cases:open", kwargs={"client_id": case_a.client_id}),
        {"organisation": case_a.organisation_id},
    )
    assert_field_error(response, "__all__")
    assert row_counts() == before


def test_case_open_for_a_client_of_another_centre_is_not_found(
    web_as: WebAs, counsellor_a: Any, centre_b: Any, centre_a: Any, row_counts: Counts
) -> None:
    foreign: Client = ClientFactory(organisation=centre_b)
    before = row_counts()
    response = web_as(counsellor_a).post(
        reverse("cases:open", kwargs={"client_id": foreign.pk}), {"organisation": centre_a.pk}
    )
    assert response.status_code == 404
    assert row_counts() == before


def test_case_open_form_opens_a_case(
    web_as: WebAs, client_a: Any, counsellor_a: Any, colleague_a: Any
) -> None:
    response = web_as(counsellor_a).post(
        reverse("cases:open", kwargs={"client_id": client_a.pk}),
        {
            "organisation": client_a.organisation_id,
            "counsellor": colleague_a.pk,
            "vulnerabilities": ["elderly"],
            "return_date": "2025-11-30",
        },
    )
    case = Case.objects.get(client=client_a)
    assert response.status_code == 302
    assert (case.counsellor, case.vulnerabilities) == (colleague_a, ["elderly"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"counsellor": "OTHER"}, "counsellor"),
        ({"vulnerabilities": ["dragon"]}, "vulnerabilities"),
        ({"next_follow_up": "31/02/2026"}, "next_follow_up"),
        ({"return_date": "2026-13-01"}, "return_date"),
    ],
    ids=["foreign-counsellor", "vulnerability", "follow-up-date", "return-date"],
)
def test_case_edit_form_refuses_bad_input(
    web_as: WebAs,
    case_a: Case,
    counsellor_a: Any,
    counsellor_b: Any,
    row_counts: Counts,
    body: dict[str, Any],
    field: str,
) -> None:
    data = {"counsellor": counsellor_a.pk, **body}
    if data["counsellor"] == "OTHER":
        data["counsellor"] = counsellor_b.pk
    before = row_counts()
    response = web_as(counsellor_a).post(_url("cases:edit", case_a), data)
    assert_field_error(response, field)
    assert row_counts() == before
    stored = Case.objects.get(pk=case_a.pk)
    assert (stored.counsellor_id, stored.next_follow_up) == (counsellor_a.pk, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_status": "bogus"}, "to_status"),
        ({"to_status": "implementation"}, "to_status"),
        ({"to_status": ""}, "to_status"),
        ({"to_status": "closed", "reason": ""}, "reason"),
        ({"to_status": "closed", "reason": "x" * 501}, "reason"),
    ],
    ids=["unknown", "skipping", "empty", "close-without-reason", "reason-too-long"],
)
def test_status_form_refuses_bad_input(
    web_as: WebAs,
    case_a: Case,
    counsellor_a: Any,
    row_counts: Counts,
    body: dict[str, Any],
    field: str,
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(_url("cases:status", case_a), body)
    assert_field_error(response, field)
    assert row_counts() == before
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.INTAKE


def test_status_form_refuses_a_reopen_while_another_case_is_open(
    web_as: WebAs, client_a: Any, counsellor_a: Any, row_counts: Counts
) -> None:
    closed: Case = CaseFactory(client=client_a, counsellor=counsellor_a, status=CaseStatus.CLOSED)
    CaseFactory(client=client_a, counsellor=counsellor_a)
    before = row_counts()
    response = web_as(counsellor_a).post(
        _url("cases:status", closed), {"to_status": "assessment", "reason": "back"}
    )
    assert_field_error(response, "__all__")
    assert row_counts() == before


def test_status_form_closes_with_a_reason(web_as: WebAs, case_a: Case, counsellor_a: Any) -> None:
    response = web_as(counsellor_a).post(
        _url("cases:status", case_a), {"to_status": "closed", "reason": "Moved to Basra"}
    )
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.CLOSED
    assert case_a.status_changes.get().reason == "Moved to Basra"


@pytest.mark.parametrize("text", ["", "   ", "x" * 10001], ids=["empty", "blank", "too-long"])
def test_note_form_refuses_bad_input(
    web_as: WebAs, case_a: Case, counsellor_a: Any, row_counts: Counts, text: str
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(_url("cases:note_add", case_a), {"text": text})
    assert_field_error(response, "text")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "__all__"),
        ({"summary": "nothing assessed"}, "__all__"),
        ({"need_housing": "9"}, "need_housing"),
        ({"need_health": "high"}, "need_health"),
    ],
    ids=["no-domain", "summary-only", "level-out-of-range", "level-not-a-number"],
)
def test_assessment_form_refuses_bad_input(
    web_as: WebAs,
    case_a: Case,
    counsellor_a: Any,
    row_counts: Counts,
    body: dict[str, Any],
    field: str,
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(_url("cases:assessment_add", case_a), body)
    assert_field_error(response, field)
    assert row_counts() == before


def test_assessment_form_records_the_assessed_domains(
    web_as: WebAs, case_a: Case, counsellor_a: Any
) -> None:
    response = web_as(counsellor_a).post(
        _url("cases:assessment_add", case_a), {"need_housing": "3", "need_health": "0"}
    )
    assert response.status_code == 302
    assessment = case_a.assessments.get()
    assert dict(assessment.needs.values_list("domain", "level")) == {"housing": 3, "health": 0}


@pytest.mark.parametrize("body", [{"goals": ""}, {"goals": "x" * 5001}], ids=["empty", "too-long"])
def test_plan_form_refuses_bad_input(
    web_as: WebAs, case_a: Case, counsellor_a: Any, row_counts: Counts, body: dict[str, Any]
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(_url("cases:plan_edit", case_a), body)
    assert_field_error(response, "goals")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_date": "2026-03-01", "end_date": "2026-02-01"}, "end_date"),
        ({"type": "999999"}, "type"),
        ({"type": ""}, "type"),
        ({"type": "INACTIVE"}, "type"),
        ({"status": "dreaming"}, "status"),
        ({"provider": "FUNDER"}, "provider"),
        ({"start_date": "March"}, "start_date"),
    ],
    ids=[
        "end-before-start",
        "unknown-type",
        "no-type",
        "inactive-type",
        "unknown-status",
        "funder-as-provider",
        "bad-date",
    ],
)
def test_measure_form_refuses_bad_input(
    web_as: WebAs,
    case_a: Case,
    counsellor_a: Any,
    funder: Any,
    row_counts: Counts,
    body: dict[str, Any],
    field: str,
) -> None:
    data: dict[str, Any] = {"type": measure_type().pk, "status": "planned", **body}
    if data["type"] == "INACTIVE":
        retired = measure_type("job_fair")
        retired.is_active = False
        retired.save()
        data["type"] = retired.pk
    if data.get("provider") == "FUNDER":
        data["provider"] = funder.pk
    before = row_counts()
    response = web_as(counsellor_a).post(_url("cases:measure_add", case_a), data)
    assert_field_error(response, field)
    assert row_counts() == before


def test_measure_form_refuses_a_closed_case(
    web_as: WebAs, client_a: Any, counsellor_a: Any, row_counts: Counts
) -> None:
    closed: Case = CaseFactory(client=client_a, counsellor=counsellor_a, status=CaseStatus.CLOSED)
    before = row_counts()
    response = web_as(counsellor_a).post(
        _url("cases:measure_add", closed), {"type": measure_type().pk, "status": "planned"}
    )
    assert_field_error(response, "__all__")
    assert row_counts() == before


def test_measure_status_with_an_unknown_status_changes_nothing(
    web_as: WebAs, case_a: Case, counsellor_a: Any, row_counts: Counts
) -> None:
    measure = Measure.objects.create(plan=PlanFactory(case=case_a), type=measure_type())
    before = row_counts()
    response = web_as(counsellor_a).post(
        reverse("cases:measure_status", kwargs={"measure_id": measure.pk}), {"status": "bogus"}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "planned"
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_organisation": "999999"}, "to_organisation"),
        ({"to_organisation": ""}, "to_organisation"),
        ({"to_organisation": "SAME"}, "to_organisation"),
        ({"to_organisation": "FUNDER"}, "to_organisation"),
        ({"to_organisation": "B"}, "__all__"),
        ({"to_organisation": "B", "override_reason": "x" * 501}, "override_reason"),
    ],
    ids=[
        "unknown-centre",
        "no-centre",
        "same-centre",
        "funder",
        "no-handover-consent",
        "reason-too-long",
    ],
)
def test_transfer_form_refuses_bad_input(
    web_as: WebAs,
    case_a: Case,
    lead_a: Any,
    centre_b: Any,
    funder: Any,
    row_counts: Counts,
    body: dict[str, Any],
    field: str,
) -> None:
    targets = {"SAME": case_a.organisation_id, "FUNDER": funder.pk, "B": centre_b.pk}
    data = {k: targets.get(v, v) for k, v in body.items()}
    before = row_counts()
    response = web_as(lead_a).post(_url("cases:transfer", case_a), data)
    assert_field_error(response, field)
    assert row_counts() == before
    case_a.refresh_from_db()
    assert case_a.organisation_id != centre_b.pk


def test_transfer_form_hands_over_with_consent(
    web_as: WebAs, case_a: Case, lead_a: Any, centre_b: Any
) -> None:
    ConsentFactory(client=case_a.client, purpose=Purpose.HANDOVER)
    response = web_as(lead_a).post(_url("cases:transfer", case_a), {"to_organisation": centre_b.pk})
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.organisation_id == centre_b.pk


def test_transfer_form_is_forbidden_for_a_counsellor(
    web_as: WebAs, case_a: Case, counsellor_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(
        _url("cases:transfer", case_a), {"to_organisation": centre_b.pk, "override_reason": "x"}
    )
    assert response.status_code == 403
    assert row_counts() == before


# The list and the dashboard -------------------------------------------------------------


def test_case_list_shows_only_the_users_centre(
    web_as: WebAs, case_a: Case, counsellor_a: Any, centre_b: Any
) -> None:
    b_case: Case = CaseFactory(client=ClientFactory(organisation=centre_b, name="Mohamed Diop"))
    web = web_as(counsellor_a)
    for params in ({}, {"status": "all"}, {"status": "intake"}, {"q": "Mohamed"}, {"mine": "1"}):
        response = web.get(reverse("cases:list"), params)
        assert response.status_code == 200
        cases = list(response.context["page"].object_list)
        assert b_case not in cases, params
        assert b_case.reference not in response.content.decode()
    assert case_a in web.get(reverse("cases:list"), {"q": "Mohamed"}).context["page"].object_list


def test_case_list_filters(web_as: WebAs, case_a: Case, counsellor_a: Any, client_a: Any) -> None:
    closed: Case = CaseFactory(client=client_a, status=CaseStatus.CLOSED)
    other: Case = CaseFactory(client=ClientFactory(organisation=client_a.organisation))
    web = web_as(counsellor_a)

    def listed(**params: str) -> set[Case]:
        return set(web.get(reverse("cases:list"), params).context["page"].object_list)

    assert listed() == {case_a, other}  # open by default
    assert listed(status="closed") == {closed}
    assert listed(status="all") == {case_a, other, closed}
    assert listed(mine="1") == {case_a}


def _queries(web: HttpClient, url: str) -> tuple[int, Any]:
    web.get(url)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _open_cases(n: int, centre: Any, counsellor: Any) -> None:
    for _ in range(n):
        CaseFactory(
            client=ClientFactory(organisation=centre),
            counsellor=counsellor,
            next_follow_up=timezone.localdate(),
        )


def test_case_list_query_count_does_not_grow_with_rows(
    web_as: WebAs, counsellor_a: Any, centre_a: Any
) -> None:
    web = web_as(counsellor_a)
    _open_cases(3, centre_a, counsellor_a)
    few, response = _queries(web, reverse("cases:list"))
    assert len(response.context["page"].object_list) == 3
    _open_cases(27, centre_a, counsellor_a)
    many, response = _queries(web, reverse("cases:list"))
    assert len(response.context["page"].object_list) == 25
    assert few == many


def test_dashboard_query_count_does_not_grow_with_rows(
    web_as: WebAs, counsellor_a: Any, centre_a: Any
) -> None:
    web = web_as(counsellor_a)
    _open_cases(3, centre_a, counsellor_a)
    few, response = _queries(web, reverse("core:dashboard"))
    assert response.context["dashboard"].my_open_count == 3
    assert len(response.context["dashboard"].follow_ups_due) == 3
    _open_cases(27, centre_a, counsellor_a)
    many, response = _queries(web, reverse("core:dashboard"))
    assert response.context["dashboard"].my_open_count == 30
    assert len(response.context["dashboard"].my_open_cases) == 10
    assert few == many


def test_dashboard_counts_only_the_users_centre(
    web_as: WebAs, counsellor_a: Any, centre_a: Any, centre_b: Any, counsellor_b: Any
) -> None:
    _open_cases(2, centre_a, counsellor_a)
    _open_cases(5, centre_b, counsellor_b)
    dashboard = web_as(counsellor_a).get(reverse("core:dashboard")).context["dashboard"]
    assert dashboard.by_status == {"intake": 2}
    assert dashboard.my_open_count == 2
    assert not Note.objects.exists()
