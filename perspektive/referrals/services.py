"""Every write to handovers: validated, atomic, audited, each change a ``HandoverEvent``.

The state machine (``TRANSITIONS``) says which side takes which step:

    draft -> sent -> accepted -> departed -> arrived -> first_contact -> completed
                  -> declined (reason)
    draft, sent, accepted -> cancelled (sending side, before departure)

Sending needs the client's handover consent in force covering every shared section; the
centre reads those sections from the sending record until it answers, and on acceptance
gets a copy of exactly them (client, case, job profile). No override exists for handovers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.cases.models import Case, Note, Vulnerability
from perspektive.clients.models import Client, TargetGroup
from perspektive.clients.policy import access_client
from perspektive.consent.models import Consent, HandoverSection, Purpose, order_sections
from perspektive.consent.services import consent_in_force
from perspektive.core.authz import Action
from perspektive.core.errors import ConsentRequired, DomainError, Forbidden, InvalidTransition
from perspektive.organisations.models import Organisation, OrganisationKind
from perspektive.referrals.models import EventKind, Handover, HandoverEvent, HandoverStatus
from perspektive.referrals.policy import (
    Side,
    access_handover,
    is_centre_counsellor,
    sending_organisations,
    sides_of,
)

S = HandoverStatus
TRANSITIONS: dict[tuple[str, str], Side] = {
    (S.DRAFT, S.SENT): Side.SENDER,
    (S.DRAFT, S.CANCELLED): Side.SENDER,
    (S.SENT, S.ACCEPTED): Side.RECEIVER,
    (S.SENT, S.DECLINED): Side.RECEIVER,
    (S.SENT, S.CANCELLED): Side.SENDER,
    (S.ACCEPTED, S.DEPARTED): Side.SENDER,
    (S.ACCEPTED, S.CANCELLED): Side.SENDER,
    (S.DEPARTED, S.ARRIVED): Side.RECEIVER,
    (S.ARRIVED, S.FIRST_CONTACT): Side.RECEIVER,
    (S.FIRST_CONTACT, S.COMPLETED): Side.RECEIVER,
}
ESCALATE_AFTER = dt.timedelta(days=7)

# Client fields each section carries over (needs, vulnerabilities and the job profile are
# copied separately).
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    HandoverSection.IDENTITY: (
        "name",
        "name_latin",
        "birth_date",
        "birth_date_approximate",
        "sex",
        "nationality",
    ),
    HandoverSection.CONTACT: ("phone", "email"),
    HandoverSection.LANGUAGES: ("languages",),
    HandoverSection.HOUSEHOLD: ("household_size", "children_count"),
    HandoverSection.HEALTH: ("health_notes",),
    HandoverSection.PSYCHOSOCIAL: ("psychosocial_notes",),
}
EDITABLE = ("to_centre", "planned_departure", "needs_summary", "vulnerabilities", "sections")


def allowed_next(handover: Handover, sides: set[Side]) -> list[str]:
    """The states the user may move the handover to, in the machine's order."""
    return [
        to for (frm, to), side in TRANSITIONS.items() if frm == handover.status and side in sides
    ]


def covering_consent(handover: Handover) -> Consent | None:
    """The client's handover consent in force, if it covers every shared section."""
    consent = consent_in_force(handover.client, Purpose.HANDOVER)
    if consent is not None and consent.covers(handover.sections):
        return consent
    return None


def _require_consent(handover: Handover) -> Consent:
    consent = consent_in_force(handover.client, Purpose.HANDOVER)
    if consent is None:
        raise ConsentRequired(
            _(
                "The client has not consented to a transnational handover (or withdrew the "
                "consent). Record the consent, with notice version and language, first."
            )
        )
    missing = [code for code in handover.sections if code not in consent.sections]
    if missing:
        labels = dict(HandoverSection.choices)
        raise ConsentRequired(
            _(
                "The client's handover consent does not cover: %(sections)s. Share fewer "
                "sections, or record a new consent that includes them."
            )
            % {"sections": ", ".join(str(labels[code]) for code in missing)}
        )
    return consent


def _local_today(organisation: Organisation) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(organisation.country.time_zone)).date()


def _clean_fields(
    *,
    to_centre: Organisation | None,
    planned_departure: dt.date | None,
    sections: Any,
    vulnerabilities: Any,
    needs_summary: str,
) -> tuple[list[str], list[str], str]:
    """Check what a draft holds; returns sections (identity included), vulnerabilities,
    needs summary. Raises ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    if to_centre is None:
        errors["to_centre"] = _("Choose the centre.")
    elif to_centre.kind != OrganisationKind.COUNSELLING_CENTRE or not to_centre.is_active:
        errors["to_centre"] = _("Handovers go to an active counselling centre.")
    if planned_departure is None:
        errors["planned_departure"] = _("Give the planned departure date.")
    elif planned_departure < timezone.localdate():
        errors["planned_departure"] = _("The planned departure cannot be in the past.")
    if not isinstance(sections, list | tuple) or set(sections) - set(HandoverSection.values):
        errors["sections"] = _("Unknown section.")
        sections = []
    if not isinstance(vulnerabilities, list | tuple) or set(vulnerabilities) - set(
        Vulnerability.values
    ):
        errors["vulnerabilities"] = _("Unknown vulnerability.")
        vulnerabilities = []
    needs_summary = (needs_summary or "").strip()
    if len(needs_summary) > 2000:
        errors["needs_summary"] = _("At most 2,000 characters.")
    if errors:
        raise ValidationError(errors)
    return (
        order_sections([*sections, HandoverSection.IDENTITY]),
        sorted(set(vulnerabilities)),
        needs_summary,
    )


def _event(
    handover: Handover,
    actor: Any,
    from_status: str,
    kind: str = EventKind.STATUS,
    note: str = "",
) -> HandoverEvent:
    return HandoverEvent.objects.create(
        handover=handover,
        kind=kind,
        from_status=from_status,
        to_status=handover.status,
        note=note[:500],
        by=actor if getattr(actor, "pk", None) else None,
    )


def _audit(actor: Any, action: str, handover: Handover, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=handover,
        client_id=handover.client_id,
        organisation_id=handover.from_organisation_id,
        to_centre=handover.to_centre_id,
        **detail,
    )


@transaction.atomic
def handover_create(
    *,
    actor: Any,
    client_id: int,
    to_centre: Organisation | None,
    planned_departure: dt.date | None,
    sections: list[str],
    needs_summary: str = "",
    vulnerabilities: list[str] | None = None,
    from_organisation: Organisation | None = None,
) -> Handover:
    """A draft handover of the sending office's client to a centre."""
    client = access_client(actor, client_id)
    offices = sending_organisations(actor, client)
    if not offices:
        raise Forbidden
    if from_organisation is None:
        by_id = {o.pk: o for o in offices}
        from_organisation = by_id.get(client.organisation_id, offices[0])
    elif from_organisation.pk not in {o.pk for o in offices}:
        raise Forbidden
    sections, vulnerabilities, needs_summary = _clean_fields(
        to_centre=to_centre,
        planned_departure=planned_departure,
        sections=sections,
        vulnerabilities=vulnerabilities or [],
        needs_summary=needs_summary,
    )
    assert to_centre is not None and planned_departure is not None  # checked above
    open_one = Handover.objects.filter(client=client).exclude(status__in=[*_final()]).first()
    if open_one is not None:
        raise DomainError(
            _("This client already has a handover in progress (%(ref)s).")
            % {"ref": open_one.reference}
        )
    handover = Handover(
        client=client,
        from_organisation=from_organisation,
        to_centre=to_centre,
        planned_departure=planned_departure,
        needs_summary=needs_summary,
        vulnerabilities=vulnerabilities,
        sections=sections,
        created_by=actor,
    )
    handover.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            handover.save()
    except IntegrityError as exc:  # a parallel request created one
        raise DomainError(_("This client already has a handover in progress.")) from exc
    _event(handover, actor, "")
    _audit(actor, AuditAction.CREATE, handover, sections=sections)
    return handover


def _final() -> tuple[str, ...]:
    from perspektive.referrals.models import FINAL

    return tuple(str(s) for s in FINAL)


@transaction.atomic
def handover_update(*, actor: Any, handover_id: int, **data: Any) -> Handover:
    """Change a draft: centre, departure, needs, vulnerabilities, sections."""
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Unknown handover fields: {sorted(unknown)}")
    handover = access_handover(actor, handover_id, need=Action.UPDATE)
    if Side.SENDER not in sides_of(actor, handover, Action.UPDATE):
        raise Forbidden
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("to_centre")
        .get(pk=handover.pk)
    )
    if handover.status != HandoverStatus.DRAFT:
        raise DomainError(_("Only a draft can be changed; this handover was already sent."))
    merged = {f: data.get(f, getattr(handover, f)) for f in EDITABLE}
    sections, vulnerabilities, needs_summary = _clean_fields(
        to_centre=merged["to_centre"],
        planned_departure=merged["planned_departure"],
        sections=merged["sections"],
        vulnerabilities=merged["vulnerabilities"],
        needs_summary=merged["needs_summary"],
    )
    merged.update(sections=sections, vulnerabilities=vulnerabilities, needs_summary=needs_summary)
    changed = [f for f in EDITABLE if getattr(handover, f) != merged[f]]
    if not changed:
        return handover
    for field in changed:
        setattr(handover, field, merged[field])
    handover.full_clean(validate_constraints=False)
    handover.save()
    _event(handover, actor, handover.status, kind=EventKind.UPDATED)
    _audit(actor, AuditAction.UPDATE, handover, fields=sorted(changed))
    return handover


