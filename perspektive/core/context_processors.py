from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from perspektive.core.authz import Action, Resource
from perspektive.organisations.scoping import may, principal_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which menu entries the user sees (the views still check every request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    principal = principal_for(user)
    url_name = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    return {
        "nav": {
            "clients": may(principal, Resource.CLIENT, Action.VIEW),
            "cases": may(principal, Resource.CASE, Action.VIEW),
            "new_client": may(principal, Resource.CLIENT, Action.CREATE),
            "jobs": may(principal, Resource.JOB_OFFER, Action.VIEW),
            # Staff who answer chats (clients hold no TRANSFER right on conversations).
            "chat": may(principal, Resource.CONVERSATION, Action.TRANSFER),
            "appointments": may(principal, Resource.APPOINTMENT, Action.CREATE),
            # Both sides of a handover (the client follows theirs on referrals:my_handovers).
            # Partner referrals live in the referrals app beside handovers: which tab is lit.
            "partner_page": "referral" in url_name or "partner" in url_name,
            "handovers": may(principal, Resource.HANDOVER, Action.CHANGE_STATUS),
            "courses": may(principal, Resource.COURSE, Action.VIEW) and not principal.is_client,
            # Partner referrals: the referring side and the partners' staff (not clients).
            "referrals": may(principal, Resource.REFERRAL, Action.CHANGE_STATUS)
            or may(principal, Resource.REFERRAL, Action.RECORD),
        }
    }
