"""Partner referrals and the partner directory: who sees what, every write, every read.

A referral has two sides. The *referring* side is the organisation that sent it
(counsellors, centre leads, return counsellors there: REFERRAL CREATE / CHANGE_STATUS); the
*partner* side is the partner organisation's staff (REFERRAL VIEW / RECORD), who see it
only while it is not revoked and the client's referral consent for that partner is in
force. The state machine (``TRANSITIONS``):

    sent -> accepted -> completed | failed (outcome note)
         -> declined (reason)
    sent, accepted -> revoked (referring side)

Sending needs the client's referral consent for the partner in force covering the shared
sections (identity is always shared). The outcome becomes a measure in the case's plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.cases.models import Case, MeasureStatus
from perspektive.clients.policy import access_client, client_organisation_ids
from perspektive.consent.models import Consent, HandoverSection, Purpose, order_sections
from perspektive.consent.services import consent_in_force
from perspektive.core.authz import Action, Resource, Role, Scope
from perspektive.core.errors import ConsentRequired, Forbidden, InvalidTransition, NotFound
from perspektive.organisations.models import Membership, Organisation, OrganisationKind
from perspektive.organisations.scoping import principal_for
from perspektive.referrals.models import (
    REFERRAL_OPEN,
    PartnerService,
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralStatus,
    ServiceDomain,
)

PARTNER_ROLES = frozenset({Role.PARTNER_STAFF})
PARTNER_KINDS = (
    OrganisationKind.CIVIL_SOCIETY,
    OrganisationKind.TRAINING_PROVIDER,
    OrganisationKind.MICROFINANCE,
)
# Sections a referral may share; identity (the name and basic data) always.
REFERRAL_SECTIONS = (
    HandoverSection.IDENTITY,
    HandoverSection.CONTACT,
    HandoverSection.LANGUAGES,
    HandoverSection.HOUSEHOLD,
    HandoverSection.NEEDS,  # the note for the partner
    HandoverSection.HEALTH,
    HandoverSection.PSYCHOSOCIAL,
)
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    HandoverSection.IDENTITY: ("name", "name_latin", "birth_date", "sex"),
    HandoverSection.CONTACT: ("phone", "email"),
    HandoverSection.LANGUAGES: ("languages",),
    HandoverSection.HOUSEHOLD: ("household_size", "children_count"),
    HandoverSection.HEALTH: ("health_notes",),
    HandoverSection.PSYCHOSOCIAL: ("psychosocial_notes",),
}
# The measure an outcome becomes in the client's plan.
DOMAIN_MEASURE: dict[str, str] = {
    ServiceDomain.HOUSING: "housing_referral",
    ServiceDomain.HEALTH: "health_referral",
    ServiceDomain.SCHOOLING: "schooling_referral",
    ServiceDomain.PSYCHOSOCIAL: "psychosocial_stabilisation",
    ServiceDomain.LEGAL: "counselling_session",
    ServiceDomain.FINANCE: "startup_support",
    ServiceDomain.TRAINING: "vocational_course",
    ServiceDomain.EMPLOYMENT: "career_counselling",
}
DEFAULT_ANSWER_DAYS = 7


class Side(StrEnum):
    REFERRER = "referrer"
    PARTNER = "partner"
    CLIENT = "client"


S = ReferralStatus
TRANSITIONS: dict[tuple[str, str], Side] = {
    (S.SENT, S.ACCEPTED): Side.PARTNER,
    (S.SENT, S.DECLINED): Side.PARTNER,
    (S.ACCEPTED, S.COMPLETED): Side.PARTNER,
    (S.ACCEPTED, S.FAILED): Side.PARTNER,
    (S.SENT, S.REVOKED): Side.REFERRER,
    (S.ACCEPTED, S.REVOKED): Side.REFERRER,
}
SIDE_ACTION = {Side.PARTNER: Action.RECORD, Side.REFERRER: Action.CHANGE_STATUS}


# Policy -----------------------------------------------------------------------------------


def _orgs(user: Any, action: Action, partner: bool) -> frozenset[int]:
    principal = principal_for(user)
    ids: set[int] = set()
    for role, scope in principal.grants(Resource.REFERRAL, action):
        if scope is Scope.ORGANISATION and (role in PARTNER_ROLES) == partner:
            ids |= principal.orgs_by_role.get(role, frozenset())
    return frozenset(ids)


def _consent_in_force() -> Exists:
    return Exists(
        Consent.objects.filter(
            client=OuterRef("client"),
            purpose=Purpose.REFERRAL,
            partner=OuterRef("partner"),
            withdrawn_at__isnull=True,
        )
    )


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """The referrals the user may see: the referring organisation's, the partner's while
    not revoked and consented, the client's own."""
    principal = principal_for(user)
    condition: Q | None = None
    for role, scope in principal.grants(Resource.REFERRAL, Action.VIEW):
        orgs = sorted(principal.orgs_by_role.get(role, frozenset()))
        part: Q | None = None
        if scope is Scope.ALL:
            part = Q()
        elif scope is Scope.ORGANISATION and orgs:
            if role in PARTNER_ROLES:
                part = Q(partner__in=orgs) & ~Q(status=S.REVOKED) & Q(_consent_in_force())
            else:
                part = Q(from_organisation__in=orgs)
        elif scope is Scope.SELF and principal.user_id is not None:
            part = Q(client__user_id=principal.user_id)
        if part is not None:
            condition = part if condition is None else condition | part
    if condition is None:
        return Referral.objects.none()
    return Referral.objects.filter(condition)


