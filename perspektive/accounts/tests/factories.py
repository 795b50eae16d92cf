from __future__ import annotations

from typing import Any

from perspektive.accounts.models import ApiToken


def api_token_for(user: Any, label: str = "test", **fields: Any) -> str:
    """Issue an API token for ``user``; returns the raw token (only its digest is stored)."""
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        user=user, label=label, digest=ApiToken.digest_of(raw), prefix=raw[:8], **fields
    )
    return raw
