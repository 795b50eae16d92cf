"""The JSON API at /api/v1/: the same selectors and services as the UI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError

from perspektive.accounts.models import User
from perspektive.api.auth import TokenAuth
from perspektive.api.schemas import (
    CaseIn,
    CaseOut,
    CasePage,
    CasePatch,
    ClientIn,
    ClientListItem,
    ClientOut,
    ClientPage,
    ClientPatch,
    DuplicateOut,
    ErrorOut,
    StatusIn,
    page_out,
)
from perspektive.cases import selectors as case_selectors
from perspektive.cases import services as case_services
from perspektive.cases.models import Case, CaseStatus
from perspektive.cases.transitions import allowed_next
from perspektive.clients import selectors as client_selectors
from perspektive.clients import services as client_services
from perspektive.clients.models import Client
from perspektive.clients.policy import client_allows
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden, NotFound
from perspektive.organisations.models import Organisation

api = NinjaAPI(
    title="Perspektive API",
    version="1",
    description="Clients and cases of return and reintegration counselling. Staff tokens only.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
)

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Forbidden)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not allowed for your role.")}, status=403)


@api.exception_handler(client_services.PossibleDuplicate)
def _duplicate(request: HttpRequest, exc: client_services.PossibleDuplicate) -> HttpResponse:
    candidates = [
        {
            "id": c.client.pk,
            "reference": c.client.reference,
            "name": c.client.name,
            "score": round(c.score),
            "reasons": c.reasons,
        }
        for c in exc.candidates
    ]
    return api.create_response(
        request,
        {
            "detail": _(
                "This person may already be registered. Send confirm_not_duplicate=true to "
                "register them anyway."
            ),
            "candidates": candidates,
        },
        status=409,
    )


@api.exception_handler(DomainError)
def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("A valid bearer token is required.")}, status=401
    )


# Clients ---------------------------------------------------------------------------------


def _client_out(user: Any, client: Client) -> dict[str, Any]:
    data = {
        "id": client.pk,
        "reference": client.reference,
        "name": client.name,
        "name_latin": client.name_latin,
        "birth_date": client.birth_date,
        "birth_date_approximate": client.birth_date_approximate,
        "sex": client.sex,
        "nationality": str(client.nationality or ""),
        "languages": client.languages,
        "phone": str(client.phone or ""),
        "email": client.email,
        "target_group": client.target_group,
        "household_size": client.household_size,
        "children_count": client.children_count,
        "organisation": {
            "id": client.organisation.pk,
            "name": client.organisation.name,
            "kind": client.organisation.kind,
            "country": client.organisation.country_id,
        },
        "special": None,
    }
    if client_allows(user, client, Action.VIEW, Resource.CLIENT_SPECIAL):
        data["special"] = {f: getattr(client, f) for f in Client.SPECIAL_FIELDS}
    return data


@api.get("/clients", response={200: ClientPage, **ERRORS}, url_name="client_list", tags=["clients"])
def list_clients(
    request: HttpRequest,
    q: str = "",
    birth_date: dt.date | None = None,
    birth_year: int | None = Query(None, ge=1900, le=2100),
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=100),
) -> Any:
    """Clients you may see; with ``q``, those whose name matches in any script or spelling,
    best first."""
    result = client_selectors.client_search(
        user=request.user,
        query=q[:200],
        birth_date=birth_date,
        birth_year=birth_year,
        page=page,
        page_size=page_size,
    )
    items = [
        ClientListItem(
            id=c.pk,
            reference=c.reference,
            name=c.name,
            name_latin=c.name_latin,
            birth_date=c.birth_date,
            target_group=c.target_group,
            organisation_id=c.organisation_id,
        )
        for c in result.items
    ]
    return {
        "items": items,
        "page": result.number,
        "pages": result.num_pages,
        "total": result.total,
        "capped": result.capped,
    }


@api.get(
    "/clients/{int:client_id}",
    response={200: ClientOut, **ERRORS},
    url_name="client_detail",
    tags=["clients"],
)
def get_client(request: HttpRequest, client_id: int) -> Any:
    client = client_selectors.client_get_for_view(user=request.user, client_id=client_id)
    return _client_out(request.user, client)


@api.post(
    "/clients",
    response={201: ClientOut, 409: DuplicateOut, **{k: v for k, v in ERRORS.items() if k != 409}},
    url_name="client_create",
    tags=["clients"],
)
def create_client(request: HttpRequest, payload: ClientIn) -> Any:
    data = payload.dict()
    organisation = Organisation.objects.filter(pk=data.pop("organisation_id")).first()
    if organisation is None:
        raise NotFound
    confirm = data.pop("confirm_not_duplicate")
    for field in Client.SPECIAL_FIELDS:
        if data.get(field) is None:
            data.pop(field)
    client = client_services.client_create(
        actor=request.user, organisation=organisation, confirm_not_duplicate=confirm, **data
    )
    return Status(201, _client_out(request.user, client))


@api.patch(
    "/clients/{int:client_id}",
    response={200: ClientOut, **ERRORS},
    url_name="client_update",
    tags=["clients"],
)
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> Any:
    data = payload.dict(exclude_unset=True)
    client = client_services.client_update(actor=request.user, client_id=client_id, **data)
    return _client_out(request.user, client)


# Cases -----------------------------------------------------------------------------------


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "client_id": case.client_id,
        "client_name": case.client.name,
        "organisation_id": case.organisation_id,
        "counsellor_id": case.counsellor_id,
        "status": case.status,
        "allowed_next": allowed_next(case.status),
        "vulnerabilities": case.vulnerabilities,
        "return_date": case.return_date,
        "next_follow_up": case.next_follow_up,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


# An unknown status is refused (422), not silently read as "all cases".
STATUS_FILTER = "^(|open|" + "|".join(CaseStatus.values) + ")$"


@api.get("/cases", response={200: CasePage, **ERRORS}, url_name="case_list", tags=["cases"])
def list_cases(
    request: HttpRequest,
    status: str = Query("", pattern=STATUS_FILTER),
    mine: bool = False,
    q: str = "",
    follow_up_due: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(25, ge=1, le=100),
) -> Any:
    """Cases you may see. ``status``: one status, ``open`` (not closed) or empty (all)."""
    result = case_selectors.case_list(
        user=request.user,
        status=status,
        mine=mine,
        query=q[:200],
        follow_up_due=follow_up_due,
        page=page,
        page_size=page_size,
    )
    return page_out(result, [_case_out(c) for c in result.object_list])


@api.get(
    "/cases/{int:case_id}",
    response={200: CaseOut, **ERRORS},
    url_name="case_detail",
    tags=["cases"],
)
def get_case(request: HttpRequest, case_id: int) -> Any:
    return _case_out(case_selectors.case_get_for_view(user=request.user, case_id=case_id))


def _counsellor(counsellor_id: int | None) -> User | None:
    if counsellor_id is None:
        return None
    user = User.objects.filter(pk=counsellor_id, is_active=True).first()
    if user is None:
        raise ValidationError({"counsellor_id": _("No such user.")})
    return user


@api.post("/cases", response={201: CaseOut, **ERRORS}, url_name="case_create", tags=["cases"])
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise NotFound
    case = case_services.case_open(
        actor=request.user,
        client_id=payload.client_id,
        organisation=organisation,
        counsellor=_counsellor(payload.counsellor_id),
        return_date=payload.return_date,
        vulnerabilities=payload.vulnerabilities,
    )
    return Status(201, _case_out(case))


@api.patch(
    "/cases/{int:case_id}",
    response={200: CaseOut, **ERRORS},
    url_name="case_update",
    tags=["cases"],
)
def update_case(request: HttpRequest, case_id: int, payload: CasePatch) -> Any:
    data = payload.dict(exclude_unset=True)
    if "counsellor_id" in data:
        data["counsellor"] = _counsellor(data.pop("counsellor_id"))
    case = case_services.case_update(actor=request.user, case_id=case_id, **data)
    return _case_out(case)


@api.post(
    "/cases/{int:case_id}/status",
    response={200: CaseOut, **ERRORS},
    url_name="case_status",
    tags=["cases"],
)
def change_case_status(request: HttpRequest, case_id: int, payload: StatusIn) -> Any:
    case = case_services.case_change_status(
        actor=request.user, case_id=case_id, to_status=payload.to_status, reason=payload.reason
    )
    return _case_out(case)


from perspektive.api.jobs import router as jobs_router  # noqa: E402

api.add_router("/jobs", jobs_router)

from perspektive.api.appointments import router as appointments_router  # noqa: E402

api.add_router("/appointments", appointments_router)

from perspektive.api.handovers import router as handovers_router  # noqa: E402

api.add_router("/handovers", handovers_router)

from perspektive.api.partner_referrals import router as partner_referrals_router  # noqa: E402

api.add_router("/referrals", partner_referrals_router)

from perspektive.api.learning import router as learning_router  # noqa: E402

api.add_router("/learning", learning_router)
