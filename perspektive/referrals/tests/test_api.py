"""Handovers through the JSON API: the same rules as the pages, responses per the document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from perspektive.api.tests.openapi import check_response, load_spec
from perspektive.clients.models import Client
from perspektive.referrals.models import Handover
from perspektive.referrals.tests.factories import handover_consent, sent_handover

pytestmark = pytest.mark.django_db

ApiAs = Callable[[Any], HttpClient]


def _departure() -> str:
    return (timezone.localdate() + dt.timedelta(days=30)).isoformat()


def test_the_office_creates_and_sends_and_the_centre_accepts_through_the_api(
    api_as: ApiAs, samir: Client, return_counsellor: Any, centre_a: Any, counsellor_a: Any
) -> None:
    spec = load_spec()
    office = api_as(return_counsellor)
    response = office.post(
        "/api/v1/handovers",
        {
            "client_id": samir.pk,
            "to_centre_id": centre_a.pk,
            "planned_departure": _departure(),
            "sections": ["contact", "health"],
            "needs_summary": "Insulin supply on arrival",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    check_response(spec, "post", "/api/v1/handovers", response)
    created = response.json()
    assert created["status"] == "draft" and created["client_id"] == samir.pk
    assert created["sections"] == ["identity", "contact", "health"]
    status = f"/api/v1/handovers/{created['id']}/status"

    refused = office.post(status, {"to_status": "sent"}, content_type="application/json")
    assert refused.status_code == 409 and "not consented" in refused.json()["detail"]
    check_response(spec, "post", "/api/v1/handovers/{handover_id}/status", refused)

    handover_consent(samir, sections=["identity", "contact", "health"])
    sent = office.post(status, {"to_status": "sent"}, content_type="application/json")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"

    centre = api_as(counsellor_a)
    seen = centre.get(f"/api/v1/handovers/{created['id']}")
    check_response(spec, "get", "/api/v1/handovers/{handover_id}", seen)
    body = seen.json()
    assert body["side"] == ["receiver"] and body["client_id"] is None
    assert body["allowed_next"] == ["accepted", "declined"]
    assert body["shared"]["name"] == samir.name
    assert body["shared"]["health_notes"] == "Diabetes type 2, needs insulin"
    assert body["shared"]["psychosocial_notes"] is None and body["shared"]["job_profile"] is None
    assert body["needs_summary"] is None  # the needs section was not shared

    accepted = centre.post(
        status,
        {"to_status": "accepted", "counsellor_id": counsellor_a.pk},
        content_type="application/json",
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["case_id"] == Handover.objects.get().case_id

    after = office.get(f"/api/v1/handovers/{created['id']}").json()
    assert after["status"] == "accepted" and after["case_id"] is None
    assert after["centre_client_id"] is None and after["shared"] is None
    assert [e["to_status"] for e in after["events"]] == ["draft", "sent", "accepted"]


def test_other_centres_and_offices_get_404(
    api_as: ApiAs,
    samir: Client,
    return_counsellor: Any,
    centre_a: Any,
    counsellor_b: Any,
    other_office_counsellor: Any,
) -> None:
    handover = sent_handover(samir, centre_a, return_counsellor)
    for outsider in (counsellor_b, other_office_counsellor):
        api = api_as(outsider)
        assert api.get(f"/api/v1/handovers/{handover.pk}").status_code == 404
        response = api.post(
            f"/api/v1/handovers/{handover.pk}/status",
            {"to_status": "cancelled"},
            content_type="application/json",
        )
        assert response.status_code == 404
        assert api.get("/api/v1/handovers").json()["total"] == 0
        response = api.post(
            "/api/v1/handovers",
            {"client_id": samir.pk, "to_centre_id": centre_a.pk, "planned_departure": _departure()},
            content_type="application/json",
        )
        assert response.status_code == 404
    handover.refresh_from_db()
    assert handover.status == "sent"


def test_a_withdrawn_consent_hides_the_shared_data_from_the_api(
    api_as: ApiAs, samir: Client, return_counsellor: Any, centre_a: Any, counsellor_a: Any
) -> None:
    from perspektive.consent.services import consent_withdraw

    handover = sent_handover(samir, centre_a, return_counsellor)
    consent_withdraw(actor=return_counsellor, consent_id=handover.consent_id)
    body = api_as(counsellor_a).get(f"/api/v1/handovers/{handover.pk}").json()
    assert body["status"] == "sent" and body["shared"] is None and body["consent_missing"]
    assert samir.name not in str(body)
