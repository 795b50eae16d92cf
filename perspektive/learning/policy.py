"""Who may see and change which courses and enrolments: the matrix applied to learning.

Courses are a catalogue: every staff role sees the published ones; drafts and cancelled
ones only the provider's staff. Enrolments are person data: the organisations holding the
client (office, scouts, centres with a case) see and change them, the provider's staff see
and record those on its courses, and the client sees their own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from perspektive.core.authz import Action, Resource, Role, Scope
from perspektive.core.errors import Forbidden, NotFound
from perspektive.learning.models import Course, CourseStatus, Enrolment
from perspektive.organisations.models import Organisation, OrganisationKind
from perspektive.organisations.scoping import ScopeFields, allows, principal_for, scope_filter

COURSE_SCOPE = ScopeFields(model=Course, organisation="provider")
ENROLMENT_SCOPE = ScopeFields(
    model=Enrolment,
    organisation="client__organisation",
    also_organisations=("client__cases__organisation",),
    organisation_by_role={Role.PARTNER_STAFF: "course__provider"},
    self_user="client__user",
)


def provider_orgs(user: Any, action: Action = Action.UPDATE) -> frozenset[int]:
    """Training providers for which the user may ``action`` courses."""
    principal = principal_for(user)
    ids: set[int] = set()
    for role, _scope in principal.grants(Resource.COURSE, action):
        ids |= principal.orgs_by_role.get(role, frozenset())
    if not ids:
        return frozenset()
    return frozenset(
        Organisation.objects.filter(
            pk__in=sorted(ids), kind=OrganisationKind.TRAINING_PROVIDER, is_active=True
        ).values_list("pk", flat=True)
    )


def providers_for(user: Any) -> list[Organisation]:
    return list(
        Organisation.objects.filter(pk__in=sorted(provider_orgs(user, Action.CREATE))).order_by(
            "name"
        )
    )


def courses_visible_to(user: Any) -> QuerySet[Course]:
    condition = scope_filter(principal_for(user), Resource.COURSE, Action.VIEW, COURSE_SCOPE)
    if condition is None:
        return Course.objects.none()
    own = sorted(provider_orgs(user, Action.UPDATE))
    return Course.objects.filter(condition).filter(
        Q(status=CourseStatus.PUBLISHED) | Q(provider__in=own)
    )


def course_allows(user: Any, course: Course, action: Action) -> bool:
    if action is not Action.VIEW and course.provider_id not in provider_orgs(user, action):
        return False
    return allows(
        principal_for(user), Resource.COURSE, action, organisation_ids={course.provider_id}
    )


def access_course(user: Any, course_id: int, need: Action = Action.VIEW) -> Course:
    course = (
        courses_visible_to(user)
        .select_related("provider", "country", "occupation")
        .filter(pk=course_id)
        .first()
    )
    if course is None:
        raise NotFound
    if need is not Action.VIEW and not course_allows(user, course, need):
        raise Forbidden
    return course


def enrolments_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Enrolment]:
    condition = scope_filter(principal_for(user), Resource.ENROLMENT, action, ENROLMENT_SCOPE)
    if condition is None:
        return Enrolment.objects.none()
    return Enrolment.objects.filter(condition)


def enrolment_allows(user: Any, enrolment: Enrolment, action: Action) -> bool:
    """Provider staff act through the course's provider, everyone else through the client."""
    from perspektive.clients.policy import client_organisation_ids

    principal = principal_for(user)
    client = enrolment.client
    for role, scope in principal.grants(Resource.ENROLMENT, action):
        orgs = principal.orgs_by_role.get(role, frozenset())
        if scope is Scope.ALL:
            return True
        if scope is Scope.ORGANISATION:
            if role is Role.PARTNER_STAFF:
                held = {enrolment.course.provider_id}
            else:
                held = client_organisation_ids(client)
            if held & orgs:
                return True
        if scope is Scope.SELF and client.user_id and client.user_id == principal.user_id:
            return True
    return False


def access_enrolment(user: Any, enrolment_id: int, need: Action = Action.VIEW) -> Enrolment:
    enrolment = (
        enrolments_visible_to(user)
        .select_related("course", "course__provider", "course__country", "client")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise NotFound
    if need is not Action.VIEW and not enrolment_allows(user, enrolment, need):
        raise Forbidden
    return enrolment


def may_enrol(user: Any, client: Any) -> bool:
    """Whether the user may enrol ``client`` (an organisation holding the client)."""
    from perspektive.clients.policy import client_organisation_ids

    return allows(
        principal_for(user),
        Resource.ENROLMENT,
        Action.CREATE,
        organisation_ids=client_organisation_ids(client),
    )


def enrolling_organisation(user: Any, client: Any) -> Organisation | None:
    """The organisation through which the user enrols ``client``."""
    from perspektive.clients.policy import client_organisation_ids

    principal = principal_for(user)
    held = client_organisation_ids(client)
    for role, _scope in principal.grants(Resource.ENROLMENT, Action.CREATE):
        for org_id in sorted(principal.orgs_by_role.get(role, frozenset()) & held):
            return Organisation.objects.get(pk=org_id)
    return None
