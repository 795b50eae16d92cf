from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from perspektive.cases import selectors, services
from perspektive.cases.forms import (
    AssessmentForm,
    CaseEditForm,
    CaseOpenForm,
    MeasureForm,
    NoteForm,
    PlanForm,
    StatusForm,
    TransferForm,
)
from perspektive.cases.models import Case, CaseStatus, Measure, MeasureStatus, ReintegrationPlan
from perspektive.cases.policy import access_case, case_allows
from perspektive.cases.transitions import allowed_next
from perspektive.clients.policy import access_client
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden, NotFound
from perspektive.core.forms import apply_error
from perspektive.organisations.models import Organisation
from perspektive.organisations.scoping import principal_for


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    page = selectors.case_list(
        user=request.user,
        status=status,
        mine=request.GET.get("mine") == "1",
        query=request.GET.get("q", "")[:200],
        follow_up_due=request.GET.get("due") == "1",
        page=_page(request),
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CaseStatus.choices,
            "q": request.GET.get("q", ""),
            "mine": request.GET.get("mine") == "1",
            "due": request.GET.get("due") == "1",
        },
    )


def _page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get_for_view(user=request.user, case_id=case_id)
    can_update = case_allows(request.user, case, Action.UPDATE)
    plan = ReintegrationPlan.objects.filter(case=case).first()
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "timeline": selectors.case_timeline(case=case),
            "plan": plan,
            "measures": selectors.case_measures(case=case),
            "can_update": can_update,
            "can_change_status": case_allows(request.user, case, Action.CHANGE_STATUS),
            "can_transfer": case_allows(request.user, case, Action.TRANSFER),
            "next_statuses": allowed_next(case.status),
            "note_form": NoteForm(),
            "measure_statuses": MeasureStatus.choices,
        },
    )


def _case_form_view(
    request: HttpRequest,
    case_id: int,
    need: Action,
    form_factory: Callable[[Case, Any], forms.Form],
    run: Callable[[Case, forms.Form], Any],
    template: str,
    success: str,
) -> HttpResponse:
    """GET shows the form; POST validates, calls one service, and returns to the case.
    A refusal re-renders the form with the message, keeping everything typed."""
    case = access_case(request.user, case_id, need=need)
    form = form_factory(case, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run(case, form)
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        template,
        {"case": case, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_form_view(
        request,
        case_id,
        Action.CHANGE_STATUS,
        lambda case, data: StatusForm(data, current=case.status),
        lambda case, form: services.case_change_status(
            actor=request.user, case_id=case.pk, **form.cleaned_data
        ),
        "cases/status_form.html",
        _("The status was changed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    def make(case: Case, data: Any) -> forms.Form:
        return CaseEditForm(
            data,
            organisation=case.organisation,
            initial={
                "counsellor": case.counsellor,
                "return_date": case.return_date,
                "next_follow_up": case.next_follow_up,
                "vulnerabilities": case.vulnerabilities,
            },
        )

    return _case_form_view(
        request,
        case_id,
        Action.UPDATE,
        make,
        lambda case, form: services.case_update(
            actor=request.user, case_id=case.pk, **form.cleaned_data
        ),
        "cases/case_edit.html",
        _("Saved."),
    )


@login_required
@require_http_methods(["POST"])
def note_add(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_form_view(
        request,
        case_id,
        Action.UPDATE,
        lambda case, data: NoteForm(data),
        lambda case, form: services.note_add(
            actor=request.user, case_id=case.pk, text=form.cleaned_data["text"]
        ),
        "cases/note_form.html",
        _("The note was added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_add(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_form_view(
        request,
        case_id,
        Action.UPDATE,
        lambda case, data: AssessmentForm(data),
        lambda case, form: services.assessment_record(
            actor=request.user,
            case_id=case.pk,
            needs=form.needs(),  # type: ignore[attr-defined]
            summary=form.cleaned_data["summary"],
        ),
        "cases/assessment_form.html",
        _("The assessment was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    def make(case: Case, data: Any) -> forms.Form:
        plan = ReintegrationPlan.objects.filter(case=case).first()
        initial = (
            {"goals": plan.goals, "agreed_with_client": plan.agreed_with_client} if plan else {}
        )
        return PlanForm(data, initial=initial)

    return _case_form_view(
        request,
        case_id,
        Action.UPDATE,
        make,
        lambda case, form: services.plan_update(
            actor=request.user, case_id=case.pk, **form.cleaned_data
        ),
        "cases/plan_form.html",
        _("The plan was saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_add(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_form_view(
        request,
        case_id,
        Action.UPDATE,
        lambda case, data: MeasureForm(data),
        lambda case, form: services.measure_add(
            actor=request.user, case_id=case.pk, **form.cleaned_data
        ),
        "cases/measure_form.html",
        _("The measure was added."),
    )


@login_required
@require_http_methods(["POST"])
def measure_status(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = Measure.objects.select_related("plan").filter(pk=measure_id).first()
    if measure is None:
        raise NotFound
    case = access_case(request.user, measure.plan.case_id)
    try:
        services.measure_set_status(
            actor=request.user, measure_id=measure_id, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The measure was updated."))
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_transfer(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_form_view(
        request,
        case_id,
        Action.TRANSFER,
        lambda case, data: TransferForm(data),
        lambda case, form: services.case_transfer(
            actor=request.user, case_id=case.pk, **form.cleaned_data
        ),
        "cases/transfer_form.html",
        _("The case was handed over."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(request.user, client_id)
    principal = principal_for(request.user)
    ids: set[int] = set()
    for role, _scope in principal.grants(Resource.CASE, Action.CREATE):
        ids |= principal.orgs_by_role.get(role, frozenset())
    organisations = list(Organisation.objects.filter(pk__in=ids, is_active=True))
    if not organisations:
        raise Forbidden
    form = CaseOpenForm(
        request.POST or None, organisations=organisations, initial={"counsellor": request.user}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, client_id=client.pk, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The case was opened."))
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/case_open.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )
