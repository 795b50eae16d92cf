"""``{% learning_enrolments client %}``: the client's courses on the client page, for the
enrolments the viewing user may see (the client page's view stays untouched)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from perspektive.core.authz import Action, Resource
from perspektive.learning.policy import may_enrol
from perspektive.learning.selectors import enrolments_of_client
from perspektive.organisations.scoping import may, principal_for

register = template.Library()


@register.simple_tag(takes_context=True)
def learning_enrolments(context: Any, client: Any) -> SafeString | str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may(principal_for(user), Resource.ENROLMENT, Action.VIEW):
        return ""
    enrolments = list(enrolments_of_client(user=user, client=client))
    can_enrol = may_enrol(user, client)
    if not enrolments and not can_enrol:
        return ""
    return render_to_string(
        "learning/_enrolments.html",
        {
            "client": client,
            "enrolments": enrolments,
            "can_enrol": can_enrol,
            "can_cancel": may(principal_for(user), Resource.ENROLMENT, Action.CHANGE_STATUS),
        },
        request=request,
    )
