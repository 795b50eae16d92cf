"""Who may see and change appointments and counsellors' hours."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from perspektive.appointments.models import Appointment
from perspektive.core.authz import Action, Resource, Role
from perspektive.core.errors import Forbidden, NotFound
from perspektive.organisations.models import Membership, Organisation, OrganisationKind
from perspektive.organisations.scoping import ScopeFields, allows, principal_for, scope_filter

APPOINTMENT_SCOPE = ScopeFields(
    model=Appointment, organisation="centre", assigned="counsellor", self_user="client__user"
)
# Roles whose people take appointments at a centre.
COUNSELLING_ROLES = (Role.COUNSELLOR.value, Role.CENTRE_LEAD.value)


def appointments_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Appointment]:
    condition = scope_filter(principal_for(user), Resource.APPOINTMENT, action, APPOINTMENT_SCOPE)
    if condition is None:
        return Appointment.objects.none()
    return Appointment.objects.filter(condition)


def appointment_allows(user: Any, appointment: Appointment, action: Action) -> bool:
    return allows(
        principal_for(user),
        Resource.APPOINTMENT,
        action,
        organisation_ids={appointment.centre_id},
        assigned_user_id=appointment.counsellor_id,
        owner_user_id=appointment.client.user_id if appointment.client_id else None,  # type: ignore[union-attr]
    )


def access_appointment(user: Any, appointment_id: int, need: Action = Action.VIEW) -> Appointment:
    appointment = (
        appointments_visible_to(user)
        .select_related("centre__country", "counsellor", "client", "case")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        raise NotFound
    if need is not Action.VIEW and not appointment_allows(user, appointment, need):
        raise Forbidden
    return appointment


def staff_centres(user: Any) -> QuerySet[Organisation]:
    """Counselling centres whose appointments the user works with."""
    principal = principal_for(user)
    ids: set[int] = set()
    for role, _scope in principal.grants(Resource.APPOINTMENT, Action.VIEW):
        ids |= principal.orgs_by_role.get(role, frozenset())
    return Organisation.objects.filter(
        pk__in=sorted(ids), kind=OrganisationKind.COUNSELLING_CENTRE, is_active=True
    ).select_related("country")


def access_staff_centre(user: Any, centre_id: int) -> Organisation:
    centre = staff_centres(user).filter(pk=centre_id).first()
    if centre is None:
        raise NotFound
    return centre


def may_manage_hours(user: Any, centre: Organisation, counsellor_id: int | None) -> bool:
    """Counsellors keep their own hours; a centre lead those of everyone at the centre
    (and the centre's holidays: ``counsellor_id=None``)."""
    return allows(
        principal_for(user),
        Resource.AVAILABILITY,
        Action.UPDATE,
        organisation_ids={centre.pk},
        assigned_user_id=counsellor_id,
    )


def centre_counsellors(centre: Organisation) -> QuerySet[Any]:
    from perspektive.accounts.models import User

    return (
        User.objects.filter(
            memberships__organisation=centre,
            memberships__role__in=COUNSELLING_ROLES,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("name", "id")
    )


def is_centre_counsellor(centre: Organisation, user_id: int) -> bool:
    return Membership.objects.filter(
        organisation=centre,
        user_id=user_id,
        role__in=COUNSELLING_ROLES,
        is_active=True,
        user__is_active=True,
    ).exists()
