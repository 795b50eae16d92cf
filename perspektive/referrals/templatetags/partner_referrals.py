"""``{% may_refer_client client as flag %}``: whether the user may refer this client to a
partner (for the link on the client page)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def may_refer_client(context: Any, client: Any) -> bool:
    from perspektive.referrals.partners import may_refer

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or client is None:
        return False
    return may_refer(user, client)
