"""Partner referrals in the JSON API (staff tokens): the directory of partner services and
referrals, through the same services as the pages. A referral outside the user's side is
404, and so is one revoked or whose consent was withdrawn, for the partner.

The referring side gets the client's id and the note; the partner gets ``shared`` (the
consented sections, read now)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from perspektive.api.jobs import ERRORS
from perspektive.api.schemas import page_out
from perspektive.cases.models import Case
from perspektive.core.errors import NotFound
from perspektive.organisations.models import Organisation
from perspektive.referrals import partners
from perspektive.referrals.models import PartnerService, Referral, ReferralStatus, ServiceDomain
from perspektive.referrals.partners import Side

router = Router(tags=["referrals"])

STATUS_FILTER = "^(|open|" + "|".join(ReferralStatus.values) + ")$"
DOMAIN_FILTER = "^(|" + "|".join(ServiceDomain.values) + ")$"


class OrgRef(Schema):
    id: int
    name: str


class PartnerServiceOut(Schema):
    id: int
    organisation: OrgRef
    country: str
    city: str
    domain: str
    description: str
    languages: list[str]
    contact_phone: str
    contact_email: str


class ReferralEventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    note: str
    at: dt.datetime


class ReferralSharedOut(Schema):
    """The consented sections; keys of sections not shared are null."""

    sections: list[str]
    name: str
    name_latin: str
    birth_date: dt.date | None
    sex: str
    phone: str | None = None
    email: str | None = None
    languages: list[str] | None = None
    household_size: int | None = None
    children_count: int | None = None
    health_notes: str | None = None
    psychosocial_notes: str | None = None
    note: str | None = None


class ReferralOut(Schema):
    id: int
    reference: str
    status: str
    overdue: bool
    side: list[str] = Field(..., description="referrer and/or partner")
    allowed_next: list[str]
    from_organisation: OrgRef
    partner: OrgRef
    service_id: int
    domain: str
    deadline: dt.date
    sections: list[str]
    client_id: int | None = Field(None, description="Referring side only")
    case_id: int | None = Field(None, description="Referring side only")
    note: str | None = Field(None, description="Referring side only")
    measure_id: int | None = Field(None, description="Referring side only")
    decline_reason: str
    outcome_note: str
    overdue_at: dt.datetime | None
    shared: ReferralSharedOut | None = None
    events: list[ReferralEventOut] = []
    created_at: dt.datetime
    updated_at: dt.datetime


class ReferralPage(Schema):
    items: list[ReferralOut]
    page: int
    pages: int
    total: int


class ReferralIn(Schema):
    client_id: int
    service_id: int
    deadline: dt.date | None = Field(None, description="Empty: 7 days from today")
    sections: list[str] = Field(
        default_factory=list, description="Besides identity (the name), always shared"
    )
    note: str = Field("", max_length=2000)
    case_id: int | None = None
    from_organisation_id: int | None = None


class ReferralStatusIn(Schema):
    to_status: str
    reason: str = Field("", max_length=500, description="Declining: why; outcome: a note")


def _service(s: PartnerService) -> dict[str, Any]:
    return {
        "id": s.pk,
        "organisation": {"id": s.organisation_id, "name": s.organisation.name},
        "country": s.organisation.country_id,
        "city": s.organisation.city,
        "domain": s.domain,
        "description": s.description,
        "languages": s.languages,
        "contact_phone": s.contact_phone,
        "contact_email": s.contact_email,
    }


def _shared(shared: partners.Shared | None) -> dict[str, Any] | None:
    if shared is None:
        return None
    f = shared.fields
    out: dict[str, Any] = {
        "sections": shared.sections,
        "name": f["name"],
        "name_latin": f["name_latin"],
        "birth_date": f["birth_date"],
        "sex": f["sex"],
        "note": shared.note,
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
    return out


def _out(
    user: Any,
    referral: Referral,
    *,
    view: partners.ReferralView | None = None,
    with_events: bool = True,
) -> dict[str, Any]:
    sides = view.sides if view is not None else partners.sides_of(user, referral)
    data: dict[str, Any] = {
        "id": referral.pk,
        "reference": referral.reference,
        "status": referral.status,
        "overdue": partners.is_overdue(referral),
        "side": sorted(str(s) for s in sides if s in (Side.REFERRER, Side.PARTNER)),
        "allowed_next": partners.allowed_next(referral, user),
        "from_organisation": {
            "id": referral.from_organisation_id,
            "name": referral.from_organisation.name,
        },
        "partner": {"id": referral.partner_id, "name": referral.partner.name},
        "service_id": referral.service_id,
        "domain": referral.domain,
        "deadline": referral.deadline,
        "sections": referral.sections,
        "decline_reason": referral.decline_reason,
        "outcome_note": referral.outcome_note,
        "overdue_at": referral.overdue_at,
        "created_at": referral.created_at,
        "updated_at": referral.updated_at,
    }
    if Side.REFERRER in sides:
        data.update(
            client_id=referral.client_id,
            case_id=referral.case_id,
            note=referral.note,
            measure_id=referral.measure_id,
        )
    if view is not None:
        data["shared"] = _shared(view.shared)
    if with_events:
        data["events"] = [
            {
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "note": e.note,
                "at": e.at,
            }
            for e in referral.events.all()
        ]
    return data


@router.get(
    "/partners", response={200: list[PartnerServiceOut], **ERRORS}, url_name="partner_service_list"
)
def partner_services(
    request: HttpRequest,
    country: str = Query("", pattern="^([A-Za-z]{2})?$"),
    domain: str = Query("", pattern=DOMAIN_FILTER),
    language: str = Query("", max_length=8),
) -> Any:
    """The partner directory: active services, by country, domain and language."""
    return [
        _service(s)
        for s in partners.directory(
            user=request.user, country=country, domain=domain, language=language
        )
    ]


@router.get("", response={200: ReferralPage, **ERRORS}, url_name="referral_list")
def list_referrals(
    request: HttpRequest,
    status: str = Query("", pattern=STATUS_FILTER),
    overdue: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=100),
) -> Any:
    """Outgoing referrals of your organisation; incoming ones for partner staff."""
    result = partners.referral_list(
        user=request.user, status=status, overdue=overdue, page=page, page_size=page_size
    )
    return page_out(result, [_out(request.user, r, with_events=False) for r in result.object_list])


@router.get("/{int:referral_id}", response={200: ReferralOut, **ERRORS}, url_name="referral_detail")
def detail(request: HttpRequest, referral_id: int) -> Any:
    view = partners.referral_get_for_view(user=request.user, referral_id=referral_id)
    return _out(request.user, view.referral, view=view)


@router.post("", response={201: ReferralOut, **ERRORS}, url_name="referral_create")
def create(request: HttpRequest, payload: ReferralIn) -> Any:
    """Refer a client to a partner's service; sent at once (needs the referral consent)."""
    service = (
        PartnerService.objects.select_related("organisation").filter(pk=payload.service_id).first()
    )
    if service is None:
        raise ValidationError({"service_id": _("No such service.")})
    case = None
    if payload.case_id is not None:
        case = Case.objects.filter(pk=payload.case_id).first()
        if case is None:
            raise ValidationError({"case_id": _("No such case.")})
    from_organisation = None
    if payload.from_organisation_id is not None:
        from_organisation = Organisation.objects.filter(pk=payload.from_organisation_id).first()
        if from_organisation is None:
            raise NotFound
    referral = partners.referral_create(
        actor=request.user,
        client_id=payload.client_id,
        service=service,
        deadline=payload.deadline,
        note=payload.note,
        sections=payload.sections,
        case=case,
        from_organisation=from_organisation,
    )
    return Status(201, _out(request.user, referral))


@router.post(
    "/{int:referral_id}/status", response={200: ReferralOut, **ERRORS}, url_name="referral_status"
)
def change_status(request: HttpRequest, referral_id: int, payload: ReferralStatusIn) -> Any:
    """Partner: accepted, declined (with ``reason``), completed / failed (``reason``: the
    outcome). Referring side: revoked."""
    referral = partners.referral_change_status(
        actor=request.user,
        referral_id=referral_id,
        to_status=payload.to_status,
        reason=payload.reason,
    )
    return _out(request.user, referral)