@transaction.atomic
def handover_change_status(
    *,
    actor: Any,
    handover_id: int,
    to_status: str,
    reason: str = "",
    on: dt.date | None = None,
    counsellor: Any = None,
    confirm_not_duplicate: bool = False,
) -> Handover:
    """Move a handover one step. ``reason`` for declining (and, optionally, cancelling);
    ``on`` the date of departure, arrival or first contact; ``counsellor`` of the centre on
    acceptance. Refusals raise and change nothing."""
    handover = access_handover(actor, handover_id, need=Action.CHANGE_STATUS)
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("client", "from_organisation__country", "to_centre__country")
        .get(pk=handover.pk)
    )
    from_status = handover.status
    side = TRANSITIONS.get((from_status, to_status))
    if side is None:
        labels = dict(HandoverStatus.choices)
        raise InvalidTransition(
            _("A handover cannot go from “%(from)s” to “%(to)s”.")
            % {"from": labels[from_status], "to": labels.get(to_status, to_status)}
        )
    if side not in sides_of(actor, handover, Action.CHANGE_STATUS):
        raise Forbidden
    reason = (reason or "").strip()
    note = ""
    detail: dict[str, Any] = {}
    if to_status == S.SENT:
        handover.consent = _require_consent(handover)
        if handover.planned_departure < timezone.localdate():
            raise ValidationError(
                {"planned_departure": _("The planned departure is in the past: change it first.")}
            )
        handover.sent_at = timezone.now()
        handover.sent_by = actor
        detail["sections"] = handover.sections
    elif to_status == S.ACCEPTED:
        handover.consent = _require_consent(handover)
        if counsellor is None or not is_centre_counsellor(handover.to_centre, counsellor.pk):
            raise ValidationError(
                {"counsellor": _("Choose a counsellor of the centre to take over the case.")}
            )
        handover.counsellor = counsellor
        handover.accepted_at = timezone.now()
        _copy_for_centre(handover, actor, confirm_not_duplicate)
        detail.update(centre_client=handover.centre_client_id, case=handover.case_id)
    elif to_status == S.DECLINED:
        if not reason:
            raise ValidationError({"reason": _("Say why the centre declines the handover.")})
        handover.decline_reason = reason[:500]
        note = reason
    elif to_status == S.CANCELLED:
        note = reason
    elif to_status in (S.DEPARTED, S.ARRIVED, S.FIRST_CONTACT):
        _set_date(handover, to_status, on)
        detail["on"] = str(on)
    handover.status = to_status
    handover.full_clean(validate_constraints=False)
    handover.save()
    _event(handover, actor, from_status, note=note)
    _audit(
        actor, AuditAction.STATUS, handover, from_status=from_status, to_status=to_status, **detail
    )
    if to_status == S.SENT:
        pk, sent_at = handover.pk, handover.sent_at
        transaction.on_commit(lambda: _schedule_escalation(pk, sent_at))
    return handover


def _schedule_escalation(handover_id: int, sent_at: dt.datetime | None) -> None:
    from perspektive.referrals.tasks import escalate_handover

    if sent_at is None:
        return
    escalate_handover.using(run_after=sent_at + ESCALATE_AFTER).enqueue(
        handover_id, sent_at.isoformat()
    )


def _set_date(handover: Handover, to_status: str, on: dt.date | None) -> None:
    fields: dict[str, str] = {
        S.DEPARTED: "departed_on",
        S.ARRIVED: "arrived_on",
        S.FIRST_CONTACT: "first_contact_on",
    }
    field = fields[to_status]
    if on is None:
        raise ValidationError({"on": _("Give the date.")})
    where = handover.from_organisation if to_status == S.DEPARTED else handover.to_centre
    if on > _local_today(where):
        raise ValidationError({"on": _("This date is in the future.")})
    earlier = {"arrived_on": handover.departed_on, "first_contact_on": handover.arrived_on}.get(
        field
    )
    if earlier is not None and on < earlier:
        raise ValidationError(
            {
                "on": _("The date cannot be before %(date)s, the previous step.")
                % {"date": earlier.isoformat()}
            }
        )
    setattr(handover, field, on)
    if to_status == S.ARRIVED and handover.case_id:
        # The centre's case learns the real return date.
        Case.objects.filter(pk=handover.case_id).update(return_date=on)