def partner_may_see(referral: Referral) -> bool:
    return (
        referral.status != S.REVOKED
        and consent_in_force(referral.client, Purpose.REFERRAL, referral.partner) is not None
    )


def sides_of(user: Any, referral: Referral, action: Action = Action.VIEW) -> set[Side]:
    principal = principal_for(user)
    sides: set[Side] = set()
    for role, scope in principal.grants(Resource.REFERRAL, action):
        orgs = principal.orgs_by_role.get(role, frozenset())
        if scope is Scope.ALL:
            sides |= {Side.REFERRER, Side.PARTNER}
        elif scope is Scope.ORGANISATION:
            if role in PARTNER_ROLES:
                if referral.partner_id in orgs and partner_may_see(referral):
                    sides.add(Side.PARTNER)
            elif referral.from_organisation_id in orgs:
                sides.add(Side.REFERRER)
        elif (
            scope is Scope.SELF
            and referral.client.user_id is not None
            and referral.client.user_id == principal.user_id
        ):
            sides.add(Side.CLIENT)
    return sides


def access_referral(user: Any, referral_id: int, need: Action = Action.VIEW) -> Referral:
    """The referral if the user may ``need`` it: 404 outside their scope, 403 inside it."""
    referral = (
        referrals_visible_to(user)
        .select_related("client", "from_organisation", "partner__country", "service", "case")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound
    if need is not Action.VIEW and not sides_of(user, referral, need):
        raise Forbidden
    return referral


def referring_organisations(user: Any, client: Any = None) -> list[Organisation]:
    ids = _orgs(user, Action.CREATE, partner=False)
    if client is not None:
        ids = ids & frozenset(client_organisation_ids(client))
    return list(Organisation.objects.filter(pk__in=sorted(ids), is_active=True).order_by("name"))


def may_refer(user: Any, client: Any = None) -> bool:
    if client is None:
        return bool(_orgs(user, Action.CREATE, partner=False))
    return bool(referring_organisations(user, client))


def may_use_directory(user: Any) -> bool:
    """Staff who refer or who answer referrals."""
    return bool(
        _orgs(user, Action.CREATE, partner=False) or _orgs(user, Action.RECORD, partner=True)
    )


def service_organisations(user: Any) -> list[Organisation]:
    """The partner organisations whose services the user keeps (partner staff there)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = Membership.objects.filter(
        user_id=user.pk,
        role=Role.PARTNER_STAFF.value,
        is_active=True,
        organisation__is_active=True,
        organisation__kind__in=PARTNER_KINDS,
    ).values_list("organisation_id", flat=True)
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("name"))


def partner_staff_of(partner: Organisation) -> QuerySet[Any]:
    from perspektive.accounts.models import User

    return (
        User.objects.filter(
            memberships__organisation=partner,
            memberships__role=Role.PARTNER_STAFF.value,
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("id")
    )


# Directory --------------------------------------------------------------------------------


def directory(
    *, user: Any, country: str = "", domain: str = "", language: str = ""
) -> QuerySet[PartnerService]:
    """Active services of active partners, for staff who refer or answer referrals."""
    if not may_use_directory(user):
        raise Forbidden
    qs = PartnerService.objects.filter(
        is_active=True, organisation__is_active=True, organisation__kind__in=PARTNER_KINDS
    ).select_related("organisation__country")
    if country:
        qs = qs.filter(organisation__country_id=country.upper())
    if domain:
        qs = qs.filter(domain=domain)
    if language:
        # JSON containment is not available on every backend; the directory is small.
        ids = [pk for pk, langs in qs.values_list("pk", "languages") if language in langs]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("organisation__country_id", "organisation__name", "domain", "id")


def _clean_service(data: dict[str, Any]) -> dict[str, Any]:
    from perspektive.clients.forms import CLIENT_LANGUAGES

    errors: dict[str, str] = {}
    if data.get("domain") not in ServiceDomain.values:
        errors["domain"] = _("Choose a domain.")
    languages = data.get("languages") or []
    known = {code for code, _label in CLIENT_LANGUAGES}
    if not isinstance(languages, list | tuple) or set(languages) - known:
        errors["languages"] = _("Unknown language.")
        languages = []
    if errors:
        raise ValidationError(errors)
    return {
        "domain": data["domain"],
        "description": (data.get("description") or "").strip(),
        "languages": sorted(set(languages)),
        "contact_phone": (data.get("contact_phone") or "").strip(),
        "contact_email": (data.get("contact_email") or "").strip(),
        "is_active": bool(data.get("is_active", True)),
    }


@transaction.atomic
def partner_service_save(
    *, actor: Any, organisation: Organisation, service_id: int | None = None, **data: Any
) -> PartnerService:
    """Create or change a service of the actor's own partner organisation. Audited."""
    if organisation.pk not in {o.pk for o in service_organisations(actor)}:
        raise Forbidden
    values = _clean_service(data)
    if service_id is None:
        service = PartnerService(organisation=organisation)
        action = AuditAction.CREATE
    else:
        found = (
            PartnerService.objects.select_for_update()
            .filter(pk=service_id, organisation=organisation)
            .first()
        )
        if found is None:
            raise NotFound
        service, action = found, AuditAction.UPDATE
    for name, value in values.items():
        setattr(service, name, value)
    service.full_clean()
    service.save()
    audit_record(actor=actor, action=action, obj=service, organisation_id=organisation.pk, **values)
    return service


def access_partner_service(user: Any, service_id: int) -> PartnerService:
    """A service the user keeps (partner staff of its organisation), else 404."""
    orgs = [o.pk for o in service_organisations(user)]
    service = (
        PartnerService.objects.select_related("organisation")
        .filter(pk=service_id, organisation__in=orgs)
        .first()
    )
    if service is None:
        raise NotFound
    return service


# Writes -----------------------------------------------------------------------------------


def allowed_next(referral: Referral, user: Any) -> list[str]:
    """The states the user may move the referral to, in the machine's order."""
    out = []
    for (frm, to), side in TRANSITIONS.items():
        if frm == referral.status and side in sides_of(user, referral, SIDE_ACTION[side]):
            out.append(to)
    return out


def _require_consent(client: Any, partner: Organisation, sections: list[str]) -> Consent:
    consent = consent_in_force(client, Purpose.REFERRAL, partner)
    if consent is None:
        raise ConsentRequired(
            _(
                "The client has not consented to a referral to %(partner)s (or withdrew the "
                "consent). Record the consent for this partner first."
            )
            % {"partner": partner.name}
        )
    missing = [c for c in sections if c != HandoverSection.IDENTITY and c not in consent.sections]
    if missing:
        labels = dict(HandoverSection.choices)
        raise ConsentRequired(
            _(
                "The client's referral consent does not cover: %(sections)s. Share fewer "
                "sections, or record a new consent that includes them."
            )
            % {"sections": ", ".join(str(labels[c]) for c in missing)}
        )
    return consent


def _event(referral: Referral, actor: Any, from_status: str, **kw: Any) -> None:
    ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=referral.status,
        by=actor if getattr(actor, "pk", None) else None,
        **kw,
    )


