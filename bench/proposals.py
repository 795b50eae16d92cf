"""Prototypes of changes to the client search and duplicate check, timed by bench/search.py.

Not used by the application: copies of the selectors in ``perspektive/clients/selectors.py``
with the changes proposed in docs/benchmarks.md, so that the benchmark shows what each
change buys on the same data, in the same run:

1. no ORDER BY on the candidate query. ``Client.Meta.ordering`` adds ``ORDER BY
   name_latin, id`` to ``values_list(...)[:501]``; PostgreSQL then reads and sorts every
   match before it can apply the LIMIT. Without it, it stops at the 501st match. (The
   candidates are re-ranked in Python anyway.)
2. duplicate check: the same, and the records with the same date of birth first (a
   cheap, selective probe), then the ±1 year window; the current code takes the first
   200 *alphabetically* among every record sharing any key within ±1 year, so at scale
   the real duplicate is usually not among them.
3. (``lean``) duplicate check: in the ±1 year window, records matching every name token
   (as the search does) instead of any key; score on (id, name_latin, birth_date) and load
   only the few returned;
4. (``wide_filter``) for users of many organisations, the holder tokens as a row filter
   instead of an index condition (see ``searchable``).

JIT (``SET jit = off``) is a server or connection setting; the benchmark sets it per variant.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from perspektive.clients.models import Client
from perspektive.clients.selectors import (
    CANDIDATE_LIMIT,
    DuplicateCandidate,
    SearchPage,
    _filter_birth,
    name_match_filter,
)
from perspektive.core.names import name_keys, name_similarity

WIDE = 3  # more organisations than this: holder tokens checked on the rows, not in the index


def searchable(user: Any, *, wide_filter: bool = False) -> QuerySet[Client]:
    """The scope the selectors use (holder tokens where the rule allows).

    ``wide_filter``: for a user of many organisations the holder tokens match most of the
    table, and reading their posting lists in the GIN index costs more than the name
    lookup itself (~10 ms at 1M clients for 15 organisations). Then state them on an
    expression the index does not cover, so PostgreSQL finds the name in the index and
    checks the holders on the few rows it reads. (In the product the switch would be the
    share of clients the organisations hold, from cached counts, not their number.)"""
    from perspektive.clients.policy import clients_for_search
    from perspektive.clients.search_keys import holder_token
    from perspektive.core.authz import Action, Resource, Scope
    from perspektive.organisations.scoping import principal_for

    if not wide_filter:
        return clients_for_search(user)
    principal = principal_for(user)
    grants = principal.grants(Resource.CLIENT, Action.VIEW)
    if not grants or any(scope is not Scope.ORGANISATION for _role, scope in grants):
        return clients_for_search(user)
    orgs: set[int] = set()
    for role, _scope in grants:
        orgs |= principal.orgs_by_role.get(role, frozenset())
    if len(orgs) <= WIDE:
        return clients_for_search(user)
    tokens = [holder_token(i) for i in sorted(orgs)]
    return Client.objects.extra(
        where=["string_to_array(search_keys || '', ' ') && %s::text[]"], params=[tokens]
    )


def client_search(
    *,
    user: Any,
    query: str,
    birth_date: dt.date | None = None,
    page_size: int = 25,
    wide_filter: bool = False,
) -> SearchPage:
    """The query branch of ``selectors.client_search`` without the ORDER BY."""
    qs = _filter_birth(searchable(user, wide_filter=wide_filter), birth_date, None)
    condition = name_match_filter(query.strip())
    if condition is None:
        return SearchPage([], 1, 1, 0, capped=False)
    rows = list(
        qs.filter(condition).order_by().values_list("id", "name_latin")[: CANDIDATE_LIMIT + 1]
    )
    capped = len(rows) > CANDIDATE_LIMIT
    rows = rows[:CANDIDATE_LIMIT]
    rows.sort(key=lambda r: (-name_similarity(query, r[1]), r[1], r[0]))
    ids = [r[0] for r in rows[:page_size]]
    by_id = Client.objects.select_related("organisation").in_bulk(ids)
    num_pages = max(1, -(-len(rows) // page_size))
    return SearchPage([by_id[i] for i in ids], 1, num_pages, len(rows), capped)


def client_duplicates(
    *,
    user: Any,
    name: str,
    birth_date: dt.date | None,
    limit: int = 5,
    lean: bool = False,
    wide_filter: bool = False,
) -> list[DuplicateCandidate]:
    """``selectors.client_duplicates`` unordered, same date of birth first; ``lean``: every
    name token must match in the ±1 year window, and only the results are loaded."""
    keys = name_keys(name)
    if not keys:
        return []
    base = searchable(user, wide_filter=wide_filter).order_by()
    any_key = base.filter(search_keys__overlap=keys)
    batches: list[QuerySet[Client]] = [any_key]
    if birth_date:
        window = Q(birth_date__isnull=True) | Q(
            birth_date__year__gte=birth_date.year - 1, birth_date__year__lte=birth_date.year + 1
        )
        every = name_match_filter(name) if lean else None
        in_window = base.filter(every) if every is not None else any_key
        batches = [any_key.filter(birth_date=birth_date), in_window.filter(window)]
    if lean:
        return _score_lean(batches, name, birth_date, limit)
    seen: dict[int, Client] = {}
    for batch in batches:
        if len(seen) >= 200:
            break
        for client in batch.select_related("organisation")[: 200 - len(seen)]:
            seen.setdefault(client.pk, client)
    found: list[DuplicateCandidate] = []
    for client in seen.values():
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


def _score_lean(
    batches: list[QuerySet[Client]], name: str, birth_date: dt.date | None, limit: int
) -> list[DuplicateCandidate]:
    rows: dict[int, tuple[str, dt.date | None]] = {}
    for batch in batches:
        if len(rows) >= 200:
            break
        for pk, name_latin, born in batch.values_list("id", "name_latin", "birth_date")[
            : 200 - len(rows)
        ]:
            rows.setdefault(pk, (name_latin, born))
    scored = []
    for pk, (name_latin, born) in rows.items():
        score = name_similarity(name, name_latin)
        reasons = []
        if birth_date and born == birth_date:
            score += 20
            reasons.append("same_birth_date")
        if score >= 75:
            reasons.insert(0, "similar_name")
            scored.append((min(score, 100.0), pk, reasons))
    scored.sort(key=lambda s: -s[0])
    scored = scored[:limit]
    by_id = Client.objects.select_related("organisation").in_bulk([s[1] for s in scored])
    return [DuplicateCandidate(by_id[pk], score, reasons) for score, pk, reasons in scored]
