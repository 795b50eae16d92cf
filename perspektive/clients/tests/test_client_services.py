"""Registering and changing clients through the services, and special-category data at rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from perspektive.audit.models import AuditEvent
from perspektive.clients import services
from perspektive.clients.models import Client
from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.errors import Forbidden, NotFound

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]

HEALTH = "Diabetes type 1, insulin twice daily"
PSYCHO = "Nightmares since detention in Libya"
MIGRATION = "Duldung until 2026-03"


def _create(actor: Any, organisation: Any, **overrides: Any) -> Client:
    data: dict[str, Any] = {
        "name": "Karim Haddad",
        "birth_date": dt.date(1988, 3, 4),
        "target_group": "returnee_germany",
        "confirm_not_duplicate": True,
    }
    data.update(overrides)
    return services.client_create(actor=actor, organisation=organisation, **data)


def test_client_create_derives_the_latin_name_and_search_keys(
    counsellor_a: Any, centre_a: Any
) -> None:
    client = _create(counsellor_a, centre_a, name="محمد حسن")
    assert client.name_latin == "mhmd hsn"
    assert "mhmt" in client.search_keys.split()
    assert client.created_by == counsellor_a
    assert client.organisation == centre_a


def test_client_create_writes_exactly_one_create_event(counsellor_a: Any, centre_a: Any) -> None:
    client = _create(counsellor_a, centre_a, health_notes=HEALTH)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "clients.client",
        str(client.pk),
    )
    assert event.actor == counsellor_a
    assert event.client_id == client.pk
    assert event.organisation_id == centre_a.pk
    assert event.detail == {}


def test_client_create_at_a_foreign_centre_is_forbidden(
    counsellor_a: Any, centre_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        _create(counsellor_a, centre_b)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"birth_date": timezone.localdate() + dt.timedelta(days=1)}, "birth_date"),
        ({"birth_date": dt.date(1850, 1, 1)}, "birth_date"),
        ({"household_size": 3, "children_count": 3}, "children_count"),
        ({"household_size": 0}, "household_size"),
        ({"household_size": 61}, "household_size"),
        ({"phone": "0750 123 4567"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"target_group": "tourist"}, "target_group"),
        ({"sex": "unknown"}, "sex"),
        ({"nationality": "XX"}, "nationality"),
    ],
    ids=[
        "empty-name",
        "long-name",
        "future-birth",
        "birth-before-1900",
        "children-not-less-than-household",
        "household-zero",
        "household-too-big",
        "phone-not-e164",
        "bad-email",
        "unknown-target-group",
        "unknown-sex",
        "unknown-nationality",
    ],
)
def test_client_create_refuses_bad_input_and_writes_nothing(
    counsellor_a: Any, centre_a: Any, row_counts: Counts, overrides: dict[str, Any], field: str
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        _create(counsellor_a, centre_a, **overrides)
    assert field in exc.value.message_dict
    assert row_counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"birth_date": timezone.localdate() + dt.timedelta(days=30)}, "birth_date"),
        ({"household_size": 2, "children_count": 5}, "children_count"),
        ({"phone": "12345"}, "phone"),
        ({"target_group": "tourist"}, "target_group"),
    ],
    ids=["empty-name", "future-birth", "children", "phone", "target-group"],
)
def test_client_update_refuses_bad_input_and_writes_nothing(
    client_a: Client, counsellor_a: Any, row_counts: Counts, changes: dict[str, Any], field: str
) -> None:
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.client_update(actor=counsellor_a, client_id=client_a.pk, **changes)
    assert field in exc.value.message_dict
    assert row_counts() == before
    stored = Client.objects.get(pk=client_a.pk)
    assert (stored.name, stored.birth_date, stored.phone) == (
        client_a.name,
        client_a.birth_date,
        client_a.phone,
    )


def test_client_update_audits_field_names_never_values(
    client_a: Client, counsellor_a: Any, case_a: Any
) -> None:
    services.client_update(
        actor=counsellor_a,
        client_id=client_a.pk,
        phone="+9647501234567",
        health_notes=HEALTH,
        migration_status=MIGRATION,
    )
    event = AuditEvent.objects.get()
    assert event.action == "update"
    assert event.detail == {"fields": ["health_notes", "migration_status", "phone"]}
    stored = str(AuditEvent.objects.values_list("detail", flat=True).get())
    for value in (HEALTH, MIGRATION, "7501234567"):
        assert value not in stored


def test_client_update_renaming_refreshes_the_search_keys(
    client_a: Client, counsellor_a: Any
) -> None:
    services.client_update(actor=counsellor_a, client_id=client_a.pk, name="Yusuf Karimi")
    client_a.refresh_from_db()
    assert client_a.name_latin == "yusuf karimi"
    assert "ysf" in client_a.search_keys.split()
    assert "mhmt" not in client_a.search_keys.split()


def test_client_update_without_a_change_writes_no_event(
    client_a: Client, counsellor_a: Any
) -> None:
    services.client_update(
        actor=counsellor_a,
        client_id=client_a.pk,
        name=client_a.name,
        target_group=client_a.target_group,
        nationality=str(client_a.nationality or ""),
        phone=str(client_a.phone or ""),
    )
    assert not AuditEvent.objects.exists()


def test_special_fields_need_the_special_right_to_change(
    client_a: Client, case_a: Any, colleague_a: Any, row_counts: Counts
) -> None:
    """A colleague may edit the client but not special-category data of others' cases."""
    before = row_counts()
    with pytest.raises(Forbidden):
        services.client_update(actor=colleague_a, client_id=client_a.pk, health_notes=HEALTH)
    assert row_counts() == before
    services.client_update(actor=colleague_a, client_id=client_a.pk, email="a@example.org")
    client_a.refresh_from_db()
    assert client_a.email == "a@example.org"
    assert client_a.health_notes is None


