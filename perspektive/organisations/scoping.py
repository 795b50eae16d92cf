"""Applying the authorization matrix to a user and to querysets.

``principal_for(user)`` resolves once per request which organisations a user acts for in
which role. ``scope_filter`` turns the matrix into a queryset filter (used by every
selector), ``allows`` answers the same question for one loaded object (used by access
helpers). Both read the same matrix, so lists and details cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q

from perspektive.core.authz import Action, Resource, Role, Scope, scope_for


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    orgs_by_role: dict[Role, frozenset[int]] = field(default_factory=dict)
    is_client: bool = False

    @property
    def roles(self) -> set[Role]:
        roles = set(self.orgs_by_role)
        if self.is_client:
            roles.add(Role.CLIENT)
        return roles

    @property
    def organisation_ids(self) -> frozenset[int]:
        ids: set[int] = set()
        for orgs in self.orgs_by_role.values():
            ids |= orgs
        return frozenset(ids)

    def grants(self, resource: Resource, action: Action) -> list[tuple[Role, Scope]]:
        out = []
        for role in self.roles:
            scope = scope_for(role, resource, action)
            if scope is not None:
                out.append((role, scope))
        return out


ANONYMOUS = Principal(user_id=None)


def principal_for(user: Any) -> Principal:
    """The user's roles and organisations, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_principal", None)
    if cached is not None:
        return cached
    from perspektive.organisations.models import Membership

    orgs: dict[Role, set[int]] = {}
    for role, org_id in Membership.objects.filter(
        user_id=user.pk, is_active=True, organisation__is_active=True
    ).values_list("role", "organisation_id"):
        orgs.setdefault(Role(role), set()).add(org_id)
    if user.is_superuser:
        orgs.setdefault(Role.ADMIN, set())
    from perspektive.accounts.models import User

    is_client = User.objects.filter(pk=user.pk, client_profile__isnull=False).exists()
    principal = Principal(
        user_id=user.pk,
        orgs_by_role={role: frozenset(ids) for role, ids in orgs.items()},
        is_client=is_client,
    )
    user._principal = principal
    return principal


@dataclass(frozen=True)
class ScopeFields:
    """Where a resource keeps what scopes compare against (ORM lookups).

    ``organisation`` is the owning organisation; ``also_organisations`` are multi-valued
    lookups through which further organisations hold the object (a client is held by the
    office that registered them and by every centre with a case for them).
    """

    model: type[Model]
    organisation: str
    also_organisations: tuple[str, ...] = ()
    assigned: str | None = None
    self_user: str | None = None
    # A role that holds the object through another relation, e.g. an employer holds the
    # applications to its offers (``offer__employer``), a centre those of its clients.
    organisation_by_role: Mapping[Role, str] = field(default_factory=dict)

    def organisation_q(self, orgs: frozenset[int], role: Role | None = None) -> Q:
        ids = sorted(orgs)
        if role is not None and role in self.organisation_by_role:
            return Q(**{f"{self.organisation_by_role[role]}__in": ids})
        q = Q(**{f"{self.organisation}__in": ids})
        for lookup in self.also_organisations:
            sub = self.model._default_manager.filter(**{f"{lookup}__in": ids}).values("pk")
            q |= Q(pk__in=sub)
        return q


def scope_filter(
    principal: Principal, resource: Resource, action: Action, fields: ScopeFields
) -> Q | None:
    """A filter selecting exactly the objects the principal may act on; None: nothing."""
    condition: Q | None = None
    for role, scope in principal.grants(resource, action):
        orgs = principal.orgs_by_role.get(role, frozenset())
        part: Q | None
        if scope is Scope.ALL:
            return Q()
        if scope is Scope.ORGANISATION:
            part = fields.organisation_q(orgs, role) if orgs else None
        elif scope is Scope.ASSIGNED:
            part = (
                Q(
                    **{
                        f"{fields.organisation}__in": sorted(orgs),
                        fields.assigned: principal.user_id,
                    }
                )
                if orgs and fields.assigned
                else None
            )
        else:  # Scope.SELF
            part = Q(**{fields.self_user: principal.user_id}) if fields.self_user else None
        if part is not None:
            condition = part if condition is None else condition | part
    return condition


def allows(
    principal: Principal,
    resource: Resource,
    action: Action,
    *,
    organisation_ids: set[int],
    assigned_user_id: int | None = None,
    owner_user_id: int | None = None,
) -> bool:
    """Whether the principal may do ``action`` on one object held by these organisations."""
    for role, scope in principal.grants(resource, action):
        orgs = principal.orgs_by_role.get(role, frozenset())
        if scope is Scope.ALL:
            return True
        if scope is Scope.ORGANISATION and organisation_ids & orgs:
            return True
        if (
            scope is Scope.ASSIGNED
            and organisation_ids & orgs
            and assigned_user_id is not None
            and assigned_user_id == principal.user_id
        ):
            return True
        if scope is Scope.SELF and owner_user_id is not None and owner_user_id == principal.user_id:
            return True
    return False


def may(principal: Principal, resource: Resource, action: Action) -> bool:
    """Whether the principal holds the right anywhere (to show or hide a menu entry)."""
    return bool(principal.grants(resource, action))
