"""Every write to cases, assessments, plans, measures and notes: atomic, validated, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.cases.models import (
    Assessment,
    AssessmentNeed,
    Case,
    CaseStatus,
    CaseStatusChange,
    Measure,
    MeasureStatus,
    MeasureType,
    Note,
    ReintegrationPlan,
    Vulnerability,
)
from perspektive.cases.policy import access_case
from perspektive.cases.transitions import NEEDS_REASON, is_allowed
from perspektive.clients.policy import access_client
from perspektive.clients.services import client_refresh_holders
from perspektive.consent.models import Purpose
from perspektive.consent.services import consent_require
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden, InvalidTransition, NotFound
from perspektive.organisations.models import Membership, Organisation, OrganisationKind
from perspektive.organisations.scoping import allows, principal_for


def _audit(actor: Any, action: str, obj: Any, case: Case, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        client_id=case.client_id,
        organisation_id=case.organisation_id,
        case_id=case.pk,
        **detail,
    )


def _check_counsellor(counsellor: Any, organisation: Organisation) -> None:
    if counsellor is None:
        return
    if not Membership.objects.filter(
        user=counsellor, organisation=organisation, is_active=True
    ).exists():
        raise ValidationError({"counsellor": _("The counsellor must work at this centre.")})


def _check_vulnerabilities(values: list[str]) -> list[str]:
    unknown = set(values) - set(Vulnerability.values)
    if unknown:
        raise ValidationError({"vulnerabilities": _("Unknown vulnerability.")})
    return sorted(set(values))


@transaction.atomic
def case_open(
    *,
    actor: Any,
    client_id: int,
    organisation: Organisation,
    counsellor: Any = None,
    return_date: dt.date | None = None,
    vulnerabilities: list[str] | None = None,
) -> Case:
    client = access_client(actor, client_id)
    if not allows(
        principal_for(actor), Resource.CASE, Action.CREATE, organisation_ids={organisation.pk}
    ):
        raise Forbidden
    _check_counsellor(counsellor, organisation)
    if (
        Case.objects.filter(client=client, organisation=organisation)
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    ):
        raise DomainError(_("This client already has an open case at this centre."))
    case = Case(
        client=client,
        organisation=organisation,
        counsellor=counsellor,
        return_date=return_date,
        created_by=actor,
        vulnerabilities=_check_vulnerabilities(vulnerabilities or []),
    )
    case.full_clean()
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise DomainError(_("This client already has an open case at this centre.")) from exc
    CaseStatusChange.objects.create(case=case, from_status="", to_status=case.status, by=actor)
    client_refresh_holders(case.client)
    _audit(actor, AuditAction.CREATE, case, case)
    return case


@transaction.atomic
def case_update(*, actor: Any, case_id: int, **data: Any) -> Case:
    """Change counsellor, vulnerabilities, return date or next follow-up."""
    allowed = {"counsellor", "vulnerabilities", "return_date", "next_follow_up"}
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"Unknown case fields: {sorted(unknown)}")
    case = access_case(actor, case_id, need=Action.UPDATE)
    if "counsellor" in data:
        _check_counsellor(data["counsellor"], case.organisation)
    if "vulnerabilities" in data:
        data["vulnerabilities"] = _check_vulnerabilities(data["vulnerabilities"] or [])
    changed = [f for f, v in data.items() if getattr(case, f) != v]
    for field in changed:
        setattr(case, field, data[field])
    if changed:
        case.full_clean()
        case.save()
        _audit(actor, AuditAction.UPDATE, case, case, fields=sorted(changed))
    return case


@transaction.atomic
def case_change_status(*, actor: Any, case_id: int, to_status: str, reason: str = "") -> Case:
    case = access_case(actor, case_id, need=Action.CHANGE_STATUS)
    case = Case.objects.select_for_update().select_related("client").get(pk=case.pk)
    from_status = case.status
    if to_status not in CaseStatus.values or not is_allowed(from_status, to_status):
        raise InvalidTransition(
            _("A case cannot go from %(from)s to %(to)s.")
            % {
                "from": CaseStatus(from_status).label,
                "to": CaseStatus(to_status).label if to_status in CaseStatus.values else to_status,
            }
        )
    reason = reason.strip()
    if (from_status, to_status) in NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Give a reason for closing or reopening a case.")})
    if (
        from_status == CaseStatus.CLOSED
        and Case.objects.filter(client_id=case.client_id, organisation_id=case.organisation_id)
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    ):
        raise DomainError(_("This client already has an open case at this centre."))
    case.status = to_status
    case.closed_at = timezone.now() if to_status == CaseStatus.CLOSED else None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    CaseStatusChange.objects.create(
        case=case, from_status=from_status, to_status=to_status, reason=reason, by=actor
    )
    _audit(actor, AuditAction.STATUS, case, case, from_status=from_status, to_status=to_status)
    return case


@transaction.atomic
def case_transfer(
    *, actor: Any, case_id: int, to_organisation: Organisation, override_reason: str = ""
) -> Case:
    """Hand a case to another centre: a sharing of the client's data across organisations,
    so it needs the client's handover consent (or an audited override)."""
    case = access_case(actor, case_id, need=Action.TRANSFER)
    if to_organisation.pk == case.organisation_id:
        raise ValidationError({"to_organisation": _("The case is already at this centre.")})
    if to_organisation.kind not in (
        OrganisationKind.COUNSELLING_CENTRE,
        OrganisationKind.RETURN_OFFICE,
    ):
        raise ValidationError({"to_organisation": _("Cases go to centres or return offices.")})
    consent_require(
        actor=actor, client=case.client, purpose=Purpose.HANDOVER, override_reason=override_reason
    )
    if (
        Case.objects.filter(client_id=case.client_id, organisation=to_organisation)
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    ):
        raise DomainError(_("This client already has an open case at that centre."))
    from_org = case.organisation_id
    case.organisation = to_organisation
    case.counsellor = None
    case.save(update_fields=["organisation", "counsellor", "updated_at"])
    client_refresh_holders(case.client)
    _audit(
        actor,
        AuditAction.SHARE,
        case,
        case,
        from_organisation=from_org,
        to_organisation=to_organisation.pk,
    )
    return case