def test_client_update_outside_the_scope_is_not_found(
    client_a: Client, counsellor_b: Any, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(NotFound):
        services.client_update(actor=counsellor_b, client_id=client_a.pk, name="Changed")
    assert row_counts() == before


def test_client_update_refuses_unknown_fields(client_a: Client, counsellor_a: Any) -> None:
    with pytest.raises(TypeError):
        services.client_update(actor=counsellor_a, client_id=client_a.pk, organisation_id=1)


# Encryption at rest ---------------------------------------------------------------------


def _raw_columns(client_id: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT health_notes, psychosocial_notes, migration_status "
            "FROM clients_client WHERE id = %s",
            [client_id],
        )
        row = cursor.fetchone()
    assert row is not None
    return row


def test_special_category_fields_are_encrypted_at_rest(counsellor_a: Any, centre_a: Any) -> None:
    client = _create(
        counsellor_a,
        centre_a,
        health_notes=HEALTH,
        psychosocial_notes=PSYCHO,
        migration_status=MIGRATION,
    )

    raw = _raw_columns(client.pk)
    for stored, clear in zip(raw, (HEALTH, PSYCHO, MIGRATION), strict=True):
        assert stored.startswith("gAAAAA")  # a Fernet token
        assert clear not in stored
        assert clear.split()[0] not in stored
    assert len(set(raw)) == 3

    loaded = Client.objects.get(pk=client.pk)
    assert (loaded.health_notes, loaded.psychosocial_notes, loaded.migration_status) == (
        HEALTH,
        PSYCHO,
        MIGRATION,
    )


def test_encrypted_values_decrypt_after_key_rotation(
    counsellor_a: Any, centre_a: Any, settings: Any
) -> None:
    """A new key is put first; records written under the old key stay readable."""
    client = _create(counsellor_a, centre_a, health_notes=HEALTH)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    field = Client._meta.get_field("health_notes")
    from cryptography.fernet import Fernet

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    for name in ("keys", "f"):
        field.__dict__.pop(name, None)
    try:
        assert Client.objects.get(pk=client.pk).health_notes == HEALTH
        settings.FIELD_ENCRYPTION_KEYS = [new_key]
        for name in ("keys", "f"):
            field.__dict__.pop(name, None)
        # Without the old key the value cannot be decrypted: only ciphertext comes back.
        assert Client.objects.get(pk=client.pk).health_notes != HEALTH
    finally:
        for name in ("keys", "f"):
            field.__dict__.pop(name, None)


def test_empty_special_fields_are_stored_as_null(counsellor_a: Any, centre_a: Any) -> None:
    client = _create(counsellor_a, centre_a, health_notes="", migration_status=MIGRATION)
    raw = _raw_columns(client.pk)
    assert raw[0] is None
    assert raw[2] is not None


def test_a_factory_client_without_special_data_has_none(centre_a: Any) -> None:
    client: Client = ClientFactory(organisation=centre_a)
    assert _raw_columns(client.pk) == (None, None, None)
