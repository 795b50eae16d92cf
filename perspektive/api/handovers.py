"""Handovers in the JSON API (staff tokens): the same selectors and services as the pages.
Handovers outside the user's side (other offices, other centres) are 404.

The sending side gets its own draft fields (needs, vulnerabilities) and its client's id;
the receiving centre gets ``shared`` (the consented sections of the sending record) while
the handover waits for its answer, and afterwards the ids of its own client and case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from perspektive.accounts.models import User
from perspektive.api.jobs import ERRORS
from perspektive.api.schemas import page_out
from perspektive.core.authz import Action
from perspektive.core.errors import NotFound
from perspektive.organisations.models import Organisation
from perspektive.referrals import selectors, services
from perspektive.referrals.models import Handover, HandoverStatus
from perspektive.referrals.policy import Side, sides_of

router = Router(tags=["handovers"])

STATUS_FILTER = "^(|open|" + "|".join(HandoverStatus.values) + ")$"


class ConflictOut(Schema):
    detail: Any = Field(..., description="A message")
    candidates: list[dict[str, Any]] | None = Field(
        None, description="On acceptance: people at the centre who may be the same person"
    )


class OrgRef(Schema):
    id: int
    name: str


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    note: str
    at: dt.datetime


class ExperienceOut(Schema):
    occupation: str
    employer: str
    country: str
    start_date: dt.date
    end_date: dt.date | None


class QualificationOut(Schema):
    title: str
    awarded_in: str
    year: int | None
    recognition: str


class JobProfileOut(Schema):
    occupations: list[str]
    experiences: list[ExperienceOut]
    qualifications: list[QualificationOut]
    summary: str


class SharedOut(Schema):
    """The consented sections; keys of sections not shared are null."""

    sections: list[str]
    name: str
    name_latin: str
    birth_date: dt.date | None
    birth_date_approximate: bool
    sex: str
    nationality: str
    phone: str | None = None
    email: str | None = None
    languages: list[str] | None = None
    household_size: int | None = None
    children_count: int | None = None
    needs_summary: str | None = None
    vulnerabilities: list[str] | None = None
    health_notes: str | None = None
    psychosocial_notes: str | None = None
    job_profile: JobProfileOut | None = None


class HandoverOut(Schema):
    id: int
    reference: str
    status: str
    overdue: bool
    side: list[str] = Field(..., description="sender and/or receiver")
    allowed_next: list[str]
    from_organisation: OrgRef
    to_centre: OrgRef
    planned_departure: dt.date
    sections: list[str]
    client_id: int | None = Field(None, description="Sending side only")
    needs_summary: str | None = Field(None, description="Sending side only")
    vulnerabilities: list[str] | None = Field(None, description="Sending side only")
    counsellor_id: int | None
    centre_client_id: int | None = Field(None, description="Receiving centre only")
    case_id: int | None = Field(None, description="Receiving centre only")
    decline_reason: str
    departed_on: dt.date | None
    arrived_on: dt.date | None
    first_contact_on: dt.date | None
    sent_at: dt.datetime | None
    escalated_at: dt.datetime | None
    consent_missing: bool = Field(
        False, description="Receiving centre: the client's consent no longer covers the sections"
    )
    shared: SharedOut | None = None
    events: list[EventOut] = []
    created_at: dt.datetime
    updated_at: dt.datetime


class HandoverPage(Schema):
    items: list[HandoverOut]
    page: int
    pages: int
    total: int


class HandoverIn(Schema):
    client_id: int
    to_centre_id: int
    planned_departure: dt.date
    sections: list[str] = Field(
        default_factory=list, description="Besides identity, which is always shared"
    )
    needs_summary: str = Field("", max_length=2000)
    vulnerabilities: list[str] = Field(default_factory=list)
    from_organisation_id: int | None = None


class HandoverStatusIn(Schema):
    to_status: str
    reason: str = Field("", max_length=500)
    on: dt.date | None = Field(None, description="Date of departure, arrival or first contact")
    counsellor_id: int | None = Field(None, description="On acceptance: who takes the case")
    confirm_not_duplicate: bool = False


def _shared(view: selectors.Shared | None) -> dict[str, Any] | None:
    if view is None:
        return None
    f = view.fields
    out: dict[str, Any] = {
        "sections": view.sections,
        "name": f["name"],
        "name_latin": f["name_latin"],
        "birth_date": f["birth_date"],
        "birth_date_approximate": f["birth_date_approximate"],
        "sex": f["sex"],
        "nationality": str(f["nationality"] or ""),
        "needs_summary": view.needs_summary,
        "vulnerabilities": view.vulnerabilities,
    }
    if "phone" in f:
        out["phone"] = str(f["phone"] or "")
        out["email"] = f["email"]
    for name in ("languages", "household_size", "children_count"):
        if name in f:
            out[name] = f[name]
    for name in ("health_notes", "psychosocial_notes"):
        if name in f:
            out[name] = f[name] or ""
    if view.job_profile is not None:
        p = view.job_profile
        out["job_profile"] = {
            "occupations": p.occupations,
            "experiences": [
                {
                    "occupation": e["occupation"],
                    "employer": e["employer"],
                    "country": e["country"],
                    "start_date": e["from"],
                    "end_date": e["until"],
                }
                for e in p.experiences
            ],
            "qualifications": p.qualifications,
            "summary": p.summary,
        }
    return out


def _out(
    user: Any,
    handover: Handover,
    *,
    view: selectors.HandoverView | None = None,
    with_events: bool = True,
) -> dict[str, Any]:
    sides = view.sides if view is not None else sides_of(user, handover)
    sender, receiver = Side.SENDER in sides, Side.RECEIVER in sides
    data: dict[str, Any] = {
        "id": handover.pk,
        "reference": handover.reference,
        "status": handover.status,
        "overdue": selectors.is_overdue(handover),
        "side": sorted(str(s) for s in sides if s in (Side.SENDER, Side.RECEIVER)),
        "allowed_next": services.allowed_next(
            handover, sides_of(user, handover, Action.CHANGE_STATUS)
        ),
        "from_organisation": {
            "id": handover.from_organisation_id,
            "name": handover.from_organisation.name,
        },
        "to_centre": {"id": handover.to_centre_id, "name": handover.to_centre.name},
        "planned_departure": handover.planned_departure,
        "sections": handover.sections,
        "counsellor_id": handover.counsellor_id,
        "decline_reason": handover.decline_reason,
        "departed_on": handover.departed_on,
        "arrived_on": handover.arrived_on,
        "first_contact_on": handover.first_contact_on,
        "sent_at": handover.sent_at,
        "escalated_at": handover.escalated_at,
        "created_at": handover.created_at,
        "updated_at": handover.updated_at,
    }
    if sender:
        data.update(
            client_id=handover.client_id,
            needs_summary=handover.needs_summary,
            vulnerabilities=handover.vulnerabilities,
        )
    if receiver:
        data.update(centre_client_id=handover.centre_client_id, case_id=handover.case_id)
    if view is not None:
        data["shared"] = _shared(view.shared)
        data["consent_missing"] = view.consent_missing
    if with_events:
        data["events"] = [
            {
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "at": e.at,
            }
            for e in handover.events.all()
        ]
    return data


@router.get("", response={200: HandoverPage, **ERRORS}, url_name="handover_list")
def list_handovers(
    request: HttpRequest,
    status: str = Query("", pattern=STATUS_FILTER),
    overdue: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=100),
) -> Any:
    """Outgoing handovers of your office, incoming ones of your centre. ``status``: one
    status, ``open`` (not declined, completed or cancelled) or empty (all)."""
    result = selectors.handover_list(
        user=request.user, status=status, overdue=overdue, page=page, page_size=page_size
    )
    return page_out(result, [_out(request.user, h, with_events=False) for h in result.object_list])


@router.get("/{int:handover_id}", response={200: HandoverOut, **ERRORS}, url_name="handover_detail")
def detail(request: HttpRequest, handover_id: int) -> Any:
    view = selectors.handover_get_for_view(user=request.user, handover_id=handover_id)
    return _out(request.user, view.handover, view=view)


@router.post("", response={201: HandoverOut, **ERRORS}, url_name="handover_create")
def create(request: HttpRequest, payload: HandoverIn) -> Any:
    """A draft handover of one of your office's clients; send it with a status change."""
    to_centre = Organisation.objects.filter(pk=payload.to_centre_id).first()
    if to_centre is None:
        raise ValidationError({"to_centre_id": _("No such centre.")})
    from_organisation = None
    if payload.from_organisation_id is not None:
        from_organisation = Organisation.objects.filter(pk=payload.from_organisation_id).first()
        if from_organisation is None:
            raise NotFound
    handover = services.handover_create(
        actor=request.user,
        client_id=payload.client_id,
        to_centre=to_centre,
        planned_departure=payload.planned_departure,
        sections=payload.sections,
        needs_summary=payload.needs_summary,
        vulnerabilities=payload.vulnerabilities,
        from_organisation=from_organisation,
    )
    return Status(201, _out(request.user, handover))


@router.post(
    "/{int:handover_id}/status",
    response={200: HandoverOut, 409: ConflictOut, **{k: v for k, v in ERRORS.items() if k != 409}},
    url_name="handover_status",
)
def change_status(request: HttpRequest, handover_id: int, payload: HandoverStatusIn) -> Any:
    """One step: sent, accepted (with ``counsellor_id``), declined (with ``reason``),
    departed / arrived / first_contact (with ``on``), completed, cancelled."""
    counsellor = None
    if payload.counsellor_id is not None:
        counsellor = User.objects.filter(pk=payload.counsellor_id, is_active=True).first()
        if counsellor is None:
            raise ValidationError({"counsellor_id": _("No such user.")})
    handover = services.handover_change_status(
        actor=request.user,
        handover_id=handover_id,
        to_status=payload.to_status,
        reason=payload.reason,
        on=payload.on,
        counsellor=counsellor,
        confirm_not_duplicate=payload.confirm_not_duplicate,
    )
    return _out(request.user, handover)
