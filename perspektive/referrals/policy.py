"""Who may see and change which handovers: the matrix applied to handovers.

A handover has two sides. The *sending* side is the office or scouts' organisation that
created it (return counsellors and scouts there); the *receiving* side is the centre it
goes to (counsellors and the centre lead there), which sees it only once it is sent. The
client follows their own handover (through ``Client.user``), also only once it is sent.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet

from perspektive.core.authz import Action, Resource, Role, Scope
from perspektive.core.errors import Forbidden, NotFound
from perspektive.organisations.models import Membership, Organisation, OrganisationKind
from perspektive.organisations.scoping import ScopeFields, principal_for, scope_filter
from perspektive.referrals.models import Handover, HandoverStatus

RECEIVING_ROLES = frozenset({Role.COUNSELLOR, Role.CENTRE_LEAD})
SENDING_ROLES = frozenset({Role.RETURN_COUNSELLOR, Role.SCOUT})

HANDOVER_SCOPE = ScopeFields(
    model=Handover,
    organisation="from_organisation",
    self_user="client__user",
    organisation_by_role=dict.fromkeys(RECEIVING_ROLES, "to_centre"),
)


class Side(StrEnum):
    SENDER = "sender"
    RECEIVER = "receiver"
    CLIENT = "client"


def _sending_orgs(user: Any, action: Action) -> frozenset[int]:
    principal = principal_for(user)
    ids: set[int] = set()
    for role, scope in principal.grants(Resource.HANDOVER, action):
        if role in SENDING_ROLES and scope is Scope.ORGANISATION:
            ids |= principal.orgs_by_role.get(role, frozenset())
    return frozenset(ids)


def handovers_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Handover]:
    condition = scope_filter(principal_for(user), Resource.HANDOVER, action, HANDOVER_SCOPE)
    if condition is None:
        return Handover.objects.none()
    # Drafts are the sending side's work in progress: nobody else sees them.
    draft_hidden = Q(status=HandoverStatus.DRAFT) & ~Q(
        from_organisation__in=sorted(_sending_orgs(user, Action.VIEW))
    )
    return Handover.objects.filter(condition).exclude(draft_hidden)


def sides_of(user: Any, handover: Handover, action: Action = Action.VIEW) -> set[Side]:
    """The sides the user acts on for ``handover`` with the right to ``action``."""
    principal = principal_for(user)
    sides: set[Side] = set()
    for role, scope in principal.grants(Resource.HANDOVER, action):
        orgs = principal.orgs_by_role.get(role, frozenset())
        if scope is Scope.ALL:
            sides |= {Side.SENDER, Side.RECEIVER}
        elif scope is Scope.ORGANISATION:
            if role in RECEIVING_ROLES:
                if handover.to_centre_id in orgs and handover.status != HandoverStatus.DRAFT:
                    sides.add(Side.RECEIVER)
            elif handover.from_organisation_id in orgs:
                sides.add(Side.SENDER)
        elif (
            scope is Scope.SELF
            and handover.status != HandoverStatus.DRAFT
            and handover.client.user_id is not None
            and handover.client.user_id == principal.user_id
        ):
            sides.add(Side.CLIENT)
    return sides


def access_handover(user: Any, handover_id: int, need: Action = Action.VIEW) -> Handover:
    """The handover if the user may ``need`` it: 404 outside their scope, 403 inside it."""
    handover = (
        handovers_visible_to(user)
        .select_related("client", "from_organisation", "to_centre__country", "counsellor")
        .filter(pk=handover_id)
        .first()
    )
    if handover is None:
        raise NotFound
    if need is not Action.VIEW and not sides_of(user, handover, need):
        raise Forbidden
    return handover


def sending_organisations(user: Any, client: Any = None) -> list[Organisation]:
    """Organisations the user may create handovers for (holding ``client``, if given)."""
    ids = _sending_orgs(user, Action.CREATE)
    if client is not None:
        from perspektive.clients.policy import client_organisation_ids

        ids = ids & frozenset(client_organisation_ids(client))
    return list(Organisation.objects.filter(pk__in=sorted(ids), is_active=True).order_by("name"))


def may_create_handovers(user: Any) -> bool:
    return bool(_sending_orgs(user, Action.CREATE))


def receiving_centres() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=OrganisationKind.COUNSELLING_CENTRE, is_active=True
    ).select_related("country")


def centre_counsellors(centre: Organisation) -> QuerySet[Any]:
    """The people who may take over a handed-over case at ``centre``."""
    from perspektive.accounts.models import User

    return (
        User.objects.filter(
            memberships__organisation=centre,
            memberships__role__in=[r.value for r in RECEIVING_ROLES],
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("name", "id")
    )


def centre_leads(centre: Organisation) -> QuerySet[Any]:
    from perspektive.accounts.models import User

    return User.objects.filter(
        memberships__organisation=centre,
        memberships__role=Role.CENTRE_LEAD.value,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def is_centre_counsellor(centre: Organisation, user_id: int) -> bool:
    return Membership.objects.filter(
        organisation=centre,
        user_id=user_id,
        role__in=[r.value for r in RECEIVING_ROLES],
        is_active=True,
        user__is_active=True,
    ).exists()
