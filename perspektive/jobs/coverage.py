"""'A job offer for every returnee': who has had one, how soon, and who is still waiting.

For centre leads (the REPORT right on their organisation). Arrival is the earliest return
date of the client's cases at the centre; an offer is any proposal (``Application``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from perspektive.cases.models import Case
from perspektive.clients.models import Client, TargetGroup
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import Forbidden
from perspektive.jobs.models import Application
from perspektive.organisations.models import Organisation
from perspektive.organisations.scoping import principal_for

RETURNEES = (TargetGroup.RETURNEE_GERMANY, TargetGroup.RETURNEE_THIRD)


@dataclass
class Month:
    month: dt.date
    arrived: int = 0
    with_offer: int = 0
    days_to_offer: list[int] = field(default_factory=list)

    @property
    def without_offer(self) -> int:
        return self.arrived - self.with_offer

    @property
    def share(self) -> int:
        return round(100 * self.with_offer / self.arrived) if self.arrived else 0

    @property
    def median_days(self) -> int | None:
        return round(statistics.median(self.days_to_offer)) if self.days_to_offer else None


@dataclass
class Waiting:
    client_id: int
    arrived: dt.date
    days: int


@dataclass
class Coverage:
    organisations: list[Organisation]
    months: list[Month]
    waiting: list[Waiting]
    arrived: int
    with_offer: int

    @property
    def share(self) -> int:
        return round(100 * self.with_offer / self.arrived) if self.arrived else 0


def report_organisations(user: Any) -> list[int]:
    principal = principal_for(user)
    ids: set[int] = set()
    for role, _scope in principal.grants(Resource.REPORT, Action.VIEW):
        ids |= principal.orgs_by_role.get(role, frozenset())
    return sorted(ids)


def coverage_for(*, user: Any, months: int = 12, today: dt.date | None = None) -> Coverage:
    org_ids = report_organisations(user)
    if not org_ids:
        raise Forbidden
    today = today or timezone.localdate()
    since = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    arrivals = dict(
        Case.objects.filter(
            organisation_id__in=org_ids,
            client__target_group__in=RETURNEES,
            return_date__isnull=False,
            return_date__lte=today,
        )
        .values_list("client_id")
        .annotate(arrived=Min("return_date"))
        .order_by()
    )
    first_offer = dict(
        Application.objects.filter(client_id__in=list(arrivals))
        .values_list("client_id")
        .annotate(first=Min("proposed_at"))
        .order_by()
    )
    by_month: dict[dt.date, Month] = {}
    waiting = []
    for client_id, arrived in arrivals.items():
        offered = first_offer.get(client_id)
        if offered is None:
            waiting.append(Waiting(client_id, arrived, (today - arrived).days))
        if arrived < since:
            continue
        month = by_month.setdefault(arrived.replace(day=1), Month(arrived.replace(day=1)))
        month.arrived += 1
        if offered is not None:
            month.with_offer += 1
            month.days_to_offer.append(max(0, (offered.date() - arrived).days))
    waiting.sort(key=lambda w: (w.arrived, w.client_id))
    ordered = sorted(by_month.values(), key=lambda m: m.month, reverse=True)
    return Coverage(
        organisations=list(Organisation.objects.filter(pk__in=org_ids)),
        months=ordered,
        waiting=waiting,
        arrived=sum(m.arrived for m in ordered),
        with_offer=sum(m.with_offer for m in ordered),
    )


@login_required
@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    try:
        months = min(36, max(1, int(request.GET.get("months", "12"))))
    except ValueError:
        months = 12
    data = coverage_for(user=request.user, months=months)
    page = Paginator(data.waiting, 25).get_page(request.GET.get("page"))
    clients = Client.objects.in_bulk([w.client_id for w in page.object_list])
    return render(
        request,
        "jobs/coverage.html",
        {
            "coverage": data,
            "months": months,
            "page": page,
            "waiting": [(w, clients[w.client_id]) for w in page.object_list],
        },
    )
