"""Handover pages: the list (outgoing for offices and scouts, incoming for centres), the
form to hand a client over, the detail with history and each side's next steps, and the
client's own page."""

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
from perspektive.clients.services import PossibleDuplicate
from perspektive.consent.models import Purpose
from perspektive.consent.services import consent_in_force
from perspektive.core.authz import Action
from perspektive.core.errors import DomainError, Forbidden
from perspektive.core.forms import apply_error
from perspektive.referrals import selectors, services
from perspektive.referrals.forms import ACTIONS, HandoverForm, ListFilterForm, StatusForm
from perspektive.referrals.models import FINAL, Handover, HandoverStatus
from perspektive.referrals.policy import Side, access_handover, sending_organisations, sides_of


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
@require_GET
def handover_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None)
    status, overdue = "", False
    if form.is_valid():
        status = form.cleaned_data["status"] or ""
        overdue = form.cleaned_data["overdue"]
    page = selectors.handover_list(
        user=request.user, status=status, overdue=overdue, page=_page_number(request)
    )
    rows = [
        {
            "handover": h,
            "overdue": selectors.is_overdue(h),
            "outgoing": Side.SENDER in sides_of(request.user, h),
        }
        for h in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/handover_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def handover_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(request.user, client_id)
    offices = sending_organisations(request.user, client)
    if not offices:
        raise Forbidden
    open_one = Handover.objects.filter(client=client).exclude(status__in=FINAL).first()
    consent = consent_in_force(client, Purpose.HANDOVER)
    form = HandoverForm(
        request.POST or None,
        initial={"sections": [s for s in (consent.sections if consent else []) if s != "identity"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.handover_create(
                actor=request.user, client_id=client.pk, **form.service_data()
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request, _("The handover was saved as a draft. Check it, then send it.")
            )
            return redirect("referrals:detail", handover_id=handover.pk)
    return render(
        request,
        "referrals/handover_form.html",
        {"form": form, "client": client, "consent": consent, "open_one": open_one},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def handover_edit(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = access_handover(request.user, handover_id, need=Action.UPDATE)
    if Side.SENDER not in sides_of(request.user, handover, Action.UPDATE):
        raise Forbidden
    initial = {
        "to_centre": handover.to_centre,
        "planned_departure": handover.planned_departure,
        "needs_summary": handover.needs_summary,
        "vulnerabilities": handover.vulnerabilities,
        "sections": [s for s in handover.sections if s != "identity"],
    }
    form = HandoverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.handover_update(
                actor=request.user, handover_id=handover.pk, **form.service_data()
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("referrals:detail", handover_id=handover.pk)
    return render(
        request,
        "referrals/handover_form.html",
        {
            "form": form,
            "client": handover.client,
            "handover": handover,
            "consent": consent_in_force(handover.client, Purpose.HANDOVER),
        },
        status=400 if request.method == "POST" else 200,
    )


def _detail(
    request: HttpRequest,
    handover_id: int,
    *,
    failed: StatusForm | None = None,
    duplicates: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.handover_get_for_view(user=request.user, handover_id=handover_id)
    handover = view.handover
    may_change = sides_of(request.user, handover, Action.CHANGE_STATUS)
    actions = []
    failed_shown = False
    for to in services.allowed_next(handover, may_change):
        if failed is not None and failed.data.get("to_status") == to:
            form, failed_shown = failed, True
        else:
            form = StatusForm(
                action=to,
                centre=handover.to_centre,
                duplicates=bool(duplicates),
                initial={"counsellor": request.user.pk},
            )
        heading, button = ACTIONS[to]
        actions.append({"to": to, "form": form, "heading": heading, "button": button})
    consent = None
    if Side.SENDER in view.sides:
        consent = consent_in_force(handover.client, Purpose.HANDOVER)
    return render(
        request,
        "referrals/handover_detail.html",
        {
            "handover": handover,
            "sender": Side.SENDER in view.sides,
            "receiver": Side.RECEIVER in view.sides,
            "shared": view.shared,
            "consent_missing": view.consent_missing,
            "consent": consent,
            "consent_covers": bool(consent and consent.covers(handover.sections)),
            "events": handover.events.select_related("by"),
            "actions": actions,
            "can_edit": handover.status == HandoverStatus.DRAFT
            and Side.SENDER in sides_of(request.user, handover, Action.UPDATE),
            "overdue": selectors.is_overdue(handover),
            "duplicates": duplicates or [],
            # A refused step that is no longer on offer (the page was out of date).
            "failed_elsewhere": failed if failed is not None and not failed_shown else None,
        },
        status=status,
    )


@login_required
@require_GET
def handover_detail(request: HttpRequest, handover_id: int) -> HttpResponse:
    return _detail(request, handover_id)


@login_required
@require_POST
def handover_status(request: HttpRequest, handover_id: int) -> HttpResponse:
    # 404 outside the scope and 403 without the right, before looking at the input.
    handover = access_handover(request.user, handover_id, need=Action.CHANGE_STATUS)
    form = StatusForm(
        request.POST,
        centre=handover.to_centre,
        duplicates="confirm_not_duplicate" in request.POST,
        auto_id=f"id_{request.POST.get('to_status', '')}_%s",
    )
    if not form.is_valid():
        return _detail(request, handover.pk, failed=form, status=400)
    to_status = form.cleaned_data["to_status"]
    try:
        services.handover_change_status(
            actor=request.user, handover_id=handover.pk, to_status=to_status, **form.service_data()
        )
    except PossibleDuplicate as exc:
        retry = StatusForm(
            request.POST, centre=handover.to_centre, duplicates=True, auto_id="id_accepted_%s"
        )
        retry.is_valid()
        retry.add_error(
            None,
            _(
                "The centre may already have a record of this person (see below). If it is "
                "a different person, confirm it and accept again."
            ),
        )
        return _detail(request, handover.pk, failed=retry, duplicates=exc.candidates, status=409)
    except (ValidationError, DomainError) as exc:
        apply_error(form, exc)
        code = exc.status_code if isinstance(exc, DomainError) else 400
        return _detail(request, handover.pk, failed=form, status=code)
    messages.success(
        request,
        _("Done: the handover is now “%(status)s”.") % {"status": HandoverStatus(to_status).label},
    )
    return redirect("referrals:detail", handover_id=handover.pk)


@login_required
@require_GET
def my_handovers(request: HttpRequest) -> HttpResponse:
    """The client's own handovers: where they stand and what happened."""
    handovers = list(selectors.handovers_of_client_user(request.user))
    return render(request, "referrals/my_handovers.html", {"handovers": handovers})
