"""This app's part of the outsider walk (perspektive/core/tests/test_outsider_walk.py).

Centre A receives a handover from a return office (not an outsider: the sending side); the
outsiders (another centre, partner, employer, a client of another record, programme manager,
operator) must see and change nothing of it, through the pages or the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from perspektive.clients.tests.factories import ClientFactory
from perspektive.core.authz import Role
from perspektive.organisations.models import OrganisationKind
from perspektive.organisations.tests.factories import OrganisationFactory, staff
from perspektive.referrals.models import (
    Handover,
    HandoverEvent,
    PartnerService,
    Referral,
    ReferralEvent,
)
from perspektive.referrals.tests.factories import (
    HandoverFactory,
    handover_consent,
    partner_service,
    referral_consent,
)

Objects = dict[str, Any]

_DEPARTURE = "2031-01-15"

# url name -> (kwargs from the objects, POST body or None for GET only)
ROUTES: dict[str, tuple[Callable[[Objects], dict[str, Any]], Callable[[Objects], Any] | None]] = {
    "referrals:list": (lambda o: {}, None),
    "referrals:my_handovers": (lambda o: {}, None),
    "referrals:create": (
        lambda o: {"client_id": o["handover_client"].pk},
        lambda o: {"to_centre": o["other_centre"].pk, "planned_departure": _DEPARTURE},
    ),
    "referrals:detail": (lambda o: {"handover_id": o["handover"].pk}, None),
    "referrals:edit": (
        lambda o: {"handover_id": o["draft_handover"].pk},
        lambda o: {"to_centre": o["other_centre"].pk, "planned_departure": _DEPARTURE},
    ),
    "referrals:status": (
        lambda o: {"handover_id": o["handover"].pk},
        lambda o: {"to_status": "declined", "reason": "injected"},
    ),
    "api:handover_list": (lambda o: {}, None),
    "api:handover_create": (
        lambda o: {},
        lambda o: {
            "client_id": o["handover_client"].pk,
            "to_centre_id": o["other_centre"].pk,
            "planned_departure": _DEPARTURE,
        },
    ),
    "api:handover_detail": (lambda o: {"handover_id": o["handover"].pk}, None),
    "api:handover_status": (
        lambda o: {"handover_id": o["handover"].pk},
        lambda o: {"to_status": "declined", "reason": "injected"},
    ),
    # Partner referrals: centre A's client referred to a partner that is not the outsider.
    "referrals:partner_directory": (lambda o: {}, None),
    "referrals:partner_service_create": (lambda o: {}, lambda o: {"domain": "legal"}),
    "referrals:partner_service_edit": (
        lambda o: {"service_id": o["walk_service"].pk},
        lambda o: {"domain": "legal", "description": "injected"},
    ),
    "referrals:referral_list": (lambda o: {}, None),
    "referrals:referral_create": (
        lambda o: {"client_id": o["client"].pk},
        lambda o: {"service": o["walk_service"].pk, "sections": ["contact"]},
    ),
    "referrals:referral_detail": (lambda o: {"referral_id": o["referral"].pk}, None),
    "referrals:referral_status": (
        lambda o: {"referral_id": o["referral"].pk},
        lambda o: {"to_status": "revoked"},
    ),
    "api:partner_service_list": (lambda o: {}, None),
    "api:referral_list": (lambda o: {}, None),
    "api:referral_create": (
        lambda o: {},
        lambda o: {"client_id": o["client"].pk, "service_id": o["walk_service"].pk},
    ),
    "api:referral_detail": (lambda o: {"referral_id": o["referral"].pk}, None),
    "api:referral_status": (
        lambda o: {"referral_id": o["referral"].pk},
        lambda o: {"to_status": "revoked"},
    ),
}
# Partner staff keep their own organisation's services (never another's: the snapshot).
PUBLIC_WRITES: set[str] = {"referrals:partner_service_create"}
PUBLIC_PAGES: set[str] = set()
API_METHODS: dict[str, str] = {}


def objects(o: Objects) -> Objects:
    """A client of a return office handed over to centre A (sent, waiting), and a second
    client's draft."""
    office = OrganisationFactory(
        name="Return office Walk",
        slug="ro-walk",
        kind=OrganisationKind.RETURN_OFFICE,
        country_id="DE",
        city="Bochum",
    )
    sender = staff(office, Role.RETURN_COUNSELLOR, name="Walk Sender")
    client = ClientFactory(
        organisation=office,
        name="Handover Marker Person",
        name_latin="Handover Marker Person",
        phone="+4915199988877",
    )
    handover_consent(client)
    handover = HandoverFactory(
        client=client,
        to_centre=o["centre"],
        status="sent",
        sent_at=timezone.now() - dt.timedelta(days=9),
        sent_by=sender,
        needs_summary="Handover needs marker text",
    )
    other = ClientFactory(organisation=office, name="Draft Marker Person")
    draft = HandoverFactory(client=other, to_centre=o["centre"], needs_summary="Draft marker")
    ngo = OrganisationFactory(
        name="Walk NGO",
        slug="walk-ngo",
        kind=OrganisationKind.CIVIL_SOCIETY,
        country_id="IQ",
        city="Erbil",
    )
    staff(ngo, Role.PARTNER_STAFF, name="Walk Partner")
    service = partner_service(ngo, "housing")
    # Written directly: the walk asserts that client A has no audit rows at all.
    referral = Referral.objects.create(
        client=o["client"],
        case=o["case"],
        from_organisation=o["centre"],
        partner=ngo,
        service=service,
        domain=service.domain,
        note="Referral note marker",
        sections=["identity", "contact", "needs"],
        deadline=timezone.localdate() - dt.timedelta(days=2),
        consent=referral_consent(o["client"], ngo),
    )
    ReferralEvent.objects.create(referral=referral, to_status="sent")
    return {
        "handover_client": client,
        "handover": handover,
        "draft_handover": draft,
        "handover_sender": sender,
        "walk_service": service,
        "referral": referral,
    }


def markers(o: Objects) -> list[str]:
    return [
        "Handover Marker Person",
        "+4915199988877",
        "Handover needs marker text",
        "Draft Marker Person",
        "Draft marker",
        "Referral note marker",
    ]


def snapshot(o: Objects) -> tuple[Any, ...]:
    return (
        tuple(
            Handover.objects.order_by("id").values_list(
                "id", "status", "to_centre_id", "planned_departure", "decline_reason"
            )
        ),
        HandoverEvent.objects.count(),
        type(o["handover_client"]).objects.filter(organisation=o["centre"]).count(),
        tuple(
            Referral.objects.order_by("id").values_list(
                "id", "status", "partner_id", "deadline", "decline_reason", "outcome_note"
            )
        ),
        ReferralEvent.objects.count(),
        tuple(
            PartnerService.objects.filter(pk=o["walk_service"].pk).values_list(
                "domain", "description", "is_active"
            )
        ),
    )
