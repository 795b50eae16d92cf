"""Who may see and change which cases."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from perspektive.cases.models import Case
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import Forbidden, NotFound
from perspektive.organisations.scoping import ScopeFields, allows, principal_for, scope_filter

CASE_SCOPE = ScopeFields(
    model=Case, organisation="organisation", assigned="counsellor", self_user="client__user"
)


def cases_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Case]:
    condition = scope_filter(principal_for(user), Resource.CASE, action, CASE_SCOPE)
    if condition is None:
        return Case.objects.none()
    return Case.objects.filter(condition)


def case_allows(user: Any, case: Case, action: Action) -> bool:
    return allows(
        principal_for(user),
        Resource.CASE,
        action,
        organisation_ids={case.organisation_id},
        assigned_user_id=case.counsellor_id,
        owner_user_id=case.client.user_id,
    )


def access_case(user: Any, case_id: int, need: Action = Action.VIEW) -> Case:
    """The case if the user may ``need`` it: 404 outside their scope, 403 inside it."""
    case = (
        cases_visible_to(user)
        .select_related("client", "organisation", "counsellor")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound
    if need is not Action.VIEW and not case_allows(user, case, need):
        raise Forbidden
    return case
