"""What a client is found by: name keys, plus one token per organisation holding the record.

The holder tokens ("@12") let a scoped search run on the same GIN index as the name keys:
"clients of centre 12 named Mohamed" is one index lookup instead of a name lookup followed by
a scope check on every match. They must equal what the scope rule says (the registering
organisation and every organisation with a case for the client); the services that change
either call ``client_refresh_holders`` and a test holds the two together.
"""

from __future__ import annotations

from collections.abc import Iterable

from perspektive.core.names import name_keys

HOLDER_PREFIX = "@"


def holder_token(organisation_id: int) -> str:
    return f"{HOLDER_PREFIX}{organisation_id}"


def search_keys_for(name: str, name_latin: str, holders: Iterable[int]) -> str:
    tokens = name_keys(f"{name} {name_latin}")
    tokens += sorted(holder_token(i) for i in set(holders))
    return " ".join(tokens)


def holder_ids(search_keys: str) -> set[int]:
    return {int(t[1:]) for t in search_keys.split() if t.startswith(HOLDER_PREFIX)}
