"""Partner referral pages: the directory of partner services per country, partner staff
keeping their own services, referring a client, the lists (outgoing for the referring
side, incoming: the partners' portal) and the detail with each side's next steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perspektive.clients.policy import access_client
from perspektive.core.errors import DomainError, Forbidden
from perspektive.core.forms import apply_error
from perspektive.referrals import partners
from perspektive.referrals.forms import (
    REFERRAL_ACTIONS,
    DirectoryFilterForm,
    PartnerServiceForm,
    ReferralFilterForm,
    ReferralForm,
    ReferralStatusForm,
)
from perspektive.referrals.models import ReferralStatus
from perspektive.referrals.partners import Side


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
@require_GET
def partner_directory(request: HttpRequest) -> HttpResponse:
    if not partners.may_use_directory(request.user):
        raise Forbidden
    form = DirectoryFilterForm(request.GET or None)
    country = domain = language = ""
    if form.is_valid():
        chosen = form.cleaned_data["country"]
        country = chosen.code if chosen else ""
        domain = form.cleaned_data["domain"] or ""
        language = form.cleaned_data["language"] or ""
    services = list(
        partners.directory(user=request.user, country=country, domain=domain, language=language)
    )
    return render(
        request,
        "referrals/partner_directory.html",
        {
            "form": form,
            "services": services,
            "own_orgs": {o.pk for o in partners.service_organisations(request.user)},
            "may_keep": bool(partners.service_organisations(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_service_create(request: HttpRequest) -> HttpResponse:
    orgs = partners.service_organisations(request.user)
    if not orgs:
        raise Forbidden
    form = PartnerServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partners.partner_service_save(
                actor=request.user, organisation=orgs[0], **form.cleaned_data
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The service is in the directory."))
            return redirect("referrals:partner_directory")
    return render(
        request,
        "referrals/partner_service_form.html",
        {"form": form, "organisation": orgs[0]},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_service_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    service = partners.access_partner_service(request.user, service_id)
    initial = {
        "domain": service.domain,
        "description": service.description,
        "languages": service.languages,
        "contact_phone": service.contact_phone,
        "contact_email": service.contact_email,
        "is_active": service.is_active,
    }
    form = PartnerServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            partners.partner_service_save(
                actor=request.user,
                organisation=service.organisation,
                service_id=service.pk,
                **form.cleaned_data,
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("referrals:partner_directory")
    return render(
        request,
        "referrals/partner_service_form.html",
        {"form": form, "organisation": service.organisation, "service": service},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    form = ReferralFilterForm(request.GET or None)
    status, overdue = "", False
    if form.is_valid():
        status = form.cleaned_data["status"] or ""
        overdue = form.cleaned_data["overdue"]
    page = partners.referral_list(
        user=request.user, status=status, overdue=overdue, page=_page_number(request)
    )
    rows = [
        {
            "referral": r,
            "overdue": partners.is_overdue(r),
            "outgoing": Side.REFERRER in partners.sides_of(request.user, r),
        }
        for r in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/referral_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(request.user, client_id)
    offices = partners.referring_organisations(request.user, client)
    if not offices:
        raise Forbidden
    country = offices[0].country_id
    form = ReferralForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            referral = partners.referral_create(
                actor=request.user, client_id=client.pk, **form.cleaned_data
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The referral was sent to the partner."))
            return redirect("referrals:referral_detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


def _detail(
    request: HttpRequest,
    referral_id: int,
    *,
    failed: ReferralStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = partners.referral_get_for_view(user=request.user, referral_id=referral_id)
    referral = view.referral
    actions: list[dict[str, Any]] = []
    for to in partners.allowed_next(referral, request.user):
        if failed is not None and failed.data.get("to_status") == to:
            form = failed
        else:
            form = ReferralStatusForm(action=to)
        heading, button = REFERRAL_ACTIONS[to]
        actions.append({"to": to, "form": form, "heading": heading, "button": button})
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "referrer": Side.REFERRER in view.sides,
            "partner": Side.PARTNER in view.sides,
            "shared": view.shared,
            "events": referral.events.select_related("by"),
            "actions": actions,
            "overdue": partners.is_overdue(referral),
            "failed": failed,
        },
        status=status,
    )


@login_required
@require_GET
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _detail(request, referral_id)


@login_required
@require_POST
def referral_status(request: HttpRequest, referral_id: int) -> HttpResponse:
    # 404 outside the scope before looking at the input.
    referral = partners.access_referral(request.user, referral_id)
    form = ReferralStatusForm(request.POST, auto_id=f"id_{request.POST.get('to_status', '')}_%s")
    if not form.is_valid():
        return _detail(request, referral.pk, failed=form, status=400)
    to_status = form.cleaned_data["to_status"]
    try:
        partners.referral_change_status(
            actor=request.user,
            referral_id=referral.pk,
            to_status=to_status,
            reason=form.cleaned_data.get("reason") or "",
        )
    except (ValidationError, DomainError) as exc:
        apply_error(form, exc)
        code = exc.status_code if isinstance(exc, DomainError) else 400
        return _detail(request, referral.pk, failed=form, status=code)
    messages.success(
        request,
        _("Done: the referral is now “%(status)s”.") % {"status": ReferralStatus(to_status).label},
    )
    if (
        to_status == ReferralStatus.REVOKED
        or not partners.referrals_visible_to(request.user).filter(pk=referral.pk).exists()
    ):
        return redirect("referrals:referral_list")
    return redirect("referrals:referral_detail", referral_id=referral.pk)
