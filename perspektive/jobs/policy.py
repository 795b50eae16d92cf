"""Who may see and change job offers and applications (profiles go through access_client)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from perspektive.consent.models import Consent, Purpose
from perspektive.core.authz import Action, Resource, Role
from perspektive.core.errors import Forbidden, NotFound
from perspektive.jobs.models import Application, JobOffer, OfferStatus
from perspektive.organisations.models import Organisation, OrganisationKind
from perspektive.organisations.scoping import ScopeFields, allows, principal_for, scope_filter

OFFER_SCOPE = ScopeFields(
    model=JobOffer, organisation="employer", also_organisations=("registered_by",)
)
APPLICATION_SCOPE = ScopeFields(
    model=Application,
    organisation="client__organisation",
    also_organisations=("client__cases__organisation",),
    self_user="client__user",
    organisation_by_role={Role.EMPLOYER: "offer__employer"},
)


def holding_orgs(user: Any, resource: Resource, action: Action) -> set[int]:
    principal = principal_for(user)
    ids: set[int] = set()
    for role, _scope in principal.grants(resource, action):
        ids |= principal.orgs_by_role.get(role, frozenset())
    return ids


def registering_centre(user: Any) -> Organisation | None:
    """The centre (not a company) through which the user enters offers for employers."""
    own = holding_orgs(user, Resource.JOB_OFFER, Action.CREATE)
    return (
        Organisation.objects.filter(pk__in=own)
        .exclude(kind=OrganisationKind.EMPLOYER)
        .order_by("pk")
        .first()
    )


def offers_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[JobOffer]:
    """Published offers for everyone with the right; drafts and paused or closed offers
    only for the employer and the centre that registered them."""
    condition = scope_filter(principal_for(user), Resource.JOB_OFFER, action, OFFER_SCOPE)
    if condition is None:
        return JobOffer.objects.none()
    qs = JobOffer.objects.filter(condition)
    if action is Action.VIEW:
        own = sorted(holding_orgs(user, Resource.JOB_OFFER, Action.UPDATE))
        qs = qs.filter(
            Q(status=OfferStatus.PUBLISHED) | Q(employer__in=own) | Q(registered_by__in=own)
        )
    return qs


def offer_allows(user: Any, offer: JobOffer, action: Action) -> bool:
    ids = {offer.employer_id} | ({offer.registered_by_id} if offer.registered_by_id else set())
    return allows(principal_for(user), Resource.JOB_OFFER, action, organisation_ids=ids)


def access_offer(user: Any, offer_id: int, need: Action = Action.VIEW) -> JobOffer:
    offer = (
        offers_visible_to(user)
        .select_related("employer", "occupation", "country")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None:
        raise NotFound
    if need is not Action.VIEW and not offer_allows(user, offer, need):
        raise Forbidden
    return offer


def consenting_clients() -> QuerySet[Any]:
    return Consent.objects.filter(purpose=Purpose.JOB_MATCHING, withdrawn_at__isnull=True).values(
        "client_id"
    )


def applications_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Application]:
    principal = principal_for(user)
    condition = scope_filter(principal, Resource.APPLICATION, action, APPLICATION_SCOPE)
    if condition is None:
        return Application.objects.none()
    qs = Application.objects.filter(condition)
    employer_orgs = sorted(principal.orgs_by_role.get(Role.EMPLOYER, frozenset()))
    if employer_orgs:
        # An employer sees a candidate only while the job-matching consent is in force.
        qs = qs.exclude(Q(offer__employer__in=employer_orgs) & ~Q(client__in=consenting_clients()))
    return qs


def application_allows(user: Any, application: Application, action: Action) -> bool:
    client = application.client
    ids = {client.organisation_id, application.offer.employer_id}
    ids.update(client.cases.values_list("organisation_id", flat=True))
    return allows(
        principal_for(user),
        Resource.APPLICATION,
        action,
        organisation_ids=ids,
        owner_user_id=client.user_id,
    )


def access_application(user: Any, application_id: int, need: Action = Action.VIEW) -> Application:
    application = (
        applications_visible_to(user)
        .select_related("offer", "offer__employer", "client", "offer__occupation")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound
    if need is not Action.VIEW and not application_allows(user, application, need):
        raise Forbidden
    return application
