from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from perspektive.cases.policy import cases_visible_to
from perspektive.clients import selectors, services
from perspektive.clients.forms import (
    ClientCreateForm,
    ClientForm,
    ClientSearchForm,
    ConsentForm,
    ConsentWithdrawForm,
)
from perspektive.clients.policy import access_client, client_allows
from perspektive.consent import services as consent_services
from perspektive.consent.models import Consent
from perspektive.consent.selectors import consents_for_client
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden, NotFound
from perspektive.core.forms import apply_error
from perspektive.organisations.models import Organisation
from perspektive.organisations.scoping import principal_for
from perspektive.referrals.policy import sending_organisations


@login_required
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET)
    page = None
    if form.is_valid():
        page = selectors.client_search(
            user=request.user,
            query=form.cleaned_data["q"] or "",
            birth_date=form.cleaned_data["birth_date"],
            birth_year=form.cleaned_data["birth_year"],
            page=_page_number(request),
            page_size=settings.PAGE_SIZE,
        )
    partial = request.headers.get("HX-Request") == "true"
    template = "clients/_results.html" if partial else "clients/client_list.html"
    # htmx swaps only 2xx answers: a partial carries its errors with 200.
    status = 200 if form.is_valid() or partial else 400
    return render(request, template, {"form": form, "page": page}, status=status)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _creating_organisations(user: object) -> list[Organisation]:
    principal = principal_for(user)
    ids: set[int] = set()
    for role, _scope in principal.grants(Resource.CLIENT, Action.CREATE):
        ids |= principal.orgs_by_role.get(role, frozenset())
    return list(Organisation.objects.filter(pk__in=ids, is_active=True))


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    organisations = _creating_organisations(request.user)
    if not organisations:
        raise Forbidden
    special = bool(principal_for(request.user).grants(Resource.CLIENT_SPECIAL, Action.UPDATE))
    form = ClientCreateForm(request.POST or None, organisations=organisations, special=special)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                confirm_not_duplicate=form.cleaned_data["confirm_not_duplicate"],
                **form.service_data(),
            )
        except services.PossibleDuplicate as exc:
            duplicates = exc.candidates
            form.add_error(
                None,
                _(
                    "This person may already be registered. Check the records "
                    "below; if none is them, tick the box and save again."
                ),
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The client was registered."))
            return redirect("clients:detail", client_id=client.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "duplicates": duplicates, "creating": True},
        status=status,
    )


@login_required
@require_GET
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = selectors.client_get_for_view(user=request.user, client_id=client_id)
    user = request.user
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "show_special": client_allows(user, client, Action.VIEW, Resource.CLIENT_SPECIAL),
            "can_edit": client_allows(user, client, Action.UPDATE),
            "can_record_consent": client_allows(user, client, Action.RECORD, Resource.CONSENT),
            "can_withdraw_consent": client_allows(user, client, Action.WITHDRAW, Resource.CONSENT),
            "consents": consents_for_client(user=user, client=client),
            "cases": cases_visible_to(user)
            .filter(client=client)
            .select_related("organisation", "counsellor"),
            "can_open_case": bool(principal_for(user).grants(Resource.CASE, Action.CREATE)),
            "show_jobs": client_allows(user, client, Action.VIEW, Resource.JOB_PROFILE),
            "can_hand_over": bool(sending_organisations(user, client)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(request.user, client_id, need=Action.UPDATE)
    special = client_allows(request.user, client, Action.UPDATE, Resource.CLIENT_SPECIAL)
    form = ClientForm(request.POST or None, instance=client, special=special)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(actor=request.user, client_id=client.pk, **form.service_data())
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("clients:detail", client_id=client.pk)
    # A ModelForm mutates its instance while validating: reload for the page header.
    client.refresh_from_db()
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(request.user, client_id, need=Action.RECORD, resource=Resource.CONSENT)
    initial = {
        "notice_version": settings.CONSENT_NOTICE_VERSION,
        "notice_language": (client.languages or [request.LANGUAGE_CODE])[0],
    }
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            consent_services.consent_record(
                actor=request.user, client_id=client.pk, **form.cleaned_data
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("clients:detail", client_id=client.pk)
    return render(
        request,
        "clients/consent_form.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = Consent.objects.filter(pk=consent_id).only("client_id").first()
    if consent is None:
        raise NotFound
    # 404 outside the scope, 403 without the right, both before looking at the input.
    access_client(request.user, consent.client_id, need=Action.WITHDRAW, resource=Resource.CONSENT)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        # The form sits inside the client page; say what was wrong instead of ignoring it.
        return render(
            request,
            "core/domain_error.html",
            {"message": " ".join(str(e) for errors in form.errors.values() for e in errors)},
            status=400,
        )
    try:
        consent_services.consent_withdraw(
            actor=request.user, consent_id=consent_id, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The consent was withdrawn."))
    return redirect("clients:detail", client_id=consent.client_id)
