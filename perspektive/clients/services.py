"""Every write to clients: atomic, validated, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.clients.models import Client
from perspektive.clients.policy import access_client
from perspektive.clients.search_keys import search_keys_for
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden
from perspektive.core.names import latin
from perspektive.organisations.models import Organisation
from perspektive.organisations.scoping import allows, principal_for

EDITABLE_FIELDS = (
    "name",
    "name_latin",
    "birth_date",
    "birth_date_approximate",
    "sex",
    "nationality",
    "languages",
    "phone",
    "email",
    "target_group",
    "household_size",
    "children_count",
)


class PossibleDuplicate(DomainError):
    def __init__(self, candidates: list[Any]) -> None:
        super().__init__("This person may already be registered.")
        self.candidates = candidates


def _holders(client: Client) -> set[int]:
    """Organisations holding the record: the registering one and every one with a case."""
    holders = {client.organisation_id}
    if client.pk:
        holders.update(client.cases.values_list("organisation_id", flat=True))
    return holders


def _derive_name_fields(client: Client, *, latin_given: bool) -> None:
    if not latin_given or not client.name_latin.strip():
        client.name_latin = latin(client.name)
    client.search_keys = search_keys_for(client.name, client.name_latin, _holders(client))


def client_refresh_holders(client: Client) -> None:
    """Bring the holder tokens up to date after a case was opened or handed over. Runs in
    the caller's transaction; the caller audits its own change."""
    keys = search_keys_for(client.name, client.name_latin, _holders(client))
    if keys != client.search_keys:
        Client.objects.filter(pk=client.pk).update(search_keys=keys)
        client.search_keys = keys


@transaction.atomic
def client_create(
    *, actor: Any, organisation: Organisation, confirm_not_duplicate: bool = False, **data: Any
) -> Client:
    """Register a client at ``organisation``. Raises PossibleDuplicate unless confirmed."""
    from perspektive.clients.selectors import client_duplicates

    if not allows(
        principal_for(actor), Resource.CLIENT, Action.CREATE, organisation_ids={organisation.pk}
    ):
        raise Forbidden
    special = {f: data.pop(f) for f in Client.SPECIAL_FIELDS if f in data}
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown client fields: {sorted(unknown)}")
    client = Client(organisation=organisation, created_by=actor, **data)
    _derive_name_fields(client, latin_given=bool(data.get("name_latin")))
    if special:
        if not allows(
            principal_for(actor),
            Resource.CLIENT_SPECIAL,
            Action.UPDATE,
            organisation_ids={organisation.pk},
            assigned_user_id=actor.pk,
        ):
            raise Forbidden
        for field, value in special.items():
            setattr(client, field, value or None)
    client.full_clean()
    if not confirm_not_duplicate:
        candidates = client_duplicates(user=actor, name=client.name, birth_date=client.birth_date)
        if candidates:
            raise PossibleDuplicate(candidates)
    client.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=client,
        client_id=client.pk,
        organisation_id=organisation.pk,
    )
    return client


@transaction.atomic
def client_update(*, actor: Any, client_id: int, **data: Any) -> Client:
    """Change a client's fields; special-category fields need their own right."""
    unknown = set(data) - set(EDITABLE_FIELDS) - set(Client.SPECIAL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown client fields: {sorted(unknown)}")
    client = access_client(actor, client_id, need=Action.UPDATE)
    # full_clean() lets None through for blank fields (e.g. languages): refuse it here.
    nulls = {}
    for name, value in data.items():
        model_field = Client._meta.get_field(name)
        if value is None and isinstance(model_field, models.Field) and not model_field.null:
            nulls[name] = model_field.error_messages["null"]
    if nulls:
        raise ValidationError(nulls)
    if any(f in data for f in Client.SPECIAL_FIELDS):
        access_client(actor, client_id, need=Action.UPDATE, resource=Resource.CLIENT_SPECIAL)
    changed = []
    for field, value in data.items():
        if field in Client.SPECIAL_FIELDS:
            value = value or None
        if getattr(client, field) != value:
            setattr(client, field, value)
            changed.append(field)
    if not changed:
        return client
    if "name" in changed or "name_latin" in changed:
        _derive_name_fields(client, latin_given="name_latin" in changed)
    client.full_clean()
    client.save()
    # Field names only: the trail must not become a second copy of the data.
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=client,
        client_id=client.pk,
        organisation_id=client.organisation_id,
        fields=sorted(changed),
    )
    return client