def _audit(actor: Any, action: str, referral: Referral, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=referral,
        client_id=referral.client_id,
        organisation_id=referral.from_organisation_id,
        partner=referral.partner_id,
        **detail,
    )


def reminder_due(referral: Referral) -> dt.datetime:
    """When the reminder runs: the start of the day after the deadline."""
    day = referral.deadline + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    client_id: int,
    service: PartnerService | None,
    deadline: dt.date | None = None,
    note: str = "",
    sections: list[str] | None = None,
    case: Case | None = None,
    from_organisation: Organisation | None = None,
) -> Referral:
    """Refer a client to a partner for one service; sent at once. Needs the client's
    referral consent for the partner covering the sections. Refusals write nothing."""
    client = access_client(actor, client_id)
    offices = referring_organisations(actor, client)
    if not offices:
        raise Forbidden
    if from_organisation is None:
        by_id = {o.pk: o for o in offices}
        from_organisation = by_id.get(client.organisation_id, offices[0])
    elif from_organisation.pk not in {o.pk for o in offices}:
        raise Forbidden
    errors: dict[str, str] = {}
    if (
        service is None
        or not service.is_active
        or not service.organisation.is_active
        or service.organisation.kind not in PARTNER_KINDS
    ):
        errors["service"] = _("Choose an active service of a partner.")
    today = timezone.localdate()
    if deadline is None:
        deadline = today + dt.timedelta(days=DEFAULT_ANSWER_DAYS)
    elif deadline < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    given = sections if sections is not None else []
    if not isinstance(given, list | tuple) or set(given) - set(REFERRAL_SECTIONS):
        errors["sections"] = _("Unknown section.")
        given = []
    note = (note or "").strip()
    if len(note) > 2000:
        errors["note"] = _("At most 2,000 characters.")
    if case is not None and (case.client_id != client.pk):
        errors["case"] = _("This case is not the client's.")
    if errors:
        raise ValidationError(errors)
    assert service is not None
    chosen = order_sections([*given, HandoverSection.IDENTITY])
    consent = _require_consent(client, service.organisation, chosen)
    if case is None:
        case = (
            Case.objects.filter(client=client, organisation=from_organisation)
            .exclude(status="closed")
            .order_by("-created_at", "-id")
            .first()
        )
    referral = Referral(
        client=client,
        case=case,
        from_organisation=from_organisation,
        partner=service.organisation,
        service=service,
        domain=service.domain,
        note=note,
        sections=chosen,
        deadline=deadline,
        status=S.SENT,
        consent=consent,
        created_by=actor,
    )
    referral.full_clean()
    referral.save()
    _event(referral, actor, "")
    _audit(actor, AuditAction.CREATE, referral, sections=chosen, domain=referral.domain)
    pk, due = referral.pk, reminder_due(referral)
    iso = referral.deadline.isoformat()
    transaction.on_commit(lambda: _schedule_reminder(pk, iso, due))
    return referral