@transaction.atomic
def note_add(*, actor: Any, case_id: int, text: str) -> Note:
    case = access_case(actor, case_id, need=Action.UPDATE)
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    note = Note(case=case, author=actor, text=text.strip())
    note.full_clean()
    note.save()
    _audit(actor, AuditAction.CREATE, note, case)
    return note


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    case_id: int,
    needs: dict[str, int],
    summary: str = "",
    notes: dict[str, str] | None = None,
) -> Assessment:
    """Record needs by domain (level 0-3). At least one domain must be assessed."""
    case = access_case(actor, case_id, need=Action.UPDATE)
    if not needs:
        raise ValidationError({"needs": _("Assess at least one domain.")})
    assessment = Assessment.objects.create(case=case, summary=summary.strip(), assessed_by=actor)
    for domain, level in needs.items():
        need = AssessmentNeed(
            assessment=assessment,
            domain=domain,
            level=level,
            notes=(notes or {}).get(domain, "").strip(),
        )
        need.full_clean()
        need.save()
    _audit(actor, AuditAction.CREATE, assessment, case, domains=sorted(needs))
    return assessment


def _plan_for(case: Case) -> ReintegrationPlan:
    plan, _created = ReintegrationPlan.objects.get_or_create(case=case)
    return plan


@transaction.atomic
def plan_update(
    *, actor: Any, case_id: int, goals: str, agreed_with_client: bool
) -> ReintegrationPlan:
    case = access_case(actor, case_id, need=Action.UPDATE)
    plan = _plan_for(case)
    plan.goals = goals.strip()
    plan.agreed_with_client = agreed_with_client
    plan.full_clean()
    plan.save()
    _audit(actor, AuditAction.UPDATE, plan, case)
    return plan


@transaction.atomic
def measure_add(
    *,
    actor: Any,
    case_id: int,
    type: MeasureType,
    description: str = "",
    provider: Organisation | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    status: str = MeasureStatus.PLANNED,
) -> Measure:
    case = access_case(actor, case_id, need=Action.UPDATE)
    if case.status == CaseStatus.CLOSED:
        raise DomainError(_("Reopen the case before adding measures."))
    if not type.is_active:
        raise ValidationError({"type": _("This measure type is no longer offered.")})
    measure = Measure(
        plan=_plan_for(case),
        type=type,
        description=description.strip(),
        provider=provider,
        start_date=start_date,
        end_date=end_date,
        status=status,
        created_by=actor,
    )
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The end cannot be before the start.")})
    measure.full_clean()
    measure.save()
    _audit(actor, AuditAction.CREATE, measure, case, type=type.code, category=type.category)
    return measure


@transaction.atomic
def measure_set_status(*, actor: Any, measure_id: int, status: str) -> Measure:
    measure = Measure.objects.select_related("plan").filter(pk=measure_id).first()
    if measure is None:
        raise NotFound
    case = access_case(actor, measure.plan.case_id, need=Action.UPDATE)
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    measure.status = status
    if status == MeasureStatus.COMPLETED and not measure.end_date:
        measure.end_date = timezone.localdate()
    # The creator may have left (SET_NULL): that must not block later status changes.
    measure.full_clean(exclude=["created_by"])
    measure.save()
    _audit(actor, AuditAction.UPDATE, measure, case, status=status)
    return measure


def measure_record_for_case(
    *,
    actor: Any,
    case: Case,
    type_code: str,
    description: str = "",
    start_date: dt.date | None = None,
    status: str = MeasureStatus.COMPLETED,
) -> Measure:
    """A measure that another module's service records as a consequence of its own,
    already authorized action (e.g. a hire recorded by an employer). Must run inside that
    service's transaction; audited here."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("measure_record_for_case must run inside the caller's transaction")
    measure = Measure(
        plan=_plan_for(case),
        type=MeasureType.objects.get(code=type_code),
        description=description[:500],
        start_date=start_date,
        status=status,
        created_by=actor,
    )
    measure.full_clean()
    measure.save()
    _audit(actor, AuditAction.CREATE, measure, case, type=type_code, category=measure.type.category)
    return measure