def _copy_for_centre(handover: Handover, actor: Any, confirm_not_duplicate: bool) -> None:
    """The centre's own record: a copy of exactly the consented sections, a case assigned
    to the chosen counsellor, the needs as its first note, the job profile if shared.
    Runs inside ``handover_change_status``'s transaction; a refusal rolls it all back."""
    from perspektive.cases.services import case_open
    from perspektive.clients.services import client_create

    source = handover.client
    shared = set(handover.sections)
    data: dict[str, Any] = {"target_group": TargetGroup.RETURNEE_GERMANY}
    for section, fields in SECTION_FIELDS.items():
        if section not in shared:
            continue
        for field in fields:
            value = getattr(source, field)
            if field == "nationality":
                value = value.code if value else ""
            if field in Client.SPECIAL_FIELDS and not value:
                continue
            data[field] = value
    client = client_create(
        actor=actor,
        organisation=handover.to_centre,
        confirm_not_duplicate=confirm_not_duplicate,
        **data,
    )
    case = case_open(
        actor=actor,
        client_id=client.pk,
        organisation=handover.to_centre,
        counsellor=handover.counsellor,
        return_date=handover.planned_departure,
        vulnerabilities=handover.vulnerabilities
        if HandoverSection.VULNERABILITIES in shared
        else [],
    )
    if HandoverSection.NEEDS in shared and handover.needs_summary:
        note = Note.objects.create(
            case=case,
            author=actor,
            text=_("Needs summary from %(office)s:") % {"office": handover.from_organisation.name}
            + "\n"
            + handover.needs_summary,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=note,
            client_id=client.pk,
            organisation_id=case.organisation_id,
            case_id=case.pk,
            handover=handover.pk,
        )
    if HandoverSection.JOB_PROFILE in shared:
        _copy_job_profile(source, client, handover, actor)
    handover.centre_client = client
    handover.case = case
    audit_record(
        actor=actor,
        action=AuditAction.SHARE,
        obj=source,
        client_id=source.pk,
        organisation_id=handover.from_organisation_id,
        handover=handover.pk,
        to_organisation=handover.to_centre_id,
        sections=handover.sections,
    )


def _copy_job_profile(source: Client, client: Client, handover: Handover, actor: Any) -> None:
    from perspektive.jobs.models import Experience, JobSeekerProfile, Qualification

    original = JobSeekerProfile.objects.filter(client=source).first()
    if original is None:
        return
    centre = handover.to_centre
    profile = JobSeekerProfile(
        client=client,
        country_id=centre.country_id,
        city=centre.city,
        languages=original.languages,
        willing_to_move=original.willing_to_move,
        max_distance_km=original.max_distance_km,
        available_from=original.available_from,
        summary=original.summary,
    )
    profile.full_clean()
    profile.save()
    profile.occupations_wanted.set(original.occupations_wanted.all())
    profile.skills.set(original.skills.all())
    Experience.objects.bulk_create(
        Experience(
            profile=profile,
            occupation_id=e.occupation_id,
            employer_name=e.employer_name,
            country=e.country,
            start_date=e.start_date,
            end_date=e.end_date,
            description=e.description,
        )
        for e in original.experiences.all()
    )
    Qualification.objects.bulk_create(
        Qualification(
            profile=profile,
            title=q.title,
            awarded_in=q.awarded_in,
            year=q.year,
            recognition=q.recognition,
            certificate_code=q.certificate_code,
        )
        for q in original.qualifications.all()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=profile,
        client_id=client.pk,
        organisation_id=centre.pk,
        handover=handover.pk,
    )


@transaction.atomic
def handover_escalate(*, handover_id: int, sent_at: str) -> Handover | None:
    """Mark a handover still waiting 7 days after sending as escalated (the worker's task
    calls this). Returns None when there is nothing to escalate."""
    handover = (
        Handover.objects.select_for_update(of=("self",))
        .select_related("to_centre", "from_organisation")
        .filter(pk=handover_id)
        .first()
    )
    if (
        handover is None
        or handover.status != HandoverStatus.SENT
        or handover.escalated_at is not None
        or handover.sent_at is None
        or handover.sent_at.isoformat() != sent_at
        or timezone.now() < handover.sent_at + ESCALATE_AFTER
    ):
        return None
    handover.escalated_at = timezone.now()
    handover.save(update_fields=["escalated_at", "updated_at"])
    _event(handover, None, handover.status, kind=EventKind.ESCALATED)
    _audit(None, AuditAction.UPDATE, handover, escalated=True)
    return handover
