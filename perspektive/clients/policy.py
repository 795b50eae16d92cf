"""Who may see and change which clients: the matrix applied to clients."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from perspektive.clients.models import Client
from perspektive.clients.search_keys import holder_token
from perspektive.core.authz import Action, Resource, Scope
from perspektive.core.errors import Forbidden, NotFound
from perspektive.organisations.scoping import ScopeFields, allows, principal_for, scope_filter

CLIENT_SCOPE = ScopeFields(
    model=Client,
    organisation="organisation",
    also_organisations=("cases__organisation",),
    self_user="user",
)


def clients_visible_to(
    user: Any, action: Action = Action.VIEW, resource: Resource = Resource.CLIENT
) -> QuerySet[Client]:
    condition = scope_filter(principal_for(user), resource, action, CLIENT_SCOPE)
    if condition is None:
        return Client.objects.none()
    return Client.objects.filter(condition)


def clients_for_search(user: Any) -> QuerySet[Client]:
    """The clients the user may see, as ``clients_visible_to``, but stated on the holder
    tokens in ``search_keys`` where the rule allows, so that PostgreSQL answers "name and
    scope" from one GIN index (see clients/search_keys.py)."""
    principal = principal_for(user)
    grants = principal.grants(Resource.CLIENT, Action.VIEW)
    orgs: set[int] = set()
    for role, scope in grants:
        if scope is Scope.ALL:
            return Client.objects.all()
        if scope is not Scope.ORGANISATION:
            return clients_visible_to(user)
        orgs |= principal.orgs_by_role.get(role, frozenset())
    if not orgs:
        return Client.objects.none()
    return Client.objects.filter(search_keys__overlap=[holder_token(i) for i in sorted(orgs)])


def client_organisation_ids(client: Client) -> set[int]:
    ids = {client.organisation_id}
    ids.update(client.cases.values_list("organisation_id", flat=True))
    return ids


def client_allows(
    user: Any, client: Client, action: Action, resource: Resource = Resource.CLIENT
) -> bool:
    assigned = None
    if resource is Resource.CLIENT_SPECIAL:
        # "assigned" for a client means: the user is counsellor of one of their cases.
        assigned = user.pk if client.cases.filter(counsellor_id=user.pk).exists() else None
    return allows(
        principal_for(user),
        resource,
        action,
        organisation_ids=client_organisation_ids(client),
        assigned_user_id=assigned,
        owner_user_id=client.user_id,
    )


def access_client(
    user: Any, client_id: int, need: Action = Action.VIEW, resource: Resource = Resource.CLIENT
) -> Client:
    """The client if the user may ``need`` it: 404 outside their scope, 403 inside it."""
    client = clients_visible_to(user).select_related("organisation").filter(pk=client_id).first()
    if client is None:
        raise NotFound
    if (need, resource) != (Action.VIEW, Resource.CLIENT) and not client_allows(
        user, client, need, resource
    ):
        raise Forbidden
    return client
