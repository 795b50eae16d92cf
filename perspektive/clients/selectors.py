"""Reads of clients, always scoped to the acting user."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet

from perspektive.audit.models import AuditAction
from perspektive.audit.services import audit_record
from perspektive.clients.models import Client
from perspektive.clients.policy import access_client, clients_for_search
from perspektive.core.names import name_keys, name_similarity, query_keys

# A search ranks at most this many matches; beyond it the user is asked to narrow down.
CANDIDATE_LIMIT = 500
_REFERENCE = re.compile(r"^\s*p-?0*(\d+)\s*$", re.IGNORECASE)


@dataclass
class SearchPage:
    items: list[Client]
    number: int
    num_pages: int
    total: int
    capped: bool  # more matches exist than were ranked

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def _filter_birth(
    qs: QuerySet[Client], birth_date: dt.date | None, birth_year: int | None
) -> QuerySet[Client]:
    if birth_date:
        # An approximate date of birth matches anything in the same year.
        qs = qs.filter(
            Q(birth_date=birth_date)
            | Q(birth_date_approximate=True, birth_date__year=birth_date.year)
        )
    elif birth_year:
        qs = qs.filter(birth_date__year=birth_year)
    return qs


def name_match_filter(query: str) -> Q | None:
    """Every query token must match one of the record's name keys; None: nothing to match."""
    tokens = query_keys(query)
    if not tokens:
        return None
    condition = Q()
    for keys in tokens:
        condition &= Q(search_keys__overlap=sorted(keys))
    return condition


def client_search(
    *,
    user: Any,
    query: str = "",
    birth_date: dt.date | None = None,
    birth_year: int | None = None,
    page: int = 1,
    page_size: int = 25,
) -> SearchPage:
    """Clients the user may see whose name matches ``query`` in any script or spelling,
    best matches first. Without a query: all visible clients by name."""
    qs = _filter_birth(clients_for_search(user), birth_date, birth_year)
    query = query.strip()
    reference = _REFERENCE.match(query)
    if reference:
        qs = qs.filter(pk=int(reference.group(1)))
        query = ""
    if not query:
        paginator = Paginator(
            qs.select_related("organisation").order_by("name_latin", "id"), page_size
        )
        page_obj = paginator.get_page(max(1, page))  # get_page turns 0 into the last page
        return SearchPage(
            list(page_obj.object_list),
            page_obj.number,
            paginator.num_pages,
            paginator.count,
            capped=False,
        )

    condition = name_match_filter(query)
    if condition is None:
        return SearchPage([], 1, 1, 0, capped=False)
    rows = list(qs.filter(condition).values_list("id", "name_latin")[: CANDIDATE_LIMIT + 1])
    capped = len(rows) > CANDIDATE_LIMIT
    rows = rows[:CANDIDATE_LIMIT]
    rows.sort(key=lambda r: (-name_similarity(query, r[1]), r[1], r[0]))
    total = len(rows)
    num_pages = max(1, -(-total // page_size))
    number = min(max(1, page), num_pages)
    ids = [r[0] for r in rows[(number - 1) * page_size : number * page_size]]
    by_id = Client.objects.select_related("organisation").in_bulk(ids)
    return SearchPage([by_id[i] for i in ids], number, num_pages, total, capped)


@dataclass
class DuplicateCandidate:
    client: Client
    score: float
    reasons: list[str]


def client_duplicates(
    *,
    user: Any,
    name: str,
    birth_date: dt.date | None,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[DuplicateCandidate]:
    """Likely existing records of the same person among the clients the user may see:
    a shared name key, a similar name and a compatible date of birth."""
    keys = name_keys(name)
    if not keys:
        return []
    qs = clients_for_search(user).filter(search_keys__overlap=keys)
    if birth_date:
        qs = qs.filter(
            Q(birth_date__isnull=True)
            | Q(
                birth_date__year__gte=birth_date.year - 1, birth_date__year__lte=birth_date.year + 1
            )
        )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    found: list[DuplicateCandidate] = []
    for client in qs.select_related("organisation")[:200]:
        score = name_similarity(name, client.name_latin)
        reasons = []
        if birth_date and client.birth_date == birth_date:
            score += 20
            reasons.append("same_birth_date")
        if score >= 75:
            reasons.insert(0, "similar_name")
            found.append(DuplicateCandidate(client, min(score, 100.0), reasons))
    found.sort(key=lambda c: -c.score)
    return found[:limit]


@transaction.atomic
def client_get_for_view(*, user: Any, client_id: int) -> Client:
    """One client for their detail page or API detail; the read is audited."""
    client = access_client(user, client_id)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=client,
        client_id=client.pk,
        organisation_id=client.organisation_id,
    )
    return client
