"""/api/v1/cases: scoped lists, authorization inside the centre, opening, editing, status
changes, and bad input (422/409/404, nothing written)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from perspektive.api.tests.openapi import check_response, load_spec
from perspektive.audit.models import AuditEvent
from perspektive.cases.models import Case, CaseStatus, CaseStatusChange
from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

ApiAs = Callable[[Any], HttpClient]
Counts = Callable[[], dict[str, int]]
JSON = "application/json"


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


# Lists ----------------------------------------------------------------------------------


def test_case_list_never_includes_another_centres_cases(
    api_as: ApiAs, counsellor_a: Any, case_a: Case, centre_b: Any
) -> None:
    foreign: Case = CaseFactory(client=ClientFactory(organisation=centre_b, name="Mohamed Faye"))
    api = api_as(counsellor_a)
    for query in ("", "?status=open", "?status=intake", "?q=Mohamed", "?page_size=100"):
        response = api.get(f"/api/v1/cases{query}")
        assert foreign.pk not in _ids(response), query
        assert "Faye" not in response.content.decode()
    assert _ids(api.get("/api/v1/cases?q=Mohamed")) == {case_a.pk}


def test_case_list_filters_by_status_and_assignment(
    api_as: ApiAs, counsellor_a: Any, case_a: Case, client_a: Any
) -> None:
    closed: Case = CaseFactory(client=client_a, status=CaseStatus.CLOSED)
    other: Case = CaseFactory(client=ClientFactory(organisation=client_a.organisation))
    api = api_as(counsellor_a)
    assert _ids(api.get("/api/v1/cases")) == {case_a.pk, closed.pk, other.pk}
    assert _ids(api.get("/api/v1/cases?status=open")) == {case_a.pk, other.pk}
    assert _ids(api.get("/api/v1/cases?status=closed")) == {closed.pk}
    assert _ids(api.get("/api/v1/cases?mine=true")) == {case_a.pk}


@pytest.mark.parametrize(
    "query",
    ["?page=0", "?page_size=101", "?page_size=0", "?mine=perhaps", "?status=closd", "?status=all!"],
)
def test_case_list_refuses_bad_parameters_with_422(
    api_as: ApiAs, counsellor_a: Any, case_a: Case, query: str
) -> None:
    response = api_as(counsellor_a).get(f"/api/v1/cases{query}")
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


def test_case_list_query_count_does_not_grow_with_rows(
    api_as: ApiAs, counsellor_a: Any, centre_a: Any
) -> None:
    api = api_as(counsellor_a)

    def queries() -> int:
        api.get("/api/v1/cases")  # warm up
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/cases")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        CaseFactory(client=ClientFactory(organisation=centre_a), counsellor=counsellor_a)
    few = queries()
    for _ in range(27):
        CaseFactory(client=ClientFactory(organisation=centre_a), counsellor=counsellor_a)
    many = queries()
    assert len(api.get("/api/v1/cases").json()["items"]) == 25
    assert few == many


# Detail and authorization inside the centre ---------------------------------------------


def test_case_detail_shows_the_case_and_what_comes_next(
    api_as: ApiAs, colleague_a: Any, case_a: Case
) -> None:
    response = api_as(colleague_a).get(f"/api/v1/cases/{case_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["reference"], body["status"], body["allowed_next"]) == (
        case_a.reference,
        "intake",
        ["assessment", "closed"],
    )
    assert body["counsellor_id"] == case_a.counsellor_id
    check_response(load_spec(), "get", "/api/v1/cases/{case_id}", response)


def test_an_unassigned_colleague_may_read_but_not_change_the_case(
    api_as: ApiAs, colleague_a: Any, case_a: Case, row_counts: Counts
) -> None:
    api = api_as(colleague_a)
    before = row_counts()
    status = api.post(
        f"/api/v1/cases/{case_a.pk}/status", {"to_status": "assessment"}, content_type=JSON
    )
    update = api.patch(
        f"/api/v1/cases/{case_a.pk}", {"next_follow_up": "2030-01-01"}, content_type=JSON
    )
    assert (status.status_code, update.status_code) == (403, 403)
    assert status.json() == {"detail": "Not allowed for your role."}
    assert row_counts() == before


def test_the_lead_may_change_the_status(api_as: ApiAs, lead_a: Any, case_a: Case) -> None:
    response = api_as(lead_a).post(
        f"/api/v1/cases/{case_a.pk}/status", {"to_status": "assessment"}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["status"] == "assessment"
    assert response.json()["allowed_next"] == ["intake", "planning", "closed"]
    check_response(load_spec(), "post", "/api/v1/cases/{case_id}/status", response)


def test_a_counsellor_of_another_centre_gets_404(
    api_as: ApiAs, counsellor_b: Any, case_a: Case, row_counts: Counts
) -> None:
    api = api_as(counsellor_b)
    before = row_counts()
    responses = [
        api.get(f"/api/v1/cases/{case_a.pk}"),
        api.patch(f"/api/v1/cases/{case_a.pk}", {"return_date": None}, content_type=JSON),
        api.post(
            f"/api/v1/cases/{case_a.pk}/status",
            {"to_status": "closed", "reason": "x"},
            content_type=JSON,
        ),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert row_counts() == before


# Status changes -------------------------------------------------------------------------


def test_status_change_records_the_change(api_as: ApiAs, counsellor_a: Any, case_a: Case) -> None:
    response = api_as(counsellor_a).post(
        f"/api/v1/cases/{case_a.pk}/status",
        {"to_status": "closed", "reason": "Emigrated again"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["allowed_next"] == ["assessment"]
    change = CaseStatusChange.objects.get(case=case_a)
    assert (change.to_status, change.reason) == ("closed", "Emigrated again")
    assert AuditEvent.objects.get().action == "status"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"to_status": "bogus"}, 409),
        ({"to_status": "implementation"}, 409),
        ({"to_status": "intake"}, 409),
        ({"to_status": "closed"}, 422),
        ({"to_status": "closed", "reason": "   "}, 422),
        ({}, 422),
        ({"to_status": 3}, 422),
    ],
    ids=["unknown", "skipping", "same", "close-no-reason", "close-blank-reason", "empty", "int"],
)
def test_status_change_refuses_bad_input_and_writes_nothing(
    api_as: ApiAs,
    counsellor_a: Any,
    case_a: Case,
    row_counts: Counts,
    body: dict[str, Any],
    status: int,
) -> None:
    before = row_counts()
    response = api_as(counsellor_a).post(
        f"/api/v1/cases/{case_a.pk}/status", body, content_type=JSON
    )
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    check_response(load_spec(), "post", "/api/v1/cases/{case_id}/status", response)
    assert row_counts() == before
    case_a.refresh_from_db()
    assert case_a.status == CaseStatus.INTAKE


def test_reopen_while_another_case_is_open_answers_409(
    api_as: ApiAs, counsellor_a: Any, client_a: Any, row_counts: Counts
) -> None:
    closed: Case = CaseFactory(client=client_a, counsellor=counsellor_a, status=CaseStatus.CLOSED)
    CaseFactory(client=client_a, counsellor=counsellor_a)
    before = row_counts()
    response = api_as(counsellor_a).post(
        f"/api/v1/cases/{closed.pk}/status",
        {"to_status": "assessment", "reason": "back"},
        content_type=JSON,
    )
    assert response.status_code == 409
    assert row_counts() == before


# Opening --------------------------------------------------------------------------------


def test_case_create_opens_a_case(
    api_as: ApiAs, counsellor_a: Any, colleague_a: Any, client_a: Any, centre_a: Any
) -> None:
    response = api_as(counsellor_a).post(
        "/api/v1/cases",
        {
            "client_id": client_a.pk,
            "organisation_id": centre_a.pk,
            "counsellor_id": colleague_a.pk,
            "vulnerabilities": ["single_parent"],
            "return_date": "2025-12-01",
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.counsellor, case.vulnerabilities) == (colleague_a, ["single_parent"])


@pytest.mark.parametrize(
    ("body", "status", "word"),
    [
        ({"counsellor_id": "B"}, 422, "counsellor"),
        ({"counsellor_id": 999_999}, 422, "counsellor"),
        ({"vulnerabilities": ["dragon"]}, 422, "vulnerabilities"),
        ({"vulnerabilities": "minor"}, 422, "vulnerabilities"),
        ({"return_date": "2025-02-30"}, 422, "return_date"),
        ({"client_id": "B-CLIENT"}, 404, "Not found"),
        ({"client_id": 999_999}, 404, "Not found"),
        ({"organisation_id": 999_999}, 404, "Not found"),
        ({"organisation_id": "B-CENTRE"}, 403, "Not allowed"),
        ({"client_id": None}, 422, "client_id"),
    ],
    ids=[
        "counsellor-of-another-centre",
        "unknown-counsellor",
        "unknown-vulnerability",
        "vulnerabilities-not-a-list",
        "impossible-date",
        "client-of-another-centre",
        "unknown-client",
        "unknown-organisation",
        "foreign-organisation",
        "no-client",
    ],
)
def test_case_create_refuses_bad_input_and_writes_nothing(
    api_as: ApiAs,
    counsellor_a: Any,
    counsellor_b: Any,
    client_a: Any,
    centre_a: Any,
    centre_b: Any,
    row_counts: Counts,
    body: dict[str, Any],
    status: int,
    word: str,
) -> None:
    foreign: Client = ClientFactory(organisation=centre_b)
    named = {
        "B": counsellor_b.pk,
        "B-CLIENT": foreign.pk,
        "B-CENTRE": centre_b.pk,
    }
    data = {"client_id": client_a.pk, "organisation_id": centre_a.pk, **body}
    data = {k: named.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
    before = row_counts()
    response = api_as(counsellor_a).post("/api/v1/cases", data, content_type=JSON)
    assert response.status_code == status, response.content
    assert word in response.content.decode()
    check_response(load_spec(), "post", "/api/v1/cases", response)
    assert row_counts() == before


def test_case_create_refuses_a_second_open_case_with_409(
    api_as: ApiAs, counsellor_a: Any, case_a: Case, row_counts: Counts
) -> None:
    before = row_counts()
    response = api_as(counsellor_a).post(
        "/api/v1/cases",
        {"client_id": case_a.client_id, "organisation_id": case_a.organisation_id},
        content_type=JSON,
    )
    assert response.status_code == 409
    assert row_counts() == before


# Editing --------------------------------------------------------------------------------


def test_case_update_changes_what_was_sent(
    api_as: ApiAs, counsellor_a: Any, colleague_a: Any, case_a: Case
) -> None:
    response = api_as(counsellor_a).patch(
        f"/api/v1/cases/{case_a.pk}",
        {"counsellor_id": colleague_a.pk, "vulnerabilities": ["elderly"]},
        content_type=JSON,
    )
    assert response.status_code == 200
    case_a.refresh_from_db()
    assert (case_a.counsellor, case_a.vulnerabilities) == (colleague_a, ["elderly"])
    assert AuditEvent.objects.get().detail["fields"] == ["counsellor", "vulnerabilities"]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"counsellor_id": "B"}, "counsellor"),
        ({"counsellor_id": 999_999}, "counsellor"),
        ({"vulnerabilities": ["dragon"]}, "vulnerabilities"),
        ({"next_follow_up": "next week"}, "next_follow_up"),
        ({"return_date": 20250101}, "return_date"),
    ],
    ids=["counsellor-of-another-centre", "unknown-counsellor", "vulnerability", "date", "int-date"],
)
def test_case_update_refuses_bad_input_with_422_and_writes_nothing(
    api_as: ApiAs,
    counsellor_a: Any,
    counsellor_b: Any,
    case_a: Case,
    row_counts: Counts,
    body: dict[str, Any],
    word: str,
) -> None:
    data = {k: (counsellor_b.pk if v == "B" else v) for k, v in body.items()}
    before = row_counts()
    response = api_as(counsellor_a).patch(f"/api/v1/cases/{case_a.pk}", data, content_type=JSON)
    assert response.status_code == 422, response.content
    assert word in response.content.decode()
    assert row_counts() == before
    stored = Case.objects.get(pk=case_a.pk)
    assert (stored.counsellor_id, stored.vulnerabilities, stored.next_follow_up) == (
        case_a.counsellor_id,
        case_a.vulnerabilities,
        None,
    )


@pytest.mark.parametrize("path", ["999999", "0", "abc", "1.5", "-1"])
def test_case_detail_of_an_unknown_or_malformed_id_is_404_and_not_audited(
    api_as: ApiAs, counsellor_a: Any, case_a: Case, path: str
) -> None:
    response = api_as(counsellor_a).get(f"/api/v1/cases/{path}")
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()
