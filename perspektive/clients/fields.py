"""A text column of space-separated name keys, searchable by overlap on both databases.

On PostgreSQL the overlap is ``string_to_array(col, ' ') && ARRAY[...]``, served by a GIN
index on the same expression (migration ``0002``). SQLite has no arrays: there the lookup
matches each key with LIKE over the padded column; it scans, which is fine at demo size.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class SearchKeysField(models.TextField):
    pass


@SearchKeysField.register_lookup
class KeysOverlap(models.Lookup):
    """``search_keys__overlap=["mhmt", "mhmd"]``: the row has at least one of the keys."""

    lookup_name = "overlap"

    def get_prep_lookup(self) -> Any:
        return [str(k) for k in self.rhs]

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        return "", list(self.rhs)

    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"string_to_array({lhs}, ' ') && %s::text[]", [*lhs_params, list(self.rhs)]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        keys = list(self.rhs)
        if not keys:
            return "1 = 0", []
        parts = [f"(' ' || {lhs} || ' ') LIKE %s" for _ in keys]
        params: list[Any] = []
        for key in keys:
            params += [*lhs_params, f"% {key} %"]
        return "(" + " OR ".join(parts) + ")", params