def _schedule_reminder(referral_id: int, deadline: str, due: dt.datetime) -> None:
    from perspektive.referrals.tasks import remind_referral

    remind_referral.using(run_after=due).enqueue(referral_id, deadline)


@transaction.atomic
def referral_change_status(
    *, actor: Any, referral_id: int, to_status: str, reason: str = ""
) -> Referral:
    """One step. ``reason``: why the partner declines, or the outcome note (completed,
    failed). The outcome becomes a measure in the case's plan."""
    referral = access_referral(actor, referral_id)
    referral = (
        Referral.objects.select_for_update(of=("self",))  # nullable joins cannot be locked
        .select_related("client", "partner", "from_organisation", "service", "case")
        .get(pk=referral.pk)
    )
    from_status = referral.status
    side = TRANSITIONS.get((from_status, to_status))
    if side is None:
        labels = dict(ReferralStatus.choices)
        raise InvalidTransition(
            _("A referral cannot go from “%(from)s” to “%(to)s”.")
            % {"from": labels[from_status], "to": labels.get(to_status, to_status)}
        )
    if side not in sides_of(actor, referral, SIDE_ACTION[side]):
        raise Forbidden
    reason = (reason or "").strip()[:500]
    detail: dict[str, Any] = {}
    if to_status == S.DECLINED:
        if not reason:
            raise ValidationError({"reason": _("Say why the partner declines the referral.")})
        referral.decline_reason = reason
    elif to_status in (S.COMPLETED, S.FAILED):
        referral.outcome_note = reason
        if referral.case is not None:
            from perspektive.cases.services import measure_record_for_case

            measure = measure_record_for_case(
                actor=actor,
                case=referral.case,
                type_code=DOMAIN_MEASURE[referral.domain],
                description=_("Referral %(ref)s to %(partner)s")
                % {"ref": referral.reference, "partner": referral.partner.name},
                start_date=referral.created_at.date(),
                status=MeasureStatus.COMPLETED
                if to_status == S.COMPLETED
                else MeasureStatus.CANCELLED,
            )
            referral.measure = measure
            detail["measure"] = measure.pk
    referral.status = to_status
    referral.full_clean()
    referral.save()
    _event(referral, actor, from_status, note=reason)
    _audit(
        actor, AuditAction.STATUS, referral, from_status=from_status, to_status=to_status, **detail
    )
    return referral


