"""The consent pages: recording (every rule answers 400 with the message on the field) and
withdrawing from the client page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from perspektive.audit.models import AuditEvent
from perspektive.clients.models import Client
from perspektive.clients.tests.test_client_views import assert_field_error
from perspektive.consent.models import Consent, Purpose
from perspektive.consent.tests.factories import ConsentFactory
from perspektive.core.authz import Role
from perspektive.organisations.tests.factories import staff

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]
WebAs = Callable[[Any], HttpClient]


def _consent_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "purpose": "handover",
        "given_by": "self",
        "guardian_name": "",
        "method": "written",
        "witness_name": "",
        "notice_version": "1",
        "notice_language": "ar",
        "given_at": "",
        "sections": ["identity"],  # a handover consent names what may be shared
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _url(client: Client) -> str:
    return reverse("clients:consent_create", kwargs={"client_id": client.pk})


def test_consent_form_records_a_consent(web_as: WebAs, counsellor_a: Any, client_a: Client) -> None:
    response = web_as(counsellor_a).post(
        _url(client_a),
        _consent_post(method="oral_witnessed", witness_name="Leyla", given_at="2026-01-02T10:30"),
    )
    assert response.status_code == 302
    consent = Consent.objects.get(client=client_a)
    assert (consent.purpose, consent.witness_name) == ("handover", "Leyla")
    assert consent.given_at.date() == dt.date(2026, 1, 2)
    assert AuditEvent.objects.filter(object_type="consent.consent").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"method": "oral_witnessed"}, "witness_name"),
        ({"given_by": "guardian"}, "guardian_name"),
        ({"purpose": "referral"}, "partner"),
        ({"purpose": "counselling", "partner": "PARTNER"}, "partner"),
        ({"purpose": "referral", "partner": "FUNDER"}, "partner"),
        (
            {"given_at": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
            "given_at",
        ),
        ({"given_at": "yesterday"}, "given_at"),
        ({"purpose": "marketing"}, "purpose"),
        ({"method": "smoke-signal"}, "method"),
        ({"given_by": "neighbour"}, "given_by"),
        ({"notice_version": ""}, "notice_version"),
        ({"notice_language": "tlh"}, "notice_language"),
    ],
    ids=[
        "oral-no-witness",
        "guardian-no-name",
        "referral-no-partner",
        "partner-on-non-referral",
        "funder-as-partner",
        "future",
        "unparsable-date",
        "unknown-purpose",
        "unknown-method",
        "unknown-giver",
        "no-notice-version",
        "unknown-language",
    ],
)
def test_consent_form_refuses_bad_input_and_records_nothing(
    web_as: WebAs,
    counsellor_a: Any,
    client_a: Client,
    partner_org: Any,
    funder: Any,
    row_counts: Counts,
    overrides: dict[str, Any],
    field: str,
) -> None:
    if overrides.get("partner") == "PARTNER":
        overrides["partner"] = partner_org.pk
    elif overrides.get("partner") == "FUNDER":
        overrides["partner"] = funder.pk
    before = row_counts()
    response = web_as(counsellor_a).post(_url(client_a), _consent_post(**overrides))
    assert_field_error(response, field)
    assert row_counts() == before


def test_consent_form_refuses_a_second_consent_for_the_same_purpose(
    web_as: WebAs, counsellor_a: Any, client_a: Client, row_counts: Counts
) -> None:
    ConsentFactory(client=client_a, purpose=Purpose.HANDOVER)
    before = row_counts()
    response = web_as(counsellor_a).post(_url(client_a), _consent_post())
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert errors
    assert errors[0] in response.content.decode()
    assert row_counts() == before


def test_consent_form_outside_the_scope_is_not_found(
    web_as: WebAs, counsellor_b: Any, client_a: Client, row_counts: Counts
) -> None:
    before = row_counts()
    assert web_as(counsellor_b).post(_url(client_a), _consent_post()).status_code == 404
    assert row_counts() == before


def test_a_scout_may_see_the_client_but_not_record_consent(
    web_as: WebAs, client_a: Client, centre_a: Any, row_counts: Counts
) -> None:
    scout = staff(centre_a, Role.SCOUT)
    before = row_counts()
    assert web_as(scout).post(_url(client_a), _consent_post()).status_code == 403
    assert row_counts() == before


# Withdrawing ----------------------------------------------------------------------------


def _withdraw_url(consent: Consent) -> str:
    return reverse("clients:consent_withdraw", kwargs={"consent_id": consent.pk})


def test_withdraw_from_the_client_page(web_as: WebAs, counsellor_a: Any, client_a: Client) -> None:
    consent: Consent = ConsentFactory(client=client_a)
    response = web_as(counsellor_a).post(_withdraw_url(consent), {"note": "by phone"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_note == "by phone"


def test_withdraw_with_a_too_long_note_answers_400_and_changes_nothing(
    web_as: WebAs, counsellor_a: Any, client_a: Client, row_counts: Counts
) -> None:
    consent: Consent = ConsentFactory(client=client_a)
    before = row_counts()
    response = web_as(counsellor_a).post(_withdraw_url(consent), {"note": "x" * 501})
    assert response.status_code == 400
    assert "500" in response.content.decode()
    consent.refresh_from_db()
    assert consent.is_active
    assert row_counts() == before


def test_withdrawing_twice_from_the_page_says_so_and_changes_nothing(
    web_as: WebAs, counsellor_a: Any, client_a: Client, row_counts: Counts
) -> None:
    consent: Consent = ConsentFactory(
        client=client_a, withdrawn_at=timezone.now(), withdrawal_note="first"
    )
    before = row_counts()
    response = web_as(counsellor_a).post(_withdraw_url(consent), {"note": "second"})
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("already been withdrawn" in m for m in shown), shown
    consent.refresh_from_db()
    assert consent.withdrawal_note == "first"
    assert row_counts() == before


def test_withdraw_by_a_role_without_the_right_is_forbidden(
    web_as: WebAs, client_a: Client, centre_a: Any, row_counts: Counts
) -> None:
    scout = staff(centre_a, Role.SCOUT)
    consent: Consent = ConsentFactory(client=client_a)
    before = row_counts()
    assert web_as(scout).post(_withdraw_url(consent), {"note": "x" * 501}).status_code == 403
    assert row_counts() == before


def test_withdraw_outside_the_scope_is_not_found(
    web_as: WebAs, counsellor_b: Any, client_a: Client, row_counts: Counts
) -> None:
    consent: Consent = ConsentFactory(client=client_a)
    before = row_counts()
    assert web_as(counsellor_b).post(_withdraw_url(consent), {}).status_code == 404
    assert row_counts() == before


def test_a_client_withdraws_their_own_consent_from_the_page(
    web_as: WebAs, client_user: Any
) -> None:
    consent: Consent = ConsentFactory(client=Client.objects.get(user=client_user))
    response = web_as(client_user).post(_withdraw_url(consent), {"note": ""})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_by == client_user
