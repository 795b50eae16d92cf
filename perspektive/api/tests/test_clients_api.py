"""/api/v1/clients: scoped lists, details with special-category data only for permitted
roles, registration with the duplicate check, changes, and bad input (422/404, nothing
written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from perspektive.api.tests.openapi import check_response, load_spec
from perspektive.audit.models import AuditEvent
from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

ApiAs = Callable[[Any], HttpClient]
Counts = Callable[[], dict[str, int]]
JSON = "application/json"

HEALTH = "Tuberculosis, treatment completed"
MIGRATION = "Rejected asylum claim"


def _ids(response: Any) -> set[int]:
    return {item["id"] for item in response.json()["items"]}


# Lists ----------------------------------------------------------------------------------


def test_client_list_never_includes_another_centres_clients(
    api_as: ApiAs, counsellor_a: Any, client_a: Client, centre_b: Any
) -> None:
    foreign: Client = ClientFactory(
        organisation=centre_b, name="Mohamed Sarr", birth_date=client_a.birth_date
    )
    api = api_as(counsellor_a)
    queries = [
        "",
        "?q=Mohamed",
        "?q=محمد",
        f"?q={foreign.reference}",
        f"?birth_year={client_a.birth_date:%Y}",
        f"?birth_date={client_a.birth_date}",
        "?page_size=100",
    ]
    for query in queries:
        response = api.get(f"/api/v1/clients{query}")
        assert response.status_code == 200, query
        assert foreign.pk not in _ids(response), query
        assert "Sarr" not in response.content.decode()
    assert _ids(api.get("/api/v1/clients?q=Mohamed")) == {client_a.pk}


def test_client_list_search_pages_and_totals(
    api_as: ApiAs, counsellor_a: Any, centre_a: Any
) -> None:
    ClientFactory.create_batch(7, organisation=centre_a)
    api = api_as(counsellor_a)
    first = api.get("/api/v1/clients?page_size=5").json()
    second = api.get("/api/v1/clients?page_size=5&page=2").json()
    beyond = api.get("/api/v1/clients?page_size=5&page=9").json()
    assert (first["page"], first["pages"], first["total"], len(first["items"])) == (1, 2, 7, 5)
    assert (second["page"], len(second["items"])) == (2, 2)
    assert beyond["page"] == 2
    assert first["capped"] is False


@pytest.mark.parametrize(
    "query",
    [
        "?page=0",
        "?page=-1",
        "?page=x",
        "?page_size=0",
        "?page_size=101",
        "?birth_year=1800",
        "?birth_year=abc",
        "?birth_date=1990-02-30",
        "?birth_date=yesterday",
    ],
)
def test_client_list_refuses_bad_parameters_with_422(
    api_as: ApiAs, counsellor_a: Any, client_a: Client, row_counts: Counts, query: str
) -> None:
    api = api_as(counsellor_a)
    before = row_counts()
    response = api.get(f"/api/v1/clients{query}")
    assert response.status_code == 422
    assert response.json()["detail"]
    assert row_counts() == before


def _list_queries(api: HttpClient, url: str) -> int:
    api.get(url)  # warm up: the token's last use is recorded once
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/api/v1/clients", "/api/v1/clients?q=Person"])
def test_client_list_query_count_does_not_grow_with_rows(
    api_as: ApiAs, counsellor_a: Any, centre_a: Any, url: str
) -> None:
    api = api_as(counsellor_a)
    ClientFactory.create_batch(3, organisation=centre_a)
    few = _list_queries(api, url)
    ClientFactory.create_batch(27, organisation=centre_a)
    many = _list_queries(api, url)
    assert len(api.get(url).json()["items"]) == 25
    assert few == many


# Detail and special-category data -------------------------------------------------------


@pytest.fixture
def sensitive_client(return_office: Any, centre_a: Any, counsellor_a: Any) -> Client:
    client: Client = ClientFactory(
        organisation=return_office,
        name="Ousmane Ba",
        health_notes=HEALTH,
        migration_status=MIGRATION,
    )
    CaseFactory(client=client, organisation=centre_a, counsellor=counsellor_a)
    return client


def test_client_detail_gives_special_data_to_the_centre(
    api_as: ApiAs, counsellor_a: Any, sensitive_client: Client
) -> None:
    response = api_as(counsellor_a).get(f"/api/v1/clients/{sensitive_client.pk}")
    assert response.status_code == 200
    assert response.json()["special"] == {
        "health_notes": HEALTH,
        "psychosocial_notes": None,
        "migration_status": MIGRATION,
    }


def test_client_detail_hides_special_data_from_the_return_counsellor(
    api_as: ApiAs, return_counsellor: Any, sensitive_client: Client
) -> None:
    response = api_as(return_counsellor).get(f"/api/v1/clients/{sensitive_client.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == sensitive_client.name
    assert body["special"] is None
    text = response.content.decode()
    assert HEALTH not in text
    assert MIGRATION not in text


@pytest.mark.parametrize("who", ["partner_staff", "counsellor_b", "programme_manager", "operator"])
def test_client_detail_is_not_found_outside_the_scope(
    api_as: ApiAs, sensitive_client: Client, request: pytest.FixtureRequest, who: str
) -> None:
    response = api_as(request.getfixturevalue(who)).get(f"/api/v1/clients/{sensitive_client.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert HEALTH not in response.content.decode()


def test_return_counsellor_may_not_write_special_data(
    api_as: ApiAs, return_counsellor: Any, sensitive_client: Client, row_counts: Counts
) -> None:
    before = row_counts()
    response = api_as(return_counsellor).patch(
        f"/api/v1/clients/{sensitive_client.pk}", {"health_notes": "changed"}, content_type=JSON
    )
    assert response.status_code == 403
    assert row_counts() == before
    sensitive_client.refresh_from_db()
    assert sensitive_client.health_notes == HEALTH


# Registering ----------------------------------------------------------------------------


def _new(centre: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "organisation_id": centre.pk,
        "name": "Bilal Rahimi",
        "birth_date": "1994-04-04",
        "target_group": "returnee_germany",
        "phone": "+93701234567",
        "languages": ["fa", "ps"],
        "household_size": 5,
        "children_count": 3,
        **overrides,
    }


def test_client_create_registers_and_answers_201(
    api_as: ApiAs, counsellor_a: Any, centre_a: Any
) -> None:
    response = api_as(counsellor_a).post(
        "/api/v1/clients", _new(centre_a, health_notes=HEALTH), content_type=JSON
    )
    assert response.status_code == 201
    body = response.json()
    client = Client.objects.get(pk=body["id"])
    assert body["reference"] == client.reference
    assert body["phone"] == "+93701234567"
    assert body["special"]["health_notes"] == HEALTH
    assert client.health_notes == HEALTH
    assert AuditEvent.objects.get().action == "create"


def test_client_create_answers_409_with_candidates_then_201_when_confirmed(
    api_as: ApiAs, counsellor_a: Any, centre_a: Any, client_a: Client, row_counts: Counts
) -> None:
    api = api_as(counsellor_a)
    data = _new(centre_a, name="Mohammed Al Jubouri", birth_date="1990-05-17")
    before = row_counts()

    response = api.post("/api/v1/clients", data, content_type=JSON)

    assert response.status_code == 409
    body = response.json()
    assert "confirm_not_duplicate" in body["detail"]
    assert [c["id"] for c in body["candidates"]] == [client_a.pk]
    candidate = body["candidates"][0]
    assert candidate["reference"] == client_a.reference
    assert "same_birth_date" in candidate["reasons"]
    assert 75 <= candidate["score"] <= 100
    check_response(load_spec(), "post", "/api/v1/clients", response)
    assert row_counts() == before

    response = api.post(
        "/api/v1/clients", {**data, "confirm_not_duplicate": True}, content_type=JSON
    )
    assert response.status_code == 201
    assert Client.objects.count() == before["Client"] + 1


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

BAD_CLIENTS = [
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"birth_date": TOMORROW}, "birth_date"),
    ({"birth_date": "1850-01-01"}, "birth_date"),
    ({"birth_date": "1990-02-30"}, "birth_date"),
    ({"household_size": 3, "children_count": 3}, "children_count"),
    ({"household_size": 0, "children_count": None}, "household_size"),
    ({"household_size": -1, "children_count": None}, "household_size"),
    ({"phone": "0701234567"}, "phone"),
    ({"email": "bilal@"}, "email"),
    ({"target_group": "tourist"}, "target_group"),
    ({"target_group": None}, "target_group"),
    ({"sex": "robot"}, "sex"),
    ({"nationality": "XX"}, "nationality"),
    ({"languages": "fa"}, "languages"),
    ({"confirm_not_duplicate": "perhaps"}, "confirm_not_duplicate"),
]
BAD_IDS = [
    "empty-name",
    "null-name",
    "long-name",
    "future-birth",
    "birth-1850",
    "impossible-date",
    "children",
    "household-zero",
    "household-negative",
    "phone-not-e164",
    "email",
    "target-group",
    "no-target-group",
    "sex",
    "nationality",
    "languages-not-a-list",
    "confirm-not-bool",
]


@pytest.mark.parametrize(("overrides", "field"), BAD_CLIENTS, ids=BAD_IDS)
def test_client_create_refuses_bad_input_with_422_and_writes_nothing(
    api_as: ApiAs,
    counsellor_a: Any,
    centre_a: Any,
    row_counts: Counts,
    overrides: dict[str, Any],
    field: str,
) -> None:
    data = _new(centre_a, **{"confirm_not_duplicate": True, **overrides})
    before = row_counts()
    response = api_as(counsellor_a).post("/api/v1/clients", data, content_type=JSON)
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    check_response(load_spec(), "post", "/api/v1/clients", response)
    assert row_counts() == before


def test_client_create_at_an_unknown_organisation_is_404(
    api_as: ApiAs, counsellor_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    response = api_as(counsellor_a).post(
        "/api/v1/clients",
        {"organisation_id": 999_999, "name": "X", "target_group": "local"},
        content_type=JSON,
    )
    assert response.status_code == 404
    assert row_counts() == before


def test_client_create_at_another_centre_is_refused(
    api_as: ApiAs, counsellor_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    response = api_as(counsellor_a).post(
        "/api/v1/clients", _new(centre_b, confirm_not_duplicate=True), content_type=JSON
    )
    assert response.status_code == 403
    assert row_counts() == before


def test_client_create_refuses_malformed_json(
    api_as: ApiAs, counsellor_a: Any, row_counts: Counts
) -> None:
    before = row_counts()
    response = api_as(counsellor_a).post("/api/v1/clients", "{not json", content_type=JSON)
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert row_counts() == before


# Changing -------------------------------------------------------------------------------


def test_client_update_changes_only_what_was_sent(
    api_as: ApiAs, counsellor_a: Any, client_a: Client
) -> None:
    response = api_as(counsellor_a).patch(
        f"/api/v1/clients/{client_a.pk}", {"email": "new@example.org"}, content_type=JSON
    )
    assert response.status_code == 200
    client_a.refresh_from_db()
    assert client_a.email == "new@example.org"
    assert client_a.name == "محمد الجبوري"
    assert AuditEvent.objects.get().detail == {"fields": ["email"]}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"birth_date": TOMORROW}, "birth_date"),
        ({"household_size": 2, "children_count": 2}, "children_count"),
        ({"household_size": 99}, "household_size"),
        ({"phone": "12345"}, "phone"),
        ({"target_group": "tourist"}, "target_group"),
        ({"sex": "robot"}, "sex"),
        ({"languages": None}, "languages"),
        ({"birth_date": "not a date"}, "birth_date"),
    ],
    ids=[
        "empty-name",
        "null-name",
        "future-birth",
        "children",
        "household-too-big",
        "phone",
        "target-group",
        "sex",
        "null-languages",
        "unparsable-date",
    ],
)
def test_client_update_refuses_bad_input_with_422_and_writes_nothing(
    api_as: ApiAs,
    counsellor_a: Any,
    client_a: Client,
    row_counts: Counts,
    changes: dict[str, Any],
    field: str,
) -> None:
    before = row_counts()
    response = api_as(counsellor_a).patch(
        f"/api/v1/clients/{client_a.pk}", changes, content_type=JSON
    )
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert row_counts() == before
    stored = Client.objects.get(pk=client_a.pk)
    assert (stored.name, stored.birth_date, stored.household_size, stored.languages) == (
        client_a.name,
        client_a.birth_date,
        client_a.household_size,
        client_a.languages,
    )


def test_client_update_outside_the_scope_is_404(
    api_as: ApiAs, counsellor_b: Any, client_a: Client, row_counts: Counts
) -> None:
    before = row_counts()
    for client_id in (client_a.pk, 999_999):
        response = api_as(counsellor_b).patch(
            f"/api/v1/clients/{client_id}", {"name": "Changed"}, content_type=JSON
        )
        assert response.status_code == 404
    assert row_counts() == before


@pytest.mark.parametrize("path", ["999999", "0", "abc", "1.5", "-1"])
def test_client_detail_of_an_unknown_or_malformed_id_is_404_and_not_audited(
    api_as: ApiAs, counsellor_a: Any, client_a: Client, path: str
) -> None:
    response = api_as(counsellor_a).get(f"/api/v1/clients/{path}")
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()
