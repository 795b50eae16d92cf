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
from perspektive.core.names import NameScorer, name_keys, query_keys

# A search ranks at most this many matches; beyond it the user is asked to narrow down.
CANDIDATE_LIMIT = 500
# The duplicate check scores at most this many records per date-of-birth band.
DUPLICATE_ROWS = 200
YEAR = dt.timedelta(days=366)
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
    # Unordered on purpose: the candidates are ranked here, and sorting every match in the
    # database (by the model's default ordering) costs more than the whole search.
    candidates = qs.filter(condition).order_by().values_list("id", "name_latin")
    rows = list(candidates[: CANDIDATE_LIMIT + 1])
    capped = len(rows) > CANDIDATE_LIMIT
    rows = rows[:CANDIDATE_LIMIT]
    scorer = NameScorer(query)
    rows.sort(key=lambda r: (-scorer(r[1]), r[1], r[0]))
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
    base = clients_for_search(user).filter(search_keys__overlap=keys).order_by()
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    fields = ("id", "name_latin", "birth_date")
    rows: dict[int, tuple[int, str, dt.date | None]] = {}
    if birth_date:
        # The same date of birth first: few rows, and where the real duplicates are.
        for row in base.filter(birth_date=birth_date).values_list(*fields)[:DUPLICATE_ROWS]:
            rows[row[0]] = row
        window = base.filter(
            Q(birth_date__isnull=True)
            | Q(birth_date__gte=birth_date - YEAR, birth_date__lte=birth_date + YEAR)
        ).exclude(birth_date=birth_date)
    else:
        window = base
    for row in window.values_list(*fields)[:DUPLICATE_ROWS]:
        rows.setdefault(row[0], row)
    scorer = NameScorer(name)
    scored: list[tuple[float, list[str], int]] = []
    for client_id, name_latin, born in rows.values():
        score = scorer(name_latin)
        reasons = []
        if birth_date and born == birth_date:
            score += 20
            reasons.append("same_birth_date")
        if score >= 75:
            scored.append((min(score, 100.0), ["similar_name", *reasons], client_id))
    scored.sort(key=lambda s: (-s[0], s[2]))
    top = scored[:limit]
    clients = Client.objects.select_related("organisation").in_bulk([s[2] for s in top])
    return [DuplicateCandidate(clients[i], score, reasons) for score, reasons, i in top]


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
