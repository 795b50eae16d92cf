"""Recording, withdrawing and enforcing consent. Sharing paths call ``consent_require``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.clients.models import Client
from perspektive.clients.policy import access_client, client_allows
from perspektive.consent.models import (
    Consent,
    GivenBy,
    HandoverSection,
    Method,
    Purpose,
    order_sections,
)
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import ConsentRequired, DomainError, Forbidden, NotFound
from perspektive.organisations.models import Organisation


def consent_in_force(
    client: Client, purpose: str, partner: Organisation | None = None
) -> Consent | None:
    qs = Consent.objects.filter(client=client, purpose=purpose, withdrawn_at__isnull=True)
    qs = qs.filter(partner=partner) if partner else qs.filter(partner__isnull=True)
    return qs.first()


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    client_id: int,
    purpose: str,
    method: str,
    notice_version: str,
    notice_language: str,
    partner: Organisation | None = None,
    given_by: str = GivenBy.SELF,
    guardian_name: str = "",
    witness_name: str = "",
    given_at: dt.datetime | None = None,
    sections: list[str] | None = None,
) -> Consent:
    """Record a consent. A handover consent names the sections of the record that may go
    to the centre, a referral consent those the partner may see (identity always among
    them; identity alone when ``sections`` is None); no other purpose takes sections."""
    client = access_client(actor, client_id, need=Action.RECORD, resource=Resource.CONSENT)
    errors: dict[str, str] = {}
    chosen: list[str] = []
    if purpose in (Purpose.HANDOVER, Purpose.REFERRAL):
        given = [HandoverSection.IDENTITY.value] if sections is None else sections
        if not isinstance(given, list | tuple) or set(given) - set(HandoverSection.values):
            errors["sections"] = _("Unknown section.")
            given = []
        elif HandoverSection.IDENTITY not in given:
            errors["sections"] = _(
                "A handover or referral always shares the identity section: include it, or "
                "record no such consent."
            )
        chosen = order_sections(given)
    elif sections:
        errors["sections"] = _("Only a handover or referral consent names sections of the record.")
    if purpose == Purpose.REFERRAL and partner is None:
        errors["partner"] = _("A referral consent names the partner organisation.")
    if purpose != Purpose.REFERRAL and partner is not None:
        errors["partner"] = _("Only a referral consent names a partner organisation.")
    if method == Method.ORAL_WITNESSED and not witness_name.strip():
        errors["witness_name"] = _("Oral consent needs the name of a witness.")
    if given_by == GivenBy.GUARDIAN and not guardian_name.strip():
        errors["guardian_name"] = _("Give the name of the guardian who consented.")
    if given_at and given_at > timezone.now():
        errors["given_at"] = _("Consent cannot be given in the future.")
    if errors:
        raise ValidationError(errors)
    if consent_in_force(client, purpose, partner):
        raise DomainError(_("A consent for this purpose is already in force."))
    consent = Consent(
        client=client,
        purpose=purpose,
        partner=partner,
        given_by=given_by,
        guardian_name=guardian_name.strip(),
        method=method,
        witness_name=witness_name.strip(),
        notice_version=notice_version,
        notice_language=notice_language,
        given_at=given_at or timezone.now(),
        recorded_by=actor,
        sections=chosen,
    )
    consent.full_clean()
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError as exc:  # a parallel request recorded the same consent
        raise DomainError(_("A consent for this purpose is already in force.")) from exc
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=consent,
        client_id=client.pk,
        organisation_id=client.organisation_id,
        purpose=purpose,
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, consent_id: int, note: str = "") -> Consent:
    consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
    if consent is None:
        raise NotFound
    client = access_client(
        actor, consent.client_id, need=Action.WITHDRAW, resource=Resource.CONSENT
    )
    if consent.withdrawn_at is not None:
        raise DomainError(_("This consent has already been withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_note = note.strip()[:500]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=consent,
        client_id=client.pk,
        organisation_id=client.organisation_id,
        withdrawn=True,
        purpose=consent.purpose,
    )
    return consent


def consent_require(
    *,
    actor: Any,
    client: Client,
    purpose: str,
    partner: Organisation | None = None,
    override_reason: str = "",
) -> Consent | None:
    """Guard of every sharing path. Returns the consent in force; without one, an override
    needs the override right and a reason, and is audited; otherwise ConsentRequired."""
    consent = consent_in_force(client, purpose, partner)
    if consent is not None:
        return consent
    if not override_reason.strip():
        raise ConsentRequired(
            _("The client has not consented to this (%(purpose)s).")
            % {"purpose": Purpose(purpose).label}
        )
    if not client_allows(actor, client, Action.OVERRIDE, Resource.CONSENT):
        raise Forbidden
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            "consent_require with an override must run inside the sharing service's transaction"
        )
    audit_record(
        actor=actor,
        action=AuditAction.CONSENT_OVERRIDE,
        obj=client,
        client_id=client.pk,
        organisation_id=client.organisation_id,
        purpose=purpose,
        partner_id=partner.pk if partner else None,
        reason=override_reason.strip(),
    )
    return None
