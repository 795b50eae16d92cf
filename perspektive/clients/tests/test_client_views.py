"""The client pages: registering (with the duplicate warning), editing, the detail page's
special-category section, the scoped list, and the query count of the list."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from perspektive.audit.models import AuditEvent
from perspektive.cases.tests.factories import CaseFactory
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]
WebAs = Callable[[Any], HttpClient]

HEALTH = "Hepatitis B, under treatment"
MIGRATION = "Asylum refused, Duldung"


def assert_field_error(response: Any, field: str) -> None:
    """The form came back (400) with a message on ``field`` that the page shows."""
    assert response.status_code == 400, response.status_code
    form = response.context["form"]
    assert field in form.errors, dict(form.errors)
    text = response.content.decode()
    for message in form.errors[field]:
        assert html.escape(message) in text or message in text, message


def _client_post(organisation: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation": organisation.pk,
        "name": "Karim Haddad",
        "name_latin": "",
        "birth_date": "1988-03-04",
        "sex": "male",
        "nationality": "IQ",
        "languages": ["ar", "ckb"],
        "phone": "+9647501234567",
        "email": "",
        "target_group": "returnee_germany",
        "household_size": "4",
        "children_count": "2",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# Registering ----------------------------------------------------------------------------


def test_client_create_page_registers_and_redirects(
    web_as: WebAs, counsellor_a: Any, centre_a: Any
) -> None:
    response = web_as(counsellor_a).post(
        reverse("clients:create"), _client_post(centre_a, health_notes=HEALTH)
    )
    client = Client.objects.get(name="Karim Haddad")
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", kwargs={"client_id": client.pk})
    assert client.organisation == centre_a
    assert client.languages == ["ar", "ckb"]
    assert client.health_notes == HEALTH
    assert AuditEvent.objects.filter(action="create", object_id=str(client.pk)).count() == 1


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

CLIENT_FORM_ERRORS = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"birth_date": TOMORROW}, "birth_date"),
    ({"birth_date": "1850-01-01"}, "birth_date"),
    ({"birth_date": "17/05/1990x"}, "birth_date"),
    ({"household_size": "3", "children_count": "3"}, "children_count"),
    ({"household_size": "0"}, "household_size"),
    ({"household_size": "-2"}, "household_size"),
    ({"phone": "0750 123 4567"}, "phone"),
    ({"email": "nobody@"}, "email"),
    ({"target_group": "tourist"}, "target_group"),
    ({"target_group": None}, "target_group"),
    ({"sex": "robot"}, "sex"),
    ({"nationality": "XX"}, "nationality"),
    ({"languages": ["xx"]}, "languages"),
]
CLIENT_FORM_IDS = [
    "empty-name",
    "blank-name",
    "future-birth",
    "birth-1850",
    "unparsable-birth",
    "children-not-less-than-household",
    "household-zero",
    "household-negative",
    "phone-not-e164",
    "bad-email",
    "unknown-target-group",
    "missing-target-group",
    "unknown-sex",
    "unknown-nationality",
    "unknown-language",
]


@pytest.mark.parametrize(("overrides", "field"), CLIENT_FORM_ERRORS, ids=CLIENT_FORM_IDS)
def test_client_create_form_refuses_bad_input_and_saves_nothing(
    web_as: WebAs,
    counsellor_a: Any,
    centre_a: Any,
    row_counts: Counts,
    overrides: dict[str, Any],
    field: str,
) -> None:
    web = web_as(counsellor_a)
    before = row_counts()
    response = web.post(
        reverse("clients:create"),
        _client_post(centre_a, confirm_not_duplicate="on", **overrides),
    )
    assert_field_error(response, field)
    assert row_counts() == before


def test_client_create_form_refuses_an_organisation_the_user_does_not_work_for(
    web_as: WebAs, counsellor_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(reverse("clients:create"), _client_post(centre_b))
    assert_field_error(response, "organisation")
    assert row_counts() == before


def test_client_create_is_forbidden_for_roles_without_the_right(
    web_as: WebAs, partner_staff: Any, programme_manager: Any
) -> None:
    for user in (partner_staff, programme_manager):
        assert web_as(user).get(reverse("clients:create")).status_code == 403


# The duplicate warning ------------------------------------------------------------------


def test_client_create_shows_possible_duplicates_and_saves_nothing_until_confirmed(
    web_as: WebAs, counsellor_a: Any, centre_a: Any, client_a: Client, row_counts: Counts
) -> None:
    web = web_as(counsellor_a)
    data = _client_post(centre_a, name="Mohammed Al-Jubouri", birth_date="1990-05-17")
    before = row_counts()

    response = web.post(reverse("clients:create"), data)

    assert response.status_code == 400
    assert [d.client for d in response.context["duplicates"]] == [client_a]
    text = response.content.decode()
    assert client_a.name in text
    assert reverse("clients:detail", kwargs={"client_id": client_a.pk}) in text
    assert response.context["form"].non_field_errors()
    assert row_counts() == before

    response = web.post(reverse("clients:create"), {**data, "confirm_not_duplicate": "on"})

    assert response.status_code == 302
    assert Client.objects.filter(name="Mohammed Al-Jubouri").count() == 1
    assert Client.objects.count() == before["Client"] + 1


def test_duplicates_at_another_centre_are_not_shown(
    web_as: WebAs, counsellor_a: Any, centre_a: Any, centre_b: Any
) -> None:
    ClientFactory(organisation=centre_b, name="Mohammed Al-Jubouri")
    response = web_as(counsellor_a).post(
        reverse("clients:create"),
        _client_post(centre_a, name="Mohammed Al-Jubouri", birth_date="1990-05-17"),
    )
    assert response.status_code == 302


# Editing --------------------------------------------------------------------------------


def _edit_post(client: Client, **overrides: Any) -> dict[str, Any]:
    data = _client_post(client.organisation, name=client.name, birth_date="1990-05-17")
    data.pop("organisation")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_client_edit_saves_and_audits_the_changed_fields(
    web_as: WebAs, counsellor_a: Any, client_a: Client, case_a: Any
) -> None:
    response = web_as(counsellor_a).post(
        reverse("clients:edit", kwargs={"client_id": client_a.pk}),
        _edit_post(client_a, email="new@example.org", migration_status=MIGRATION),
    )
    assert response.status_code == 302
    client_a.refresh_from_db()
    assert client_a.email == "new@example.org"
    assert client_a.migration_status == MIGRATION
    event = AuditEvent.objects.get(action="update")
    assert "email" in event.detail["fields"]
    assert "migration_status" in event.detail["fields"]
    assert MIGRATION not in str(event.detail)


@pytest.mark.parametrize(("overrides", "field"), CLIENT_FORM_ERRORS, ids=CLIENT_FORM_IDS)
def test_client_edit_form_refuses_bad_input_and_changes_nothing(
    web_as: WebAs,
    counsellor_a: Any,
    client_a: Client,
    row_counts: Counts,
    overrides: dict[str, Any],
    field: str,
) -> None:
    before = row_counts()
    response = web_as(counsellor_a).post(
        reverse("clients:edit", kwargs={"client_id": client_a.pk}),
        _edit_post(client_a, **overrides),
    )
    assert_field_error(response, field)
    assert row_counts() == before
    stored = Client.objects.get(pk=client_a.pk)
    assert (stored.name, stored.birth_date, stored.household_size, stored.phone) == (
        client_a.name,
        client_a.birth_date,
        client_a.household_size,
        client_a.phone,
    )
    # The page header shows the stored name, not the rejected input.
    assert response.context["client"].name == client_a.name


def test_client_edit_hides_special_fields_from_an_unassigned_colleague(
    web_as: WebAs, colleague_a: Any, client_a: Client, case_a: Any
) -> None:
    client_a.health_notes = HEALTH
    client_a.save()
    web = web_as(colleague_a)
    response = web.get(reverse("clients:edit", kwargs={"client_id": client_a.pk}))
    assert "health_notes" not in response.context["form"].fields
    # A posted value for a field the form does not have is ignored, not saved.
    web.post(
        reverse("clients:edit", kwargs={"client_id": client_a.pk}),
        _edit_post(client_a, health_notes="overwritten"),
    )
    client_a.refresh_from_db()
    assert client_a.health_notes == HEALTH


# The detail page and special-category data ----------------------------------------------


@pytest.fixture
def transnational_client(return_office: Any, centre_a: Any, counsellor_a: Any) -> Client:
    """Registered by the return office in Germany, with a case at centre A."""
    client: Client = ClientFactory(
        organisation=return_office,
        name="Amina Diallo",
        health_notes=HEALTH,
        migration_status=MIGRATION,
        psychosocial_notes="Grief after loss of brother",
    )
    CaseFactory(client=client, organisation=centre_a, counsellor=counsellor_a)
    return client


def test_client_detail_shows_special_data_to_the_centre(
    web_as: WebAs, counsellor_a: Any, transnational_client: Client
) -> None:
    response = web_as(counsellor_a).get(
        reverse("clients:detail", kwargs={"client_id": transnational_client.pk})
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert HEALTH in text
    assert MIGRATION in text


def test_client_detail_hides_special_data_from_the_return_counsellor(
    web_as: WebAs, return_counsellor: Any, transnational_client: Client
) -> None:
    response = web_as(return_counsellor).get(
        reverse("clients:detail", kwargs={"client_id": transnational_client.pk})
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert transnational_client.name in text
    for secret in (HEALTH, MIGRATION, "Grief"):
        assert secret not in text
    assert response.context["show_special"] is False


def test_client_detail_is_not_found_for_partner_staff(
    web_as: WebAs, partner_staff: Any, transnational_client: Client
) -> None:
    response = web_as(partner_staff).get(
        reverse("clients:detail", kwargs={"client_id": transnational_client.pk})
    )
    assert response.status_code == 404
    assert HEALTH not in response.content.decode()


def test_client_detail_view_is_audited(web_as: WebAs, counsellor_a: Any, client_a: Client) -> None:
    web_as(counsellor_a).get(reverse("clients:detail", kwargs={"client_id": client_a.pk}))
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.actor) == (
        "view",
        "clients.client",
        str(client_a.pk),
        counsellor_a,
    )


# The list -------------------------------------------------------------------------------


def test_client_list_shows_only_the_users_centre(
    web_as: WebAs, counsellor_a: Any, client_a: Client, centre_b: Any
) -> None:
    b_client: Client = ClientFactory(organisation=centre_b, name="Mohamed Diop")
    web = web_as(counsellor_a)
    for params in ({}, {"q": "Mohamed"}, {"birth_year": "1990"}, {"q": b_client.reference}):
        response = web.get(reverse("clients:list"), params)
        assert response.status_code == 200
        items = response.context["page"].items
        assert b_client not in items, params
        assert "Diop" not in response.content.decode()
    assert client_a in web.get(reverse("clients:list"), {"q": "Mohamed"}).context["page"].items


def test_client_list_with_a_bad_filter_answers_400(web_as: WebAs, counsellor_a: Any) -> None:
    response = web_as(counsellor_a).get(reverse("clients:list"), {"birth_year": "1066"})
    assert_field_error(response, "birth_year")


def _list_queries(web: HttpClient, url: str, **params: Any) -> tuple[int, Any]:
    web.get(url, params)  # warm up: session, language, caches
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("params", [{}, {"q": "Person"}], ids=["all", "search"])
def test_client_list_query_count_does_not_grow_with_rows(
    web_as: WebAs, counsellor_a: Any, centre_a: Any, params: dict[str, str]
) -> None:
    web = web_as(counsellor_a)
    ClientFactory.create_batch(3, organisation=centre_a)
    few, response = _list_queries(web, reverse("clients:list"), **params)
    assert len(response.context["page"].items) == 3
    ClientFactory.create_batch(27, organisation=centre_a)
    many, response = _list_queries(web, reverse("clients:list"), **params)
    assert len(response.context["page"].items) == 25
    assert few == many
