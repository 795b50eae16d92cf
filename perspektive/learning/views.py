"""Course pages: the catalogue (with enrolment of a client), the provider's course form and
roster (attendance, completion), the certificate download, the client's own courses and
the public verification page."""

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
from perspektive.core.authz import Action, Resource
from perspektive.core.errors import DomainError, Forbidden, NotFound
from perspektive.core.forms import apply_error
from perspektive.learning import selectors, services
from perspektive.learning.forms import (
    CatalogueFilterForm,
    CourseForm,
    CourseStatusForm,
    RecordForm,
    VerifyForm,
)
from perspektive.learning.models import CourseStatus, EnrolmentStatus
from perspektive.learning.policy import (
    access_course,
    access_enrolment,
    course_allows,
    enrolment_allows,
    enrolments_visible_to,
    may_enrol,
    provider_orgs,
    providers_for,
)
from perspektive.organisations.scoping import may, principal_for


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _catalogue(request: HttpRequest, *, own: bool = False) -> dict[str, Any]:
    form = CatalogueFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "trade": data["trade"] or "",
            "country": data["country"].pk if data["country"] else "",
            "starts_after": data["starts_after"],
            "starts_before": data["starts_before"],
            "has_places": data["has_places"],
        }
    page = selectors.course_catalogue(
        user=request.user, own=own, page=_page_number(request), **filters
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {"filter_form": form, "page": page, "query": query.urlencode()}


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request.user)
    if not may(principal, Resource.COURSE, Action.VIEW):
        raise Forbidden
    own = bool(provider_orgs(request.user)) and request.GET.get("view") != "catalogue"
    context = _catalogue(request, own=own)
    context.update(
        own=own,
        is_provider=bool(provider_orgs(request.user)),
        keep_catalogue=bool(provider_orgs(request.user)) and not own,
        can_create=bool(providers_for(request.user)),
    )
    return render(request, "learning/course_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    providers = providers_for(request.user)
    if not providers:
        raise Forbidden
    form = CourseForm(
        request.POST or None,
        providers=providers,
        initial={"first_day": services.default_first_day(), "country": "DE", "language": "de"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=request.user, provider=form.cleaned_data["provider"], **form.service_data()
            )
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("The course was saved as a draft. Publish it to open it."))
            return redirect("learning:course_detail", course_id=course.pk)
    return render(
        request,
        "learning/course_form.html",
        {"form": form, "course": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    course = access_course(request.user, course_id, need=Action.UPDATE)
    form = CourseForm(
        request.POST or None,
        providers=[course.provider],
        initial=CourseForm.initial_for(course),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, course_id=course.pk, **form.service_data())
        except (ValidationError, DomainError) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("learning:course_detail", course_id=course.pk)
    return render(
        request,
        "learning/course_form.html",
        {"form": form, "course": course},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def course_status(request: HttpRequest, course_id: int) -> HttpResponse:
    course = access_course(request.user, course_id, need=Action.UPDATE)
    form = CourseStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do."))
        return redirect("learning:course_detail", course_id=course.pk)
    try:
        services.course_set_status(
            actor=request.user, course_id=course.pk, status=form.cleaned_data["status"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("learning:course_detail", course_id=course.pk)


@login_required
@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_with_places(access_course(request.user, course_id))
    can_update = course_allows(request.user, course, Action.UPDATE)
    roster = list(selectors.course_roster(user=request.user, course=course))
    rows = [
        {
            "enrolment": e,
            "position": selectors.waiting_position(e),
            "can_record": e.status == EnrolmentStatus.ENROLLED
            and enrolment_allows(request.user, e, Action.RECORD),
            "can_cancel": e.status in (EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED)
            and enrolment_allows(request.user, e, Action.CHANGE_STATUS),
            "certificate": getattr(e, "certificate", None),
        }
        for e in roster
    ]
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "rows": rows,
            "can_update": can_update and course.status != CourseStatus.CANCELLED,
            "can_publish": can_update and course.status == CourseStatus.DRAFT,
            "record_actions": RecordForm.ACTIONS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, client_id: int) -> HttpResponse:
    """The catalogue for one client: each open course with a button to enrol them."""
    client = access_client(request.user, client_id)
    if not may_enrol(request.user, client):
        raise Forbidden
    if request.method == "POST":
        try:
            course_id = int(request.POST.get("course", ""))
        except ValueError as exc:
            raise NotFound from exc
        try:
            enrolment = services.enrolment_create(
                actor=request.user, client_id=client.pk, course_id=course_id
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(request, _("Enrolled: the place is booked."))
            else:
                messages.success(
                    request,
                    _("The course is full: the person is on the waiting list, number %(n)s.")
                    % {"n": selectors.waiting_position(enrolment)},
                )
            return redirect("clients:detail", client_id=client.pk)
    context = _catalogue(request)
    context.update(client=client)
    return render(
        request, "learning/enrol.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def enrolment_record(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, need=Action.RECORD)
    form = RecordForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("learning:course_detail", course_id=enrolment.course_id)
    action, attended = form.cleaned_data["action"], form.cleaned_data["attended_sessions"]
    try:
        if action == "attendance":
            services.attendance_record(
                actor=request.user, enrolment_id=enrolment.pk, attended_sessions=attended
            )
            messages.success(request, _("Attendance saved."))
        elif action == "complete":
            services.enrolment_complete(
                actor=request.user, enrolment_id=enrolment.pk, attended_sessions=attended
            )
            messages.success(request, _("Completed: the certificate was issued."))
        else:
            services.enrolment_not_completed(actor=request.user, enrolment_id=enrolment.pk)
            messages.success(request, _("Saved."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("learning:course_detail", course_id=enrolment.course_id)


@login_required
@require_POST
def enrolment_cancel(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, need=Action.CHANGE_STATUS)
    try:
        services.enrolment_cancel(actor=request.user, enrolment_id=enrolment.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The enrolment was cancelled."))
    return redirect("clients:detail", client_id=enrolment.client_id)


@login_required
@require_GET
def certificate_download(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    try:
        certificate, pdf = services.certificate_export(
            actor=request.user, enrolment_id=enrolment_id
        )
    except DomainError as exc:
        raise NotFound from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
@require_GET
def my_courses(request: HttpRequest) -> HttpResponse:
    """The client's own enrolments and certificates."""
    enrolments = (
        enrolments_visible_to(request.user)
        .filter(client__user_id=int(request.user.pk or 0))
        .select_related("course", "course__provider", "certificate")
        .order_by("-requested_at", "-id")
    )
    return render(request, "learning/my_courses.html", {"enrolments": enrolments})


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The public form to type a code (sent with GET, so the page's address can be shared)."""
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        return redirect("learning:verify", code=code.replace(" ", ""))
    return render(request, "learning/verify.html", {"form": form, "result": None})


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    result = selectors.certificate_verify(code[:32])
    return render(
        request,
        "learning/verify.html",
        {"form": VerifyForm(initial={"code": code[:32]}), "result": result, "code": code[:32]},
        status=200 if result else 404,
    )
