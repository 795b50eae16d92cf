"""The holder tokens in search_keys must say exactly what the scope rule says."""

from __future__ import annotations

from typing import Any

import pytest

from perspektive.cases import services as case_services
from perspektive.cases.models import Case
from perspektive.clients.models import Client
from perspektive.clients.policy import clients_for_search, clients_visible_to
from perspektive.clients.search_keys import holder_ids
from perspektive.clients.selectors import client_search
from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.models import Consent, Method, Purpose
from perspektive.core.authz import Role
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, staff

pytestmark = pytest.mark.django_db


def _assert_tokens_match_the_rule() -> None:
    for client in Client.objects.all():
        expected = {client.organisation_id} | set(
            Case.objects.filter(client=client).values_list("organisation_id", flat=True)
        )
        assert holder_ids(client.search_keys) == expected, client.name


def test_search_finds_a_client_at_every_organisation_that_holds_them(
    centre_a: Any, centre_b: Any, lead_a: Any, counsellor_b: Any
) -> None:
    office = OrganisationFactory(
        name="Office Bochum", slug="bochum", kind=OrganisationKind.RETURN_OFFICE, country_id="DE"
    )
    keller = staff(office, Role.RETURN_COUNSELLOR, name="Keller")
    samir = ClientFactory(organisation=office, name="سمير الجبوري", name_latin="Sameer")
    assert client_search(user=keller, query="Samir").total == 1
    assert client_search(user=lead_a, query="Samir").total == 0

    case = case_services.case_open(actor=keller, client_id=samir.pk, organisation=office)
    Consent.objects.create(
        client=samir,
        purpose=Purpose.HANDOVER,
        method=Method.WRITTEN,
        notice_version="3",
        notice_language="ar",
        given_at="2026-01-01T00:00:00Z",
    )
    lead_office = staff(office, Role.CENTRE_LEAD, name="Lead Bochum")
    case_services.case_transfer(actor=lead_office, case_id=case.pk, to_organisation=centre_a)
    _assert_tokens_match_the_rule()
    assert client_search(user=lead_a, query="Samir").total == 1  # the centre now holds him
    assert client_search(user=keller, query="Samir").total == 1  # the office registered him
    assert client_search(user=counsellor_b, query="Samir").total == 0


def test_the_token_scope_equals_the_rule_for_every_persona(
    centre_a: Any,
    centre_b: Any,
    counsellor_a: Any,
    counsellor_b: Any,
    lead_a: Any,
    partner_staff: Any,
    client_user: Any,
    programme_manager: Any,
    operator: Any,
) -> None:
    for i in range(6):
        client = ClientFactory(organisation=centre_a if i % 2 else centre_b, name=f"Person {i}")
        if i % 3 == 0:
            case_services.case_open(
                actor=lead_a
                if client.organisation == centre_a
                else staff(centre_b, Role.CENTRE_LEAD),
                client_id=client.pk,
                organisation=client.organisation,
            )
    _assert_tokens_match_the_rule()
    for user in (
        counsellor_a,
        counsellor_b,
        lead_a,
        partner_staff,
        client_user,
        programme_manager,
        operator,
    ):
        assert set(clients_for_search(user)) == set(clients_visible_to(user)), user.name
