from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from perspektive.clients.models import Client
from perspektive.clients.policy import client_allows
from perspektive.consent.models import Consent
from perspektive.core.authz import Action, Resource


def consents_for_client(*, user: Any, client: Client) -> QuerySet[Consent]:
    """All consents of a client the user already may see (access checked by the caller)."""
    if not client_allows(user, client, Action.VIEW, Resource.CONSENT):
        return Consent.objects.none()
    return Consent.objects.filter(client=client).select_related("partner", "recorded_by")
