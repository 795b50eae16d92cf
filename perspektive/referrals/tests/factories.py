from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from perspektive.clients.tests.factories import ClientFactory
from perspektive.consent.models import Purpose
from perspektive.consent.tests.factories import ConsentFactory
from perspektive.organisations.tests.factories import ValidatedFactory
from perspektive.referrals.models import Handover, HandoverEvent, HandoverStatus

ALL_SECTIONS = [
    "identity",
    "contact",
    "languages",
    "household",
    "needs",
    "vulnerabilities",
    "job_profile",
    "health",
    "psychosocial",
]


class HandoverFactory(ValidatedFactory):
    """A handover of an office's client to a centre (pass ``client`` of the office and
    ``to_centre``); a draft unless ``status`` says otherwise."""

    class Meta:
        model = Handover
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    from_organisation = factory.LazyAttribute(lambda o: o.client.organisation)
    planned_departure = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=42))
    needs_summary = "Wants to work as a welder again; needs housing for the first months."
    vulnerabilities = factory.LazyFunction(lambda: ["medical"])
    sections = factory.LazyFunction(lambda: ["identity", "contact", "needs"])
    status = HandoverStatus.DRAFT

    @factory.post_generation
    def history(obj: Handover, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            HandoverEvent.objects.create(handover=obj, from_status="", to_status="draft")


def handover_consent(client: Any, sections: list[str] | None = None, **kwargs: Any) -> Any:
    """The client's consent to a transnational handover, in force."""
    return ConsentFactory(
        client=client,
        purpose=Purpose.HANDOVER,
        notice_version="3",
        sections=sections if sections is not None else list(ALL_SECTIONS),
        **kwargs,
    )


def sent_handover(client: Any, to_centre: Any, sender: Any, **kwargs: Any) -> Handover:
    """A handover sent through the service (consent covering everything recorded first)."""
    from perspektive.referrals.services import handover_change_status

    if not client.consents.filter(purpose=Purpose.HANDOVER, withdrawn_at__isnull=True).exists():
        handover_consent(client)
    handover = HandoverFactory(client=client, to_centre=to_centre, **kwargs)
    return handover_change_status(actor=sender, handover_id=handover.pk, to_status="sent")


# Partner referrals ------------------------------------------------------------------------


def partner_service(organisation: Any, domain: str = "housing", **kwargs: Any) -> Any:
    from perspektive.referrals.models import PartnerService

    values: dict[str, Any] = {
        "description": "Shelter and rent support for returnees",
        "languages": ["ar", "ku"],
        "contact_phone": "+9647705550101",
        "contact_email": "help@partner.example.org",
    }
    values.update(kwargs)
    return PartnerService.objects.create(organisation=organisation, domain=domain, **values)


def referral_consent(client: Any, partner: Any, sections: list[str] | None = None) -> Any:
    """The client's consent to referrals to ``partner``, in force."""
    return ConsentFactory(
        client=client,
        purpose=Purpose.REFERRAL,
        partner=partner,
        notice_version="1",
        sections=sections
        if sections is not None
        else ["identity", "contact", "languages", "household", "needs"],
    )


def sent_referral(client: Any, service: Any, sender: Any, **kwargs: Any) -> Any:
    """A referral sent through the service (the consent recorded first if missing)."""
    from perspektive.referrals.partners import referral_create

    if not client.consents.filter(
        purpose=Purpose.REFERRAL, partner=service.organisation, withdrawn_at__isnull=True
    ).exists():
        referral_consent(client, service.organisation)
    kwargs.setdefault("sections", ["contact", "needs"])
    kwargs.setdefault("note", "Family of four needs a flat before winter")
    return referral_create(actor=sender, client_id=client.pk, service=service, **kwargs)
