"""Jobs in the JSON API: offers, occupations, job-seeker profiles, matches and proposals.
The same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from perspektive.api.schemas import page_out
from perspektive.clients.policy import access_client
from perspektive.core.authz import Resource
from perspektive.core.errors import NotFound
from perspektive.core.models import Country
from perspektive.jobs import selectors, services
from perspektive.jobs.models import Application, JobOffer, JobSeekerProfile, Occupation
from perspektive.jobs.policy import access_offer, registering_centre
from perspektive.jobs.reasons import reason_text
from perspektive.organisations.models import Organisation

router = Router(tags=["jobs"])


class ErrorOut(Schema):
    detail: Any


ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class OccupationOut(Schema):
    id: int
    uri: str
    label: str
    isco: str


class OfferOut(Schema):
    id: int
    title: str
    occupation: OccupationOut
    employer_id: int
    employer: str
    description: str
    languages: dict[str, int]
    country: str
    region: str
    city: str
    contract_type: str
    working_time: str
    wage_min: Decimal | None
    wage_max: Decimal | None
    wage_currency: str
    wage_period: str
    positions: int
    start_date: dt.date | None
    deadline: dt.date | None
    status: str
    required_skills: list[str]
    optional_skills: list[str]


class OfferPage(Schema):
    items: list[OfferOut]
    page: int
    pages: int
    total: int


class OfferIn(Schema):
    employer_id: int
    title: str = Field(..., min_length=1, max_length=200)
    occupation_id: int
    description: str = Field("", max_length=5000)
    languages: dict[str, int] = {}
    country: str = Field(..., min_length=2, max_length=2)
    region: str = Field("", max_length=100)
    city: str = Field(..., min_length=1, max_length=100)
    contract_type: str
    working_time: str
    wage_min: Decimal | None = Field(None, ge=0)
    wage_max: Decimal | None = Field(None, ge=0)
    wage_currency: str = Field("", max_length=3)
    wage_period: str = ""
    positions: int = Field(1, ge=1, le=1000)
    start_date: dt.date | None = None
    deadline: dt.date | None = None
    required_skill_ids: list[int] = []
    optional_skill_ids: list[int] = []


class OfferPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    occupation_id: int | None = None
    description: str | None = Field(None, max_length=5000)
    languages: dict[str, int] | None = None
    city: str | None = Field(None, min_length=1, max_length=100)
    region: str | None = Field(None, max_length=100)
    positions: int | None = Field(None, ge=1, le=1000)
    start_date: dt.date | None = None
    deadline: dt.date | None = None


class StatusIn(Schema):
    status: str


class ReasonOut(Schema):
    code: str
    positive: bool
    text: str


class MatchOut(Schema):
    offer: OfferOut
    score: int
    reasons: list[ReasonOut]
    proposed: bool


class ProfileOut(Schema):
    client_id: int
    country: str
    city: str
    languages: dict[str, int]
    willing_to_move: bool
    max_distance_km: int
    available_from: dt.date | None
    occupations_wanted: list[OccupationOut]
    experience: list[dict[str, Any]]
    qualifications: list[dict[str, Any]]


class ProfileIn(Schema):
    country: str = Field(..., min_length=2, max_length=2)
    city: str = Field("", max_length=100)
    languages: dict[str, int] = {}
    willing_to_move: bool = False
    max_distance_km: int = Field(30, ge=0, le=2000)
    available_from: dt.date | None = None
    summary: str = Field("", max_length=2000)
    occupation_ids: list[int] | None = Field(None, max_length=5)


class ProposalIn(Schema):
    offer_id: int
    override_reason: str = Field("", max_length=500)


class ApplicationOut(Schema):
    id: int
    offer_id: int
    client_id: int
    status: str
    proposed_at: dt.datetime
    score: int | None


def _occupation(o: Occupation) -> dict[str, Any]:
    return {"id": o.pk, "uri": o.uri, "label": o.label, "isco": o.isco_id}


def _offer_out(offer: JobOffer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "title": offer.title,
        "occupation": _occupation(offer.occupation),
        "employer_id": offer.employer_id,
        "employer": offer.employer.name,
        "description": offer.description,
        "languages": offer.languages or {},
        "country": offer.country_id,
        "region": offer.region,
        "city": offer.city,
        "contract_type": offer.contract_type,
        "working_time": offer.working_time,
        "wage_min": offer.wage_min,
        "wage_max": offer.wage_max,
        "wage_currency": offer.wage_currency,
        "wage_period": offer.wage_period,
        "positions": offer.positions,
        "start_date": offer.start_date,
        "deadline": offer.deadline,
        "status": offer.status,
        "required_skills": [s.uri for s in offer.required_skills.all()],
        "optional_skills": [s.uri for s in offer.optional_skills.all()],
    }


def _application_out(a: Application) -> dict[str, Any]:
    return {
        "id": a.pk,
        "offer_id": a.offer_id,
        "client_id": a.client_id,
        "status": a.status,
        "proposed_at": a.proposed_at,
        "score": a.score,
    }


def _get_occupation(occupation_id: int) -> Occupation:
    occupation = Occupation.objects.filter(pk=occupation_id).first()
    if occupation is None:
        raise ValidationError({"occupation_id": _("Unknown occupation.")})
    return occupation


def _get_country(code: str) -> Country:
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise ValidationError({"country": _("Unknown country.")})
    return country


@router.get(
    "/occupations", response={200: list[OccupationOut], **ERRORS}, url_name="job_occupations"
)
def occupations(request: HttpRequest, q: str = Query(..., min_length=1, max_length=200)) -> Any:
    """ESCO occupations for a typed job title, best first."""
    return [_occupation(o) for o in selectors.occupation_suggest(q)]


@router.get("/offers", response={200: OfferPage, **ERRORS}, url_name="job_offer_list")
def list_offers(
    request: HttpRequest,
    q: str = "",
    country: str = "",
    status: str = "",
    mine: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=100),
) -> Any:
    result = selectors.offer_list(
        user=request.user,
        query=q[:200],
        country=country[:2].upper(),
        status=status,
        mine=mine,
        page=page,
        page_size=page_size,
    )
    items = list(result.object_list.prefetch_related("required_skills", "optional_skills"))
    return page_out(result, [_offer_out(o) for o in items])


@router.get(
    "/offers/{int:offer_id}", response={200: OfferOut, **ERRORS}, url_name="job_offer_detail"
)
def get_offer(request: HttpRequest, offer_id: int) -> Any:
    return _offer_out(access_offer(request.user, offer_id))


@router.post("/offers", response={201: OfferOut, **ERRORS}, url_name="job_offer_create")
def create_offer(request: HttpRequest, payload: OfferIn) -> Any:
    data = payload.dict()
    employer = Organisation.objects.filter(pk=data.pop("employer_id")).first()
    if employer is None:
        raise NotFound
    data["occupation"] = _get_occupation(data.pop("occupation_id"))
    data["country"] = _get_country(data["country"])
    data["wage_currency"] = (data.get("wage_currency") or "").upper()
    required, optional = data.pop("required_skill_ids"), data.pop("optional_skill_ids")
    user: Any = request.user
    registered_by = None
    if not employer.memberships.filter(user=user).exists():
        registered_by = registering_centre(user)
    offer = services.offer_create(
        actor=user,
        employer=employer,
        registered_by=registered_by,
        required_skills=required,
        optional_skills=optional,
        **data,
    )
    return Status(201, _offer_out(offer))


@router.patch(
    "/offers/{int:offer_id}", response={200: OfferOut, **ERRORS}, url_name="job_offer_update"
)
def update_offer(request: HttpRequest, offer_id: int, payload: OfferPatch) -> Any:
    data = payload.dict(exclude_unset=True)
    if "occupation_id" in data:
        data["occupation"] = _get_occupation(data.pop("occupation_id"))
    for field in ("title", "description", "city", "region", "languages", "positions"):
        if field in data and data[field] is None:
            raise ValidationError({field: _("This field cannot be empty.")})
    return _offer_out(services.offer_update(actor=request.user, offer_id=offer_id, **data))


@router.post(
    "/offers/{int:offer_id}/status", response={200: OfferOut, **ERRORS}, url_name="job_offer_status"
)
def set_offer_status(request: HttpRequest, offer_id: int, payload: StatusIn) -> Any:
    return _offer_out(
        services.offer_set_status(actor=request.user, offer_id=offer_id, status=payload.status)
    )


@router.get(
    "/profiles/{int:client_id}", response={200: ProfileOut, **ERRORS}, url_name="job_profile"
)
def get_profile(request: HttpRequest, client_id: int) -> Any:
    client = access_client(request.user, client_id, resource=Resource.JOB_PROFILE)
    profile = JobSeekerProfile.objects.filter(client=client).first()
    if profile is None:
        raise NotFound
    return {
        "client_id": client.pk,
        "country": profile.country_id,
        "city": profile.city,
        "languages": profile.languages or {},
        "willing_to_move": profile.willing_to_move,
        "max_distance_km": profile.max_distance_km,
        "available_from": profile.available_from,
        "occupations_wanted": [_occupation(o) for o in profile.occupations_wanted.all()],
        "experience": [
            {
                "occupation": _occupation(e.occupation),
                "country": e.country,
                "from": e.start_date.isoformat(),
                "until": e.end_date.isoformat() if e.end_date else None,
            }
            for e in profile.experiences.select_related("occupation")
        ],
        "qualifications": [
            {"title": q.title, "awarded_in": q.awarded_in, "recognition": q.recognition}
            for q in profile.qualifications.all()
        ],
    }


@router.put(
    "/profiles/{int:client_id}", response={200: ProfileOut, **ERRORS}, url_name="job_profile_save"
)
def save_profile(request: HttpRequest, client_id: int, payload: ProfileIn) -> Any:
    data = payload.dict()
    occupation_ids = data.pop("occupation_ids")
    data["country"] = _get_country(data["country"])
    wanted = None
    if occupation_ids is not None:
        wanted = list(Occupation.objects.filter(pk__in=occupation_ids))
        if len(wanted) != len(set(occupation_ids)):
            raise ValidationError({"occupation_ids": _("Unknown occupation.")})
    services.profile_save(
        actor=request.user, client_id=client_id, occupations_wanted=wanted, **data
    )
    return get_profile(request, client_id)


@router.get(
    "/profiles/{int:client_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    url_name="job_matches",
)
def matches(
    request: HttpRequest, client_id: int, country: str = "", limit: int = Query(20, ge=1, le=50)
) -> Any:
    """The best open offers for a client, with the reasons in the user's language."""
    profile, found = selectors.offers_for_client(
        user=request.user, client_id=client_id, country=country[:2].upper(), limit=limit
    )
    if profile is None:
        raise NotFound
    return [
        {
            "offer": _offer_out(m.offer),
            "score": m.match.score,
            "proposed": m.proposed,
            "reasons": [
                {"code": r.code, "positive": r.positive, "text": reason_text(r)}
                for r in m.match.reasons
            ],
        }
        for m in found
    ]


@router.post(
    "/profiles/{int:client_id}/proposals",
    response={201: ApplicationOut, **ERRORS},
    url_name="job_propose",
)
def propose(request: HttpRequest, client_id: int, payload: ProposalIn) -> Any:
    """Propose an offer to the client (a "job offer made"); needs job-matching consent."""
    application = services.offer_propose(
        actor=request.user,
        offer_id=payload.offer_id,
        client_id=client_id,
        override_reason=payload.override_reason,
    )
    return Status(201, _application_out(application))


@router.post(
    "/applications/{int:application_id}/status",
    response={200: ApplicationOut, **ERRORS},
    url_name="job_application_status",
)
def application_status(request: HttpRequest, application_id: int, payload: StatusIn) -> Any:
    return _application_out(
        services.application_set_status(
            actor=request.user, application_id=application_id, status=payload.status
        )
    )
