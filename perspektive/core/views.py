from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from perspektive.cases.models import CaseStatus
from perspektive.cases.selectors import dashboard_for
from perspektive.organisations.scoping import principal_for


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    dashboard = dashboard_for(user=request.user)
    return render(
        request,
        "core/dashboard.html",
        {
            "dashboard": dashboard,
            "status_counts": [
                (s, label, dashboard.by_status.get(s, 0)) for s, label in CaseStatus.choices
            ],
            "today": timezone.localdate(),
            "roles": sorted(r.value for r in principal.roles),
        },
    )


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
