from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from perspektive.accounts.services import preferred_language_set
from perspektive.appointments.selectors import upcoming_for
from perspektive.cases.models import CaseStatus
from perspektive.cases.selectors import dashboard_for
from perspektive.core.authz import Action, Resource
from perspektive.jobs.coverage import coverage_for, report_organisations
from perspektive.jobs.selectors import retention_checks_due
from perspektive.organisations.scoping import may, principal_for


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    dashboard = dashboard_for(user=request.user)
    coverage = None
    if may(principal, Resource.REPORT, Action.VIEW) and report_organisations(request.user):
        coverage = coverage_for(user=request.user, months=3)
    retention = (
        list(retention_checks_due(user=request.user).order_by("retention_due", "id")[:10])
        if may(principal, Resource.APPLICATION, Action.CHANGE_STATUS)
        else []
    )
    appointments = (
        upcoming_for(user=request.user, limit=8)
        if may(principal, Resource.APPOINTMENT, Action.CREATE)
        else []
    )
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
            "coverage": coverage,
            "retention": retention,
            "appointments": appointments,
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language; a logged-in user keeps it as their preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        preferred_language_set(actor=request.user, language=language)
    return response


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
