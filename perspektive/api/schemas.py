from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: Any = Field(..., description="A message, or field -> messages")


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    country: str


class ClientOut(Schema):
    id: int
    reference: str
    name: str
    name_latin: str
    birth_date: dt.date | None
    birth_date_approximate: bool
    sex: str
    nationality: str
    languages: list[str]
    phone: str
    email: str
    target_group: str
    household_size: int | None
    children_count: int | None
    organisation: OrganisationOut
    special: dict[str, str | None] | None = Field(
        None, description="Special-category fields; present only for permitted roles"
    )


class ClientListItem(Schema):
    id: int
    reference: str
    name: str
    name_latin: str
    birth_date: dt.date | None
    target_group: str
    organisation_id: int


class ClientPage(Schema):
    items: list[ClientListItem]
    page: int
    pages: int
    total: int
    capped: bool = Field(description="More matches exist than were ranked; narrow the search")


class ClientIn(Schema):
    organisation_id: int
    name: str = Field(..., min_length=1, max_length=200)
    name_latin: str = Field("", max_length=200)
    birth_date: dt.date | None = None
    birth_date_approximate: bool = False
    sex: str = "undisclosed"
    nationality: str = ""
    languages: list[str] = []
    phone: str = ""
    email: str = ""
    target_group: str
    household_size: int | None = None
    children_count: int | None = None
    health_notes: str | None = None
    psychosocial_notes: str | None = None
    migration_status: str | None = None
    confirm_not_duplicate: bool = False


class ClientPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    name_latin: str | None = Field(None, max_length=200)
    birth_date: dt.date | None = None
    birth_date_approximate: bool | None = None
    sex: str | None = None
    nationality: str | None = None
    languages: list[str] | None = None
    phone: str | None = None
    email: str | None = None
    target_group: str | None = None
    household_size: int | None = None
    children_count: int | None = None
    health_notes: str | None = None
    psychosocial_notes: str | None = None
    migration_status: str | None = None


class DuplicateOut(Schema):
    detail: str
    candidates: list[dict[str, Any]]


class CaseOut(Schema):
    id: int
    reference: str
    client_id: int
    client_name: str
    organisation_id: int
    counsellor_id: int | None
    status: str
    allowed_next: list[str]
    vulnerabilities: list[str]
    return_date: dt.date | None
    next_follow_up: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CasePage(Schema):
    items: list[CaseOut]
    page: int
    pages: int
    total: int


class CaseIn(Schema):
    client_id: int
    organisation_id: int
    counsellor_id: int | None = None
    return_date: dt.date | None = None
    vulnerabilities: list[str] = []


class CasePatch(Schema):
    counsellor_id: int | None = None
    return_date: dt.date | None = None
    next_follow_up: dt.date | None = None
    vulnerabilities: list[str] | None = None


class StatusIn(Schema):
    to_status: str
    reason: str = ""


def page_out(result: Any, items: list[Any]) -> dict[str, Any]:
    """A page of a list endpoint: the items shown and where the page stands (``result`` is
    a Django ``Page``)."""
    return {
        "items": items,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "total": result.paginator.count,
    }