@transaction.atomic
def referral_mark_overdue(*, referral_id: int, deadline: str) -> Referral | None:
    """Mark a referral still open after its deadline as overdue (the worker's task calls
    this). None when there is nothing to do (answered, deadline moved, not yet due)."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("partner", "from_organisation", "created_by")
        .filter(pk=referral_id)
        .first()
    )
    if (
        referral is None
        or referral.status not in REFERRAL_OPEN
        or referral.overdue_at is not None
        or referral.deadline.isoformat() != deadline
        or timezone.localdate() <= referral.deadline
    ):
        return None
    referral.overdue_at = timezone.now()
    referral.save(update_fields=["overdue_at", "updated_at"])
    _event(referral, None, referral.status, kind=ReferralEventKind.OVERDUE)
    _audit(None, AuditAction.UPDATE, referral, overdue=True)
    return referral


# Reads ------------------------------------------------------------------------------------


def overdue_q(today: dt.date | None = None) -> Q:
    return Q(status__in=REFERRAL_OPEN, deadline__lt=today or timezone.localdate())


def is_overdue(referral: Referral, today: dt.date | None = None) -> bool:
    return referral.status in REFERRAL_OPEN and referral.deadline < (today or timezone.localdate())


def referral_list(
    *,
    user: Any,
    status: str = "",
    overdue: bool = False,
    page: int = 1,
    page_size: int | None = None,
) -> Page[Referral]:
    """Outgoing referrals for the referring side, incoming ones for partners."""
    qs = referrals_visible_to(user).select_related(
        "client", "from_organisation", "partner", "service"
    )
    if status == "open":
        qs = qs.filter(status__in=REFERRAL_OPEN)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q())
    paginator = Paginator(qs.order_by("-updated_at", "-id"), page_size or settings.PAGE_SIZE)
    return paginator.get_page(page)


@dataclass
class Shared:
    """What the partner may read of the record: the consented sections, read now."""

    sections: list[str]
    fields: dict[str, Any] = field(default_factory=dict)
    note: str | None = None


def shared_data(referral: Referral) -> Shared | None:
    """None once revoked or the consent is withdrawn."""
    if referral.status == S.REVOKED:
        return None
    consent = consent_in_force(referral.client, Purpose.REFERRAL, referral.partner)
    if consent is None:
        return None
    allowed = {HandoverSection.IDENTITY.value, *consent.sections}
    sections = [c for c in referral.sections if c in allowed]
    shared = Shared(sections=sections)
    for section, names in SECTION_FIELDS.items():
        if section in sections:
            for name in names:
                shared.fields[name] = getattr(referral.client, name)
    if "name_latin" in shared.fields and not referral.client.name_latin_given:
        shared.fields["name_latin"] = ""  # only the automatic skeleton: nothing to show
    if HandoverSection.NEEDS in sections:
        shared.note = referral.note
    return shared


@dataclass
class ReferralView:
    referral: Referral
    sides: set[Side]
    shared: Shared | None


@transaction.atomic
def referral_get_for_view(*, user: Any, referral_id: int) -> ReferralView:
    """A referral with what this user may see of it; the partner reads the consented
    sections at view time. Audited."""
    referral = access_referral(user, referral_id)
    sides = sides_of(user, referral)
    shared = shared_data(referral) if Side.PARTNER in sides else None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=referral,
        client_id=referral.client_id,
        organisation_id=referral.from_organisation_id,
        shared_sections=shared.sections if shared else [],
    )
    return ReferralView(referral=referral, sides=sides, shared=shared)
